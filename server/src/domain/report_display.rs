//! A filed confidential report as an official reads it: every field of its form in the form's
//! order, with the form's Japanese label, codes shown as their labels, dates and months with
//! the Japanese era beside the ISO form. What a page or a download shows; nothing is parsed here
//! that was not already checked when the report was filed, so a coded field whose stored text is
//! none of its codes is an error, not a code shown raw.

use std::collections::BTreeMap;

use super::case_flow::{Impact, ReportKind};
use super::dates::{era_date, era_month};
use super::device_report::{DeviceEventType, FIELDS as DEVICE_FIELDS};
use super::supply_risk::{FIELDS as RISK_FIELDS, Shape};
use super::supply_status::{Reason, YearMonth};

/// One field as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownField {
    /// The stored name (for anchors and tests).
    pub name: String,
    /// The form's Japanese label.
    pub label: String,
    /// The value as an official reads it.
    pub text: String,
}

/// A coded field of a stored report whose text is none of the field's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Stored report field {field} is not one of its codes: {text:?}")]
pub struct UnknownCode {
    /// The field's stored name.
    pub field: String,
    /// The stored text.
    pub text: String,
}

/// The fields of a report of `kind` as stored (name → text), in the form's order; fields the
/// form does not know follow under their stored name.
pub fn shown(
    kind: ReportKind,
    stored: &BTreeMap<String, String>,
) -> Result<Vec<ShownField>, UnknownCode> {
    let form: Vec<(&'static str, &'static str, Shape)> = if kind == ReportKind::SupplyRisk {
        RISK_FIELDS.to_vec()
    } else {
        DEVICE_FIELDS
            .iter()
            .map(|f| (f.name, f.label_ja, device_shape(f.name)))
            .collect()
    };
    let mut out = Vec::new();
    for (name, label, shape) in &form {
        let Some(raw) = stored
            .get(*name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let text = text_of(name, *shape, raw).ok_or_else(|| UnknownCode {
            field: (*name).to_owned(),
            text: raw.to_owned(),
        })?;
        out.push(ShownField {
            name: (*name).to_owned(),
            label: (*label).to_owned(),
            text,
        });
    }
    for (name, value) in stored {
        if !form.iter().any(|(n, _, _)| n == name) && !value.trim().is_empty() {
            out.push(ShownField {
                name: name.clone(),
                label: name.clone(),
                text: value.clone(),
            });
        }
    }
    Ok(out)
}

/// How a device field is shown (the device table names its values in its hints only).
fn device_shape(name: &str) -> Shape {
    match name {
        "reason" => Shape::ReasonCode,
        "occurred_on" | "information_provided_on" => Shape::Date,
        "recovery_month" => Shape::Month,
        "stock_months" => Shape::Months,
        "information_provided" => Shape::Flag,
        _ => Shape::Text,
    }
}

/// The text shown for a stored value; `None` for a coded field whose text is none of its codes.
fn text_of(name: &str, shape: Shape, raw: &str) -> Option<String> {
    let label = match name {
        "event_type" => DeviceEventType::from_code(raw).map(DeviceEventType::label_ja),
        "clinical_impact" => Impact::from_code(raw).map(Impact::label_ja),
        _ => match shape {
            Shape::Text | Shape::DrugCode => return Some(raw.to_owned()),
            Shape::Percent => return Some(format!("{raw}%")),
            Shape::Months => return Some(format!("{raw}か月")),
            // Dates and months were checked at filing; one that no longer parses shows as filed.
            Shape::Date => return Some(date_text(raw)),
            Shape::Month => return Some(month_text(raw)),
            Shape::ReasonCode => Reason::from_code(raw).map(Reason::label_ja),
            Shape::Flag => match raw {
                "true" => Some("あり"),
                "false" => Some("なし"),
                _ => None,
            },
        },
    };
    label.map(str::to_owned)
}

/// `2026-11-20（令和8年11月20日）`, or a month as [`month_text`].
fn date_text(raw: &str) -> String {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_or_else(|_| month_text(raw), |d| format!("{raw}（{}）", era_date(d)))
}

/// `2026-11（令和8年11月）`.
fn month_text(raw: &str) -> String {
    YearMonth::parse(raw).map_or_else(
        |_| raw.to_owned(),
        |m| {
            format!(
                "{raw}（{}）",
                era_month(i32::from(m.year()), u32::from(m.month()))
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_device_report_reads_in_the_forms_order_with_labels_for_codes() {
        let fields = stored(&[
            ("stock_months", "1.5"),
            ("clinical_impact", "possibly_large"),
            ("event_type", "stockout"),
            ("reason", "3"),
            ("information_provided", "true"),
            ("information_provided_on", "2026-11-20"),
            ("recovery_month", "2027-04"),
        ]);
        let shown = shown(ReportKind::Additional, &fields).unwrap_or_default();
        let pairs: Vec<(&str, &str)> = shown
            .iter()
            .map(|f| (f.label.as_str(), f.text.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("事象区分", "欠品"),
                ("原因", "製造トラブル"),
                ("臨床現場への影響", "大の可能性"),
                ("回復の見通し", "2027-04（令和9年4月）"),
                ("在庫（月数）", "1.5か月"),
                ("医療機関・学会への情報提供の有無", "あり"),
                ("情報提供日", "2026-11-20（令和8年11月20日）"),
            ]
        );
    }

    #[test]
    fn a_supply_risk_report_reads_with_its_own_labels() {
        let fields = stored(&[
            ("risk_resolved", "false"),
            ("cause", "2"),
            ("market_share", "30"),
            ("cause_date", "2026-10"),
        ]);
        let texts: Vec<String> = shown(ReportKind::SupplyRisk, &fields)
            .unwrap_or_default()
            .into_iter()
            .map(|f| format!("{}={}", f.label, f.text))
            .collect();
        assert_eq!(
            texts,
            vec![
                "市場シェア（%）=30%",
                "原因=原材料調達上の問題",
                "原因の発生日=2026-10（令和8年10月）",
                "供給不安の解消=なし",
            ]
        );
    }

    #[test]
    fn a_coded_field_whose_stored_text_is_no_code_is_an_error() {
        for (name, text) in [
            ("event_type", "flood"),
            ("clinical_impact", "huge"),
            ("reason", "99"),
            ("information_provided", "maybe"),
        ] {
            let fields = stored(&[("stock_months", "1.5"), (name, text)]);
            assert_eq!(
                shown(ReportKind::Additional, &fields),
                Err(UnknownCode {
                    field: name.to_owned(),
                    text: text.to_owned()
                })
            );
        }
        let fields = stored(&[("cause", "9")]);
        let error = shown(ReportKind::SupplyRisk, &fields).expect_err("9 is no cause");
        assert_eq!(
            error.to_string(),
            "Stored report field cause is not one of its codes: \"9\""
        );
    }
}
