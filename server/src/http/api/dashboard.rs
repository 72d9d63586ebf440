//! `GET /api/v1/dashboard` (ministry and operators): the dashboard's figures as JSON; its charts
//! as SVG or PNG; the weekly summary as XLSX.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use supplywatch_reports::charts::ChartFormat;
use utoipa::{IntoParams, ToSchema};

use crate::http::AppState;
use crate::http::download::{XLSX, attachment};
use crate::http::error::AppError;
use crate::http::identity::ApiUser;
use crate::services::ServiceError;
use crate::services::dashboard::charts::{self, ChartFailure, ChartName};
use crate::services::dashboard::{
    self, BreakdownRow, Count, Dashboard, DashboardCache, Filter, summary,
};

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

/// A row of a breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakdownBody {
    /// `generic`, `内用薬`, … or `unset`.
    pub key: String,
    /// Japanese label.
    pub label: String,
    /// Drugs in the row.
    pub total: u64,
    /// ⑫ = 1.
    pub normal: u64,
    /// ⑫ = 2–4.
    pub limited: u64,
    /// ⑫ = 5.
    pub stopped: u64,
    /// No report.
    pub unreported: u64,
}

/// An ingredient with many short drugs.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngredientBody {
    /// 成分名.
    pub ingredient: String,
    /// Its drugs in 限定出荷 or 供給停止.
    pub short: u64,
    /// All its drugs.
    pub total: u64,
}

/// 安定確保医薬品.
#[derive(Debug, Serialize, ToSchema)]
pub struct StableSupplyBody {
    /// Drugs whose category is recorded in the product master (0: not registered yet).
    pub registered: u64,
    /// Per category A/B/C: drugs of the category, and those not in normal supply.
    pub categories: BTreeMap<String, StableCategoryBody>,
    /// 重要供給確保医薬品 (A + B) not in normal supply.
    pub important_not_normal: u64,
}

/// One 安定確保医薬品 category.
#[derive(Debug, Serialize, ToSchema)]
pub struct StableCategoryBody {
    /// Drugs of the category.
    pub total: u64,
    /// Of which not in normal supply.
    pub not_normal: u64,
}

/// A knock-on chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnockOnBody {
    /// 原因医薬品 (null: the makers named none).
    pub causing_product_code: Option<String>,
    /// Its 品名.
    pub causing_product_name: Option<String>,
    /// Its ⑫, when reported.
    pub causing_shipping_status: Option<String>,
    /// The drugs in ⑫ = 3 because of it.
    pub items: Vec<KnockOnItem>,
}

/// A drug of a knock-on chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnockOnItem {
    /// YJ code.
    pub code: String,
    /// 品名.
    pub name: String,
    /// Maker.
    pub maker_name: String,
}

/// One published week.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendBody {
    /// The Friday.
    pub week_ending: String,
    /// Listed drugs.
    pub drugs: u32,
    /// ⑫ 2–4.
    pub limited: u32,
    /// ⑫ 5.
    pub stopped: u32,
}

/// A follow-up figure that rests on other workflows; null until they exist.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeamBody {
    /// How many.
    pub count: u64,
    /// Where the list is.
    pub href: String,
}

/// The ministry's dashboard (DESIGN §9.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardResponse {
    /// The day (Japan), `YYYY-MM-DD`.
    pub as_of: String,
    /// Drugs counted (equals the public status total when unfiltered).
    pub drugs_total: u64,
    /// Drugs by ⑫ code `"1"`–`"5"`, and `"unreported"` for drugs without a report.
    pub shipping_status_counts: BTreeMap<String, u64>,
    /// Drugs by ⑯ code, and `"blank"` for no ⑯ (or no report).
    pub volume_status_counts: BTreeMap<String, u64>,
    /// ⑫ 2–4.
    pub limited_total: u64,
    /// ⑫ 2–5.
    pub short_total: u64,
    /// By 製品区分.
    pub by_product_class: Vec<BreakdownBody>,
    /// By 薬剤区分.
    pub by_category: Vec<BreakdownBody>,
    /// Short drugs by reason group: `raw_materials`, `manufacturing`, `quality`, `other`.
    pub reasons: BTreeMap<String, u64>,
    /// Ingredients with the most short drugs.
    pub top_ingredients: Vec<IngredientBody>,
    /// 安定確保医薬品 not in normal supply.
    pub stable_supply: StableSupplyBody,
    /// Knock-on chains.
    pub knock_on: Vec<KnockOnBody>,
    /// Open cases by state.
    pub open_cases_by_state: BTreeMap<String, u64>,
    /// Overdue open cases by state.
    pub overdue_cases_by_state: BTreeMap<String, u64>,
    /// Open cases by product kind: `drug`, `device`, `ivd`.
    pub open_cases_by_kind: BTreeMap<String, u64>,
    /// Substitute makers' answers not yet read (null until substitute requests exist).
    pub substitute_answers_awaiting: Option<SeamBody>,
    /// Allocation plans in force (null until allocation plans exist).
    pub allocation_plans_in_force: Option<SeamBody>,
    /// National weekly counts, oldest first.
    pub trend: Vec<TrendBody>,
}

fn counts(items: &[Count]) -> BTreeMap<String, u64> {
    items.iter().map(|c| (c.key.clone(), c.value)).collect()
}

fn breakdown(rows: &[BreakdownRow]) -> Vec<BreakdownBody> {
    rows.iter()
        .map(|r| BreakdownBody {
            key: r.key.clone(),
            label: r.label.clone(),
            total: r.total.value,
            normal: r.normal.value,
            limited: r.limited.value,
            stopped: r.stopped.value,
            unreported: r.unreported.value,
        })
        .collect()
}

fn seam(tile: Option<&dashboard::SeamTile>) -> Option<SeamBody> {
    tile.map(|t| SeamBody {
        count: t.value,
        href: t.href.clone(),
    })
}

impl From<&Dashboard> for DashboardResponse {
    fn from(d: &Dashboard) -> Self {
        Self {
            as_of: d.as_of.format("%Y-%m-%d").to_string(),
            drugs_total: d.drugs,
            shipping_status_counts: counts(&d.shipping),
            volume_status_counts: counts(&d.volume),
            limited_total: d.limited.value,
            short_total: d.short.value,
            by_product_class: breakdown(&d.by_class),
            by_category: breakdown(&d.by_category),
            reasons: counts(&d.reasons),
            top_ingredients: d
                .ingredients
                .iter()
                .map(|i| IngredientBody {
                    ingredient: i.ingredient.clone(),
                    short: i.short.value,
                    total: i.total,
                })
                .collect(),
            stable_supply: StableSupplyBody {
                registered: d.stable_supply.registered,
                categories: d
                    .stable_supply
                    .categories
                    .iter()
                    .map(|(c, total)| {
                        (
                            c.key.clone(),
                            StableCategoryBody {
                                total: *total,
                                not_normal: c.value,
                            },
                        )
                    })
                    .collect(),
                important_not_normal: d.stable_supply.important_short,
            },
            knock_on: d
                .knock_on
                .iter()
                .map(|k| KnockOnBody {
                    causing_product_code: k.cause_code.clone(),
                    causing_product_name: k.cause_name.clone(),
                    causing_shipping_status: k.cause_status.map(|s| s.code().to_owned()),
                    items: k
                        .items
                        .iter()
                        .map(|(code, name, maker)| KnockOnItem {
                            code: code.clone(),
                            name: name.clone(),
                            maker_name: maker.clone(),
                        })
                        .collect(),
                })
                .collect(),
            open_cases_by_state: d
                .cases
                .by_state
                .iter()
                .map(|r| (r.state.as_str().to_owned(), r.open))
                .collect(),
            overdue_cases_by_state: d
                .cases
                .by_state
                .iter()
                .map(|r| (r.state.as_str().to_owned(), r.overdue))
                .collect(),
            open_cases_by_kind: [
                ("drug", d.cases.drug),
                ("device", d.cases.device),
                ("ivd", d.cases.ivd),
            ]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect(),
            substitute_answers_awaiting: seam(d.followups.substitute_answers_awaiting.as_ref()),
            allocation_plans_in_force: seam(d.followups.allocation_plans_in_force.as_ref()),
            trend: d
                .trend
                .iter()
                .map(|p| TrendBody {
                    week_ending: p.week_ending.format("%Y-%m-%d").to_string(),
                    drugs: p.drugs,
                    limited: p.limited,
                    stopped: p.stopped,
                })
                .collect(),
        }
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
