//! Reading requests and answering them: each asked organisation answers in its kind's own form —
//! a maker with stock and capacity, a wholesaler with stock and shipments, an association with
//! its relay to its members; the ministry sees every request and a case's answers side by side.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

/// An answer as typed: a maker's figures, a wholesaler's stock and shipments, or an
/// association's relay; the asked organisation's kind decides which form applies, and the others
/// must be left blank.
#[derive(Debug, Clone, Default)]
pub struct TypedAnswer {
    /// Stock, production and capacity, or why not.
    pub maker: AnswerInput,
    /// Relayed to the members, how many, free text.
    pub association: RelayInput,
    /// Units in stock and shipped, orders limited, remarks.
    pub wholesaler: StockInput,
}

use super::views::views;
use super::{CaseAnswers, RequestView, Totals, recipients};
use crate::db::entity::{product, substitute_request, substitute_response};
use crate::domain::association_answer::{self, RelayInput};
use crate::domain::case_flow::{self, CaseRequest, Flow};
use crate::domain::substitute_answer::{AnswerInput, NotPossibleReasons, validate};
use crate::domain::wholesaler_answer::{self, StockInput};
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
    let kind = user.organization.kind;
    refuse_other_forms(input, kind)?;
    let row = match kind {
        OrganizationKind::Association => association_row(&input.association)?,
        OrganizationKind::Wholesaler => wholesaler_row(&input.wholesaler)?,
        OrganizationKind::Manufacturer | OrganizationKind::Ministry => maker_row(&input.maker)?,
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

/// The form an organisation of `kind` answers in (a ministry never is asked; it would be a
/// maker's).
fn form_of(kind: OrganizationKind) -> OrganizationKind {
    match kind {
        OrganizationKind::Ministry => OrganizationKind::Manufacturer,
        other => other,
    }
}

/// The fields typed into each form, with whether they were filled in.
fn typed_fields(input: &TypedAnswer) -> Vec<(OrganizationKind, &'static str, bool)> {
    let filled = |v: &String| !v.trim().is_empty();
    let (m, r, w) = (&input.maker, &input.association, &input.wholesaler);
    let maker = [
        ("stock_months", filled(&m.stock_months)),
        (
            "production_change_percent",
            filled(&m.production_change_percent),
        ),
        ("can_increase", filled(&m.can_increase)),
        ("increase_percent", filled(&m.increase_percent)),
        ("lead_time_months", filled(&m.lead_time_months)),
        ("extra_units_per_month", filled(&m.extra_units_per_month)),
        (
            "not_possible_reason",
            m.not_possible_reasons.iter().any(filled),
        ),
        ("reason_text", filled(&m.reason_text)),
    ]
    .map(|(f, v)| (OrganizationKind::Manufacturer, f, v));
    let association = [
        ("relayed_to_members", filled(&r.relayed_to_members)),
        ("members_reached", filled(&r.members_reached)),
        ("note", filled(&r.note)),
    ]
    .map(|(f, v)| (OrganizationKind::Association, f, v));
    let wholesaler = [
        ("stock_units", filled(&w.stock_units)),
        ("shipped_last_month", filled(&w.shipped_last_month)),
        ("stock_outlook_months", filled(&w.stock_outlook_months)),
        ("shipment_limited", filled(&w.shipment_limited)),
        ("remarks", filled(&w.remarks)),
    ]
    .map(|(f, v)| (OrganizationKind::Wholesaler, f, v));
    maker
        .into_iter()
        .chain(association)
        .chain(wholesaler)
        .collect()
}

/// Refuses the fields of the other kinds' forms, each named.
fn refuse_other_forms(input: &TypedAnswer, kind: OrganizationKind) -> Result<(), ServiceError> {
    let form = form_of(kind);
    let stray: Vec<_> = typed_fields(input)
        .into_iter()
        .filter(|(owner, _, filled)| *filled && *owner != form)
        .map(|(_, field, _)| {
            (
                field,
                FieldError::new(
                    "other_form",
                    format!("{field} は{}の回答にはありません", form.label_ja()),
                ),
            )
        })
        .collect();
    if stray.is_empty() {
        Ok(())
    } else {
        Err(invalid(&stray))
    }
}

/// A maker's answer as a row to store.
fn maker_row(input: &AnswerInput) -> Result<substitute_response::ActiveModel, ServiceError> {
    let answer = validate(input).map_err(|p| invalid(&p))?;
    Ok(substitute_response::ActiveModel {
        stock_months_tenths: Set(answer.stock_months_tenths),
        production_change_percent: Set(answer.production_change_percent),
        can_increase: Set(Some(answer.can_increase)),
        increase_percent: Set(answer.increase_percent),
        lead_time_tenths: Set(answer.lead_time_tenths),
        extra_units_per_month: Set(answer.extra_units_per_month),
        not_possible_reason: Set(Some(NotPossibleReasons(answer.not_possible_reasons))
            .filter(|reasons| !reasons.0.is_empty())),
        reason_text: Set(answer.reason_text),
        ..Default::default()
    })
}

/// An association's answer as a row to store.
fn association_row(input: &RelayInput) -> Result<substitute_response::ActiveModel, ServiceError> {
    let answer = association_answer::validate(input).map_err(|p| invalid(&p))?;
    Ok(substitute_response::ActiveModel {
        relayed_to_members: Set(Some(answer.relayed_to_members)),
        members_reached: Set(answer.members_reached),
        relay_note: Set(answer.note),
        ..Default::default()
    })
}

/// A wholesaler's answer as a row to store.
fn wholesaler_row(input: &StockInput) -> Result<substitute_response::ActiveModel, ServiceError> {
    let answer = wholesaler_answer::validate(input).map_err(|p| invalid(&p))?;
    Ok(substitute_response::ActiveModel {
        stock_units: Set(Some(answer.stock_units)),
        shipped_last_month: Set(Some(answer.shipped_last_month)),
        stock_outlook_tenths: Set(answer.stock_outlook_tenths),
        shipment_limited: Set(Some(answer.shipment_limited)),
        wholesale_remarks: Set(answer.remarks),
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
