//! Filing 供給状況報告: one at a time or a whole file, each report immutable with a receipt
//! number; the product's current status is its latest report, kept in `product_statuses`.

pub mod history;
pub mod public;
pub mod upload;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use super::accounts::UserContext;
use super::audit::{self, Actor, AuditEntry};
use super::{DbContext, FieldProblem, ServiceError, receipts};
use crate::db::entity::{product, product_status, supply_status_report};
use crate::domain::supply_status::{StatusInput, SupplyStatus, validate};
use crate::domain::{ProductCode, Role};

/// Rows per insert statement.
const BATCH: usize = 500;

/// How a report arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The web form.
    Form,
    /// `POST /api/v1/supply-status-reports`.
    Api,
    /// A whole file.
    Upload,
    /// Generated history (`seed --scale national`).
    Seed,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Form => "form",
            Self::Api => "api",
            Self::Upload => "upload",
            Self::Seed => "seed",
        }
    }
}

/// One report to file: which product, its status columns, and where it came from in a file.
#[derive(Debug, Clone, Default)]
pub struct StatusRow {
    /// Row of the file (none for a single report).
    pub row: Option<usize>,
    /// ⑤ YJ code as typed.
    pub product_code: String,
    /// ⑫–⑯ as typed.
    pub input: StatusInput,
    /// Columns ①–⑪ given in the file, to check against the master: (column label, value).
    pub master_columns: Vec<(&'static str, String)>,
}

/// A report that was accepted.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// 受付番号.
    pub receipt_number: String,
    /// The product.
    pub product_code: String,
    /// What was filed.
    pub status: SupplyStatus,
    /// When (UTC).
    pub submitted_at: DateTime<Utc>,
    /// ⑰ 報告日 (Asia/Tokyo).
    pub reported_on: NaiveDate,
}

/// What a file did.
#[derive(Debug, Clone)]
pub struct BatchSummary {
    /// Reports filed.
    pub applied: usize,
    /// First and last receipt numbers.
    pub receipts: Option<(String, String)>,
}

/// Files one report for one of the caller's products. 403 for another maker's product.
pub async fn file_one(
    db: &DatabaseConnection,
    user: &UserContext,
    row: StatusRow,
    source: Source,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Receipt, ServiceError> {
    let checked = check(db, user, vec![row], true).await?;
    let mut receipts = apply(db, user, checked, source, actor, now).await?;
    receipts
        .pop()
        .ok_or_else(|| ServiceError::Internal("a filed report produced no receipt".into()))
}

/// Files every row of a file in one transaction, or none: any problem refuses the whole file.
pub async fn file_batch(
    db: &DatabaseConnection,
    user: &UserContext,
    rows: Vec<StatusRow>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BatchSummary, ServiceError> {
    if rows.is_empty() {
        return Err(ServiceError::invalid(FieldProblem::new(
            "file",
            "empty",
            "ファイルにデータ行がありません",
        )));
    }
    let checked = check(db, user, rows, false).await?;
    let receipts = apply(db, user, checked, Source::Upload, actor, now).await?;
    Ok(BatchSummary {
        applied: receipts.len(),
        receipts: receipts
            .first()
            .zip(receipts.last())
            .map(|(a, b)| (a.receipt_number.clone(), b.receipt_number.clone())),
    })
}

/// A row that passed every check, with its product.
struct CheckedRow {
    product: product::Model,
    status: SupplyStatus,
}

/// Validates every row against the rules and the master; collects all problems.
/// `single` makes another maker's product a 403 (one report) instead of a row problem (a file).
async fn check(
    db: &impl ConnectionTrait,
    user: &UserContext,
    rows: Vec<StatusRow>,
    single: bool,
) -> Result<Vec<CheckedRow>, ServiceError> {
    if user.role != Role::Manufacturer {
        return Err(ServiceError::Forbidden(
            "供給状況報告は製造販売業者の利用者のみ提出できます".into(),
        ));
    }
    let mut codes: Vec<String> = Vec::new();
    for row in &rows {
        codes.push(
            crate::domain::validation::normalize_width(&row.product_code).to_ascii_uppercase(),
        );
        codes.push(
            crate::domain::validation::normalize_width(&row.input.causing_product_code)
                .to_ascii_uppercase(),
        );
    }
    let products = products_by_code(db, codes).await?;
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut seen: HashMap<i32, Option<usize>> = HashMap::new();
    for row in rows {
        let at = |p: FieldProblem| match row.row {
            Some(r) => p.at_row(r),
            None => p,
        };
        let before = problems.len();
        let product = match resolve_product(&row.product_code, &products) {
            Ok(found) => Some(found),
            Err(problem) => {
                problems.push(at(problem));
                None
            }
        };
        if let Some(found) = product {
            if found.maker_id != Some(user.organization.id) {
                let message = format!(
                    "{}（{}）は自社（{}）の製品ではありません",
                    found.code, found.name, user.organization.name
                );
                if single {
                    return Err(ServiceError::Forbidden(message));
                }
                problems.push(at(FieldProblem::new(
                    "product_code",
                    "not_own_product",
                    message,
                )));
            }
            if let Some(first) = seen.insert(found.id, row.row) {
                let first = first.map_or_else(String::new, |r| format!("（{r}行目）"));
                problems.push(at(FieldProblem::new(
                    "product_code",
                    "duplicate",
                    format!("{} が同じファイルに2回あります{first}", found.code),
                )));
            }
            problems.extend(
                master_mismatches(found, &row.master_columns)
                    .into_iter()
                    .map(at),
            );
        }
        let status = match validate(&row.input) {
            Ok(status) => Some(status),
            Err(errors) => {
                problems.extend(
                    errors
                        .iter()
                        .map(|(field, e)| at(FieldProblem::from_field_error(field, e))),
                );
                None
            }
        };
        if let Some(cause) = status
            .as_ref()
            .and_then(|s| s.causing_product_code.as_ref())
        {
            if !products.contains_key(cause.as_str()) {
                problems.push(at(FieldProblem::new(
                    "causing_product_code",
                    "not_found",
                    format!("原因医薬品 {cause} は製品マスタにありません"),
                )));
            }
        }
        if let (Some(product), Some(status), true) = (product, status, problems.len() == before) {
            checked.push(CheckedRow {
                product: product.clone(),
                status,
            });
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(ServiceError::Invalid(problems))
    }
}

/// The drug a typed code names, or why it names none.
fn resolve_product<'p>(
    typed: &str,
    products: &'p HashMap<String, product::Model>,
) -> Result<&'p product::Model, FieldProblem> {
    match ProductCode::parse(typed) {
        Ok(ProductCode::Drug(code)) => products.get(code.as_str()).ok_or_else(|| {
            FieldProblem::new(
                "product_code",
                "not_found",
                format!("医薬品コード {code} は製品マスタにありません"),
            )
        }),
        Ok(ProductCode::Device(code)) => Err(FieldProblem::new(
            "product_code",
            "not_a_drug",
            format!(
                "{code} は医療機器・体外診断用医薬品のコードです。供給状況報告は医療用医薬品が対象です"
            ),
        )),
        Err(e) => Err(FieldProblem::from_field_error("product_code", &e)),
    }
}

/// Compares columns ①–⑪ given in a file with the master (width and spacing ignored).
fn master_mismatches(
    found: &product::Model,
    columns: &[(&'static str, String)],
) -> Vec<FieldProblem> {
    let key = |s: &str| crate::domain::validation::normalize_width(s).replace(' ', "");
    columns
        .iter()
        .filter(|(_, given)| !given.trim().is_empty())
        .filter_map(|(label, given)| {
            let master = match *label {
                "①薬剤区分" => found.category.clone(),
                "②薬効分類" => found.therapeutic_class.clone(),
                "③成分名" => found.ingredient.clone(),
                "④規格単位" => found.specification.clone(),
                "⑥品名" => Some(found.name.clone()),
                "⑦製造販売業者名" => found.maker_name.clone(),
                _ => return None,
            }
            .unwrap_or_default();
            let matches = if *label == "②薬効分類" {
                // The form gives a 3-digit class (e.g. 214 血圧降下剤); the code carries 4 digits.
                let digits: String = key(given)
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                !digits.is_empty() && master.starts_with(&digits)
            } else {
                key(given) == key(&master)
            };
            (!matches).then(|| {
                FieldProblem::new(
                    label,
                    "master_mismatch",
                    format!(
                        "{label}「{}」が製品マスタの「{master}」と一致しません",
                        given.trim()
                    ),
                )
            })
        })
        .collect()
}

/// Drug products by code, for the given codes (looked up in chunks).
async fn products_by_code(
    db: &impl ConnectionTrait,
    mut codes: Vec<String>,
) -> Result<HashMap<String, product::Model>, ServiceError> {
    codes.retain(|c| !c.is_empty());
    codes.sort_unstable();
    codes.dedup();
    let mut found = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(2_000) {
        let rows = product::Entity::find()
            .filter(product::Column::Code.is_in(chunk.iter().cloned()))
            .filter(product::Column::Kind.eq("drug"))
            .all(db)
            .await
            .context("Failed to look up products")?;
        found.extend(rows.into_iter().map(|p| (p.code.clone(), p)));
    }
    Ok(found)
}

/// Stores checked rows in one transaction: receipt numbers, reports, current statuses, audit.
async fn apply(
    db: &DatabaseConnection,
    user: &UserContext,
    rows: Vec<CheckedRow>,
    source: Source,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Receipt>, ServiceError> {
    let reported_on = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let txn = db
        .begin()
        .await
        .context("Failed to start storing the reports")?;
    let numbers = receipts::allocate(&txn, rows.len(), now).await?;
    let models: Vec<supply_status_report::ActiveModel> = rows
        .iter()
        .zip(&numbers)
        .map(|(row, number)| {
            report_model(
                number,
                row.product.id,
                user.organization.id,
                Some(user.user_id),
                &row.status,
                now,
                reported_on,
                source,
            )
        })
        .collect();
    for chunk in models.chunks(BATCH) {
        supply_status_report::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .context("Failed to store supply status reports")?;
    }
    let ids = report_ids(&txn, &numbers).await?;
    let statuses: Vec<product_status::ActiveModel> = rows
        .iter()
        .zip(&numbers)
        .filter_map(|(row, number)| {
            Some(status_model(
                row.product.id,
                *ids.get(number)?,
                &row.status,
                reported_on,
            ))
        })
        .collect();
    upsert_statuses(&txn, statuses).await?;
    let target = if rows.len() == 1 {
        rows[0].product.code.clone()
    } else {
        format!("{} products", rows.len())
    };
    let entry = AuditEntry {
        actor,
        action: "supply_status.file",
        target,
        detail: Some(format!(
            "{} report(s) via {}: {}",
            rows.len(),
            source.as_str(),
            numbers.first().cloned().unwrap_or_default()
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the reports")?;
    Ok(rows
        .into_iter()
        .zip(numbers)
        .map(|(row, receipt_number)| Receipt {
            receipt_number,
            product_code: row.product.code,
            status: row.status,
            submitted_at: now,
            reported_on,
        })
        .collect())
}

/// The ids of reports just inserted, by receipt number (one contiguous block).
pub(crate) async fn report_ids(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<HashMap<String, i32>, ServiceError> {
    let (Some(first), Some(last)) = (numbers.first(), numbers.last()) else {
        return Ok(HashMap::new());
    };
    Ok(supply_status_report::Entity::find()
        .select_only()
        .column(supply_status_report::Column::ReceiptNumber)
        .column(supply_status_report::Column::Id)
        .filter(supply_status_report::Column::ReceiptNumber.between(first.clone(), last.clone()))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await
        .context("Failed to read back report ids")?
        .into_iter()
        .collect())
}

/// Inserts or replaces current statuses (one row per product).
pub(crate) async fn upsert_statuses(
    db: &impl ConnectionTrait,
    statuses: Vec<product_status::ActiveModel>,
) -> Result<(), ServiceError> {
    use product_status::Column as C;
    for chunk in statuses.chunks(BATCH) {
        product_status::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(C::ProductId)
                    .update_columns([
                        C::ReportId,
                        C::ShippingStatus,
                        C::Reason,
                        C::CausingProductCode,
                        C::ResolutionOutlook,
                        C::ResolutionMonth,
                        C::VolumeStatus,
                        C::UpdatedOn,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await
            .context("Failed to update current statuses")?;
    }
    Ok(())
}

/// The stored form of one report.
#[expect(clippy::too_many_arguments, reason = "a row has this many columns")]
pub(crate) fn report_model(
    receipt_number: &str,
    product_id: i32,
    maker_id: i32,
    submitted_by: Option<i32>,
    status: &SupplyStatus,
    submitted_at: DateTime<Utc>,
    reported_on: NaiveDate,
    source: Source,
) -> supply_status_report::ActiveModel {
    supply_status_report::ActiveModel {
        receipt_number: Set(receipt_number.to_owned()),
        product_id: Set(product_id),
        maker_id: Set(maker_id),
        submitted_by: Set(submitted_by),
        submitted_at: Set(submitted_at),
        reported_on: Set(reported_on),
        shipping_status: Set(status.shipping_status.code().to_owned()),
        reason: Set(status.reason.map(|r| r.code().to_owned())),
        causing_product_code: Set(status
            .causing_product_code
            .as_ref()
            .map(|c| c.as_str().to_owned())),
        resolution_outlook: Set(status.resolution_outlook.map(|o| o.code().to_owned())),
        resolution_month: Set(status.resolution_month.map(|m| m.to_string())),
        volume_status: Set(status.volume_status.map(|v| v.code().to_owned())),
        source: Set(source.as_str().to_owned()),
        ..Default::default()
    }
}

/// The current-status row of a product after report `report_id`.
pub(crate) fn status_model(
    product_id: i32,
    report_id: i32,
    status: &SupplyStatus,
    updated_on: NaiveDate,
) -> product_status::ActiveModel {
    product_status::ActiveModel {
        product_id: Set(product_id),
        report_id: Set(report_id),
        shipping_status: Set(status.shipping_status.code().to_owned()),
        reason: Set(status.reason.map(|r| r.code().to_owned())),
        causing_product_code: Set(status
            .causing_product_code
            .as_ref()
            .map(|c| c.as_str().to_owned())),
        resolution_outlook: Set(status.resolution_outlook.map(|o| o.code().to_owned())),
        resolution_month: Set(status.resolution_month.map(|m| m.to_string())),
        volume_status: Set(status.volume_status.map(|v| v.code().to_owned())),
        updated_on: Set(updated_on),
    }
}
