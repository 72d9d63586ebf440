//! The ministry's early-warning pages: the "likely next" list (`/early-warning`) with on-demand
//! runs and the mail subscription, and the signals-and-forecast card shown on product and case
//! pages, every figure with the arithmetic behind it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Ministry, NoFields, PageForm};
use super::{Nav, render};
use crate::domain::forecast::{CapacitySource, HORIZON_WEEKS, Loss, Trigger};
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::early_warning::{
    self, GroupSignals, LikelyNext, MemberSignals, daily_list, runs, subscriptions,
};

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Per mille as a percentage with one decimal: `1123` → `112.3%`.
pub fn percent(permille: u64) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

/// A signed database figure for display (negative figures do not occur; shown as 0).
fn grouped_i64(n: i64) -> String {
    grouped(u64::try_from(n).unwrap_or(0))
}

/// One row of the signals table.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub code: String,
    pub name: String,
    pub maker: String,
    pub status: String,
    pub at_risk: bool,
    pub loss: &'static str,
    pub losing: bool,
    pub shipments: String,
    pub shipment_inputs: String,
    pub share: String,
    pub trend: String,
    pub cover: String,
    pub stock: String,
}

/// One row of the forecast table.
#[derive(Debug, Clone)]
pub struct OutlookRow {
    pub code: String,
    pub name: String,
    pub maker: String,
    pub extra: String,
    pub expected: String,
    pub capacity: String,
    pub shortfall: String,
    pub from: String,
    pub likely: bool,
}

/// The signals-and-forecast card of one group.
#[derive(Debug, Clone)]
pub struct SignalsView {
    pub group_code: String,
    pub members: Vec<MemberRow>,
    pub lost: String,
    pub remaining: String,
    pub outlooks: Vec<OutlookRow>,
    pub likely_count: usize,
    pub horizon_weeks: u64,
}

fn status_text(m: &MemberSignals) -> String {
    let shipping = m
        .shipping_status
        .map_or("報告なし", ShippingStatus::label_ja);
    let volume = m.volume_status.map(VolumeStatus::label_ja);
    match volume {
        Some(v) => format!("{shipping}／⑰{v}"),
        None => shipping.to_owned(),
    }
}

fn member_row(m: &MemberSignals) -> MemberRow {
    let months: Vec<String> = m
        .shipment_months
        .iter()
        .map(|(month, q)| format!("{}-{:02}: {}", month / 100, month % 100, grouped_i64(*q)))
        .collect();
    let trend = m.demand.as_ref().map_or_else(
        || "調剤データなし".to_owned(),
        |d| match (d.permille(), d.year_before) {
            (Some(p), Some(b)) => format!(
                "{}（{}〜{} の {} ÷ 前年同週 {}）",
                percent(p),
                d.from,
                d.to,
                grouped(d.recent),
                grouped(b)
            ),
            _ => format!("直近 {} 包装（前年同週のデータなし）", grouped(d.recent)),
        },
    );
    MemberRow {
        code: m.code.clone(),
        name: m.name.clone(),
        maker: m
            .maker_name
            .clone()
            .unwrap_or_else(|| "（統一名収載品）".into()),
        status: status_text(m),
        at_risk: m.at_risk,
        loss: m.loss.label_ja(),
        losing: m.loss != Loss::None,
        shipments: grouped(m.monthly_shipments),
        shipment_inputs: if months.is_empty() {
            "出荷実績なし".into()
        } else {
            format!("{} の平均", months.join("、"))
        },
        share: m.share_permille.map_or_else(|| "—".into(), percent),
        trend,
        cover: m.cover_permille().map_or_else(|| "—".into(), percent),
        stock: m.declared.stock_months_tenths.map_or_else(
            || "回答なし".into(),
            |t| format!("{}.{} か月", t / 10, t % 10),
        ),
    }
}

impl SignalsView {
    /// The card for a group.
    pub fn of(g: &GroupSignals) -> Self {
        let lost = g.forecast.lost_units;
        let remaining = g.forecast.remaining_shipments;
        let outlooks: Vec<OutlookRow> = g
            .forecast
            .outlooks
            .iter()
            .filter_map(|o| {
                let m = g.members.get(o.key)?;
                let extra = if remaining == 0 {
                    format!(
                        "{} ÷ {}社 = {}",
                        grouped(lost),
                        g.forecast.outlooks.len(),
                        grouped(o.extra_demand)
                    )
                } else {
                    format!(
                        "⌊{} × {} ÷ {}⌋ = {}",
                        grouped(lost),
                        grouped(o.monthly_shipments),
                        grouped(remaining),
                        grouped(o.extra_demand)
                    )
                };
                let source = o.capacity_source.label_ja();
                Some(OutlookRow {
                    code: m.code.clone(),
                    name: m.name.clone(),
                    maker: m
                        .maker_name
                        .clone()
                        .unwrap_or_else(|| "（統一名収載品）".into()),
                    extra,
                    expected: format!(
                        "{} + {} = {}",
                        grouped(o.monthly_shipments),
                        grouped(o.extra_demand),
                        grouped(o.expected_demand)
                    ),
                    capacity: format!("{}（{source}）", grouped(o.capacity)),
                    shortfall: if o.shortfall == 0 {
                        "不足なし".into()
                    } else {
                        format!(
                            "{}（需要の {}）",
                            grouped(o.shortfall),
                            percent(o.shortfall_permille())
                        )
                    },
                    from: o
                        .short_from_weeks
                        .map_or_else(|| "—".into(), |w| format!("約 {w} 週後から")),
                    likely: o.is_likely_next(),
                })
            })
            .collect();
        Self {
            group_code: g.group_code.clone(),
            members: g.members.iter().map(member_row).collect(),
            lost: grouped(lost),
            remaining: grouped(remaining),
            likely_count: outlooks.iter().filter(|o| o.likely).count(),
            outlooks,
            horizon_weeks: HORIZON_WEEKS,
        }
    }
}

/// A "likely next" row of the list page.
#[derive(Debug, Clone)]
pub struct LikelyRow {
    pub code: String,
    pub name: String,
    pub maker: String,
    pub source_code: String,
    pub source_name: String,
    pub extra: String,
    pub expected: String,
    pub capacity: String,
    pub shortfall: String,
    pub from: String,
    pub confidential: bool,
}

impl From<&LikelyNext> for LikelyRow {
    fn from(l: &LikelyNext) -> Self {
        let i = &l.item;
        Self {
            code: l.code.clone(),
            name: l.name.clone(),
            maker: l.maker_name.clone().unwrap_or_default(),
            source_code: l.source_code.clone(),
            source_name: l.source_name.clone(),
            extra: grouped_i64(i.extra_demand),
            expected: format!(
                "{} + {} = {}",
                grouped_i64(i.monthly_shipments),
                grouped_i64(i.extra_demand),
                grouped_i64(i.expected_demand)
            ),
            capacity: format!(
                "{}{}",
                grouped_i64(i.capacity),
                if i.capacity_source == CapacitySource::Assumed {
                    "（仮定 +10%）"
                } else {
                    "（回答）"
                }
            ),
            shortfall: format!(
                "{}（{}）",
                grouped_i64(i.shortfall),
                percent(u64::try_from(l.shortfall_permille()).unwrap_or(0))
            ),
            from: i
                .short_from_weeks
                .map_or_else(|| "—".into(), |w| format!("約 {w} 週後")),
            confidential: i.confidential,
        }
    }
}

/// A row of the day's early-warning list.
#[derive(Debug, Clone)]
pub struct WarnedRow {
    pub rank: i32,
    pub code: String,
    pub name: String,
    pub maker: String,
    pub score: String,
    pub reasons: Vec<String>,
}

/// A hit: a warned drug that later moved into ③.
#[derive(Debug, Clone)]
pub struct HitRow {
    pub code: String,
    pub name: String,
    pub warned_on: String,
    pub moved_on: String,
    pub lead_days: i64,
}

/// `/early-warning`.
#[derive(Template)]
#[template(path = "early_warning/index.html")]
pub struct EarlyWarningPage {
    nav: Nav,
    csrf_token: String,
    computed_at: Option<String>,
    groups: i32,
    rows: Vec<LikelyRow>,
    subscribed: bool,
    horizon_weeks: u64,
    list_day: Option<String>,
    warned: Vec<WarnedRow>,
    record_since: Option<String>,
    record_warned: usize,
    hits: Vec<HitRow>,
}

/// The "likely next" list of the newest run.
pub async fn show_early_warning(
    page: Ministry,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let latest = runs::latest(&state.db).await.map_err(AppError::page)?;
    let subscribed = subscriptions::is_subscribed(&state.db, page.user.user_id)
        .await
        .map_err(AppError::page)?;
    let day_list = daily_list::latest(&state.db)
        .await
        .map_err(AppError::page)?;
    let record = daily_list::record(&state.db)
        .await
        .map_err(AppError::page)?;
    let (computed_at, groups, rows) = match &latest {
        Some((run, rows)) => (
            Some(
                run.computed_at
                    .with_timezone(&chrono_tz::Asia::Tokyo)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            ),
            run.groups,
            rows.iter().map(LikelyRow::from).collect(),
        ),
        None => (None, 0, Vec::new()),
    };
    render(&EarlyWarningPage {
        nav: Nav::for_user(&page),
        csrf_token: page.csrf_token.clone(),
        computed_at,
        groups,
        rows,
        subscribed,
        horizon_weeks: HORIZON_WEEKS,
        list_day: day_list.as_ref().map(|l| l.day.to_string()),
        warned: day_list.map_or_else(Vec::new, |l| {
            l.rows
                .iter()
                .map(|w| WarnedRow {
                    rank: w.rank,
                    code: w.code.clone(),
                    name: w.name.clone(),
                    maker: w.maker.clone().unwrap_or_default(),
                    score: daily_list::score_text(w),
                    reasons: w.reasons.clone(),
                })
                .collect()
        }),
        record_since: record.since.map(|d| d.to_string()),
        record_warned: record.warned,
        hits: record
            .hits
            .iter()
            .map(|h| HitRow {
                code: h.code.clone(),
                name: h.name.clone(),
                warned_on: h.warned_on.to_string(),
                moved_on: h.moved_on.to_string(),
                lead_days: (h.moved_on - h.warned_on).num_days(),
            })
            .collect(),
    })
}

/// The subscription switch.
#[derive(Debug, Deserialize)]
pub struct SubscriptionForm {
    #[serde(default)]
    subscribed: Option<String>,
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// Runs the forecast now, then back to the list.
pub async fn create_run(
    _ministry: Ministry,
    state: web::Data<AppState>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let now = chrono::Utc::now();
    runs::run(&state.db, Trigger::OnDemand, now)
        .await
        .map_err(AppError::page)?;
    daily_list::store_day(&state.db, now)
        .await
        .map_err(AppError::page)?;
    Ok(see_other(paths::EARLY_WARNING))
}

/// Turns the mail on list changes on or off.
pub async fn update_subscription(
    page: Ministry,
    state: web::Data<AppState>,
    form: PageForm<SubscriptionForm>,
) -> Result<HttpResponse, AppError> {
    let on = form.subscribed.as_deref() == Some("true");
    subscriptions::set_subscription(&state.db, page.user.user_id, on, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    Ok(see_other(paths::EARLY_WARNING))
}

/// From the case page: information requests with each named maker's forecast figure.
pub async fn create_forecast_requests(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let case_id = id.into_inner();
    early_warning::request_information(
        &state.db,
        &page.user,
        case_id,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    Ok(see_other(&format!("{}#substitutes", paths::case(case_id))))
}
