//! `/api/v1/allocation-plans`: the ministry makes and recomputes plans; the ministry and
//! wholesalers read them and download caps (JSON, CSV, XLSX) — a wholesaler only its own
//! customers; wholesalers record and grant reserve requests.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::allocation_views::{
    CapsResponse, PlanResponse, caps_response, caps_xlsx, plan_response,
};
use crate::http::AppState;
use crate::http::api::public::Format;
use crate::http::download;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::services::allocation::values::month_text;
use crate::services::allocation::{NewPlan, Scope, caps, export, listing, plan_view, plans};

/// A new plan (DESIGN §9.1).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    /// Name shown to wholesalers.
    pub name: String,
    /// The products of the group (YJ codes), e.g. several groups of 鎮咳薬.
    #[serde(default)]
    pub product_codes: Vec<String>,
    /// Or a same-spec group: the first 9 characters of a YJ code.
    pub group_code: Option<String>,
    /// `YYYY-MM`.
    pub target_month: String,
    /// `YYYY-MM`; default the same month a year earlier.
    pub baseline_month: Option<String>,
    /// 0–100, default 0.
    pub reserve_percent: Option<i64>,
    /// The id of the active plan this one replaces (same target month, shared products); the
    /// old plan retires. Without it, an overlapping plan is refused with 409.
    pub supersedes: Option<i32>,
}

/// Which version.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// A version number; the newest when absent.
    pub version: Option<i32>,
}

/// Caps: format, version and a customer search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CapsParams {
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
    /// A version number; the newest when absent.
    pub version: Option<i32>,
    /// Part of a customer's code or name.
    pub q: Option<String>,
}

/// The month export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthParams {
    /// The target month `YYYY-MM`.
    pub month: String,
}

/// One plan in the list (its newest version).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummary {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// `YYYY-MM`.
    pub target_month: String,
    /// `YYYY-MM`.
    pub baseline_month: String,
    /// 0–100.
    pub reserve_percent: i32,
    /// The newest version.
    pub version: i32,
    /// r cut to 4 decimals.
    pub coverage_ratio_text: String,
    /// Wholesalers with a share.
    pub wholesalers: i32,
    /// For a wholesaler: its own supply S in the newest version.
    pub own_supply: Option<i64>,
    /// The plan that replaced this one (its caps are no longer in force).
    pub superseded_by: Option<i32>,
}

/// Plans the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    /// Newest first.
    pub items: Vec<PlanSummary>,
}

/// Makes a plan and computes its first version.
#[utoipa::path(
    tag = "allocation",
    request_body = CreatePlan,
    responses(
        (status = 201, description = "Made and computed", body = PlanResponse),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
        (status = 409, description = "An active plan of the same month shares products (named); say `supersedes`", content_type = "application/problem+json"),
        (status = 422, description = "Unknown products, bad months, or no baseline shipments", content_type = "application/problem+json")
    )
)]
#[post("/allocation-plans")]
pub async fn create_allocation_plan(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<CreatePlan>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let new = NewPlan {
        name: body.name,
        product_codes: body.product_codes,
        group_code: body.group_code,
        target_month: body.target_month,
        baseline_month: body.baseline_month,
        reserve_percent: body.reserve_percent,
        supersedes: body.supersedes,
    };
    let view = plans::create(
        &state.db,
        &state.customer_codes,
        &user,
        new,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(plan_response(&view)))
}

/// Plans: all for the ministry; for a wholesaler, those affecting it.
#[utoipa::path(
    tag = "allocation",
    responses((status = 200, description = "Plans, newest first", body = PlanList))
)]
#[get("/allocation-plans")]
pub async fn list_allocation_plans(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let items = listing::list(&state.db, Scope::of(&user)?)
        .await?
        .into_iter()
        .map(|item| PlanSummary {
            id: item.plan.id,
            coverage_ratio_text: item.coverage_ratio().to_decimal(export::RATIO_PLACES),
            target_month: month_text(item.plan.target_month),
            baseline_month: month_text(item.plan.baseline_month),
            reserve_percent: item.plan.reserve_percent,
            version: item.computation.version,
            wholesalers: item.computation.wholesalers,
            own_supply: item.own_supply,
            superseded_by: item.plan.superseded_by,
            name: item.plan.name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(PlanList { items }))
}

/// One plan at a version, with the wholesalers' figures the caller may see.
#[utoipa::path(
    tag = "allocation",
    params(("id" = i32, Path, description = "Plan id"), VersionParams),
    responses(
        (status = 200, description = "The plan", body = PlanResponse),
        (status = 404, description = "No such plan or version", content_type = "application/problem+json")
    )
)]
#[get("/allocation-plans/{id}")]
pub async fn show_allocation_plan(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    params: web::Query<VersionParams>,
) -> Result<HttpResponse, AppError> {
    let view = plan_view::show(
        &state.db,
        Scope::of(&user)?,
        path.into_inner(),
        params.version,
    )
    .await?;
    Ok(HttpResponse::Ok().json(plan_response(&view)))
}

/// Computes a new version from the data as they are now; earlier versions stay downloadable.
#[utoipa::path(
    tag = "allocation",
    params(("id" = i32, Path, description = "Plan id")),
    responses(
        (status = 201, description = "The new version", body = PlanResponse),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json")
    )
)]
#[post("/allocation-plans/{id}/computations")]
pub async fn create_allocation_computation(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let version = plans::recompute(
        &state.db,
        &state.customer_codes,
        &user,
        id,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    let view = plan_view::show(&state.db, Scope::of(&user)?, id, Some(version)).await?;
    Ok(HttpResponse::Created().json(plan_response(&view)))
}

/// Caps of a plan: a wholesaler gets its own customers; the ministry all, with `wholesaler_id`.
/// CSV (UTF-8 with BOM) has the header `customer_code,customer_name,baseline_quantity,
/// coverage_ratio,quota,cap`.
#[utoipa::path(
    tag = "allocation",
    params(("id" = i32, Path, description = "Plan id"), CapsParams),
    responses(
        (status = 200, description = "JSON, or CSV/XLSX with `format`", content(
            (CapsResponse = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )),
        (status = 403, description = "Neither the ministry nor a wholesaler", content_type = "application/problem+json")
    )
)]
#[get("/allocation-plans/{id}/caps")]
pub async fn list_allocation_caps(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    params: web::Query<CapsParams>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&user)?;
    let view = plan_view::show(&state.db, scope, path.into_inner(), params.version).await?;
    let rows = caps::rows(&state.db, scope, &view, params.q.as_deref()).await?;
    let file = match view.plan.superseded_by {
        Some(by) => format!(
            "caps_plan{}_v{}_superseded_by_plan{by}",
            view.plan.id, view.computation.version
        ),
        None => format!("caps_plan{}_v{}", view.plan.id, view.computation.version),
    };
    let mut response = match params.format.unwrap_or_default() {
        Format::Json => HttpResponse::Ok().json(caps_response(&view, &rows, scope)),
        Format::Csv => download::attachment(
            download::CSV,
            &format!("{file}.csv"),
            export::plan_csv(&rows, view.coverage_ratio(), scope == Scope::All),
        ),
        Format::Xlsx => download::attachment(
            download::XLSX,
            &format!("{file}.xlsx"),
            caps_xlsx(&view, &rows)?,
        ),
    };
    // The CSV's header row is fixed (DESIGN §9.1): a replaced plan says so in the file name
    // and in this header.
    if let Some(by) = view.plan.superseded_by {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-supplywatch-superseded-by"),
            actix_web::http::header::HeaderValue::from(by),
        );
    }
    Ok(response)
}

/// Every plan of a target month in one CSV (plan by plan, streamed): for a wholesaler its own
/// customers, `plan_id,plan_name,customer_code,…,cap`; for the ministry with `wholesaler_id`.
#[utoipa::path(
    tag = "allocation",
    params(MonthParams),
    responses(
        (status = 200, description = "CSV, UTF-8 with BOM", content_type = "text/csv"),
        (status = 403, description = "Neither the ministry nor a wholesaler", content_type = "application/problem+json")
    )
)]
#[get("/allocation-caps")]
pub async fn download_month_caps(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    params: web::Query<MonthParams>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&user)?;
    let month = crate::services::allocation::values::parse_month(&params.month).map_err(|m| {
        crate::services::ServiceError::invalid(crate::services::FieldProblem::new(
            "month", "month", m,
        ))
    })?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        if let Err(e) = export::stream_month(&db, scope, month, sender).await {
            tracing::error!(error = %e, cause = ?e, "the caps export stopped");
        }
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (Ok::<_, actix_web::Error>(web::Bytes::from(chunk)), receiver))
    });
    Ok(HttpResponse::Ok()
        .content_type(download::CSV)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"caps_{}.csv\"", params.month.trim()),
        ))
        .streaming(body))
}
