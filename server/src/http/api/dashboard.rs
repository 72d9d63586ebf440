//! `GET /api/v1/dashboard` (ministry and operators): the dashboard's figures as JSON; its charts
//! as SVG or PNG; the weekly summary as XLSX.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use supplywatch_reports::charts::ChartFormat;
use utoipa::IntoParams;

use super::dashboard_body::DashboardResponse;
use crate::http::AppState;
use crate::http::download::{XLSX, attachment};
use crate::http::error::AppError;
use crate::http::identity::ApiUser;
use crate::services::ServiceError;
use crate::services::dashboard::charts::{self, ChartFailure, ChartName};
use crate::services::dashboard::{self, Dashboard, DashboardCache, summary};
use crate::services::products::slice::Filter;

/// The dashboard's filters (blank = all drugs).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct DashboardParams {
    /// 薬剤区分: 内用薬, 注射薬, 外用薬 or 歯科用薬剤.
    pub category: Option<String>,
    /// 製品区分: `originator`, `long_listed`, `generic`, `other` (or the Japanese label).
    #[serde(alias = "class")]
    pub product_class: Option<String>,
    /// The maker's organisation id.
    #[serde(alias = "maker")]
    pub maker_id: Option<i32>,
    /// Part of the 成分名.
    pub ingredient: Option<String>,
}

impl DashboardParams {
    /// The filter, or 422 naming the bad parameter.
    pub fn filter(&self) -> Result<Filter, ServiceError> {
        Filter::parse(
            self.category.as_deref(),
            self.product_class.as_deref(),
            self.maker_id,
            self.ingredient.as_deref(),
        )
    }
}

/// The dashboard of `params` for `user`: 403 unless ministry or admin, 422 for a bad filter.
pub async fn load_for(
    user: &ApiUser,
    state: &AppState,
    cache: &DashboardCache,
    params: &DashboardParams,
) -> Result<std::sync::Arc<Dashboard>, AppError> {
    dashboard::may_view(user.0.role)?;
    let filter = params.filter()?;
    let now = chrono::Utc::now();
    Ok(dashboard::load(
        &state.db,
        cache,
        &filter,
        state.settings.case_overdue_days,
        now,
    )
    .await?)
}

/// The ministry's dashboard.
#[utoipa::path(
    tag = "dashboard",
    params(DashboardParams),
    responses(
        (status = 200, description = "The figures", body = DashboardResponse),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", content_type = "application/problem+json")
    )
)]
#[get("/dashboard")]
pub async fn show_dashboard(
    user: ApiUser,
    state: web::Data<AppState>,
    cache: web::Data<DashboardCache>,
    params: web::Query<DashboardParams>,
) -> Result<HttpResponse, AppError> {
    let found = load_for(&user, &state, &cache, &params).await?;
    // The same figures serialise to the same bytes: kept with them until the data change.
    let key = format!("json|{}|{:?}", found.as_of, found.filter);
    let body = if let Some(body) = cache.artifact(&found.version, &key) {
        body
    } else {
        let body = serde_json::to_vec(&DashboardResponse::from(found.as_ref())).map_err(|e| {
            ServiceError::Internal(format!("Failed to serialise the dashboard: {e}"))
        })?;
        let body = std::sync::Arc::new(body);
        cache.put_artifact(found.version.clone(), key, body.clone());
        body
    };
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body.as_ref().clone()))
}

/// A chart of the dashboard: `status-trend`, `status-mix` or `reasons`, as `.svg` or `.png`.
#[utoipa::path(
    tag = "dashboard",
    params(("file" = String, Path, description = "e.g. status-trend.svg, status-mix.png, reasons.svg"), DashboardParams),
    responses(
        (status = 200, description = "The chart (image/svg+xml or image/png)", content_type = "image/svg+xml"),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
        (status = 404, description = "No such chart", content_type = "application/problem+json"),
        (status = 503, description = "No font with Japanese glyphs is installed", content_type = "application/problem+json")
    )
)]
#[get("/dashboard/charts/{file}")]
pub async fn show_dashboard_chart(
    user: ApiUser,
    state: web::Data<AppState>,
    cache: web::Data<DashboardCache>,
    file: web::Path<String>,
    params: web::Query<DashboardParams>,
) -> Result<HttpResponse, AppError> {
    let unknown = || ServiceError::NotFound(format!("グラフ「{file}」はありません"));
    let (name, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    let name = ChartName::parse(name).ok_or_else(unknown)?;
    let format = ChartFormat::from_extension(ext).ok_or_else(unknown)?;
    let found = load_for(&user, &state, &cache, &params).await?;
    let font = state.settings.chart_font.as_deref();
    match charts::render(&cache, &found, name, format, font) {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type(format.content_type())
            .insert_header(("Cache-Control", "private, max-age=60"))
            .body(bytes.as_ref().clone())),
        Err(ChartFailure::NoFont(message)) => Ok(unavailable(&message)),
        Err(ChartFailure::Draw(e)) => Err(ServiceError::Internal(e.to_string()).into()),
    }
}

/// 503 problem+json saying which font is missing (a chart without Japanese glyphs would show boxes).
fn unavailable(detail: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
        .content_type("application/problem+json")
        .json(serde_json::json!({
            "type": "about:blank",
            "status": 503,
            "title": "グラフを作成できません",
            "detail": detail,
        }))
}

/// The weekly summary for ministry meetings (XLSX with the trend chart), national figures.
#[utoipa::path(
    tag = "dashboard",
    responses(
        (status = 200, description = "The summary", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json")
    )
)]
#[get("/dashboard/weekly-summary.xlsx")]
pub async fn download_weekly_summary(
    user: ApiUser,
    state: web::Data<AppState>,
    cache: web::Data<DashboardCache>,
) -> Result<HttpResponse, AppError> {
    let found = load_for(&user, &state, &cache, &DashboardParams::default()).await?;
    let bytes = summary::write(&found, state.settings.chart_font.as_deref())?;
    Ok(attachment(XLSX, &summary::file_name(&found), bytes))
}
