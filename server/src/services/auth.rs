//! Logging in: argon2id passwords, lockout after repeated failures, sessions and bearer tokens.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

use super::accounts::password::verify_password;
use super::accounts::{self, UserContext};
use super::audit::{self, Actor, AuditEntry};
use super::{DbContext, ServiceError};
use crate::db::entity::{api_token, login_throttle, session, user};

/// Failed attempts in a row that lock an account.
pub const MAX_FAILED_ATTEMPTS: i32 = 5;
/// How long a lock lasts, in minutes.
pub const LOCK_MINUTES: i64 = 15;
/// The one message for every failed login, so that it never reveals whether an e-mail exists.
pub const LOGIN_FAILED_MESSAGE: &str = "メールアドレスまたはパスワードが正しくありません。5回続けて失敗すると、アカウントは15分間ロックされます。";

/// The window failed logins per address are counted in, in seconds.
pub const ADDRESS_WINDOW_SECONDS: i64 = 15 * 60;

/// Checks e-mail and password. Every failure gives the same [`LOGIN_FAILED_MESSAGE`]; the
/// reason (unknown, wrong password, locked, deactivated) goes only to the audit log. An
/// address with `address_limit` failures in the current window waits (`Busy`, 429) before
/// any password is hashed.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    remote_addr: Option<String>,
    address_limit: i32,
    now: DateTime<Utc>,
) -> Result<UserContext, ServiceError> {
    if let Some(address) = &remote_addr {
        address_may_try(db, address, address_limit, now).await?;
    }
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
        let _ = verify_password(password.to_owned(), None).await?;
        return fail(db, &actor, "unknown e-mail", now).await;
    };
    let password_ok =
        verify_password(password.to_owned(), Some(found.password_hash.clone())).await?;
    if found.locked_until.is_some_and(|until| until > now) {
        return fail(db, &actor, "account locked", now).await;
    }
    if !found.active {
        return fail(db, &actor, "account deactivated", now).await;
    }
    if !password_ok {
        let (attempts, locked) = count_failure(db, found.id, now).await?;
        let reason = if locked {
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

/// Counts a wrong password in one statement (no read-modify-write, so concurrent failures all
/// count): the fifth in a row locks the account and starts the count again. Returns the count
/// and whether the account is now locked.
async fn count_failure(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<(i32, bool), ServiceError> {
    let lock_until = now + Duration::minutes(LOCK_MINUTES);
    let reaches =
        || Expr::expr(Expr::col(user::Column::FailedAttempts).add(1)).gte(MAX_FAILED_ATTEMPTS);
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedAttempts,
            Expr::case(reaches(), 0)
                .finally(Expr::col(user::Column::FailedAttempts).add(1))
                .into(),
        )
        .col_expr(
            user::Column::LockedUntil,
            Expr::case(reaches(), Expr::val(lock_until))
                .finally(Expr::col(user::Column::LockedUntil))
                .into(),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await
        .context("Failed to count a failed login")?;
    // RETURNING is not available on every backend: the count is read back, which may already
    // include concurrent failures (the count itself is exact either way).
    let updated = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("Failed to read a failed login's count")?;
    Ok(updated.map_or((0, false), |u| {
        let locked = u.failed_attempts == 0 && u.locked_until.is_some_and(|t| t > now);
        (
            if locked {
                MAX_FAILED_ATTEMPTS
            } else {
                u.failed_attempts
            },
            locked,
        )
    }))
}

/// The window of `now` for the per-address count.
fn address_window(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(ADDRESS_WINDOW_SECONDS)
}

/// Refuses (`Busy`, 429) an address that failed `limit` times in this window.
async fn address_may_try(
    db: &impl ConnectionTrait,
    address: &str,
    limit: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let window = address_window(now);
    let found = login_throttle::Entity::find_by_id((address.to_owned(), window))
        .one(db)
        .await
        .context("Failed to read the failed logins of an address")?;
    if found.is_some_and(|t| t.failures >= limit) {
        let retry_after = (window + 1) * ADDRESS_WINDOW_SECONDS - now.timestamp();
        return Err(ServiceError::Busy {
            message: "ログインの失敗が続いたため、しばらくログインできません。時間をおいてからもう一度お試しください".into(),
            retry_after: u64::try_from(retry_after.max(1)).unwrap_or(1),
        });
    }
    Ok(())
}

/// Counts a failed login of `address` in this window in one statement (insert or add one), and
/// forgets windows before the previous one.
async fn count_address_failure(
    db: &impl ConnectionTrait,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use sea_orm::sea_query::OnConflict;
    let window = address_window(now);
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        address: Set(address.to_owned()),
        window: Set(window),
        failures: Set(1),
    })
    .on_conflict(
        OnConflict::columns([
            login_throttle::Column::Address,
            login_throttle::Column::Window,
        ])
        .value(
            login_throttle::Column::Failures,
            Expr::col((login_throttle::Entity, login_throttle::Column::Failures)).add(1),
        )
        .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .context("Failed to count a failed login of an address")?;
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::Window.lt(window - 1))
        .exec(db)
        .await
        .context("Failed to forget old failed logins")?;
    Ok(())
}

async fn fail<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<T, ServiceError> {
    if let Some(address) = &actor.remote_addr {
        count_address_failure(db, address, now).await?;
    }
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

    #[test]
    fn secrets_are_random_and_hashes_are_hex() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a).len(), 64);
        assert_eq!(secret_hash(&a), secret_hash(&a));
    }
}
