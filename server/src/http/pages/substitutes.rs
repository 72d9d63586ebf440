//! The substitute makers' pages: the requests and heads-ups sent to the organisation and the
//! answer form (stock, production, capacity or why not — several reasons may be ticked; an
//! association answers in its own form: relayed to its members, how many, free text); on the
//! case page, the ministry's section with every answer side by side, the totals, the makers left
//! out of requests with the reason, and the forms to send requests.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::PageForm;
use super::{Nav, is_htmx, render};
use crate::domain::association_answer::RelayInput;
use crate::domain::substitute_answer::{AnswerInput, NotPossibleReason};
use crate::domain::substitute_request::RequestKind;
use crate::domain::wholesaler_answer::StockInput;
use crate::domain::{OrganizationKind, Role};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::accounts::{OrganizationRef, organizations_of_kind};
use crate::services::substitutes::answers::TypedAnswer;
use crate::services::substitutes::requests::{self, NewRequests};
use crate::services::substitutes::{CaseAnswers, RequestView, answers};
use crate::services::{FieldProblem, ServiceError};

/// Dates and times as the pages show them (Asia/Tokyo).
fn tokyo(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Tokyo)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The organisation's requests.
#[derive(Template)]
#[template(path = "substitutes/index.html")]
pub struct RequestListPage {
    nav: Nav,
    requests: Vec<RequestView>,
}

impl RequestListPage {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        tokyo(at)
    }
}

/// One request with the answer form.
#[derive(Template)]
#[template(path = "substitutes/show.html")]
pub struct RequestPage {
    nav: Nav,
    request: RequestView,
    form: AnswerForm,
    problems: Vec<FieldProblem>,
    answered: bool,
    may_answer: bool,
    csrf_token: String,
}

impl RequestPage {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        tokyo(at)
    }

    fn reasons() -> &'static [NotPossibleReason] {
        NotPossibleReason::ALL
    }

    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

/// The answer form as typed: a maker's fields (the reasons are checkboxes, so several may come),
/// a wholesaler's or an association's.
#[derive(Debug, Default, Clone)]
pub struct AnswerForm {
    stock_months: String,
    production_change_percent: String,
    can_increase: String,
    increase_percent: String,
    lead_time_months: String,
    extra_units_per_month: String,
    not_possible_reasons: Vec<String>,
    reason_text: String,
    relayed_to_members: String,
    members_reached: String,
    note: String,
    stock_units: String,
    shipped_last_month: String,
    stock_outlook_months: String,
    shipment_limited: String,
    remarks: String,
}

impl AnswerForm {
    /// Reads the posted fields (a repeated `not_possible_reason` gathers every ticked reason;
    /// unknown fields are ignored as a browser would send only the form's own).
    fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in fields {
            let slot = match name.as_str() {
                "stock_months" => &mut form.stock_months,
                "production_change_percent" => &mut form.production_change_percent,
                "can_increase" => &mut form.can_increase,
                "increase_percent" => &mut form.increase_percent,
                "lead_time_months" => &mut form.lead_time_months,
                "extra_units_per_month" => &mut form.extra_units_per_month,
                "reason_text" => &mut form.reason_text,
                "relayed_to_members" => &mut form.relayed_to_members,
                "members_reached" => &mut form.members_reached,
                "note" => &mut form.note,
                "stock_units" => &mut form.stock_units,
                "shipped_last_month" => &mut form.shipped_last_month,
                "stock_outlook_months" => &mut form.stock_outlook_months,
                "shipment_limited" => &mut form.shipment_limited,
                "remarks" => &mut form.remarks,
                "not_possible_reason" => {
                    form.not_possible_reasons.push(value);
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        form
    }

    /// Whether `reason` was ticked.
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "the template's loop hands out references"
    )]
    fn ticked(&self, reason: &NotPossibleReason) -> bool {
        self.not_possible_reasons.iter().any(|r| r == reason.code())
    }

    fn typed(&self) -> TypedAnswer {
        TypedAnswer {
            maker: AnswerInput {
                stock_months: self.stock_months.clone(),
                production_change_percent: self.production_change_percent.clone(),
                can_increase: self.can_increase.clone(),
                increase_percent: self.increase_percent.clone(),
                lead_time_months: self.lead_time_months.clone(),
                extra_units_per_month: self.extra_units_per_month.clone(),
                not_possible_reasons: self.not_possible_reasons.clone(),
                reason_text: self.reason_text.clone(),
            },
            association: RelayInput {
                relayed_to_members: self.relayed_to_members.clone(),
                members_reached: self.members_reached.clone(),
                note: self.note.clone(),
            },
            wholesaler: StockInput {
                stock_units: self.stock_units.clone(),
                shipped_last_month: self.shipped_last_month.clone(),
                stock_outlook_months: self.stock_outlook_months.clone(),
                shipment_limited: self.shipment_limited.clone(),
                remarks: self.remarks.clone(),
            },
        }
    }
}

/// `?answered=1` after a stored answer.
#[derive(Debug, Deserialize)]
pub struct AnsweredQuery {
    answered: Option<u8>,
}

/// Lists the requests sent to the user's organisation (the ministry: all).
pub async fn list_substitute_requests(
    page: PageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let requests = answers::list_for(&state.db, &page.user)
        .await
        .map_err(AppError::page)?;
    render(&RequestListPage {
        nav: Nav::for_user(&page),
        requests,
    })
}

/// Shows one request and, for the asked organisation, the answer form.
pub async fn show_substitute_request(
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<AnsweredQuery>,
) -> Result<HttpResponse, AppError> {
    let request = answers::show(&state.db, &page.user, *id)
        .await
        .map_err(AppError::page)?;
    render(&request_page(
        &page,
        request,
        AnswerForm::default(),
        Vec::new(),
        query.answered.is_some(),
    ))
}

fn request_page(
    page: &PageUser,
    request: RequestView,
    form: AnswerForm,
    problems: Vec<FieldProblem>,
    answered: bool,
) -> RequestPage {
    RequestPage {
        nav: Nav::for_user(page),
        may_answer: request.organization_id == page.user.organization.id,
        request,
        form,
        problems,
        answered,
        csrf_token: page.csrf_token.clone(),
    }
}

/// Stores an answer from the form; back to the request, or the form with its problems (422).
pub async fn create_substitute_response(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: PageForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = AnswerForm::from_fields(form.into_inner());
    let input = form.typed();
    let now = chrono::Utc::now();
    match answers::answer(
        &state.db,
        &page.user,
        *id,
        &input,
        &actor(&req, &page.user),
        now,
    )
    .await
    {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("{}?answered=1", paths::substitute_request(*id)),
            ))
            .finish()),
        Err(ServiceError::Invalid(problems)) => {
            let request = answers::show(&state.db, &page.user, *id)
                .await
                .map_err(AppError::page)?;
            let body = request_page(&page, request, form, problems, false)
                .render()
                .map_err(AppError::page)?;
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(body))
        }
        Err(other) => Err(AppError::page(other)),
    }
}

/// The ministry's section of the case page (loaded by htmx).
#[derive(Template)]
#[template(path = "cases/substitutes.html")]
pub struct CaseSubstitutesPartial {
    case_id: i32,
    answers: CaseAnswers,
    associations: Vec<OrganizationRef>,
    csrf_token: String,
    problem: Option<String>,
}

impl CaseSubstitutesPartial {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        tokyo(at)
    }
}

/// `?problem=` after a refused request.
#[derive(Debug, Deserialize)]
pub struct ProblemQuery {
    problem: Option<String>,
}

/// The answers of a case side by side with totals, and the request forms (ministry; nothing
/// for anyone else). Without htmx, the case page, which holds the section.
pub async fn show_case_substitutes(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    if !is_htmx(&req) {
        return Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("{}#substitutes", paths::case(*id)),
            ))
            .finish());
    }
    // A refused request comes back as `?problem=` on the case page, which htmx names here.
    let problem = req
        .headers()
        .get("HX-Current-URL")
        .and_then(|v| v.to_str().ok())
        .and_then(|url| url.split_once('?'))
        .map(|(_, query)| query.split('#').next().unwrap_or(query))
        .and_then(|query| web::Query::<ProblemQuery>::from_query(query).ok())
        .and_then(|q| q.into_inner().problem);
    if !matches!(page.user.role, Role::Ministry | Role::Admin) {
        return Ok(HttpResponse::NoContent().finish());
    }
    let answers = answers::for_case(&state.db, &page.user, *id)
        .await
        .map_err(AppError::page)?;
    let associations = organizations_of_kind(&state.db, OrganizationKind::Association)
        .await
        .map_err(AppError::page)?;
    render(&CaseSubstitutesPartial {
        case_id: *id,
        answers,
        associations,
        csrf_token: page.csrf_token.clone(),
        problem,
    })
}

/// The request form of the case page.
#[derive(Debug, Deserialize)]
pub struct CaseRequestForm {
    kind: String,
    #[serde(default)]
    message: String,
    /// `1` to include every association.
    #[serde(default)]
    associations: String,
}

/// Sends requests from the case page; back to the case (a refusal is shown in the section).
pub async fn create_case_requests(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: PageForm<CaseRequestForm>,
) -> Result<HttpResponse, AppError> {
    let kind = RequestKind::from_code(&form.kind).unwrap_or(RequestKind::Information);
    let association_ids = if form.associations == "1" && kind == RequestKind::Cooperation {
        organizations_of_kind(&state.db, OrganizationKind::Association)
            .await
            .map_err(AppError::page)?
            .into_iter()
            .map(|o| o.id)
            .collect()
    } else {
        Vec::new()
    };
    let new = NewRequests {
        kind,
        organization_ids: Vec::new(),
        association_ids,
        wholesaler_ids: Vec::new(),
        message: Some(form.message.clone()),
    };
    let now = chrono::Utc::now();
    let location = match requests::create(
        &state.db,
        &page.user,
        *id,
        new,
        &actor(&req, &page.user),
        now,
    )
    .await
    {
        Ok(_) => format!("{}#substitutes", paths::case(*id)),
        Err(ServiceError::Conflict(message)) => problem_location(*id, &message),
        Err(ServiceError::Invalid(problems)) => problem_location(
            *id,
            &problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default(),
        ),
        Err(other) => return Err(AppError::page(other)),
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

fn problem_location(id: i32, message: &str) -> String {
    let encoded: String = message
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("{}?problem={encoded}#substitutes", paths::case(id))
}
