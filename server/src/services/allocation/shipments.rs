//! Makers' monthly shipment totals (出荷実績・出荷予定) per product: a whole file, checked in
//! full, then stored in one transaction, replacing the values at the (product, month, kind)
//! keys it contains. A maker files for its own products only.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use super::uploads::{self, UploadOutcome};
use super::values::{Problems, month_text, parse_month, parse_quantity};
use crate::db::entity::{product, shipment};
use crate::domain::Role;
use crate::domain::product::ProductCode;
use crate::domain::uploads::{ShipmentKind, UploadKind};
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::table_file::{self, Cells, Layout, TableFile, TableLimits};
use crate::services::{DbContext, FieldProblem, ServiceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    ProductCode,
    Month,
    Kind,
    Quantity,
}

/// The CSV header of the API (DESIGN §9.1).
pub const HEADER: [&str; 4] = ["product_code", "month", "kind", "quantity"];

const REQUIRED: [(Column, &str); 4] = [
    (Column::ProductCode, "製品コード"),
    (Column::Month, "年月"),
    (Column::Kind, "区分（実績・予定）"),
    (Column::Quantity, "数量"),
];

fn recognise(heading: &str) -> Option<Column> {
    let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match h.as_str() {
        "product_code" | "製品コード" | "YJコード" | "薬価基準収載医薬品コード" | "GTIN" => {
            Column::ProductCode
        }
        "month" | "年月" | "対象月" => Column::Month,
        "kind" | "区分" | "実績/予定" => Column::Kind,
        "quantity" | "数量" | "出荷数量" => Column::Quantity,
        _ => return None,
    })
}

/// Checks and stores a shipment file of the caller's maker.
pub async fn upload(
    db: &DatabaseConnection,
    user: &UserContext,
    path: &Path,
    file_name: &str,
    limits: &TableLimits,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UploadOutcome, ServiceError> {
    if user.role != Role::Manufacturer {
        return Err(ServiceError::Forbidden(
            "出荷数量をアップロードできるのは製造販売業者の利用者のみです".into(),
        ));
    }
    let products = product_makers(db).await?;
    let maker_id = user.organization.id;
    let rows =
        table_file::check_on_pool(path, limits, move |file| check(file, &products, maker_id))
            .await?;
    let txn = db.begin().await.context("Failed to begin the upload")?;
    let upload_id = uploads::record(
        &txn,
        UploadKind::Shipments,
        user,
        file_name,
        rows.len() as u64,
        now,
    )
    .await?;
    let products_in_file: HashSet<i32> = rows.iter().map(|r| r.product_id).collect();
    for chunk in rows.chunks(2000) {
        shipment::Entity::insert_many(chunk.iter().map(|r| shipment::ActiveModel {
            product_id: Set(r.product_id),
            month: Set(r.month),
            kind: Set(r.kind),
            quantity: Set(r.quantity),
            maker_id: Set(maker_id),
            upload_id: Set(upload_id),
        }))
        .on_conflict(
            OnConflict::columns([
                shipment::Column::ProductId,
                shipment::Column::Month,
                shipment::Column::Kind,
            ])
            .update_columns([
                shipment::Column::Quantity,
                shipment::Column::MakerId,
                shipment::Column::UploadId,
            ])
            .to_owned(),
        )
        .exec(&txn)
        .await
        .context("Failed to store shipments")?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "shipments.upload",
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

/// One checked row.
#[derive(Debug, Clone, Copy)]
struct ShipmentRow {
    product_id: i32,
    month: i32,
    kind: ShipmentKind,
    quantity: i64,
}

/// Every product code → (id, maker).
async fn product_makers(
    db: &impl ConnectionTrait,
) -> Result<HashMap<String, (i32, Option<i32>)>, ServiceError> {
    let rows: Vec<(String, i32, Option<i32>)> = product::Entity::find()
        .select_only()
        .column(product::Column::Code)
        .column(product::Column::Id)
        .column(product::Column::MakerId)
        .into_tuple()
        .all(db)
        .await
        .context("Failed to load product codes")?;
    Ok(rows
        .into_iter()
        .map(|(code, id, maker)| (code, (id, maker)))
        .collect())
}

fn check(
    file: &TableFile<'_>,
    products: &HashMap<String, (i32, Option<i32>)>,
    maker_id: i32,
) -> Result<Vec<ShipmentRow>, ServiceError> {
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    let mut keys = HashSet::new();
    table_file::read(file, recognise, &REQUIRED, |layout, row, cells| {
        if let Some(r) = check_row(layout, row, cells, products, maker_id, &mut problems) {
            if keys.insert((r.product_id, r.month, r.kind)) {
                rows.push(r);
            } else {
                problems.add(
                    row,
                    "product_code",
                    layout.heading(Column::ProductCode),
                    "duplicate",
                    format!(
                        "製品「{}」の {} の{}が複数行あります（1 行にまとめてください）",
                        cells.cell(layout.index(Column::ProductCode).unwrap_or(0)),
                        month_text(r.month),
                        if r.kind == ShipmentKind::Actual {
                            "実績"
                        } else {
                            "予定"
                        }
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
    products: &HashMap<String, (i32, Option<i32>)>,
    maker_id: i32,
    problems: &mut Problems,
) -> Option<ShipmentRow> {
    let at = |c| layout.index(c).map_or("", |i| cells.cell(i));
    let mut problem = |column: Column, field: &str, code: &str, message: String| {
        problems.add(row, field, layout.heading(column), code, message);
    };
    let code_text = at(Column::ProductCode);
    let product = match ProductCode::parse(code_text) {
        Ok(code) => match products.get(code.as_str()) {
            Some((id, maker)) if *maker == Some(maker_id) => Some(*id),
            Some(_) => {
                problem(
                    Column::ProductCode,
                    "product_code",
                    "not_own_product",
                    format!("製品「{code_text}」は自社の製品ではありません"),
                );
                None
            }
            None => {
                problem(
                    Column::ProductCode,
                    "product_code",
                    "unknown_product",
                    format!("製品コード「{code_text}」は製品マスタにありません"),
                );
                None
            }
        },
        Err(e) => {
            problem(Column::ProductCode, "product_code", e.code, e.message);
            None
        }
    };
    let month = parse_month(at(Column::Month))
        .map_err(|m| problem(Column::Month, "month", "month", m))
        .ok();
    let kind = ShipmentKind::parse(at(Column::Kind));
    if kind.is_none() {
        problem(
            Column::Kind,
            "kind",
            "kind",
            format!(
                "区分「{}」は 実績 か 予定 で入力してください",
                at(Column::Kind)
            ),
        );
    }
    let quantity = parse_quantity(at(Column::Quantity))
        .map_err(|m| problem(Column::Quantity, "quantity", "quantity", m))
        .ok()
        .and_then(|q| i64::try_from(q).ok());
    Some(ShipmentRow {
        product_id: product?,
        month: month?,
        kind: kind?,
        quantity: quantity?,
    })
}

/// Shipments of `product_ids` in each of `months`, read in one query: (Σ actual, Σ
/// planned-else-actual, products with any row) per month. For each product the planned figure is
/// used where given, else the actual one.
pub async fn month_totals<const N: usize>(
    db: &impl ConnectionTrait,
    product_ids: &[i32],
    months: [i32; N],
) -> Result<[MonthTotals; N], ServiceError> {
    let rows = shipment::Entity::find()
        .filter(shipment::Column::ProductId.is_in(product_ids.iter().copied()))
        .filter(shipment::Column::Month.is_in(months))
        .all(db)
        .await
        .context("Failed to read shipments")?;
    Ok(months.map(|month| totals_in(rows.iter().filter(|r| r.month == month))))
}

fn totals_in<'a>(rows: impl Iterator<Item = &'a shipment::Model>) -> MonthTotals {
    let mut per_product: HashMap<i32, (Option<i64>, Option<i64>)> = HashMap::new();
    for r in rows {
        let entry = per_product.entry(r.product_id).or_default();
        match r.kind {
            ShipmentKind::Actual => entry.0 = Some(r.quantity),
            ShipmentKind::Planned => entry.1 = Some(r.quantity),
        }
    }
    let to_u64 = |q: i64| u64::try_from(q).unwrap_or(0);
    MonthTotals {
        actual: per_product
            .values()
            .filter_map(|(a, _)| *a)
            .map(to_u64)
            .sum(),
        planned_else_actual: per_product
            .values()
            .filter_map(|(a, p)| p.or(*a))
            .map(to_u64)
            .sum(),
        products_with_data: per_product.len(),
    }
}

/// A group's shipments in one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthTotals {
    /// Σ actual.
    pub actual: u64,
    /// Σ planned, or actual where no plan was given.
    pub planned_else_actual: u64,
    /// Products with any figure that month.
    pub products_with_data: usize,
}
