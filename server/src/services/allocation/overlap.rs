//! Plans do not overlap: one customer must never get two caps for the same product and month.
//! A new plan meeting an active plan (a shared product, the same target month) is refused with
//! 409 naming it, unless the ministry says the new plan supersedes it; the old plan then retires
//! (its versions stay, its downloads say it was replaced, the month's CSV leaves it out).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::values::month_text;
use crate::db::entity::{allocation_plan, allocation_plan_product, product};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// Checks a new plan of `product_ids` for `target_month` against the active plans; returns the
/// plan it supersedes (if it says so), or 409 naming each active plan it would overlap.
pub(super) async fn check(
    db: &impl ConnectionTrait,
    product_ids: &[i32],
    target_month: i32,
    supersedes: Option<i32>,
) -> Result<Option<allocation_plan::Model>, ServiceError> {
    let replaced = match supersedes {
        Some(id) => Some(replaceable(db, id).await?),
        None => None,
    };
    let active = allocation_plan::Entity::find()
        .filter(allocation_plan::Column::TargetMonth.eq(target_month))
        .filter(allocation_plan::Column::SupersededBy.is_null())
        .order_by_asc(allocation_plan::Column::Id)
        .all(db)
        .await
        .context("Failed to read the month's plans")?;
    let wanted: BTreeSet<i32> = product_ids.iter().copied().collect();
    let shared: BTreeMap<i32, Vec<i32>> = allocation_plan_product::Entity::find()
        .filter(allocation_plan_product::Column::PlanId.is_in(active.iter().map(|p| p.id)))
        .filter(allocation_plan_product::Column::ProductId.is_in(wanted.iter().copied()))
        .all(db)
        .await
        .context("Failed to read the month's plan products")?
        .into_iter()
        .fold(BTreeMap::new(), |mut by_plan, row| {
            by_plan
                .entry(row.plan_id)
                .or_insert_with(Vec::new)
                .push(row.product_id);
            by_plan
        });
    let skipped = replaced.as_ref().map(|p| p.id);
    let clashes: Vec<&allocation_plan::Model> = active
        .iter()
        .filter(|p| shared.contains_key(&p.id) && Some(p.id) != skipped)
        .collect();
    if clashes.is_empty() {
        return Ok(replaced);
    }
    let codes = product_codes(db, shared.values().flatten().copied()).await?;
    let named: Vec<String> = clashes
        .iter()
        .map(|p| {
            let products: Vec<&str> = shared
                .get(&p.id)
                .into_iter()
                .flatten()
                .filter_map(|id| codes.get(id).map(String::as_str))
                .collect();
            format!(
                "計画 #{}「{}」（重なる製品: {}）",
                p.id,
                p.name,
                products.join("、")
            )
        })
        .collect();
    let first = clashes[0].id;
    Err(ServiceError::Conflict(format!(
        "対象月 {} には、製品が重なる有効な配分計画があります: {}。同じ得意先に上限量が二つ出ないよう、新しい計画で置き換える場合は \"supersedes\": {first} を指定してください",
        month_text(target_month),
        named.join("、")
    )))
}

/// The plan `id` if it can be replaced: it exists (422 otherwise) and is still active (409).
async fn replaceable(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<allocation_plan::Model, ServiceError> {
    let found = allocation_plan::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to read the superseded plan")?
        .ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "supersedes",
                "unknown_plan",
                format!("置き換える計画 #{id} はありません"),
            ))
        })?;
    match found.superseded_by {
        Some(by) => Err(ServiceError::Conflict(format!(
            "計画 #{id}「{}」はすでに計画 #{by} に置き換えられています。置き換えるなら計画 #{by} を指定してください",
            found.name
        ))),
        None => Ok(found),
    }
}

/// Retires `old` in favour of `new_id`, in the caller's transaction.
pub(super) async fn retire(
    db: &impl ConnectionTrait,
    old: allocation_plan::Model,
    new_id: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut model: allocation_plan::ActiveModel = old.into();
    model.superseded_by = Set(Some(new_id));
    model.superseded_at = Set(Some(now));
    model
        .update(db)
        .await
        .context("Failed to retire the superseded plan")?;
    Ok(())
}

async fn product_codes(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> Result<BTreeMap<i32, String>, ServiceError> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids.collect::<BTreeSet<_>>()))
        .all(db)
        .await
        .context("Failed to read the shared products")?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect())
}
