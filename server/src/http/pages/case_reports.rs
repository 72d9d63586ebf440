//! The maker's forms for confidential reports: 様式10-2 / 様式10-3 for devices and IVDs (the
//! required fields marked for the chosen kind) and the drug 供給不安報告; and the download of a
//! filed report as a filled-in form (XLSX).

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Maker, PageForm};
use super::{Nav, render};
use crate::domain::ProductKind;
use crate::domain::case_flow::Impact;
use crate::domain::device_report::{DeviceEventType, DeviceReportKind, FIELDS, Requirement};
use crate::domain::supply_status::Reason;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::services::cases::filing;
use crate::services::products::{self, ProductQuery, ProductSummary};
use crate::services::{FieldProblem, ServiceError};

/// One input of a report form.
pub struct FormField {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    required: bool,
    value: String,
    error: Option<String>,
}

/// The 様式10-2 / 10-3 form.
#[derive(Template)]
#[template(path = "my/device_report_form.html")]
pub struct DeviceReportPage {
    nav: Nav,
    csrf_token: String,
    kind_label: &'static str,
    kinds: Vec<(&'static str, &'static str, bool)>,
    products: Vec<(String, String, bool)>,
    event_types: Vec<(&'static str, &'static str, bool)>,
    fields: Vec<FormField>,
    problems: Vec<FieldProblem>,
    /// Choices of the coded fields: (field, [(value, label)]).
    choices: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
}

impl DeviceReportPage {
    /// The choices of a coded field, if it is one.
    fn choices_of(&self, name: &str) -> Option<&[(&'static str, &'static str)]> {
        self.choices
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c.as_slice())
    }
}

/// The 供給不安報告 form.
#[derive(Template)]
#[template(path = "my/supply_risk_form.html")]
pub struct SupplyRiskPage {
    nav: Nav,
    csrf_token: String,
    /// The case a follow-up answers (報告徴収), kept as a hidden field.
    case_id: Option<i32>,
    products: Vec<(String, String, bool)>,
    fields: Vec<FormField>,
    problems: Vec<FieldProblem>,
}

/// Which kind the form shows.
#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
    product_code: Option<String>,
    /// 供給不安報告 only: the case the report follows up.
    case_id: Option<i32>,
}

async fn own(
    state: &AppState,
    page: &PageUser,
    drugs: bool,
) -> Result<Vec<ProductSummary>, AppError> {
    let query = ProductQuery {
        maker_id: Some(page.user.organization.id),
        ..ProductQuery::default()
    };
    let all = products::list_all(&state.db, &query)
        .await
        .map_err(AppError::page)?;
    Ok(all
        .into_iter()
        .filter(|p| (p.kind == ProductKind::Drug.code()) == drugs)
        .collect())
}

fn error_for(problems: &[FieldProblem], name: &str) -> Option<String> {
    problems
        .iter()
        .find(|p| p.field == name)
        .map(|p| p.message.clone())
}

fn device_page(
    page: &PageUser,
    kind: DeviceReportKind,
    own: &[ProductSummary],
    values: &BTreeMap<String, String>,
    problems: Vec<FieldProblem>,
) -> DeviceReportPage {
    let chosen = values.get("product_code").cloned().unwrap_or_default();
    let event = values.get("event_type").cloned().unwrap_or_default();
    DeviceReportPage {
        nav: Nav::for_user(page),
        csrf_token: page.csrf_token.clone(),
        kind_label: kind.label_ja(),
        kinds: DeviceReportKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_ja(), *k == kind))
            .collect(),
        products: own
            .iter()
            .map(|p| (p.code.clone(), p.name.clone(), p.code == chosen))
            .collect(),
        event_types: DeviceEventType::ALL
            .iter()
            .map(|e| (e.code(), e.label_ja(), e.code() == event))
            .collect(),
        fields: FIELDS
            .iter()
            .filter(|spec| {
                spec.name != "event_type" && spec.requirement(kind) != Requirement::NotApplicable
            })
            .map(|spec| FormField {
                name: spec.name,
                label: spec.label_ja,
                hint: spec.hint_ja,
                required: spec.requirement(kind) == Requirement::Required,
                value: values.get(spec.name).cloned().unwrap_or_default(),
                error: error_for(&problems, spec.name),
            })
            .collect(),
        problems,
        choices: vec![
            (
                "reason",
                Reason::ALL
                    .iter()
                    .map(|r| (r.code(), r.label_ja()))
                    .collect(),
            ),
            (
                "clinical_impact",
                Impact::ALL
                    .iter()
                    .map(|i| (i.code(), i.label_ja()))
                    .collect(),
            ),
            (
                "information_provided",
                vec![("true", "あり"), ("false", "なし")],
            ),
        ],
    }
}

/// The 様式10-2 / 10-3 form for the chosen kind (htmx swaps the whole form when the kind changes).
pub async fn new_device_report_form(
    page: Maker,
    state: web::Data<AppState>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = DeviceReportKind::parse(query.kind.as_deref().unwrap_or("first"))
        .unwrap_or(DeviceReportKind::First);
    let own = own(&state, &page, false).await?;
    let mut values = BTreeMap::new();
    if let Some(code) = &query.product_code {
        values.insert("product_code".to_owned(), code.clone());
    }
    render(&device_page(&page, kind, &own, &values, Vec::new()))
}

/// Files a 様式10-2 / 10-3 from the form; on success, to the case.
pub async fn create_device_report(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    form: PageForm<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let values = form.into_inner();
    let kind = DeviceReportKind::parse(values.get("kind").map_or("", String::as_str))
        .unwrap_or(DeviceReportKind::First);
    let (code, fields) = split_form(&values);
    let result = filing::file_device_report(
        &state.db,
        &page.user,
        kind,
        &code,
        &fields,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await;
    let problems = match outcome(result)? {
        Ok(redirect) => return Ok(redirect),
        Err(problems) => problems,
    };
    let own = own(&state, &page, false).await?;
    unprocessable(&device_page(&page, kind, &own, &values, problems))
}

/// The 供給不安報告 form (every field optional).
pub async fn new_supply_risk_form(
    page: Maker,
    state: web::Data<AppState>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let own = own(&state, &page, true).await?;
    let mut values = BTreeMap::new();
    if let Some(code) = &query.product_code {
        values.insert("product_code".to_owned(), code.clone());
    }
    if let Some(case_id) = query.case_id {
        values.insert("case_id".to_owned(), case_id.to_string());
    }
    render(&risk_page(&page, &own, &values, Vec::new()))
}

/// Files a 供給不安報告 from the form; on success, to the case.
pub async fn create_supply_risk(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    form: PageForm<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let values = form.into_inner();
    let (code, mut fields) = split_form(&values);
    let case_id = fields
        .remove("case_id")
        .and_then(|id| id.trim().parse::<i32>().ok());
    let result = filing::file_supply_risk(
        &state.db,
        &page.user,
        &code,
        case_id,
        &fields,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await;
    let problems = match outcome(result)? {
        Ok(redirect) => return Ok(redirect),
        Err(problems) => problems,
    };
    let own = own(&state, &page, true).await?;
    unprocessable(&risk_page(&page, &own, &values, problems))
}

fn risk_page(
    page: &PageUser,
    own: &[ProductSummary],
    values: &BTreeMap<String, String>,
    problems: Vec<FieldProblem>,
) -> SupplyRiskPage {
    let chosen = values.get("product_code").cloned().unwrap_or_default();
    SupplyRiskPage {
        nav: Nav::for_user(page),
        csrf_token: page.csrf_token.clone(),
        case_id: values.get("case_id").and_then(|id| id.trim().parse().ok()),
        products: own
            .iter()
            .map(|p| (p.code.clone(), p.name.clone(), p.code == chosen))
            .collect(),
        fields: crate::domain::supply_risk::FIELDS
            .iter()
            .map(|(name, label, _)| FormField {
                name,
                label,
                hint: "",
                required: false,
                value: values.get(*name).cloned().unwrap_or_default(),
                error: error_for(&problems, name),
            })
            .collect(),
        problems,
    }
}

/// The product code and the non-blank report fields of the form.
fn split_form(values: &BTreeMap<String, String>) -> (String, BTreeMap<String, String>) {
    let code = values.get("product_code").cloned().unwrap_or_default();
    let fields = values
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "kind" | "product_code") && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (code, fields)
}

/// A redirect to the filed report's case, or the problems to show on the form again.
fn outcome(
    result: Result<filing::Filed, ServiceError>,
) -> Result<Result<HttpResponse, Vec<FieldProblem>>, AppError> {
    match result {
        Ok(filed) => Ok(Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/cases/{}", filed.case_id)))
            .finish())),
        Err(ServiceError::Invalid(problems)) => Ok(Err(problems)),
        Err(ServiceError::Conflict(message)) => Ok(Err(vec![FieldProblem::new(
            "kind",
            "transition_not_allowed",
            message,
        )])),
        Err(other) => Err(AppError::page(other)),
    }
}

fn unprocessable(page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render().map_err(AppError::page)?;
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
