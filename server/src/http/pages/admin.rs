//! The administrator's pages: the audit log with Japanese action names and filters (user,
//! organisation, action, date), on screen and as CSV for Excel; every export is itself audited.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::access::Admin;
use super::{Nav, render};
use crate::db::entity::audit_log;
use crate::domain::{Paging, audit_action};
use crate::http::error::AppError;
use crate::http::identity::actor;
use crate::http::{AppState, download};
use crate::services::accounts::{self, OrganizationRef};
use crate::services::audit::{self, AuditFilter};
use crate::services::{FieldProblem, ServiceError};

/// Entries per page on screen.
const PER_PAGE: u64 = 100;
/// Most entries in one CSV download.
const CSV_LIMIT: u64 = 100_000;

/// Filters and page number, as the form sends them (empty fields mean "any").
#[derive(Debug, Default, Deserialize)]
pub struct AuditParams {
    page: Option<u64>,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl AuditParams {
    /// The filter, or 422 naming the field that is not a date or an organisation id.
    fn filter(&self) -> Result<AuditFilter, ServiceError> {
        let mut problems = Vec::new();
        let date = |field: &'static str, text: &str, problems: &mut Vec<FieldProblem>| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| {
                    problems.push(FieldProblem::new(
                        field,
                        "date",
                        format!("日付は YYYY-MM-DD の形で指定してください（{text}）"),
                    ));
                })
                .ok()
        };
        let from = date("from", &self.from, &mut problems);
        let to = date("to", &self.to, &mut problems);
        let organization_id = match self.organization_id.trim() {
            "" => None,
            text => text
                .parse::<i32>()
                .map_err(|_| {
                    problems.push(FieldProblem::new(
                        "organization_id",
                        "organization",
                        format!("組織の指定が正しくありません（{text}）"),
                    ));
                })
                .ok(),
        };
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        Ok(AuditFilter {
            actor: Some(self.actor.trim().to_owned()).filter(|a| !a.is_empty()),
            organization_id,
            action: Some(self.action.trim().to_owned()).filter(|a| !a.is_empty()),
            from,
            to,
        })
    }

    /// The filter as a query string (for the pager and the CSV link).
    fn query(&self) -> String {
        let pairs = [
            ("actor", &self.actor),
            ("organization_id", &self.organization_id),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", crate::http::error::encode_query(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// One row as shown.
pub struct AuditRow {
    occurred_at: String,
    actor: String,
    action: String,
    action_label: String,
    target: String,
    detail: String,
    remote_addr: String,
    success: bool,
}

/// One choice of a filter's select.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The audit log page.
#[derive(Template)]
#[template(path = "admin/audit_log.html")]
pub struct AuditLogPage {
    nav: Nav,
    rows: Vec<AuditRow>,
    total: u64,
    page: u64,
    pages: u64,
    params: AuditParams,
    query: String,
    organizations: Vec<Choice>,
    actions: Vec<Choice>,
}

fn row(entry: audit_log::Model) -> AuditRow {
    let tokyo = entry.occurred_at.with_timezone(&chrono_tz::Asia::Tokyo);
    AuditRow {
        occurred_at: tokyo.format("%Y-%m-%d %H:%M:%S").to_string(),
        actor: audit_action::actor_label(&entry.actor_email),
        action_label: audit_action::label(&entry.action).to_owned(),
        action: entry.action,
        target: audit_action::target_label(&entry.target),
        detail: entry.detail.unwrap_or_default(),
        remote_addr: entry.remote_addr.unwrap_or_default(),
        success: entry.success,
    }
}

fn organization_choices(all: Vec<OrganizationRef>, chosen: &str) -> Vec<Choice> {
    all.into_iter()
        .map(|o| Choice {
            selected: o.id.to_string() == chosen.trim(),
            value: o.id.to_string(),
            label: format!("{}（{}）", o.name, o.kind.label_ja()),
        })
        .collect()
}

fn action_choices(chosen: &str) -> Vec<Choice> {
    audit_action::ACTIONS
        .iter()
        .map(|(code, label)| Choice {
            value: (*code).to_owned(),
            label: (*label).to_owned(),
            selected: *code == chosen.trim(),
        })
        .collect()
}

/// Lists the audit log, newest first, narrowed by the filters.
pub async fn list_audit_log(
    page_user: Admin,
    state: web::Data<AppState>,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let page = Paging::parse(params.page, None, PER_PAGE, PER_PAGE)
        .map_err(|e| AppError::page(AppError::bad_request(e.message)))?
        .page();
    let filter = params.filter().map_err(AppError::page)?;
    let (entries, total) = audit::list(&state.db, &filter, page, PER_PAGE)
        .await
        .map_err(AppError::page)?;
    let organizations = accounts::all_organizations(&state.db)
        .await
        .map_err(AppError::page)?;
    render(&AuditLogPage {
        nav: Nav::for_user(&page_user),
        rows: entries.into_iter().map(row).collect(),
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        query: params.query(),
        organizations: organization_choices(organizations, &params.organization_id),
        actions: action_choices(&params.action),
        params,
    })
}

/// Downloads the (filtered) audit log as CSV (UTF-8 with BOM, opens in Excel), times in
/// Asia/Tokyo, and records the export (`audit.export`).
pub async fn download_audit_log(
    req: HttpRequest,
    page_user: Admin,
    state: web::Data<AppState>,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let filter = params.filter().map_err(AppError::page)?;
    let (entries, total) = audit::list(&state.db, &filter, 1, CSV_LIMIT)
        .await
        .map_err(AppError::page)?;
    let query = params.query();
    audit::record_read(
        &state.db,
        &actor(&req, &page_user.user),
        "audit.export",
        "audit_log".to_owned(),
        Some(format!(
            "{total}件{}",
            if query.is_empty() {
                String::new()
            } else {
                format!("（{query}）")
            }
        )),
    )
    .await
    .map_err(AppError::page)?;
    let rows = entries.into_iter().map(row).map(|r| {
        vec![
            r.occurred_at,
            r.actor,
            r.action_label,
            r.action,
            r.target,
            r.detail,
            r.remote_addr,
            if r.success { "成功" } else { "失敗" }.to_owned(),
        ]
    });
    let header_row = [
        "日時（日本時間）",
        "操作者",
        "操作",
        "操作コード",
        "対象",
        "詳細",
        "接続元",
        "結果",
    ];
    download::csv("audit-log.csv", &header_row, rows).map_err(AppError::page)
}
