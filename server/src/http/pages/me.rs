//! `/me`: one's own account — password change, the TOTP second factor (enrolment with a QR
//! code, recovery codes), and the live sessions and API tokens, each with a revoke button.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{NoFields, PageForm};
use super::{Nav, render};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, SESSION_COOKIE, actor};
use crate::services::accounts::credentials::{self, Keep};
use crate::services::accounts::mfa;
use crate::services::accounts::password_change::{PasswordChange, change_password};
use crate::services::auth::secret_hash;
use crate::services::{FieldProblem, ServiceError};

fn tokyo(time: chrono::DateTime<chrono::Utc>) -> String {
    time.with_timezone(&chrono_tz::Asia::Tokyo)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A session row.
pub struct SessionRow {
    id: String,
    created_at: String,
    expires_at: String,
    current: bool,
}

/// A token row.
pub struct TokenRow {
    id: i32,
    created_at: String,
    expires_at: String,
}

/// The account page.
#[derive(Template)]
#[template(path = "me/account.html")]
pub struct AccountPage {
    nav: Nav,
    email: String,
    notice: Option<String>,
    problems: Vec<FieldProblem>,
    mfa_enabled: bool,
    recovery_left: u64,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
}

/// The second factor's page.
#[derive(Template)]
#[template(path = "me/mfa.html")]
pub struct MfaPage {
    nav: Nav,
    required: bool,
    enabled: bool,
    recovery_left: u64,
    secret: String,
    qr_svg: String,
    error: Option<String>,
    recovery_codes: Vec<String>,
}

/// `?changed=1` after a password change.
#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    changed: Option<u8>,
    revoked: Option<u8>,
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

/// The session revoke form.
#[derive(Debug, Deserialize)]
pub struct SessionForm {
    session: String,
}

/// The enrolment's confirmation form.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    code: String,
}

async fn account_page(
    req: &HttpRequest,
    state: &AppState,
    page: &PageUser,
    notice: Option<String>,
    problems: Vec<FieldProblem>,
) -> Result<AccountPage, AppError> {
    let now = chrono::Utc::now();
    let (sessions, tokens) = credentials::live(&state.db, page.user.user_id, now)
        .await
        .map_err(AppError::page)?;
    let status = mfa::status(&state.db, page.user.user_id)
        .await
        .map_err(AppError::page)?;
    let current = req.cookie(SESSION_COOKIE).map(|c| secret_hash(c.value()));
    Ok(AccountPage {
        nav: Nav::for_user(page),
        email: page.user.email.clone(),
        notice,
        problems,
        mfa_enabled: status.enabled,
        recovery_left: status.recovery_codes_left,
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                current: current.as_deref() == Some(s.id.as_str()),
                id: s.id,
                created_at: tokyo(s.created_at),
                expires_at: tokyo(s.expires_at),
            })
            .collect(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                created_at: tokyo(t.created_at),
                expires_at: tokyo(t.expires_at),
            })
            .collect(),
    })
}

/// Shows the account page.
pub async fn show_account(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    query: web::Query<AccountQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = if query.changed.is_some() {
        Some(
            "パスワードを変更しました。他のブラウザとAPIトークンはログアウトされました。"
                .to_owned(),
        )
    } else if query.revoked.is_some() {
        Some("無効にしました。".to_owned())
    } else {
        None
    };
    render(&account_page(&req, &state, &page, notice, Vec::new()).await?)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// Changes the password; the page again with the rule that was broken, or a notice.
pub async fn change_own_password(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    form: PageForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let refused = |problems: Vec<FieldProblem>| async {
        let body = account_page(&req, &state, &page, None, problems)
            .await?
            .render()
            .map_err(AppError::page)?;
        Ok::<_, AppError>(
            HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
                .content_type("text/html; charset=utf-8")
                .body(body),
        )
    };
    if form.new_password != form.new_password_confirm {
        return refused(vec![FieldProblem::new(
            "new_password_confirm",
            "password_mismatch",
            "新しいパスワードと確認用のパスワードが一致しません",
        )])
        .await;
    }
    let cookie = req.cookie(SESSION_COOKIE);
    let keep = cookie
        .as_ref()
        .map_or(Keep::Nothing, |c| Keep::Session(c.value()));
    match change_password(
        &state.db,
        page.user.user_id,
        PasswordChange {
            current: &form.current_password,
            new: &form.new_password,
        },
        keep,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(see_other("/me?changed=1")),
        Err(ServiceError::Invalid(problems)) => refused(problems).await,
        Err(other) => Err(AppError::page(other)),
    }
}

/// Ends another of one's sessions.
pub async fn revoke_session(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    form: PageForm<SessionForm>,
) -> Result<HttpResponse, AppError> {
    credentials::revoke_session(
        &state.db,
        page.user.user_id,
        &form.session,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    Ok(see_other("/me?revoked=1"))
}

/// Revokes one of one's API tokens.
pub async fn revoke_token(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    credentials::revoke_token(
        &state.db,
        page.user.user_id,
        *id,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    Ok(see_other("/me?revoked=1"))
}

async fn mfa_page(
    req: &HttpRequest,
    state: &AppState,
    page: &PageUser,
    error: Option<String>,
) -> Result<MfaPage, AppError> {
    let status = mfa::status(&state.db, page.user.user_id)
        .await
        .map_err(AppError::page)?;
    let (secret, qr_svg) = if status.enabled {
        (String::new(), String::new())
    } else {
        let enrolment = mfa::pending_or_begin(
            &state.db,
            &page.user,
            &actor(req, &page.user),
            chrono::Utc::now(),
        )
        .await
        .map_err(AppError::page)?;
        let svg = mfa::qr_svg(&enrolment.otpauth_uri).map_err(AppError::page)?;
        (enrolment.secret, svg)
    };
    Ok(MfaPage {
        nav: Nav::for_user(page),
        required: state.settings.mfa_required_roles.contains(&page.user.role) && !status.enabled,
        enabled: status.enabled,
        recovery_left: status.recovery_codes_left,
        secret,
        qr_svg,
        error,
        recovery_codes: Vec::new(),
    })
}

/// The enrolment page: a QR code of a secret waiting for confirmation, or the status.
pub async fn show_mfa(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(&mfa_page(&req, &state, &page, None).await?)
}

/// Confirms the enrolment with a code; shows the recovery codes once.
pub async fn confirm_mfa(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    form: PageForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    match mfa::confirm(
        &state.db,
        page.user.user_id,
        &form.code,
        &actor(&req, &page.user),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(recovery_codes) => {
            let status = mfa::status(&state.db, page.user.user_id)
                .await
                .map_err(AppError::page)?;
            render(&MfaPage {
                nav: Nav::for_user(&page),
                required: false,
                enabled: true,
                recovery_left: status.recovery_codes_left,
                secret: String::new(),
                qr_svg: String::new(),
                error: None,
                recovery_codes,
            })
        }
        Err(ServiceError::Invalid(problems)) => {
            let message = problems.first().map(|p| p.message.clone());
            let body = mfa_page(&req, &state, &page, message)
                .await?
                .render()
                .map_err(AppError::page)?;
            Ok(HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
                .content_type("text/html; charset=utf-8")
                .body(body))
        }
        Err(other) => Err(AppError::page(other)),
    }
}
