//! Every code of the real price list (12,434) passes the check-digit rule, and each one with a
//! corrupted check digit, or a corrupted first digit, fails.

use std::path::PathBuf;

use supplywatch::domain::YjCode;

fn price_list() -> Option<PathBuf> {
    let dir = std::env::var_os("SUPPLYWATCH_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    );
    let file = dir.join("nhi_price_list_20250716.csv");
    if file.exists() {
        return Some(file);
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI: the price list is missing at {}",
        file.display()
    );
    eprintln!("note: {} not found; skipping", file.display());
    None
}

fn codes() -> anyhow::Result<Vec<String>> {
    let Some(file) = price_list() else {
        return Ok(Vec::new());
    };
    let mut reader = csv::Reader::from_path(file)?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == "薬価基準収載医薬品コード")
        .ok_or_else(|| anyhow::anyhow!("no code column"))?;
    let mut codes = Vec::new();
    for record in reader.records() {
        codes.push(record?.get(column).unwrap_or_default().to_owned());
    }
    Ok(codes)
}

#[test]
fn all_codes_of_the_real_price_list_pass_and_each_corrupted_one_fails() -> anyhow::Result<()> {
    let codes = codes()?;
    if codes.is_empty() {
        return Ok(());
    }
    assert_eq!(codes.len(), 12_434);
    for code in &codes {
        let parsed = YjCode::parse(code).map_err(|e| anyhow::anyhow!("{code}: {e}"))?;
        assert_eq!(parsed.as_str(), code);

        let check = code[11..].parse::<u32>()?;
        let bad_check = format!("{}{}", &code[..11], (check + 1) % 10);
        let error = YjCode::parse(&bad_check).expect_err("a corrupted check digit must fail");
        assert_eq!(error.code, "check_digit");
        assert!(
            error.message.contains(&format!("正しくは {check}")),
            "{}",
            error.message
        );

        let first = code[..1].parse::<u32>()?;
        let bad_first = format!("{}{}", (first + 1) % 10, &code[1..]);
        assert!(YjCode::parse(&bad_first).is_err(), "{bad_first} passed");
    }
    Ok(())
}
