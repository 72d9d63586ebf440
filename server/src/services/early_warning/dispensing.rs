//! The ministry's weekly dispensing counts per product (`product_code,week,quantity`, the shape
//! of an e-prescription aggregate): a whole file, checked in full, then stored in one
//! transaction, replacing the values at the (product, week) keys it contains.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait};

use super::weeks::{parse_week, week_key};
use crate::db::entity::dispensing_count;
use crate::domain::Role;
use crate::domain::product::ProductCode;
use crate::domain::uploads::UploadKind;
use crate::services::accounts::UserContext;
use crate::services::allocation::uploads::{self, UploadOutcome};
use crate::services::allocation::values::{Problems, parse_quantity};
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::table_file::{self, Cells, Layout, TableFile, TableLimits};
use crate::services::{DbContext, FieldProblem, ServiceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    ProductCode,
    Week,
    Quantity,
}

/// The CSV header of the API.
pub const HEADER: [&str; 3] = ["product_code", "week", "quantity"];

const REQUIRED: [(Column, &str); 3] = [
    (Column::ProductCode, "製品コード"),
    (Column::Week, "週"),
    (Column::Quantity, "調剤数量"),
];

/// Rows written per statement.
const CHUNK: usize = 2_000;

fn recognise(heading: &str) -> Option<Column> {
    let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match h.as_str() {
        "product_code" | "製品コード" | "YJコード" | "薬価基準収載医薬品コード" => {
            Column::ProductCode
        }
        "week" | "週" | "調剤週" | "週開始日" => Column::Week,
        "quantity" | "数量" | "調剤数量" => Column::Quantity,
        _ => return None,
    })
}

/// One checked row.
#[derive(Debug, Clone, Copy)]
struct DispensingRow {
    product_id: i32,
    week: i32,
    quantity: i64,
}

/// Checks and stores a dispensing file (ministry only).
pub async fn upload(
    db: &DatabaseConnection,
    user: &UserContext,
    path: &Path,
    file_name: &str,
    limits: &TableLimits,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UploadOutcome, ServiceError> {
    if user.role != Role::Ministry {
        return Err(ServiceError::Forbidden(
            "調剤数量を取り込めるのは厚生労働省の利用者のみです".into(),
        ));
    }
    let products = uploads::product_ids(db).await?;
    let rows = table_file::check_on_pool(path, limits, move |file| check(file, &products)).await?;
    let txn = db.begin().await.context("Failed to begin the upload")?;
    let upload_id = uploads::record(
        &txn,
        UploadKind::Dispensing,
        user,
        file_name,
        rows.len() as u64,
        now,
    )
    .await?;
    let products_in_file: HashSet<i32> = rows.iter().map(|r| r.product_id).collect();
    for chunk in rows.chunks(CHUNK) {
        dispensing_count::Entity::insert_many(chunk.iter().map(|r| {
            dispensing_count::ActiveModel {
                product_id: Set(r.product_id),
                week: Set(r.week),
                quantity: Set(r.quantity),
                upload_id: Set(upload_id),
            }
        }))
        .on_conflict(
            OnConflict::columns([
                dispensing_count::Column::ProductId,
                dispensing_count::Column::Week,
            ])
            .update_columns([
                dispensing_count::Column::Quantity,
                dispensing_count::Column::UploadId,
            ])
            .to_owned(),
        )
        .exec(&txn)
        .await
        .context("Failed to store dispensing counts")?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "dispensing.upload",
            target: format!("upload:{upload_id}"),
            detail: Some(format!(
                "{file_name}: {} 行、製品 {} 件",
                rows.len(),
                products_in_file.len()
            )),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit().await.context("Failed to commit the upload")?;
    Ok(UploadOutcome {
        upload_id,
        rows: rows.len() as u64,
        customers: products_in_file.len(),
    })
}

fn check(
    file: &TableFile<'_>,
    products: &HashMap<String, i32>,
) -> Result<Vec<DispensingRow>, ServiceError> {
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    let mut keys = HashSet::new();
    table_file::read(file, recognise, &REQUIRED, |layout, row, cells| {
        if let Some(r) = check_row(layout, row, cells, products, &mut problems) {
            if keys.insert((r.product_id, r.week)) {
                rows.push(r);
            } else {
                problems.add(
                    row,
                    "week",
                    layout.heading(Column::Week),
                    "duplicate",
                    format!(
                        "製品「{}」の週 {} が複数行あります（1 行にまとめてください）",
                        cells.cell(layout.index(Column::ProductCode).unwrap_or(0)),
                        cells.cell(layout.index(Column::Week).unwrap_or(0)),
                    ),
                );
            }
        }
        true
    })?;
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    if rows.is_empty() {
        return Err(ServiceError::invalid(FieldProblem::new(
            "file",
            "empty",
            "データ行がありません",
        )));
    }
    Ok(rows)
}

fn check_row(
    layout: &Layout<Column>,
    row: usize,
    cells: &dyn Cells,
    products: &HashMap<String, i32>,
    problems: &mut Problems,
) -> Option<DispensingRow> {
    let at = |c| layout.index(c).map_or("", |i| cells.cell(i));
    let mut problem = |column: Column, field: &str, code: &str, message: String| {
        problems.add(row, field, layout.heading(column), code, message);
    };
    let code_text = at(Column::ProductCode);
    let product = match ProductCode::parse(code_text) {
        Ok(code) => {
            let id = products.get(code.as_str()).copied();
            if id.is_none() {
                problem(
                    Column::ProductCode,
                    "product_code",
                    "unknown_product",
                    format!("製品コード「{code_text}」は製品マスタにありません"),
                );
            }
            id
        }
        Err(e) => {
            problem(Column::ProductCode, "product_code", e.code, e.message);
            None
        }
    };
    let week = parse_week(at(Column::Week))
        .map_err(|m| problem(Column::Week, "week", "week", m))
        .ok();
    let quantity = parse_quantity(at(Column::Quantity))
        .map_err(|m| problem(Column::Quantity, "quantity", "quantity", m))
        .ok()
        .and_then(|q| i64::try_from(q).ok());
    Some(DispensingRow {
        product_id: product?,
        week: week_key(week?),
        quantity: quantity?,
    })
}
