//! The drug 供給不安報告 (supply-risk report, 薬機法 第18条の3): what a maker knows when a
//! shortage may happen. Every field may be blank; the product is handled by the caller.

use std::collections::BTreeMap;

use super::YjCode;
use super::supply_status::{Reason, YearMonth};
use super::validation::{FieldError, normalize_width};

/// What a field holds, for checking and display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Free text.
    Text,
    /// A percentage 0–100.
    Percent,
    /// A number of months, ≥ 0.
    Months,
    /// A reason code as ⑬.
    ReasonCode,
    /// A date or a month.
    Date,
    /// A month `YYYY-MM`.
    Month,
    /// A drug code.
    DrugCode,
    /// Yes or no.
    Flag,
}

/// The fields of the report: (JSON name, Japanese label, shape).
pub const FIELDS: &[(&str, &str, Shape)] = &[
    ("market_share", "市場シェア（%）", Shape::Percent),
    ("stock_months", "在庫（月数）", Shape::Months),
    ("shipments", "出荷状況", Shape::Text),
    ("cause", "原因", Shape::ReasonCode),
    ("cause_date", "原因の発生日", Shape::Date),
    ("details", "詳細", Shape::Text),
    ("causing_product_code", "原因医薬品", Shape::DrugCode),
    ("improvement_month", "改善見込み時期", Shape::Month),
    ("substitutes", "代替薬", Shape::Text),
    (
        "coordination",
        "代替品メーカー・学会・医療機関との調整状況",
        Shape::Text,
    ),
    ("risk_resolved", "供給不安の解消", Shape::Flag),
];

/// The Japanese label of a field name (the name itself when unknown).
pub fn label(name: &str) -> &str {
    FIELDS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(name, |(_, l, _)| l)
}

/// Checks the given values (by JSON name; blank = absent) and returns them normalised.
/// Unknown names are ignored. Every problem is returned at once.
pub fn validate(
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<&'static str, String>, Vec<(&'static str, FieldError)>> {
    let mut clean = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, label, shape) in FIELDS {
        let Some(raw) = values
            .get(*name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        match check(*shape, raw) {
            Ok(value) => {
                clean.insert(*name, value);
            }
            Err(rule) => problems.push((
                *name,
                FieldError::new("format", format!("『{label}』の「{raw}」は{rule}")),
            )),
        }
    }
    if problems.is_empty() {
        Ok(clean)
    } else {
        Err(problems)
    }
}

fn check(shape: Shape, raw: &str) -> Result<String, &'static str> {
    let text = normalize_width(raw);
    let decimal = |t: &str| t.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0);
    match shape {
        Shape::Text => Ok(raw.to_owned()),
        Shape::Percent => decimal(text.trim_end_matches('%'))
            .filter(|n| *n <= 100.0)
            .map(|_| text.trim_end_matches('%').to_owned())
            .ok_or("0〜100 の数値で入力してください"),
        Shape::Months => decimal(&text)
            .map(|_| text.clone())
            .ok_or("0以上の数値（月数）で入力してください"),
        Shape::ReasonCode => Reason::parse(&text)
            .map(|r| r.code().to_owned())
            .map_err(|_| "1〜8 の理由コードで入力してください"),
        Shape::Date => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(|d| d.to_string())
            .or_else(|_| YearMonth::parse(&text).map(|m| m.to_string()))
            .map_err(|_| "YYYY-MM-DD または YYYY-MM の形式で入力してください"),
        Shape::Month => YearMonth::parse(&text)
            .map(|m| m.to_string())
            .map_err(|_| "YYYY-MM の形式で入力してください"),
        Shape::DrugCode => YjCode::parse(&text)
            .map(|c| c.as_str().to_owned())
            .map_err(|_| "正しい医薬品コード（12桁、チェックディジット付き）ではありません"),
        Shape::Flag => match text.to_lowercase().as_str() {
            "true" | "1" | "yes" | "あり" | "はい" => Ok("true".to_owned()),
            "false" | "0" | "no" | "なし" | "いいえ" => Ok("false".to_owned()),
            _ => Err("true / false（あり / なし）で入力してください"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_report_may_leave_every_field_blank() {
        assert_eq!(validate(&values(&[])), Ok(BTreeMap::new()));
        assert_eq!(validate(&values(&[("details", "  ")])), Ok(BTreeMap::new()));
    }

    #[test]
    fn given_fields_are_checked_and_normalised() {
        let clean = validate(&values(&[
            ("market_share", "１２．５%"),
            ("cause", "3"),
            ("improvement_month", "2027/4"),
            ("risk_resolved", "なし"),
        ]))
        .expect("valid");
        assert_eq!(clean.get("market_share").map(String::as_str), Some("12.5"));
        assert_eq!(
            clean.get("improvement_month").map(String::as_str),
            Some("2027-04")
        );
        assert_eq!(
            clean.get("risk_resolved").map(String::as_str),
            Some("false")
        );
    }

    #[test]
    fn every_bad_field_is_reported_with_its_japanese_label() {
        let problems = validate(&values(&[
            ("market_share", "120"),
            ("stock_months", "-1"),
            ("causing_product_code", "2171022F5181"),
            ("cause_date", "昨日"),
        ]))
        .expect_err("four problems");
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                "market_share",
                "stock_months",
                "cause_date",
                "causing_product_code"
            ]
        );
        assert!(problems[0].1.message.contains("市場シェア"));
    }
}
