//! The weekly trend from the counts frozen with each publication (`status_trend`), and the
//! demo's backfill of those counts from its few months of report history.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use supplywatch_reports::charts::TrendPoint;

use crate::db::entity::{product, status_trend, supply_status_report};
use crate::domain::ProductKind;
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::services::{DbContext, ServiceError, publication};

/// Every stored week, oldest first.
pub async fn points(db: &impl ConnectionTrait) -> Result<Vec<TrendPoint>, ServiceError> {
    let weeks = status_trend::Entity::find()
        .order_by_asc(status_trend::Column::WeekEnding)
        .all(db)
        .await
        .context("Failed to load the weekly counts")?;
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(weeks
        .into_iter()
        .map(|w| TrendPoint {
            week_ending: w.week_ending,
            drugs: count(w.drugs),
            limited: count(w.shipping2) + count(w.shipping3) + count(w.shipping4),
            stopped: count(w.shipping5),
        })
        .collect())
}

/// Stores the counts of every Friday from the first report up to `today`, as the reports stood
/// that Friday, for weeks without counts (the demo has history but no publications yet).
pub async fn backfill_from_history(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<usize, ServiceError> {
    let reports = supply_status_report::Entity::find()
        .order_by_asc(supply_status_report::Column::ReportedOn)
        .order_by_asc(supply_status_report::Column::Id)
        .all(db)
        .await
        .context("Failed to load the report history")?;
    let Some(first) = reports.first().map(|r| r.reported_on) else {
        return Ok(0);
    };
    let known: Vec<NaiveDate> = status_trend::Entity::find()
        .all(db)
        .await
        .context("Failed to load the weekly counts")?
        .into_iter()
        .map(|w| w.week_ending)
        .collect();
    let drugs = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .count(db)
        .await
        .context("Failed to count the drugs")?;
    let drugs = i32::try_from(drugs).unwrap_or(i32::MAX);
    let mut friday = first
        + Duration::days(i64::from(
            (Weekday::Fri.num_days_from_monday() + 7 - first.weekday().num_days_from_monday()) % 7,
        ));
    let mut current: HashMap<i32, (ShippingStatus, Option<VolumeStatus>)> = HashMap::new();
    let mut next = 0;
    let mut models = Vec::new();
    while friday <= today {
        while next < reports.len() && reports[next].reported_on <= friday {
            let r = &reports[next];
            current.insert(r.product_id, (r.shipping_status, r.volume_status));
            next += 1;
        }
        if !known.contains(&friday) {
            let shipping = |s: ShippingStatus| count(current.values().filter(|(x, _)| *x == s));
            let volume = |v: VolumeStatus| count(current.values().filter(|(_, x)| *x == Some(v)));
            models.push(status_trend::ActiveModel {
                week_ending: Set(friday),
                drugs: Set(drugs),
                shipping1: Set(shipping(ShippingStatus::Normal)),
                shipping2: Set(shipping(ShippingStatus::LimitedOwn)),
                shipping3: Set(shipping(ShippingStatus::LimitedByOthers)),
                shipping4: Set(shipping(ShippingStatus::LimitedOther)),
                shipping5: Set(shipping(ShippingStatus::Stopped)),
                volume_a_plus: Set(volume(VolumeStatus::APlus)),
                volume_a: Set(volume(VolumeStatus::A)),
                volume_b: Set(volume(VolumeStatus::B)),
                volume_c: Set(volume(VolumeStatus::C)),
                volume_d: Set(volume(VolumeStatus::D)),
            });
        }
        friday += Duration::weeks(1);
    }
    let stored = models.len();
    publication::upsert_trend(db, models).await?;
    Ok(stored)
}

fn count<T>(items: impl Iterator<Item = T>) -> i32 {
    i32::try_from(items.count()).unwrap_or(i32::MAX)
}
