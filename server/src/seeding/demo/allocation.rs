//! The demo's allocation data (seed `demo::allocation`): both demo wholesalers' purchases of one
//! group in the baseline month, the makers' shipments, and a plan for the current month.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{DatabaseTransaction, EntityTrait, Set};
use supplywatch_seed::demo::allocation as data;

use crate::db::entity::{product, shipment};
use crate::domain::uploads::{ShipmentKind, UploadKind};
use crate::services::accounts::UserContext;
use crate::services::allocation::NewPlan;
use crate::services::allocation::bulk::{self, PurchaseRow};
use crate::services::allocation::plans;
use crate::services::allocation::uploads::{self, product_ids};
use crate::services::allocation::values::{month_text, year_before};
use crate::services::audit::Actor;
use crate::services::{DbContext, ServiceError};

/// Loads the data and computes the plan, inside the demo's transaction.
pub async fn load(
    txn: &DatabaseTransaction,
    org_ids: &HashMap<&str, i32>,
    ministry: &UserContext,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let today = now.with_timezone(&chrono_tz::Asia::Tokyo);
    let target = today.year() * 100 + i32::try_from(today.month()).unwrap_or(1);
    let baseline = year_before(target);
    let products = product_ids(txn).await?;
    let product = |code: &str| {
        products
            .get(code)
            .copied()
            .ok_or_else(|| ServiceError::Internal(format!("demo product {code} is missing")))
    };
    let mut by_wholesaler: HashMap<&str, Vec<&data::DemoPurchase>> = HashMap::new();
    for row in data::PURCHASES {
        by_wholesaler.entry(row.0).or_default().push(row);
    }
    for (wholesaler, rows) in by_wholesaler {
        let wholesaler_id = *org_ids.get(wholesaler).ok_or_else(|| {
            ServiceError::Internal(format!("demo wholesaler {wholesaler} is missing"))
        })?;
        let customers: HashMap<String, String> = rows
            .iter()
            .map(|r| (r.1.to_owned(), r.2.to_owned()))
            .collect();
        let ids = bulk::upsert_customers(txn, wholesaler_id, &customers, now).await?;
        let upload = uploads::record_for(
            txn,
            UploadKind::PurchaseHistory,
            wholesaler_id,
            None,
            "デモデータ",
            rows.len() as u64,
            now,
        )
        .await?;
        let mut batch = Vec::with_capacity(rows.len());
        for r in rows {
            batch.push(PurchaseRow {
                product_id: product(r.3)?,
                month: baseline,
                customer_id: *ids
                    .get(r.1)
                    .ok_or_else(|| ServiceError::Internal("demo customer missing".into()))?,
                quantity: i64::from(r.4),
            });
        }
        bulk::upsert_purchases(txn, wholesaler_id, upload, batch).await?;
    }
    let makers: HashMap<String, Option<i32>> = product::Entity::find()
        .all(txn)
        .await
        .context("Failed to read the demo products")?
        .into_iter()
        .map(|p| (p.code, p.maker_id))
        .collect();
    for (code, actual, planned) in data::SHIPMENTS {
        let maker_id =
            makers.get(*code).copied().flatten().ok_or_else(|| {
                ServiceError::Internal(format!("demo product {code} has no maker"))
            })?;
        let upload = uploads::record_for(
            txn,
            UploadKind::Shipments,
            maker_id,
            None,
            "デモデータ",
            2,
            now,
        )
        .await?;
        for (month, kind, quantity) in [
            (baseline, ShipmentKind::Actual, *actual),
            (target, ShipmentKind::Planned, *planned),
        ] {
            shipment::Entity::insert(shipment::ActiveModel {
                product_id: Set(product(code)?),
                month: Set(month),
                kind: Set(kind),
                quantity: Set(i64::try_from(quantity).unwrap_or(i64::MAX)),
                maker_id: Set(maker_id),
                upload_id: Set(upload),
            })
            .exec(txn)
            .await
            .context("Failed to store demo shipments")?;
        }
    }
    let new = NewPlan {
        name: format!("アムロジピン錠10mg（同一規格） {}", month_text(target)),
        product_codes: Vec::new(),
        group_code: Some(data::PLAN_GROUP.to_owned()),
        target_month: month_text(target),
        baseline_month: None,
        reserve_percent: Some(data::PLAN_RESERVE_PERCENT),
        supersedes: None,
    };
    // The demo's loader runs once, so its codes need not outlive it.
    plans::create_in(txn, &Arc::default(), ministry, new, actor, now).await?;
    Ok(())
}
