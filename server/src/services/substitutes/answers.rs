//! Reading requests and answering them: a maker (or wholesaler) answers the requests sent to its
//! organisation with stock and capacity, an association with its own form (relayed to its
//! members, how many, free text); the ministry sees every request and a case's answers side by
//! side.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

/// An answer as typed: a maker's (or wholesaler's) figures, or an association's relay; the asked
/// organisation's kind decides which form applies, and the other one must be left blank.
#[derive(Debug, Clone, Default)]
pub struct TypedAnswer {
    /// Stock, production and capacity, or why not.
    pub maker: AnswerInput,
    /// Relayed to the members, how many, free text.
    pub association: RelayInput,
}

use super::views::views;
use super::{CaseAnswers, RequestView, Totals, recipients};
use crate::db::entity::{product, substitute_request, substitute_response};
use crate::domain::association_answer::{self, RelayInput};
use crate::domain::case_flow::{self, CaseRequest, Flow};
use crate::domain::substitute_answer::{AnswerInput, join_reasons, validate};
use crate::domain::{FieldError, OrganizationKind, Role};
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, FieldProblem, ServiceError, cases};

/// The ministry sees every request; a system administrator sees none of a case's requests
/// (see [`cases::refuse_admin`]), other users their organisation's.
fn sees_all(user: &UserContext) -> Result<bool, ServiceError> {
    cases::refuse_admin(user)?;
    Ok(user.role == Role::Ministry)
}

/// The requests the user may see, newest first: its organisation's, or all for the ministry.
pub async fn list_for(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<Vec<RequestView>, ServiceError> {
    let mut select = substitute_request::Entity::find()
        .order_by_desc(substitute_request::Column::Id)
        .limit(500);
    if !sees_all(user)? {
        select = select.filter(substitute_request::Column::OrganizationId.eq(user.organization.id));
    }
    let rows = select
        .all(db)
        .await
        .context("Failed to list the requests")?;
    views(db, rows).await
}

/// One request: to the user's organisation, or any for the ministry (404 otherwise).
pub async fn show(
    db: &impl ConnectionTrait,
    user: &UserContext,
    id: i32,
) -> Result<RequestView, ServiceError> {
    let all = sees_all(user)?;
    let found = substitute_request::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to load the request")?
        .filter(|r| all || r.organization_id == user.organization.id)
        .ok_or_else(|| ServiceError::NotFound(format!("依頼 {id} はありません")))?;
    views(db, vec![found])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::Internal("a request vanished".into()))
}

/// Stores the asked organisation's answer (a later answer supersedes, the earlier stays).
pub async fn answer(
    db: &DatabaseConnection,
    user: &UserContext,
    id: i32,
    input: &TypedAnswer,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<RequestView, ServiceError> {
    let all = sees_all(user)?;
    let txn = db.begin().await.context("Failed to start the answer")?;
    let request = substitute_request::Entity::find_by_id(id)
        .one(&txn)
        .await
        .context("Failed to load the request")?
        .filter(|r| all || r.organization_id == user.organization.id)
        .ok_or_else(|| ServiceError::NotFound(format!("依頼 {id} はありません")))?;
    if request.organization_id != user.organization.id {
        return Err(ServiceError::Forbidden(
            "回答できるのは依頼を受けた組織の利用者のみです".into(),
        ));
    }
    let row = if user.organization.kind == OrganizationKind::Association {
        association_row(input)?
    } else {
        maker_row(input)?
    };
    substitute_response::Entity::insert(substitute_response::ActiveModel {
        request_id: Set(id),
        organization_id: Set(user.organization.id),
        user_id: Set(Some(user.user_id)),
        submitted_at: Set(now),
        ..row
    })
    .exec_without_returning(&txn)
    .await
    .context("Failed to store the answer")?;
    let entry = AuditEntry {
        actor,
        action: "substitute_request.answer",
        target: format!("substitute_request:{id}"),
        detail: None,
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the answer")?;
    show(db, user, id).await
}

fn invalid(problems: &[(&'static str, FieldError)]) -> ServiceError {
    ServiceError::Invalid(
        problems
            .iter()
            .map(|(field, e)| FieldProblem::from_field_error(field, e))
            .collect(),
    )
}

/// A field of the other form, named as refused.
fn other_form(field: &'static str, whose: &str) -> (&'static str, FieldError) {
    (
        field,
        FieldError::new(
            "other_form",
            format!("{field} は{whose}の回答にはありません"),
        ),
    )
}

/// A maker's answer as a row to store (the association's fields must be blank).
fn maker_row(input: &TypedAnswer) -> Result<substitute_response::ActiveModel, ServiceError> {
    let relay = &input.association;
    let stray: Vec<_> = [
        ("relayed_to_members", &relay.relayed_to_members),
        ("members_reached", &relay.members_reached),
        ("note", &relay.note),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(field, _)| other_form(field, "製造販売業者・卸売業者"))
    .collect();
    if !stray.is_empty() {
        return Err(invalid(&stray));
    }
    let answer = validate(&input.maker).map_err(|p| invalid(&p))?;
    Ok(substitute_response::ActiveModel {
        stock_months_tenths: Set(answer.stock_months_tenths),
        production_change_percent: Set(answer.production_change_percent),
        can_increase: Set(Some(answer.can_increase)),
        increase_percent: Set(answer.increase_percent),
        lead_time_tenths: Set(answer.lead_time_tenths),
        extra_units_per_month: Set(answer.extra_units_per_month),
        not_possible_reason: Set(
            Some(join_reasons(&answer.not_possible_reasons)).filter(|joined| !joined.is_empty())
        ),
        reason_text: Set(answer.reason_text),
        ..Default::default()
    })
}

/// An association's answer as a row to store (a maker's figures must be blank).
fn association_row(input: &TypedAnswer) -> Result<substitute_response::ActiveModel, ServiceError> {
    let m = &input.maker;
    let stray: Vec<_> = [
        ("stock_months", &m.stock_months),
        ("production_change_percent", &m.production_change_percent),
        ("can_increase", &m.can_increase),
        ("increase_percent", &m.increase_percent),
        ("lead_time_months", &m.lead_time_months),
        ("extra_units_per_month", &m.extra_units_per_month),
        ("reason_text", &m.reason_text),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(field, _)| other_form(field, "業界団体"))
    .chain(
        m.not_possible_reasons
            .iter()
            .any(|r| !r.trim().is_empty())
            .then(|| other_form("not_possible_reason", "業界団体")),
    )
    .collect();
    if !stray.is_empty() {
        return Err(invalid(&stray));
    }
    let answer = association_answer::validate(&input.association).map_err(|p| invalid(&p))?;
    Ok(substitute_response::ActiveModel {
        relayed_to_members: Set(Some(answer.relayed_to_members)),
        members_reached: Set(answer.members_reached),
        relay_note: Set(answer.note),
        ..Default::default()
    })
}

/// A case's requests and answers side by side, with totals (ministry only).
pub async fn for_case(
    db: &impl ConnectionTrait,
    user: &UserContext,
    case_id: i32,
) -> Result<CaseAnswers, ServiceError> {
    if !sees_all(user)? {
        return Err(ServiceError::Forbidden(
            "代替品メーカーの回答は厚生労働省のみ閲覧できます".into(),
        ));
    }
    let found = cases::visible_case(db, user, case_id).await?;
    let snapshot = cases::snapshot(&found);
    let product = product::Entity::find_by_id(found.product_id)
        .one(db)
        .await
        .context("Failed to load the case's product")?
        .ok_or_else(|| ServiceError::Internal("a case without its product".into()))?;
    let substitute_makers = recipients::listed(db, &product).await?;
    let rows = substitute_request::Entity::find()
        .filter(substitute_request::Column::CaseId.eq(case_id))
        .order_by_asc(substitute_request::Column::Id)
        .all(db)
        .await
        .context("Failed to load the case's requests")?;
    let requests = views(db, rows).await?;
    let totals = Totals::over(&requests);
    Ok(CaseAnswers {
        drug_flow: found.flow == Flow::D,
        information_refusal: case_flow::request_refusal_ja(&snapshot, CaseRequest::Information),
        cooperation_refusal: case_flow::request_refusal_ja(&snapshot, CaseRequest::Cooperation),
        substitute_makers,
        requests,
        totals,
    })
}
