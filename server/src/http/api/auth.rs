//! `POST /api/v1/auth/token` (with the second factor once enrolled), `DELETE /api/v1/auth/token`
//! and `GET /api/v1/me`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor, bearer_token, remote_addr};
use crate::services::accounts::credentials;
use crate::services::{ServiceError, auth};

/// Credentials exchanged for a bearer token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Once a second factor is enrolled: the 6-digit code of the authenticator app, or an
    /// unused recovery code.
    #[serde(default)]
    pub totp: Option<String>,
}

/// A new bearer token; send it as `Authorization: Bearer …`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The token (shown once; only its hash is stored).
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

/// The caller's organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationBody {
    /// Organisation id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// `manufacturer`, `wholesaler`, `ministry` or `association`.
    pub kind: String,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// `manufacturer`, `wholesaler`, `ministry`, `association` or `admin`.
    pub role: String,
    /// The caller's organisation.
    pub organization: OrganizationBody,
}

/// Exchanges e-mail and password for a bearer token.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Token issued", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password, locked or deactivated account; or the second factor is missing (`errors[0].code` = `mfa_required`), wrong or used before (`mfa_invalid`), or must be enrolled first in the browser (`mfa_enrolment_required`)", content_type = "application/problem+json")
    )
)]
#[post("/auth/token")]
pub async fn create_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let now = chrono::Utc::now();
    let login = auth::Login {
        email: &body.email,
        password: &body.password,
        second_factor: auth::SecondFactor::Given(body.totp.as_deref()),
        mfa_roles: &state.settings.mfa_required_roles,
        remote_addr: remote_addr(&req),
    };
    let auth::LoggedIn::Complete(user) = auth::authenticate(
        &state.db,
        &login,
        state.settings.login_failures_per_address,
        now,
    )
    .await?
    else {
        return Err(ServiceError::Internal("an API login asked for a second step".into()).into());
    };
    let days = state.settings.token_days;
    let token =
        auth::issue_token(&state.db, &user, days, &user.actor(remote_addr(&req)), now).await?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        token,
        expires_at: (now + chrono::Duration::days(days)).to_rfc3339(),
    }))
}

/// Revokes the bearer token the request comes with: it stops working at once.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "The token is revoked"),
        (status = 401, description = "No valid bearer token", content_type = "application/problem+json")
    )
)]
#[delete("/auth/token")]
pub async fn delete_token(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = bearer_token(&req).ok_or_else(|| {
        ServiceError::Unauthenticated(
            "失効させるトークンを Authorization: Bearer で指定してください".into(),
        )
    })?;
    credentials::revoke_presented_token(&state.db, &token, &actor(&req, &user), chrono::Utc::now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The authenticated user and organisation.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json")
    )
)]
#[get("/me")]
pub async fn show_me(ApiUser(user): ApiUser) -> web::Json<MeResponse> {
    web::Json(MeResponse {
        email: user.email,
        display_name: user.display_name,
        role: user.role.code().to_owned(),
        organization: OrganizationBody {
            id: user.organization.id,
            name: user.organization.name,
            kind: user.organization.kind.code().to_owned(),
        },
    })
}
