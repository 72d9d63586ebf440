//! Steps on a case through `POST /cases/{id}/transitions`: the workflow decides, the step is recorded.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::store::{self, Step};
use super::{party, snapshot, visible_case};
use crate::domain::case_flow::{self, CaseAction, CaseEvent, FlowError};
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// Takes `action` on case `id` as `user`, with an optional note (for `announce`: what the
/// institutions were told). 409 when it does not fit the state, 403 when it is not the user's step.
pub async fn take(
    db: &DatabaseConnection,
    user: &UserContext,
    id: i32,
    action: CaseAction,
    note: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if matches!(action, CaseAction::Announce) && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(ServiceError::invalid(FieldProblem::new(
            "note",
            "required",
            "周知の報告には、医療機関等に伝えた内容（note）を入力してください",
        )));
    }
    let txn = db.begin().await.context("Failed to start the step")?;
    let found = visible_case(&txn, user, id).await?;
    let before = snapshot(&found);
    let who = party(user, &found);
    let next =
        case_flow::apply(&before, &CaseEvent::Action(action), who).map_err(|e| flow_error(&e))?;
    let decision = match action {
        CaseAction::Decide(d) => Some(d),
        _ => None,
    };
    let step = Step {
        event: action.into(),
        party: who,
        user_id: Some(user.user_id),
        note,
        decision,
    };
    store::record(&txn, found, Some(&before), &next, &step, now).await?;
    let entry = AuditEntry {
        actor,
        action: "case.transition",
        target: format!("case:{id}"),
        detail: Some(format!(
            "{} {} → {}",
            action.name(),
            before.state.code(),
            next.state.code()
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the step")
}

/// The service error of a refused step: 409, 403 or 422.
pub(crate) fn flow_error(error: &FlowError) -> ServiceError {
    match error {
        FlowError::NotAllowed { .. } => ServiceError::Conflict(error.message_ja()),
        FlowError::NotYourStep { .. } => ServiceError::Forbidden(error.message_ja()),
        FlowError::CannotOpen { .. } => {
            ServiceError::invalid(FieldProblem::new("kind", error.code(), error.message_ja()))
        }
    }
}
