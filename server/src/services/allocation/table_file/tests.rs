//! The table reader on small files: encodings, row numbers, missing headings.

use super::*;
use std::fmt::Write as _;
use std::io::Write as _;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Code,
    Name,
}

fn recognise(h: &str) -> Option<Col> {
    match h {
        "code" | "得意先コード" => Some(Col::Code),
        "name" | "得意先名" => Some(Col::Name),
        _ => None,
    }
}

type Rows = Vec<(usize, String, String)>;

fn rows_of(bytes: &[u8]) -> anyhow::Result<(Format, Rows)> {
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(bytes)?;
    let format = sniff(file.path())?;
    let mut rows = Vec::new();
    read(
        file.path(),
        format,
        recognise,
        &[(Col::Code, "code"), (Col::Name, "name")],
        |layout, row, cells| {
            let at = |c| layout.index(c).map_or("", |i| cells.cell(i)).to_owned();
            rows.push((row, at(Col::Code), at(Col::Name)));
            true
        },
    )?;
    Ok((format, rows))
}

#[test]
fn utf8_with_bom_and_shift_jis_read_the_same_rows_with_spreadsheet_row_numbers()
-> anyhow::Result<()> {
    let text = "得意先コード,得意先名\nC1,甲病院\n\nC2, 乙薬局 \n";
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(text.as_bytes());
    let (format, utf8) = rows_of(&with_bom)?;
    assert_eq!(format, Format::CsvUtf8);
    let want = vec![
        (2, "C1".to_owned(), "甲病院".to_owned()),
        (4, "C2".to_owned(), "乙薬局".to_owned()),
    ];
    assert_eq!(utf8, want);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let (format, decoded) = rows_of(&sjis)?;
    assert_eq!(format, Format::CsvShiftJis);
    assert_eq!(decoded, want);
    Ok(())
}

#[test]
fn a_long_shift_jis_file_decodes_across_buffer_boundaries() -> anyhow::Result<()> {
    let mut text = String::from("code,name\n");
    for i in 0..20_000 {
        let _ = writeln!(text, "C{i},医療法人社団 第{i}病院");
    }
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let (_, rows) = rows_of(&sjis)?;
    assert_eq!(rows.len(), 20_000);
    assert_eq!(rows[19_999].2, "医療法人社団 第19999病院");
    Ok(())
}

#[test]
fn a_file_without_the_headings_is_refused_naming_them() {
    let error = rows_of(b"a,b\n1,2\n").err().map(|e| e.to_string());
    assert!(error.is_some());
    let Err(ServiceError::Invalid(problems)) = ({
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(b"a,b\n1,2\n").expect("write");
        read(
            file.path(),
            Format::CsvUtf8,
            recognise,
            &[(Col::Code, "code"), (Col::Name, "name")],
            |_, _, _| true,
        )
    }) else {
        panic!("expected a refusal")
    };
    assert!(problems[0].message.contains("code, name"), "{problems:?}");
}
