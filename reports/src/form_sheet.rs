//! A filed report as a filled-in form: a title and a two-column table of 項目 and 内容 (XLSX).

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

/// Writes `rows` of (label, value) under `title`.
pub fn write_xlsx(title: &str, rows: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("報告")?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let label = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let value = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    sheet.write_string_with_format(0, 0, title, &title_format)?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 70)?;
    sheet.write_string_with_format(2, 0, "項目", &label)?;
    sheet.write_string_with_format(2, 1, "内容", &label)?;
    for (row, (name, text)) in (3_u32..).zip(rows) {
        sheet.write_string_with_format(row, 0, name, &label)?;
        sheet.write_string_with_format(row, 1, text, &value)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_an_xlsx_package() -> Result<(), XlsxError> {
        let bytes = write_xlsx(
            "様式10-2 第一報",
            &[("受付番号".into(), "R2026-000001".into())],
        )?;
        assert!(bytes.starts_with(b"PK") && bytes.len() > 3_000);
        Ok(())
    }
}
