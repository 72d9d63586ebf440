//! Every (flow, state, event, party) against a table written out here by hand from DESIGN §4
//! (flows A and B) and the 2025 law's steps for a drug 供給不安報告 (flow D).

use super::*;
use CaseState::{
    AdditionalReported, Announced, Assessing, Monitoring, ReportRequested, Reported, Resolved,
    ResponseNeeded, Terminated,
};

/// The seven states a case can still move from.
const OPEN: &[CaseState] = &[
    Reported,
    Assessing,
    ReportRequested,
    AdditionalReported,
    ResponseNeeded,
    Monitoring,
    Announced,
];
const ALL_FLOWS: &[Flow] = &[Flow::A, Flow::B, Flow::D];
const BOTH: &[Flow] = &[Flow::A, Flow::B];
const ONLY_A: &[Flow] = &[Flow::A];
const ONLY_B: &[Flow] = &[Flow::B];
const ONLY_D: &[Flow] = &[Flow::D];

/// Steps only the ministry takes; everything else is the reporting maker's.
const MINISTRY_STEPS: &[&str] = &[
    "judge_impact",
    "request_report",
    "decide",
    "resolve",
    "information_request",
    "cooperation_request",
];

/// What else a row needs of the case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    SmallImpact,
    Consent,
}

/// Where an allowed event takes the case.
#[derive(Clone, Copy)]
enum To {
    Stay,
    State(CaseState),
    Judged,
    Decided,
    Consented,
    SwitchToB { small: bool },
}

/// One allowed step: event key, flows, from-states, what else it needs, result. The first row
/// that fits is the one that counts.
type Row = (
    &'static str,
    &'static [Flow],
    &'static [CaseState],
    Needs,
    To,
);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // Flows A and B.
    ("judge_impact", BOTH, &[Reported, Assessing], Needs::Nothing, To::Judged),
    ("decide", BOTH, &[AdditionalReported], Needs::Nothing, To::Decided),
    ("consent", BOTH, &[ResponseNeeded], Needs::Nothing, To::Consented),
    ("report_progress", BOTH, &[ResponseNeeded, Monitoring, Announced], Needs::Nothing, To::Stay),
    ("announce", ONLY_B, &[ResponseNeeded, Monitoring], Needs::Nothing, To::State(Announced)),
    ("additional", BOTH, &[Reported, Assessing], Needs::Nothing, To::State(AdditionalReported)),
    ("re_report", BOTH, &[ResponseNeeded, Monitoring], Needs::Nothing, To::State(AdditionalReported)),
    ("supply_risk", ONLY_A, OPEN, Needs::Nothing, To::Stay),
    ("termination_notice", ONLY_B, &[Announced], Needs::Nothing, To::State(Terminated)),
    ("termination_notice", ONLY_B, &[Reported], Needs::SmallImpact, To::State(Terminated)),
    ("first+termination", ONLY_A, OPEN, Needs::Nothing, To::SwitchToB { small: false }),
    ("simplified+termination", ONLY_A, OPEN, Needs::Nothing, To::SwitchToB { small: true }),
    ("cooperation_request", BOTH, OPEN, Needs::Consent, To::Stay),
    // Flow D: 報告徴収 from any open state, the follow-up 供給不安報告 answers it, the
    // decision from the first report or the answer, 協力要請 once a response is needed.
    ("request_report", ONLY_D, OPEN, Needs::Nothing, To::State(ReportRequested)),
    ("supply_risk", ONLY_D, &[ReportRequested], Needs::Nothing, To::State(AdditionalReported)),
    ("supply_risk", ONLY_D, OPEN, Needs::Nothing, To::Stay),
    ("decide", ONLY_D, &[Reported, AdditionalReported], Needs::Nothing, To::Decided),
    ("report_progress", ONLY_D, &[ResponseNeeded, Monitoring], Needs::Nothing, To::Stay),
    ("cooperation_request", ONLY_D, &[ResponseNeeded], Needs::Nothing, To::Stay),
    // Every flow.
    ("resolve", ALL_FLOWS, OPEN, Needs::Nothing, To::State(Resolved)),
    ("information_request", ALL_FLOWS, OPEN, Needs::Nothing, To::Stay),
];

/// The key of an event in `ROWS`: a 第一報 or 簡易報告 announcing termination is its own row.
fn key(event: CaseEvent) -> &'static str {
    match event {
        CaseEvent::Report {
            kind: ReportKind::First,
            termination: true,
        } => "first+termination",
        CaseEvent::Report {
            kind: ReportKind::Simplified,
            termination: true,
        } => "simplified+termination",
        other => other.name(),
    }
}

fn owner(name: &str) -> Party {
    if MINISTRY_STEPS.contains(&name) {
        Party::Ministry
    } else {
        Party::ReportingMaker
    }
}

fn row_fits(row: &Row, case: CaseSnapshot) -> bool {
    let (_, flows, states, needs, _) = *row;
    flows.contains(&case.flow)
        && states.contains(&case.state)
        && match needs {
            Needs::Nothing => true,
            Needs::SmallImpact => case.impact == Some(Impact::Small),
            Needs::Consent => case.consented,
        }
}

/// What the table says about `event` by `party` on `case`.
fn expected(case: CaseSnapshot, event: CaseEvent) -> Option<CaseSnapshot> {
    let row = ROWS
        .iter()
        .find(|row| row.0 == key(event) && row_fits(row, case))?;
    Some(match (row.4, event) {
        (To::Stay, _) => case,
        (To::State(state), _) => CaseSnapshot { state, ..case },
        (To::Judged, CaseEvent::Action(CaseAction::JudgeImpact(impact))) => CaseSnapshot {
            state: Assessing,
            impact: Some(impact),
            ..case
        },
        (To::Decided, CaseEvent::Action(CaseAction::Decide(Decision::ResponseNeeded))) => {
            CaseSnapshot {
                state: ResponseNeeded,
                ..case
            }
        }
        (To::Decided, CaseEvent::Action(CaseAction::Decide(Decision::Monitoring))) => {
            CaseSnapshot {
                state: Monitoring,
                ..case
            }
        }
        (To::Consented, _) => CaseSnapshot {
            consented: true,
            ..case
        },
        (To::SwitchToB { small }, _) => CaseSnapshot {
            flow: Flow::B,
            state: Reported,
            impact: if small {
                Some(Impact::Small)
            } else {
                case.impact
            },
            ..case
        },
        _ => panic!("row {} does not fit event {event:?}", row.0),
    })
}

/// The action names the table allows `party` on `case`, sorted.
fn expected_allowed(case: CaseSnapshot, party: Party) -> Vec<&'static str> {
    let actions = [
        "judge_impact",
        "request_report",
        "decide",
        "consent",
        "report_progress",
        "announce",
        "resolve",
    ];
    let mut names: Vec<&'static str> = actions
        .into_iter()
        .filter(|name| owner(name) == party)
        .filter(|name| ROWS.iter().any(|row| row.0 == *name && row_fits(row, case)))
        .collect();
    names.sort_unstable();
    names
}

#[test]
fn every_flow_state_event_and_party_follows_the_table() {
    let mut moves = 0;
    let mut checked = 0;
    for case in every_snapshot() {
        for event in every_event() {
            for &party in Party::ALL {
                checked += 1;
                let got = apply(&case, &event, party);
                let who = owner(event.name());
                if party != who {
                    assert_eq!(
                        got,
                        Err(FlowError::NotYourStep {
                            event: event.name(),
                            who: who.code()
                        }),
                        "{case:?} {event:?} by {party:?}"
                    );
                    continue;
                }
                match expected(case, event) {
                    Some(want) => {
                        moves += 1;
                        assert_eq!(got, Ok(want), "{case:?} {event:?} by {party:?}");
                    }
                    None if key(event) == "cooperation_request"
                        && case.flow != Flow::D
                        && !case.consented
                        && !case.state.is_final() =>
                    {
                        assert_eq!(got, Err(FlowError::AwaitingConsent), "{case:?}");
                    }
                    None => match got {
                        Err(FlowError::NotAllowed {
                            state,
                            event: name,
                            mut allowed,
                        }) => {
                            assert_eq!((state, name), (case.state, event.name()));
                            allowed.sort_unstable();
                            assert_eq!(
                                allowed,
                                expected_allowed(case, party),
                                "{case:?} {event:?}"
                            );
                        }
                        other => {
                            panic!("{case:?} {event:?} by {party:?}: expected 409, got {other:?}")
                        }
                    },
                }
            }
        }
    }
    assert_eq!(checked, 216 * 24 * 3);
    assert!(
        moves > 300,
        "only {moves} allowed steps: the table looks empty"
    );
}

#[test]
fn allowed_actions_match_the_table_for_every_party() {
    for case in every_snapshot() {
        for &party in Party::ALL {
            let mut got = allowed_actions(&case, party);
            got.sort_unstable();
            assert_eq!(got, expected_allowed(case, party), "{case:?} {party:?}");
        }
        assert!(allowed_actions(&case, Party::Other).is_empty());
    }
}

#[test]
fn a_closed_case_refuses_everything_with_nothing_allowed() {
    for case in every_snapshot().into_iter().filter(|c| c.state.is_final()) {
        for event in every_event() {
            let got = apply(&case, &event, owner(event.name()));
            assert_eq!(
                got,
                Err(FlowError::NotAllowed {
                    state: case.state,
                    event: event.name(),
                    allowed: vec![]
                })
            );
        }
    }
}
