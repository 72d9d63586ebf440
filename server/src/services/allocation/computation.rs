//! One computation of a plan: every wholesaler's customers' baselines read from the group's
//! purchase packs, each wholesaler's supply apportioned on the compute threads (customer codes
//! needed only for the customers tied at the cut-off, and kept in memory once read), and the
//! version stored with its inputs' newest uploads.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, Set, Statement,
    Value,
};

use super::cores;
use super::customer_codes::CustomerCodes;
use super::uploads;
use crate::db::entity::{allocation_computation, allocation_plan, allocation_result};
use crate::db::packed::{self, PackedCap, Purchase};
use crate::domain::allocation::{self, PlanTotals, Tie};
use crate::domain::uploads::UploadKind;
use crate::services::accounts::UserContext;
use crate::services::{DbContext, ServiceError};

/// What one computation stored.
#[derive(Debug, Clone)]
pub(super) struct Computed {
    /// The version's row.
    pub computation: allocation_computation::Model,
    /// Every wholesaler's figures, by wholesaler id (the caps themselves are stored packed).
    pub results: Vec<Figures>,
}

/// One wholesaler's figures in a computation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Figures {
    /// The wholesaler.
    pub wholesaler_id: i32,
    /// `H_w`.
    pub baseline_total: i64,
    /// `S_w`.
    pub supply: i64,
    /// Its reserve.
    pub reserve: i64,
    /// Customers with a baseline.
    pub customers: i32,
}

/// One wholesaler's customers (by id, ascending) and their baselines.
struct Part {
    wholesaler_id: i32,
    customers: Vec<i32>,
    baselines: Vec<u64>,
}

/// One wholesaler's share of a plan: its figures, and its caps packed or, when customers tie at
/// the cut-off whose codes are not in memory yet, the tie still to settle.
struct Share {
    figures: Figures,
    caps: Caps,
}

/// A wholesaler's caps after the arithmetic.
enum Caps {
    /// Final, in the stored format.
    Packed(Vec<u8>),
    /// Still owing `tie`'s units, which need customer codes not yet in memory.
    Tied {
        part: Part,
        caps: Vec<u128>,
        tie: Tie,
    },
}

/// Reads every wholesaler's customers' baselines, apportions and stores version `version`.
#[expect(
    clippy::too_many_arguments,
    reason = "the plan, its inputs and who computes it, each needed once"
)]
pub(super) async fn compute(
    txn: &DatabaseTransaction,
    codes: &Arc<CustomerCodes>,
    plan: &allocation_plan::Model,
    product_ids: &[i32],
    totals: PlanTotals,
    version: i32,
    user: &UserContext,
    now: DateTime<Utc>,
) -> Result<Computed, ServiceError> {
    let packs = read_packs(txn, product_ids, plan.baseline_month).await?;
    // The arithmetic (unpacking, apportioning, packing) runs off the server's request thread,
    // its wholesalers shared over the cores.
    let shares = {
        let codes = Arc::clone(codes);
        tokio::task::spawn_blocking(move || {
            cores::map_on_cores(
                packs,
                |(_, packs)| packs.iter().map(Vec::len).sum(),
                |(wholesaler_id, packs)| share(wholesaler_id, &packs, totals, &codes),
            )
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("The computation stopped: {e}")))?
    };
    let mut results = Vec::with_capacity(shares.len());
    let mut packed_caps = Vec::with_capacity(shares.len());
    for share in shares {
        let Share { figures, caps } = share?;
        let caps = match caps {
            Caps::Packed(bytes) => bytes,
            Caps::Tied {
                part,
                mut caps,
                tie,
            } => {
                let tied: Vec<i32> = tie.candidates.iter().map(|i| part.customers[*i]).collect();
                codes.load(txn, part.wholesaler_id, &tied).await?;
                codes.with(|known| tie.resolve(&mut caps, |i| known.code(part.customers[i])));
                pack(&part, &caps)
            }
        };
        results.push(figures);
        packed_caps.push(caps);
    }
    let customers: i64 = results.iter().map(|f| i64::from(f.customers)).sum();
    let computation = allocation_computation::ActiveModel {
        plan_id: Set(plan.id),
        version: Set(version),
        planned_total: Set(i64::try_from(totals.planned).unwrap_or(i64::MAX)),
        baseline_total: Set(i64::try_from(totals.baseline).unwrap_or(i64::MAX)),
        shipment_upload_id: Set(uploads::latest(txn, UploadKind::Shipments).await?),
        purchase_upload_id: Set(uploads::latest(txn, UploadKind::PurchaseHistory).await?),
        wholesalers: Set(i32::try_from(results.len()).unwrap_or(i32::MAX)),
        customers: Set(customers),
        computed_by: Set(Some(user.user_id)),
        computed_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("Failed to store the computation")?;
    let rows: Vec<allocation_result::ActiveModel> = results
        .iter()
        .zip(packed_caps)
        .map(|(f, caps)| allocation_result::ActiveModel {
            computation_id: Set(computation.id),
            wholesaler_id: Set(f.wholesaler_id),
            baseline_total: Set(f.baseline_total),
            supply: Set(f.supply),
            reserve: Set(f.reserve),
            customers: Set(f.customers),
            caps: Set(caps),
        })
        .collect();
    for chunk in rows.chunks(100) {
        allocation_result::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await
            .context("Failed to store the caps")?;
    }
    Ok(Computed {
        computation,
        results,
    })
}

/// One wholesaler's share: its packs summed per customer and apportioned; a tie at the cut-off
/// settled here when every tied customer's code is already in memory.
fn share(
    wholesaler_id: i32,
    packs: &[Vec<u8>],
    totals: PlanTotals,
    codes: &CustomerCodes,
) -> Result<Share, ServiceError> {
    let purchases = packs
        .iter()
        .map(|bytes| packed::purchases::unpack(bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let part = part_of(wholesaler_id, purchases);
    let h_w: u64 = part.baselines.iter().sum();
    let supply = totals.wholesaler_supply(h_w);
    let big = |v: u128| i64::try_from(v).unwrap_or(i64::MAX);
    let figures = Figures {
        wholesaler_id,
        baseline_total: i64::try_from(h_w).unwrap_or(i64::MAX),
        supply: big(supply),
        reserve: big(totals.wholesaler_reserve(h_w)),
        customers: i32::try_from(part.customers.len()).unwrap_or(i32::MAX),
    };
    let (mut caps, tie) = allocation::apportion_by_baseline(supply, &part.baselines);
    if let Some(tie) = tie {
        let settled =
            codes.with(|known| tie.try_resolve(&mut caps, |i| known.get(part.customers[i])));
        if !settled {
            return Ok(Share {
                figures,
                caps: Caps::Tied { part, caps, tie },
            });
        }
    }
    Ok(Share {
        figures,
        caps: Caps::Packed(pack(&part, &caps)),
    })
}

/// A wholesaler's caps in the stored format.
fn pack(part: &Part, caps: &[u128]) -> Vec<u8> {
    let packed_caps: Vec<PackedCap> = part
        .customers
        .iter()
        .zip(&part.baselines)
        .zip(caps)
        .map(|((customer_id, baseline), cap)| PackedCap {
            customer_id: *customer_id,
            baseline: *baseline,
            cap: u64::try_from(*cap).unwrap_or(u64::MAX),
        })
        .collect();
    packed::caps::pack(&packed_caps)
}

/// The group's packs of the baseline month, one per (product, wholesaler), grouped by wholesaler
/// in id order, read without joins (codes are needed only for tied customers).
async fn read_packs(
    txn: &DatabaseTransaction,
    product_ids: &[i32],
    month: i32,
) -> Result<Vec<(i32, Vec<Vec<u8>>)>, ServiceError> {
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
    let mut grouped: Vec<(i32, Vec<Vec<u8>>)> = Vec::new();
    for row in rows {
        let wholesaler_id: i32 = row
            .try_get_by_index(0)
            .context("Failed to read the baseline purchases")?;
        let bytes: Vec<u8> = row
            .try_get_by_index(1)
            .context("Failed to read the baseline purchases")?;
        match grouped.last_mut() {
            Some((w, packs)) if *w == wholesaler_id => packs.push(bytes),
            _ => grouped.push((wholesaler_id, vec![bytes])),
        }
    }
    Ok(grouped)
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
