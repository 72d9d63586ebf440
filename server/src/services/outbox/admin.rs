//! What admins see of the outbox: messages by status (failed ones first in mind), and resending.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::db::entity::outbox_message;
use crate::services::{DbContext, ServiceError};

/// A message as the admin page lists it.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    /// Id.
    pub id: i32,
    /// Kind.
    pub kind: String,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Last error.
    pub last_error: Option<String>,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Next attempt.
    pub next_attempt_at: DateTime<Utc>,
    /// Delivered at.
    pub sent_at: Option<DateTime<Utc>>,
}

/// Which messages to list.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    /// Only this status.
    pub status: Option<String>,
}

/// The newest messages (at most 200), optionally of one status.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OutboxFilter,
) -> Result<Vec<OutboxEntry>, ServiceError> {
    let mut select = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::Id)
        .limit(200);
    if let Some(status) = &filter.status {
        select = select.filter(outbox_message::Column::Status.eq(status.as_str()));
    }
    Ok(select
        .all(db)
        .await
        .context("Failed to list the outbox")?
        .into_iter()
        .map(|m| OutboxEntry {
            id: m.id,
            kind: m.kind,
            recipient: format!("{} <{}>", m.recipient_name, m.recipient_email),
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
        })
        .collect())
}

/// Queues a failed message again for the next dispatch. 409 unless it failed.
pub async fn resend(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let found = outbox_message::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to load the message")?
        .ok_or_else(|| ServiceError::NotFound(format!("メッセージ {id} はありません")))?;
    if found.status != "failed" {
        return Err(ServiceError::Conflict(format!(
            "メッセージ {id} は送信失敗の状態ではありません（現在: {}）",
            found.status
        )));
    }
    let mut model: outbox_message::ActiveModel = found.into();
    model.status = Set("pending".to_owned());
    // A resent mail gets the whole retry window again.
    model.attempts = Set(0);
    model.next_attempt_at = Set(now);
    model
        .update(db)
        .await
        .context("Failed to queue the message again")?;
    Ok(())
}
