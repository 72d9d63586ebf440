//! Who is mailed when the "likely next" list changes: ministry users subscribe or unsubscribe,
//! and each run that changes the list queues one notice per subscriber in its own transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::db::entity::{forecast_subscription, product, user};
use crate::mail::MailContent;
use crate::mail::content::Notice;
use crate::services::outbox::{self, NewMessage};
use crate::services::{DbContext, ServiceError};

/// Queues one notice per subscriber naming the products that joined and left the list.
pub(super) async fn notify(
    txn: &impl ConnectionTrait,
    run_id: i32,
    added: &[i32],
    removed: &[i32],
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let subscribers: Vec<i32> = forecast_subscription::Entity::find()
        .all(txn)
        .await
        .context("Failed to load forecast subscribers")?
        .into_iter()
        .map(|s| s.user_id)
        .collect();
    if subscribers.is_empty() {
        return Ok(0);
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(subscribers))
        .all(txn)
        .await
        .context("Failed to load forecast subscribers")?;
    let names: HashMap<i32, String> = product::Entity::find()
        .filter(product::Column::Id.is_in(added.iter().chain(removed).copied()))
        .all(txn)
        .await
        .context("Failed to load forecast products")?
        .into_iter()
        .map(|p| (p.id, format!("{}（{}）", p.name, p.code)))
        .collect();
    let line = |prefix: &str, id: &i32| {
        format!(
            "{prefix}{}",
            names.get(id).map_or("（不明な製品）", String::as_str)
        )
    };
    let lines: Vec<String> = added
        .iter()
        .map(|id| line("新たに不足の見込み：", id))
        .chain(removed.iter().map(|id| line("見込みから外れた：", id)))
        .collect();
    let messages = users
        .into_iter()
        .filter(|u| u.active)
        .map(|u| NewMessage {
            idempotency_key: format!("likely-next:{run_id}:{}", u.email.to_lowercase()),
            organization_id: Some(u.organization_id),
            recipient_name: u.display_name.clone(),
            recipient_email: u.email.clone(),
            digest: false,
            content: MailContent::Notice(Notice {
                subject: format!(
                    "【SupplyWatch】次に不足しそうな品目が変わりました（追加 {}件・解除 {}件）",
                    added.len(),
                    removed.len()
                ),
                recipient_org: "厚生労働省".into(),
                lead: "波及予測の「次に不足しそうな品目」が前回の計算から変わりました。".into(),
                lines: lines.clone(),
                link_path: crate::paths::EARLY_WARNING.into(),
            }),
        })
        .collect();
    outbox::enqueue(txn, messages, now).await
}

/// Whether the user receives mail when the list changes.
pub async fn is_subscribed(db: &impl ConnectionTrait, user_id: i32) -> Result<bool, ServiceError> {
    Ok(forecast_subscription::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("Failed to read the forecast subscription")?
        .is_some())
}

/// Subscribes or unsubscribes the user; returns the new state.
pub async fn set_subscription(
    db: &impl ConnectionTrait,
    user_id: i32,
    subscribed: bool,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    forecast_subscription::Entity::delete_by_id(user_id)
        .exec(db)
        .await
        .context("Failed to change the forecast subscription")?;
    if subscribed {
        forecast_subscription::ActiveModel {
            user_id: Set(user_id),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .context("Failed to change the forecast subscription")?;
    }
    Ok(subscribed)
}
