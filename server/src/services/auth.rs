//! Logging in: argon2id passwords, the TOTP second factor, lockout after repeated failures,
//! sessions and bearer tokens.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::accounts::password::verify_password;
use super::accounts::{self, UserContext, mfa};
use super::audit::{self, Actor, AuditEntry};
use super::{DbContext, FieldProblem, ServiceError};
use crate::db::entity::{api_token, login_throttle, session, user};
use crate::domain::Role;

/// Failed attempts in a row that lock an account.
pub const MAX_FAILED_ATTEMPTS: i32 = 5;
/// How long a lock lasts, in minutes.
pub const LOCK_MINUTES: i64 = 15;
/// The one message for every failed login, so that it never reveals whether an e-mail exists.
pub const LOGIN_FAILED_MESSAGE: &str = "メールアドレスまたはパスワードが正しくありません。5回続けて失敗すると、アカウントは15分間ロックされます。";

/// The window failed logins per address are counted in, in seconds.
pub const ADDRESS_WINDOW_SECONDS: i64 = 15 * 60;

/// How a login gives its second factor, for users who have one.
#[derive(Debug, Clone, Copy)]
pub enum SecondFactor<'a> {
    /// With the password (the API's `"totp"`), or not at all.
    Given(Option<&'a str>),
    /// On a second step (the login page).
    Later,
}

/// A login attempt.
#[derive(Debug, Clone)]
pub struct Login<'a> {
    /// E-mail as typed.
    pub email: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// The second factor.
    pub second_factor: SecondFactor<'a>,
    /// Roles that must have a second factor (`SUPPLYWATCH_MFA_REQUIRED_ROLES`).
    pub mfa_roles: &'a [Role],
    /// The client's address.
    pub remote_addr: Option<String>,
}

/// Where a login stands.
#[derive(Debug, Clone)]
pub enum LoggedIn {
    /// Logged in.
    Complete(UserContext),
    /// Password right; the second factor is asked next (login page): the user's id.
    SecondStep(i32),
}

fn second_factor_problem(code: &str, message: &str) -> ServiceError {
    ServiceError::SecondFactor(vec![FieldProblem::new("totp", code, message)])
}

/// Checks e-mail and password, then the second factor of a user who has one. Every failure of
/// the password gives the same [`LOGIN_FAILED_MESSAGE`]; the reason (unknown, wrong password,
/// locked, deactivated) goes only to the audit log. A missing or wrong second factor is a 401
/// whose code says so (`mfa_required`, `mfa_invalid`, and `mfa_enrolment_required` for an API
/// login of a role that must have one and has none yet); a wrong code counts towards the
/// lockout like a wrong password. An address with `address_limit` failures in the current
/// window waits (`Busy`, 429) before any password is hashed.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    login: &Login<'_>,
    address_limit: i32,
    now: DateTime<Utc>,
) -> Result<LoggedIn, ServiceError> {
    if let Some(address) = &login.remote_addr {
        address_may_try(db, address, address_limit, now).await?;
    }
    let email = login.email.trim().to_lowercase();
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await
        .context("Failed to look up the user")?;
    let actor = Actor {
        user_id: found.as_ref().map(|u| i64::from(u.id)),
        email: email.clone(),
        remote_addr: login.remote_addr.clone(),
    };
    let Some(found) = found else {
        let _ = verify_password(login.password.to_owned(), None).await?;
        return fail(db, &actor, "未登録のメールアドレス", now).await;
    };
    let password_ok =
        verify_password(login.password.to_owned(), Some(found.password_hash.clone())).await?;
    if found.locked_until.is_some_and(|until| until > now) {
        return fail(db, &actor, "アカウントのロック中", now).await;
    }
    if !found.active {
        return fail(db, &actor, "無効化されたアカウント", now).await;
    }
    if !password_ok {
        return wrong_secret(db, &actor, found.id, "パスワードの誤り", now).await;
    }
    if found.totp_enabled_at.is_some() {
        match login.second_factor {
            SecondFactor::Later => return Ok(LoggedIn::SecondStep(found.id)),
            SecondFactor::Given(None) => {
                record_failure(db, &actor, "確認コードの未入力", now).await?;
                return Err(second_factor_problem(
                    "mfa_required",
                    "二要素認証の確認コード（\"totp\"）が必要です。認証アプリの6桁の数字か、リカバリーコードを指定してください",
                ));
            }
            SecondFactor::Given(Some(code)) => {
                if !mfa::accept(db, &found, code, &actor, now).await? {
                    return wrong_secret(db, &actor, found.id, WRONG_SECOND_FACTOR, now).await;
                }
            }
        }
    } else if matches!(login.second_factor, SecondFactor::Given(_))
        && login.mfa_roles.contains(&found.role)
    {
        record_failure(db, &actor, "二要素認証の未登録", now).await?;
        return Err(second_factor_problem(
            "mfa_enrolment_required",
            "この利用者には二要素認証が必要です。ブラウザでログインし、認証アプリを登録してください",
        ));
    }
    finish_login(db, found, &actor, now)
        .await
        .map(LoggedIn::Complete)
}

/// The second step of a login page: the code of a user whose password was right.
pub async fn complete_second_step(
    db: &impl ConnectionTrait,
    user_id: i32,
    code: &str,
    remote_addr: Option<String>,
    now: DateTime<Utc>,
) -> Result<UserContext, ServiceError> {
    let found = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("Failed to look up the user")?
        .ok_or_else(|| ServiceError::Unauthenticated(LOGIN_FAILED_MESSAGE.to_owned()))?;
    let actor = Actor {
        user_id: Some(i64::from(found.id)),
        email: found.email.clone(),
        remote_addr,
    };
    if found.locked_until.is_some_and(|until| until > now) || !found.active {
        return fail(db, &actor, "アカウントのロック中または無効", now).await;
    }
    if !mfa::accept(db, &found, code, &actor, now).await? {
        return wrong_secret(db, &actor, found.id, WRONG_SECOND_FACTOR, now).await;
    }
    finish_login(db, found, &actor, now).await
}

/// A wrong password or code: counted towards the lockout, audited, refused.
async fn wrong_secret<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: i32,
    what: &str,
    now: DateTime<Utc>,
) -> Result<T, ServiceError> {
    let (attempts, locked) = count_failure(db, user_id, now).await?;
    let reason = if locked {
        format!("{what}（{LOCK_MINUTES} 分間ロック）")
    } else {
        format!("{what}（{attempts} 回目）")
    };
    let refusal = fail::<T>(db, actor, &reason, now).await;
    if what == WRONG_SECOND_FACTOR && !locked {
        return Err(second_factor_problem(
            "mfa_invalid",
            "確認コードが正しくないか、既に使われています。認証アプリの新しいコードを入力してください",
        ));
    }
    refusal
}

/// Resets the failure count, notes the login time and audits the login.
async fn finish_login(
    db: &impl ConnectionTrait,
    found: user::Model,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UserContext, ServiceError> {
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
        actor,
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

/// The audit detail of a wrong TOTP or recovery code (it also ends the login challenge).
const WRONG_SECOND_FACTOR: &str = "確認コードの誤り";

async fn fail<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<T, ServiceError> {
    if let Some(address) = &actor.remote_addr {
        count_address_failure(db, address, now).await?;
    }
    record_failure(db, actor, reason, now).await?;
    Err(ServiceError::Unauthenticated(
        LOGIN_FAILED_MESSAGE.to_owned(),
    ))
}

/// Audits a failed login (without counting it against the address).
async fn record_failure(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let entry = AuditEntry {
        actor,
        action: "login",
        target: actor
            .user_id
            .map_or_else(|| "user:unknown".to_owned(), |id| format!("user:{id}")),
        detail: Some(reason.to_owned()),
        success: false,
    };
    audit::record(db, entry, now).await
}

pub use super::accounts::secrets::{random_secret, secret_hash};

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
        detail: Some(format!(
            "有効期限 {}",
            stored
                .expires_at
                .with_timezone(&chrono_tz::Asia::Tokyo)
                .format("%Y-%m-%d %H:%M")
        )),
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
