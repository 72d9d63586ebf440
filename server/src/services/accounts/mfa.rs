//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew
//! either way): enrolment with a QR code, confirmation that hands out single-use recovery codes,
//! checking a code at login (a step once used is refused: no replay), and an administrator's
//! reset. Every step is audited.

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
};
use totp_rs::{Algorithm, Secret, TOTP};

use super::UserContext;
use super::secrets::secret_hash;
use crate::db::entity::{recovery_code, user};
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "SupplyWatch";
/// Seconds per code.
const STEP: i64 = 30;
/// Recovery codes handed out at confirmation.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a TOTP secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;

/// A secret to put into the authenticator app.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32, for typing in.
    pub secret: String,
    /// `otpauth://totp/…`, for the QR code.
    pub otpauth_uri: String,
}

/// Where a user stands with the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfaStatus {
    /// Confirmed and asked at every login.
    pub enabled: bool,
    /// A secret handed out but not yet confirmed.
    pub pending: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: u64,
}

fn totp(secret: &str, email: &str) -> Result<TOTP, ServiceError> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| ServiceError::Internal(format!("A stored TOTP secret is malformed: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        u64::try_from(STEP).unwrap_or(30),
        bytes,
        Some(ISSUER.to_owned()),
        email.replace(':', "_"),
    )
    .map_err(|e| ServiceError::Internal(format!("Failed to set up TOTP: {e}")))
}

async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    user_id: i32,
    detail: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let entry = AuditEntry {
        actor,
        action,
        target: format!("user:{user_id}"),
        detail,
        success: true,
    };
    audit::record(db, entry, now).await
}

async fn load(db: &impl ConnectionTrait, user_id: i32) -> Result<user::Model, ServiceError> {
    user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("Failed to load the user")?
        .ok_or_else(|| ServiceError::NotFound(format!("利用者 {user_id} は存在しません")))
}

/// The user's standing with the second factor.
pub async fn status(db: &impl ConnectionTrait, user_id: i32) -> Result<MfaStatus, ServiceError> {
    let found = load(db, user_id).await?;
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await
        .context("Failed to count the recovery codes")?;
    Ok(MfaStatus {
        enabled: found.totp_enabled_at.is_some(),
        pending: found.totp_enabled_at.is_none() && found.totp_secret.is_some(),
        recovery_codes_left: left,
    })
}

/// Hands out a new secret (replacing one not yet confirmed); 409 once the factor is enabled.
pub async fn begin(
    db: &impl ConnectionTrait,
    user: &UserContext,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Enrolment, ServiceError> {
    let found = load(db, user.user_id).await?;
    if found.totp_enabled_at.is_some() {
        return Err(ServiceError::Conflict(
            "二要素認証は既に有効です。端末を替える場合はシステム管理者にリセットを依頼してください"
                .into(),
        ));
    }
    let mut bytes = [0_u8; SECRET_BYTES];
    rand::rngs::OsRng.fill(&mut bytes);
    let secret = match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => return Err(ServiceError::Internal("TOTP secret not encoded".into())),
    };
    let otpauth_uri = totp(&secret, &found.email)?.get_url();
    let mut model: user::ActiveModel = found.into();
    model.totp_secret = Set(Some(secret.clone()));
    model.totp_last_step = Set(None);
    model
        .update(db)
        .await
        .context("Failed to store the TOTP secret")?;
    record(db, actor, "mfa.enroll", user.user_id, None, now).await?;
    Ok(Enrolment {
        secret,
        otpauth_uri,
    })
}

/// The secret waiting for confirmation, or a new one (the enrolment page shows the same QR
/// code until it is confirmed).
pub async fn pending_or_begin(
    db: &impl ConnectionTrait,
    user: &UserContext,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Enrolment, ServiceError> {
    let found = load(db, user.user_id).await?;
    match (&found.totp_secret, found.totp_enabled_at) {
        (Some(secret), None) => Ok(Enrolment {
            otpauth_uri: totp(secret, &found.email)?.get_url(),
            secret: secret.clone(),
        }),
        _ => begin(db, user, actor, now).await,
    }
}

/// The time step a code belongs to, if it is valid now (one step of skew either way).
fn matching_step(totp: &TOTP, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let current = now.timestamp().div_euclid(STEP);
    (current - 1..=current + 1)
        .find(|step| u64::try_from(step * STEP).is_ok_and(|time| totp.check(code, time)))
}

/// Takes a TOTP code once: true when it is valid now and its step is later than the last one
/// taken (one statement, so two requests with the same code cannot both pass).
async fn take_code(
    db: &impl ConnectionTrait,
    found: &user::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let Some(secret) = &found.totp_secret else {
        return Ok(false);
    };
    let Some(step) = matching_step(&totp(secret, &found.email)?, code, now) else {
        return Ok(false);
    };
    let taken = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(found.id))
        .filter(
            user::Column::TotpLastStep
                .is_null()
                .or(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await
        .context("Failed to take the TOTP code")?;
    Ok(taken.rows_affected == 1)
}

fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_lowercase()
}

fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let mut code: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    code.insert(5, '-');
    code
}

/// Confirms enrolment with a code from the app; returns the recovery codes (shown once).
pub async fn confirm(
    db: &DatabaseConnection,
    user_id: i32,
    code: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<String>, ServiceError> {
    let found = load(db, user_id).await?;
    if found.totp_enabled_at.is_some() {
        return Err(ServiceError::Conflict("二要素認証は既に有効です".into()));
    }
    if found.totp_secret.is_none() {
        return Err(ServiceError::Conflict(
            "先に二要素認証の登録を始めてください（POST /api/v1/me/mfa/totp）".into(),
        ));
    }
    let txn = db
        .begin()
        .await
        .context("Failed to start the confirmation")?;
    if !take_code(&txn, &found, &normalise(code), now).await? {
        return Err(ServiceError::invalid(FieldProblem::new(
            "code",
            "totp_invalid",
            "確認コードが正しくないか、有効期限が切れています。認証アプリに表示されている6桁の数字を入力してください",
        )));
    }
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("Failed to clear old recovery codes")?;
    recovery_code::Entity::insert_many(codes.iter().map(|c| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(secret_hash(&normalise(c))),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(&txn)
    .await
    .context("Failed to store the recovery codes")?;
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabledAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await
        .context("Failed to enable the second factor")?;
    record(&txn, actor, "mfa.confirm", user_id, None, now).await?;
    txn.commit()
        .await
        .context("Failed to commit the confirmation")?;
    Ok(codes)
}

/// Checks a login's second factor: a TOTP code not used before, or an unused recovery code
/// (then used up, and audited).
pub async fn accept(
    db: &impl ConnectionTrait,
    found: &user::Model,
    code: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let code = normalise(code);
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        return take_code(db, found, &code, now).await;
    }
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::UserId.eq(found.id))
        .filter(recovery_code::Column::CodeHash.eq(secret_hash(&code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("Failed to use a recovery code")?;
    if used.rows_affected == 1 {
        record(db, actor, "mfa.recovery_code", found.id, None, now).await?;
        return Ok(true);
    }
    Ok(false)
}

/// An administrator's reset: the user enrols again at the next login.
pub async fn reset(
    db: &DatabaseConnection,
    user_id: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let found = load(db, user_id).await?;
    let email = found.email.clone();
    let txn = db.begin().await.context("Failed to start the reset")?;
    let mut model: user::ActiveModel = found.into();
    model.totp_secret = Set(None);
    model.totp_enabled_at = Set(None);
    model.totp_last_step = Set(None);
    model
        .update(&txn)
        .await
        .context("Failed to reset the second factor")?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .context("Failed to remove the recovery codes")?;
    record(&txn, actor, "mfa.reset", user_id, Some(email), now).await?;
    txn.commit().await.context("Failed to commit the reset")
}

/// The `otpauth://` URI as an SVG QR code, for the enrolment page.
pub fn qr_svg(uri: &str) -> Result<String, ServiceError> {
    let code = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| ServiceError::Internal(format!("Failed to draw the QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() -> Result<(), ServiceError> {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let totp = totp(secret, "a@example.jp")?;
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let step = now.timestamp() / STEP;
        let code = totp.generate(u64::try_from(step * STEP).unwrap_or(0));
        assert_eq!(matching_step(&totp, &code, now), Some(step));
        let later = now + chrono::Duration::seconds(STEP);
        assert_eq!(matching_step(&totp, &code, later), Some(step));
        let much_later = now + chrono::Duration::seconds(STEP * 3);
        assert_eq!(matching_step(&totp, &code, much_later), None);
        assert!(totp.get_url().starts_with("otpauth://totp/SupplyWatch:"));
        Ok(())
    }

    #[test]
    fn recovery_codes_are_ten_characters_and_normalise_alike() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(normalise(&code.to_uppercase()), normalise(&code));
        assert_ne!(code, new_recovery_code());
        assert!(qr_svg("otpauth://totp/x?secret=AB").is_ok_and(|s| s.contains("<svg")));
    }
}
