//! Calibration of the national generator against the published mix, on the real price list.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};

use super::tests::{check_invariants, replay};
use super::{NationalParams, NationalProduct, generate};

/// The real price list's text, or `None` (with a note) when it is absent outside CI.
fn price_list() -> Option<String> {
    let folder = std::env::var_os("SUPPLYWATCH_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    );
    let path = folder.join("nhi_price_list_20250716.csv");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI needs the price list at {}: {error}",
                path.display()
            );
            eprintln!("note: skipping, no price list at {}", path.display());
            None
        }
    }
}

/// The two needed columns of the price list (no field of those columns holds a comma).
fn parse(text: &str) -> Vec<NationalProduct<'_>> {
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().expect("a header row").split(',').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .expect("the column is present")
    };
    let (code, maker) = (column("薬価基準収載医薬品コード"), column("メーカー名"));
    lines
        .filter(|line| !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            NationalProduct {
                code: fields[code],
                maker_name: Some(fields[maker]).filter(|m| !m.is_empty()),
            }
        })
        .collect()
}

/// Share of `part` in `whole`, in percent.
fn percent(part: usize, whole: usize) -> f64 {
    let to_f64 = |n: usize| f64::from(u32::try_from(n).expect("counts fit in u32"));
    100.0 * to_f64(part) / to_f64(whole.max(1))
}

#[test]
fn the_real_price_list_follows_the_published_mix() {
    let Some(text) = price_list() else { return };
    let products = parse(&text);
    assert_eq!(products.len(), 12_434);
    let last_friday = NaiveDate::from_ymd_opt(2025, 12, 26).expect("a valid date");
    let params = NationalParams::three_years_before(last_friday, 20_250_716);

    let started = Instant::now();
    let reports = generate(&products, &params);
    let elapsed = started.elapsed();
    eprintln!("{} reports in {elapsed:?}", reports.len());
    if !cfg!(debug_assertions) {
        assert!(
            elapsed < Duration::from_secs(2),
            "generation took {elapsed:?}"
        );
    }
    assert!((50_000..400_000).contains(&reports.len()));
    check_invariants(&products, &params, &reports);

    let mut by_year: [[usize; 6]; 3] = [[0; 6]; 3];
    let mut reasons_2025 = [0_usize; 9];
    let (mut knock_on_weeks, mut demand, mut with_cause) = (0, 0, 0);
    replay(products.len(), &params, &reports, |_, friday, states, _| {
        let Some(year) = usize::try_from(friday.year() - 2023)
            .ok()
            .filter(|y| *y < 3)
        else {
            return;
        };
        for &(status, reason, cause) in states {
            let s: usize = status.parse().expect("⑫ is a digit");
            by_year[year][s] += 1;
            if year == 2 && status == "2" {
                reasons_2025[reason.expect("a reason").parse::<usize>().expect("a digit")] += 1;
            }
            if year == 2 && status == "3" {
                knock_on_weeks += 1;
                demand += usize::from(reason == Some("1"));
                with_cause += usize::from(cause.is_some());
            }
        }
    });
    let total = |year: usize| by_year[year].iter().sum::<usize>();
    for (year, counts) in by_year.iter().enumerate() {
        let shares: Vec<String> = (1..=5)
            .map(|s| format!("{s}: {:.2}%", percent(counts[s], total(year))))
            .collect();
        eprintln!("{}: {}", 2023 + year, shares.join(", "));
    }
    for (status, expected) in [(1, 86.0), (2, 4.0), (3, 4.0), (4, 1.0), (5, 5.0)] {
        let share = percent(by_year[2][status], total(2));
        assert!(
            (share - expected).abs() <= 1.5,
            "2025 ⑫ {status}: {share:.2}%"
        );
    }
    let in_2 = reasons_2025.iter().sum();
    let reason_shares: Vec<String> = (1..=8)
        .map(|r| format!("{r}: {:.1}%", percent(reasons_2025[r], in_2)))
        .collect();
    eprintln!("2025 ⑬ of ⑫ 2: {}", reason_shares.join(", "));
    for (reason, expected) in [(2, 14.0), (3, 30.0), (4, 7.0), (8, 39.0)] {
        let share = percent(reasons_2025[reason], in_2);
        assert!(
            (share - expected).abs() <= 4.0,
            "⑬ {reason} of ⑫ 2: {share:.1}%"
        );
    }
    let rest = percent(reasons_2025[1] + reasons_2025[5] + reasons_2025[6], in_2);
    assert!((rest - 10.0).abs() <= 4.0, "⑬ 1, 5, 6 of ⑫ 2: {rest:.1}%");
    let demand_share = percent(demand, knock_on_weeks);
    let cause_share = percent(with_cause, knock_on_weeks);
    eprintln!("2025 ⑫ 3: {demand_share:.1}% 需要増, {cause_share:.1}% with a causing product");
    assert!(demand_share >= 95.0);
    assert!(cause_share >= 80.0, "⑫ 3 arises mostly as a knock-on");
    let non_normal = |year: usize| 100.0 - percent(by_year[year][1], total(year));
    assert!(
        non_normal(0) > non_normal(2) + 5.0,
        "2023 ({:.1}%) has more shortages than 2025 ({:.1}%)",
        non_normal(0),
        non_normal(2)
    );
}
