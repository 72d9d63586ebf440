//! The ministry's case workflow (DESIGN §4) as an explicit state machine: which party may move a
//! case from which state, and where each action or report takes it. Pure: no I/O, no clock.

mod codes;
mod error;
#[cfg(test)]
mod tests;

pub use codes::{
    CaseAction, CaseEvent, CaseState, Decision, EventName, Flow, Impact, Party, ReportKind,
    event_label_ja,
};
pub use error::FlowError;

/// What the workflow needs to know about a case to decide its next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseSnapshot {
    /// Flow A (供給不安・欠品) or B (供給終了).
    pub flow: Flow,
    /// The current state.
    pub state: CaseState,
    /// The impact on clinical practice, as last judged (by the maker in its report, then the ministry).
    pub impact: Option<Impact>,
    /// Whether the reporting maker has consented to cooperation requests to other makers.
    pub consented: bool,
}

/// The case a new report opens: 第一報 and 供給不安報告 open flow A, a 第一報 announcing the end
/// of supply opens flow B, a 簡易報告 opens flow B with the impact judged small.
/// `impact` is the maker's own judgement in the report, kept as the initial impact.
pub fn open(
    kind: ReportKind,
    termination: bool,
    impact: Option<Impact>,
) -> Result<CaseSnapshot, FlowError> {
    let flow = match kind {
        ReportKind::First if termination => Flow::B,
        ReportKind::First | ReportKind::SupplyRisk => Flow::A,
        ReportKind::Simplified => {
            return Ok(CaseSnapshot {
                flow: Flow::B,
                state: CaseState::Reported,
                impact: Some(Impact::Small),
                consented: false,
            });
        }
        ReportKind::Additional | ReportKind::ReReport | ReportKind::TerminationNotice => {
            return Err(FlowError::CannotOpen { kind });
        }
    };
    Ok(CaseSnapshot {
        flow,
        state: CaseState::Reported,
        impact,
        consented: false,
    })
}

/// Applies one action or report by `party` to `case`: the next snapshot, or why it is refused.
/// The party is checked first (403), then the state (409).
pub fn apply(
    case: &CaseSnapshot,
    event: &CaseEvent,
    party: Party,
) -> Result<CaseSnapshot, FlowError> {
    let owner = event.taken_by();
    if party != owner {
        return Err(FlowError::NotYourStep {
            event: event.name(),
            who: owner.code(),
        });
    }
    next(*case, *event).ok_or_else(|| FlowError::NotAllowed {
        state: case.state,
        event: event.name(),
        allowed: allowed_actions(case, party),
    })
}

/// The action names (not reports) `party` may take on `case` now, in the order of the flow.
pub fn allowed_actions(case: &CaseSnapshot, party: Party) -> Vec<&'static str> {
    CaseAction::EACH
        .into_iter()
        .filter(|action| action.taken_by() == party)
        .filter(|action| next(*case, CaseEvent::Action(*action)).is_some())
        .map(CaseAction::name)
        .collect()
}

/// Whether the 追加報告 is overdue: the case still waits in `reported` or `assessing` after
/// `limit_days` (a setting; 14 by default in DESIGN §4).
pub fn is_overdue(case: &CaseSnapshot, days_in_state: i64, limit_days: i64) -> bool {
    matches!(case.state, CaseState::Reported | CaseState::Assessing) && days_in_state >= limit_days
}

/// The whole workflow in one table: `(flow, state, event)` → the next snapshot, `None` when the
/// event does not fit. Who may cause each event is [`CaseEvent::taken_by`].
// One arm per line so the flow reads as a table; several arms share a result on purpose.
#[rustfmt::skip]
#[expect(clippy::match_same_arms, reason = "each arm is one row of DESIGN §4, kept apart to read as a table")]
fn next(case: CaseSnapshot, event: CaseEvent) -> Option<CaseSnapshot> {
    use CaseAction::{Announce, Consent, Decide, JudgeImpact, ReportProgress, Resolve};
    use CaseEvent::{Action, Report};
    use CaseState::{AdditionalReported, Announced, Assessing, Monitoring, Reported, Resolved, ResponseNeeded, Terminated};
    use ReportKind::{Additional, First, ReReport, Simplified, SupplyRisk, TerminationNotice};
    use Flow::{A, B};

    let same = case;
    let to = |state| CaseSnapshot { state, ..case };
    let small = case.impact == Some(Impact::Small);
    let next = match (case.flow, case.state, event) {
        // A closed case stays closed.
        (_, state, _) if state.is_final()                                    => return None,

        // The ministry.
        (_, Reported | Assessing, Action(JudgeImpact(impact)))               => CaseSnapshot { state: Assessing, impact: Some(impact), ..case },
        (_, AdditionalReported, Action(Decide(decision)))                    => to(decision.state()),
        (_, _, Action(Resolve))                                              => to(Resolved),

        // The reporting maker's actions.
        (_, ResponseNeeded, Action(Consent))                                 => CaseSnapshot { consented: true, ..case },
        (_, ResponseNeeded | Monitoring | Announced, Action(ReportProgress)) => same,
        (B, ResponseNeeded | Monitoring, Action(Announce))                   => to(Announced),

        // The reporting maker's reports.
        (_, Reported | Assessing, Report { kind: Additional, .. })           => to(AdditionalReported),
        (_, ResponseNeeded | Monitoring, Report { kind: ReReport, .. })      => to(AdditionalReported),
        (A, _, Report { kind: SupplyRisk, .. })                              => same,
        (B, Announced, Report { kind: TerminationNotice, .. })               => to(Terminated),
        (B, Reported, Report { kind: TerminationNotice, .. }) if small       => to(Terminated),
        // The maker ends supply: the case moves to flow B.
        (A, _, Report { kind: First, termination: true })                    => CaseSnapshot { flow: B, state: Reported, ..case },
        (A, _, Report { kind: Simplified, termination: true })               => CaseSnapshot { flow: B, state: Reported, impact: Some(Impact::Small), ..case },

        _ => return None,
    };
    Some(next)
}
