//! Reserve requests: a customer without history (e.g. a new pharmacy) asks its wholesaler for
//! part of a plan's reserve; the wholesaler grants from its own reserve, never beyond it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::bulk;
use super::caps;
use super::plan_view::{self, Scope};
use crate::db::entity::{allocation_result, reserve_request};
use crate::db::packed;
use crate::domain::Role;
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// A customer's request as the wholesaler records it.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The customer's code (医療機関コード, 薬局コード or own).
    pub customer_code: String,
    /// Its name.
    pub customer_name: String,
    /// Sales packages asked for.
    pub requested: i64,
    /// Why (e.g. 新規開局).
    pub note: Option<String>,
}

/// A request with its customer.
#[derive(Debug, Clone)]
pub struct RequestView {
    /// The request.
    pub request: reserve_request::Model,
    /// Customer code.
    pub customer_code: String,
    /// Customer name.
    pub customer_name: String,
}

fn require_wholesaler(user: &UserContext) -> Result<i32, ServiceError> {
    if user.role == Role::Wholesaler {
        Ok(user.organization.id)
    } else {
        Err(ServiceError::Forbidden(
            "予備枠の申請を記録・配分できるのは卸売業者の利用者のみです".into(),
        ))
    }
}

/// The wholesaler's part of the plan's newest version: (reserve, customer ids with history).
async fn own_part(
    db: &impl ConnectionTrait,
    plan_id: i32,
    wholesaler_id: i32,
) -> Result<(i64, Vec<i32>), ServiceError> {
    let view = plan_view::show(db, Scope::Wholesaler(wholesaler_id), plan_id, None).await?;
    let result = allocation_result::Entity::find_by_id((view.computation.id, wholesaler_id))
        .one(db)
        .await
        .context("Failed to read the wholesaler's part")?;
    Ok(match result {
        Some(r) => (
            r.reserve,
            packed::caps::unpack(&r.caps)?
                .into_iter()
                .filter(|c| c.baseline > 0)
                .map(|c| c.customer_id)
                .collect(),
        ),
        None => (0, Vec::new()),
    })
}

/// Records a request of a customer without history.
pub async fn create(
    db: &DatabaseConnection,
    user: &UserContext,
    plan_id: i32,
    new: NewRequest,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i32, ServiceError> {
    let wholesaler_id = require_wholesaler(user)?;
    let code = crate::domain::validation::normalize_width(&new.customer_code);
    let name = new.customer_name.trim().to_owned();
    let mut problems = Vec::new();
    if code.is_empty() || code.chars().count() > 32 {
        problems.push(FieldProblem::new(
            "customer_code",
            "customer",
            "得意先コードを 32 文字以内で入力してください",
        ));
    }
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldProblem::new(
            "customer_name",
            "customer",
            "得意先名を 200 文字以内で入力してください",
        ));
    }
    if new.requested <= 0 {
        problems.push(FieldProblem::new(
            "requested",
            "quantity",
            "希望数量は 1 以上の整数で入力してください",
        ));
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let (_, with_history) = own_part(db, plan_id, wholesaler_id).await?;
    let txn = db.begin().await.context("Failed to begin the request")?;
    let customers = std::collections::HashMap::from([(code.clone(), name)]);
    let ids = bulk::upsert_customers(&txn, wholesaler_id, &customers, now).await?;
    let customer_id = *ids
        .get(&code)
        .ok_or_else(|| ServiceError::Internal("customer not registered".into()))?;
    if with_history.contains(&customer_id) {
        return Err(ServiceError::invalid(FieldProblem::new(
            "customer_code",
            "has_history",
            format!(
                "得意先「{code}」には基準月の購入実績があり、上限量が計算されています。予備枠は実績のない得意先のためのものです"
            ),
        )));
    }
    let existing = reserve_request::Entity::find()
        .filter(reserve_request::Column::PlanId.eq(plan_id))
        .filter(reserve_request::Column::CustomerId.eq(customer_id))
        .one(&txn)
        .await
        .context("Failed to read requests")?;
    if existing.is_some() {
        return Err(ServiceError::Conflict(format!(
            "得意先「{code}」の申請はこの計画に記録済みです"
        )));
    }
    let request = reserve_request::ActiveModel {
        plan_id: Set(plan_id),
        wholesaler_id: Set(wholesaler_id),
        customer_id: Set(customer_id),
        requested: Set(new.requested),
        note: Set(new
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())),
        requested_by: Set(Some(user.user_id)),
        requested_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("Failed to store the request")?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "reserve_request.create",
            target: format!("allocation_plan:{plan_id}"),
            detail: Some(format!("{code}: {}", new.requested)),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit().await.context("Failed to commit the request")?;
    Ok(request.id)
}

/// Grants `granted` units to a request of the caller's wholesaler; the grants of a plan never
/// exceed the wholesaler's reserve.
pub async fn grant(
    db: &DatabaseConnection,
    user: &UserContext,
    plan_id: i32,
    request_id: i32,
    granted: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<reserve_request::Model, ServiceError> {
    let wholesaler_id = require_wholesaler(user)?;
    let (reserve, _) = own_part(db, plan_id, wholesaler_id).await?;
    let txn = db.begin().await.context("Failed to begin the grant")?;
    let request = reserve_request::Entity::find_by_id(request_id)
        .one(&txn)
        .await
        .context("Failed to read the request")?
        .filter(|r| r.plan_id == plan_id && r.wholesaler_id == wholesaler_id)
        .ok_or_else(|| ServiceError::NotFound(format!("申請 {request_id} はありません")))?;
    let others: i64 = reserve_request::Entity::find()
        .filter(reserve_request::Column::PlanId.eq(plan_id))
        .filter(reserve_request::Column::WholesalerId.eq(wholesaler_id))
        .filter(reserve_request::Column::Id.ne(request_id))
        .all(&txn)
        .await
        .context("Failed to read grants")?
        .iter()
        .filter_map(|r| r.granted)
        .sum();
    let left = reserve - others;
    if granted < 0 || granted > request.requested {
        return Err(ServiceError::invalid(FieldProblem::new(
            "granted",
            "quantity",
            format!(
                "配分数量は 0 以上、希望数量 {} 以下で入力してください",
                request.requested
            ),
        )));
    }
    if granted > left {
        return Err(ServiceError::invalid(FieldProblem::new(
            "granted",
            "beyond_reserve",
            format!(
                "予備枠の残りは {left} です（予備 {reserve}、配分済み {others}）。それを超えて配分できません"
            ),
        )));
    }
    let mut active: reserve_request::ActiveModel = request.into();
    active.granted = Set(Some(granted));
    active.granted_by = Set(Some(user.user_id));
    active.granted_at = Set(Some(now));
    let updated = active
        .update(&txn)
        .await
        .context("Failed to store the grant")?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "reserve_request.grant",
            target: format!("reserve_request:{request_id}"),
            detail: Some(format!("{granted}")),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit().await.context("Failed to commit the grant")?;
    Ok(updated)
}

/// A plan's requests that `scope` admits, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: Scope,
    plan_id: i32,
) -> Result<Vec<RequestView>, ServiceError> {
    let mut query =
        reserve_request::Entity::find().filter(reserve_request::Column::PlanId.eq(plan_id));
    if let Scope::Wholesaler(own) = scope {
        query = query.filter(reserve_request::Column::WholesalerId.eq(own));
    }
    let requests = query
        .order_by_asc(reserve_request::Column::Id)
        .all(db)
        .await
        .context("Failed to read requests")?;
    let names = caps::customers_by_id(db, requests.iter().map(|r| r.customer_id).collect()).await?;
    Ok(requests
        .into_iter()
        .map(|request| {
            let (customer_code, customer_name) =
                names.get(&request.customer_id).cloned().unwrap_or_default();
            RequestView {
                request,
                customer_code,
                customer_name,
            }
        })
        .collect())
}
