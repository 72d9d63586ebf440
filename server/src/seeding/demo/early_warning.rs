//! Loads the demo's early-warning data (shipments of the last three months, dispensing of the
//! last four weeks and the same weeks a year earlier) and makes the first forecast run, so the
//! ministry's pages show signals and a "likely next" list from the start.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Months, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use supplywatch_seed::demo::early_warning as data;

use crate::db::entity::{dispensing_count, product, shipment};
use crate::domain::forecast::Trigger;
use crate::domain::uploads::{ShipmentKind, UploadKind};
use crate::services::allocation::uploads;
use crate::services::early_warning::weeks::{week_key, weeks_before};
use crate::services::early_warning::{daily_list, runs};
use crate::services::{DbContext, ServiceError};

/// Loads the data inside the demo's transaction, then runs the forecast once.
pub async fn load(
    txn: &impl ConnectionTrait,
    ministry_org: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let products: HashMap<String, (i32, Option<i32>)> = product::Entity::find()
        .all(txn)
        .await
        .context("Failed to read the demo products")?
        .into_iter()
        .map(|p| (p.code, (p.id, p.maker_id)))
        .collect();
    let find = |code: &str| {
        products
            .get(code)
            .copied()
            .ok_or_else(|| ServiceError::Internal(format!("demo product {code} missing")))
    };
    let today = now.date_naive();
    for (code, quantity) in data::MONTHLY_SHIPMENTS {
        let (product_id, maker) = find(code)?;
        let maker_id = maker
            .ok_or_else(|| ServiceError::Internal(format!("demo product {code} has no maker")))?;
        let upload = uploads::record_for(
            txn,
            UploadKind::Shipments,
            maker_id,
            None,
            "デモデータ",
            3,
            now,
        )
        .await?;
        for back in 1..=3 {
            let month = today.checked_sub_months(Months::new(back)).unwrap_or(today);
            shipment::Entity::insert(shipment::ActiveModel {
                product_id: Set(product_id),
                month: Set(month.year() * 100 + i32::try_from(month.month()).unwrap_or(1)),
                kind: Set(ShipmentKind::Actual),
                quantity: Set(i64::from(*quantity)),
                maker_id: Set(maker_id),
                upload_id: Set(upload),
            })
            .exec(txn)
            .await
            .context("Failed to store demo shipments")?;
        }
    }
    let rows = data::WEEKLY_DISPENSING.len() as u64 * 8;
    let upload = uploads::record_for(
        txn,
        UploadKind::Dispensing,
        ministry_org,
        None,
        "デモデータ",
        rows,
        now,
    )
    .await?;
    let mut counts = Vec::new();
    for (code, recent, year_before) in data::WEEKLY_DISPENSING {
        let (product_id, _) = find(code)?;
        for k in 0..4 {
            for (weeks_back, quantity) in [(k, *recent), (k + 52, *year_before)] {
                counts.push(dispensing_count::ActiveModel {
                    product_id: Set(product_id),
                    week: Set(week_key(weeks_before(today, weeks_back))),
                    quantity: Set(i64::from(quantity)),
                    upload_id: Set(upload),
                });
            }
        }
    }
    dispensing_count::Entity::insert_many(counts)
        .exec_without_returning(txn)
        .await
        .context("Failed to store demo dispensing counts")?;
    runs::run_in(txn, Trigger::Nightly, now).await?;
    daily_list::store_day(txn, now).await?;
    Ok(())
}
