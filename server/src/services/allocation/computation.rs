//! One computation of a plan: every wholesaler's customers' baselines read in one scan of the
//! purchases, each wholesaler's supply apportioned (customer codes read only for the customers
//! tied at the cut-off), and the version stored with its inputs' newest uploads.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, Set, Statement, Value,
};

use super::packed::{self, PackedCap};
use super::uploads::{self, UploadKind};
use crate::db::entity::{allocation_computation, allocation_plan, allocation_result, customer};
use crate::domain::allocation::{self, PlanTotals, Tie};
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
pub(super) async fn compute(
    txn: &DatabaseTransaction,
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
    let mut apportioned = Vec::with_capacity(parts.len());
    let mut tied_customers = Vec::new();
    for part in &parts {
        let h_w: u64 = part.baselines.iter().sum();
        let supply = totals.wholesaler_supply(h_w);
        let (caps, tie) = allocation::apportion_by_baseline(supply, &part.baselines);
        if let Some(tie) = &tie {
            tied_customers.extend(tie.candidates.iter().map(|i| part.customers[*i]));
        }
        apportioned.push((h_w, supply, caps, tie));
    }
    let codes = customer_codes(txn, &tied_customers).await?;
    let mut results = Vec::with_capacity(parts.len());
    for (part, (h_w, supply, mut caps, tie)) in parts.iter().zip(apportioned) {
        if let Some(tie) = tie {
            settle(tie, &mut caps, part, &codes);
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

fn settle(tie: Tie, caps: &mut [u128], part: &Part, codes: &HashMap<i32, String>) {
    tie.resolve(caps, |i| {
        codes.get(&part.customers[i]).map_or("", String::as_str)
    });
}

/// Σ purchases of the group in the baseline month per (wholesaler, customer), read without
/// joins (codes are not needed for most customers) and summed over the group's products here.
///
/// On SQLite the database packs each wholesaler's rows into one text (`customer:quantity,…`):
/// the driver's cost per row dominated there, and one row per wholesaler halved the time of 300
/// plans (17.1 s → 8.0 s). On PostgreSQL the packed read was not faster in the one run measured
/// (22.8 s against 19.2 s before, though the peer query slowed too, 98 s → 125 s), so it keeps
/// one row per customer until a side-by-side run says otherwise.
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
    let filter = format!(
        "WHERE month = {} AND product_id IN ({})",
        mark(1),
        list.join(",")
    );
    let mut values: Vec<Value> = vec![month.into()];
    values.extend(product_ids.iter().map(|id| Value::from(*id)));
    if backend == DbBackend::Postgres {
        let sql = format!("SELECT wholesaler_id, customer_id, quantity FROM purchases {filter}");
        let rows = txn
            .query_all(Statement::from_sql_and_values(backend, sql, values))
            .await
            .context("Failed to read the baseline purchases")?;
        let flat: Vec<(i32, i32, i64)> = rows
            .into_iter()
            .map(|row| {
                Ok((
                    row.try_get_by_index(0)?,
                    row.try_get_by_index(1)?,
                    row.try_get_by_index(2)?,
                ))
            })
            .collect::<Result<_, sea_orm::DbErr>>()
            .context("Failed to read a baseline purchase")?;
        return Ok(group_rows(flat));
    }
    let sql = format!(
        "SELECT wholesaler_id, group_concat(customer_id || ':' || quantity, ',') FROM purchases \
         {filter} GROUP BY wholesaler_id ORDER BY wholesaler_id"
    );
    let rows = txn
        .query_all(Statement::from_sql_and_values(backend, sql, values))
        .await
        .context("Failed to read the baseline purchases")?;
    let mut parts = Vec::with_capacity(rows.len());
    for row in rows {
        let wholesaler_id: i32 = row
            .try_get_by_index(0)
            .context("Failed to read a baseline purchase")?;
        let text: String = row
            .try_get_by_index(1)
            .context("Failed to read a baseline purchase")?;
        parts.push(unpack_part(wholesaler_id, &text)?);
    }
    Ok(parts)
}

/// (wholesaler, customer, quantity) rows as one part per wholesaler, customers ascending,
/// quantities of the same customer (several products of the group) summed.
fn group_rows(mut flat: Vec<(i32, i32, i64)>) -> Vec<Part> {
    flat.sort_unstable_by_key(|(w, c, _)| (*w, *c));
    let mut parts: Vec<Part> = Vec::new();
    for (w, c, q) in flat {
        let q = u64::try_from(q).unwrap_or(0);
        match parts.last_mut() {
            Some(part) if part.wholesaler_id == w => {
                if part.customers.last() == Some(&c) {
                    if let Some(last) = part.baselines.last_mut() {
                        *last += q;
                    }
                } else {
                    part.customers.push(c);
                    part.baselines.push(q);
                }
            }
            _ => parts.push(Part {
                wholesaler_id: w,
                customers: vec![c],
                baselines: vec![q],
            }),
        }
    }
    parts
}

/// One wholesaler's `customer:quantity,…` as customers ascending, quantities of the same
/// customer (several products of the group) summed.
fn unpack_part(wholesaler_id: i32, text: &str) -> Result<Part, ServiceError> {
    let bad = || {
        ServiceError::Internal(format!(
            "unreadable purchases of wholesaler {wholesaler_id}"
        ))
    };
    let mut pairs: Vec<(i32, u64)> = Vec::with_capacity(text.len() / 10);
    for item in text.split(',') {
        let (c, q) = item.split_once(':').ok_or_else(bad)?;
        let customer: i32 = c.parse().map_err(|_| bad())?;
        let quantity: i64 = q.parse().map_err(|_| bad())?;
        pairs.push((customer, u64::try_from(quantity).unwrap_or(0)));
    }
    // One product's rows come in key order already; several products' rows are merged here.
    pairs.sort_unstable_by_key(|(c, _)| *c);
    let mut part = Part {
        wholesaler_id,
        customers: Vec::with_capacity(pairs.len()),
        baselines: Vec::with_capacity(pairs.len()),
    };
    for (c, q) in pairs {
        if part.customers.last() == Some(&c) {
            if let Some(last) = part.baselines.last_mut() {
                *last += q;
            }
        } else {
            part.customers.push(c);
            part.baselines.push(q);
        }
    }
    Ok(part)
}

/// The codes of `ids`, read in chunks.
async fn customer_codes(
    txn: &DatabaseTransaction,
    ids: &[i32],
) -> Result<HashMap<i32, String>, ServiceError> {
    let mut codes = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(5000) {
        let found: Vec<(i32, String)> = customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .column(customer::Column::Code)
            .filter(customer::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await
            .context("Failed to read customer codes")?;
        codes.extend(found);
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::{group_rows, unpack_part};

    #[test]
    fn a_packed_wholesaler_gives_customers_ascending_with_products_summed() {
        let part = unpack_part(7, "12:5,3:1,12:4,9:0").expect("readable");
        assert_eq!(part.wholesaler_id, 7);
        assert_eq!(part.customers, [3, 9, 12]);
        assert_eq!(part.baselines, [1, 0, 9]);
        assert!(unpack_part(7, "12:5,x").is_err());
    }

    #[test]
    fn rows_and_packed_text_give_the_same_parts() {
        let rows = vec![(2, 12, 5), (1, 3, 1), (2, 12, 4), (2, 9, 2)];
        let parts = group_rows(rows);
        let packed = [
            unpack_part(1, "3:1").expect("readable"),
            unpack_part(2, "12:5,12:4,9:2").expect("readable"),
        ];
        for (a, b) in parts.iter().zip(&packed) {
            assert_eq!(
                (a.wholesaler_id, &a.customers, &a.baselines),
                (b.wholesaler_id, &b.customers, &b.baselines)
            );
        }
        assert_eq!(parts.len(), 2);
    }
}
