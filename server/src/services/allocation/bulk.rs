//! Writing many rows fast: multi-row `INSERT … ON CONFLICT DO UPDATE` statements, each as large
//! as the backend's parameter limit allows, inside the caller's transaction.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};

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

/// Rows per purchase statement (sent as one JSON array of about 400 KB).
pub const PURCHASE_BATCH: usize = 20_000;

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

/// Purchases as one statement per batch whose rows travel as a single JSON parameter
/// (`[[product, month, customer, quantity], …]`) that the database unpacks itself: binding six
/// parameters per row through the driver cost more than the database's own work.
const PURCHASES_SQLITE: &str = "INSERT INTO purchases (product_id, month, wholesaler_id, customer_id, quantity, upload_id) \
     SELECT value ->> 0, value ->> 1, ?, value ->> 2, value ->> 3, ? FROM json_each(?) WHERE true \
     ON CONFLICT (product_id, month, wholesaler_id, customer_id) \
     DO UPDATE SET quantity = excluded.quantity, upload_id = excluded.upload_id";

const PURCHASES_POSTGRES: &str = "INSERT INTO purchases (product_id, month, wholesaler_id, customer_id, quantity, upload_id) \
     SELECT (e ->> 0)::int, (e ->> 1)::int, $1, (e ->> 2)::int, (e ->> 3)::bigint, $2 FROM json_array_elements($3::json) AS e \
     ON CONFLICT (product_id, month, wholesaler_id, customer_id) \
     DO UPDATE SET quantity = excluded.quantity, upload_id = excluded.upload_id";

/// Stores `rows` of `wholesaler_id`, replacing the quantity at keys that exist. Each batch is
/// written in key order, so that the table's pages are visited once each.
pub async fn upsert_purchases(
    txn: &DatabaseTransaction,
    wholesaler_id: i32,
    upload_id: i32,
    rows: &[PurchaseRow],
) -> Result<(), ServiceError> {
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => PURCHASES_POSTGRES,
        _ => PURCHASES_SQLITE,
    };
    let mut sorted: Vec<PurchaseRow> = Vec::with_capacity(PURCHASE_BATCH.min(rows.len()));
    let mut json = String::with_capacity(PURCHASE_BATCH * 24);
    for chunk in rows.chunks(PURCHASE_BATCH) {
        sorted.clear();
        sorted.extend_from_slice(chunk);
        sorted.sort_unstable_by_key(|r| (r.product_id, r.month, r.customer_id));
        json.clear();
        json.push('[');
        for (i, r) in sorted.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            let _ = write!(
                json,
                "[{},{},{},{}]",
                r.product_id, r.month, r.customer_id, r.quantity
            );
        }
        json.push(']');
        let values: [Value; 3] = [wholesaler_id.into(), upload_id.into(), json.clone().into()];
        txn.execute(Statement::from_sql_and_values(backend, sql, values))
            .await
            .context("Failed to store purchase history rows")?;
    }
    Ok(())
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
}
