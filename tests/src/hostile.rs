//! Hostile files, generated where they are used (none is committed as a binary): the workbooks
//! and texts that once stopped or bloated the server, as an attacker would write them.

use std::io::{Cursor, Write as _};

/// A workbook of one sheet whose parts are written by hand.
pub fn workbook(sheet: &[u8], shared_strings: Option<&[u8]>) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#)?;
    zip.start_file("xl/workbook.xml", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#)?;
    zip.start_file("xl/_rels/workbook.xml.rels", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#)?;
    if let Some(strings) = shared_strings {
        zip.start_file("xl/sharedStrings.xml", options)?;
        zip.write_all(strings)?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)?;
    zip.write_all(sheet)?;
    Ok(zip.finish()?.into_inner())
}

const SHEET_START: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &[u8] = b"</sheetData></worksheet>";
const HEADINGS: &[u8] = br#"<row><c t="inlineStr"><is><t>product_code</t></is></c><c t="inlineStr"><is><t>month</t></is></c><c t="inlineStr"><is><t>kind</t></is></c><c t="inlineStr"><is><t>quantity</t></is></c></row>"#;

/// Two cells, A1 and XFD1048576: ≈2 KB that a range-filling reader turns into 17 billion cells.
pub fn dimension_bomb() -> anyhow::Result<Vec<u8>> {
    let mut sheet = SHEET_START.to_vec();
    sheet.extend_from_slice(br#"<row r="1"><c r="A1" t="inlineStr"><is><t>product_code</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#);
    sheet.extend_from_slice(SHEET_END);
    workbook(&sheet, Some(b"<sst/>"))
}

/// One row of `cells` cells without references (≈130 KB compressed for 60 million).
pub fn wide_row(cells: usize) -> anyhow::Result<Vec<u8>> {
    let mut sheet = SHEET_START.to_vec();
    sheet.extend_from_slice(HEADINGS);
    sheet.extend_from_slice(b"<row>");
    sheet.extend_from_slice(&b"<c><v>1</v></c>".repeat(cells));
    sheet.extend_from_slice(b"</row>");
    sheet.extend_from_slice(SHEET_END);
    workbook(&sheet, None)
}

/// One inline string of `bytes` letters (a 1 GB string is ≈1 MB compressed).
pub fn string_bomb(bytes: usize) -> anyhow::Result<Vec<u8>> {
    let mut sheet = SHEET_START.to_vec();
    sheet.extend_from_slice(HEADINGS);
    sheet.extend_from_slice(br#"<row><c t="inlineStr"><is><t>"#);
    sheet.resize(sheet.len() + bytes, b'A');
    sheet.extend_from_slice(b"</t></is></c></row>");
    sheet.extend_from_slice(SHEET_END);
    workbook(&sheet, None)
}

/// Many short cells that inflate past `bytes` in all.
pub fn inflation_bomb(bytes: usize) -> anyhow::Result<Vec<u8>> {
    let row = br#"<row><c t="inlineStr"><is><t>2171022F5180</t></is></c><c t="inlineStr"><is><t>2026-10</t></is></c><c t="inlineStr"><is><t>actual</t></is></c><c><v>1</v></c></row>"#;
    let mut sheet = SHEET_START.to_vec();
    sheet.extend_from_slice(HEADINGS);
    while sheet.len() < bytes {
        sheet.extend_from_slice(row);
    }
    sheet.extend_from_slice(SHEET_END);
    workbook(&sheet, None)
}

/// A Shift_JIS CSV whose last byte is the lead byte of a two-byte character.
pub fn shift_jis_trailing_lead() -> Vec<u8> {
    let (text, _, _) = encoding_rs::SHIFT_JIS
        .encode("product_code,month,kind,quantity\n2171022F5180,2026-10,出荷,1\n");
    let mut bytes = text.into_owned();
    bytes.push(0x82);
    bytes
}

/// The first bytes of a PNG image.
pub fn png() -> Vec<u8> {
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        .to_vec()
}
