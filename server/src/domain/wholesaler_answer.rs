//! A wholesaler's answer to a request (卸売業者の回答): what its allocation clerk can report —
//! units in stock, units shipped in the last month, how many months the stock is expected to
//! last (optional), whether it limits orders (出荷調整), and remarks. Not a maker's form: a
//! wholesaler neither produces nor increases production. Parsed from typed text, every broken
//! rule named.

use super::substitute_answer::{MonthsField, tenths};
use super::validation::{FieldError, normalize_width, yes_no};

/// Units at most (a number beyond is a typing slip).
const MAX_UNITS: i64 = 1_000_000_000;

/// 在庫の見込み月数: one decimal, at most 10 years.
const OUTLOOK: MonthsField = MonthsField {
    field: "stock_outlook_months",
    label: "在庫の見込み月数",
    max: 120,
};

/// The answer as typed (blank = not given).
#[derive(Debug, Clone, Default)]
pub struct StockInput {
    /// 在庫数量 (packages).
    pub stock_units: String,
    /// 直近1か月の出荷数量 (packages).
    pub shipped_last_month: String,
    /// 在庫の見込み月数, e.g. `1.5` (optional).
    pub stock_outlook_months: String,
    /// 出荷調整（受注制限）を行っているか: `true`/`false` (also はい/いいえ, あり/なし).
    pub shipment_limited: String,
    /// 備考 (required when orders are limited: how).
    pub remarks: String,
}

/// A valid wholesaler answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockAnswer {
    /// Packages in stock.
    pub stock_units: i64,
    /// Packages shipped in the last month.
    pub shipped_last_month: i64,
    /// Months the stock is expected to last, in tenths.
    pub stock_outlook_tenths: Option<i32>,
    /// Whether it limits orders.
    pub shipment_limited: bool,
    /// Remarks.
    pub remarks: Option<String>,
}

type Problems = Vec<(&'static str, FieldError)>;

/// A required count of packages (`１,２００` and `1200個` read as 1200).
fn units(text: &str, field: &'static str, label: &str, errors: &mut Problems) -> Option<i64> {
    let normal = normalize_width(text).replace([',', '個', '箱'], "");
    if normal.trim().is_empty() {
        errors.push((
            field,
            FieldError::new("required", format!("{label}を入力してください")),
        ));
        return None;
    }
    match normal.trim().parse::<i64>() {
        Ok(n) if (0..=MAX_UNITS).contains(&n) => Some(n),
        _ => {
            errors.push((
                field,
                FieldError::new(
                    "range",
                    format!(
                        "{label}「{}」は 0～{MAX_UNITS} の整数（包装単位）で入力してください",
                        text.trim()
                    ),
                ),
            ));
            None
        }
    }
}

/// Checks an answer: stock and last month's shipments are required non-negative integers; the
/// months the stock lasts are optional (0–120, one decimal); 出荷調整 yes or no is required, and
/// when orders are limited the remarks say how (which customers, what cap).
pub fn validate(input: &StockInput) -> Result<StockAnswer, Problems> {
    let mut errors: Problems = Vec::new();
    let stock = units(&input.stock_units, "stock_units", "在庫数量", &mut errors);
    let shipped = units(
        &input.shipped_last_month,
        "shipped_last_month",
        "直近1か月の出荷数量",
        &mut errors,
    );
    let outlook = tenths(&input.stock_outlook_months, &OUTLOOK, &mut errors);
    let limited = yes_no(
        &input.shipment_limited,
        &["あり", "行っている"],
        &["なし", "行っていない"],
    );
    let remarks = Some(input.remarks.trim().to_owned()).filter(|t| !t.is_empty());
    match limited {
        None => errors.push((
            "shipment_limited",
            FieldError::new(
                "required",
                "出荷調整（受注制限）を行っているか（行っている／行っていない）を選んでください",
            ),
        )),
        Some(true) if remarks.is_none() => errors.push((
            "remarks",
            FieldError::new(
                "required",
                "出荷調整を行っている場合は、その内容（対象の取引先や数量の上限）を備考に記入してください",
            ),
        )),
        Some(_) => {}
    }
    match (stock, shipped, limited) {
        (Some(stock_units), Some(shipped_last_month), Some(shipment_limited))
            if errors.is_empty() =>
        {
            Ok(StockAnswer {
                stock_units,
                shipped_last_month,
                stock_outlook_tenths: outlook,
                shipment_limited,
                remarks,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: &StockInput) -> Vec<&'static str> {
        validate(input)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|(f, _)| *f)
            .collect()
    }

    fn typical() -> StockInput {
        StockInput {
            stock_units: "１,２００".into(),
            shipped_last_month: "800".into(),
            stock_outlook_months: "1.5".into(),
            shipment_limited: "false".into(),
            remarks: String::new(),
        }
    }

    #[test]
    fn a_wholesaler_reports_stock_and_shipments_in_whole_packages() {
        assert_eq!(
            validate(&typical()),
            Ok(StockAnswer {
                stock_units: 1200,
                shipped_last_month: 800,
                stock_outlook_tenths: Some(15),
                shipment_limited: false,
                remarks: None,
            })
        );
        assert_eq!(
            fields(&StockInput {
                stock_units: "-3".into(),
                shipped_last_month: "12.5".into(),
                ..typical()
            }),
            ["stock_units", "shipped_last_month"]
        );
        let blank = fields(&StockInput::default());
        assert_eq!(
            blank,
            ["stock_units", "shipped_last_month", "shipment_limited"]
        );
        let Err(problems) = validate(&StockInput {
            stock_units: "-3".into(),
            ..typical()
        }) else {
            panic!("a negative stock is refused");
        };
        assert!(
            problems
                .iter()
                .any(|(_, e)| e.message.contains("在庫数量「-3」")),
            "{problems:?}"
        );
    }

    #[test]
    fn limited_shipments_say_how_and_the_outlook_is_optional() {
        let limited = StockInput {
            shipment_limited: "行っている".into(),
            stock_outlook_months: String::new(),
            ..typical()
        };
        assert_eq!(fields(&limited), ["remarks"]);
        let answer = validate(&StockInput {
            remarks: "既存の取引先のみ、前年同月実績の8割まで".into(),
            ..limited
        });
        assert!(
            answer
                .as_ref()
                .is_ok_and(|a| a.shipment_limited && a.stock_outlook_tenths.is_none()),
            "{answer:?}"
        );
        assert_eq!(
            fields(&StockInput {
                stock_outlook_months: "1.25".into(),
                ..typical()
            }),
            ["stock_outlook_months"]
        );
    }
}
