//! A plan's allocation caps as an Excel workbook: the plan's figures on top (P, B, r, each
//! wholesaler's `H_w` and `S_w`, so any customer can recompute its cap), then one row per customer
//! with Japanese headings, numbers as numbers, an autofilter and frozen headings.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

/// What the workbook's top block says about the plan.
#[derive(Debug, Clone)]
pub struct CapsSheetPlan {
    /// The plan's name.
    pub name: String,
    /// Products of the group, `code 品名` each.
    pub products: Vec<String>,
    /// 対象月 `YYYY-MM`.
    pub target_month: String,
    /// 基準月 `YYYY-MM`.
    pub baseline_month: String,
    /// 版 (version) and when it was computed.
    pub version: String,
    /// P.
    pub planned_total: u64,
    /// B.
    pub baseline_total: u64,
    /// r = P ÷ B as a cut decimal.
    pub coverage_ratio: String,
    /// 予備 %.
    pub reserve_percent: u8,
    /// (wholesaler name, `H_w`, `S_w`, reserve) of each wholesaler shown.
    pub wholesalers: Vec<(String, u64, u64, u64)>,
}

/// One customer's row.
#[derive(Debug, Clone)]
pub struct CapsSheetRow {
    /// 卸売業者 (shown when the sheet holds several).
    pub wholesaler: Option<String>,
    /// 得意先コード.
    pub customer_code: String,
    /// 得意先名.
    pub customer_name: String,
    /// 基準月の購入数量 h.
    pub baseline: u64,
    /// 按分値 S·h ÷ H (cut decimal).
    pub quota: String,
    /// 上限量.
    pub cap: u64,
    /// 予備枠からの配分.
    pub from_reserve: bool,
}

/// Excel's last row (1,048,576 rows, headings included).
pub const MAX_ROWS: usize = 1_048_000;

/// Writes the workbook.
#[expect(
    clippy::cast_precision_loss,
    reason = "Excel numbers are doubles; sales packages stay far below 2^53"
)]
pub fn write_xlsx(plan: &CapsSheetPlan, rows: &[CapsSheetRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("上限量")?;
    let title = Format::new().set_bold().set_font_size(14);
    let label = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let number = Format::new().set_num_format("#,##0");
    sheet.write_string_with_format(0, 0, format!("上限量の目安 — {}", plan.name), &title)?;
    let facts: [(&str, String); 7] = [
        ("対象製品", plan.products.join("、")),
        ("対象月", plan.target_month.clone()),
        ("基準月", plan.baseline_month.clone()),
        ("版", plan.version.clone()),
        (
            "出荷予定 P ／ 基準月出荷実績 B",
            format!("{} ／ {}", plan.planned_total, plan.baseline_total),
        ),
        ("カバー率 r = P ÷ B", plan.coverage_ratio.clone()),
        ("予備の割合", format!("{}%", plan.reserve_percent)),
    ];
    let mut row = 2u32;
    for (name, value) in facts {
        sheet.write_string_with_format(row, 0, name, &label)?;
        sheet.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    sheet.write_string_with_format(row, 0, "卸売業者", &heading)?;
    sheet.write_string_with_format(row, 1, "基準月販売計 H", &heading)?;
    sheet.write_string_with_format(row, 2, "供給量 S = ⌊P×H×(100−予備%)÷(B×100)⌋", &heading)?;
    sheet.write_string_with_format(row, 3, "予備", &heading)?;
    for (name, h, s, reserve) in &plan.wholesalers {
        row += 1;
        sheet.write_string(row, 0, name)?;
        sheet.write_number_with_format(row, 1, *h as f64, &number)?;
        sheet.write_number_with_format(row, 2, *s as f64, &number)?;
        sheet.write_number_with_format(row, 3, *reserve as f64, &number)?;
    }
    row += 2;
    let several = rows.iter().any(|r| r.wholesaler.is_some());
    let mut headings = vec![
        "得意先コード",
        "得意先名",
        "基準月の購入数量 h",
        "按分値 S×h÷H",
        "上限量",
        "備考",
    ];
    if several {
        headings.insert(0, "卸売業者");
    }
    let first = row;
    for (col, text) in (0u16..).zip(&headings) {
        sheet.write_string_with_format(row, col, *text, &heading)?;
    }
    let offset = u16::from(several);
    for r in rows.iter().take(MAX_ROWS) {
        row += 1;
        if let Some(w) = &r.wholesaler {
            sheet.write_string(row, 0, w)?;
        }
        sheet.write_string(row, offset, &r.customer_code)?;
        sheet.write_string(row, offset + 1, &r.customer_name)?;
        sheet.write_number_with_format(row, offset + 2, r.baseline as f64, &number)?;
        sheet.write_string(row, offset + 3, &r.quota)?;
        sheet.write_number_with_format(row, offset + 4, r.cap as f64, &number)?;
        if r.from_reserve {
            sheet.write_string(row, offset + 5, "予備枠から配分（実績なし）")?;
        }
    }
    sheet.autofilter(first, 0, row, offset + 5)?;
    sheet.set_freeze_panes(first + 1, 0)?;
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 36)?;
    for col in 2..=offset + 5 {
        sheet.set_column_width(col, 18)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caps_sheet_is_an_xlsx_package() -> Result<(), XlsxError> {
        let plan = CapsSheetPlan {
            name: "例".into(),
            products: vec!["1124001F1022 例錠".into()],
            target_month: "2025-06".into(),
            baseline_month: "2024-06".into(),
            version: "第1版".into(),
            planned_total: 730,
            baseline_total: 1000,
            coverage_ratio: "0.7300".into(),
            reserve_percent: 0,
            wholesalers: vec![("甲卸".into(), 21, 15, 0)],
        };
        let rows = vec![CapsSheetRow {
            wholesaler: None,
            customer_code: "C001".into(),
            customer_name: "甲病院".into(),
            baseline: 10,
            quota: "7.142".into(),
            cap: 7,
            from_reserve: false,
        }];
        let bytes = write_xlsx(&plan, &rows)?;
        assert!(bytes.starts_with(b"PK") && bytes.len() > 3_000);
        Ok(())
    }
}
