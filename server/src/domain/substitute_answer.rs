//! A substitute maker's answer to a request: stock, production and whether it can increase
//! production — or why not (one reason or several at once). Months (stock, lead time) carry one
//! decimal and are kept in tenths. Parsed from typed text, every broken rule named.

use super::coded::coded_enum;
use super::validation::{FieldError, normalize_width, yes_no};

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

/// Several reasons as stored: their codes in display order, joined by `,` (`raw_materials,staff`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotPossibleReasons(pub Vec<NotPossibleReason>);

impl NotPossibleReasons {
    /// The stored form: the codes joined by `,`.
    pub fn code(&self) -> String {
        self.0
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reasons read back from exactly their stored form (display order, each once); `None` when
    /// any part is not exactly a reason's code.
    pub fn from_code(stored: &str) -> Option<Self> {
        let mut found = stored
            .split(',')
            .map(|part| NotPossibleReason::from_code(part).filter(|r| r.code() == part))
            .collect::<Option<Vec<_>>>()?;
        found.sort();
        found.dedup();
        Some(Self(found))
    }
}

/// The reasons' labels joined as a page shows them (`原材料・人員`).
pub fn reasons_label(reasons: &[NotPossibleReason]) -> String {
    reasons
        .iter()
        .map(|r| r.label_ja())
        .collect::<Vec<_>>()
        .join("・")
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
    /// 増産までの期間 (months, one decimal: `1.5`).
    pub lead_time_months: String,
    /// 増産可能量 (packages per month).
    pub extra_units_per_month: String,
    /// Why not, each a code (`raw_materials`, `staff`, `equipment`, `other`) or its label; one
    /// entry may also hold several joined by `,` or `、`.
    pub not_possible_reasons: Vec<String>,
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
    /// After how many months, in tenths (15 = 1.5 か月), when it can.
    pub lead_time_tenths: Option<i32>,
    /// Extra packages per month, when it can and says so.
    pub extra_units_per_month: Option<i64>,
    /// Why not, when it cannot (in display order, each once).
    pub not_possible_reasons: Vec<NotPossibleReason>,
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

/// A number of months with at most one decimal, within `0..=max` whole months, as tenths.
pub(super) struct MonthsField {
    /// The field's name.
    pub(super) field: &'static str,
    /// Its Japanese label, as errors name it.
    pub(super) label: &'static str,
    /// Whole months at most.
    pub(super) max: i32,
}

const STOCK_MONTHS: MonthsField = MonthsField {
    field: "stock_months",
    label: "在庫月数",
    max: 120,
};

const LEAD_TIME: MonthsField = MonthsField {
    field: "lead_time_months",
    label: "増産までの期間",
    max: 60,
};

/// Months with at most one decimal as tenths (`1.5` → 15, `２` → 20).
pub(super) fn tenths(text: &str, spec: &MonthsField, errors: &mut Problems) -> Option<i32> {
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
        (Ok(w), 1, Ok(f)) if (0..=spec.max).contains(&w) && !(w == spec.max && f > 0) => {
            Some(w * 10 + f)
        }
        _ => None,
    };
    if parsed.is_none() {
        errors.push((
            spec.field,
            FieldError::new(
                "range",
                format!(
                    "{}「{}」は 0～{} の数（小数点以下1桁まで）で入力してください",
                    spec.label,
                    text.trim(),
                    spec.max
                ),
            ),
        ));
    }
    parsed
}

/// The reasons as typed: every entry (one may hold several joined by `,` or `、`), each a code
/// or a label; unknown ones are named.
fn reasons(typed: &[String], errors: &mut Problems) -> Vec<NotPossibleReason> {
    let mut found = Vec::new();
    for part in typed
        .iter()
        .flat_map(|t| t.split([',', '、']))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        match NotPossibleReason::parse(part) {
            Some(r) => found.push(r),
            None => errors.push((
                "not_possible_reason",
                FieldError::new(
                    "code",
                    format!(
                        "増産できない理由「{part}」は 原材料・人員・設備・その他 から選んでください"
                    ),
                ),
            )),
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The rules between fields: 増産可 needs its % and lead time and no reason; 増産不可 a reason.
fn check_consistency(
    input: &AnswerInput,
    can: Option<bool>,
    reasons: &[NotPossibleReason],
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
            if !reasons.is_empty() {
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
            if reasons.is_empty() && input.not_possible_reasons.iter().all(|r| blank(r)) {
                errors.push((
                    "not_possible_reason",
                    FieldError::new(
                        "required",
                        "増産できない場合は理由（原材料・人員・設備・その他）を選んでください",
                    ),
                ));
            }
            if reasons.contains(&NotPossibleReason::Other) && text.is_none() {
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
/// with 増産不可, one reason or more is required (and a text with その他).
pub fn validate(input: &AnswerInput) -> Result<Answer, Problems> {
    let mut errors = Vec::new();
    let stock = tenths(&input.stock_months, &STOCK_MONTHS, &mut errors);
    let change = integer(
        &input.production_change_percent,
        "production_change_percent",
        "生産量の変化",
        -100..=1000,
        &mut errors,
    );
    let can = yes_no(&input.can_increase, &["可", "可能"], &["否", "不可"]);
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
    let lead = tenths(&input.lead_time_months, &LEAD_TIME, &mut errors);
    let extra = integer(
        &input.extra_units_per_month,
        "extra_units_per_month",
        "増産可能量",
        0..=1_000_000_000,
        &mut errors,
    );
    let reasons = reasons(&input.not_possible_reasons, &mut errors);
    let text = Some(input.reason_text.trim().to_owned()).filter(|t| !t.is_empty());
    check_consistency(input, can, &reasons, text.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let can = can.unwrap_or(false);
    Ok(Answer {
        stock_months_tenths: stock,
        production_change_percent: change.and_then(|n| i32::try_from(n).ok()),
        can_increase: can,
        increase_percent: increase.filter(|_| can).and_then(|n| i32::try_from(n).ok()),
        lead_time_tenths: lead.filter(|_| can),
        extra_units_per_month: extra.filter(|_| can),
        not_possible_reasons: if can { Vec::new() } else { reasons },
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
                lead_time_tenths: Some(30),
                extra_units_per_month: Some(1200),
                not_possible_reasons: Vec::new(),
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
            not_possible_reasons: vec!["other".into()],
            ..input.clone()
        };
        assert_eq!(
            validate(&other).err().map(|e| fields(&e)),
            Some(vec!["reason_text"])
        );
        let staff = validate(&AnswerInput {
            not_possible_reasons: vec!["人員".into()],
            ..input.clone()
        });
        assert_eq!(
            staff.ok().map(|a| a.not_possible_reasons),
            Some(vec![NotPossibleReason::Staff])
        );
        // Two at once (as the seed's example gives), from checkboxes or one joined string.
        for typed in [
            vec!["staff".to_owned(), "raw_materials".to_owned()],
            vec!["原材料、人員".to_owned()],
        ] {
            let two = validate(&AnswerInput {
                not_possible_reasons: typed,
                ..input.clone()
            })
            .map(|a| a.not_possible_reasons);
            assert_eq!(
                two.as_ref().ok(),
                Some(&vec![
                    NotPossibleReason::RawMaterials,
                    NotPossibleReason::Staff
                ])
            );
            let stored = NotPossibleReasons(two.clone().unwrap_or_default()).code();
            assert_eq!(stored, "raw_materials,staff");
            assert_eq!(
                NotPossibleReasons::from_code(&stored).map(|r| r.0),
                two.ok()
            );
        }
        let read = NotPossibleReasons::from_code("staff,raw_materials").unwrap_or_default();
        assert_eq!(reasons_label(&read.0), "原材料・人員");
        for bad in ["staff,weather", "staff, other", "", "Staff"] {
            assert_eq!(NotPossibleReasons::from_code(bad), None, "{bad}");
        }
        let unknown = validate(&AnswerInput {
            not_possible_reasons: vec!["staff".into(), "weather".into()],
            ..input
        });
        assert_eq!(
            unknown.err().map(|e| fields(&e)),
            Some(vec!["not_possible_reason"])
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

    #[test]
    fn a_lead_time_takes_one_decimal() {
        let input = |lead: &str| AnswerInput {
            can_increase: "true".into(),
            increase_percent: "10".into(),
            lead_time_months: lead.into(),
            ..AnswerInput::default()
        };
        assert_eq!(
            validate(&input("1.5")).map(|a| a.lead_time_tenths).ok(),
            Some(Some(15))
        );
        assert_eq!(
            validate(&input("２")).map(|a| a.lead_time_tenths).ok(),
            Some(Some(20))
        );
        for wrong in ["1.55", "-1", "60.5", "61", "一か月"] {
            assert_eq!(
                validate(&input(wrong)).err().map(|e| fields(&e)),
                Some(vec!["lead_time_months"]),
                "{wrong}"
            );
        }
    }
}
