//! Wholesalers' purchase history (販売実績): a whole file of sales per customer, product and
//! month, read from disk twice — once to check every row, once to store them — so a file of
//! millions of rows is never held as text: the check keeps a key per row, the store 16 bytes a
//! row. Any error refuses the file unchanged.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::bulk::{self, PurchaseRow};
use super::table_file::{self, Cells, Format, Layout};
use super::uploads::{self, UploadKind, UploadOutcome, product_ids};
use super::values::{Problems, parse_month, parse_quantity};
use crate::domain::Role;
use crate::domain::product::ProductCode;
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, ServiceError};

/// The columns of a purchase-history file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// 医療機関コード, 薬局コード or the wholesaler's own customer code.
    CustomerCode,
    /// 得意先名.
    CustomerName,
    /// The product's YJ code (or GTIN).
    ProductCode,
    /// `YYYY-MM`.
    Month,
    /// Sales packages sold to the customer that month.
    Quantity,
}

/// The CSV header of the API (DESIGN §9.1).
pub const HEADER: [&str; 5] = [
    "customer_code",
    "customer_name",
    "product_code",
    "month",
    "quantity",
];

const REQUIRED: [(Column, &str); 5] = [
    (Column::CustomerCode, "customer_code（得意先コード）"),
    (Column::CustomerName, "customer_name（得意先名）"),
    (Column::ProductCode, "product_code（製品コード）"),
    (Column::Month, "month（年月）"),
    (Column::Quantity, "quantity（数量）"),
];

/// Knows the API's headings and the Japanese ones wholesalers' systems write.
fn recognise(heading: &str) -> Option<Column> {
    let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match h.as_str() {
        "customer_code" | "得意先コード" | "医療機関コード" | "薬局コード" | "医療機関等コード" => {
            Column::CustomerCode
        }
        "customer_name" | "得意先名" | "医療機関名" | "薬局名" | "医療機関等名称" => {
            Column::CustomerName
        }
        "product_code" | "製品コード" | "YJコード" | "薬価基準収載医薬品コード" | "GTIN" => {
            Column::ProductCode
        }
        "month" | "年月" | "対象月" | "販売月" => Column::Month,
        "quantity" | "数量" | "販売数量" => Column::Quantity,
        _ => return None,
    })
}

/// What the check of the whole file found: its row count and its customers (code → name).
#[derive(Debug)]
struct Checked {
    rows: u64,
    customers: HashMap<String, String>,
}

/// Checks and stores a purchase-history file of the caller's wholesaler: every row is checked
/// first, and only a file without errors is stored, in one transaction, replacing the
/// quantities at the (customer, product, month) keys it contains.
pub async fn upload(
    db: &DatabaseConnection,
    user: &UserContext,
    path: &Path,
    file_name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UploadOutcome, ServiceError> {
    if user.role != Role::Wholesaler {
        return Err(ServiceError::Forbidden(
            "販売実績をアップロードできるのは卸売業者の利用者のみです".into(),
        ));
    }
    let wholesaler_id = user.organization.id;
    let products = Arc::new(product_ids(db).await?);
    let format = table_file::sniff(path)?;
    let checked = {
        let (path, products) = (path.to_path_buf(), Arc::clone(&products));
        tokio::task::spawn_blocking(move || check(&path, format, &products))
            .await
            .map_err(|e| ServiceError::Internal(format!("The file check stopped: {e}")))??
    };
    let txn = db.begin().await.context("Failed to begin the upload")?;
    let upload_id = uploads::record(
        &txn,
        UploadKind::PurchaseHistory,
        user,
        file_name,
        checked.rows,
        now,
    )
    .await?;
    let ids = Arc::new(bulk::upsert_customers(&txn, wholesaler_id, &checked.customers, now).await?);
    let rows = {
        let path: PathBuf = path.to_path_buf();
        tokio::task::spawn_blocking(move || resolve(&path, format, &products, &ids))
            .await
            .map_err(|e| ServiceError::Internal(format!("The file reader stopped: {e}")))??
    };
    let stored = rows.len() as u64;
    bulk::upsert_purchases(&txn, wholesaler_id, upload_id, rows).await?;
    if stored != checked.rows {
        return Err(ServiceError::Internal(format!(
            "The file changed while it was stored: {stored} of {} rows",
            checked.rows
        )));
    }
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "purchase_history.upload",
            target: format!("upload:{upload_id}"),
            detail: Some(format!(
                "{file_name}: {stored} 行、得意先 {} 件",
                checked.customers.len()
            )),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit().await.context("Failed to commit the upload")?;
    Ok(UploadOutcome {
        upload_id,
        rows: stored,
        customers: checked.customers.len(),
    })
}

/// One row's cells, located by the file's headings.
struct RowCells<'a> {
    customer_code: &'a str,
    customer_name: &'a str,
    product_code: &'a str,
    month: &'a str,
    quantity: &'a str,
}

fn cells_of<'a>(layout: &Layout<Column>, cells: &'a dyn Cells) -> RowCells<'a> {
    let at = |c| layout.index(c).map_or("", |i| cells.cell(i));
    RowCells {
        customer_code: at(Column::CustomerCode),
        customer_name: at(Column::CustomerName),
        product_code: at(Column::ProductCode),
        month: at(Column::Month),
        quantity: at(Column::Quantity),
    }
}

/// Pass one: every rule on every row; nothing is stored.
fn check(
    path: &Path,
    format: Format,
    products: &HashMap<String, i32>,
) -> Result<Checked, ServiceError> {
    let mut problems = Problems::default();
    let mut customers: HashMap<String, (u32, String)> = HashMap::new();
    let mut keys: HashSet<u64> = HashSet::new();
    let mut rows = 0u64;
    table_file::read(path, format, recognise, &REQUIRED, |layout, row, cells| {
        rows += 1;
        let c = cells_of(layout, cells);
        let mut problem = |column: Column, field: &str, code: &str, message: String| {
            problems.add(row, field, layout.heading(column), code, message);
        };
        let customer = check_customer(c.customer_code, c.customer_name);
        if let Err((field, message)) = &customer {
            let column = if *field == "customer_code" {
                Column::CustomerCode
            } else {
                Column::CustomerName
            };
            problem(column, field, "customer", message.clone());
        }
        let product = match ProductCode::parse(c.product_code) {
            Ok(code) => {
                let id = products.get(code.as_str()).copied();
                if id.is_none() {
                    problem(
                        Column::ProductCode,
                        "product_code",
                        "unknown_product",
                        format!("製品コード「{}」は製品マスタにありません", c.product_code),
                    );
                }
                id
            }
            Err(e) => {
                problem(Column::ProductCode, "product_code", e.code, e.message);
                None
            }
        };
        let month = parse_month(c.month)
            .map_err(|m| problem(Column::Month, "month", "month", m))
            .ok();
        if let Err(m) = parse_quantity(c.quantity) {
            problem(Column::Quantity, "quantity", "quantity", m);
        }
        if let (Ok(()), Some(product), Some(month)) = (customer, product, month) {
            let next = u32::try_from(customers.len()).unwrap_or(u32::MAX);
            let index = match customers.entry(c.customer_code.to_owned()) {
                Entry::Occupied(mut e) => {
                    c.customer_name.clone_into(&mut e.get_mut().1);
                    e.get().0
                }
                Entry::Vacant(e) => e.insert((next, c.customer_name.to_owned())).0,
            };
            if !keys.insert(row_key(index, product, month)) {
                problem(
                    Column::CustomerCode,
                    "customer_code",
                    "duplicate",
                    format!(
                        "得意先「{}」・製品「{}」・{} の行が重複しています（1 行にまとめてください）",
                        c.customer_code, c.product_code, c.month
                    ),
                );
            }
        }
        true
    })?;
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    if rows == 0 {
        return Err(ServiceError::invalid(crate::services::FieldProblem::new(
            "file",
            "empty",
            "データ行がありません",
        )));
    }
    Ok(Checked {
        rows,
        customers: customers
            .into_iter()
            .map(|(code, (_, name))| (code, name))
            .collect(),
    })
}

/// The key of a (customer, product, month) in one file, packed into 64 bits for the duplicate
/// check: 24 bits of customer, 24 of product id, 16 of month.
fn row_key(customer: u32, product_id: i32, month: i32) -> u64 {
    let product = u64::from(product_id.unsigned_abs()) & 0xFF_FFFF;
    let months_since_2000 = (month / 100 - 2000) * 12 + month % 100;
    let month = u64::from(months_since_2000.unsigned_abs()) & 0xFFFF;
    (u64::from(customer) << 40) | (product << 16) | month
}

fn check_customer(code: &str, name: &str) -> Result<(), (&'static str, String)> {
    if code.is_empty() {
        return Err(("customer_code", "得意先コードが空です".into()));
    }
    if code.chars().count() > 32 || code.chars().any(char::is_control) {
        return Err((
            "customer_code",
            format!("得意先コード「{code}」は 32 文字以内で入力してください"),
        ));
    }
    if name.is_empty() {
        return Err(("customer_name", format!("得意先「{code}」の名称が空です")));
    }
    if name.chars().count() > 200 {
        return Err((
            "customer_name",
            format!("得意先「{code}」の名称は 200 文字以内で入力してください"),
        ));
    }
    Ok(())
}

/// Pass two: the checked file again, resolved to ids (16 bytes a row, so that the rows can be
/// packed per product and month whatever order the file is in).
fn resolve(
    path: &Path,
    format: Format,
    products: &HashMap<String, i32>,
    customers: &HashMap<String, i32>,
) -> Result<Vec<PurchaseRow>, ServiceError> {
    let mut rows = Vec::new();
    let mut failure: Option<String> = None;
    table_file::read(path, format, recognise, &REQUIRED, |layout, row, cells| {
        let c = cells_of(layout, cells);
        let resolved = (|| {
            let product = ProductCode::parse(c.product_code).ok()?;
            Some(PurchaseRow {
                product_id: *products.get(product.as_str())?,
                month: parse_month(c.month).ok()?,
                customer_id: *customers.get(c.customer_code)?,
                quantity: i64::try_from(parse_quantity(c.quantity).ok()?).ok()?,
            })
        })();
        let Some(resolved) = resolved else {
            failure = Some(format!("row {row} no longer reads as it did when checked"));
            return false;
        };
        rows.push(resolved);
        true
    })?;
    if let Some(failure) = failure {
        return Err(ServiceError::Internal(failure));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_keys_differ_for_each_part() {
        let base = row_key(1, 2, 202_505);
        assert_ne!(base, row_key(2, 2, 202_505));
        assert_ne!(base, row_key(1, 3, 202_505));
        assert_ne!(base, row_key(1, 2, 202_506));
    }

    #[test]
    fn japanese_headings_are_recognised() {
        assert_eq!(recognise("医療機関コード"), Some(Column::CustomerCode));
        assert_eq!(recognise("得意先名"), Some(Column::CustomerName));
        assert_eq!(recognise(" 販売数量 "), Some(Column::Quantity));
        assert_eq!(recognise("備考"), None);
    }
}
