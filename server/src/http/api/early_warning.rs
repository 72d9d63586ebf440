//! Early warning for the ministry: the dispensing-data import, a product's signals and forecast,
//! the "likely next" list with on-demand runs and mail subscription, and information requests
//! carrying the forecast's figures.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::allocation_data::{DataUploadForm, DataUploadResult};
use super::substitutes::{RequestItem, request_item};
use crate::domain::forecast::Trigger;
use crate::domain::product::ProductCode;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::http::upload;
use crate::services::early_warning::{
    self, GroupSignals, LikelyNext, RunSummary, dispensing, require_ministry, runs, subscriptions,
};
use crate::services::{FieldProblem, ServiceError};

/// One product of the group with its signals and inputs.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberSignalsBody {
    pub code: String,
    pub name: String,
    pub maker_name: Option<String>,
    /// ⑫ and ⑯ (`null` without a report).
    pub shipping_status: Option<String>,
    pub volume_status: Option<String>,
    /// An open confidential 供給不安報告 exists.
    pub at_risk: bool,
    /// Per mille of its volume the forecast takes as lost.
    pub loss_permille: u64,
    /// The months of actual shipments averaged, newest first (`YYYYMM`, packages).
    pub shipment_months: Vec<(i32, i64)>,
    /// ⌊Σ ÷ months⌋.
    pub monthly_shipments: u64,
    /// Share of the group's shipments, per mille.
    pub share_permille: Option<u64>,
    /// Packages dispensed in the recent weeks and in the same weeks a year earlier.
    pub demand_recent: Option<u64>,
    pub demand_year_before: Option<u64>,
    /// recent ÷ year before, per mille.
    pub demand_trend_permille: Option<u64>,
    /// Shipments ÷ dispensing per month, per mille.
    pub supply_cover_permille: Option<u64>,
    /// Declared months of stock, in tenths.
    pub stock_months_tenths: Option<u64>,
}

/// The forecast of one member in normal supply.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutlookBody {
    pub code: String,
    pub monthly_shipments: u64,
    pub extra_demand: u64,
    pub expected_demand: u64,
    pub capacity: u64,
    /// `declared_units`, `declared_percent` or `assumed`.
    pub capacity_source: String,
    pub shortfall: u64,
    pub short_from_weeks: Option<u64>,
    pub likely_next: bool,
}

/// A same-spec group's signals and knock-on forecast.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupSignalsBody {
    pub group_code: String,
    pub members: Vec<MemberSignalsBody>,
    /// Σ lost packages per month.
    pub lost_units: u64,
    /// Σ shipments of the members in normal supply.
    pub remaining_shipments: u64,
    pub outlooks: Vec<OutlookBody>,
}

impl From<GroupSignals> for GroupSignalsBody {
    fn from(g: GroupSignals) -> Self {
        let outlooks = g
            .forecast
            .outlooks
            .iter()
            .map(|o| OutlookBody {
                code: g
                    .members
                    .get(o.key)
                    .map(|m| m.code.clone())
                    .unwrap_or_default(),
                monthly_shipments: o.monthly_shipments,
                extra_demand: o.extra_demand,
                expected_demand: o.expected_demand,
                capacity: o.capacity,
                capacity_source: o.capacity_source.code().to_owned(),
                shortfall: o.shortfall,
                short_from_weeks: o.short_from_weeks,
                likely_next: o.is_likely_next(),
            })
            .collect();
        let members = g
            .members
            .iter()
            .map(|m| MemberSignalsBody {
                code: m.code.clone(),
                name: m.name.clone(),
                maker_name: m.maker_name.clone(),
                shipping_status: m.shipping_status.map(|s| s.code().to_owned()),
                volume_status: m.volume_status.map(|v| v.code().to_owned()),
                at_risk: m.at_risk,
                loss_permille: m.loss.permille(),
                shipment_months: m.shipment_months.clone(),
                monthly_shipments: m.monthly_shipments,
                share_permille: m.share_permille,
                demand_recent: m.demand.as_ref().map(|d| d.recent),
                demand_year_before: m.demand.as_ref().and_then(|d| d.year_before),
                demand_trend_permille: m
                    .demand
                    .as_ref()
                    .and_then(crate::services::early_warning::signals::DemandTrend::permille),
                supply_cover_permille: m.cover_permille(),
                stock_months_tenths: m.declared.stock_months_tenths,
            })
            .collect();
        Self {
            group_code: g.group_code,
            members,
            lost_units: g.forecast.lost_units,
            remaining_shipments: g.forecast.remaining_shipments,
            outlooks,
        }
    }
}

/// Imports weekly dispensing counts (ministry): CSV `product_code,week,quantity` (week
/// `YYYY-Www` or any date of the week; UTF-8 or Shift_JIS) or XLSX; later uploads replace the
/// values at their keys.
#[utoipa::path(
    tag = "early-warning",
    request_body(content = DataUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Every row stored", body = DataUploadResult),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
        (status = 422, description = "Every problem with row and column; nothing stored", content_type = "application/problem+json")
    )
)]
#[post("/dispensing/upload")]
pub async fn upload_dispensing(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    require_ministry(&user)?;
    let turn = state.uploads.enter(user.user_id)?;
    let file = upload::read_to_file(payload, &turn).await?;
    let outcome = dispensing::upload(
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

/// A drug's same-spec group: every member's signals with their inputs and the knock-on
/// forecast (ministry).
#[utoipa::path(
    tag = "early-warning",
    params(("code" = String, Path, description = "YJ code")),
    responses(
        (status = 200, description = "Signals and forecast", body = GroupSignalsBody),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
        (status = 404, description = "Unknown product, or one without a same-spec group", content_type = "application/problem+json")
    )
)]
#[get("/products/{code}/signals")]
pub async fn show_product_signals(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = ProductCode::parse(&path)
        .map_err(|e| ServiceError::invalid(FieldProblem::new("code", e.code, e.message)))?;
    let group = early_warning::for_product(&state.db, &user, &code, chrono::Utc::now())
        .await?
        .ok_or_else(|| ServiceError::NotFound("この製品には同一規格の群がありません".into()))?;
    Ok(HttpResponse::Ok().json(GroupSignalsBody::from(group)))
}

/// One product the newest run lists as likely to go short next.
#[derive(Debug, Serialize, ToSchema)]
pub struct LikelyNextItem {
    pub code: String,
    pub name: String,
    pub maker_name: Option<String>,
    /// The group's product losing the most volume.
    pub source_code: String,
    pub source_name: String,
    pub lost_units: i64,
    pub monthly_shipments: i64,
    pub extra_demand: i64,
    pub expected_demand: i64,
    pub capacity: i64,
    pub capacity_source: String,
    pub shortfall: i64,
    pub short_from_weeks: Option<i64>,
    /// The loss rests on a confidential 供給不安報告.
    pub confidential: bool,
}

impl From<LikelyNext> for LikelyNextItem {
    fn from(l: LikelyNext) -> Self {
        Self {
            code: l.code,
            name: l.name,
            maker_name: l.maker_name,
            source_code: l.source_code,
            source_name: l.source_name,
            lost_units: l.item.lost_units,
            monthly_shipments: l.item.monthly_shipments,
            extra_demand: l.item.extra_demand,
            expected_demand: l.item.expected_demand,
            capacity: l.item.capacity,
            capacity_source: l.item.capacity_source.code().to_owned(),
            shortfall: l.item.shortfall,
            short_from_weeks: l.item.short_from_weeks,
            confidential: l.item.confidential,
        }
    }
}

/// The newest run's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct LikelyNextList {
    /// The run (`null` before the first).
    pub run_id: Option<i32>,
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Largest shortfall first.
    pub items: Vec<LikelyNextItem>,
}

/// The products the newest forecast run lists as likely to go short next (ministry).
#[utoipa::path(
    tag = "early-warning",
    responses(
        (status = 200, description = "The list", body = LikelyNextList),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json")
    )
)]
#[get("/forecasts/likely-next")]
pub async fn list_likely_next(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_ministry(&user)?;
    let latest = runs::latest(&state.db).await?;
    let body = match latest {
        Some((run, rows)) => LikelyNextList {
            run_id: Some(run.id),
            computed_at: Some(run.computed_at),
            items: rows.into_iter().map(LikelyNextItem::from).collect(),
        },
        None => LikelyNextList {
            run_id: None,
            computed_at: None,
            items: Vec::new(),
        },
    };
    Ok(HttpResponse::Ok().json(body))
}

/// What a run found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastRunBody {
    pub run_id: i32,
    pub groups: usize,
    pub likely_next: usize,
    pub added: usize,
    pub removed: usize,
    /// Subscribers mailed about the change.
    pub mailed: u64,
}

impl From<RunSummary> for ForecastRunBody {
    fn from(s: RunSummary) -> Self {
        Self {
            run_id: s.run_id,
            groups: s.groups,
            likely_next: s.likely_next,
            added: s.added,
            removed: s.removed,
            mailed: s.mailed,
        }
    }
}

/// Runs the forecast now over every group losing supply (ministry; the nightly job does the same).
#[utoipa::path(
    tag = "early-warning",
    responses(
        (status = 201, description = "The run", body = ForecastRunBody),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json")
    )
)]
#[post("/forecasts/runs")]
pub async fn create_forecast_run(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_ministry(&user)?;
    let summary = runs::run(&state.db, Trigger::OnDemand, chrono::Utc::now()).await?;
    Ok(HttpResponse::Created().json(ForecastRunBody::from(summary)))
}

/// Mail when the list changes, or not.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastSubscription {
    pub subscribed: bool,
}

/// Subscribes the caller to (or off) mail when the "likely next" list changes (ministry).
#[utoipa::path(
    tag = "early-warning",
    request_body = ForecastSubscription,
    responses(
        (status = 200, description = "The new state", body = ForecastSubscription),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json")
    )
)]
#[put("/forecasts/subscription")]
pub async fn update_forecast_subscription(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<ForecastSubscription>,
) -> Result<HttpResponse, AppError> {
    require_ministry(&user)?;
    let subscribed = subscriptions::set_subscription(
        &state.db,
        user.user_id,
        body.subscribed,
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(ForecastSubscription { subscribed }))
}

/// The requests sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastRequestList {
    pub items: Vec<RequestItem>,
}

/// Sends each maker the forecast lists as likely next an information request with its own
/// expected extra demand (ministry; the confidential report is never named).
#[utoipa::path(
    tag = "early-warning",
    params(("id" = i32, Path, description = "Case id")),
    responses(
        (status = 201, description = "Requests sent (none when nobody is likely next)", body = ForecastRequestList),
        (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
        (status = 404, description = "Unknown case", content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/forecast-requests")]
pub async fn create_forecast_requests(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let sent = early_warning::request_information(
        &state.db,
        &user,
        path.into_inner(),
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(ForecastRequestList {
        items: sent.into_iter().map(request_item).collect(),
    }))
}
