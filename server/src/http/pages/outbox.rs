//! The administrator's outbox page (every mail and its delivery; failed ones can be resent) and
//! the organisation's contacts page (immediate mail or a daily digest).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Admin, Maker, NoFields, PageForm};
use super::{Nav, render};
use crate::db::entity::contact;
use crate::domain::Role;
use crate::domain::contact::Delivery;
use crate::domain::mail_kind::MailKind;
use crate::domain::outbox_status::OutboxStatus;
use crate::domain::supply_manager::SupplyManagerInput;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::contacts;
use crate::services::outbox::{self, OutboxEntry, OutboxFilter};
use crate::services::{FieldProblem, ServiceError};

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
    let chosen = Some(query.status.as_str())
        .filter(|s| !s.is_empty())
        .map(OutboxStatus::from_code);
    let status = chosen.flatten();
    let entries = if chosen == Some(None) {
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

/// The contacts page (a maker's also names its 特定医薬品供給体制管理責任者).
#[derive(Template)]
#[template(path = "my/contacts.html")]
pub struct ContactsPage {
    nav: Nav,
    contacts: Vec<contact::Model>,
    csrf_token: String,
    /// Whether the organisation names a responsible person (makers).
    names_manager: bool,
    /// The responsible person's form: as stored, or as typed when it was refused.
    manager: SupplyManagerForm,
    /// Whether one is stored.
    manager_stored: bool,
    problems: Vec<FieldProblem>,
    saved: bool,
}

impl ContactsPage {
    fn deliveries() -> &'static [Delivery] {
        Delivery::ALL
    }

    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    /// The responsible person's fields: (name, label, value, input type, autocomplete).
    fn manager_fields(
        &self,
    ) -> [(&'static str, &'static str, &str, &'static str, &'static str); 3] {
        [
            ("name", "氏名（必須）", &self.manager.name, "text", "name"),
            (
                "title",
                "役職",
                &self.manager.title,
                "text",
                "organization-title",
            ),
            (
                "email",
                "メールアドレス（必須）",
                &self.manager.email,
                "email",
                "email",
            ),
        ]
    }
}

/// A contact's delivery choice.
#[derive(Debug, Deserialize)]
pub struct DeliveryForm {
    delivery: String,
}

/// The 特定医薬品供給体制管理責任者 form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SupplyManagerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    email: String,
}

/// `?saved=1` after the responsible person was stored.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<u8>,
}

async fn contacts_page(
    page: &PageUser,
    state: &AppState,
    typed: Option<SupplyManagerForm>,
    problems: Vec<FieldProblem>,
    saved: bool,
) -> Result<ContactsPage, AppError> {
    let contacts = contacts::list_own(&state.db, &page.user)
        .await
        .map_err(AppError::page)?;
    let names_manager = page.user.role == Role::Manufacturer;
    let stored = if names_manager {
        contacts::supply_manager(&state.db, page.user.organization.id)
            .await
            .map_err(AppError::page)?
    } else {
        None
    };
    let manager = typed.unwrap_or_else(|| {
        stored
            .as_ref()
            .map_or_else(SupplyManagerForm::default, |m| SupplyManagerForm {
                name: m.name.clone(),
                title: m.title.clone().unwrap_or_default(),
                email: m.email.clone(),
            })
    });
    Ok(ContactsPage {
        nav: Nav::for_user(page),
        contacts,
        csrf_token: page.csrf_token.clone(),
        names_manager,
        manager,
        manager_stored: stored.is_some(),
        problems,
        saved,
    })
}

/// Lists the organisation's contacts with their delivery choice (and a maker's responsible person).
pub async fn list_contacts(
    page: PageUser,
    state: web::Data<AppState>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let saved = query.saved == Some(1);
    render(&contacts_page(&page, &state, None, Vec::new(), saved).await?)
}

/// Names the maker's 特定医薬品供給体制管理責任者; back to the contacts, or the form again (422)
/// with every broken rule beside its field and nothing stored.
pub async fn update_supply_manager(
    req: HttpRequest,
    page: Maker,
    state: web::Data<AppState>,
    form: PageForm<SupplyManagerForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.into_inner();
    let input = SupplyManagerInput {
        name: typed.name.clone(),
        title: typed.title.clone(),
        email: typed.email.clone(),
    };
    match contacts::set_supply_manager(
        &state.db,
        &page.user,
        &input,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?saved=1", paths::MY_CONTACTS)))
            .finish()),
        Err(ServiceError::Invalid(problems)) => {
            let body = contacts_page(&page, &state, Some(typed), problems, false)
                .await?
                .render()
                .map_err(AppError::page)?;
            Ok(HttpResponse::UnprocessableEntity()
                .content_type(actix_web::http::header::ContentType::html())
                .body(body))
        }
        Err(other) => Err(AppError::page(other)),
    }
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
