//! Writing many rows fast, inside the caller's transaction: customers as multi-row
//! `INSERT … ON CONFLICT DO UPDATE` statements, purchases merged into their packs
//! ([`crate::db::packed::purchases`]) and written a few hundred packs a statement.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};

use crate::db::packed::{self, Purchase};
use crate::services::{DbContext, ServiceError};

/// One purchase row, resolved to ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurchaseRow {
    /// The product.
    pub product_id: i32,
    /// `YYYYMM`.
    pub month: i32,
    /// The wholesaler's customer.
    pub customer_id: i32,
    /// Sales packages.
    pub quantity: i64,
}

/// Packs per statement: their keys read back in one query, their merged bytes written in one.
const PACK_BATCH: usize = 200;

/// The packs of one wholesaler, by (product, month): each customer's purchases ascending.
pub type Packs = Vec<((i32, i32), Vec<Purchase>)>;

/// `VALUES (…), (…)` with `columns` placeholders per row, numbered for PostgreSQL.
fn values_clause(backend: DbBackend, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ",(" });
        for column in 0..columns {
            if column > 0 {
                sql.push(',');
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    let _ = write!(sql, "${n}");
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// `rows` grouped by (product, month) in key order, each group's customers ascending; of two
/// rows at one key the later wins.
fn group_by_pack(rows: Vec<PurchaseRow>) -> Packs {
    let mut groups: HashMap<(i32, i32), Vec<Purchase>> = HashMap::new();
    for r in rows {
        groups
            .entry((r.product_id, r.month))
            .or_default()
            .push(Purchase {
                customer_id: r.customer_id,
                quantity: u64::try_from(r.quantity).unwrap_or(0),
            });
    }
    let mut packs: Packs = groups.into_iter().collect();
    packs.sort_unstable_by_key(|(key, _)| *key);
    for (_, purchases) in &mut packs {
        // Stable, so that of equal customers the later row comes last and is the one kept.
        purchases.sort_by_key(|p| p.customer_id);
        let mut kept: Vec<Purchase> = Vec::with_capacity(purchases.len());
        for p in purchases.drain(..) {
            match kept.last_mut() {
                Some(last) if last.customer_id == p.customer_id => *last = p,
                _ => kept.push(p),
            }
        }
        *purchases = kept;
    }
    packs
}

/// Stores `rows` of `wholesaler_id`, replacing the quantity at the (customer, product, month)
/// keys they contain and keeping every other customer's: each affected pack is read, merged and
/// written back whole.
pub async fn upsert_purchases(
    txn: &DatabaseTransaction,
    wholesaler_id: i32,
    upload_id: i32,
    rows: Vec<PurchaseRow>,
) -> Result<(), ServiceError> {
    upsert_packs(txn, wholesaler_id, upload_id, group_by_pack(rows)).await
}

/// [`upsert_purchases`] of rows already grouped into packs, each with at most one purchase per
/// customer.
pub async fn upsert_packs(
    txn: &DatabaseTransaction,
    wholesaler_id: i32,
    upload_id: i32,
    packs: Packs,
) -> Result<(), ServiceError> {
    let backend = txn.get_database_backend();
    for chunk in packs.chunks(PACK_BATCH) {
        let stored = stored_packs(txn, wholesaler_id, chunk).await?;
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
        for ((product_id, month), new) in chunk {
            let merged = match stored.get(&(*product_id, *month)) {
                Some(old) => packed::purchases::merge(old, new),
                None => new.clone(),
            };
            let total: u64 = merged.iter().map(|p| p.quantity).sum();
            values.extend([
                (*product_id).into(),
                (*month).into(),
                wholesaler_id.into(),
                i32::try_from(merged.len()).unwrap_or(i32::MAX).into(),
                i64::try_from(total).unwrap_or(i64::MAX).into(),
                packed::purchases::pack(&merged).into(),
                upload_id.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO purchase_packs (product_id, month, wholesaler_id, customers, quantity, purchases, upload_id) \
             VALUES {} ON CONFLICT (product_id, month, wholesaler_id) DO UPDATE SET customers = excluded.customers, \
             quantity = excluded.quantity, purchases = excluded.purchases, upload_id = excluded.upload_id",
            values_clause(backend, chunk.len(), 7)
        );
        txn.execute(Statement::from_sql_and_values(backend, sql, values))
            .await
            .context("Failed to store purchase history")?;
    }
    Ok(())
}

/// The stored purchases of `wholesaler_id` at the packs of `chunk`.
async fn stored_packs(
    txn: &DatabaseTransaction,
    wholesaler_id: i32,
    chunk: &[((i32, i32), Vec<Purchase>)],
) -> Result<HashMap<(i32, i32), Vec<Purchase>>, ServiceError> {
    let backend = txn.get_database_backend();
    let wanted: HashSet<(i32, i32)> = chunk.iter().map(|(key, _)| *key).collect();
    let products: BTreeSet<i32> = wanted.iter().map(|(p, _)| *p).collect();
    let months: BTreeSet<i32> = wanted.iter().map(|(_, m)| *m).collect();
    let mut values: Vec<Value> = vec![wholesaler_id.into()];
    values.extend(products.iter().map(|p| Value::from(*p)));
    values.extend(months.iter().map(|m| Value::from(*m)));
    let marks = |from: usize, n: usize| -> String {
        (from..from + n)
            .map(|i| match backend {
                DbBackend::Postgres => format!("${i}"),
                _ => "?".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let sql = format!(
        "SELECT product_id, month, purchases FROM purchase_packs WHERE wholesaler_id = {} \
         AND product_id IN ({}) AND month IN ({})",
        marks(1, 1),
        marks(2, products.len()),
        marks(2 + products.len(), months.len())
    );
    let rows = txn
        .query_all(Statement::from_sql_and_values(backend, sql, values))
        .await
        .context("Failed to read stored purchase history")?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in rows {
        let key: (i32, i32) = (
            row.try_get_by_index(0)
                .context("Failed to read stored purchase history")?,
            row.try_get_by_index(1)
                .context("Failed to read stored purchase history")?,
        );
        if wanted.contains(&key) {
            let bytes: Vec<u8> = row
                .try_get_by_index(2)
                .context("Failed to read stored purchase history")?;
            stored.insert(key, packed::purchases::unpack(&bytes)?);
        }
    }
    Ok(stored)
}

/// Registers `customers` (code → name) of `wholesaler_id`, renaming those whose name changed,
/// and returns the id of every customer of that wholesaler by code.
pub async fn upsert_customers(
    txn: &DatabaseTransaction,
    wholesaler_id: i32,
    customers: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, i32>, ServiceError> {
    let backend = txn.get_database_backend();
    let entries: Vec<(&String, &String)> = customers.iter().collect();
    for chunk in entries.chunks(5000) {
        let sql = format!(
            "INSERT INTO customers (wholesaler_id, code, name, created_at, updated_at) VALUES {} \
             ON CONFLICT (wholesaler_id, code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at \
             WHERE customers.name <> excluded.name",
            values_clause(backend, chunk.len(), 5)
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for (code, name) in chunk {
            values.extend([
                wholesaler_id.into(),
                (*code).clone().into(),
                (*name).clone().into(),
                now.into(),
                now.into(),
            ]);
        }
        txn.execute(Statement::from_sql_and_values(backend, sql, values))
            .await
            .context("Failed to register customers")?;
    }
    customer_ids(txn, wholesaler_id).await
}

/// Every customer of `wholesaler_id`: code → id.
pub async fn customer_ids(
    db: &impl ConnectionTrait,
    wholesaler_id: i32,
) -> Result<HashMap<String, i32>, ServiceError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT id, code FROM customers WHERE wholesaler_id = $1",
        _ => "SELECT id, code FROM customers WHERE wholesaler_id = ?",
    };
    let rows = db
        .query_all(Statement::from_sql_and_values(
            backend,
            sql,
            [wholesaler_id.into()],
        ))
        .await
        .context("Failed to read customers")?;
    let mut ids = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i32 = row
            .try_get("", "id")
            .context("Failed to read a customer id")?;
        let code: String = row
            .try_get("", "code")
            .context("Failed to read a customer code")?;
        ids.insert(code, id);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_and_plain_for_sqlite() {
        assert_eq!(values_clause(DbBackend::Postgres, 2, 2), "($1,$2),($3,$4)");
        assert_eq!(values_clause(DbBackend::Sqlite, 2, 3), "(?,?,?),(?,?,?)");
    }

    #[test]
    fn rows_group_into_packs_in_key_order_and_the_later_of_two_rows_wins() {
        let row = |product_id, month, customer_id, quantity| PurchaseRow {
            product_id,
            month,
            customer_id,
            quantity,
        };
        let packs = group_by_pack(vec![
            row(2, 202_412, 9, 1),
            row(1, 202_412, 5, 7),
            row(2, 202_412, 3, 4),
            row(2, 202_412, 9, 6),
            row(2, 202_411, 3, 2),
        ]);
        let p = |customer_id, quantity| Purchase {
            customer_id,
            quantity,
        };
        assert_eq!(
            packs,
            vec![
                ((1, 202_412), vec![p(5, 7)]),
                ((2, 202_411), vec![p(3, 2)]),
                ((2, 202_412), vec![p(3, 4), p(9, 6)]),
            ]
        );
    }
}
