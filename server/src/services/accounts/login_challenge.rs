//! The half-done browser login between the password and the second factor: a short-lived
//! challenge whose secret sits in an HttpOnly cookie (only its hash is stored).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::secrets::{random_secret, secret_hash};
use crate::db::entity::login_challenge;
use crate::services::{DbContext, ServiceError};

/// Minutes a challenge lasts.
pub const MINUTES: i64 = 5;

/// Opens a challenge for `user_id` going to `next`; returns the cookie's secret.
pub async fn open(
    db: &impl ConnectionTrait,
    user_id: i32,
    next: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::ExpiresAt.lte(now))
        .exec(db)
        .await
        .context("Failed to forget old login challenges")?;
    let secret = random_secret();
    login_challenge::ActiveModel {
        id: Set(secret_hash(&secret)),
        user_id: Set(user_id),
        next: Set(next.to_owned()),
        expires_at: Set(now + Duration::minutes(MINUTES)),
    }
    .insert(db)
    .await
    .context("Failed to store the login challenge")?;
    Ok(secret)
}

/// The user and destination of a live challenge.
pub async fn find(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i32, String)>, ServiceError> {
    Ok(login_challenge::Entity::find_by_id(secret_hash(secret))
        .one(db)
        .await
        .context("Failed to read the login challenge")?
        .filter(|c| c.expires_at > now)
        .map(|c| (c.user_id, c.next)))
}

/// Ends a challenge (the login completed).
pub async fn close(db: &impl ConnectionTrait, secret: &str) -> Result<(), ServiceError> {
    login_challenge::Entity::delete_by_id(secret_hash(secret))
        .exec(db)
        .await
        .context("Failed to end the login challenge")?;
    Ok(())
}
