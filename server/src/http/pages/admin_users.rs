//! `/admin/users`: the administrator's user list (all, or the dormant ones), the invitation
//! form, and per user a role/organisation change, deactivation and a second-factor reset.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{Admin, NoFields, PageForm};
use super::{Nav, render};
use crate::domain::Role;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::actor;
use crate::services::accounts::user_admin::{self, Invitee, UserChange};
use crate::services::accounts::{self, mfa};
use crate::services::{FieldProblem, ServiceError};

/// A user row as shown.
pub struct UserView {
    id: i32,
    email: String,
    display_name: String,
    role_code: &'static str,
    role: &'static str,
    organization_id: i32,
    organization: String,
    active: bool,
    last_login: String,
    mfa_enabled: bool,
    dormant: bool,
}

/// A choice of a select.
pub struct Choice {
    value: String,
    label: String,
}

/// The page.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    nav: Nav,
    users: Vec<UserView>,
    only_dormant: bool,
    dormant_days: i64,
    roles: Vec<Choice>,
    organizations: Vec<Choice>,
    notice: Option<String>,
    problems: Vec<FieldProblem>,
}

/// `?dormant=1`, and the notice after an action.
#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    dormant: Option<u8>,
    done: Option<String>,
}

/// The invitation form.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    email: String,
    display_name: String,
    role: String,
    organization_id: i32,
}

/// The change form.
#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    role: String,
    organization_id: i32,
}

async fn page(
    state: &AppState,
    admin: &Admin,
    only_dormant: bool,
    notice: Option<String>,
    problems: Vec<FieldProblem>,
) -> Result<UsersPage, AppError> {
    let now = chrono::Utc::now();
    let rows = user_admin::list(&state.db, only_dormant, state.settings.dormant_days, now)
        .await
        .map_err(AppError::page)?;
    let organizations = accounts::all_organizations(&state.db)
        .await
        .map_err(AppError::page)?;
    Ok(UsersPage {
        nav: Nav::for_user(admin),
        users: rows
            .into_iter()
            .map(|r| UserView {
                id: r.id,
                email: r.email,
                display_name: r.display_name,
                role_code: r.role.code(),
                role: r.role.label_ja(),
                organization_id: r.organization.id,
                organization: r.organization.name,
                active: r.active,
                last_login: r.last_login_at.map_or_else(
                    || "なし".to_owned(),
                    |t| {
                        t.with_timezone(&chrono_tz::Asia::Tokyo)
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    },
                ),
                mfa_enabled: r.mfa_enabled,
                dormant: r.dormant,
            })
            .collect(),
        only_dormant,
        dormant_days: state.settings.dormant_days,
        roles: Role::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().to_owned(),
                label: r.label_ja().to_owned(),
            })
            .collect(),
        organizations: organizations
            .into_iter()
            .map(|o| Choice {
                value: o.id.to_string(),
                label: format!("{}（{}）", o.name, o.kind.label_ja()),
            })
            .collect(),
        notice,
        problems,
    })
}

fn back(done: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/admin/users?done={done}")))
        .finish()
}

fn notice_of(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "invited" => "招待メールを送信待ちにしました（72時間有効の1回限りのリンク）",
            "deactivated" => "利用者を無効にし、セッションとAPIトークンをすべて終了しました",
            "mfa-reset" => "二要素認証をリセットしました。次回ログイン時に再登録します",
            "changed" => "ロール・組織を変更しました",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The user list.
pub async fn list_users(
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = notice_of(query.done.as_deref());
    render(&page(&state, &admin, query.dormant.is_some(), notice, Vec::new()).await?)
}

async fn refused(
    state: &AppState,
    admin: &Admin,
    error: ServiceError,
) -> Result<HttpResponse, AppError> {
    let problems = match error {
        ServiceError::Invalid(problems) => problems,
        ServiceError::Conflict(message) | ServiceError::NotFound(message) => {
            vec![FieldProblem::new("user", "refused", message)]
        }
        other => return Err(AppError::page(other)),
    };
    let body = page(state, admin, false, None, problems)
        .await?
        .render()
        .map_err(AppError::page)?;
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

fn role_of(code: &str) -> Result<Role, ServiceError> {
    Role::from_code(code).ok_or_else(|| {
        ServiceError::invalid(FieldProblem::new(
            "role",
            "role",
            format!("ロール「{code}」はありません"),
        ))
    })
}

/// Invites a user by mail.
pub async fn invite_user(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    form: PageForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let result = match role_of(&form.role) {
        Ok(role) => user_admin::invite(
            &state.db,
            &Invitee {
                email: &form.email,
                display_name: &form.display_name,
                role,
                organization_id: form.organization_id,
            },
            &actor(&req, &admin.user),
            chrono::Utc::now(),
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(back("invited")),
        Err(e) => refused(&state, &admin, e).await,
    }
}

/// Changes a user's role and organisation.
pub async fn change_user(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: PageForm<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    let result = match role_of(&form.role) {
        Ok(role) => {
            user_admin::change(
                &state.db,
                *id,
                UserChange {
                    role: Some(role),
                    organization_id: Some(form.organization_id),
                },
                &actor(&req, &admin.user),
                chrono::Utc::now(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(back("changed")),
        Err(e) => refused(&state, &admin, e).await,
    }
}

/// Deactivates a user (one click, also from the dormant list).
pub async fn deactivate_user(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    match user_admin::deactivate(
        &state.db,
        *id,
        &actor(&req, &admin.user),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(back("deactivated")),
        Err(e) => refused(&state, &admin, e).await,
    }
}

/// Resets a user's second factor.
pub async fn reset_user_mfa(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    _form: PageForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    match mfa::reset(
        &state.db,
        *id,
        &actor(&req, &admin.user),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(()) => Ok(back("mfa-reset")),
        Err(e) => refused(&state, &admin, e).await,
    }
}
