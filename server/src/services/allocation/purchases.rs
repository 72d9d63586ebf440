//! Wholesalers' purchase history (販売実績): a whole file of sales per customer, product and
//! month, read once from disk and checked row by row; a file of millions of rows is never held
//! as text, each row only as 16 bytes in its (product, month) pack. Any error refuses the file
//! unchanged; a file without errors is stored in one transaction.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::bulk;
use super::uploads::{self, UploadOutcome, product_ids};
use super::values::{Memo, Problems, month_text, parse_month, parse_quantity};
use crate::db::packed::Purchase;
use crate::domain::Role;
use crate::domain::product::ProductCode;
use crate::domain::uploads::UploadKind;
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::table_file::{self, Cells, Layout, TableFile, TableLimits};
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
    (Column::CustomerCode, "得意先コード"),
    (Column::CustomerName, "得意先名"),
    (Column::ProductCode, "製品コード"),
    (Column::Month, "年月"),
    (Column::Quantity, "数量"),
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

/// One checked purchase in a pack: the customer by its index in the file (ids are known only
/// once the customers are stored), the row it came from and the quantity — 16 bytes a row.
#[derive(Debug, Clone, Copy)]
struct Entry {
    customer: u32,
    row: u32,
    quantity: u64,
}

/// What the one reading of the file found: its row count, its customers (code and name, by
/// index) and every row sorted into its (product, month) pack.
#[derive(Debug)]
struct Checked {
    rows: u64,
    customers: Vec<(String, String)>,
    packs: HashMap<(i32, i32), Vec<Entry>>,
}

/// Checks and stores a purchase-history file of the caller's wholesaler: every row is checked
/// first, and only a file without errors is stored, in one transaction, replacing the
/// quantities at the (customer, product, month) keys it contains.
pub async fn upload(
    db: &DatabaseConnection,
    user: &UserContext,
    path: &Path,
    file_name: &str,
    limits: &TableLimits,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UploadOutcome, ServiceError> {
    if user.role != Role::Wholesaler {
        return Err(ServiceError::Forbidden(
            "販売実績をアップロードできるのは卸売業者の利用者のみです".into(),
        ));
    }
    let wholesaler_id = user.organization.id;
    let products = product_ids(db).await?;
    let checked =
        table_file::check_on_pool(path, limits, move |file| check(file, &products)).await?;
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
    let names: HashMap<String, String> = checked.customers.iter().cloned().collect();
    let ids = bulk::upsert_customers(&txn, wholesaler_id, &names, now).await?;
    let customers = checked.customers.len();
    let packs = tokio::task::spawn_blocking(move || with_ids(checked, &ids))
        .await
        .map_err(|e| ServiceError::Internal(format!("The file's rows were lost: {e}")))??;
    let stored: u64 = packs.iter().map(|(_, p)| p.len() as u64).sum();
    bulk::upsert_packs(&txn, wholesaler_id, upload_id, packs).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "purchase_history.upload",
            target: format!("upload:{upload_id}"),
            detail: Some(format!("{file_name}: {stored} 行、得意先 {customers} 件")),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit().await.context("Failed to commit the upload")?;
    Ok(UploadOutcome {
        upload_id,
        rows: stored,
        customers,
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

/// The one reading of the file: every rule on every row, each row kept as 16 bytes in its pack;
/// nothing is stored. Any problem refuses the whole file.
fn check(file: &TableFile<'_>, products: &HashMap<String, i32>) -> Result<Checked, ServiceError> {
    let mut problems = Problems::default();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut customers: Vec<(String, String)> = Vec::new();
    let mut packs: HashMap<(i32, i32), Vec<Entry>> = HashMap::new();
    let mut product_codes: Memo<Result<i32, (&'static str, String)>> = Memo::default();
    let mut months: Memo<Result<i32, String>> = Memo::default();
    let mut rows = 0u64;
    let layout = table_file::read(file, recognise, &REQUIRED, |layout, row, cells| {
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
        let product = product_codes
            .read(c.product_code, |text| product_id(text, products))
            .map_err(|(code, message)| problem(Column::ProductCode, "product_code", code, message))
            .ok();
        let month = months
            .read(c.month, parse_month)
            .map_err(|m| problem(Column::Month, "month", "month", m))
            .ok();
        let quantity = parse_quantity(c.quantity)
            .map_err(|m| problem(Column::Quantity, "quantity", "quantity", m))
            .unwrap_or(0);
        if let (Ok(()), Some(product), Some(month)) = (customer, product, month) {
            let customer = if let Some(i) = index.get(c.customer_code) {
                let name = &mut customers[*i as usize].1;
                if name != c.customer_name {
                    c.customer_name.clone_into(name);
                }
                *i
            } else {
                let i = u32::try_from(customers.len()).unwrap_or(u32::MAX);
                index.insert(c.customer_code.to_owned(), i);
                customers.push((c.customer_code.to_owned(), c.customer_name.to_owned()));
                i
            };
            packs.entry((product, month)).or_default().push(Entry {
                customer,
                row: u32::try_from(row).unwrap_or(u32::MAX),
                quantity,
            });
        }
        true
    })?;
    let mut codes_of_products: Option<HashMap<i32, &str>> = None;
    for ((product, month), entries) in &mut packs {
        // Within a pack by customer, then row: a customer twice is a duplicate at its later rows.
        entries.sort_unstable_by_key(|e| (e.customer, e.row));
        for pair in entries.windows(2) {
            if pair[0].customer == pair[1].customer {
                let code = &customers[pair[1].customer as usize].0;
                let product_code = codes_of_products
                    .get_or_insert_with(|| {
                        products.iter().map(|(c, id)| (*id, c.as_str())).collect()
                    })
                    .get(product)
                    .copied()
                    .unwrap_or_default();
                problems.add(
                    pair[1].row as usize,
                    "customer_code",
                    layout.heading(Column::CustomerCode),
                    "duplicate",
                    format!(
                        "得意先「{code}」・製品「{product_code}」・{} の行が重複しています（1 行にまとめてください）",
                        month_text(*month)
                    ),
                );
            }
        }
    }
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
        customers,
        packs,
    })
}

/// The product a cell names, or the problem with it.
fn product_id(text: &str, products: &HashMap<String, i32>) -> Result<i32, (&'static str, String)> {
    let code = ProductCode::parse(text).map_err(|e| (e.code, e.message))?;
    products.get(code.as_str()).copied().ok_or_else(|| {
        (
            "unknown_product",
            format!("製品コード「{text}」は製品マスタにありません"),
        )
    })
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

/// The checked packs with the customers' ids (`ids`: code → id, as stored), each pack's
/// customers in ascending id order as packs are kept.
fn with_ids(checked: Checked, ids: &HashMap<String, i32>) -> Result<bulk::Packs, ServiceError> {
    let by_index: Vec<i32> = checked
        .customers
        .iter()
        .map(|(code, _)| {
            ids.get(code)
                .copied()
                .ok_or_else(|| ServiceError::Internal(format!("Customer {code} was not stored")))
        })
        .collect::<Result<_, _>>()?;
    let mut packs: bulk::Packs = checked
        .packs
        .into_iter()
        .map(|(key, entries)| {
            let mut purchases: Vec<Purchase> = entries
                .into_iter()
                .map(|e| Purchase {
                    customer_id: by_index[e.customer as usize],
                    quantity: e.quantity,
                })
                .collect();
            purchases.sort_unstable_by_key(|p| p.customer_id);
            (key, purchases)
        })
        .collect();
    packs.sort_unstable_by_key(|(key, _)| *key);
    Ok(packs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_headings_are_recognised() {
        assert_eq!(recognise("医療機関コード"), Some(Column::CustomerCode));
        assert_eq!(recognise("得意先名"), Some(Column::CustomerName));
        assert_eq!(recognise(" 販売数量 "), Some(Column::Quantity));
        assert_eq!(recognise("備考"), None);
    }
}
