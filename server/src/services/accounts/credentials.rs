//! A user's live credentials — browser sessions and API tokens — listed for `/me` and ended one
//! by one (revoke), or all but the current one (password change, deactivation). Every end is
//! audited.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::secrets::secret_hash;
use crate::db::entity::{api_token, session};
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, ServiceError};

/// A live browser session as `/me` lists it.
#[derive(Debug, Clone)]
pub struct SessionItem {
    /// The stored id (the SHA-256 of the cookie's secret, never the secret).
    pub id: String,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it ends by itself.
    pub expires_at: DateTime<Utc>,
}

/// A live API token as `/me` lists it (the token itself is never shown again).
#[derive(Debug, Clone)]
pub struct TokenItem {
    /// Token id.
    pub id: i32,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working by itself.
    pub expires_at: DateTime<Utc>,
}

/// The user's sessions and tokens that have not expired, newest first.
pub async fn live(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<(Vec<SessionItem>, Vec<TokenItem>), ServiceError> {
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await
        .context("Failed to list the sessions")?
        .into_iter()
        .map(|s| SessionItem {
            id: s.id,
            created_at: s.created_at,
            expires_at: s.expires_at,
        })
        .collect();
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::ExpiresAt.gt(now))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
        .context("Failed to list the API tokens")?
        .into_iter()
        .map(|t| TokenItem {
            id: t.id,
            created_at: t.created_at,
            expires_at: t.expires_at,
        })
        .collect();
    Ok((sessions, tokens))
}

async fn audit_end(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: String,
    detail: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let entry = AuditEntry {
        actor,
        action,
        target,
        detail,
        success: true,
    };
    audit::record(db, entry, now).await
}

/// Revokes the bearer token a request came with (`DELETE /api/v1/auth/token`).
pub async fn revoke_presented_token(
    db: &impl ConnectionTrait,
    token: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(secret_hash(token)))
        .one(db)
        .await
        .context("Failed to look up the API token")?
        .ok_or_else(|| {
            ServiceError::Unauthenticated("トークンが無効か、有効期限が切れています".into())
        })?;
    api_token::Entity::delete_by_id(found.id)
        .exec(db)
        .await
        .context("Failed to revoke the API token")?;
    audit_end(
        db,
        actor,
        "token.revoke",
        format!("token:{}", found.id),
        None,
        now,
    )
    .await
}

/// Revokes one of the user's tokens (`/me`); 404 for a token that is not theirs.
pub async fn revoke_token(
    db: &impl ConnectionTrait,
    user_id: i32,
    token_id: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let deleted = api_token::Entity::delete_many()
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .context("Failed to revoke the API token")?;
    if deleted.rows_affected == 0 {
        return Err(ServiceError::NotFound(format!(
            "トークン {token_id} はありません"
        )));
    }
    audit_end(
        db,
        actor,
        "token.revoke",
        format!("token:{token_id}"),
        None,
        now,
    )
    .await
}

/// Ends one of the user's sessions (`/me`); 404 for a session that is not theirs.
pub async fn revoke_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    session_id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .context("Failed to end the session")?;
    if deleted.rows_affected == 0 {
        return Err(ServiceError::NotFound("そのセッションはありません".into()));
    }
    let short: String = session_id.chars().take(8).collect();
    audit_end(
        db,
        actor,
        "session.revoke",
        format!("session:{short}"),
        None,
        now,
    )
    .await
}

/// The credential a request came with, which survives [`end_all_but`].
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// Nothing survives (deactivation, an administrator's action).
    Nothing,
    /// The browser session with this cookie secret.
    Session(&'a str),
    /// The API token presented.
    Token(&'a str),
}

/// Ends every session and token of the user but the one kept; returns how many ended.
pub async fn end_all_but(
    db: &impl ConnectionTrait,
    user_id: i32,
    keep: Keep<'_>,
) -> Result<u64, ServiceError> {
    let mut sessions = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Keep::Session(secret) = keep {
        sessions = sessions.filter(session::Column::Id.ne(secret_hash(secret)));
    }
    let mut tokens = api_token::Entity::delete_many().filter(api_token::Column::UserId.eq(user_id));
    if let Keep::Token(token) = keep {
        tokens = tokens.filter(api_token::Column::TokenHash.ne(secret_hash(token)));
    }
    let ended_sessions = sessions
        .exec(db)
        .await
        .context("Failed to end the sessions")?
        .rows_affected;
    let ended_tokens = tokens
        .exec(db)
        .await
        .context("Failed to revoke the API tokens")?
        .rows_affected;
    Ok(ended_sessions + ended_tokens)
}
