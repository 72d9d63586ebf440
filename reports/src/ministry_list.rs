//! The ministry's list 「医療用医薬品供給状況」 in its own layout (①–⑳ and the 21st column
//! `New`), as XLSX — sheet `供給状況一覧表`, the title in row 1, the 21 headings in row 2, data
//! from row 3, ⑪⑬⑳ as date cells — and as CSV (UTF-8 with BOM, the headings in the first line,
//! dates as `YYYY-MM-DD`), so that every tool reading the ministry's workbook reads ours.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use crate::csv_excel::{self, CsvError};

/// The sheet's name in the ministry's workbook.
pub const SHEET_NAME: &str = "供給状況一覧表";

/// The 21 headings of the current list (since 2025-05-13), verbatim.
pub const HEADINGS: [&str; 21] = [
    "①薬剤区分",
    "②薬効分類（保険薬収載時点の薬効分類を記載）",
    "③成分名",
    "④規格単位※全角",
    "⑤YJコード",
    "⑥品名（承認書に記載の正式名称）※全角",
    "⑦製造販売業者名",
    "⑧製品区分",
    "⑨基礎的医薬品",
    "⑩（重要）供給確保医薬品",
    "⑪薬価収載年月日",
    "⑫製造販売業者の「出荷対応」の状況",
    "⑬当該品目の⑫の情報を更新した日（本項目を報告内容として追加した令和7年5月13日以降に⑫の情報を更新した品目についてのみ記載）",
    "⑭限定出荷/供給停止の理由",
    "⑮限定出荷の解除見込み／供給停止の解消見込み",
    "⑯限定出荷の解除見込み／供給停止の解消見込み／販売中止品の在庫消尽時期",
    "⑰製造販売業者の「出荷量」の現在の状況",
    "⑱製造販売業者の「出荷量」の改善（増加）見込み時期",
    "⑲⑱を任意選択した場合の「出荷量」の改善（増加）見込み量",
    "⑳当該品目の⑫以外の情報を更新した日",
    "今回掲載時の更新有無（更新有りの場合、Newと表示）",
];

/// Column widths in characters, in the order of [`HEADINGS`].
const WIDTHS: [f64; 21] = [
    10.0, 16.0, 28.0, 16.0, 14.0, 34.0, 20.0, 14.0, 10.0, 10.0, 12.0, 22.0, 14.0, 22.0, 14.0, 24.0,
    18.0, 14.0, 12.0, 12.0, 10.0,
];

/// Row of the headings (0-based; the title is row 0).
const HEADING_ROW: u32 = 1;

/// ⑪ of a drug not in the price list.
pub const NOT_LISTED: &str = "薬価基準未収載";

/// One drug's row, every value already in the ministry's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRow {
    /// ① e.g. `1：内用薬`.
    pub category: String,
    /// ② e.g. `抗ヒスタミン剤`.
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
    /// ⑧ e.g. `2：後発品`.
    pub product_class: String,
    /// ⑨ `1：対象` / `2：対象外`.
    pub basic_drug: String,
    /// ⑩ A / B / C or blank.
    pub stable_supply: String,
    /// ⑪ (blank: [`NOT_LISTED`]).
    pub listed_on: Option<NaiveDate>,
    /// ⑫ e.g. `①通常出荷`.
    pub shipping_status: String,
    /// ⑬.
    pub shipping_changed_on: Option<NaiveDate>,
    /// ⑭ e.g. `７．－`.
    pub reason: String,
    /// ⑮ e.g. `エ. －`.
    pub resolution_outlook: String,
    /// ⑯ free text.
    pub resolution_note: String,
    /// ⑰ e.g. `A．出荷量通常`.
    pub volume_status: String,
    /// ⑱ e.g. `e．３か月超`.
    pub improvement_timing: String,
    /// ⑲ e.g. `110`.
    pub improvement_percent: String,
    /// ⑳.
    pub other_changed_on: Option<NaiveDate>,
    /// The 21st column: ⑫–⑳ changed since the previous publication.
    pub changed: bool,
}

/// A cell of the row: text, or a date (⑪ blank reads 薬価基準未収載).
enum Value<'a> {
    Text(&'a str),
    Date(Option<NaiveDate>),
}

impl ListRow {
    fn values(&self) -> [Value<'_>; 21] {
        use Value::{Date, Text};
        [
            Text(&self.category),
            Text(&self.therapeutic_class),
            Text(&self.ingredient),
            Text(&self.specification),
            Text(&self.code),
            Text(&self.name),
            Text(&self.maker_name),
            Text(&self.product_class),
            Text(&self.basic_drug),
            Text(&self.stable_supply),
            match self.listed_on {
                Some(day) => Date(Some(day)),
                None => Text(NOT_LISTED),
            },
            Text(&self.shipping_status),
            Date(self.shipping_changed_on),
            Text(&self.reason),
            Text(&self.resolution_outlook),
            Text(&self.resolution_note),
            Text(&self.volume_status),
            Text(&self.improvement_timing),
            Text(&self.improvement_percent),
            Date(self.other_changed_on),
            Text(if self.changed { "New" } else { "" }),
        ]
    }
}

/// The title of row 1: 「医療用医薬品供給状況（令和８年８月18日現在）」.
pub fn title(as_of: NaiveDate) -> String {
    // As Japanese print sets numbers: one digit full-width, two or more half-width.
    let number = |n: u32| -> String {
        if n < 10 {
            char::from_u32('０' as u32 + n).map_or_else(|| n.to_string(), String::from)
        } else {
            n.to_string()
        }
    };
    let reiwa = u32::try_from(as_of.year() - 2018).unwrap_or(0);
    format!(
        "医療用医薬品供給状況（令和{}年{}月{}日現在）",
        number(reiwa),
        number(as_of.month()),
        number(as_of.day())
    )
}

/// Writes the list as XLSX in the ministry's layout.
pub fn write_xlsx(title: &str, rows: &[ListRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy/m/d");
    sheet.write_string_with_format(0, 0, title, &title_format)?;
    for (column, (name, width)) in (0_u16..).zip(HEADINGS.iter().zip(WIDTHS)) {
        sheet.write_string_with_format(HEADING_ROW, column, *name, &heading)?;
        sheet.set_column_width(column, width)?;
    }
    sheet.set_row_height(HEADING_ROW, 90)?;
    for (row, data) in (HEADING_ROW + 1..).zip(rows) {
        for (column, value) in (0_u16..).zip(data.values()) {
            match value {
                Value::Text("") | Value::Date(None) => {}
                Value::Text(text) => {
                    sheet.write_string(row, column, text)?;
                }
                Value::Date(Some(day)) => {
                    sheet.write_date_with_format(row, column, &excel_date(day)?, &date)?;
                }
            }
        }
    }
    let last_row = HEADING_ROW + u32::try_from(rows.len()).unwrap_or(u32::MAX - HEADING_ROW - 1);
    sheet.autofilter(HEADING_ROW, 0, last_row, 20)?;
    sheet.set_freeze_panes(HEADING_ROW + 1, 0)?;
    workbook.save_to_buffer()
}

/// A calendar date as Excel stores it (a real date cell, not text); the older sheet uses it too.
pub(crate) fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let part = |n: u32| u8::try_from(n).unwrap_or(1);
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).unwrap_or(1900),
        part(day.month()),
        part(day.day()),
    )
}

/// Writes the list as CSV (UTF-8 with BOM): the 21 headings, then one line per drug; dates as
/// `YYYY-MM-DD`. Every cell goes through the formula guard of [`csv_excel`].
pub fn write_csv(rows: &[ListRow]) -> Result<Vec<u8>, CsvError> {
    csv_excel::write(
        &HEADINGS,
        rows.iter().map(|row| {
            row.values()
                .into_iter()
                .map(|value| match value {
                    Value::Text(text) => text.to_owned(),
                    Value::Date(day) => day
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                })
                .collect::<Vec<String>>()
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ListRow {
        ListRow {
            category: "1：内用薬".into(),
            code: "4419002B1033".into(),
            name: "ポララミン散１％".into(),
            shipping_status: "①通常出荷".into(),
            reason: "７．－".into(),
            other_changed_on: NaiveDate::from_ymd_opt(2024, 10, 23),
            ..ListRow::default()
        }
    }

    #[test]
    fn the_title_is_written_as_the_ministry_writes_it() {
        let day = NaiveDate::from_ymd_opt(2026, 8, 18).unwrap_or_default();
        assert_eq!(title(day), "医療用医薬品供給状況（令和８年８月18日現在）");
        let day = NaiveDate::from_ymd_opt(2027, 10, 1).unwrap_or_default();
        assert_eq!(title(day), "医療用医薬品供給状況（令和９年10月１日現在）");
    }

    #[test]
    fn the_csv_has_the_twenty_one_headings_and_the_ministrys_values() -> Result<(), CsvError> {
        let mut changed = row();
        changed.changed = true;
        changed.resolution_note = "-".into();
        let bytes = write_csv(&[row(), changed])?;
        let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADINGS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some(
                "1：内用薬,,,,4419002B1033,ポララミン散１％,,,,,薬価基準未収載,①通常出荷,,７．－,,,,,,2024-10-23,"
            )
        );
        assert!(
            lines
                .next()
                .is_some_and(|l| l.ends_with(",-,,,,2024-10-23,New"))
        );
        Ok(())
    }
}
