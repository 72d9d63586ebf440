//! The ministry's allocation plans: a product group, a target and a baseline month and a reserve
//! share. Making a plan computes its first version; each recompute is a new immutable version
//! holding P, B, every wholesaler's `H_w`, `S_w` and reserve, and every customer's cap.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::customer_codes::CustomerCodes;
use super::plan_check::{NewPlan, check, totals_of};
use super::plan_view::{self, PlanProduct, PlanView, WholesalerPart, find, plan_products};
use super::{computation, overlap};
use crate::db::entity::{allocation_computation, allocation_plan, allocation_plan_product};
use crate::domain::Role;
use crate::domain::allocation::ReservePercent;
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, ServiceError};

/// Only the ministry (and administrators) make and recompute plans.
pub fn require_planner(user: &UserContext) -> Result<(), ServiceError> {
    if matches!(user.role, Role::Ministry | Role::Admin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "配分計画を作成できるのは厚生労働省の利用者のみです".into(),
        ))
    }
}

/// Makes a plan and computes its first version, in one transaction; returns the plan as the
/// ministry sees it.
pub async fn create(
    db: &DatabaseConnection,
    codes: &Arc<CustomerCodes>,
    user: &UserContext,
    new: NewPlan,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PlanView, ServiceError> {
    let txn = db.begin().await.context("Failed to begin the plan")?;
    let view = create_in(&txn, codes, user, new, actor, now).await?;
    txn.commit().await.context("Failed to commit the plan")?;
    Ok(view)
}

/// [`create`] inside the caller's transaction (the demo loader's).
pub async fn create_in(
    txn: &DatabaseTransaction,
    codes: &Arc<CustomerCodes>,
    user: &UserContext,
    new: NewPlan,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PlanView, ServiceError> {
    require_planner(user)?;
    let plan = check(txn, new).await?;
    let replaced =
        overlap::check(txn, &plan.product_ids, plan.target_month, plan.supersedes).await?;
    let totals = totals_of(
        txn,
        &plan.product_ids,
        plan.target_month,
        plan.baseline_month,
        plan.reserve,
    )
    .await?;
    let model = allocation_plan::ActiveModel {
        name: Set(plan.name.clone()),
        group_code: Set(plan.group_code.clone()),
        target_month: Set(plan.target_month),
        baseline_month: Set(plan.baseline_month),
        reserve_percent: Set(i32::from(plan.reserve.get())),
        created_by: Set(Some(user.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("Failed to store the plan")?;
    allocation_plan_product::Entity::insert_many(plan.product_ids.iter().map(|id| {
        allocation_plan_product::ActiveModel {
            plan_id: Set(model.id),
            product_id: Set(*id),
        }
    }))
    .exec(txn)
    .await
    .context("Failed to store the plan's products")?;
    let replaced_id = replaced.as_ref().map(|p| p.id);
    if let Some(old) = replaced {
        overlap::retire(txn, old, model.id, now).await?;
    }
    let computed =
        computation::compute(txn, codes, &model, &plan.product_ids, totals, 1, user, now).await?;
    audit::record(
        txn,
        AuditEntry {
            actor,
            action: "allocation_plan.create",
            target: format!("allocation_plan:{}", model.id),
            detail: Some(format!(
                "{}: 製品 {} 件、P={} B={}、卸 {} 社{}",
                plan.name,
                plan.product_ids.len(),
                totals.planned,
                totals.baseline,
                computed.results.len(),
                replaced_id.map_or_else(String::new, |id| format!("、計画 #{id} を置き換え"))
            )),
            success: true,
        },
        now,
    )
    .await?;
    // The answer is made from what was just stored, not read back.
    let names =
        plan_view::organization_names(txn, computed.results.iter().map(|r| r.wholesaler_id))
            .await?;
    let parts = computed
        .results
        .iter()
        .map(|r| WholesalerPart {
            wholesaler_id: r.wholesaler_id,
            wholesaler_name: names.get(&r.wholesaler_id).cloned().unwrap_or_default(),
            baseline_total: r.baseline_total,
            supply: r.supply,
            reserve: r.reserve,
            customers: r.customers,
        })
        .collect();
    Ok(PlanView {
        plan: model,
        products: plan
            .products
            .into_iter()
            .map(|p| PlanProduct {
                code: p.code,
                name: p.name,
                maker_name: p.maker_name,
            })
            .collect(),
        versions: vec![computed.computation.clone()],
        computation: computed.computation,
        parts,
    })
}

/// Computes a new version of `plan_id` from the data as they are now; earlier versions stay.
pub async fn recompute(
    db: &DatabaseConnection,
    codes: &Arc<CustomerCodes>,
    user: &UserContext,
    plan_id: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i32, ServiceError> {
    require_planner(user)?;
    let plan = find(db, plan_id).await?;
    if let Some(by) = plan.superseded_by {
        return Err(ServiceError::Conflict(format!(
            "計画 #{plan_id} は計画 #{by} に置き換えられたため、再計算できません"
        )));
    }
    let product_ids = plan_products(db, plan_id).await?;
    let reserve = ReservePercent::new(i64::from(plan.reserve_percent))
        .map_err(|e| ServiceError::Internal(e.message))?;
    let totals = totals_of(
        db,
        &product_ids,
        plan.target_month,
        plan.baseline_month,
        reserve,
    )
    .await?;
    let txn = db.begin().await.context("Failed to begin the recompute")?;
    let latest = allocation_computation::Entity::find()
        .filter(allocation_computation::Column::PlanId.eq(plan_id))
        .order_by_desc(allocation_computation::Column::Version)
        .one(&txn)
        .await
        .context("Failed to read the plan's versions")?
        .map_or(0, |c| c.version);
    let computed = computation::compute(
        &txn,
        codes,
        &plan,
        &product_ids,
        totals,
        latest + 1,
        user,
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "allocation_plan.recompute",
            target: format!("allocation_plan:{plan_id}"),
            detail: Some(format!(
                "第{}版: P={} B={}",
                computed.computation.version, totals.planned, totals.baseline
            )),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit()
        .await
        .context("Failed to commit the recompute")?;
    Ok(computed.computation.version)
}
