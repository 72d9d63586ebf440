//! Writing a case's changes: opening it, moving it, recording each step — in the caller's
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::db::entity::{case, case_transition};
use crate::domain::case_flow::{CaseSnapshot, Decision, EventName, Party};
use crate::services::{DbContext, ServiceError};

/// Opens a case for a product of a maker in the given snapshot.
pub(super) async fn open(
    db: &impl ConnectionTrait,
    snapshot: &CaseSnapshot,
    product_id: i32,
    maker_id: i32,
    now: DateTime<Utc>,
) -> Result<case::Model, ServiceError> {
    case::ActiveModel {
        flow: Set(snapshot.flow),
        state: Set(snapshot.state),
        product_id: Set(product_id),
        maker_id: Set(maker_id),
        impact: Set(snapshot.impact),
        decision: Set(None),
        consented: Set(snapshot.consented),
        opened_at: Set(now),
        state_entered_at: Set(now),
        closed_at: Set(None),
        report_due_on: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to open the case")
}

/// One step to record.
pub(super) struct Step<'a> {
    /// Action or report name.
    pub event: EventName,
    /// Who.
    pub party: Party,
    /// The user.
    pub user_id: Option<i32>,
    /// Optional note.
    pub note: Option<&'a str>,
    /// A decision to remember on the case.
    pub decision: Option<Decision>,
    /// The day a requested report (報告徴収) is due, remembered on the case.
    pub report_due_on: Option<NaiveDate>,
}

/// Moves `case` to `next` (if anything changed) and records the step.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    case: case::Model,
    before: Option<&CaseSnapshot>,
    next: &CaseSnapshot,
    step: &Step<'_>,
    now: DateTime<Utc>,
) -> Result<case::Model, ServiceError> {
    let state_changed = before.is_none_or(|b| b.state != next.state || b.flow != next.flow);
    let id = case.id;
    let mut model: case::ActiveModel = case.into();
    model.flow = Set(next.flow);
    model.state = Set(next.state);
    model.impact = Set(next.impact);
    model.consented = Set(next.consented);
    if let Some(decision) = step.decision {
        model.decision = Set(Some(decision));
    }
    if let Some(due) = step.report_due_on {
        model.report_due_on = Set(Some(due));
    }
    if state_changed && before.is_some() {
        model.state_entered_at = Set(now);
    }
    if next.state.is_final() {
        model.closed_at = Set(Some(now));
    }
    let updated = model
        .update(db)
        .await
        .context("Failed to update the case")?;
    case_transition::ActiveModel {
        case_id: Set(id),
        event: Set(step.event),
        party: Set(step.party),
        from_flow: Set(before.map(|b| b.flow)),
        to_flow: Set(next.flow),
        from_state: Set(before.map(|b| b.state)),
        to_state: Set(next.state),
        user_id: Set(step.user_id),
        note: Set(step
            .note
            .map(str::to_owned)
            .filter(|n| !n.trim().is_empty())),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to record the case's step")?;
    Ok(updated)
}
