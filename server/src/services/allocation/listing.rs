//! The list of plans a caller may see: every plan for the ministry; for a wholesaler, the plans
//! whose newest version gives it a share (the plans affecting it).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::plan_view::{Scope, ratio};
use crate::db::entity::{allocation_computation, allocation_plan, allocation_result};
use crate::domain::allocation::Fraction;
use crate::services::{DbContext, ServiceError};

/// One plan in the list.
#[derive(Debug, Clone)]
pub struct PlanListItem {
    /// The plan.
    pub plan: allocation_plan::Model,
    /// Its newest version.
    pub computation: allocation_computation::Model,
    /// For a wholesaler: its `S_w` in that version.
    pub own_supply: Option<i64>,
}

impl PlanListItem {
    /// r of the newest version.
    pub fn coverage_ratio(&self) -> Fraction {
        ratio(&self.computation)
    }
}

/// Plans newest first; a wholesaler sees those affecting it, with its own supply.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: Scope,
) -> Result<Vec<PlanListItem>, ServiceError> {
    let plans = allocation_plan::Entity::find()
        .order_by_desc(allocation_plan::Column::Id)
        .all(db)
        .await
        .context("Failed to list plans")?;
    let mut newest: HashMap<i32, allocation_computation::Model> = HashMap::new();
    for c in allocation_computation::Entity::find()
        .all(db)
        .await
        .context("Failed to list computations")?
    {
        if newest.get(&c.plan_id).is_none_or(|n| n.version < c.version) {
            newest.insert(c.plan_id, c);
        }
    }
    let own: Option<HashMap<i32, i64>> = match scope {
        Scope::All => None,
        Scope::Wholesaler(w) => {
            let ids: HashSet<i32> = newest.values().map(|c| c.id).collect();
            Some(
                // Without the packed caps: a wholesaler has a part in every computation.
                allocation_result::Entity::find()
                    .select_only()
                    .columns([
                        allocation_result::Column::ComputationId,
                        allocation_result::Column::Supply,
                    ])
                    .filter(allocation_result::Column::WholesalerId.eq(w))
                    .into_tuple::<(i32, i64)>()
                    .all(db)
                    .await
                    .context("Failed to read the wholesaler's shares")?
                    .into_iter()
                    .filter(|(computation, _)| ids.contains(computation))
                    .collect(),
            )
        }
    };
    Ok(plans
        .into_iter()
        .filter_map(|plan| {
            let computation = newest.remove(&plan.id)?;
            let own_supply = match &own {
                None => None,
                Some(shares) => Some(*shares.get(&computation.id)?),
            };
            Some(PlanListItem {
                plan,
                computation,
                own_supply,
            })
        })
        .collect())
}
