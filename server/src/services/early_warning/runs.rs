//! Runs of the knock-on forecast over every group losing supply (nightly and on demand): the
//! "likely next" list is stored with its arithmetic, and subscribers are mailed when it changes
//! (see [`super::subscriptions`]).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::signals::{self, GroupSignals, load_groups};
use super::subscriptions;
use crate::db::entity::{forecast_item, forecast_run, product, product_status};
use crate::domain::forecast::Trigger;
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::services::{DbContext, ServiceError};

/// What a run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub run_id: i32,
    /// Groups with a member losing supply.
    pub groups: usize,
    /// Products listed as likely next.
    pub likely_next: usize,
    /// Products that joined or left the list since the previous run.
    pub added: usize,
    pub removed: usize,
    /// Subscribers mailed about the change.
    pub mailed: u64,
}

/// One "likely next" row of a run, with the names to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyNext {
    pub item: forecast_item::Model,
    pub code: String,
    pub name: String,
    pub maker_name: Option<String>,
    pub source_code: String,
    pub source_name: String,
    pub source_maker_name: Option<String>,
}

impl LikelyNext {
    /// Shortfall as a share of expected demand, in per mille.
    pub fn shortfall_permille(&self) -> i64 {
        (self.item.shortfall * 1000)
            .checked_div(self.item.expected_demand)
            .unwrap_or(0)
    }
}

/// Same-spec groups with a member in 限定出荷/供給停止, ⑯ B–D, or an open, unresolved 供給不安報告.
pub async fn groups_losing_supply(db: &impl ConnectionTrait) -> Result<Vec<String>, ServiceError> {
    let mut ids: BTreeSet<i32> = product_status::Entity::find()
        .filter(
            product_status::Column::ShippingStatus
                .is_in(ShippingStatus::ALL.iter().copied().filter(|s| s.is_short()))
                .or(product_status::Column::VolumeStatus.is_in([
                    VolumeStatus::B,
                    VolumeStatus::C,
                    VolumeStatus::D,
                ])),
        )
        .all(db)
        .await
        .context("Failed to load statuses losing supply")?
        .into_iter()
        .map(|s| s.product_id)
        .collect();
    ids.extend(signals::at_risk(db, None).await?);
    let ids: Vec<i32> = ids.into_iter().collect();
    let mut groups = BTreeSet::new();
    for chunk in ids.chunks(1_000) {
        for p in product::Entity::find()
            .filter(product::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to load products losing supply")?
        {
            groups.extend(p.group_code);
        }
    }
    Ok(groups.into_iter().collect())
}

/// Forecasts every group losing supply, stores the run and mails subscribers if the list changed.
pub async fn run(
    db: &DatabaseConnection,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> Result<RunSummary, ServiceError> {
    let txn = db
        .begin()
        .await
        .context("Failed to begin the forecast run")?;
    let summary = run_in(&txn, trigger, now).await?;
    txn.commit()
        .await
        .context("Failed to commit the forecast run")?;
    Ok(summary)
}

/// [`run`] inside the caller's transaction (the demo loader's).
pub async fn run_in(
    txn: &impl ConnectionTrait,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> Result<RunSummary, ServiceError> {
    let groups = groups_losing_supply(txn).await?;
    let signals = load_groups(txn, &groups, now.date_naive()).await?;
    let previous = latest_run(txn).await?;
    let items: Vec<forecast_item::ActiveModel> = signals.iter().flat_map(likely_rows).collect();
    let run = forecast_run::ActiveModel {
        trigger: Set(trigger),
        computed_at: Set(now),
        groups: Set(i32::try_from(signals.len()).unwrap_or(i32::MAX)),
        likely_next: Set(i32::try_from(items.len()).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("Failed to store the forecast run")?;
    let new_ids: BTreeSet<i32> = items
        .iter()
        .filter_map(|i| i.product_id.try_as_ref().copied())
        .collect();
    for chunk in items.chunks(500) {
        forecast_item::Entity::insert_many(chunk.iter().cloned().map(|mut i| {
            i.run_id = Set(run.id);
            i
        }))
        .exec_without_returning(txn)
        .await
        .context("Failed to store the forecast")?;
    }
    let old_ids: BTreeSet<i32> = match &previous {
        Some(p) => items_of(txn, p.id)
            .await?
            .into_iter()
            .map(|i| i.product_id)
            .collect(),
        None => BTreeSet::new(),
    };
    let added: Vec<i32> = new_ids.difference(&old_ids).copied().collect();
    let removed: Vec<i32> = old_ids.difference(&new_ids).copied().collect();
    let mailed = if added.is_empty() && removed.is_empty() {
        0
    } else {
        subscriptions::notify(txn, run.id, &added, &removed, now).await?
    };
    Ok(RunSummary {
        run_id: run.id,
        groups: signals.len(),
        likely_next: new_ids.len(),
        added: added.len(),
        removed: removed.len(),
        mailed,
    })
}

/// The rows a group contributes to a run: its likely-next members.
fn likely_rows(group: &GroupSignals) -> Vec<forecast_item::ActiveModel> {
    let Some(source) = group.main_source() else {
        return Vec::new();
    };
    let confidential = group.confidential();
    let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    group
        .forecast
        .likely_next()
        .filter_map(|o| {
            let member = group.members.get(o.key)?;
            Some(forecast_item::ActiveModel {
                run_id: Set(0),
                group_code: Set(group.group_code.clone()),
                product_id: Set(member.product_id),
                source_product_id: Set(source.product_id),
                lost_units: Set(as_i64(group.forecast.lost_units)),
                monthly_shipments: Set(as_i64(o.monthly_shipments)),
                extra_demand: Set(as_i64(o.extra_demand)),
                expected_demand: Set(as_i64(o.expected_demand)),
                capacity: Set(as_i64(o.capacity)),
                capacity_source: Set(o.capacity_source),
                shortfall: Set(as_i64(o.shortfall)),
                short_from_weeks: Set(o.short_from_weeks.map(as_i64)),
                confidential: Set(confidential),
                ..Default::default()
            })
        })
        .collect()
}

/// The newest run.
pub async fn latest_run(
    db: &impl ConnectionTrait,
) -> Result<Option<forecast_run::Model>, ServiceError> {
    forecast_run::Entity::find()
        .order_by_desc(forecast_run::Column::Id)
        .one(db)
        .await
        .context("Failed to load the latest forecast run")
}

async fn items_of(
    db: &impl ConnectionTrait,
    run_id: i32,
) -> Result<Vec<forecast_item::Model>, ServiceError> {
    forecast_item::Entity::find()
        .filter(forecast_item::Column::RunId.eq(run_id))
        .order_by_desc(forecast_item::Column::Shortfall)
        .order_by_asc(forecast_item::Column::Id)
        .all(db)
        .await
        .context("Failed to load the forecast")
}

/// The newest run and its likely-next rows, largest shortfall first.
pub async fn latest(
    db: &impl ConnectionTrait,
) -> Result<Option<(forecast_run::Model, Vec<LikelyNext>)>, ServiceError> {
    let Some(run) = latest_run(db).await? else {
        return Ok(None);
    };
    let items = items_of(db, run.id).await?;
    let ids: BTreeSet<i32> = items
        .iter()
        .flat_map(|i| [i.product_id, i.source_product_id])
        .collect();
    let mut products: HashMap<i32, product::Model> = HashMap::new();
    let ids: Vec<i32> = ids.into_iter().collect();
    for chunk in ids.chunks(1_000) {
        for p in product::Entity::find()
            .filter(product::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to load forecast products")?
        {
            products.insert(p.id, p);
        }
    }
    let rows = items
        .into_iter()
        .filter_map(|item| {
            let p = products.get(&item.product_id)?;
            let s = products.get(&item.source_product_id)?;
            Some(LikelyNext {
                code: p.code.clone(),
                name: p.name.clone(),
                maker_name: p.maker_name.clone(),
                source_code: s.code.clone(),
                source_name: s.name.clone(),
                source_maker_name: s.maker_name.clone(),
                item,
            })
        })
        .collect();
    Ok(Some((run, rows)))
}
