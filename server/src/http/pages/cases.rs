//! The case pages: the list (ministry: every case, with filters and waiting times; makers: their
//! own; associations: those they support), one case with its reports and steps, and the step form.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::PageForm;
use super::early_warning::SignalsView;
use super::{Nav, render};
use crate::domain::Role;
use crate::domain::case_flow::{CaseAction, CaseState, Flow, Party};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::cases::actions::StepRequest;
use crate::services::cases::{self, CaseDetail, CaseFilter, CaseSummary};
use crate::services::{FieldProblem, ServiceError, audit, early_warning};

/// List filters as typed in the form (blank = any).
#[derive(Debug, Deserialize, Default)]
pub struct CaseListQuery {
    #[serde(default)]
    flow: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    kind: String,
    maker_id: Option<i32>,
}

/// An option of a filter.
pub struct FilterOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// The list page.
#[derive(Template)]
#[template(path = "cases/index.html")]
pub struct CaseListPage {
    nav: Nav,
    cases: Vec<CaseSummary>,
    flows: Vec<FilterOption>,
    states: Vec<FilterOption>,
    kinds: Vec<FilterOption>,
    /// Makers with cases: (id, name, selected).
    makers: Vec<(i32, String, bool)>,
    is_ministry: bool,
}

impl CaseListPage {
    /// The day a case was opened, in Japan: `2026-12-05（令和8年12月5日）`.
    fn tokyo_date(at: &chrono::DateTime<chrono::Utc>) -> String {
        let day = at.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
        format!("{day}（{}）", crate::domain::dates::era_date(day))
    }
}

/// One case.
#[derive(Template)]
#[template(path = "cases/show.html")]
pub struct CasePage {
    nav: Nav,
    case: CaseDetail,
    csrf_token: String,
    problems: Vec<FieldProblem>,
    /// The ministry's signals-and-forecast card of the case's product group.
    signals: Option<SignalsView>,
    /// The viewer is the reporting maker.
    is_maker: bool,
}

impl CasePage {
    fn may(&self, action: &str) -> bool {
        self.case.allowed_actions.contains(&action)
    }

    fn is_drug_flow(&self) -> bool {
        self.case.summary.flow == Flow::D
    }

    /// A drug case shows the maker's 特定医薬品供給体制管理責任者 to the ministry and the maker.
    fn names_supply_manager(&self) -> bool {
        self.is_drug_flow() && self.case.viewer != Party::Other
    }

    /// The reporting maker is asked for a report (報告徴収) and may file the follow-up now.
    fn may_follow_up(&self) -> bool {
        self.is_maker && self.case.summary.state == CaseState::ReportRequested
    }

    fn overdue_label(&self) -> &'static str {
        if self.is_drug_flow() {
            "報告徴収の報告 期限超過"
        } else {
            "追加報告 期限超過"
        }
    }

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama hands the template's values over by reference"
    )]
    fn iso_and_era(date: &chrono::NaiveDate) -> String {
        crate::domain::dates::iso_and_era(*date)
    }

    fn era(at: &chrono::DateTime<chrono::Utc>) -> String {
        crate::domain::dates::era_date(at.with_timezone(&chrono_tz::Asia::Tokyo).date_naive())
    }

    fn tokyo(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// The step form.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    action: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    /// `request_report`: the due day (a date input, `YYYY-MM-DD`).
    #[serde(default)]
    due_on: String,
    /// `yes` when the official ticked that an irreversible step (終結, 周知) cannot be undone.
    #[serde(default)]
    confirm: String,
}

fn options<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: &str,
) -> Vec<FilterOption> {
    all.iter()
        .map(|v| FilterOption {
            value: value(*v),
            label: label(*v),
            selected: value(*v) == current,
        })
        .collect()
}

/// A form value, unless blank.
fn given(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.trim().is_empty())
}

/// Lists the cases the user may see.
pub async fn list_cases(
    page: PageUser,
    state: web::Data<AppState>,
    query: web::Query<CaseListQuery>,
) -> Result<HttpResponse, AppError> {
    if page.user.role == Role::Wholesaler {
        return Err(AppError::page(ServiceError::Forbidden(
            "事案は閲覧できません".into(),
        )));
    }
    let filter = CaseFilter {
        flow: Flow::from_code(&query.flow),
        state: CaseState::from_code(&query.state),
        product_kind: Some(query.kind.clone()).filter(|k| !k.is_empty()),
        maker_id: query.maker_id,
    };
    let now = chrono::Utc::now();
    let days = state.settings.case_overdue_days;
    let cases = cases::list(&state.db, &page.user, &filter, days, now)
        .await
        .map_err(AppError::page)?;
    let mut makers: Vec<(i32, String, bool)> =
        cases::list(&state.db, &page.user, &CaseFilter::default(), days, now)
            .await
            .map_err(AppError::page)?
            .into_iter()
            .map(|c| (c.maker_id, c.maker_name, Some(c.maker_id) == query.maker_id))
            .collect();
    makers.sort();
    makers.dedup();
    let kinds = [
        ("drug", "医療用医薬品"),
        ("device", "医療機器"),
        ("ivd", "体外診断用医薬品"),
    ];
    render(&CaseListPage {
        nav: Nav::for_user(&page),
        cases,
        makers,
        flows: options(Flow::ALL, Flow::code, Flow::label_ja, &query.flow),
        states: options(
            CaseState::ALL,
            CaseState::code,
            CaseState::label_ja,
            &query.state,
        ),
        kinds: kinds
            .iter()
            .map(|(v, l)| FilterOption {
                value: v,
                label: l,
                selected: *v == query.kind,
            })
            .collect(),
        is_ministry: page.user.role == Role::Ministry,
    })
}

/// Shows one case.
pub async fn show_case(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let case = cases::detail(
        &state.db,
        &page.user,
        *id,
        state.settings.case_overdue_days,
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    audit::record_read(
        &state.db,
        &actor(&req, &page.user),
        "case.view",
        format!("case:{}", *id),
        Some(case.summary.product_code.clone()),
    )
    .await
    .map_err(AppError::page)?;
    let signals = case_signals(&state, &page, *id).await?;
    let is_maker = is_reporting_maker(&page, &case);
    render(&CasePage {
        nav: Nav::for_user(&page),
        case,
        csrf_token: page.csrf_token.clone(),
        problems: Vec::new(),
        is_maker,
        signals,
    })
}

fn is_reporting_maker(page: &PageUser, case: &CaseDetail) -> bool {
    page.user.role == Role::Manufacturer && page.user.organization.id == case.summary.maker_id
}

/// The signals card of the case's product group, for the ministry.
async fn case_signals(
    state: &AppState,
    page: &PageUser,
    case_id: i32,
) -> Result<Option<SignalsView>, AppError> {
    if page.user.role != Role::Ministry {
        return Ok(None);
    }
    let group = early_warning::for_case(&state.db, &page.user, case_id, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    Ok(group.as_ref().map(SignalsView::of))
}

/// Takes a step from the case page; back to the case, or the case with the problem shown.
pub async fn create_step(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: PageForm<StepForm>,
) -> Result<HttpResponse, AppError> {
    let result =
        match CaseAction::from_parts(&form.action, given(&form.impact), given(&form.decision)) {
            Ok(action @ (CaseAction::Resolve | CaseAction::Announce)) if form.confirm != "yes" => {
                Err(ServiceError::invalid(FieldProblem::new(
                    "confirm",
                    "required",
                    format!(
                        "「{}」は取り消せません。確認のチェックを入れてから送信してください",
                        action.label_ja()
                    ),
                )))
            }
            Ok(action) => {
                let step = StepRequest {
                    action,
                    note: given(&form.note),
                    due_on: chrono::NaiveDate::parse_from_str(form.due_on.trim(), "%Y-%m-%d").ok(),
                };
                cases::actions::take(
                    &state.db,
                    &page.user,
                    *id,
                    step,
                    state.settings.case_overdue_days,
                    &actor(&req, &page.user),
                    chrono::Utc::now(),
                )
                .await
            }
            Err((field, e)) => Err(ServiceError::invalid(FieldProblem::from_field_error(
                field, &e,
            ))),
        };
    let problems = match result {
        Ok(()) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, paths::case(*id)))
                .finish());
        }
        Err(ServiceError::Invalid(problems)) => problems,
        Err(ServiceError::Conflict(message)) => vec![FieldProblem::new(
            "action",
            "transition_not_allowed",
            message,
        )],
        Err(other) => return Err(AppError::page(other)),
    };
    let case = cases::detail(
        &state.db,
        &page.user,
        *id,
        state.settings.case_overdue_days,
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    let signals = case_signals(&state, &page, *id).await?;
    let is_maker = is_reporting_maker(&page, &case);
    let body = CasePage {
        nav: Nav::for_user(&page),
        is_maker,
        case,
        csrf_token: page.csrf_token.clone(),
        problems,
        signals,
    }
    .render()
    .map_err(AppError::page)?;
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
