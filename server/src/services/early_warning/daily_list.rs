//! The daily early-warning list: the list-based forecast over every drug's current status, with
//! the shipment-based "likely next" of the newest run added where shipments exist; stored per day
//! (nightly, and when the ministry recomputes), so that one sees later what was warned when and
//! which warned drugs then moved into ③ 限定出荷（他社品の影響）.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::runs;
use crate::db::entity::{early_warning, product, product_status};
use crate::domain::forecast::knock_on_list::{
    HORIZON_DAYS, ListDrug, warnings, with_shipment_forecast,
};
use crate::domain::supply_status::ShippingStatus;
use crate::domain::{ProductClass, ProductKind};
use crate::services::{DbContext, ServiceError};

/// One drug of a stored day's list, with the names to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Warned {
    pub rank: i32,
    pub code: String,
    pub name: String,
    pub maker: Option<String>,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// A stored day's list.
#[derive(Debug, Clone, PartialEq)]
pub struct DayList {
    pub day: NaiveDate,
    pub computed_at: DateTime<Utc>,
    pub rows: Vec<Warned>,
}

/// A warned drug that later moved into ③.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub code: String,
    pub name: String,
    /// The first day it was warned of before the move.
    pub warned_on: NaiveDate,
    /// The day ⑫ became ③ (⑬).
    pub moved_on: NaiveDate,
}

/// Every stored warning so far: hits, how many drugs were warned, since which day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub since: Option<NaiveDate>,
    pub warned: usize,
    pub hits: Vec<Hit>,
}

/// Today's list (Japan's day of `now`) from every drug's current status and the newest
/// shipment-based run; replaces any list already stored for the day. Returns its length.
pub async fn store_day(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let today = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let (drugs, ids) = current_drugs(db).await?;
    let shortfalls: Vec<(String, String)> = match runs::latest(db).await? {
        Some((_, rows)) => rows
            .iter()
            .map(|r| {
                let because = if r.item.confidential {
                    String::new()
                } else {
                    format!("{}の影響で", r.source_name)
                };
                (
                    r.code.clone(),
                    format!(
                        "出荷量に基づく波及予測：{because}月 {} 包装の不足見込み",
                        r.item.shortfall
                    ),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    let list = with_shipment_forecast(warnings(&drugs, today, HORIZON_DAYS), &shortfalls);
    early_warning::Entity::delete_many()
        .filter(early_warning::Column::Day.eq(today))
        .exec(db)
        .await
        .context("Failed to replace the day's early warnings")?;
    let models: Vec<early_warning::ActiveModel> = list
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            Some(early_warning::ActiveModel {
                day: Set(today),
                product_id: Set(*ids.get(&w.code)?),
                rank: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                score: Set(w.score),
                reasons: Set(w.reasons.join("\n")),
                computed_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    let stored = models.len();
    if !models.is_empty() {
        early_warning::Entity::insert_many(models)
            .exec_without_returning(db)
            .await
            .context("Failed to store the day's early warnings")?;
    }
    Ok(stored)
}

/// Every drug with its current ⑫ and ⑬ (normal supply when it has no status), and product ids
/// by code.
async fn current_drugs(
    db: &impl ConnectionTrait,
) -> Result<(Vec<ListDrug>, HashMap<String, i32>), ServiceError> {
    let statuses: HashMap<i32, product_status::Model> = product_status::Entity::find()
        .all(db)
        .await
        .context("Failed to load the current statuses")?
        .into_iter()
        .map(|s| (s.product_id, s))
        .collect();
    let products = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .all(db)
        .await
        .context("Failed to load the drugs")?;
    let mut ids = HashMap::with_capacity(products.len());
    let drugs = products
        .into_iter()
        .map(|p| {
            let status = statuses.get(&p.id);
            ids.insert(p.code.clone(), p.id);
            ListDrug {
                shipping: status.map_or(ShippingStatus::Normal, |s| s.shipping_status),
                shipping_changed_on: status.and_then(|s| s.shipping_changed_on),
                volume: status.and_then(|s| s.volume_status),
                generic_or_long_listed: matches!(
                    p.product_class,
                    Some(ProductClass::Generic | ProductClass::LongListed)
                ),
                code: p.code,
                name: p.name,
                maker: p.maker_name.unwrap_or_default(),
            }
        })
        .collect();
    Ok((drugs, ids))
}

/// The newest stored day's list, by rank.
pub async fn latest(db: &impl ConnectionTrait) -> Result<Option<DayList>, ServiceError> {
    let Some(newest) = early_warning::Entity::find()
        .order_by_desc(early_warning::Column::Day)
        .one(db)
        .await
        .context("Failed to find the newest early-warning list")?
    else {
        return Ok(None);
    };
    let rows = early_warning::Entity::find()
        .filter(early_warning::Column::Day.eq(newest.day))
        .order_by_asc(early_warning::Column::Rank)
        .all(db)
        .await
        .context("Failed to load the early-warning list")?;
    let products = products_by_id(db, rows.iter().map(|r| r.product_id).collect()).await?;
    Ok(Some(DayList {
        day: newest.day,
        computed_at: rows
            .iter()
            .map(|r| r.computed_at)
            .max()
            .unwrap_or(newest.computed_at),
        rows: rows
            .iter()
            .filter_map(|r| {
                let p = products.get(&r.product_id)?;
                Some(Warned {
                    rank: r.rank,
                    code: p.code.clone(),
                    name: p.name.clone(),
                    maker: p.maker_name.clone(),
                    score: r.score,
                    reasons: r.reasons.lines().map(str::to_owned).collect(),
                })
            })
            .collect(),
    }))
}

/// The hits of every stored list: warned drugs now in ③ whose ⑬ is after a day they were
/// warned of, each with its first warning before the move.
pub async fn record(db: &impl ConnectionTrait) -> Result<Record, ServiceError> {
    let stored = early_warning::Entity::find()
        .all(db)
        .await
        .context("Failed to load the stored early warnings")?;
    let mut days: BTreeMap<i32, Vec<NaiveDate>> = BTreeMap::new();
    for w in &stored {
        days.entry(w.product_id).or_default().push(w.day);
    }
    let ids: Vec<i32> = days.keys().copied().collect();
    let mut moved: HashMap<i32, NaiveDate> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for s in product_status::Entity::find()
            .filter(product_status::Column::ProductId.is_in(chunk.iter().copied()))
            .filter(
                product_status::Column::ShippingStatus.eq(ShippingStatus::LimitedByOthers.code()),
            )
            .all(db)
            .await
            .context("Failed to load the warned drugs' statuses")?
        {
            moved.insert(s.product_id, s.shipping_changed_on.unwrap_or(s.updated_on));
        }
    }
    let products = products_by_id(db, moved.keys().copied().collect()).await?;
    let mut hits: Vec<Hit> = moved
        .iter()
        .filter_map(|(id, moved_on)| {
            let warned_on = days.get(id)?.iter().filter(|d| *d < moved_on).min()?;
            let p = products.get(id)?;
            Some(Hit {
                code: p.code.clone(),
                name: p.name.clone(),
                warned_on: *warned_on,
                moved_on: *moved_on,
            })
        })
        .collect();
    hits.sort_by(|a, b| b.moved_on.cmp(&a.moved_on).then(a.code.cmp(&b.code)));
    Ok(Record {
        since: stored.iter().map(|w| w.day).min(),
        warned: days.len(),
        hits,
    })
}

async fn products_by_id(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> Result<HashMap<i32, product::Model>, ServiceError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        for p in product::Entity::find()
            .filter(product::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to load the warned drugs")?
        {
            out.insert(p.id, p);
        }
    }
    Ok(out)
}

/// A list's scores as shown: two decimals.
pub fn score_text(w: &Warned) -> String {
    format!("{:.2}", w.score)
}
