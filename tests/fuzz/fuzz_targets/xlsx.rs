//! Workbooks read by the streaming XLSX reader. Raw bytes rarely get past the ZIP directory, so
//! input not starting with a ZIP header is taken as the parts of a well-formed ZIP: the sheet's
//! XML, then (after a 0xFF byte) the shared strings, then (after another) the styles. Either
//! way the reader returns rows or a refusal, never panics, and holds no more than the limits.
#![no_main]

use std::io::{Cursor, Write as _};

use libfuzzer_sys::fuzz_target;
use supplywatch::services::table_file::{Cells, Format, TableLimits, read_rows};

fn workbook(data: &[u8]) -> Option<Vec<u8>> {
    let mut parts = data.splitn(3, |b| *b == 0xFF);
    let sheet = parts.next().unwrap_or_default();
    let strings = parts.next();
    let styles = parts.next();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    zip.start_file("xl/workbook.xml", options).ok()?;
    zip.write_all(br#"<workbook xmlns:r="r"><sheets><sheet r:id="rId1"/></sheets></workbook>"#).ok()?;
    zip.start_file("xl/_rels/workbook.xml.rels", options).ok()?;
    zip.write_all(br#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#).ok()?;
    zip.start_file("xl/worksheets/sheet1.xml", options).ok()?;
    zip.write_all(sheet).ok()?;
    if let Some(strings) = strings {
        zip.start_file("xl/sharedStrings.xml", options).ok()?;
        zip.write_all(strings).ok()?;
    }
    if let Some(styles) = styles {
        zip.start_file("xl/styles.xml", options).ok()?;
        zip.write_all(styles).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let limits = TableLimits {
        max_rows: 10_000,
        max_cell_bytes: 4096,
        max_shared_strings: 10_000,
        max_inflated_bytes: 16 << 20,
        time_budget: std::time::Duration::from_secs(5),
        ..TableLimits::default()
    };
    let bytes = if data.starts_with(b"PK") {
        data.to_vec()
    } else {
        match workbook(data) {
            Some(bytes) => bytes,
            None => return,
        }
    };
    let _ = read_rows(Cursor::new(bytes), Format::Xlsx, &limits, |_, row| {
        assert!(row.width() <= limits.max_columns);
        for i in 0..row.width() {
            assert!(row.cell(i).len() <= limits.max_cell_bytes);
        }
        Ok(true)
    });
});
