//! `supplywatch seed --scale national`, second part: the country's allocation data — 60
//! wholesalers with a clerk's account each, ≈240,000 customer facilities, one baseline month of
//! purchases of 300 short drugs (≈12 million rows) and the makers' shipments of the baseline and
//! target month — stored through the same bulk writer as wholesalers' uploads.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use supplywatch_seed::national::allocation::{self, AllocationSet};

use crate::db::entity::{product, shipment};
use crate::domain::ProductKind;
use crate::domain::uploads::{ShipmentKind, UploadKind};
use crate::domain::{OrganizationKind, Role};
use crate::services::accounts::{self, NewOrganization, NewUser};
use crate::services::allocation::bulk::{self, PurchaseRow};
use crate::services::allocation::uploads;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, ServiceError};

/// Short products in the national set (≈40,000 purchase rows each).
pub const SHORT_PRODUCTS: usize = 300;

/// What was stored.
#[derive(Debug, Clone)]
pub struct AllocationSummary {
    /// Wholesalers (each with one clerk).
    pub wholesalers: usize,
    /// Customer rows (a facility buying from two wholesalers counts twice).
    pub customers: usize,
    /// Purchase rows.
    pub purchases: u64,
    /// The short products, by code.
    pub products: Vec<String>,
    /// `YYYYMM` of the purchases and actual shipments.
    pub baseline_month: i32,
    /// `YYYYMM` of the planned shipments (a year after the baseline).
    pub target_month: i32,
}

/// The `count` short products: drugs with a maker in same-spec groups of several products,
/// spread evenly over the price list.
pub async fn short_products(
    db: &impl ConnectionTrait,
    count: usize,
) -> Result<Vec<product::Model>, ServiceError> {
    let drugs = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .filter(product::Column::MakerId.is_not_null())
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to load the drugs")?;
    let mut group_sizes: HashMap<&str, usize> = HashMap::new();
    for d in &drugs {
        *group_sizes
            .entry(d.group_code.as_deref().unwrap_or_default())
            .or_default() += 1;
    }
    let shared: Vec<&product::Model> = drugs
        .iter()
        .filter(|d| {
            group_sizes
                .get(d.group_code.as_deref().unwrap_or_default())
                .copied()
                > Some(1)
        })
        .collect();
    if shared.len() < count {
        return Err(ServiceError::Conflict(format!(
            "同一規格の製品が {count} 品目に足りません（{}品目）。薬価基準の全品目を取り込んでください",
            shared.len()
        )));
    }
    let step = (shared.len() / count.max(1)).max(1);
    Ok(shared
        .iter()
        .step_by(step)
        .take(count)
        .map(|p| (*p).clone())
        .collect())
}

/// Stores the set of `product_count` short products for the month of `until` (target) and a year
/// earlier (baseline); refuses a database that already has customers. `progress` hears of each
/// wholesaler stored.
#[expect(
    clippy::too_many_arguments,
    reason = "the seed's knobs, passed once from the command line"
)]
pub async fn seed(
    db: &DatabaseConnection,
    until: NaiveDate,
    seed: u64,
    product_count: usize,
    password: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: impl Fn(usize, &str, usize),
) -> Result<AllocationSummary, ServiceError> {
    if crate::db::entity::customer::Entity::find()
        .count(db)
        .await
        .context("Failed to count customers")?
        > 0
    {
        return Err(ServiceError::Conflict(
            "得意先が既にあるため、全国規模の配分データは生成しません".into(),
        ));
    }
    let products = short_products(db, product_count).await?;
    let target_month = until.year() * 100 + i32::try_from(until.month()).unwrap_or(1);
    let baseline_month = target_month - 100;
    let set = allocation::generate(products.len(), seed);
    let mut customers = 0;
    let mut purchases = 0u64;
    for (index, spec) in set.wholesalers.iter().enumerate() {
        let (c, p) = store_wholesaler(
            db,
            &set,
            index,
            &products,
            baseline_month,
            password,
            actor,
            now,
        )
        .await?;
        customers += c;
        purchases += p;
        progress(
            index + 1,
            &spec.name,
            usize::try_from(p).unwrap_or(usize::MAX),
        );
    }
    store_shipments(db, &set, &products, baseline_month, target_month, now).await?;
    audit::record(
        db,
        AuditEntry {
            actor,
            action: "seed.national_allocation",
            target: format!("month:{target_month}"),
            detail: Some(format!(
                "{} wholesalers, {customers} customers, {purchases} purchases",
                set.wholesalers.len()
            )),
            success: true,
        },
        now,
    )
    .await?;
    Ok(AllocationSummary {
        wholesalers: set.wholesalers.len(),
        customers,
        purchases,
        products: products.into_iter().map(|p| p.code).collect(),
        baseline_month,
        target_month,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "one wholesaler's part of the seed, called once per wholesaler"
)]
async fn store_wholesaler(
    db: &DatabaseConnection,
    set: &AllocationSet,
    index: usize,
    products: &[product::Model],
    month: i32,
    password: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(usize, u64), ServiceError> {
    let spec = &set.wholesalers[index];
    let txn = db.begin().await.context("Failed to begin a wholesaler")?;
    let contacts = [("配分担当", spec.email.as_str())];
    let org = accounts::create_organization(
        &txn,
        &NewOrganization {
            kind: OrganizationKind::Wholesaler,
            name: &spec.name,
            corporate_number: Some(&spec.corporate_number),
            contacts: &contacts,
        },
        actor,
        now,
    )
    .await?;
    let user = accounts::create_user(
        &txn,
        &NewUser {
            email: &spec.email,
            display_name: "配分担当",
            role: Role::Wholesaler,
            organization_id: org.id,
            password,
        },
        actor,
        now,
    )
    .await?;
    let rows = &set.purchases[index];
    let names: HashMap<String, String> = rows
        .iter()
        .map(|p| {
            let f = &set.facilities[p.facility as usize];
            (f.code.clone(), f.name.clone())
        })
        .collect();
    let ids = bulk::upsert_customers(&txn, org.id, &names, now).await?;
    let upload_id = uploads::record(
        &txn,
        UploadKind::PurchaseHistory,
        &user,
        "seed national",
        rows.len() as u64,
        now,
    )
    .await?;
    let resolved: Vec<PurchaseRow> = rows
        .iter()
        .filter_map(|p| {
            Some(PurchaseRow {
                product_id: products.get(usize::from(p.product))?.id,
                month,
                customer_id: *ids.get(&set.facilities[p.facility as usize].code)?,
                quantity: i64::from(p.quantity),
            })
        })
        .collect();
    bulk::upsert_purchases(&txn, org.id, upload_id, resolved).await?;
    txn.commit()
        .await
        .context("Failed to commit a wholesaler")?;
    Ok((names.len(), rows.len() as u64))
}

async fn store_shipments(
    db: &DatabaseConnection,
    set: &AllocationSet,
    products: &[product::Model],
    baseline_month: i32,
    target_month: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let txn = db.begin().await.context("Failed to begin the shipments")?;
    let mut upload_of_maker: HashMap<i32, i32> = HashMap::new();
    let mut models = Vec::new();
    for (i, p) in products.iter().enumerate() {
        let Some(maker) = p.maker_id else { continue };
        let upload = if let Some(id) = upload_of_maker.get(&maker) {
            *id
        } else {
            let id = uploads::record_for(
                &txn,
                UploadKind::Shipments,
                maker,
                None,
                "seed national",
                0,
                now,
            )
            .await?;
            upload_of_maker.insert(maker, id);
            id
        };
        for (month, kind, quantity) in [
            (
                baseline_month,
                ShipmentKind::Actual,
                set.baseline_shipments[i],
            ),
            (
                target_month,
                ShipmentKind::Planned,
                set.planned_shipments[i],
            ),
        ] {
            models.push(shipment::ActiveModel {
                product_id: Set(p.id),
                month: Set(month),
                kind: Set(kind),
                quantity: Set(i64::try_from(quantity).unwrap_or(i64::MAX)),
                maker_id: Set(maker),
                upload_id: Set(upload),
            });
        }
    }
    for chunk in models.chunks(1000) {
        shipment::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .context("Failed to store shipments")?;
    }
    txn.commit().await.context("Failed to commit the shipments")
}
