//! `POST /api/v1/supply-status-reports` and `/upload`: makers file 供給状況報告 for their own drugs.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::supply_status::StatusInput;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::http::upload;
use crate::services::supply_status::{self, Receipt, Source, StatusRow};

/// One report: ⑫–⑯ for one drug of the caller's own. Blank or null fields stay blank.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSupplyStatusReport {
    /// ⑤ YJ code of the caller's own drug.
    pub product_code: String,
    /// ⑫ `1`–`5`.
    pub shipping_status: String,
    /// ⑬ `1`–`8`; required unless ⑫ is `1`.
    pub reason: Option<String>,
    /// 原因医薬品 (YJ code), only with ⑫ `3`.
    pub causing_product_code: Option<String>,
    /// ⑭ `あり`, `なし` or `未定`.
    pub resolution_outlook: Option<String>,
    /// ⑮ `YYYY-MM`.
    pub resolution_month: Option<String>,
    /// ⑯ `A+`, `A`, `B`, `C`, `D`; `C` contradicts ⑫ `1`.
    pub volume_status: Option<String>,
    /// The list's ⑯ as free text (見込み時期・在庫消尽時期); a month in it fills `resolution_month`.
    pub resolution_note: Option<String>,
    /// The list's ⑱ 改善見込み時期 `a`–`e` (a 即時 … e ３か月超).
    pub improvement_timing: Option<String>,
    /// The list's ⑲ 改善見込み量: percent of today's volume, e.g. `110`.
    pub improvement_percent: Option<String>,
}

/// An accepted report.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplyStatusReceipt {
    /// 受付番号, e.g. `R2026-000123`.
    pub receipt_number: String,
    /// The drug.
    pub product_code: String,
    /// ⑫.
    pub shipping_status: String,
    /// ⑬.
    pub reason: Option<String>,
    /// 原因医薬品.
    pub causing_product_code: Option<String>,
    /// ⑭.
    pub resolution_outlook: Option<String>,
    /// ⑮.
    pub resolution_month: Option<String>,
    /// ⑯.
    pub volume_status: Option<String>,
    /// The list's ⑯ free text.
    pub resolution_note: Option<String>,
    /// The list's ⑱ `a`–`e`.
    pub improvement_timing: Option<String>,
    /// The list's ⑲ (%).
    pub improvement_percent: Option<u16>,
    /// When it was received (RFC 3339).
    pub submitted_at: String,
    /// ⑰ 報告日 (Japan).
    pub reported_on: String,
}

/// The result of an accepted file.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResult {
    /// Reports filed, one per data row.
    pub applied: usize,
    /// Receipt number of the first row.
    pub first_receipt_number: Option<String>,
    /// Receipt number of the last row.
    pub last_receipt_number: Option<String>,
}

/// A multipart form with the file.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart body for the OpenAPI document only"
)]
pub struct UploadForm {
    /// CSV (header `product_code,shipping_status,reason,causing_product_code,resolution_outlook,resolution_month,volume_status`, UTF-8 with or without BOM, or Shift_JIS) or the ministry's XLSX (columns ①–⑱).
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Files one report.
#[utoipa::path(
    tag = "supply-status",
    request_body = CreateSupplyStatusReport,
    responses(
        (status = 201, description = "Accepted and stored", body = SupplyStatusReceipt),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 403, description = "Not a maker, or another maker's product", content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule, by field", content_type = "application/problem+json")
    )
)]
#[post("/supply-status-reports")]
pub async fn create_supply_status_report(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<CreateSupplyStatusReport>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let text = |v: Option<String>| v.unwrap_or_default();
    let row = StatusRow {
        row: None,
        product_code: body.product_code,
        input: StatusInput {
            shipping_status: body.shipping_status,
            reason: text(body.reason),
            causing_product_code: text(body.causing_product_code),
            resolution_outlook: text(body.resolution_outlook),
            resolution_month: text(body.resolution_month),
            volume_status: text(body.volume_status),
            resolution_note: text(body.resolution_note),
            improvement_timing: text(body.improvement_timing),
            improvement_percent: text(body.improvement_percent),
        },
        master_columns: Vec::new(),
    };
    let actor = actor(&req, &user);
    let receipt = supply_status::file_one(
        &state.db,
        &user,
        row,
        Source::Api,
        &actor,
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(receipt_body(receipt)))
}

/// Files a whole file: every row is checked first; any problem refuses the file and nothing is
/// stored; otherwise all rows are stored in one transaction.
#[utoipa::path(
    tag = "supply-status",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Every row stored", body = UploadResult),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 403, description = "Not a maker", content_type = "application/problem+json"),
        (status = 422, description = "Every problem with row and column; nothing stored", content_type = "application/problem+json")
    )
)]
#[post("/supply-status-reports/upload")]
pub async fn upload_supply_status_reports(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let turn = state.uploads.enter(user.user_id)?;
    let upload = upload::read(payload, &turn).await?;
    let mut parsed =
        supply_status::upload::parse_on_pool(upload.bytes, state.settings.table_limits.clone())
            .await?;
    let actor = actor(&req, &user);
    let rows = std::mem::take(&mut parsed.rows);
    let summary = supply_status::file_batch(&state.db, &user, rows, &actor, chrono::Utc::now())
        .await
        .map_err(|e| parsed.label(e))?;
    let (first, last) = summary.receipts.unzip();
    Ok(HttpResponse::Created().json(UploadResult {
        applied: summary.applied,
        first_receipt_number: first,
        last_receipt_number: last,
    }))
}

fn receipt_body(r: Receipt) -> SupplyStatusReceipt {
    SupplyStatusReceipt {
        receipt_number: r.receipt_number,
        product_code: r.product_code,
        shipping_status: r.status.shipping_status.code().to_owned(),
        reason: r.status.reason.map(|x| x.code().to_owned()),
        causing_product_code: r.status.causing_product_code.map(|c| c.as_str().to_owned()),
        resolution_outlook: r.status.resolution_outlook.map(|o| o.code().to_owned()),
        resolution_month: r.status.resolution_month.map(|m| m.to_string()),
        volume_status: r.status.volume_status.map(|v| v.code().to_owned()),
        resolution_note: r.status.resolution_note.clone(),
        improvement_timing: r.status.improvement_timing.map(|t| t.code().to_owned()),
        improvement_percent: r.status.improvement_percent,
        submitted_at: r.submitted_at.to_rfc3339(),
        reported_on: r.reported_on.to_string(),
    }
}
