//! Filing 供給状況報告: one at a time or a whole file, each report immutable with a receipt
//! number; the product's current status is its latest report, kept in `product_statuses`.

mod check;
pub mod history;
pub mod public;
mod store;
pub mod upload;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::accounts::UserContext;
use super::audit::Actor;
use super::{FieldProblem, ServiceError};
use crate::domain::supply_status::{StatusInput, SupplyStatus};
use check::check;
use store::apply;
pub(crate) use store::{report_ids, report_model, status_model, upsert_statuses};

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
    /// An edition of the ministry's published list (`import supply-list`).
    MinistryList,
}

impl Source {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Form => "form",
            Self::Api => "api",
            Self::Upload => "upload",
            Self::Seed => "seed",
            Self::MinistryList => "ministry_list",
        }
    }

    /// Where the report came from, in Japanese (for the audit log).
    pub(super) fn label_ja(self) -> &'static str {
        match self {
            Self::Form => "画面",
            Self::Api => "API",
            Self::Upload => "ファイル",
            Self::Seed => "生成データ",
            Self::MinistryList => "厚生労働省の一覧",
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
    /// ⑥/⑦ given in the file, to check against the master: (column label, value).
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
