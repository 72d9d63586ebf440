//! A substitute maker's answer to a request: stock, production and whether it can increase
//! production — or why not. Parsed from typed text, every broken rule named.

use super::coded::coded_enum;
use super::validation::{FieldError, normalize_width};

coded_enum!(
    /// Why production cannot increase (その他 needs a text).
    NotPossibleReason {
        RawMaterials = "raw_materials", "原材料";
        Staff = "staff", "人員";
        Equipment = "equipment", "設備";
        Other = "other", "その他";
    }
);

impl NotPossibleReason {
    /// Reads a name or a label.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.code() == text || r.label_ja() == text)
    }
}

/// The answer as typed (blank = not given).
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    /// 在庫月数, e.g. `2.5`.
    pub stock_months: String,
    /// 生産量の変化 (%), e.g. `-10` or `20`.
    pub production_change_percent: String,
    /// 増産の可否: `true`/`false` (also はい/いいえ, 可/否).
    pub can_increase: String,
    /// 増産幅 (%).
    pub increase_percent: String,
    /// 増産までの期間 (months).
    pub lead_time_months: String,
    /// 増産可能量 (packages per month).
    pub extra_units_per_month: String,
    /// Why not: `raw_materials`, `staff`, `equipment`, `other`.
    pub not_possible_reason: String,
    /// Free text (required with `other`).
    pub reason_text: String,
}

/// A valid answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Months of stock in tenths.
    pub stock_months_tenths: Option<i32>,
    /// Production change against normal (%).
    pub production_change_percent: Option<i32>,
    /// Whether production can increase.
    pub can_increase: bool,
    /// By how much (%), when it can.
    pub increase_percent: Option<i32>,
    /// After how many months, when it can.
    pub lead_time_months: Option<i32>,
    /// Extra packages per month, when it can and says so.
    pub extra_units_per_month: Option<i64>,
    /// Why not, when it cannot.
    pub not_possible_reason: Option<NotPossibleReason>,
    /// Detail of the reason.
    pub reason_text: Option<String>,
}

type Problems = Vec<(&'static str, FieldError)>;

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn integer(
    text: &str,
    field: &'static str,
    label: &str,
    range: std::ops::RangeInclusive<i64>,
    errors: &mut Problems,
) -> Option<i64> {
    if blank(text) {
        return None;
    }
    let normal = normalize_width(text).replace(['%', '％', ','], "");
    match normal.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push((
                field,
                FieldError::new(
                    "range",
                    format!(
                        "{label}「{}」は {}～{} の整数で入力してください",
                        text.trim(),
                        range.start(),
                        range.end()
                    ),
                ),
            ));
            None
        }
    }
}

/// Months with at most one decimal, 0–120, as tenths.
fn tenths(text: &str, errors: &mut Problems) -> Option<i32> {
    if blank(text) {
        return None;
    }
    let normal = normalize_width(text);
    let (whole, fraction) = normal
        .trim()
        .split_once('.')
        .unwrap_or((normal.trim(), "0"));
    let parsed = match (
        whole.parse::<i32>(),
        fraction.len(),
        fraction.parse::<i32>(),
    ) {
        (Ok(w), 1, Ok(f)) if (0..=120).contains(&w) => Some(w * 10 + f),
        _ => None,
    };
    if parsed.is_none() {
        errors.push((
            "stock_months",
            FieldError::new(
                "range",
                format!(
                    "在庫月数「{}」は 0～120 の数（小数点以下1桁まで）で入力してください",
                    text.trim()
                ),
            ),
        ));
    }
    parsed
}

fn yes_no(text: &str) -> Option<bool> {
    match normalize_width(text).trim() {
        "true" | "yes" | "1" | "はい" | "可" | "可能" => Some(true),
        "false" | "no" | "0" | "いいえ" | "否" | "不可" => Some(false),
        _ => None,
    }
}

/// The rules between fields: 増産可 needs its % and lead time and no reason; 増産不可 a reason.
fn check_consistency(
    input: &AnswerInput,
    can: Option<bool>,
    reason: Option<NotPossibleReason>,
    text: Option<&str>,
    errors: &mut Problems,
) {
    match can {
        Some(true) => {
            if blank(&input.increase_percent) {
                errors.push((
                    "increase_percent",
                    FieldError::new("required", "増産できる場合は増産幅（%）を入力してください"),
                ));
            }
            if blank(&input.lead_time_months) {
                errors.push((
                    "lead_time_months",
                    FieldError::new(
                        "required",
                        "増産できる場合は増産までの期間（か月）を入力してください",
                    ),
                ));
            }
            if reason.is_some() {
                errors.push((
                    "not_possible_reason",
                    FieldError::new(
                        "contradiction",
                        "増産できる場合は、増産できない理由を空欄にしてください",
                    ),
                ));
            }
        }
        Some(false) => {
            if reason.is_none() && blank(&input.not_possible_reason) {
                errors.push((
                    "not_possible_reason",
                    FieldError::new(
                        "required",
                        "増産できない場合は理由（原材料・人員・設備・その他）を選んでください",
                    ),
                ));
            }
            if reason == Some(NotPossibleReason::Other) && text.is_none() {
                errors.push((
                    "reason_text",
                    FieldError::new("required", "理由が「その他」のときは内容を記入してください"),
                ));
            }
        }
        None => {}
    }
}

/// Checks an answer: with 増産可, the % and lead time are required and no reason is given;
/// with 増産不可, a reason is required (and a text with その他).
pub fn validate(input: &AnswerInput) -> Result<Answer, Problems> {
    let mut errors = Vec::new();
    let stock = tenths(&input.stock_months, &mut errors);
    let change = integer(
        &input.production_change_percent,
        "production_change_percent",
        "生産量の変化",
        -100..=1000,
        &mut errors,
    );
    let can = yes_no(&input.can_increase);
    if can.is_none() {
        errors.push((
            "can_increase",
            FieldError::new("required", "増産の可否（はい／いいえ）を選んでください"),
        ));
    }
    let increase = integer(
        &input.increase_percent,
        "increase_percent",
        "増産幅",
        1..=1000,
        &mut errors,
    );
    let lead = integer(
        &input.lead_time_months,
        "lead_time_months",
        "増産までの期間",
        0..=60,
        &mut errors,
    );
    let extra = integer(
        &input.extra_units_per_month,
        "extra_units_per_month",
        "増産可能量",
        0..=1_000_000_000,
        &mut errors,
    );
    let reason = if blank(&input.not_possible_reason) {
        None
    } else {
        let parsed = NotPossibleReason::parse(&input.not_possible_reason);
        if parsed.is_none() {
            errors.push((
                "not_possible_reason",
                FieldError::new(
                    "code",
                    "増産できない理由は 原材料・人員・設備・その他 から選んでください",
                ),
            ));
        }
        parsed
    };
    let text = Some(input.reason_text.trim().to_owned()).filter(|t| !t.is_empty());
    check_consistency(input, can, reason, text.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let can = can.unwrap_or(false);
    Ok(Answer {
        stock_months_tenths: stock,
        production_change_percent: change.and_then(|n| i32::try_from(n).ok()),
        can_increase: can,
        increase_percent: increase.filter(|_| can).and_then(|n| i32::try_from(n).ok()),
        lead_time_months: lead.filter(|_| can).and_then(|n| i32::try_from(n).ok()),
        extra_units_per_month: extra.filter(|_| can),
        not_possible_reason: reason.filter(|_| !can),
        reason_text: text,
    })
}

/// Tenths of a month as text: 25 → `2.5`.
pub fn months_text(tenths: i32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &Problems) -> Vec<&'static str> {
        errors.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn an_answer_that_can_increase_needs_its_percent_and_lead_time() {
        let input = AnswerInput {
            stock_months: "2.5".into(),
            can_increase: "true".into(),
            ..AnswerInput::default()
        };
        let errors = validate(&input).err().unwrap_or_default();
        assert_eq!(fields(&errors), ["increase_percent", "lead_time_months"]);
        let ok = validate(&AnswerInput {
            increase_percent: "20%".into(),
            lead_time_months: "３".into(),
            extra_units_per_month: "1,200".into(),
            ..input
        })
        .map_err(|e| fields(&e));
        assert_eq!(
            ok,
            Ok(Answer {
                stock_months_tenths: Some(25),
                production_change_percent: None,
                can_increase: true,
                increase_percent: Some(20),
                lead_time_months: Some(3),
                extra_units_per_month: Some(1200),
                not_possible_reason: None,
                reason_text: None,
            })
        );
    }

    #[test]
    fn an_answer_that_cannot_increase_names_its_reason() {
        let input = AnswerInput {
            can_increase: "いいえ".into(),
            ..AnswerInput::default()
        };
        assert_eq!(
            validate(&input).err().map(|e| fields(&e)),
            Some(vec!["not_possible_reason"])
        );
        let other = AnswerInput {
            not_possible_reason: "other".into(),
            ..input.clone()
        };
        assert_eq!(
            validate(&other).err().map(|e| fields(&e)),
            Some(vec!["reason_text"])
        );
        let staff = validate(&AnswerInput {
            not_possible_reason: "人員".into(),
            ..input
        });
        assert_eq!(
            staff.ok().and_then(|a| a.not_possible_reason),
            Some(NotPossibleReason::Staff)
        );
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_field_named() {
        let input = AnswerInput {
            stock_months: "2.55".into(),
            production_change_percent: "-150".into(),
            can_increase: "maybe".into(),
            ..AnswerInput::default()
        };
        assert_eq!(
            validate(&input).err().map(|e| fields(&e)),
            Some(vec![
                "stock_months",
                "production_change_percent",
                "can_increase"
            ])
        );
        assert_eq!(months_text(25), "2.5");
        assert_eq!(months_text(30), "3.0");
    }
}
