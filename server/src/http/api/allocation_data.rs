//! `POST /api/v1/shipments/upload` (makers) and `/purchase-history/upload` (wholesalers): whole
//! files, streamed to disk, checked in full, stored in one transaction or refused with every error.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::http::upload;
use crate::services::allocation::{UploadOutcome, purchases, shipments};

/// An accepted file.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataUploadResult {
    /// Data rows stored.
    pub rows: u64,
    /// Distinct customers (purchase history) or products (shipments) in the file.
    pub distinct: usize,
    /// The upload's record.
    pub upload_id: i32,
}

impl From<UploadOutcome> for DataUploadResult {
    fn from(o: UploadOutcome) -> Self {
        Self {
            rows: o.rows,
            distinct: o.customers,
            upload_id: o.upload_id,
        }
    }
}

/// A multipart form with the file.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart body for the OpenAPI document only"
)]
pub struct DataUploadForm {
    /// CSV (UTF-8 with or without BOM, or Shift_JIS) or XLSX with a heading row.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// A maker's monthly shipment totals: CSV `product_code,month,kind,quantity` (kind `actual` or
/// `planned`, month `YYYY-MM`), own products only; later uploads replace the values at their keys.
#[utoipa::path(
    tag = "allocation",
    request_body(content = DataUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Every row stored", body = DataUploadResult),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 403, description = "Not a maker", content_type = "application/problem+json"),
        (status = 422, description = "Every problem with row and column; nothing stored", content_type = "application/problem+json")
    )
)]
#[post("/shipments/upload")]
pub async fn upload_shipments(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let turn = state.uploads.enter(user.user_id)?;
    let file = upload::read_to_file(payload, &turn).await?;
    let outcome = shipments::upload(
        &state.db,
        &user,
        file.file.path(),
        &file.file_name,
        &state.settings.table_limits,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(DataUploadResult::from(outcome)))
}

/// A wholesaler's sales per customer: CSV `customer_code,customer_name,product_code,month,quantity`
/// (or Japanese headings, Shift_JIS accepted, or XLSX); millions of rows stream through.
#[utoipa::path(
    tag = "allocation",
    request_body(content = DataUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Every row stored", body = DataUploadResult),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 403, description = "Not a wholesaler", content_type = "application/problem+json"),
        (status = 422, description = "Every problem with row and column (the first 1,000 listed); nothing stored", content_type = "application/problem+json")
    )
)]
#[post("/purchase-history/upload")]
pub async fn upload_purchase_history(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let turn = state.uploads.enter(user.user_id)?;
    let file = upload::read_to_file(payload, &turn).await?;
    let outcome = purchases::upload(
        &state.db,
        &user,
        file.file.path(),
        &file.file_name,
        &state.settings.table_limits,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(DataUploadResult::from(outcome)))
}
