//! The table reader on small files: encodings, row numbers, missing headings, real workbooks,
//! and every hostile file it must refuse without holding what the file claims.

use super::*;
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};
use std::time::Duration;

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
    let limits = TableLimits::default();
    let table = TableFile {
        path: file.path(),
        format,
        limits: &limits,
    };
    read(
        &table,
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

/// Every row of `bytes` under `limits`, or the refusal.
fn table(bytes: &[u8], limits: &TableLimits) -> Result<Vec<(usize, Vec<String>)>, ServiceError> {
    read_table(bytes, limits)
}

/// The code of the one problem of a refusal, and whether it was a 413 (`TooLarge`).
fn refusal(result: Result<Vec<(usize, Vec<String>)>, ServiceError>) -> (String, bool) {
    match result {
        Err(ServiceError::TooLarge(p)) => (p[0].code.clone(), true),
        Err(ServiceError::Invalid(p)) => (p[0].code.clone(), false),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A workbook of one sheet written part by part, as an attacker would.
fn workbook(sheet: &str, shared_strings: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/workbook.xml", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#)?;
    zip.start_file("xl/_rels/workbook.xml.rels", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#)?;
    if let Some(strings) = shared_strings {
        zip.start_file("xl/sharedStrings.xml", options)?;
        zip.write_all(strings.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)?;
    zip.write_all(sheet.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

fn sheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>{rows}</sheetData></worksheet>"#
    )
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
fn quoted_cells_with_line_breaks_keep_the_row_numbers_of_the_lines_they_start_on()
-> anyhow::Result<()> {
    let (_, rows) = rows_of(b"code,name\r\nC1,\"two\r\nlines\"\r\n\r\nC2,x\r\n")?;
    assert_eq!(rows[0], (2, "C1".to_owned(), "two\r\nlines".to_owned()));
    assert_eq!(rows[1].0, 5);
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
fn a_file_without_the_headings_is_refused_naming_them() -> anyhow::Result<()> {
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(b"a,b\n1,2\n")?;
    let limits = TableLimits::default();
    let table = TableFile {
        path: file.path(),
        format: Format::CsvUtf8,
        limits: &limits,
    };
    let Err(ServiceError::Invalid(problems)) = read(
        &table,
        recognise,
        &[(Col::Code, "code"), (Col::Name, "name")],
        |_, _, _| true,
    ) else {
        panic!("expected a refusal")
    };
    assert!(problems[0].message.contains("code, name"), "{problems:?}");
    Ok(())
}

#[test]
fn a_shift_jis_file_ending_in_a_lone_lead_byte_reads_to_its_end() -> anyhow::Result<()> {
    let (mut bytes, _, _) = encoding_rs::SHIFT_JIS
        .encode("product_code,month,kind,quantity\n2171022F5180,2026-10,出荷,1\n");
    bytes.to_mut().push(0x82);
    let rows = table(&bytes, &TableLimits::default())?;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1].1[2], "出荷");
    assert_eq!(rows[2].1, vec!["\u{FFFD}".to_owned()]);
    Ok(())
}

#[test]
fn images_old_excel_files_and_utf16_are_refused_as_not_tables() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
    assert_eq!(
        refusal(table(png, &TableLimits::default())),
        ("format".into(), false)
    );
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
    assert_eq!(
        refusal(table(xls, &TableLimits::default())),
        ("format".into(), false)
    );
    let utf16 = b"\xFF\xFEc\x00o\x00d\x00e\x00";
    assert_eq!(
        refusal(table(utf16, &TableLimits::default())),
        ("format".into(), false)
    );
}

#[test]
fn a_workbook_written_by_excel_writers_reads_as_people_see_it() -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "code")?;
    sheet.write_string(0, 1, "name")?;
    sheet.write_string(0, 3, "month")?;
    sheet.write_string(1, 0, "C1")?;
    sheet.write_string(1, 1, "甲病院 & <薬局>")?;
    sheet.write_number(1, 2, 2.0)?;
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 3, 1)?;
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
    sheet.write_datetime_with_format(1, 3, &date, &format)?;
    sheet.write_number(3, 0, 6.1)?;
    sheet.write_boolean(3, 1, true)?;
    let bytes = book.save_to_buffer()?;
    let rows = table(&bytes, &TableLimits::default())?;
    assert_eq!(
        rows[0],
        (
            1,
            vec!["code".into(), "name".into(), String::new(), "month".into()]
        )
    );
    assert_eq!(
        rows[1],
        (
            2,
            vec![
                "C1".into(),
                "甲病院 & <薬局>".into(),
                "2".into(),
                "2027-03".into()
            ]
        )
    );
    assert_eq!(
        rows[2],
        (4, vec!["6.1".into(), "TRUE".into()]),
        "row 3 is empty"
    );
    Ok(())
}

#[test]
fn a_sheet_declaring_a_range_past_the_column_limit_is_refused_before_its_rows() -> anyhow::Result<()>
{
    let bytes = workbook(
        &format!(
            r#"<?xml version="1.0"?><worksheet><dimension ref="A1:XFD1048576"/><sheetData>{}</sheetData></worksheet>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>"#
        ),
        None,
    )?;
    assert_eq!(
        refusal(table(&bytes, &TableLimits::default())),
        ("max_columns".into(), true)
    );
    Ok(())
}

#[test]
fn two_cells_at_a1_and_xfd1048576_are_refused_without_filling_the_range() -> anyhow::Result<()> {
    let bytes = workbook(
        &sheet(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>product_code</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        ),
        None,
    )?;
    assert_eq!(
        refusal(table(&bytes, &TableLimits::default())),
        ("max_columns".into(), true)
    );
    Ok(())
}

#[test]
fn a_row_of_cells_without_references_stops_at_the_column_limit() -> anyhow::Result<()> {
    let cells = "<c><v>1</v></c>".repeat(100_000);
    let bytes = workbook(&sheet(&format!("<row>{cells}</row>")), None)?;
    assert_eq!(
        refusal(table(&bytes, &TableLimits::default())),
        ("max_columns".into(), true)
    );
    Ok(())
}

#[test]
fn a_string_longer_than_a_cell_may_be_is_refused_while_it_streams() -> anyhow::Result<()> {
    let limits = TableLimits {
        max_cell_bytes: 1024,
        ..TableLimits::default()
    };
    let long = "A".repeat(2 * 1024 * 1024);
    let inline = workbook(
        &sheet(&format!(
            r#"<row><c t="inlineStr"><is><t>{long}</t></is></c></row>"#
        )),
        None,
    )?;
    assert_eq!(
        refusal(table(&inline, &limits)),
        ("max_cell_bytes".into(), true)
    );
    let shared = workbook(
        &sheet(r#"<row><c t="s"><v>0</v></c></row>"#),
        Some(&format!("<sst><si><t>{long}</t></si></sst>")),
    )?;
    assert_eq!(
        refusal(table(&shared, &limits)),
        ("max_cell_bytes".into(), true)
    );
    Ok(())
}

#[test]
fn a_part_inflating_past_the_limit_is_refused_while_it_inflates() -> anyhow::Result<()> {
    let limits = TableLimits {
        max_inflated_bytes: 1024 * 1024,
        ..TableLimits::default()
    };
    let rows = "<row><c><v>1</v></c></row>".repeat(100_000);
    let bytes = workbook(&sheet(&rows), None)?;
    assert_eq!(
        refusal(table(&bytes, &limits)),
        ("max_inflated_bytes".into(), true)
    );
    Ok(())
}

#[test]
fn a_shared_string_table_past_its_limit_is_refused_by_its_declaration_or_its_count()
-> anyhow::Result<()> {
    let limits = TableLimits {
        max_shared_strings: 10,
        ..TableLimits::default()
    };
    let row = sheet(r#"<row><c t="s"><v>0</v></c></row>"#);
    let declared = workbook(&row, Some(r#"<sst uniqueCount="99999999"></sst>"#))?;
    assert_eq!(
        refusal(table(&declared, &limits)),
        ("max_shared_strings".into(), true)
    );
    let held = workbook(
        &row,
        Some(&format!("<sst>{}</sst>", "<si><t>x</t></si>".repeat(11))),
    )?;
    assert_eq!(
        refusal(table(&held, &limits)),
        ("max_shared_strings".into(), true)
    );
    Ok(())
}

#[test]
fn comments_cdata_and_dtds_in_a_workbook_part_are_refused() -> anyhow::Result<()> {
    for part in [
        r#"<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>"#,
        "<worksheet><!-- <> --><sheetData/></worksheet>",
        r#"<worksheet><sheetData><row><c t="inlineStr"><is><t><![CDATA[<>]]></t></is></c></row></sheetData></worksheet>"#,
    ] {
        let bytes = workbook(part, None)?;
        assert_eq!(
            refusal(table(&bytes, &TableLimits::default())),
            ("xlsx".into(), false)
        );
    }
    Ok(())
}

#[test]
fn a_shared_string_index_out_of_range_is_refused() -> anyhow::Result<()> {
    let bytes = workbook(
        &sheet(r#"<row><c t="s"><v>7</v></c></row>"#),
        Some("<sst></sst>"),
    )?;
    assert_eq!(
        refusal(table(&bytes, &TableLimits::default())),
        ("xlsx".into(), false)
    );
    Ok(())
}

#[test]
fn csv_past_the_cell_column_and_row_limits_is_refused_naming_each_limit() {
    let limits = TableLimits {
        max_rows: 3,
        max_columns: 5,
        max_cell_bytes: 100,
        ..TableLimits::default()
    };
    let long_cell = format!("a,{}\n", "x".repeat(10_000));
    assert_eq!(
        refusal(table(long_cell.as_bytes(), &limits)),
        ("max_cell_bytes".into(), true)
    );
    let quoted = format!("a,\"{}\"\n", "y\n".repeat(10_000));
    assert_eq!(
        refusal(table(quoted.as_bytes(), &limits)),
        ("max_cell_bytes".into(), true)
    );
    assert_eq!(
        refusal(table(b"1,2,3,4,5,6\n", &limits)),
        ("max_columns".into(), true)
    );
    let wide = ",".repeat(1_000_000);
    assert_eq!(
        refusal(table(wide.as_bytes(), &limits)),
        ("max_columns".into(), true)
    );
    assert_eq!(
        refusal(table(b"a\nb\nc\nd\n", &limits)),
        ("max_rows".into(), true)
    );
    assert!(table(b"a\nb\nc\n", &limits).is_ok());
}

#[test]
fn reading_past_the_time_budget_is_refused() {
    let limits = TableLimits {
        time_budget: Duration::ZERO,
        ..TableLimits::default()
    };
    let rows = "a,b\n".repeat(10_000);
    assert_eq!(
        refusal(table(rows.as_bytes(), &limits)),
        ("time_budget".into(), true)
    );
}

#[test]
fn invalid_utf8_in_a_utf8_file_is_refused_at_its_row() {
    // Valid UTF-8 for the first 64 KiB (so the file is taken as UTF-8), then a broken byte.
    let mut bytes = "a,b\n".repeat(20_000).into_bytes();
    bytes.extend_from_slice(b"\xFF,x\n");
    let Err(ServiceError::Invalid(p)) = table(&bytes, &TableLimits::default()) else {
        panic!("expected a refusal");
    };
    assert_eq!((p[0].code.as_str(), p[0].row), ("encoding", Some(20_001)));
}

#[test]
fn the_limits_name_the_setting_that_raises_them() {
    let ServiceError::TooLarge(p) =
        limits::breach(&TableLimits::default(), Limit::Rows, Some(7), "")
    else {
        panic!("a breach is TooLarge");
    };
    assert_eq!(p[0].row, Some(7));
    assert!(
        p[0].message.contains("SUPPLYWATCH_UPLOAD_MAX_ROWS"),
        "{}",
        p[0].message
    );
    assert!(p[0].message.contains("5000000行"), "{}", p[0].message);
}
