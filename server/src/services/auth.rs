//! Logging in: argon2id passwords, lockout after repeated failures, sessions and bearer tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

use super::accounts::{self, UserContext};
use super::audit::{self, Actor, AuditEntry};
use super::{DbContext, ServiceError};
use crate::db::entity::{api_token, session, user};

/// Failed attempts in a row that lock an account.
pub const MAX_FAILED_ATTEMPTS: i32 = 5;
/// How long a lock lasts, in minutes.
pub const LOCK_MINUTES: i64 = 15;
/// The one message for every failed login, so that it never reveals whether an e-mail exists.
pub const LOGIN_FAILED_MESSAGE: &str = "メールアドレスまたはパスワードが正しくありません。5回続けて失敗すると、アカウントは15分間ロックされます。";

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ServiceError::Internal(format!("Failed to hash a password: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("Password hashing thread failed: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread.
async fn verify_password(password: String, stored: String) -> Result<bool, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| {
            ServiceError::Internal(format!("A stored password hash is malformed: {e}"))
        })?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("Password check thread failed: {e}")))?
}

/// A hash of a password nobody has, checked when the e-mail is unknown so that the answer
/// takes as long as for a real account.
static DECOY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

async fn decoy_hash() -> Result<String, ServiceError> {
    if let Some(hash) = DECOY_HASH.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password("decoy-password-nobody-has".to_owned()).await?;
    Ok(DECOY_HASH.get_or_init(|| hash).clone())
}

/// Checks e-mail and password. Every failure gives the same [`LOGIN_FAILED_MESSAGE`]; the
/// reason (unknown, wrong password, locked, deactivated) goes only to the audit log.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    remote_addr: Option<String>,
    now: DateTime<Utc>,
) -> Result<UserContext, ServiceError> {
    let email = email.trim().to_lowercase();
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await
        .context("Failed to look up the user")?;
    let actor = Actor {
        user_id: found.as_ref().map(|u| i64::from(u.id)),
        email: email.clone(),
        remote_addr,
    };
    let Some(found) = found else {
        let _ = verify_password(password.to_owned(), decoy_hash().await?).await?;
        return fail(db, &actor, "unknown e-mail", now).await;
    };
    let password_ok = verify_password(password.to_owned(), found.password_hash.clone()).await?;
    if found.locked_until.is_some_and(|until| until > now) {
        return fail(db, &actor, "account locked", now).await;
    }
    if !found.active {
        return fail(db, &actor, "account deactivated", now).await;
    }
    if !password_ok {
        let attempts = found.failed_attempts + 1;
        let locks = attempts >= MAX_FAILED_ATTEMPTS;
        user::Entity::update_many()
            .col_expr(
                user::Column::FailedAttempts,
                Expr::value(if locks { 0 } else { attempts }),
            )
            .col_expr(
                user::Column::LockedUntil,
                Expr::value(locks.then(|| now + Duration::minutes(LOCK_MINUTES))),
            )
            .filter(user::Column::Id.eq(found.id))
            .exec(db)
            .await
            .context("Failed to count a failed login")?;
        let reason = if locks {
            format!("wrong password; locked for {LOCK_MINUTES} minutes")
        } else {
            format!("wrong password (attempt {attempts})")
        };
        return fail(db, &actor, &reason, now).await;
    }
    let user_id = found.id;
    let mut model: user::ActiveModel = found.into();
    model.failed_attempts = Set(0);
    model.locked_until = Set(None);
    model.last_login_at = Set(Some(now));
    model
        .update(db)
        .await
        .context("Failed to record the login")?;
    let entry = AuditEntry {
        actor: &actor,
        action: "login",
        target: format!("user:{user_id}"),
        detail: None,
        success: true,
    };
    audit::record(db, entry, now).await?;
    accounts::user_context(db, user_id)
        .await?
        .ok_or_else(|| ServiceError::Unauthenticated(LOGIN_FAILED_MESSAGE.to_owned()))
}

async fn fail<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<T, ServiceError> {
    let entry = AuditEntry {
        actor,
        action: "login",
        target: actor
            .user_id
            .map_or_else(|| "user:unknown".to_owned(), |id| format!("user:{id}")),
        detail: Some(reason.to_owned()),
        success: false,
    };
    audit::record(db, entry, now).await?;
    Err(ServiceError::Unauthenticated(
        LOGIN_FAILED_MESSAGE.to_owned(),
    ))
}

/// A new random secret: 32 bytes, URL-safe base64.
pub fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a secret, hex: what is stored in place of session and token secrets.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// A browser session just opened: the cookie's secret and the form token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes into the HttpOnly cookie; only its hash is stored.
    pub secret: String,
    /// Goes into every form of the session (CSRF protection).
    pub csrf_token: String,
}

/// Opens a session for a user who has just authenticated.
pub async fn open_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    hours: i64,
    now: DateTime<Utc>,
) -> Result<NewSession, ServiceError> {
    let secret = random_secret();
    let csrf_token = random_secret();
    session::ActiveModel {
        id: Set(secret_hash(&secret)),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(hours)),
    }
    .insert(db)
    .await
    .context("Failed to store the session")?;
    Ok(NewSession { secret, csrf_token })
}

/// The user and form token of a live session (one query); expired sessions are removed.
pub async fn session_user(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(UserContext, String)>, ServiceError> {
    let id = secret_hash(secret);
    let statement = accounts::context_select()
        .expr_as(
            Expr::col((session::Entity, session::Column::ExpiresAt)),
            Alias::new("s_expires"),
        )
        .expr_as(
            Expr::col((session::Entity, session::Column::CsrfToken)),
            Alias::new("s_csrf"),
        )
        .inner_join(
            session::Entity,
            Expr::col((session::Entity, session::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(Expr::col((session::Entity, session::Column::Id)).eq(id.as_str()))
        .to_owned();
    let Some(row) = db
        .query_one(db.get_database_backend().build(&statement))
        .await
        .context("Failed to look up the session")?
    else {
        return Ok(None);
    };
    let expires: DateTime<Utc> = row
        .try_get("", "s_expires")
        .context("Failed to read the session")?;
    if expires <= now {
        session::Entity::delete_by_id(id)
            .exec(db)
            .await
            .context("Failed to remove an expired session")?;
        return Ok(None);
    }
    let csrf: String = row
        .try_get("", "s_csrf")
        .context("Failed to read the session")?;
    Ok(accounts::context_from_row(&row)?.map(|user| (user, csrf)))
}

/// Ends a session (logout) and records it.
pub async fn close_session(
    db: &impl ConnectionTrait,
    secret: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    session::Entity::delete_by_id(secret_hash(secret))
        .exec(db)
        .await
        .context("Failed to remove the session")?;
    let entry = AuditEntry {
        actor,
        action: "logout",
        target: actor
            .user_id
            .map_or_else(String::new, |id| format!("user:{id}")),
        detail: None,
        success: true,
    };
    audit::record(db, entry, now).await
}

/// Issues a bearer token; only its hash is stored.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    user: &UserContext,
    days: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let token = format!("sw_{}", random_secret());
    let stored = api_token::ActiveModel {
        user_id: Set(user.user_id),
        token_hash: Set(secret_hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days)),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to store the API token")?;
    let entry = AuditEntry {
        actor,
        action: "token.issue",
        target: format!("token:{}", stored.id),
        detail: Some(format!("expires {}", stored.expires_at.to_rfc3339())),
        success: true,
    };
    audit::record(db, entry, now).await?;
    Ok(token)
}

/// The active user behind a bearer token that has not expired (one query).
pub async fn token_user(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserContext>, ServiceError> {
    let statement = accounts::context_select()
        .expr_as(
            Expr::col((api_token::Entity, api_token::Column::ExpiresAt)),
            Alias::new("t_expires"),
        )
        .inner_join(
            api_token::Entity,
            Expr::col((api_token::Entity, api_token::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(
            Expr::col((api_token::Entity, api_token::Column::TokenHash)).eq(secret_hash(token)),
        )
        .to_owned();
    let Some(row) = db
        .query_one(db.get_database_backend().build(&statement))
        .await
        .context("Failed to look up the API token")?
    else {
        return Ok(None);
    };
    let expires: DateTime<Utc> = row
        .try_get("", "t_expires")
        .context("Failed to read the API token")?;
    if expires <= now {
        return Ok(None);
    }
    accounts::context_from_row(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() -> Result<(), ServiceError> {
        let hash = hash_password("abc123!xyz".into()).await?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("abc123!xyz".into(), hash.clone()).await?);
        assert!(!verify_password("abc123!xyZ".into(), hash).await?);
        Ok(())
    }

    #[test]
    fn secrets_are_random_and_hashes_are_hex() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a).len(), 64);
        assert_eq!(secret_hash(&a), secret_hash(&a));
    }
}
