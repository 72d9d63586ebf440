//! Tests of the case workflow: the whole table, the happy paths and the messages.

mod paths;
mod table;

use super::*;

/// Every state, both flows, every impact and both consent values.
fn every_snapshot() -> Vec<CaseSnapshot> {
    let mut all = Vec::new();
    for &flow in Flow::ALL {
        for &state in CaseState::ALL {
            for impact in [
                None,
                Some(Impact::Large),
                Some(Impact::PossiblyLarge),
                Some(Impact::Small),
            ] {
                for consented in [false, true] {
                    all.push(CaseSnapshot {
                        flow,
                        state,
                        impact,
                        consented,
                    });
                }
            }
        }
    }
    all
}

/// Every action with every impact and decision, every report kind with both termination values,
/// and both requests.
fn every_event() -> Vec<CaseEvent> {
    let mut all: Vec<CaseEvent> = Impact::ALL
        .iter()
        .map(|&i| CaseEvent::Action(CaseAction::JudgeImpact(i)))
        .chain(
            Decision::ALL
                .iter()
                .map(|&d| CaseEvent::Action(CaseAction::Decide(d))),
        )
        .chain(
            [
                CaseAction::RequestReport,
                CaseAction::Consent,
                CaseAction::ReportProgress,
                CaseAction::Announce,
                CaseAction::Resolve,
            ]
            .map(CaseEvent::Action),
        )
        .chain(CaseRequest::ALL.iter().map(|&r| CaseEvent::Request(r)))
        .collect();
    for &kind in ReportKind::ALL {
        for termination in [false, true] {
            all.push(CaseEvent::Report { kind, termination });
        }
    }
    all
}

#[test]
fn every_coded_value_round_trips_through_its_name() {
    for &state in CaseState::ALL {
        assert_eq!(CaseState::from_code(state.code()), Some(state));
        assert!(!state.label_ja().is_empty());
    }
    for &kind in ReportKind::ALL {
        assert_eq!(ReportKind::from_code(kind.code()), Some(kind));
    }
    for &impact in Impact::ALL {
        assert_eq!(Impact::from_code(impact.code()), Some(impact));
    }
    for &decision in Decision::ALL {
        assert_eq!(Decision::from_code(decision.code()), Some(decision));
    }
    assert_eq!(
        CaseState::from_code(" monitoring "),
        Some(CaseState::Monitoring)
    );
    assert_eq!(CaseState::from_code("closed"), None);
    assert_eq!(Flow::A.label_ja(), "供給不安・欠品");
    assert_eq!(Impact::PossiblyLarge.label_ja(), "大の可能性");
    assert_eq!(
        ReportKind::TerminationNotice.label_ja(),
        "供給終了届出書（様式10-3）"
    );
}

#[test]
fn only_resolved_and_terminated_are_final() {
    let finals: Vec<CaseState> = CaseState::ALL
        .iter()
        .copied()
        .filter(|s| s.is_final())
        .collect();
    assert_eq!(finals, vec![CaseState::Resolved, CaseState::Terminated]);
}

#[test]
fn transition_bodies_are_read_with_their_impact_or_decision() {
    assert_eq!(
        CaseAction::from_parts("judge_impact", Some("possibly_large"), None),
        Ok(CaseAction::JudgeImpact(Impact::PossiblyLarge))
    );
    assert_eq!(
        CaseAction::from_parts("decide", None, Some("monitoring")),
        Ok(CaseAction::Decide(Decision::Monitoring))
    );
    assert_eq!(
        CaseAction::from_parts(" consent ", None, None),
        Ok(CaseAction::Consent)
    );
    let missing = CaseAction::from_parts("judge_impact", Some(" "), None).expect_err("no impact");
    assert_eq!((missing.0, missing.1.code), ("impact", "required"));
    let bad = CaseAction::from_parts("decide", None, Some("later")).expect_err("bad decision");
    assert_eq!((bad.0, bad.1.code), ("decision", "code"));
    let unknown = CaseAction::from_parts("close", None, None).expect_err("unknown");
    assert_eq!((unknown.0, unknown.1.code), ("action", "code"));
    assert!(unknown.1.message.contains("resolve"));
}

fn waited(days: i64, report_due_on: Option<chrono::NaiveDate>) -> Waited {
    Waited {
        days_in_state: days,
        days_since_opened: days,
        report_due_on,
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date"),
    }
}

#[test]
fn the_additional_report_is_overdue_once_the_limit_has_passed_in_reported_or_assessing() {
    let mut case = open(ReportKind::First, false, None).expect("opens");
    assert!(!is_overdue(&case, &waited(13, None), 14));
    assert!(is_overdue(&case, &waited(14, None), 14));
    case.state = CaseState::Assessing;
    assert!(is_overdue(&case, &waited(20, None), 14));
    let judged_yesterday = Waited {
        days_in_state: 1,
        ..waited(20, None)
    };
    assert!(
        is_overdue(&case, &judged_yesterday, 14),
        "the clock counts from the 第一報, not from the impact judgement"
    );
    for state in [
        CaseState::AdditionalReported,
        CaseState::ResponseNeeded,
        CaseState::Monitoring,
        CaseState::Resolved,
    ] {
        case.state = state;
        assert!(!is_overdue(&case, &waited(100, None), 14), "{state:?}");
    }
}

#[test]
fn a_drug_case_is_overdue_only_past_the_day_its_requested_report_was_due() {
    let mut case = open(ReportKind::SupplyRisk, false, None).expect("opens");
    assert_eq!(case.flow, Flow::D);
    for state in [
        CaseState::Reported,
        CaseState::AdditionalReported,
        CaseState::ResponseNeeded,
        CaseState::Monitoring,
    ] {
        case.state = state;
        assert!(
            !is_overdue(&case, &waited(100, None), 14),
            "{state:?}: no 追加報告 for drugs"
        );
    }
    case.state = CaseState::ReportRequested;
    let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 4);
    assert!(
        is_overdue(&case, &waited(1, due), 14),
        "the day after the due day"
    );
    let due_today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5);
    assert!(
        !is_overdue(&case, &waited(30, due_today), 14),
        "due today is not late"
    );
    assert!(
        is_overdue(&case, &waited(14, None), 14),
        "no due day: the setting"
    );
}
