//! The ministry's case workflow (DESIGN §4) as an explicit state machine: which party may move a
//! case from which state, and where each action or report takes it. Pure: no I/O, no clock.

use chrono::NaiveDate;

mod codes;
mod error;
#[cfg(test)]
mod tests;

pub use codes::{
    CaseAction, CaseEvent, CaseRequest, CaseState, Decision, EventName, Flow, Impact, Party,
    ReportKind, event_label_ja,
};
pub use error::FlowError;

/// What the workflow needs to know about a case to decide its next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseSnapshot {
    /// Flow A (供給不安・欠品), B (供給終了) or D (a drug's 供給不安報告).
    pub flow: Flow,
    /// The current state.
    pub state: CaseState,
    /// The impact on clinical practice, as last judged (by the maker in its report, then the ministry).
    pub impact: Option<Impact>,
    /// Whether the reporting maker has consented to cooperation requests to other makers.
    pub consented: bool,
}

/// The case a new report opens: a 第一報 opens flow A, a 第一報 announcing the end of supply
/// opens flow B, a 簡易報告 opens flow B with the impact judged small, a drug's 供給不安報告
/// opens flow D. A 追加報告 filed without a 第一報 (seed 004 ※3 allows it) opens its flow
/// already at `additional_reported`: every field is there for the ministry's decision.
/// `impact` is the maker's own judgement in the report, kept as the initial impact.
pub fn open(
    kind: ReportKind,
    termination: bool,
    impact: Option<Impact>,
) -> Result<CaseSnapshot, FlowError> {
    let flow = match kind {
        ReportKind::First if termination => Flow::B,
        ReportKind::First => Flow::A,
        ReportKind::SupplyRisk => Flow::D,
        ReportKind::Simplified => {
            return Ok(CaseSnapshot {
                flow: Flow::B,
                state: CaseState::Reported,
                impact: Some(Impact::Small),
                consented: false,
            });
        }
        ReportKind::Additional => {
            return Ok(CaseSnapshot {
                flow: if termination { Flow::B } else { Flow::A },
                state: CaseState::AdditionalReported,
                impact,
                consented: false,
            });
        }
        ReportKind::ReReport | ReportKind::TerminationNotice => {
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
    next(*case, *event).ok_or_else(|| refusal(*case, *event, party))
}

/// Why `event` does not fit `case`: a cooperation request on a device case waits for the
/// reporting maker's consent; anything else does not fit the state.
fn refusal(case: CaseSnapshot, event: CaseEvent, party: Party) -> FlowError {
    let cooperation = matches!(event, CaseEvent::Request(CaseRequest::Cooperation));
    if cooperation && awaits_consent(case) {
        FlowError::AwaitingConsent
    } else {
        FlowError::NotAllowed {
            state: case.state,
            event: event.name(),
            allowed: allowed_actions(&case, party),
        }
    }
}

/// Whether a device case is open and still waits for the reporting maker's consent before
/// cooperation requests (drug cases never do: the law's 協力要請 needs no consent).
fn awaits_consent(case: CaseSnapshot) -> bool {
    case.flow != Flow::D && !case.consented && !case.state.is_final()
}

/// The requests the ministry may send on `case` now.
pub fn allowed_requests(case: &CaseSnapshot) -> Vec<CaseRequest> {
    CaseRequest::ALL
        .iter()
        .copied()
        .filter(|r| next(*case, CaseEvent::Request(*r)).is_some())
        .collect()
}

/// Why the ministry cannot send `request` on `case` now, as a disabled button says it
/// (「報告者の同意待ち」, 「終結した事案です」, or the state); `None` when it can.
pub fn request_refusal_ja(case: &CaseSnapshot, request: CaseRequest) -> Option<String> {
    if next(*case, CaseEvent::Request(request)).is_some() {
        return None;
    }
    Some(if case.state.is_final() {
        "終結した事案です".to_owned()
    } else if request == CaseRequest::Cooperation && awaits_consent(*case) {
        FlowError::AWAITING_CONSENT_JA.to_owned()
    } else {
        format!("「{}」の状態では送れません", case.state.label_ja())
    })
}

/// What the case waits for now, in Japanese (the case page says it); `None` once it is closed.
pub fn waits_for_ja(case: &CaseSnapshot) -> Option<&'static str> {
    use CaseState::{
        AdditionalReported, Announced, Assessing, Monitoring, ReportRequested, Reported,
        ResponseNeeded,
    };
    if case.state.is_final() {
        return None;
    }
    Some(match (case.flow, case.state) {
        (Flow::D, Reported) => "厚生労働省の判断（報告徴収または対応方針の決定）",
        (_, ReportRequested) => "製造販売業者の報告（報告徴収への報告：供給不安報告の続報）",
        (_, Reported | Assessing) => "製造販売業者の追加報告（全項目）",
        (_, AdditionalReported) => "厚生労働省の対応方針の決定",
        (Flow::D, ResponseNeeded) => {
            "製造販売業者の対応と対応状況報告（厚生労働省は協力要請・照会を送れます）"
        }
        (_, ResponseNeeded) => "製造販売業者の対応と対応状況報告",
        (Flow::D, Monitoring) => "状況が変われば製造販売業者の続報",
        (_, Monitoring) => "状況が変われば製造販売業者の再報告",
        (_, Announced) => "製造販売業者の供給終了届出書（様式10-3）",
        (_, CaseState::Resolved | CaseState::Terminated) => return None,
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

/// How long a case has waited, as the overdue rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waited {
    /// Whole days in the current state.
    pub days_in_state: i64,
    /// Whole days since the case was opened (its 第一報).
    pub days_since_opened: i64,
    /// The day by which the ministry asked for a report (報告徴収), if it did.
    pub report_due_on: Option<NaiveDate>,
    /// Today in Japan.
    pub today: NaiveDate,
}

/// Whether the maker's next report is overdue. Flows A and B: the 追加報告, when the case still
/// waits in `reported` or `assessing` `limit_days` after the 第一報 (a setting; 14 by default in
/// DESIGN §4) — counted from the 第一報 as the reminder says, not restarted by the ministry's
/// impact judgement.
/// Flow D: only the report the ministry asked for, once its due day has passed — a drug has no
/// 追加報告, so a drug case waiting for the ministry is never the maker's delay.
pub fn is_overdue(case: &CaseSnapshot, waited: &Waited, limit_days: i64) -> bool {
    match (case.flow, case.state) {
        (Flow::D, CaseState::ReportRequested) => match waited.report_due_on {
            Some(due) => waited.today > due,
            None => waited.days_in_state >= limit_days,
        },
        (Flow::D, _) => false,
        (_, CaseState::Reported | CaseState::Assessing) => waited.days_since_opened >= limit_days,
        _ => false,
    }
}

/// The whole workflow in one table: `(flow, state, event)` → the next snapshot, `None` when the
/// event does not fit. Who may cause each event is [`CaseEvent::taken_by`].
// One arm per line so the flow reads as a table; several arms share a result on purpose.
#[rustfmt::skip]
#[expect(clippy::match_same_arms, reason = "each arm is one row of DESIGN §4, kept apart to read as a table")]
fn next(case: CaseSnapshot, event: CaseEvent) -> Option<CaseSnapshot> {
    use CaseAction::{Announce, Consent, Decide, JudgeImpact, ReportProgress, RequestReport, Resolve};
    use CaseEvent::{Action, Report, Request};
    use CaseRequest::{Cooperation, Information};
    use CaseState::{AdditionalReported, Announced, Assessing, Monitoring, ReportRequested, Reported, Resolved, ResponseNeeded, Terminated};
    use ReportKind::{Additional, First, ReReport, Simplified, SupplyRisk, TerminationNotice};
    use Flow::{A, B, D};

    let same = case;
    let to = |state| CaseSnapshot { state, ..case };
    let small = case.impact == Some(Impact::Small);
    let next = match (case.flow, case.state, event) {
        // A closed case stays closed.
        (_, state, _) if state.is_final()                                    => return None,

        // Flow D: a drug 供給不安報告 (the 2025 law). The ministry requests reports (報告徴収)
        // and decides; cooperation requests (協力要請) need no consent.
        (D, _, Action(RequestReport))                                        => to(ReportRequested),
        (D, Reported | AdditionalReported, Action(Decide(decision)))         => to(decision.state()),
        (D, ReportRequested, Report { kind: SupplyRisk, .. })                => to(AdditionalReported),
        (D, _, Report { kind: SupplyRisk, .. })                              => same,
        (D, ResponseNeeded | Monitoring, Action(ReportProgress))             => same,
        (D, ResponseNeeded, Request(Cooperation))                            => same,
        (D, _, Action(Resolve))                                              => to(Resolved),
        (D, _, Request(Information))                                         => same,
        (D, _, _)                                                            => return None,

        // Flows A and B (devices and IVDs). The ministry.
        (_, Reported | Assessing, Action(JudgeImpact(impact)))               => CaseSnapshot { state: Assessing, impact: Some(impact), ..case },
        (_, AdditionalReported, Action(Decide(decision)))                    => to(decision.state()),
        (_, _, Action(Resolve))                                              => to(Resolved),
        (_, _, Request(Information))                                         => same,
        (_, _, Request(Cooperation)) if case.consented                       => same,

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
