//! Login and logout pages: a CSRF-protected form, the same error for every failure, session cookies.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{NoFields, PageForm};
use super::{Nav, tokens_match};
use crate::http::AppState;
use crate::http::error::{AppError, ErrorKind};
use crate::http::identity::{
    PageUser, SESSION_COOKIE, actor, expired_session_cookie, remote_addr, session_cookie,
};
use crate::services::ServiceError;
use crate::services::auth;

/// Cookie carrying the login form's token (double submit: the form must repeat it).
const LOGIN_CSRF_COOKIE: &str = "sw_login_csrf";

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    nav: Nav,
    email: String,
    next: String,
    csrf_token: String,
    error: Option<String>,
}

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
}

/// Shows the login form with a fresh form token.
pub async fn new_session_form(query: web::Query<LoginQuery>) -> Result<HttpResponse, AppError> {
    login_page(
        String::new(),
        safe_next(query.next.as_deref()),
        None,
        StatusCode::OK,
    )
}

/// Checks the credentials; on success opens a session and goes to `next`.
pub async fn create_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let cookie_token = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if !tokens_match(&cookie_token, &form.csrf_token) {
        return Err(AppError::page(ErrorKind::CsrfMismatch));
    }
    let now = chrono::Utc::now();
    let user = match auth::authenticate(
        &state.db,
        &form.email,
        &form.password,
        remote_addr(&req),
        state.settings.login_failures_per_address,
        now,
    )
    .await
    {
        Ok(user) => user,
        Err(ServiceError::Unauthenticated(message)) => {
            return login_page(form.email, next, Some(message), StatusCode::UNAUTHORIZED);
        }
        Err(other) => return Err(AppError::page(other)),
    };
    let hours = state.settings.session_hours;
    let session = auth::open_session(&state.db, user.user_id, hours, now)
        .await
        .map_err(AppError::page)?;
    let mut clear_login_token = Cookie::build(LOGIN_CSRF_COOKIE, "").path("/login").finish();
    clear_login_token.make_removal();
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(
            session.secret,
            hours,
            state.settings.secure_cookies,
        ))
        .cookie(clear_login_token)
        .insert_header((header::LOCATION, next))
        .finish())
}

/// Ends the session and returns to the login page.
pub async fn delete_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: PageUser,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        auth::close_session(
            &state.db,
            cookie.value(),
            &actor(&req, &page.user),
            chrono::Utc::now(),
        )
        .await
        .map_err(AppError::page)?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(expired_session_cookie())
        .insert_header((header::LOCATION, "/login"))
        .finish())
}

fn login_page(
    email: String,
    next: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let csrf_token = auth::random_secret();
    let page = LoginPage {
        nav: Nav::default(),
        email,
        next,
        csrf_token: csrf_token.clone(),
        error,
    };
    let body = page.render().map_err(AppError::page)?;
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, csrf_token)
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::hours(1))
        .finish();
    Ok(HttpResponse::build(status)
        .cookie(cookie)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Only a path on this site is followed after login (no open redirect): it starts with one
/// `/` and holds no `//`, backslash, whitespace or control character (browsers drop tabs and
/// line breaks from a URL, so `/\t/evil.example` would become `//evil.example`).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.contains("//")
                && !path
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => "/products".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/products/1124001F1022")),
            "/products/1124001F1022"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/products");
        assert_eq!(safe_next(Some("https://evil.example/")), "/products");
        assert_eq!(safe_next(None), "/products");
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/ /evil.example",
            "/x//evil.example",
            "/\u{7f}/evil.example",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/products", "{hostile:?}");
        }
    }
}
