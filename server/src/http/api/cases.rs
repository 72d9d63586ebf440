//! The confidential side of the API: 供給不安報告, 様式10-2 / 様式10-3 and the ministry's cases.
//! Visible only to the ministry, the reporting maker and associations asked to support a case.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::case_flow::{CaseAction, CaseState, Flow};
use crate::domain::device_report::{DeviceEventType, DeviceReportKind};
use crate::domain::supply_status::VolumeStatus;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::services::cases::actions::StepRequest;
use crate::services::cases::{self, CaseDetail, CaseFilter, CaseSummary, filing};
use crate::services::{FieldProblem, ServiceError, audit};

/// A report's body: `product_code`, the kind-specific fields by name (texts, numbers or booleans);
/// a 供給不安報告 may name the case it follows up with `case_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportBody {
    /// YJ code (供給不安報告) or GTIN (様式10-2/10-3) of the caller's own product.
    pub product_code: String,
    /// 様式10-2 only: `first`, `additional`, `simplified` or `re_report`.
    pub kind: Option<String>,
    /// The report's fields (see DESIGN §3.1 and §3.2); any may be blank in a 第一報 or 供給不安報告.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// An accepted confidential report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledBody {
    /// 受付番号.
    pub receipt_number: String,
    /// The case the report belongs to.
    pub case_id: i32,
}

/// A case in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseItem {
    /// Id.
    pub id: i32,
    /// `A`, `B` or `D` (a drug 供給不安報告).
    pub flow: String,
    /// State, e.g. `reported`.
    pub state: String,
    /// State in Japanese.
    pub state_label: String,
    /// The product.
    pub product_code: String,
    /// Its name.
    pub product_name: String,
    /// `drug`, `device` or `ivd`.
    pub product_kind: String,
    /// The reporting maker.
    pub maker_name: String,
    /// `large`, `possibly_large`, `small`.
    pub impact: Option<String>,
    /// The reporting maker consented to cooperation requests.
    pub consented: bool,
    /// Whole days in the current state.
    pub days_in_state: i64,
    /// The maker's next report (追加報告, or the report asked for by 報告徴収) is overdue.
    pub overdue: bool,
    /// The day a requested report (報告徴収) is due, `YYYY-MM-DD`.
    pub report_due_on: Option<String>,
    /// What the case waits for, in Japanese.
    pub waits_for: Option<String>,
}

/// Cases, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListResponse {
    /// The cases.
    pub items: Vec<CaseItem>,
}

/// One case with its reports and steps.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseResponse {
    /// The list fields.
    #[serde(flatten)]
    pub case: CaseItem,
    /// Reports, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub reports: Vec<serde_json::Value>,
    /// Steps, oldest first: who, when, from, to, note.
    #[schema(value_type = Vec<Object>)]
    pub transitions: Vec<serde_json::Value>,
    /// Actions the caller may take now.
    pub allowed_actions: Vec<String>,
    /// The ministry only: each request kind (`information`, `cooperation`) and why it cannot be
    /// sent now (`null` when it can), e.g. 「報告者の同意待ち」.
    #[schema(value_type = Vec<Object>)]
    pub requests: Vec<serde_json::Value>,
    /// The reporting maker's own 供給状況報告 of the product, newest first.
    #[schema(value_type = Vec<Object>)]
    pub status_reports: Vec<serde_json::Value>,
}

/// List filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListParams {
    /// `A`, `B` or `D`.
    pub flow: Option<String>,
    /// A state name.
    pub state: Option<String>,
    /// `drug`, `device` or `ivd`.
    pub kind: Option<String>,
    /// A maker's organisation id.
    pub maker_id: Option<i32>,
}

/// A step on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// `judge_impact`, `request_report`, `decide`, `consent`, `report_progress`, `announce` or
    /// `resolve`.
    pub action: String,
    /// With `judge_impact`: `large`, `possibly_large` or `small`.
    pub impact: Option<String>,
    /// With `decide`: `response_needed` or `monitoring`.
    pub decision: Option<String>,
    /// A note; with `announce`, what the institutions were told (required); with
    /// `request_report`, what the ministry asks the maker to report.
    pub note: Option<String>,
    /// With `request_report`: the day the report is due, `YYYY-MM-DD` (Japan), after today.
    pub due_on: Option<String>,
}

fn texts(fields: &BTreeMap<String, serde_json::Value>) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            Some((k.clone(), text))
        })
        .collect()
}

/// Files a drug 供給不安報告 (maker, own drugs). Opens or updates the product's case (flow D);
/// with `case_id`, it is the follow-up of that case (the answer to a 報告徴収).
#[utoipa::path(tag = "cases", request_body = ReportBody, responses(
    (status = 201, description = "Stored", body = FiledBody),
    (status = 403, description = "Not a maker, or another maker's product", content_type = "application/problem+json"),
    (status = 422, description = "Every broken rule", content_type = "application/problem+json")))]
#[post("/supply-risk-reports")]
pub async fn create_supply_risk_report(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&req, &user);
    let mut values = texts(&body.fields);
    let case_id = values
        .remove("case_id")
        .filter(|v| !v.trim().is_empty() && v != "null")
        .map(|v| {
            v.trim().parse::<i32>().map_err(|_| {
                ServiceError::invalid(FieldProblem::new(
                    "case_id",
                    "format",
                    format!("case_id「{v}」は事案の番号（整数）ではありません"),
                ))
            })
        })
        .transpose()?;
    let filed = filing::file_supply_risk(
        &state.db,
        &user,
        &body.product_code,
        case_id,
        &values,
        &actor,
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(FiledBody {
        receipt_number: filed.receipt_number,
        case_id: filed.case_id,
    }))
}

/// 供給不安報告: the maker's own, or all for the ministry.
#[utoipa::path(tag = "cases", responses((status = 200, description = "Reports", body = Object)))]
#[get("/supply-risk-reports")]
pub async fn list_supply_risk_reports(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let items = cases::filing::list_supply_risk(&state.db, &user).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Files a device or IVD 様式10-2 (`kind`): the fields each kind requires are checked.
#[utoipa::path(tag = "cases", request_body = ReportBody, responses(
    (status = 201, description = "Stored", body = FiledBody),
    (status = 403, description = "Not a maker, or another maker's product", content_type = "application/problem+json"),
    (status = 409, description = "The report does not fit the case's state", content_type = "application/problem+json"),
    (status = 422, description = "Every missing or broken field", content_type = "application/problem+json")))]
#[post("/device-reports")]
pub async fn create_device_report(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, AppError> {
    let kind_text = body.kind.clone().unwrap_or_default();
    let kind = match DeviceReportKind::parse(&kind_text) {
        Ok(kind) if kind != DeviceReportKind::TerminationNotice => kind,
        _ => {
            let problem = FieldProblem::new(
                "kind",
                "code",
                format!(
                    "kind「{kind_text}」は使えません（first・additional・simplified・re_report）"
                ),
            );
            return Err(ServiceError::invalid(problem).into());
        }
    };
    device_report(req, user, state, kind, &body).await
}

/// Files a 様式10-3 供給終了届出書.
#[utoipa::path(tag = "cases", request_body = ReportBody, responses(
    (status = 201, description = "Stored", body = FiledBody),
    (status = 409, description = "The case is not at the step of the notice", content_type = "application/problem+json"),
    (status = 422, description = "Every missing or broken field", content_type = "application/problem+json")))]
#[post("/termination-notices")]
pub async fn create_termination_notice(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, AppError> {
    device_report(req, user, state, DeviceReportKind::TerminationNotice, &body).await
}

async fn device_report(
    req: HttpRequest,
    user: crate::services::accounts::UserContext,
    state: web::Data<AppState>,
    kind: DeviceReportKind,
    body: &ReportBody,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&req, &user);
    let mut values = texts(&body.fields);
    values.remove("kind");
    let filed = filing::file_device_report(
        &state.db,
        &user,
        kind,
        &body.product_code,
        &values,
        &actor,
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(FiledBody {
        receipt_number: filed.receipt_number,
        case_id: filed.case_id,
    }))
}

/// Cases the caller may see: all for the ministry, its own for a maker, supported ones for an association.
#[utoipa::path(tag = "cases", params(CaseListParams), responses((status = 200, description = "Cases", body = CaseListResponse)))]
#[get("/cases")]
pub async fn list_cases(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    params: web::Query<CaseListParams>,
) -> Result<web::Json<CaseListResponse>, AppError> {
    let bad = |field: &str, value: &str| {
        ServiceError::invalid(FieldProblem::new(
            field,
            "code",
            format!("{field}「{value}」は使えません"),
        ))
    };
    let filter = CaseFilter {
        flow: params
            .flow
            .as_deref()
            .map(|f| Flow::from_code(f).ok_or_else(|| bad("flow", f)))
            .transpose()?,
        state: params
            .state
            .as_deref()
            .map(|s| CaseState::from_code(s).ok_or_else(|| bad("state", s)))
            .transpose()?,
        product_kind: params.kind.clone(),
        maker_id: params.maker_id,
    };
    let items = cases::list(
        &state.db,
        &user,
        &filter,
        state.settings.case_overdue_days,
        chrono::Utc::now(),
    )
    .await?;
    Ok(web::Json(CaseListResponse {
        items: items.iter().map(case_item).collect(),
    }))
}

/// One case.
#[utoipa::path(tag = "cases", params(("id" = i32, Path, description = "Case id")), responses(
    (status = 200, description = "The case (the read is audited as `case.view`)", body = CaseResponse),
    (status = 403, description = "A system administrator: cases are confidential", content_type = "application/problem+json"),
    (status = 404, description = "No such case for the caller", content_type = "application/problem+json")))]
#[get("/cases/{id}")]
pub async fn show_case(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<CaseResponse>, AppError> {
    let detail = cases::detail(
        &state.db,
        &user,
        *id,
        state.settings.case_overdue_days,
        chrono::Utc::now(),
    )
    .await?;
    audit::record_read(
        &state.db,
        &actor(&req, &user),
        "case.view",
        format!("case:{}", *id),
        Some(detail.summary.product_code.clone()),
    )
    .await?;
    Ok(web::Json(case_response(detail)))
}

/// Takes a step on a case.
#[utoipa::path(tag = "cases", params(("id" = i32, Path, description = "Case id")), request_body = TransitionBody, responses(
    (status = 200, description = "The case after the step", body = CaseResponse),
    (status = 403, description = "Not the caller's step", content_type = "application/problem+json"),
    (status = 409, description = "Not allowed in the current state (named, with the allowed actions)", content_type = "application/problem+json"),
    (status = 422, description = "A missing impact, decision or note", content_type = "application/problem+json")))]
#[post("/cases/{id}/transitions")]
pub async fn create_transition(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Json<TransitionBody>,
) -> Result<web::Json<CaseResponse>, AppError> {
    let action = CaseAction::from_parts(
        &body.action,
        body.impact.as_deref(),
        body.decision.as_deref(),
    )
    .map_err(|(field, e)| ServiceError::invalid(FieldProblem::from_field_error(field, &e)))?;
    let due_on = body
        .due_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ServiceError::invalid(FieldProblem::new(
                    "due_on",
                    "format",
                    format!("報告期限（due_on）「{d}」は YYYY-MM-DD の日付ではありません"),
                ))
            })
        })
        .transpose()?;
    let now = chrono::Utc::now();
    let step = StepRequest {
        action,
        note: body.note.as_deref(),
        due_on,
    };
    let days = state.settings.case_overdue_days;
    cases::actions::take(&state.db, &user, *id, step, days, &actor(&req, &user), now).await?;
    let detail =
        cases::detail(&state.db, &user, *id, state.settings.case_overdue_days, now).await?;
    Ok(web::Json(case_response(detail)))
}

fn case_item(c: &CaseSummary) -> CaseItem {
    CaseItem {
        id: c.id,
        flow: c.flow.code().to_owned(),
        state: c.state.code().to_owned(),
        state_label: c.state.label_ja().to_owned(),
        product_code: c.product_code.clone(),
        product_name: c.product_name.clone(),
        product_kind: c.product_kind.clone(),
        maker_name: c.maker_name.clone(),
        impact: c.impact.map(|i| i.code().to_owned()),
        consented: c.consented,
        days_in_state: c.days_in_state,
        overdue: c.overdue,
        report_due_on: c.report_due_on.map(|d| d.to_string()),
        waits_for: c.waits_for.map(str::to_owned),
    }
}

fn case_response(d: CaseDetail) -> CaseResponse {
    CaseResponse {
        case: case_item(&d.summary),
        reports: d
            .reports
            .into_iter()
            .map(|r| serde_json::json!({
                "receipt_number": r.receipt_number, "kind": r.kind.code(), "event_type": r.event_type.map(DeviceEventType::code),
                "submitted_at": r.submitted_at.to_rfc3339(), "submitted_by": r.submitted_by, "fields": r.fields,
            }))
            .collect(),
        transitions: d
            .transitions
            .into_iter()
            .map(|t| serde_json::json!({
                "event": t.event.code(), "party": t.party.code(), "from_state": t.from_state.map(CaseState::code), "to_state": t.to_state.code(),
                "flow": t.to_flow.code(), "user": t.user, "note": t.note, "occurred_at": t.occurred_at.to_rfc3339(),
            }))
            .collect(),
        allowed_actions: d.allowed_actions.iter().map(|a| (*a).to_owned()).collect(),
        requests: d
            .requests
            .iter()
            .map(|(kind, why_not)| serde_json::json!({"kind": kind.code(), "refused_because": why_not}))
            .collect(),
        status_reports: d
            .status_reports
            .iter()
            .map(|r| serde_json::json!({
                "receipt_number": r.receipt_number, "shipping_status": r.shipping_status.code(),
                "volume_status": r.volume_status.map(VolumeStatus::code), "submitted_at": r.submitted_at.to_rfc3339(),
            }))
            .collect(),
    }
}
