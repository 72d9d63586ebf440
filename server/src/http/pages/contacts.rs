//! The organisation's contacts page: how each supply contact receives mail (immediate or a daily
//! digest), and a maker's 特定医薬品供給体制管理責任者.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Maker, PageForm};
use super::{Nav, render};
use crate::db::entity::contact;
use crate::domain::Role;
use crate::domain::contact::Delivery;
use crate::domain::supply_manager::SupplyManagerInput;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::paths;
use crate::services::contacts;
use crate::services::{FieldProblem, ServiceError};

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
