//! Reading one field's text into its typed value; every error names the field's Japanese label.

use chrono::{Datelike, NaiveDate};

use crate::domain::case_flow::Impact;
use crate::domain::supply_status::{Reason, YearMonth};
use crate::domain::validation::{FieldError, normalize_width};

/// 原因: a ⑬ reason code (or its label).
pub(super) fn reason(text: &str) -> Result<Reason, FieldError> {
    Reason::parse(text).map_err(|_| {
        let allowed: Vec<String> = Reason::ALL
            .iter()
            .map(|r| format!("{} {}", r.code(), r.label_ja()))
            .collect();
        FieldError::new(
            "code",
            format!("『原因』「{text}」は使えません（{}）", allowed.join("・")),
        )
    })
}

/// 臨床現場への影響: `large` | `possibly_large` | `small`, or 大 / 大の可能性 / 小.
pub(super) fn impact(text: &str) -> Result<Impact, FieldError> {
    let text = normalize_width(text);
    Impact::ALL
        .iter()
        .copied()
        .find(|i| i.code() == text || i.label_ja() == text)
        .ok_or_else(|| {
            FieldError::new(
                "code",
                format!(
                    "『臨床現場への影響』「{text}」は使えません（large 大・possibly_large 大の可能性・small 小）"
                ),
            )
        })
}

/// A calendar date `YYYY-MM-DD` (also `YYYY/MM/DD`), years 2000–2100 as for months.
fn date(text: &str) -> Option<NaiveDate> {
    let text = normalize_width(text).replace('/', "-");
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()))
}

/// 情報提供日: a date.
pub(super) fn day(label: &str, text: &str) -> Result<NaiveDate, FieldError> {
    date(text).ok_or_else(|| {
        FieldError::new(
            "format",
            format!("『{label}』「{text}」は 年-月-日 の形式（例 2026-04-01）で入力してください"),
        )
    })
}

/// 回復の見通し: a month.
pub(super) fn month(label: &str, text: &str) -> Result<YearMonth, FieldError> {
    YearMonth::parse(text).map_err(|_| {
        FieldError::new(
            "format",
            format!("『{label}』「{text}」は 年-月 の形式（例 2027-03）で入力してください"),
        )
    })
}

/// 発生時期／供給終了予定時期: a month or a date, normalised to `YYYY-MM` or `YYYY-MM-DD`.
pub(super) fn month_or_day(label: &str, text: &str) -> Result<String, FieldError> {
    if let Some(d) = date(text) {
        return Ok(d.format("%Y-%m-%d").to_string());
    }
    YearMonth::parse(text).map(|m| m.to_string()).map_err(|_| {
        FieldError::new(
            "format",
            format!(
                "『{label}』「{text}」は 年-月 または 年-月-日 の形式（例 2026-09）で入力してください"
            ),
        )
    })
}

/// 在庫（月数）: a decimal number ≥ 0 such as `3` or `2.5`, kept as text.
pub(super) fn stock_months(label: &str, text: &str) -> Result<String, FieldError> {
    let value = normalize_width(text);
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let ok = match value.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(&value),
    };
    if ok {
        Ok(value)
    } else {
        Err(FieldError::new(
            "format",
            format!("『{label}』「{text}」は0以上の数（例 2.5）で入力してください"),
        ))
    }
}

/// 直近12か月の出荷実績: exactly 12 comma-separated whole numbers ≥ 0.
pub(super) fn shipments(label: &str, text: &str) -> Result<Vec<u64>, FieldError> {
    let value = normalize_width(text).replace('、', ",");
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    let bad = parts
        .iter()
        .find(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()));
    if let Some(bad) = bad {
        return Err(FieldError::new(
            "format",
            format!(
                "『{label}』の「{bad}」は数量として読めません。12か月分の出荷数量（0以上の整数）をカンマ区切りで入力してください"
            ),
        ));
    }
    if parts.len() != 12 {
        return Err(FieldError::new(
            "format",
            format!(
                "『{label}』は12か月分の出荷数量をカンマ区切りで入力してください（{}件あります）",
                parts.len()
            ),
        ));
    }
    parts
        .iter()
        .map(|p| p.parse::<u64>())
        .collect::<Result<Vec<u64>, _>>()
        .map_err(|_| FieldError::new("format", format!("『{label}』に大きすぎる数量があります")))
}

/// 情報提供の有無: `true`/`false`, also あり/なし.
pub(super) fn yes_no(label: &str, text: &str) -> Result<bool, FieldError> {
    match normalize_width(text).to_ascii_lowercase().as_str() {
        "true" | "あり" | "有" => Ok(true),
        "false" | "なし" | "無" => Ok(false),
        _ => Err(FieldError::new(
            "code",
            format!("『{label}』「{text}」は true（あり）または false（なし）で入力してください"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrence_may_be_a_month_or_a_day_and_is_normalised() {
        assert_eq!(month_or_day("x", "2026/9").as_deref(), Ok("2026-09"));
        assert_eq!(
            month_or_day("x", "２０２６-０９-３０").as_deref(),
            Ok("2026-09-30")
        );
        for bad in ["2026-13", "2026-02-30", "2026", "秋頃"] {
            assert_eq!(
                month_or_day("x", bad).map_err(|e| e.code),
                Err("format"),
                "{bad}"
            );
        }
    }

    #[test]
    fn stock_is_a_non_negative_decimal() {
        assert_eq!(stock_months("x", "２.５").as_deref(), Ok("2.5"));
        assert_eq!(stock_months("x", "0").as_deref(), Ok("0"));
        for bad in ["-1", "1.", ".5", "1.2.3", "三", "1e3"] {
            assert!(stock_months("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shipments_are_twelve_whole_numbers() {
        let twelve = "1,2,3,4,5,6,7,8,9,10,11,12";
        assert_eq!(shipments("x", twelve).map(|v| v.len()), Ok(12));
        assert_eq!(
            shipments("x", "１，２、3,4,5,6,7,8,9,10,11, 12").map(|v| v[1]),
            Ok(2)
        );
        let eleven = shipments("x", "1,2,3,4,5,6,7,8,9,10,11").expect_err("eleven");
        assert!(eleven.message.contains("11件"), "{}", eleven.message);
        assert!(shipments("x", "1,2,3,4,5,6,7,8,9,10,11,-12").is_err());
        assert!(shipments("x", "1,2,3,4,5,6,7,8,9,10,,12").is_err());
    }

    #[test]
    fn yes_and_no_are_read_in_english_and_japanese() {
        assert_eq!(yes_no("x", "あり"), Ok(true));
        assert_eq!(yes_no("x", "TRUE"), Ok(true));
        assert_eq!(yes_no("x", "なし"), Ok(false));
        assert_eq!(yes_no("x", "maybe").map_err(|e| e.code), Err("code"));
    }
}
