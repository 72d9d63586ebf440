//! Server-rendered Japanese pages (askama templates under `web/templates`, htmx for partial updates).

pub mod access;
pub mod admin;
pub mod admin_users;
pub mod allocation_plans;
pub mod allocation_reserve;
pub mod case_reports;
pub mod cases;
pub mod contacts;
pub mod dashboard;
pub mod data_upload;
pub mod early_warning;
pub mod home;
pub mod invitation;
pub mod login;
pub mod me;
pub mod my_products;
pub mod outbox;
pub mod products;
pub mod public;
pub mod public_search;
pub mod report_download;
pub mod search;
pub mod status_upload;
pub mod substitutes;
pub mod supply_form;

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::error::AppError;
use super::identity::PageUser;
use crate::domain::Role;

/// The header of every page: who is logged in, and the logout form's token.
#[derive(Debug, Clone, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per menu the template shows or hides"
)]
pub struct Nav {
    /// Display name, when logged in.
    pub user_name: Option<String>,
    /// Organisation name.
    pub organization: String,
    /// Role, in Japanese.
    pub role_label: &'static str,
    /// Whether to show the admin menu.
    pub is_admin: bool,
    /// Whether to show the maker's menu.
    pub is_maker: bool,
    /// Whether to show the cases (everyone but wholesalers and system administrators).
    pub shows_cases: bool,
    /// Whether to show the wholesaler's menu (caps, purchase history).
    pub is_wholesaler: bool,
    /// Whether to show the allocation plans (ministry and administrators).
    pub plans_allocations: bool,
    /// Token of the logout form.
    pub csrf_token: String,
    /// Whether to show the dashboard (ministry and operators).
    pub shows_dashboard: bool,
    /// Early warning (ministry only: forecasts may rest on confidential reports).
    pub sees_early_warning: bool,
    /// Whether `/` is a page of its own for the role (makers, wholesalers, associations).
    pub has_home: bool,
    /// Whether to show the association's requests (協力依頼).
    pub is_association: bool,
    /// Administrators: mail failing for over 15 minutes (the banner while not zero).
    pub mail_failing: u64,
}

impl Nav {
    /// The header for a logged-in user.
    pub fn for_user(page: &PageUser) -> Self {
        Self {
            user_name: Some(page.user.display_name.clone()),
            organization: page.user.organization.name.clone(),
            role_label: page.user.role.label_ja(),
            is_admin: page.user.role == Role::Admin,
            is_maker: page.user.role == Role::Manufacturer,
            shows_cases: !matches!(page.user.role, Role::Wholesaler | Role::Admin),
            is_wholesaler: page.user.role == Role::Wholesaler,
            plans_allocations: matches!(page.user.role, Role::Ministry | Role::Admin),
            csrf_token: page.csrf_token.clone(),
            shows_dashboard: matches!(page.user.role, Role::Ministry | Role::Admin),
            sees_early_warning: page.user.role == Role::Ministry,
            has_home: matches!(
                page.user.role,
                Role::Manufacturer | Role::Wholesaler | Role::Association
            ),
            is_association: page.user.role == Role::Association,
            mail_failing: page.mail_failing,
        }
    }
}

/// Renders a template as a UTF-8 HTML response.
pub fn render(template: &impl Template) -> Result<HttpResponse, AppError> {
    let body = template.render().map_err(AppError::page)?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(body))
}

/// Whether htmx sent the request (then only the partial is returned).
pub fn is_htmx(req: &HttpRequest) -> bool {
    req.headers().contains_key("HX-Request")
}

/// Compares two tokens in constant time.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
        && !a.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_when_equal_and_non_empty() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "abcd"));
        assert!(!tokens_match("", ""));
    }
}
