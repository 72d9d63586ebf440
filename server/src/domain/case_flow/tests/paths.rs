//! The happy paths of DESIGN §4 step by step, and the messages of refused steps.

use super::*;

const MINISTRY: Party = Party::Ministry;
const MAKER: Party = Party::ReportingMaker;

fn act(action: CaseAction) -> CaseEvent {
    CaseEvent::Action(action)
}

fn report(kind: ReportKind, termination: bool) -> CaseEvent {
    CaseEvent::Report { kind, termination }
}

/// Applies each step in turn, checking the state after each.
fn walk(
    mut case: CaseSnapshot,
    steps: &[(CaseEvent, Party, CaseState)],
) -> Result<CaseSnapshot, FlowError> {
    for (event, party, state) in steps {
        case = apply(&case, event, *party)?;
        assert_eq!(case.state, *state, "after {}", event.name());
    }
    Ok(case)
}

#[test]
fn flow_a_runs_from_first_report_to_resolution() -> Result<(), FlowError> {
    let case = open(ReportKind::First, false, Some(Impact::PossiblyLarge))?;
    assert_eq!(
        (case.flow, case.state, case.impact),
        (Flow::A, CaseState::Reported, Some(Impact::PossiblyLarge))
    );
    let case = walk(
        case,
        &[
            (
                act(CaseAction::JudgeImpact(Impact::Large)),
                MINISTRY,
                CaseState::Assessing,
            ),
            (
                report(ReportKind::Additional, false),
                MAKER,
                CaseState::AdditionalReported,
            ),
            (
                act(CaseAction::Decide(Decision::ResponseNeeded)),
                MINISTRY,
                CaseState::ResponseNeeded,
            ),
            (act(CaseAction::Consent), MAKER, CaseState::ResponseNeeded),
            (
                act(CaseAction::ReportProgress),
                MAKER,
                CaseState::ResponseNeeded,
            ),
            (
                report(ReportKind::ReReport, false),
                MAKER,
                CaseState::AdditionalReported,
            ),
            (
                act(CaseAction::Decide(Decision::Monitoring)),
                MINISTRY,
                CaseState::Monitoring,
            ),
            (act(CaseAction::Resolve), MINISTRY, CaseState::Resolved),
        ],
    )?;
    assert_eq!(case.impact, Some(Impact::Large));
    assert!(case.consented);
    assert_eq!(case.flow, Flow::A);
    Ok(())
}

#[test]
fn a_drug_supply_risk_report_follows_the_laws_steps_to_cooperation_without_consent()
-> Result<(), FlowError> {
    let case = open(ReportKind::SupplyRisk, false, None)?;
    assert_eq!(
        (case.flow, case.state, case.impact),
        (Flow::D, CaseState::Reported, None)
    );
    assert_eq!(
        allowed_actions(&case, MINISTRY),
        vec!["request_report", "decide", "resolve"]
    );
    let same = apply(&case, &report(ReportKind::SupplyRisk, false), MAKER)?;
    assert_eq!(same, case, "an update before any request changes nothing");
    let case = walk(
        case,
        &[
            (
                act(CaseAction::RequestReport),
                MINISTRY,
                CaseState::ReportRequested,
            ),
            (
                report(ReportKind::SupplyRisk, false),
                MAKER,
                CaseState::AdditionalReported,
            ),
            (
                act(CaseAction::Decide(Decision::ResponseNeeded)),
                MINISTRY,
                CaseState::ResponseNeeded,
            ),
            (
                CaseEvent::Request(CaseRequest::Cooperation),
                MINISTRY,
                CaseState::ResponseNeeded,
            ),
            (
                CaseEvent::Request(CaseRequest::Information),
                MINISTRY,
                CaseState::ResponseNeeded,
            ),
            (
                act(CaseAction::ReportProgress),
                MAKER,
                CaseState::ResponseNeeded,
            ),
            (act(CaseAction::Resolve), MINISTRY, CaseState::Resolved),
        ],
    )?;
    assert!(!case.consented, "nobody consented, and nobody had to");
    assert_eq!(
        allowed_requests(&case),
        vec![],
        "nothing can be sent on a closed case"
    );
    Ok(())
}

#[test]
fn a_drug_case_has_no_additional_report_consent_or_impact_judgement() {
    let case = open(ReportKind::SupplyRisk, false, None).expect("opens");
    for (event, party) in [
        (report(ReportKind::Additional, false), MAKER),
        (act(CaseAction::JudgeImpact(Impact::Large)), MINISTRY),
    ] {
        assert!(
            matches!(
                apply(&case, &event, party),
                Err(FlowError::NotAllowed { .. })
            ),
            "{event:?}"
        );
    }
    let needed = CaseSnapshot {
        state: CaseState::ResponseNeeded,
        ..case
    };
    assert!(matches!(
        apply(&needed, &act(CaseAction::Consent), MAKER),
        Err(FlowError::NotAllowed { .. })
    ));
    assert_eq!(
        allowed_requests(&needed),
        vec![CaseRequest::Information, CaseRequest::Cooperation]
    );
    let early = apply(
        &case,
        &CaseEvent::Request(CaseRequest::Cooperation),
        MINISTRY,
    )
    .expect_err("協力要請 comes after the decision");
    assert!(matches!(early, FlowError::NotAllowed { .. }), "{early:?}");
    assert_eq!(
        request_refusal_ja(&case, CaseRequest::Cooperation).as_deref(),
        Some("「報告受付」の状態では送れません")
    );
}

#[test]
fn a_device_cooperation_request_waits_for_consent_and_says_so() {
    let case = CaseSnapshot {
        flow: Flow::A,
        state: CaseState::ResponseNeeded,
        impact: Some(Impact::Large),
        consented: false,
    };
    let refused = apply(
        &case,
        &CaseEvent::Request(CaseRequest::Cooperation),
        MINISTRY,
    )
    .expect_err("no consent yet");
    assert_eq!(refused, FlowError::AwaitingConsent);
    assert!(
        refused.message_ja().starts_with("報告者の同意待ち"),
        "{refused}"
    );
    assert_eq!(
        request_refusal_ja(&case, CaseRequest::Cooperation).as_deref(),
        Some("報告者の同意待ち")
    );
    assert_eq!(request_refusal_ja(&case, CaseRequest::Information), None);
    let consented = apply(&case, &act(CaseAction::Consent), MAKER).expect("consents");
    assert_eq!(
        request_refusal_ja(&consented, CaseRequest::Cooperation),
        None
    );
    let closed = apply(&consented, &act(CaseAction::Resolve), MINISTRY).expect("closes");
    assert_eq!(
        request_refusal_ja(&closed, CaseRequest::Information).as_deref(),
        Some("終結した事案です")
    );
}

#[test]
fn each_open_case_says_what_it_waits_for() {
    let drug = open(ReportKind::SupplyRisk, false, None).expect("opens");
    assert!(waits_for_ja(&drug).is_some_and(|w| w.contains("報告徴収")));
    let asked = CaseSnapshot {
        state: CaseState::ReportRequested,
        ..drug
    };
    assert!(waits_for_ja(&asked).is_some_and(|w| w.starts_with("製造販売業者の報告")));
    let device = open(ReportKind::First, false, None).expect("opens");
    assert!(waits_for_ja(&device).is_some_and(|w| w.contains("追加報告")));
    for &flow in Flow::ALL {
        for &state in CaseState::ALL {
            let case = CaseSnapshot {
                flow,
                state,
                ..drug
            };
            assert_eq!(
                waits_for_ja(&case).is_none(),
                state.is_final(),
                "{flow:?} {state:?}"
            );
        }
    }
}

#[test]
fn consenting_twice_changes_nothing_more() -> Result<(), FlowError> {
    let case = CaseSnapshot {
        flow: Flow::A,
        state: CaseState::ResponseNeeded,
        impact: Some(Impact::Large),
        consented: false,
    };
    let once = apply(&case, &act(CaseAction::Consent), MAKER)?;
    let twice = apply(&once, &act(CaseAction::Consent), MAKER)?;
    assert!(once.consented);
    assert_eq!(once, twice);
    Ok(())
}

#[test]
fn a_small_termination_ends_with_the_simplified_report_and_the_notice() -> Result<(), FlowError> {
    let case = open(ReportKind::Simplified, false, Some(Impact::Large))?;
    assert_eq!(
        (case.flow, case.state, case.impact),
        (Flow::B, CaseState::Reported, Some(Impact::Small))
    );
    walk(
        case,
        &[(
            report(ReportKind::TerminationNotice, true),
            MAKER,
            CaseState::Terminated,
        )],
    )?;
    Ok(())
}

#[test]
fn a_large_termination_goes_through_judgement_decision_and_announcement() -> Result<(), FlowError> {
    let case = open(ReportKind::First, true, Some(Impact::Large))?;
    assert_eq!((case.flow, case.state), (Flow::B, CaseState::Reported));
    let early = apply(&case, &report(ReportKind::TerminationNotice, true), MAKER);
    assert!(
        matches!(early, Err(FlowError::NotAllowed { .. })),
        "no 様式10-3 before the announcement"
    );
    let case = walk(
        case,
        &[
            (
                act(CaseAction::JudgeImpact(Impact::PossiblyLarge)),
                MINISTRY,
                CaseState::Assessing,
            ),
            (
                report(ReportKind::Additional, true),
                MAKER,
                CaseState::AdditionalReported,
            ),
            (
                act(CaseAction::Decide(Decision::ResponseNeeded)),
                MINISTRY,
                CaseState::ResponseNeeded,
            ),
            (act(CaseAction::Consent), MAKER, CaseState::ResponseNeeded),
            (act(CaseAction::Announce), MAKER, CaseState::Announced),
            (act(CaseAction::ReportProgress), MAKER, CaseState::Announced),
            (
                report(ReportKind::TerminationNotice, true),
                MAKER,
                CaseState::Terminated,
            ),
        ],
    )?;
    assert_eq!(
        (case.flow, case.impact),
        (Flow::B, Some(Impact::PossiblyLarge))
    );
    Ok(())
}

#[test]
fn a_maker_ending_supply_moves_a_flow_a_case_to_flow_b() -> Result<(), FlowError> {
    let monitoring = CaseSnapshot {
        flow: Flow::A,
        state: CaseState::Monitoring,
        impact: Some(Impact::Large),
        consented: true,
    };
    let by_first = apply(&monitoring, &report(ReportKind::First, true), MAKER)?;
    assert_eq!(
        by_first,
        CaseSnapshot {
            flow: Flow::B,
            state: CaseState::Reported,
            ..monitoring
        }
    );
    let by_simplified = apply(&monitoring, &report(ReportKind::Simplified, true), MAKER)?;
    assert_eq!(
        (by_simplified.flow, by_simplified.impact),
        (Flow::B, Some(Impact::Small))
    );
    let ended = apply(
        &by_simplified,
        &report(ReportKind::TerminationNotice, true),
        MAKER,
    )?;
    assert_eq!(ended.state, CaseState::Terminated);
    let not_ending = apply(&monitoring, &report(ReportKind::First, false), MAKER);
    assert!(matches!(not_ending, Err(FlowError::NotAllowed { .. })));
    Ok(())
}

#[test]
fn reports_that_follow_up_cannot_open_a_case() {
    for kind in [ReportKind::ReReport, ReportKind::TerminationNotice] {
        for termination in [false, true] {
            let refused = open(kind, termination, None);
            assert_eq!(refused, Err(FlowError::CannotOpen { kind }));
        }
    }
    let message = FlowError::CannotOpen {
        kind: ReportKind::ReReport,
    }
    .message_ja();
    assert!(
        message.contains("再報告では新しい事案を開始できません"),
        "{message}"
    );
}

#[test]
fn an_additional_report_without_a_first_report_opens_its_case_ready_for_the_decision()
-> Result<(), FlowError> {
    let case = open(ReportKind::Additional, false, Some(Impact::Large))?;
    assert_eq!(
        (case.flow, case.state, case.impact),
        (Flow::A, CaseState::AdditionalReported, Some(Impact::Large))
    );
    let ending = open(ReportKind::Additional, true, Some(Impact::Large))?;
    assert_eq!(
        (ending.flow, ending.state),
        (Flow::B, CaseState::AdditionalReported)
    );
    let decided = apply(
        &case,
        &act(CaseAction::Decide(Decision::Monitoring)),
        MINISTRY,
    )?;
    assert_eq!(decided.state, CaseState::Monitoring);
    Ok(())
}

#[test]
fn a_refused_step_names_the_current_state_and_what_is_allowed_in_japanese() {
    let case = CaseSnapshot {
        flow: Flow::A,
        state: CaseState::Assessing,
        impact: None,
        consented: false,
    };
    let refused = apply(
        &case,
        &act(CaseAction::Decide(Decision::Monitoring)),
        MINISTRY,
    )
    .expect_err("no decision before the 追加報告");
    assert_eq!(
        refused,
        FlowError::NotAllowed {
            state: CaseState::Assessing,
            event: "decide",
            allowed: vec!["judge_impact", "resolve"],
        }
    );
    assert_eq!(refused.code(), "transition_not_allowed");
    assert_eq!(
        refused.message_ja(),
        "事案の現在の状態は「影響評価中」のため、「対応方針の決定」はできません。\
         現在行える操作: 影響の判断（judge_impact）、解決として終結（resolve）"
    );
}

#[test]
fn a_closed_case_says_it_is_closed() {
    let case = CaseSnapshot {
        flow: Flow::B,
        state: CaseState::Terminated,
        impact: Some(Impact::Small),
        consented: false,
    };
    let message = apply(&case, &act(CaseAction::Resolve), MINISTRY)
        .expect_err("closed")
        .message_ja();
    assert!(message.contains("「供給終了」"), "{message}");
    assert!(message.contains("終結しており"), "{message}");
}

#[test]
fn a_step_by_the_wrong_party_is_refused_before_the_state_is_looked_at() {
    let case = open(ReportKind::First, false, None).expect("opens");
    let maker_deciding = apply(&case, &act(CaseAction::Decide(Decision::Monitoring)), MAKER);
    assert_eq!(
        maker_deciding,
        Err(FlowError::NotYourStep {
            event: "decide",
            who: "ministry"
        })
    );
    let ministry_consenting =
        apply(&case, &act(CaseAction::Consent), MINISTRY).expect_err("not the ministry's step");
    assert_eq!(ministry_consenting.code(), "not_your_step");
    assert_eq!(
        ministry_consenting.message_ja(),
        "「協力依頼への同意」は報告した製造販売業者が行う操作です。"
    );
    let other_reporting = apply(&case, &report(ReportKind::Additional, false), Party::Other);
    assert_eq!(
        other_reporting,
        Err(FlowError::NotYourStep {
            event: "additional",
            who: "reporting_maker"
        })
    );
}
