//! User management for system administrators: `GET/POST /api/v1/admin/users`,
//! `PATCH /api/v1/admin/users/{id}` (role, organisation), `POST …/{id}/deactivate` and
//! `POST …/{id}/mfa-reset`. Every change is audited.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::Role;
use crate::http::AppState;
use crate::http::api::auth::OrganizationBody;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::services::accounts::user_admin::{self, Invitee, UserChange, UserRow};
use crate::services::accounts::{UserContext, mfa};
use crate::services::{FieldProblem, ServiceError};

/// Only a system administrator manages users.
fn require_admin(user: &UserContext) -> Result<(), ServiceError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "利用者の管理はシステム管理者のみ行えます".into(),
        ))
    }
}

fn role_of(code: &str) -> Result<Role, ServiceError> {
    Role::from_code(code).ok_or_else(|| {
        ServiceError::invalid(FieldProblem::new(
            "role",
            "role",
            format!("ロール「{code}」はありません（manufacturer, wholesaler, ministry, association, admin）"),
        ))
    })
}

/// `?dormant=true` lists only accounts without a login for the dormant period.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UserListParams {
    /// Only dormant accounts.
    pub dormant: Option<bool>,
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserItem {
    /// Id.
    pub id: i32,
    /// Login e-mail.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Organisation.
    pub organization: OrganizationBody,
    /// Can log in.
    pub active: bool,
    /// Last login (RFC 3339), if any.
    pub last_login_at: Option<String>,
    /// Has a confirmed second factor.
    pub mfa_enabled: bool,
    /// No login for the dormant period (`SUPPLYWATCH_DORMANT_DAYS`).
    pub dormant: bool,
}

/// The users.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserList {
    /// Users by organisation and e-mail.
    pub items: Vec<AdminUserItem>,
}

/// A user to invite: created now, the password set through the mailed one-time link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    /// Login e-mail (the invitation goes there).
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role code; must fit the organisation's kind.
    pub role: String,
    /// Organisation id.
    pub organization_id: i32,
}

/// A change of role and/or organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeBody {
    /// New role code.
    pub role: Option<String>,
    /// New organisation id.
    pub organization_id: Option<i32>,
}

fn item(row: UserRow) -> AdminUserItem {
    AdminUserItem {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: row.role.code().to_owned(),
        organization: OrganizationBody {
            id: row.organization.id,
            name: row.organization.name,
            kind: row.organization.kind.code().to_owned(),
        },
        active: row.active,
        last_login_at: row.last_login_at.map(|t| t.to_rfc3339()),
        mfa_enabled: row.mfa_enabled,
        dormant: row.dormant,
    }
}

/// Every user, or only the dormant ones.
#[utoipa::path(tag = "admin", params(UserListParams), responses(
    (status = 200, description = "The users", body = AdminUserList),
    (status = 403, description = "Not a system administrator", content_type = "application/problem+json")))]
#[get("/admin/users")]
pub async fn list_users(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    params: web::Query<UserListParams>,
) -> Result<web::Json<AdminUserList>, AppError> {
    require_admin(&user)?;
    let rows = user_admin::list(
        &state.db,
        params.dormant.unwrap_or(false),
        state.settings.dormant_days,
        chrono::Utc::now(),
    )
    .await?;
    Ok(web::Json(AdminUserList {
        items: rows.into_iter().map(item).collect(),
    }))
}

/// Invites a user: created now; a mail with a one-time link (72 hours) sets the password.
#[utoipa::path(tag = "admin", request_body = InviteBody, responses(
    (status = 201, description = "Created and invited", body = AdminUserItem),
    (status = 403, description = "Not a system administrator", content_type = "application/problem+json"),
    (status = 409, description = "The e-mail is taken", content_type = "application/problem+json"),
    (status = 422, description = "A bad e-mail, role or organisation", content_type = "application/problem+json")))]
#[post("/admin/users")]
pub async fn create_user(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, AppError> {
    require_admin(&user)?;
    let now = chrono::Utc::now();
    let (created, _) = user_admin::invite(
        &state.db,
        &Invitee {
            email: &body.email,
            display_name: &body.display_name,
            role: role_of(&body.role)?,
            organization_id: body.organization_id,
        },
        &actor(&req, &user),
        now,
    )
    .await?;
    let row = user_admin::list(&state.db, false, state.settings.dormant_days, now)
        .await?
        .into_iter()
        .find(|r| r.id == created.user_id)
        .ok_or_else(|| ServiceError::Internal("an invited user vanished".into()))?;
    Ok(HttpResponse::Created().json(item(row)))
}

/// Changes a user's role and/or organisation.
#[utoipa::path(tag = "admin", params(("id" = i32, Path, description = "User id")), request_body = UserChangeBody, responses(
    (status = 204, description = "Changed"),
    (status = 403, description = "Not a system administrator", content_type = "application/problem+json"),
    (status = 404, description = "No such user", content_type = "application/problem+json"),
    (status = 422, description = "The role does not fit the organisation", content_type = "application/problem+json")))]
#[patch("/admin/users/{id}")]
pub async fn update_user(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Json<UserChangeBody>,
) -> Result<HttpResponse, AppError> {
    require_admin(&user)?;
    let change = UserChange {
        role: body.role.as_deref().map(role_of).transpose()?,
        organization_id: body.organization_id,
    };
    user_admin::change(
        &state.db,
        *id,
        change,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deactivates a user: no more logins; every session and token ends.
#[utoipa::path(tag = "admin", params(("id" = i32, Path, description = "User id")), responses(
    (status = 204, description = "Deactivated"),
    (status = 403, description = "Not a system administrator", content_type = "application/problem+json"),
    (status = 404, description = "No such user", content_type = "application/problem+json"),
    (status = 409, description = "One's own account", content_type = "application/problem+json")))]
#[post("/admin/users/{id}/deactivate")]
pub async fn deactivate_user(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_admin(&user)?;
    user_admin::deactivate(&state.db, *id, &actor(&req, &user), chrono::Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes a user's second factor (a lost phone): the user enrols again at the next login.
#[utoipa::path(tag = "admin", params(("id" = i32, Path, description = "User id")), responses(
    (status = 204, description = "Reset"),
    (status = 403, description = "Not a system administrator", content_type = "application/problem+json"),
    (status = 404, description = "No such user", content_type = "application/problem+json")))]
#[post("/admin/users/{id}/mfa-reset")]
pub async fn reset_user_mfa(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_admin(&user)?;
    mfa::reset(&state.db, *id, &actor(&req, &user), chrono::Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
