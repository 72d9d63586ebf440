//! The caller's own account: `POST /api/v1/me/password`, and the TOTP second factor
//! (`POST /api/v1/me/mfa/totp`, `POST /api/v1/me/mfa/totp/confirm`).

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, SESSION_COOKIE, actor, bearer_token};
use crate::services::accounts::credentials::Keep;
use crate::services::accounts::mfa;
use crate::services::accounts::password_change::{PasswordChange, change_password};

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// The password now in use.
    pub current_password: String,
    /// The new password: 13+ characters, or 8+ mixing three of upper case, lower case, digits
    /// and symbols; not one repeated character, a run, the e-mail, a common password, or one of
    /// the last 5.
    pub new_password: String,
}

/// A new TOTP secret for the authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32 secret, for typing in.
    pub secret: String,
    /// `otpauth://totp/…` URI, for a QR code.
    pub otpauth_uri: String,
}

/// The code that confirms enrolment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirmBody {
    /// The 6-digit code the app shows now.
    pub code: String,
}

/// The recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten single-use codes, each standing in for the app at one login.
    pub recovery_codes: Vec<String>,
}

/// Changes the caller's password; every other session and token of the caller ends.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed; other sessions and tokens ended"),
        (status = 422, description = "The current password is wrong, or the new one breaks a rule (`errors[0].code` names it: `password_too_short`, `password_classes`, `password_repeated`, `password_sequence`, `password_contains_email`, `password_common`, `password_reused`)", content_type = "application/problem+json")
    )
)]
#[post("/me/password")]
pub async fn change_own_password(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<PasswordBody>,
) -> Result<HttpResponse, AppError> {
    let token = bearer_token(&req);
    let cookie = req.cookie(SESSION_COOKIE);
    let keep = match (&token, &cookie) {
        (Some(token), _) => Keep::Token(token),
        (None, Some(cookie)) => Keep::Session(cookie.value()),
        (None, None) => Keep::Nothing,
    };
    change_password(
        &state.db,
        user.user_id,
        PasswordChange {
            current: &body.current_password,
            new: &body.new_password,
        },
        keep,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Starts enrolment of a TOTP second factor: a new secret for the authenticator app (a
/// secret not yet confirmed is replaced).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 201, description = "The secret and its otpauth URI", body = TotpEnrolment),
        (status = 409, description = "The second factor is already enabled", content_type = "application/problem+json")
    )
)]
#[post("/me/mfa/totp")]
pub async fn create_totp(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let enrolment = mfa::begin(&state.db, &user, &actor(&req, &user), chrono::Utc::now()).await?;
    Ok(HttpResponse::Created().json(TotpEnrolment {
        secret: enrolment.secret,
        otpauth_uri: enrolment.otpauth_uri,
    }))
}

/// Confirms enrolment with a code from the app; from now on every login asks for a code.
#[utoipa::path(
    tag = "auth",
    request_body = TotpConfirmBody,
    responses(
        (status = 200, description = "Enabled; ten single-use recovery codes (shown once)", body = RecoveryCodes),
        (status = 409, description = "No enrolment started, or already enabled", content_type = "application/problem+json"),
        (status = 422, description = "The code is wrong, expired or used before (`totp_invalid`)", content_type = "application/problem+json")
    )
)]
#[post("/me/mfa/totp/confirm")]
pub async fn confirm_totp(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    body: web::Json<TotpConfirmBody>,
) -> Result<web::Json<RecoveryCodes>, AppError> {
    let recovery_codes = mfa::confirm(
        &state.db,
        user.user_id,
        &body.code,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(web::Json(RecoveryCodes { recovery_codes }))
}
