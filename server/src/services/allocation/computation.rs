//! One computation of a plan: every wholesaler's customers' baselines read from the group's
//! purchase packs, each wholesaler's supply apportioned (customer codes needed only for the
//! customers tied at the cut-off, and kept in memory once read), and the version stored with its
//! inputs' newest uploads.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, Set, Statement,
    Value,
};

use super::customer_codes::CustomerCodes;
use super::packed::{self, PackedCap};
use super::purchase_pack::{self, Purchase};
use super::uploads::{self, UploadKind};
use crate::db::entity::{allocation_computation, allocation_plan, allocation_result};
use crate::domain::allocation::{self, PlanTotals};
use crate::services::accounts::UserContext;
use crate::services::{DbContext, ServiceError};

/// What one computation stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct Computed {
    /// Its version.
    pub version: i32,
    /// Wholesalers with a share.
    pub wholesalers: usize,
}

/// One wholesaler's customers (by id, ascending) and their baselines.
struct Part {
    wholesaler_id: i32,
    customers: Vec<i32>,
    baselines: Vec<u64>,
}

/// Reads every wholesaler's customers' baselines, apportions and stores version `version`.
#[expect(
    clippy::too_many_arguments,
    reason = "the plan, its inputs and who computes it, each needed once"
)]
pub(super) async fn compute(
    txn: &DatabaseTransaction,
    codes: &CustomerCodes,
    plan: &allocation_plan::Model,
    product_ids: &[i32],
    totals: PlanTotals,
    version: i32,
    user: &UserContext,
    now: DateTime<Utc>,
) -> Result<Computed, ServiceError> {
    let parts = read_parts(txn, product_ids, plan.baseline_month).await?;
    let customers: usize = parts.iter().map(|p| p.customers.len()).sum();
    let computation = allocation_computation::ActiveModel {
        plan_id: Set(plan.id),
        version: Set(version),
        planned_total: Set(i64::try_from(totals.planned).unwrap_or(i64::MAX)),
        baseline_total: Set(i64::try_from(totals.baseline).unwrap_or(i64::MAX)),
        shipment_upload_id: Set(uploads::latest(txn, UploadKind::Shipments).await?),
        purchase_upload_id: Set(uploads::latest(txn, UploadKind::PurchaseHistory).await?),
        wholesalers: Set(i32::try_from(parts.len()).unwrap_or(i32::MAX)),
        customers: Set(i64::try_from(customers).unwrap_or(i64::MAX)),
        computed_by: Set(Some(user.user_id)),
        computed_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("Failed to store the computation")?;
    let mut results = Vec::with_capacity(parts.len());
    for part in &parts {
        let h_w: u64 = part.baselines.iter().sum();
        let supply = totals.wholesaler_supply(h_w);
        let (mut caps, tie) = allocation::apportion_by_baseline(supply, &part.baselines);
        if let Some(tie) = tie {
            let tied: Vec<i32> = tie.candidates.iter().map(|i| part.customers[*i]).collect();
            codes.load(txn, part.wholesaler_id, &tied).await?;
            codes.with(|known| tie.resolve(&mut caps, |i| known.code(part.customers[i])));
        }
        let packed_caps: Vec<PackedCap> = part
            .customers
            .iter()
            .zip(&part.baselines)
            .zip(&caps)
            .map(|((customer_id, baseline), cap)| PackedCap {
                customer_id: *customer_id,
                baseline: *baseline,
                cap: u64::try_from(*cap).unwrap_or(u64::MAX),
            })
            .collect();
        let big = |v: u128| i64::try_from(v).unwrap_or(i64::MAX);
        results.push(allocation_result::ActiveModel {
            computation_id: Set(computation.id),
            wholesaler_id: Set(part.wholesaler_id),
            baseline_total: Set(i64::try_from(h_w).unwrap_or(i64::MAX)),
            supply: Set(big(supply)),
            reserve: Set(big(totals.wholesaler_reserve(h_w))),
            customers: Set(i32::try_from(part.customers.len()).unwrap_or(i32::MAX)),
            caps: Set(packed::pack(&packed_caps)),
        });
    }
    let wholesalers = results.len();
    for chunk in results.chunks(100) {
        allocation_result::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await
            .context("Failed to store the caps")?;
    }
    Ok(Computed {
        version,
        wholesalers,
    })
}

/// Σ purchases of the group in the baseline month per (wholesaler, customer): one pack per
/// (product, wholesaler), read without joins (codes are needed only for tied customers).
async fn read_parts(
    txn: &DatabaseTransaction,
    product_ids: &[i32],
    month: i32,
) -> Result<Vec<Part>, ServiceError> {
    let backend = txn.get_database_backend();
    let mark = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let list: Vec<String> = (0..product_ids.len()).map(|i| mark(i + 2)).collect();
    let sql = format!(
        "SELECT wholesaler_id, purchases FROM purchase_packs WHERE month = {} AND product_id IN ({}) \
         ORDER BY wholesaler_id",
        mark(1),
        list.join(",")
    );
    let mut values: Vec<Value> = vec![month.into()];
    values.extend(product_ids.iter().map(|id| Value::from(*id)));
    let rows = txn
        .query_all(Statement::from_sql_and_values(backend, sql, values))
        .await
        .context("Failed to read the baseline purchases")?;
    let mut parts = Vec::new();
    let mut current: Option<(i32, Vec<Vec<Purchase>>)> = None;
    for row in rows {
        let wholesaler_id: i32 = row
            .try_get_by_index(0)
            .context("Failed to read the baseline purchases")?;
        let bytes: Vec<u8> = row
            .try_get_by_index(1)
            .context("Failed to read the baseline purchases")?;
        let purchases = purchase_pack::unpack(&bytes)?;
        match &mut current {
            Some((w, packs)) if *w == wholesaler_id => packs.push(purchases),
            _ => {
                if let Some((w, packs)) = current.replace((wholesaler_id, vec![purchases])) {
                    parts.push(part_of(w, packs));
                }
            }
        }
    }
    if let Some((w, packs)) = current {
        parts.push(part_of(w, packs));
    }
    Ok(parts)
}

/// One wholesaler's packs (one per product of the group) as customers ascending, each
/// customer's quantities of the several products summed.
fn part_of(wholesaler_id: i32, mut packs: Vec<Vec<Purchase>>) -> Part {
    let purchases = if packs.len() == 1 {
        packs.pop().unwrap_or_default()
    } else {
        let mut all: Vec<Purchase> = packs.concat();
        all.sort_unstable_by_key(|p| p.customer_id);
        all
    };
    let mut part = Part {
        wholesaler_id,
        customers: Vec::with_capacity(purchases.len()),
        baselines: Vec::with_capacity(purchases.len()),
    };
    for p in purchases {
        if part.customers.last() == Some(&p.customer_id) {
            if let Some(last) = part.baselines.last_mut() {
                *last += p.quantity;
            }
        } else {
            part.customers.push(p.customer_id);
            part.baselines.push(p.quantity);
        }
    }
    part
}

#[cfg(test)]
mod tests {
    use super::{Purchase, part_of};

    #[test]
    fn a_wholesalers_packs_give_customers_ascending_with_products_summed() {
        let p = |customer_id, quantity| Purchase {
            customer_id,
            quantity,
        };
        let part = part_of(7, vec![vec![p(3, 1), p(12, 5)], vec![p(9, 0), p(12, 4)]]);
        assert_eq!(part.wholesaler_id, 7);
        assert_eq!(part.customers, [3, 9, 12]);
        assert_eq!(part.baselines, [1, 0, 9]);
        let single = part_of(2, vec![vec![p(4, 8)]]);
        assert_eq!((single.customers, single.baselines), (vec![4], vec![8]));
    }
}
