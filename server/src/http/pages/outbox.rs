//! The administrator's outbox page (every mail and its delivery; failed ones can be resent) and
//! the organisation's contacts page (immediate mail or a daily digest).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Admin, NoFields, PageForm};
use super::{Nav, render};
use crate::db::entity::contact;
use crate::domain::contact::Delivery;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::PageUser;
use crate::paths;
use crate::services::contacts;
use crate::services::outbox::{self, OutboxEntry, OutboxFilter};

/// The outbox page.
#[derive(Template)]
#[template(path = "admin/outbox.html")]
pub struct OutboxPage {
    nav: Nav,
    entries: Vec<OutboxEntry>,
    status: String,
    csrf_token: String,
    /// Failed mail per kind, each with a button resending all of them.
    failed_kinds: Vec<(String, i64)>,
}

impl OutboxPage {
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    fn status_label(status: &str) -> &'static str {
        match status {
            "pending" => "送信待ち",
            "held" => "まとめ待ち",
            "sending" => "送信中",
            "sent" => "送信済み",
            "failed" => "送信失敗",
            "digested" => "まとめて送信",
            _ => "—",
        }
    }

    fn statuses() -> [&'static str; 5] {
        ["failed", "pending", "held", "sent", "digested"]
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
    let filter = OutboxFilter {
        status: Some(query.status.clone()).filter(|s| !s.is_empty()),
    };
    let entries = outbox::list(&state.db, &filter)
        .await
        .map_err(AppError::page)?;
    let failed_kinds = outbox::failed_kinds(&state.db)
        .await
        .map_err(AppError::page)?;
    render(&OutboxPage {
        nav: Nav::for_user(&page),
        entries,
        status: query.status.clone(),
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
    outbox::resend_failed_of_kind(&state.db, &form.kind, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
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

/// The contacts page.
#[derive(Template)]
#[template(path = "my/contacts.html")]
pub struct ContactsPage {
    nav: Nav,
    contacts: Vec<contact::Model>,
    csrf_token: String,
}

impl ContactsPage {
    fn deliveries() -> &'static [Delivery] {
        Delivery::ALL
    }
}

/// A contact's delivery choice.
#[derive(Debug, Deserialize)]
pub struct DeliveryForm {
    delivery: String,
}

/// Lists the organisation's contacts with their delivery choice.
pub async fn list_contacts(
    page: PageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let contacts = contacts::list_own(&state.db, &page.user)
        .await
        .map_err(AppError::page)?;
    render(&ContactsPage {
        nav: Nav::for_user(&page),
        contacts,
        csrf_token: page.csrf_token.clone(),
    })
}

/// Changes a contact's delivery choice; back to the contacts.
pub async fn update_contact_delivery(
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: PageForm<DeliveryForm>,
) -> Result<HttpResponse, AppError> {
    contacts::set_delivery(&state.db, &page.user, *id, &form.delivery)
        .await
        .map_err(AppError::page)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::MY_CONTACTS))
        .finish())
}
