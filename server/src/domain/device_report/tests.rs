//! Tests of the device report table and its check.

use std::collections::BTreeMap;

use super::*;
use crate::domain::case_flow::ReportKind;

/// A report of `kind` with every field filled in validly (not-applicable fields left out).
fn complete(kind: DeviceReportKind) -> BTreeMap<String, String> {
    let all = [
        ("event_type", "termination"),
        ("reason", "2"),
        ("reason_text", "原材料の樹脂の調達先が撤退した"),
        ("occurred_on", "2026-09"),
        ("clinical_impact", "possibly_large"),
        ("impact_basis", "主要取引先の病院3施設と日本○○学会に確認"),
        ("recovery_month", "2027-03"),
        ("stock_months", "2.5"),
        (
            "shipments_last_12_months",
            "120,118,121,119,130,125,122,117,116,120,119,121",
        ),
        ("alternatives", "B社 製品X（GTIN 4987123456789）"),
        ("information_provided", "true"),
        ("information_provided_on", "2026-04-01"),
        (
            "information_content",
            "主要納入先に文書で供給終了予定を通知",
        ),
    ];
    all.into_iter()
        .filter(|(name, _)| {
            FieldSpec::find(name).map(|s| s.requirement(kind)) != Some(Requirement::NotApplicable)
        })
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn problems(
    result: Result<DeviceReportFields, Vec<(&'static str, FieldError)>>,
) -> Vec<(&'static str, &'static str)> {
    result
        .err()
        .map(|errors| {
            errors
                .into_iter()
                .map(|(field, e)| (field, e.code))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_table_follows_the_design() {
    use DeviceReportKind::{Additional, First, ReReport, Simplified, TerminationNotice};
    let names: Vec<&str> = FIELDS.iter().map(|s| s.name).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "field names are unique");
    assert_eq!(
        complete(Additional).len(),
        FIELDS.len(),
        "the test fills every field"
    );
    for spec in FIELDS {
        let event = spec.name == "event_type";
        let recovery = spec.name == "recovery_month";
        let want_first = if event {
            Requirement::Required
        } else {
            Requirement::Optional
        };
        assert_eq!(spec.requirement(First), want_first, "{}", spec.name);
        assert_eq!(
            spec.requirement(Additional),
            Requirement::Required,
            "{}",
            spec.name
        );
        assert_eq!(
            spec.requirement(ReReport),
            Requirement::Required,
            "{}",
            spec.name
        );
        let want_end = if recovery {
            Requirement::NotApplicable
        } else {
            Requirement::Required
        };
        assert_eq!(spec.requirement(Simplified), want_end, "{}", spec.name);
        assert_eq!(
            spec.requirement(TerminationNotice),
            want_end,
            "{}",
            spec.name
        );
    }
    assert_eq!(
        FieldSpec::find("stock_months").map(|s| s.label_ja),
        Some("在庫（月数）")
    );
}

#[test]
fn a_complete_report_of_every_kind_passes() {
    for kind in DeviceReportKind::ALL.iter().copied() {
        let fields = validate(kind, &complete(kind)).expect("complete report");
        assert!(fields.is_termination());
        assert_eq!(fields.shipments_last_12_months.map(|s| s.len()), Some(12));
    }
}

#[test]
fn a_report_missing_one_field_is_refused_exactly_when_the_table_requires_it() {
    for kind in DeviceReportKind::ALL.iter().copied() {
        for spec in FIELDS {
            for blank in [None, Some(" ")] {
                let mut values = complete(kind);
                match blank {
                    None => values.remove(spec.name),
                    Some(text) => values.insert(spec.name.to_owned(), text.to_owned()),
                };
                let result = validate(kind, &values);
                if spec.requirement(kind) == Requirement::Required {
                    let errors = result.expect_err("required field missing");
                    assert_eq!(errors.len(), 1, "{kind:?} {}: {errors:?}", spec.name);
                    let (field, error) = &errors[0];
                    assert_eq!((*field, error.code), (spec.name, "required"));
                    let want = format!("{}では『{}』は必須です", kind.label_ja(), spec.label_ja);
                    assert_eq!(error.message, want);
                } else {
                    assert!(result.is_ok(), "{kind:?} {}: {result:?}", spec.name);
                }
            }
        }
    }
}

#[test]
fn the_additional_report_message_names_kind_and_field() {
    let mut values = complete(DeviceReportKind::Additional);
    values.remove("stock_months");
    let errors = validate(DeviceReportKind::Additional, &values).expect_err("missing");
    assert_eq!(
        errors[0].1.message,
        "追加報告では『在庫（月数）』は必須です"
    );
}

#[test]
fn a_field_that_does_not_apply_is_refused_when_given() {
    let mut refused = 0;
    for kind in DeviceReportKind::ALL.iter().copied() {
        for spec in FIELDS
            .iter()
            .filter(|s| s.requirement(kind) == Requirement::NotApplicable)
        {
            let mut values = complete(kind);
            values.insert(spec.name.to_owned(), "2027-03".to_owned());
            let errors = validate(kind, &values).expect_err("not applicable");
            assert_eq!(errors.len(), 1);
            assert_eq!(
                (errors[0].0, errors[0].1.code),
                (spec.name, "not_applicable")
            );
            assert!(
                errors[0].1.message.contains(kind.label_ja()),
                "{}",
                errors[0].1.message
            );
            assert!(errors[0].1.message.contains("該当しません"));
            refused += 1;
        }
    }
    assert_eq!(refused, 2, "回復の見通し for 簡易報告 and 様式10-3");
}

#[test]
fn a_first_report_with_only_the_event_type_passes_and_keeps_blanks_blank() {
    let values = BTreeMap::from([("event_type".to_owned(), "欠品".to_owned())]);
    let fields = validate(DeviceReportKind::First, &values).expect("valid first report");
    assert_eq!(fields.event_type, DeviceEventType::Stockout);
    assert_eq!(fields.reason, None);
    assert_eq!(fields.stock_months, None);
    assert_eq!(fields.information_provided, None);
    assert_eq!(fields.to_values().len(), 1);
    let nothing = validate(DeviceReportKind::First, &BTreeMap::new());
    assert_eq!(problems(nothing), vec![("event_type", "required")]);
}

#[test]
fn information_details_are_required_only_when_information_was_provided() {
    let mut values = complete(DeviceReportKind::ReReport);
    values.insert("information_provided".to_owned(), "なし".to_owned());
    values.remove("information_content");
    let with_date = validate(DeviceReportKind::ReReport, &values);
    assert_eq!(
        problems(with_date),
        vec![("information_provided_on", "contradiction")]
    );
    values.remove("information_provided_on");
    let fields = validate(DeviceReportKind::ReReport, &values).expect("nothing to tell");
    assert_eq!(fields.information_provided, Some(false));
}

#[test]
fn simplified_reports_and_termination_notices_must_announce_termination() {
    for kind in [
        DeviceReportKind::Simplified,
        DeviceReportKind::TerminationNotice,
    ] {
        let mut values = complete(kind);
        values.insert("event_type".to_owned(), "stockout".to_owned());
        let errors = validate(kind, &values).expect_err("not a termination");
        assert_eq!(
            (errors[0].0, errors[0].1.code),
            ("event_type", "contradiction")
        );
        assert!(errors[0].1.message.contains(kind.label_ja()));
    }
    let mut values = complete(DeviceReportKind::Additional);
    values.insert("event_type".to_owned(), "stockout".to_owned());
    assert!(validate(DeviceReportKind::Additional, &values).is_ok());
}

#[test]
fn every_problem_is_reported_at_once_in_form_order_and_names_the_field() {
    let mut values = complete(DeviceReportKind::Additional);
    values.insert("event_type".to_owned(), "shortage".to_owned());
    values.remove("reason");
    values.insert("recovery_month".to_owned(), "2027-13".to_owned());
    values.insert("stock_months".to_owned(), "-1".to_owned());
    values.insert(
        "shipments_last_12_months".to_owned(),
        "1,2,3,4,5,6,7,8,9,10,11".to_owned(),
    );
    values.insert("information_provided_on".to_owned(), "昨日".to_owned());
    values.insert("product_code".to_owned(), "4987123456789".to_owned());
    let errors = validate(DeviceReportKind::Additional, &values).expect_err("many problems");
    let found: Vec<(&str, &str)> = errors.iter().map(|(f, e)| (*f, e.code)).collect();
    assert_eq!(
        found,
        vec![
            ("event_type", "code"),
            ("reason", "required"),
            ("recovery_month", "format"),
            ("stock_months", "format"),
            ("shipments_last_12_months", "format"),
            ("information_provided_on", "format"),
        ]
    );
    let message = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.message.clone())
            .unwrap_or_default()
    };
    assert!(message("event_type").contains("『事象区分』「shortage」"));
    assert!(message("recovery_month").contains("『回復の見通し』「2027-13」"));
    assert!(message("stock_months").contains("0以上の数"));
    assert!(message("shipments_last_12_months").contains("11件"));
    assert!(message("information_provided_on").contains("年-月-日 の形式（例 2026-04-01）"));
}

#[test]
fn values_round_trip_through_validate() {
    for kind in DeviceReportKind::ALL.iter().copied() {
        let mut given = complete(kind);
        given.insert("occurred_on".to_owned(), "２０２６/９/３０".to_owned());
        given.insert("clinical_impact".to_owned(), "大の可能性".to_owned());
        given.insert("information_provided".to_owned(), "あり".to_owned());
        let fields = validate(kind, &given).expect("valid");
        assert_eq!(fields.occurred_on.as_deref(), Some("2026-09-30"));
        let stored: BTreeMap<String, String> = fields
            .to_values()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert!(stored.keys().all(|k| FieldSpec::find(k).is_some()));
        assert_eq!(
            stored.get("information_provided").map(String::as_str),
            Some("true")
        );
        assert_eq!(validate(kind, &stored), Ok(fields));
    }
}

#[test]
fn kinds_and_event_types_read_their_names() {
    for kind in DeviceReportKind::ALL.iter().copied() {
        assert_eq!(DeviceReportKind::parse(kind.code()), Ok(kind));
        assert_eq!(ReportKind::from(kind).code(), kind.code());
    }
    assert!(DeviceReportKind::parse("supply_risk").is_err());
    for event in DeviceEventType::ALL.iter().copied() {
        assert_eq!(DeviceEventType::parse(event.code()), Ok(event));
        assert_eq!(DeviceEventType::parse(event.label_ja()), Ok(event));
    }
    assert_eq!(DeviceEventType::parse("x").map_err(|e| e.code), Err("code"));
}
