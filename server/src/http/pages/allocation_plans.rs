//! The allocation pages: the ministry's plan list and form, each plan with its inputs, versions
//! and every wholesaler's figures; a wholesaler's plans, its customers' caps with search, the
//! downloads, and its reserve requests with the grant form.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{NoFields, PageForm};
use super::{Nav, is_htmx, render};
use crate::domain::allocation::Fraction;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::allocation::export::QUOTA_PLACES;
use crate::services::allocation::listing::{self, PlanListItem};
use crate::services::allocation::reserve::{self, RequestView};
use crate::services::allocation::values::month_text;
use crate::services::allocation::{
    CapRow, CapSource, NewPlan, PlanView, Scope, caps, plan_view, plans,
};
use crate::services::{FieldProblem, ServiceError};

/// Rows of a customer table shown on the page; the downloads hold all.
const SHOWN_ROWS: usize = 200;

/// The plan list (and, for the ministry, the form).
#[derive(Template)]
#[template(path = "allocation/plans.html")]
pub struct PlanListPage {
    nav: Nav,
    csrf_token: String,
    is_planner: bool,
    plans: Vec<PlanListItem>,
    months: Vec<String>,
    form: PlanForm,
    problems: Vec<FieldProblem>,
}

/// One plan.
#[derive(Template)]
#[template(path = "allocation/plan.html")]
pub struct PlanPage {
    nav: Nav,
    csrf_token: String,
    is_planner: bool,
    view: PlanView,
    customers: CustomerTable,
    requests: Vec<RequestView>,
    problems: Vec<FieldProblem>,
}

/// The customer table (the search's partial).
#[derive(Template)]
#[template(path = "allocation/customer_caps.html")]
pub struct CustomerTable {
    rows: Vec<CapRow>,
    total: usize,
    ratio: String,
    query: String,
}

impl CustomerTable {
    fn quota(f: &Fraction) -> String {
        f.to_decimal(QUOTA_PLACES)
    }

    fn from_reserve(row: &CapRow) -> bool {
        row.source == CapSource::Reserve
    }
}

impl PlanListPage {
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama passes template values by reference"
    )]
    fn month(key: &i32) -> String {
        month_text(*key)
    }
}

impl PlanPage {
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama passes template values by reference"
    )]
    fn month(key: &i32) -> String {
        month_text(*key)
    }

    fn ratio(&self) -> String {
        self.view.coverage_ratio().to_percent()
    }

    fn computed_at(&self) -> String {
        let at = self
            .view
            .computation
            .computed_at
            .with_timezone(&chrono_tz::Asia::Tokyo);
        format!(
            "{} {}",
            crate::domain::dates::iso_and_era(at.date_naive()),
            at.format("%H:%M")
        )
    }
}

/// The plan form as typed.
#[derive(Debug, Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    group_code: String,
    #[serde(default)]
    product_codes: String,
    #[serde(default)]
    target_month: String,
    #[serde(default)]
    baseline_month: String,
    #[serde(default)]
    reserve_percent: String,
    /// The id of the plan the new one replaces (blank: none).
    #[serde(default)]
    supersedes: String,
}

/// Version and customer search.
#[derive(Debug, Deserialize)]
pub struct PlanQuery {
    pub(super) version: Option<i32>,
    #[serde(default)]
    pub(super) q: String,
}

pub(super) fn number(field: &str, text: &str) -> Result<i64, ServiceError> {
    crate::domain::validation::normalize_width(text)
        .replace(',', "")
        .parse()
        .map_err(|_| {
            ServiceError::invalid(FieldProblem::new(
                field,
                "quantity",
                format!("「{}」は整数で入力してください", text.trim()),
            ))
        })
}

async fn list_page(
    state: &AppState,
    page: &PageUser,
    form: PlanForm,
    problems: Vec<FieldProblem>,
) -> Result<PlanListPage, AppError> {
    let scope = Scope::of(&page.user).map_err(AppError::page)?;
    let plans = listing::list(&state.db, scope)
        .await
        .map_err(AppError::page)?;
    let mut months: Vec<String> = plans
        .iter()
        .map(|p| month_text(p.plan.target_month))
        .collect();
    months.sort_unstable_by(|a, b| b.cmp(a));
    months.dedup();
    Ok(PlanListPage {
        nav: Nav::for_user(page),
        csrf_token: page.csrf_token.clone(),
        is_planner: plans::require_planner(&page.user).is_ok(),
        plans,
        months,
        form,
        problems,
    })
}

/// The plans the user may see.
pub async fn list_plans(
    page: PageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(&list_page(&state, &page, PlanForm::default(), Vec::new()).await?)
}

/// Makes a plan from the form: to its page, or the form again with every problem.
pub async fn create_plan(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    form: PageForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let reserve = if form.reserve_percent.trim().is_empty() {
        Ok(0)
    } else {
        number("reserve_percent", &form.reserve_percent)
    };
    let created = match reserve {
        Ok(reserve) => {
            let new = NewPlan {
                name: form.name.clone(),
                product_codes: form
                    .product_codes
                    .split([',', '\n', ' ', '、'])
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
                group_code: Some(form.group_code.clone()),
                target_month: form.target_month.clone(),
                baseline_month: Some(form.baseline_month.clone()),
                reserve_percent: Some(reserve),
                supersedes: form.supersedes.trim().parse().ok(),
            };
            plans::create(
                &state.db,
                &state.customer_codes,
                &page.user,
                new,
                &actor(&req, &page.user),
                chrono::Utc::now(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(view) => Ok(see_other(&paths::allocation_plan(view.plan.id))),
        Err(ServiceError::Invalid(problems)) => {
            let mut response = render(&list_page(&state, &page, form, problems).await?)?;
            *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(ServiceError::Conflict(message)) => {
            let problems = vec![FieldProblem::new("supersedes", "overlapping_plan", message)];
            let mut response = render(&list_page(&state, &page, form, problems).await?)?;
            *response.status_mut() = actix_web::http::StatusCode::CONFLICT;
            Ok(response)
        }
        Err(other) => Err(AppError::page(other)),
    }
}

pub(super) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

async fn customer_table(
    state: &AppState,
    scope: Scope,
    view: &PlanView,
    query: &str,
) -> Result<CustomerTable, AppError> {
    let mut rows = caps::rows(&state.db, scope, view, Some(query))
        .await
        .map_err(AppError::page)?;
    let total = rows.len();
    rows.truncate(SHOWN_ROWS);
    Ok(CustomerTable {
        rows,
        total,
        ratio: view.coverage_ratio().to_percent(),
        query: query.to_owned(),
    })
}

pub(super) async fn plan_page(
    state: &AppState,
    page: &PageUser,
    id: i32,
    query: &PlanQuery,
    problems: Vec<FieldProblem>,
) -> Result<PlanPage, AppError> {
    let scope = Scope::of(&page.user).map_err(AppError::page)?;
    let view = plan_view::show(&state.db, scope, id, query.version)
        .await
        .map_err(AppError::page)?;
    let is_planner = plans::require_planner(&page.user).is_ok();
    // The ministry reads per-wholesaler figures here and every customer in the downloads.
    let customers = if is_planner {
        CustomerTable {
            rows: Vec::new(),
            total: 0,
            ratio: String::new(),
            query: String::new(),
        }
    } else {
        customer_table(state, scope, &view, &query.q).await?
    };
    let requests = reserve::list(&state.db, scope, id)
        .await
        .map_err(AppError::page)?;
    Ok(PlanPage {
        nav: Nav::for_user(page),
        csrf_token: page.csrf_token.clone(),
        is_planner,
        view,
        customers,
        requests,
        problems,
    })
}

/// One plan.
pub async fn show_plan(
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<PlanQuery>,
) -> Result<HttpResponse, AppError> {
    render(&plan_page(&state, &page, *id, &query, Vec::new()).await?)
}

/// The customer table for a search (htmx partial; without htmx, the plan's page).
pub async fn list_customer_caps(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<PlanQuery>,
) -> Result<HttpResponse, AppError> {
    if !is_htmx(&req) {
        return render(&plan_page(&state, &page, *id, &query, Vec::new()).await?);
    }
    let scope = Scope::of(&page.user).map_err(AppError::page)?;
    let view = plan_view::show(&state.db, scope, *id, query.version)
        .await
        .map_err(AppError::page)?;
    render(&customer_table(&state, scope, &view, &query.q).await?)
}

/// Recomputes the plan (ministry): to the new version.
pub async fn create_computation(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let version = plans::recompute(
        &state.db,
        &state.customer_codes,
        &page.user,
        *id,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    Ok(see_other(&format!(
        "{}?version={version}",
        paths::allocation_plan(*id)
    )))
}
