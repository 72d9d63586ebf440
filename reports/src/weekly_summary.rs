//! The weekly summary for ministry meetings (in the manner of the ministry's 供給状況報告集計):
//! titled tables of counts and shares on one sheet with the trend chart beside them, and the
//! weekly series on a second sheet (XLSX).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Image, Workbook, XlsxError};

/// One cell of a summary table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Count(u64),
    /// A share in percent (12.3 → 12.3%).
    Percent(f64),
}

/// A titled table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Title above the table (e.g. 出荷対応の状況).
    pub title: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeeklySummary {
    /// Sheet title (e.g. 医療用医薬品の供給状況（集計）).
    pub title: String,
    /// Line under the title: as of when, from what.
    pub subtitle: String,
    /// The tables of the first sheet, top to bottom.
    pub tables: Vec<Table>,
    /// The trend chart (PNG), placed beside the tables.
    pub chart_png: Option<Vec<u8>>,
    /// Said instead of the chart when there is none.
    pub chart_note: Option<String>,
    /// The weekly series for the second sheet.
    pub series: Table,
}

/// Writes the summary as XLSX.
pub fn write_xlsx(summary: &WeeklySummary) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let heading = Format::new().set_bold().set_font_size(11);
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let text = Format::new().set_border(FormatBorder::Thin);
    let count = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    let percent = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let formats = (&head, &text, &count, &percent);

    let sheet = workbook.add_worksheet();
    sheet.set_name("集計")?;
    sheet.write_string_with_format(0, 0, &summary.title, &title)?;
    sheet.write_string(1, 0, &summary.subtitle)?;
    sheet.set_column_width(0, 30)?;
    for column in 1..7 {
        sheet.set_column_width(column, 12)?;
    }
    let mut row = 3_u32;
    for table in &summary.tables {
        sheet.write_string_with_format(row, 0, &table.title, &heading)?;
        row = write_table(sheet, row + 1, table, formats)? + 1;
    }
    if let Some(png) = &summary.chart_png {
        let image = Image::new_from_buffer(png)?
            .set_scale_width(0.75)
            .set_scale_height(0.75);
        sheet.insert_image(3, 8, &image)?;
    } else if let Some(note) = &summary.chart_note {
        sheet.write_string(3, 8, note)?;
    }

    let series = workbook.add_worksheet();
    series.set_name("推移")?;
    series.write_string_with_format(0, 0, &summary.series.title, &title)?;
    series.set_column_width(0, 14)?;
    series.set_column_width(1, 18)?;
    for column in 2..7 {
        series.set_column_width(column, 13)?;
    }
    write_table(series, 2, &summary.series, formats)?;
    workbook.save_to_buffer()
}

/// Writes `table` from `row`; returns the first row after it.
fn write_table(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    table: &Table,
    (head, text, count, percent): (&Format, &Format, &Format, &Format),
) -> Result<u32, XlsxError> {
    for (column, name) in (0_u16..).zip(&table.header) {
        sheet.write_string_with_format(row, column, name, head)?;
    }
    let mut at = row + 1;
    for cells in &table.rows {
        for (column, cell) in (0_u16..).zip(cells) {
            match cell {
                Cell::Text(t) => sheet.write_string_with_format(at, column, t, text)?,
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "counts of products fit an f64 exactly"
                )]
                Cell::Count(n) => sheet.write_number_with_format(at, column, *n as f64, count)?,
                Cell::Percent(p) => {
                    sheet.write_number_with_format(at, column, p / 100.0, percent)?
                }
            };
        }
        at += 1;
    }
    Ok(at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_an_xlsx_package_with_both_sheets() -> Result<(), XlsxError> {
        let table = Table {
            title: "出荷対応の状況".into(),
            header: vec!["区分".into(), "品目数".into(), "割合".into()],
            rows: vec![vec![
                Cell::Text("通常出荷".into()),
                Cell::Count(812),
                Cell::Percent(81.2),
            ]],
        };
        let bytes = write_xlsx(&WeeklySummary {
            title: "医療用医薬品の供給状況（集計）".into(),
            tables: vec![table.clone()],
            series: table,
            ..WeeklySummary::default()
        })?;
        assert!(bytes.starts_with(b"PK") && bytes.len() > 4_000);
        Ok(())
    }
}
