//! The administrator's pages: the audit log, on screen and as CSV for Excel.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::Admin;
use super::{Nav, render};
use crate::db::entity::audit_log;
use crate::domain::Paging;
use crate::http::error::AppError;
use crate::http::{AppState, download};
use crate::services::audit;

/// Entries per page on screen.
const PER_PAGE: u64 = 100;
/// Most entries in one CSV download.
const CSV_LIMIT: u64 = 100_000;

/// Page number.
#[derive(Debug, Deserialize)]
pub struct PageParams {
    page: Option<u64>,
}

/// One row as shown.
pub struct AuditRow {
    occurred_at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
    remote_addr: String,
    success: bool,
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
}

fn row(entry: audit_log::Model) -> AuditRow {
    let tokyo = entry.occurred_at.with_timezone(&chrono_tz::Asia::Tokyo);
    AuditRow {
        occurred_at: tokyo.format("%Y-%m-%d %H:%M:%S").to_string(),
        actor: entry.actor_email,
        action: entry.action,
        target: entry.target,
        detail: entry.detail.unwrap_or_default(),
        remote_addr: entry.remote_addr.unwrap_or_default(),
        success: entry.success,
    }
}

/// Lists the audit log, newest first.
pub async fn list_audit_log(
    page_user: Admin,
    state: web::Data<AppState>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = Paging::parse(params.page, None, PER_PAGE, PER_PAGE)
        .map_err(|e| AppError::page(AppError::bad_request(e.message)))?
        .page();
    let (entries, total) = audit::list(&state.db, page, PER_PAGE)
        .await
        .map_err(AppError::page)?;
    render(&AuditLogPage {
        nav: Nav::for_user(&page_user),
        rows: entries.into_iter().map(row).collect(),
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
    })
}

/// Downloads the audit log as CSV (UTF-8 with BOM, opens in Excel), times in Asia/Tokyo.
pub async fn download_audit_log(
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (entries, _) = audit::list(&state.db, 1, CSV_LIMIT)
        .await
        .map_err(AppError::page)?;
    let rows = entries.into_iter().map(row).map(|r| {
        vec![
            r.occurred_at,
            r.actor,
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
        "対象",
        "詳細",
        "接続元",
        "結果",
    ];
    download::csv("audit-log.csv", &header_row, rows).map_err(AppError::page)
}
