//! The transactional outbox: a mail is a row written in the transaction of the event that causes
//! it; the dispatcher job delivers it (retries, back-off), the digest job bundles held ones, and
//! admins see and resend failed ones.

mod admin;
mod digest;
mod dispatch;

pub use admin::{
    OutboxEntry, OutboxFilter, failed_kinds, failing_for_long, list, resend, resend_failed_of_kind,
};
pub use digest::send_daily_digests;
pub use dispatch::{
    DEFAULT_STALE_CLAIM_SECONDS, DispatchOptions, DispatchSummary, dispatch, dispatch_with,
};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{DbContext, ServiceError};
use crate::db::entity::{contact, outbox_message};
use crate::domain::contact::Delivery;
use crate::domain::outbox_status::OutboxStatus;
use crate::mail::MailContent;

/// Rows per insert statement.
const BATCH: usize = 200;

/// One mail to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Unique per (event, recipient), e.g. `heads-up:R2026-000123:supply@maker2.example`.
    pub idempotency_key: String,
    /// The recipient's organisation.
    pub organization_id: Option<i32>,
    /// Name.
    pub recipient_name: String,
    /// Address.
    pub recipient_email: String,
    /// Held for the daily digest instead of sent at the next dispatch.
    pub digest: bool,
    /// What it says.
    pub content: MailContent,
}

impl NewMessage {
    /// A message to one contact, honouring its delivery choice (immediate or daily digest).
    pub fn to_contact(event_key: &str, to: &contact::Model, content: MailContent) -> Self {
        Self {
            idempotency_key: format!("{event_key}:{}", to.email.to_lowercase()),
            organization_id: Some(to.organization_id),
            recipient_name: to.name.clone(),
            recipient_email: to.email.clone(),
            digest: to.delivery == Delivery::DailyDigest,
            content,
        }
    }
}

/// The supply contacts of organisations, in id order.
pub async fn contacts_of(
    db: &impl ConnectionTrait,
    organization_ids: &[i32],
) -> Result<Vec<contact::Model>, ServiceError> {
    use sea_orm::QueryOrder;
    contact::Entity::find()
        .filter(contact::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .order_by_asc(contact::Column::Id)
        .all(db)
        .await
        .context("Failed to load supply contacts")
}

/// Queues messages in the caller's transaction; a key already queued is skipped, so an event
/// retried never mails anyone twice. Returns how many were new.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    messages: Vec<NewMessage>,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let mut added = 0;
    for chunk in messages.chunks(BATCH) {
        let mut rows = Vec::with_capacity(chunk.len());
        for m in chunk {
            let payload = serde_json::to_string(&m.content)
                .map_err(|e| ServiceError::Internal(format!("mail content: {e}")))?;
            rows.push(outbox_message::ActiveModel {
                idempotency_key: Set(m.idempotency_key.clone()),
                kind: Set(m.content.kind()),
                organization_id: Set(m.organization_id),
                recipient_name: Set(m.recipient_name.clone()),
                recipient_email: Set(m.recipient_email.clone()),
                subject: Set(m.content.subject()),
                payload: Set(payload),
                status: Set(if m.digest {
                    OutboxStatus::Held
                } else {
                    OutboxStatus::Pending
                }),
                attempts: Set(0),
                last_error: Set(None),
                next_attempt_at: Set(now),
                claim_token: Set(None),
                claimed_at: Set(None),
                created_at: Set(now),
                sent_at: Set(None),
                ..Default::default()
            });
        }
        added += outbox_message::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(outbox_message::Column::IdempotencyKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .context("Failed to queue mail")?;
    }
    Ok(added)
}
