//! The rate limit of subscription requests: per address and per client, counted per hour in one
//! statement each (insert or add one); past the limit the caller waits (429 with Retry-After).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::db::entity::subscription_throttle;
use crate::services::accounts::secrets::secret_hash;
use crate::services::{DbContext, ServiceError};

/// Requests one address may make in an hour (each may mail it a confirmation).
pub const PER_ADDRESS_PER_HOUR: i32 = 5;
/// Requests one client may make in an hour.
pub const PER_CLIENT_PER_HOUR: i32 = 30;

const WINDOW_SECONDS: i64 = 3600;

/// Counts one request of `email` from `client`; refuses it (Busy) when either is past its limit.
pub async fn admit(
    db: &impl ConnectionTrait,
    email: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let window = now.timestamp().div_euclid(WINDOW_SECONDS);
    // The address is kept only as a hash: nobody reads it back from here.
    let mut keys = vec![(
        format!("email:{}", secret_hash(email)),
        PER_ADDRESS_PER_HOUR,
    )];
    if let Some(client) = client {
        keys.push((format!("client:{client}"), PER_CLIENT_PER_HOUR));
    }
    for (key, limit) in &keys {
        let found = subscription_throttle::Entity::find_by_id((key.clone(), window))
            .one(db)
            .await
            .context("Failed to read the subscription rate limit")?;
        if found.is_some_and(|t| t.requests >= *limit) {
            let retry_after = (window + 1) * WINDOW_SECONDS - now.timestamp();
            return Err(ServiceError::Busy {
                message: "登録の申し込みが続いたため、しばらく受け付けられません。時間をおいてからもう一度お試しください".into(),
                retry_after: u64::try_from(retry_after.max(1)).unwrap_or(1),
            });
        }
    }
    for (key, _) in keys {
        subscription_throttle::Entity::insert(subscription_throttle::ActiveModel {
            key: Set(key),
            window: Set(window),
            requests: Set(1),
        })
        .on_conflict(
            OnConflict::columns([
                subscription_throttle::Column::Key,
                subscription_throttle::Column::Window,
            ])
            .value(
                subscription_throttle::Column::Requests,
                Expr::col((
                    subscription_throttle::Entity,
                    subscription_throttle::Column::Requests,
                ))
                .add(1),
            )
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .context("Failed to count a subscription request")?;
    }
    subscription_throttle::Entity::delete_many()
        .filter(subscription_throttle::Column::Window.lt(window - 1))
        .exec(db)
        .await
        .context("Failed to forget old subscription requests")?;
    Ok(())
}
