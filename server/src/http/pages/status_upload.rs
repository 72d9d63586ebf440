//! The maker's whole-file upload page: validate everything, show every error, or apply all rows.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::access::{Maker, genuine};
use super::{Nav, render};
use crate::domain::ProductKind;
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::http::error::{AppError, ErrorKind};
use crate::http::identity::{PageUser, actor};
use crate::http::upload;
use crate::http::{AppState, download};
use crate::services::products::{self, ProductQuery};
use crate::services::supply_status::{self, BatchSummary};
use crate::services::{FieldProblem, ServiceError};

/// The upload page, with the outcome of the last upload.
#[derive(Template)]
#[template(path = "my/upload.html")]
pub struct UploadPage {
    nav: Nav,
    csrf_token: String,
    file_name: String,
    summary: Option<BatchSummary>,
    problems: Vec<FieldProblem>,
}

impl UploadPage {
    /// The template's headings as the page lists them.
    fn template_headings() -> String {
        supply_status::upload::TEMPLATE_HEADINGS.join(",")
    }
}

/// The empty upload form.
pub async fn new_upload_form(page: Maker) -> Result<HttpResponse, AppError> {
    render(&UploadPage {
        nav: Nav::for_user(&page),
        csrf_token: page.csrf_token.clone(),
        file_name: String::new(),
        summary: None,
        problems: Vec::new(),
    })
}

/// Checks the whole file and applies it, or shows every error (status 422) and applies nothing.
pub async fn create_upload(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let turn = state
        .uploads
        .enter(page.user.user_id)
        .map_err(AppError::page)?;
    let upload = upload::read(payload, &turn).await;
    let mut view = UploadPage {
        nav: Nav::for_user(&page),
        csrf_token: page.csrf_token.clone(),
        file_name: String::new(),
        summary: None,
        problems: Vec::new(),
    };
    let outcome = match upload {
        Ok(upload) => {
            genuine(
                &page,
                upload.fields.get("csrf_token").map_or("", String::as_str),
            )?;
            view.file_name = upload.file_name.clone();
            apply(&req, &page, &state, upload.bytes).await
        }
        Err(AppError {
            kind: ErrorKind::Service(error),
            ..
        }) => Err(error),
        Err(other) => return Err(AppError::page(other)),
    };
    match outcome {
        Ok(summary) => {
            view.summary = Some(summary);
            render(&view)
        }
        Err(error @ (ServiceError::Invalid(_) | ServiceError::TooLarge(_))) => {
            let status = if matches!(error, ServiceError::TooLarge(_)) {
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
            } else {
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
            };
            if let ServiceError::Invalid(problems) | ServiceError::TooLarge(problems) = error {
                view.problems = problems;
            }
            let body = view.render().map_err(AppError::page)?;
            Ok(HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(body))
        }
        Err(other) => Err(AppError::page(other)),
    }
}

async fn apply(
    req: &HttpRequest,
    page: &PageUser,
    state: &AppState,
    bytes: Vec<u8>,
) -> Result<BatchSummary, ServiceError> {
    let mut parsed =
        supply_status::upload::parse_on_pool(bytes, state.settings.table_limits.clone()).await?;
    let rows = std::mem::take(&mut parsed.rows);
    supply_status::file_batch(
        &state.db,
        &page.user,
        rows,
        &actor(req, &page.user),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| parsed.label(e))
}

/// A CSV of the maker's own drugs with their current status, in the upload's layout: download,
/// edit in Excel, upload.
pub async fn download_template(
    page: Maker,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let query = ProductQuery {
        maker_id: Some(page.user.organization.id),
        kind: Some(ProductKind::Drug),
        ..ProductQuery::default()
    };
    let own = products::list_all(&state.db, &query)
        .await
        .map_err(AppError::page)?;
    let rows = own.into_iter().map(|p| {
        let s = p.status.as_ref();
        vec![
            p.code.clone(),
            s.map_or("1", |s| s.shipping_status.code()).to_owned(),
            s.and_then(|s| s.reason)
                .map(|r| r.code().to_owned())
                .unwrap_or_default(),
            s.and_then(|s| s.causing_product_code.clone())
                .unwrap_or_default(),
            s.and_then(|s| s.resolution_outlook)
                .map(|o| o.code().to_owned())
                .unwrap_or_default(),
            s.and_then(|s| s.resolution_month.clone())
                .unwrap_or_default(),
            s.map_or(Some("A"), |s| s.volume_status.map(VolumeStatus::code))
                .unwrap_or_default()
                .to_owned(),
            p.name,
        ]
    });
    download::csv(
        "supply-status-template.csv",
        &supply_status::upload::TEMPLATE_HEADINGS,
        rows,
    )
    .map_err(AppError::page)
}

/// The maker's own drugs as the ministry's list (①–⑳, its words): the file a maker already
/// fills in, pre-filled with the current status, to edit and upload as it is.
pub async fn download_list_template(
    page: Maker,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let own = crate::db::entity::product::Entity::find()
        .filter(crate::db::entity::product::Column::MakerId.eq(page.user.organization.id))
        .filter(crate::db::entity::product::Column::Kind.eq(ProductKind::Drug))
        .order_by_asc(crate::db::entity::product::Column::Code)
        .all(&state.db)
        .await
        .map_err(|source| {
            AppError::page(ServiceError::Database {
                context: "Failed to load the maker's drugs",
                source,
            })
        })?;
    let ids: Vec<i32> = own.iter().map(|p| p.id).collect();
    let mut statuses = supply_status::history::current(&state.db, &ids)
        .await
        .map_err(AppError::page)?;
    let rows: Vec<_> = own
        .into_iter()
        .map(|product| {
            let status = statuses.remove(&product.id);
            let mut row = supply_status::public::PublicEntry { product, status }.list_row(false);
            // Never reported: pre-filled as normal supply, as the CSV template does.
            if row.shipping_status.is_empty() {
                ShippingStatus::Normal
                    .ministry_text()
                    .clone_into(&mut row.shipping_status);
                VolumeStatus::A
                    .ministry_text()
                    .clone_into(&mut row.volume_status);
            }
            row
        })
        .collect();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    let bytes = supplywatch_reports::ministry_list::write_xlsx(
        &supplywatch_reports::ministry_list::title(today),
        &rows,
    )
    .map_err(|e| AppError::page(ServiceError::Internal(e.to_string())))?;
    Ok(download::attachment(
        download::XLSX,
        &format!("iyakuhinkyoukyu-{today}.xlsx"),
        bytes,
    ))
}
