//! The upload pages of the allocation data: a maker's shipment totals (`/my/shipments/upload`)
//! and a wholesaler's purchase history (`/my/purchase-history/upload`); the ministry's weekly
//! dispensing counts and an edition of its list 「医療用医薬品供給状況」 (`/supply-list/upload`). The browser shows the
//! transfer's progress; the whole file is checked before anything is stored, and every error is
//! listed by row and column.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::access::{Maker, Ministry, Wholesaler, genuine};
use super::{Nav, is_htmx, render};
use crate::db::entity::data_upload;
use crate::domain::uploads::UploadKind;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::http::upload;
use crate::services::allocation::uploads;
use crate::services::allocation::{UploadOutcome, purchases, shipments};
use crate::services::early_warning::dispensing;
use crate::services::supply_list;
use crate::services::{FieldProblem, ServiceError};

/// What is uploaded on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// A maker's 出荷数量.
    Shipments,
    /// A wholesaler's 販売実績.
    PurchaseHistory,
    /// The ministry's weekly 調剤数量 (early warning).
    Dispensing,
    /// An edition of the ministry's list 「医療用医薬品供給状況」.
    SupplyList,
}

impl DataKind {
    fn upload_kind(self) -> UploadKind {
        match self {
            Self::Shipments => UploadKind::Shipments,
            Self::PurchaseHistory => UploadKind::PurchaseHistory,
            Self::Dispensing => UploadKind::Dispensing,
            Self::SupplyList => UploadKind::SupplyList,
        }
    }

    /// The page's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Shipments => "出荷数量（実績・予定）のアップロード",
            Self::PurchaseHistory => "販売実績（得意先別）のアップロード",
            Self::Dispensing => "調剤数量（週次・製品別）の取り込み",
            Self::SupplyList => "医療用医薬品供給状況（厚生労働省の一覧）の取り込み",
        }
    }

    /// Where the form posts.
    pub fn path(self) -> &'static str {
        match self {
            Self::Shipments => "/my/shipments/upload",
            Self::PurchaseHistory => "/my/purchase-history/upload",
            Self::Dispensing => "/early-warning/dispensing/upload",
            Self::SupplyList => "/supply-list/upload",
        }
    }

    /// The CSV header expected.
    pub fn header(self) -> String {
        match self {
            Self::Shipments => shipments::HEADER.join(","),
            Self::PurchaseHistory => purchases::HEADER.join(","),
            Self::Dispensing => dispensing::HEADER.join(","),
            Self::SupplyList => "①薬剤区分 … ⑳当該品目の⑫以外の情報を更新した日".to_owned(),
        }
    }

    /// What the "distinct" count of an upload counts.
    pub fn distinct_label(self) -> &'static str {
        match self {
            Self::Shipments | Self::Dispensing => "製品",
            Self::PurchaseHistory => "得意先",
            Self::SupplyList => "状況が変わった品目",
        }
    }
}

/// The page, or (for htmx) only its outcome.
#[derive(Template)]
#[template(path = "allocation/data_upload.html")]
pub struct DataUploadPage {
    nav: Nav,
    csrf_token: String,
    kind: DataKind,
    outcome: Outcome,
    recent: Vec<data_upload::Model>,
}

/// The outcome partial alone (htmx).
#[derive(Template)]
#[template(path = "allocation/data_upload_outcome.html")]
pub struct DataUploadOutcome {
    kind: DataKind,
    outcome: Outcome,
}

/// What the last upload gave.
#[derive(Debug, Default)]
pub struct Outcome {
    file_name: String,
    accepted: Option<UploadOutcome>,
    problems: Vec<FieldProblem>,
}

impl DataUploadPage {
    fn tokyo(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

async fn page_of(
    state: &AppState,
    page: &PageUser,
    kind: DataKind,
    outcome: Outcome,
) -> Result<DataUploadPage, AppError> {
    let recent = uploads::list_for(&state.db, page.user.organization.id, kind.upload_kind(), 10)
        .await
        .map_err(AppError::page)?;
    Ok(DataUploadPage {
        nav: Nav::for_user(page),
        csrf_token: page.csrf_token.clone(),
        kind,
        outcome,
        recent,
    })
}

/// The maker's shipment form.
pub async fn new_shipments_form(
    Maker(page): Maker,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    new_upload_form(&page, &state, DataKind::Shipments).await
}

/// The wholesaler's purchase-history form.
pub async fn new_purchase_history_form(
    Wholesaler(page): Wholesaler,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    new_upload_form(&page, &state, DataKind::PurchaseHistory).await
}

/// The ministry's dispensing-data form.
pub async fn new_dispensing_form(
    Ministry(page): Ministry,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    new_upload_form(&page, &state, DataKind::Dispensing).await
}

/// The ministry's form for an edition of its list.
pub async fn new_supply_list_form(
    Ministry(page): Ministry,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    new_upload_form(&page, &state, DataKind::SupplyList).await
}

/// An edition of the ministry's list.
pub async fn create_supply_list_upload(
    req: HttpRequest,
    Ministry(page): Ministry,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    create_upload(&req, &page, &state, DataKind::SupplyList, payload).await
}

/// The ministry's dispensing file.
pub async fn create_dispensing_upload(
    req: HttpRequest,
    Ministry(page): Ministry,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    create_upload(&req, &page, &state, DataKind::Dispensing, payload).await
}

/// A maker's shipment file.
pub async fn create_shipments_upload(
    req: HttpRequest,
    Maker(page): Maker,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    create_upload(&req, &page, &state, DataKind::Shipments, payload).await
}

/// A wholesaler's purchase-history file.
pub async fn create_purchase_history_upload(
    req: HttpRequest,
    Wholesaler(page): Wholesaler,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    create_upload(&req, &page, &state, DataKind::PurchaseHistory, payload).await
}

/// The empty form with the organisation's recent uploads (the caller checked the role).
async fn new_upload_form(
    page: &PageUser,
    state: &AppState,
    kind: DataKind,
) -> Result<HttpResponse, AppError> {
    render(&page_of(state, page, kind, Outcome::default()).await?)
}

/// Checks and stores the file; shows every problem (status 422 without htmx) or the rows stored
/// (the caller checked the role).
async fn create_upload(
    req: &HttpRequest,
    page: &PageUser,
    state: &AppState,
    kind: DataKind,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let turn = state
        .uploads
        .enter(page.user.user_id)
        .map_err(AppError::page)?;
    let file = upload::read_to_file(payload, &turn)
        .await
        .map_err(AppError::page)?;
    genuine(
        page,
        file.fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let path = file.file.path();
    let limits = &state.settings.table_limits;
    let (user, actor, now) = (&page.user, actor(req, &page.user), chrono::Utc::now());
    let result = match kind {
        DataKind::Shipments => {
            shipments::upload(&state.db, user, path, &file.file_name, limits, &actor, now).await
        }
        DataKind::PurchaseHistory => {
            purchases::upload(&state.db, user, path, &file.file_name, limits, &actor, now).await
        }
        DataKind::Dispensing => {
            dispensing::upload(&state.db, user, path, &file.file_name, limits, &actor, now).await
        }
        DataKind::SupplyList => {
            supply_list::upload(&state.db, user, path, &file.file_name, limits, &actor, now).await
        }
    };
    let mut outcome = Outcome {
        file_name: file.file_name.clone(),
        ..Outcome::default()
    };
    let refused = match result {
        Ok(accepted) => {
            outcome.accepted = Some(accepted);
            None
        }
        Err(ServiceError::Invalid(problems)) => {
            outcome.problems = problems;
            Some(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ServiceError::TooLarge(problems)) => {
            outcome.problems = problems;
            Some(actix_web::http::StatusCode::PAYLOAD_TOO_LARGE)
        }
        Err(other) => return Err(AppError::page(other)),
    };
    if is_htmx(req) {
        // htmx swaps only successful answers: the refusal is a 200 fragment listing the errors.
        return render(&DataUploadOutcome { kind, outcome });
    }
    let mut response = render(&page_of(state, page, kind, outcome).await?)?;
    if let Some(status) = refused {
        *response.status_mut() = status;
    }
    Ok(response)
}
