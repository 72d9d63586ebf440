//! The administrator's outbox page: every mail and its delivery; failed ones can be resent, one
//! by one or all of a kind.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Admin, NoFields, PageForm};
use super::{Nav, render};
use crate::domain::mail_kind::MailKind;
use crate::domain::outbox_status::OutboxStatus;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::paths;
use crate::services::outbox::{self, OutboxEntry, OutboxFilter};

/// The outbox page.
#[derive(Template)]
#[template(path = "admin/outbox.html")]
pub struct OutboxPage {
    nav: Nav,
    entries: Vec<OutboxEntry>,
    /// The status filtered by; `None` for every status.
    status: Option<OutboxStatus>,
    csrf_token: String,
    /// Failed mail per kind, each with a button resending all of them.
    failed_kinds: Vec<(MailKind, i64)>,
}

impl OutboxPage {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    fn statuses() -> &'static [OutboxStatus] {
        OutboxStatus::FILTERS
    }

    fn selected(&self, status: OutboxStatus) -> bool {
        self.status == Some(status)
    }

    /// The badge a status wears: failed ones stand out, delivered ones look settled.
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama hands the template's values over by reference"
    )]
    fn badge(status: &OutboxStatus) -> &'static str {
        match *status {
            OutboxStatus::Failed => "stopped",
            OutboxStatus::Sent => "normal",
            _ => "limited",
        }
    }
}

/// Status filter.
#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    status: String,
}

/// Lists the outbox, newest first, optionally of one status.
pub async fn list_outbox(
    page: Admin,
    state: web::Data<AppState>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let typed = Some(query.status.as_str()).filter(|s| !s.is_empty());
    let status = typed.and_then(OutboxStatus::from_code);
    let entries = if typed.is_some() && status.is_none() {
        // A status that is no code matches no mail.
        Vec::new()
    } else {
        outbox::list(&state.db, &OutboxFilter { status })
            .await
            .map_err(AppError::page)?
    };
    let failed_kinds = outbox::failed_kinds(&state.db)
        .await
        .map_err(AppError::page)?;
    render(&OutboxPage {
        nav: Nav::for_user(&page),
        entries,
        status,
        csrf_token: page.csrf_token.clone(),
        failed_kinds,
    })
}

/// Which kind of failed mail to resend.
#[derive(Debug, Deserialize)]
pub struct KindForm {
    kind: String,
}

/// Queues every failed mail of one kind again; back to the outbox.
pub async fn resend_failed_outbox_kind(
    _admin: Admin,
    state: web::Data<AppState>,
    form: PageForm<KindForm>,
) -> Result<HttpResponse, AppError> {
    // A kind that is no code has no failed mail to resend.
    if let Some(kind) = MailKind::from_code(&form.kind) {
        outbox::resend_failed_of_kind(&state.db, kind, chrono::Utc::now())
            .await
            .map_err(AppError::page)?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/outbox"))
        .finish())
}

/// Queues a failed message again; back to the failed list.
pub async fn resend_outbox_message(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    outbox::resend(&state.db, *id, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("{}?status=failed", paths::ADMIN_OUTBOX),
        ))
        .finish())
}
