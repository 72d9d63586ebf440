//! The ministry's supply status sheet (別添様式2, columns ①–⑱) as XLSX and as CSV for Excel.

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::csv_excel::{self, CsvError};
use crate::ministry_list::excel_date;

/// Column headers ①–⑱, as the ministry's form names them.
pub const COLUMNS: [&str; 18] = [
    "①薬剤区分",
    "②薬効分類",
    "③成分名",
    "④規格単位",
    "⑤YJコード",
    "⑥品名",
    "⑦製造販売業者名",
    "⑧製品区分",
    "⑨基礎的医薬品",
    "⑩安定確保医薬品",
    "⑪薬価収載年月日",
    "⑫出荷対応の状況",
    "⑬限定出荷／供給停止の理由",
    "⑭限定出荷の解除見込み／供給停止の解消見込み",
    "⑮見込み時期／在庫消尽時期",
    "⑯出荷量の状況",
    "⑰報告日／情報更新日",
    "⑱当月掲載情報確認済み",
];

/// Column widths in characters, in the order of [`COLUMNS`].
const WIDTHS: [f64; 18] = [
    9.0, 9.0, 28.0, 16.0, 14.0, 34.0, 20.0, 10.0, 8.0, 8.0, 12.0, 22.0, 18.0, 14.0, 12.0, 12.0,
    12.0, 10.0,
];

/// Row of the column headings (a title line and a blank line come first).
const HEADER_ROW: u32 = 2;

/// One drug's row: every value already in the words the sheet shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetRow {
    /// ① 内用薬 / 注射薬 / 外用薬 / 歯科用薬剤.
    pub category: String,
    /// ② 薬効分類.
    pub therapeutic_class: String,
    /// ③.
    pub ingredient: String,
    /// ④.
    pub specification: String,
    /// ⑤.
    pub code: String,
    /// ⑥.
    pub name: String,
    /// ⑦.
    pub maker_name: String,
    /// ⑧ 先発品 / 長期収載品 / 後発品 / その他.
    pub product_class: String,
    /// ⑨ ○ or blank.
    pub basic_drug: String,
    /// ⑩ A / B / C or blank.
    pub stable_supply: String,
    /// ⑪.
    pub listed_on: Option<NaiveDate>,
    /// ⑫ e.g. `2. 限定出荷（自社の事情）`, blank when never reported.
    pub shipping_status: String,
    /// ⑬.
    pub reason: String,
    /// ⑭ あり / なし / 未定.
    pub resolution_outlook: String,
    /// ⑮ `YYYY-MM`.
    pub resolution_month: String,
    /// ⑯ A+ / A / B / C / D.
    pub volume_status: String,
    /// ⑰.
    pub reported_on: Option<NaiveDate>,
    /// ⑱ ○ or blank.
    pub confirmed: String,
}

impl SheetRow {
    fn texts(&self) -> [&str; 18] {
        [
            &self.category,
            &self.therapeutic_class,
            &self.ingredient,
            &self.specification,
            &self.code,
            &self.name,
            &self.maker_name,
            &self.product_class,
            &self.basic_drug,
            &self.stable_supply,
            "",
            &self.shipping_status,
            &self.reason,
            &self.resolution_outlook,
            &self.resolution_month,
            &self.volume_status,
            "",
            &self.confirmed,
        ]
    }
}

/// Writes the sheet as XLSX: a title line, the header row with filters, frozen panes, real dates.
pub fn write_xlsx(title: &str, rows: &[SheetRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("供給状況")?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy/mm/dd");
    sheet.write_string_with_format(0, 0, title, &title_format)?;
    for (column, (name, width)) in (0_u16..).zip(COLUMNS.iter().zip(WIDTHS)) {
        sheet.write_string_with_format(HEADER_ROW, column, *name, &header)?;
        sheet.set_column_width(column, width)?;
    }
    sheet.set_row_height(HEADER_ROW, 45)?;
    for (row, data) in (HEADER_ROW + 1..).zip(rows) {
        for (column, text) in (0_u16..).zip(data.texts()) {
            if !text.is_empty() {
                sheet.write_string(row, column, text)?;
            }
        }
        for (column, day) in [(10, data.listed_on), (16, data.reported_on)] {
            if let Some(day) = day {
                sheet.write_date_with_format(row, column, &excel_date(day)?, &date)?;
            }
        }
    }
    let last_row = HEADER_ROW + u32::try_from(rows.len()).unwrap_or(u32::MAX - HEADER_ROW - 1);
    sheet.autofilter(HEADER_ROW, 0, last_row, 17)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 6)?;
    workbook.save_to_buffer()
}

/// Writes the sheet as CSV (UTF-8 with BOM): the header row, then one line per drug; dates as
/// `YYYY-MM-DD`.
pub fn write_csv(rows: &[SheetRow]) -> Result<Vec<u8>, CsvError> {
    let date = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    csv_excel::write(
        &COLUMNS,
        rows.iter().map(|row| {
            let mut fields: Vec<String> = row.texts().iter().map(|s| (*s).to_owned()).collect();
            fields[10] = date(row.listed_on);
            fields[16] = date(row.reported_on);
            fields
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> SheetRow {
        SheetRow {
            category: "内用薬".into(),
            code: "1124001F1022".into(),
            name: "ユーロジン１ｍｇ錠".into(),
            shipping_status: "2. 限定出荷（自社の事情）".into(),
            reported_on: NaiveDate::from_ymd_opt(2026, 11, 20),
            ..SheetRow::default()
        }
    }

    #[test]
    fn the_csv_has_the_eighteen_japanese_columns_and_iso_dates() -> Result<(), CsvError> {
        let bytes = write_csv(&[row()])?;
        let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
        let mut lines = text.lines();
        assert_eq!(lines.next().map(|h| h.split(',').count()), Some(18));
        let data = lines.next().unwrap_or_default();
        assert!(
            data.contains("1124001F1022") && data.contains(",2026-11-20,"),
            "{data}"
        );
        Ok(())
    }

    #[test]
    fn the_xlsx_is_a_zip_package_with_a_worksheet() -> Result<(), XlsxError> {
        let bytes = write_xlsx("医療用医薬品供給状況", &[row()])?;
        assert!(bytes.starts_with(b"PK"), "XLSX files are ZIP packages");
        assert!(bytes.len() > 3_000);
        Ok(())
    }
}
