//! Login and logout pages: a CSRF-protected form, the same error for every failure, a second
//! step asking for the TOTP code of users who have one, session cookies.

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
use crate::services::accounts::login_challenge;
use crate::services::auth;

/// Cookie carrying the login form's token (double submit: the form must repeat it).
const LOGIN_CSRF_COOKIE: &str = "sw_login_csrf";
/// Cookie of a login waiting for its second factor.
const LOGIN_CHALLENGE_COOKIE: &str = "sw_login_mfa";

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

/// The second step: the code of the authenticator app (or a recovery code).
#[derive(Template)]
#[template(path = "login_mfa.html")]
pub struct SecondStepPage {
    nav: Nav,
    csrf_token: String,
    error: Option<String>,
}

/// The second step's form.
#[derive(Debug, Deserialize)]
pub struct SecondStepForm {
    code: String,
    csrf_token: String,
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
    let login = auth::Login {
        email: &form.email,
        password: &form.password,
        second_factor: auth::SecondFactor::Later,
        mfa_roles: &state.settings.mfa_required_roles,
        remote_addr: remote_addr(&req),
    };
    let logged_in = match auth::authenticate(
        &state.db,
        &login,
        state.settings.login_failures_per_address,
        now,
    )
    .await
    {
        Ok(logged_in) => logged_in,
        Err(ServiceError::Unauthenticated(message)) => {
            return login_page(form.email, next, Some(message), StatusCode::UNAUTHORIZED);
        }
        Err(other) => return Err(AppError::page(other)),
    };
    match logged_in {
        auth::LoggedIn::Complete(user) => {
            let next =
                if state.settings.mfa_required_roles.contains(&user.role) && !user.mfa_enabled {
                    "/me/mfa".to_owned()
                } else {
                    next
                };
            logged_in_response(&state, user.user_id, &next, now).await
        }
        auth::LoggedIn::SecondStep(user_id) => {
            let secret = login_challenge::open(&state.db, user_id, &next, now)
                .await
                .map_err(AppError::page)?;
            let challenge = Cookie::build(LOGIN_CHALLENGE_COOKIE, secret)
                .path("/login")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(state.settings.secure_cookies)
                .max_age(time::Duration::minutes(login_challenge::MINUTES))
                .finish();
            second_step_page(None, StatusCode::OK, Some(challenge))
        }
    }
}

/// The second step: checks the code; on success opens the session and goes to `next`.
pub async fn complete_second_step(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SecondStepForm>,
) -> Result<HttpResponse, AppError> {
    let cookie_token = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if !tokens_match(&cookie_token, &form.csrf_token) {
        return Err(AppError::page(ErrorKind::CsrfMismatch));
    }
    let now = chrono::Utc::now();
    let secret = req
        .cookie(LOGIN_CHALLENGE_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let Some((user_id, next)) = login_challenge::find(&state.db, &secret, now)
        .await
        .map_err(AppError::page)?
    else {
        return login_page(
            String::new(),
            "/".to_owned(),
            Some("確認の有効期限が切れました。もう一度ログインしてください".to_owned()),
            StatusCode::UNAUTHORIZED,
        );
    };
    match auth::complete_second_step(&state.db, user_id, &form.code, remote_addr(&req), now).await {
        Ok(user) => {
            login_challenge::close(&state.db, &secret)
                .await
                .map_err(AppError::page)?;
            let mut response = logged_in_response(&state, user.user_id, &next, now).await?;
            let mut clear = Cookie::build(LOGIN_CHALLENGE_COOKIE, "")
                .path("/login")
                .finish();
            clear.make_removal();
            response.add_cookie(&clear).map_err(|e| {
                AppError::page(ServiceError::Internal(format!(
                    "Failed to set a cookie: {e}"
                )))
            })?;
            Ok(response)
        }
        Err(ServiceError::SecondFactor(problems)) => second_step_page(
            problems.first().map(|p| p.message.clone()),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        Err(ServiceError::Unauthenticated(message)) => {
            login_page(String::new(), next, Some(message), StatusCode::UNAUTHORIZED)
        }
        Err(other) => Err(AppError::page(other)),
    }
}

/// Opens the session of a user who has logged in and goes to `next`.
async fn logged_in_response(
    state: &AppState,
    user_id: i32,
    next: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HttpResponse, AppError> {
    let hours = state.settings.session_hours;
    let session = auth::open_session(&state.db, user_id, hours, now)
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
        .insert_header((header::LOCATION, next.to_owned()))
        .finish())
}

fn second_step_page(
    error: Option<String>,
    status: StatusCode,
    challenge: Option<Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    let csrf_token = auth::random_secret();
    let page = SecondStepPage {
        nav: Nav::default(),
        csrf_token: csrf_token.clone(),
        error,
    };
    let body = page.render().map_err(AppError::page)?;
    let mut response = HttpResponse::build(status);
    response.cookie(login_token_cookie(csrf_token));
    if let Some(challenge) = challenge {
        response.cookie(challenge);
    }
    Ok(response.content_type("text/html; charset=utf-8").body(body))
}

fn login_token_cookie(csrf_token: String) -> Cookie<'static> {
    Cookie::build(LOGIN_CSRF_COOKIE, csrf_token)
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::hours(1))
        .finish()
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
    Ok(HttpResponse::build(status)
        .cookie(login_token_cookie(csrf_token))
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
        // Each role's home (`/` sends the ministry to the dashboard, the admin to the users…).
        _ => "/".to_owned(),
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
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(None), "/");
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/ /evil.example",
            "/x//evil.example",
            "/\u{7f}/evil.example",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
    }
}
