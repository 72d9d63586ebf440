//! `/dashboard`: the ministry's dashboard page. The filters are a GET form driven by htmx (the
//! URL follows them); an htmx request gets only the panel. Charts are inline SVG.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use supplywatch_reports::charts::ChartFormat;

use super::{Nav, is_htmx, render};
use crate::domain::dates::iso_and_era;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::PageUser;
use crate::services::dashboard::charts::{self, ChartName};
use crate::services::dashboard::{self, BreakdownRow, Dashboard, DashboardCache};
use crate::services::products::slice::{CATEGORIES, CLASSES, Filter};

/// The filter form as typed (blank = all).
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    category: Option<String>,
    class: Option<String>,
    maker: Option<String>,
    ingredient: Option<String>,
}

/// A choice of a filter's select.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The inline charts, or why there are none.
pub struct Charts {
    trend: Option<String>,
    mix: Option<String>,
    reasons: Option<String>,
    problem: Option<String>,
}

/// Everything below the filter form (the htmx partial).
#[derive(Template)]
#[template(path = "dashboard/panel.html")]
pub struct DashboardPanel {
    d: Arc<Dashboard>,
    charts: Charts,
    query: String,
}

/// The page.
#[derive(Template)]
#[template(path = "dashboard/index.html")]
pub struct DashboardPage {
    nav: Nav,
    panel: Arc<Vec<u8>>,
    categories: Vec<Choice>,
    classes: Vec<Choice>,
    makers: Vec<Choice>,
    ingredient: String,
}

impl DashboardPage {
    /// The panel's HTML (rendered by askama from [`DashboardPanel`], escaped there).
    fn panel_html(&self) -> &str {
        std::str::from_utf8(&self.panel).unwrap_or_default()
    }
}

impl DashboardPanel {
    /// The day of the figures, ISO and 和暦.
    fn as_of(&self) -> String {
        iso_and_era(self.d.as_of)
    }

    /// The two breakdown tables: (title, rows, element id).
    fn breakdowns(&self) -> [(&'static str, &[BreakdownRow], &'static str); 2] {
        [
            ("製品区分別", &self.d.by_class, "by-class"),
            ("薬剤区分別", &self.d.by_category, "by-category"),
        ]
    }

    /// The latest published week, ISO and 和暦.
    fn latest_week(&self) -> String {
        self.d
            .trend
            .last()
            .map_or_else(|| "—".to_owned(), |p| iso_and_era(p.week_ending))
    }
}

/// Shows the dashboard; 403 for anyone but the ministry and operators.
pub async fn show_dashboard(
    req: HttpRequest,
    page_user: PageUser,
    state: web::Data<AppState>,
    cache: web::Data<DashboardCache>,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    dashboard::may_view(page_user.user.role).map_err(AppError::page)?;
    let maker = match query
        .maker
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(m) => Some(m.parse::<i32>().map_err(|_| {
            AppError::page(AppError::bad_request(format!(
                "製造販売業者の指定「{m}」を読めません"
            )))
        })?),
    };
    let filter = Filter::parse(
        query.category.as_deref(),
        query.class.as_deref(),
        maker,
        query.ingredient.as_deref(),
    )
    .map_err(AppError::page)?;
    let now = chrono::Utc::now();
    let days = state.settings.case_overdue_days;
    let d = dashboard::load(&state.db, &cache, &filter, days, now)
        .await
        .map_err(AppError::page)?;
    // The panel is the same HTML for the same figures: rendered once per data version and filter.
    let key = format!("panel|{}|{filter:?}", d.as_of);
    let panel = if let Some(html) = cache.artifact(&d.version, &key) {
        html
    } else {
        let charts = inline_charts(&state, &cache, &d);
        let html = DashboardPanel {
            query: filter.query(),
            d: d.clone(),
            charts,
        }
        .render()
        .map_err(AppError::page)?;
        let html = Arc::new(html.into_bytes());
        cache.put_artifact(d.version.clone(), key, html.clone());
        html
    };
    if is_htmx(&req) {
        return Ok(HttpResponse::Ok()
            .content_type(actix_web::http::header::ContentType::html())
            .body(panel.as_ref().clone()));
    }
    render(&DashboardPage {
        nav: Nav::for_user(&page_user),
        categories: CATEGORIES
            .iter()
            .map(|c| Choice {
                value: c.label_ja().to_owned(),
                label: c.label_ja().to_owned(),
                selected: filter.category == Some(*c),
            })
            .collect(),
        classes: CLASSES
            .iter()
            .map(|c| Choice {
                value: c.code().to_owned(),
                label: c.label_ja().to_owned(),
                selected: filter.product_class == Some(*c),
            })
            .collect(),
        makers: d
            .makers
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
                selected: filter.maker_id == Some(*id),
            })
            .collect(),
        ingredient: filter.ingredient.clone().unwrap_or_default(),
        panel,
    })
}

fn inline_charts(state: &AppState, cache: &DashboardCache, d: &Dashboard) -> Charts {
    let font = state.settings.chart_font.as_deref();
    let mut out = Charts {
        trend: None,
        mix: None,
        reasons: None,
        problem: None,
    };
    for name in [
        ChartName::StatusTrend,
        ChartName::StatusMix,
        ChartName::Reasons,
    ] {
        match charts::render(cache, d, name, ChartFormat::Svg, font) {
            Ok(bytes) => {
                let svg = String::from_utf8_lossy(&bytes).into_owned();
                match name {
                    ChartName::StatusTrend => out.trend = Some(svg),
                    ChartName::StatusMix => out.mix = Some(svg),
                    ChartName::Reasons => out.reasons = Some(svg),
                }
            }
            Err(other) => out.problem = Some(other.to_string()),
        }
    }
    out
}
