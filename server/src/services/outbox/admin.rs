//! What admins see of the outbox: messages by status (failed ones first in mind), and resending.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::db::entity::outbox_message::{self, Column as C};
use crate::domain::alerts::{MAIL_ALERT_AFTER, attempts_failing_for};
use crate::domain::mail_kind::MailKind;
use crate::domain::outbox_status::OutboxStatus;
use crate::services::{DbContext, ServiceError};

/// A message as the admin page lists it.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    /// Id.
    pub id: i32,
    /// Kind.
    pub kind: MailKind,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: OutboxStatus,
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
    pub status: Option<OutboxStatus>,
}

/// The newest messages (at most 200), optionally of one status.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OutboxFilter,
) -> Result<Vec<OutboxEntry>, ServiceError> {
    let mut select = outbox_message::Entity::find()
        .order_by_desc(C::Id)
        .limit(200);
    if let Some(status) = filter.status {
        select = select.filter(C::Status.eq(status));
    }
    Ok(select
        .all(db)
        .await
        .context("Failed to list the outbox")?
        .into_iter()
        .map(|m| OutboxEntry {
            id: m.id,
            // A member of the public who follows a drug is never named, not even to admins.
            recipient: if m.organization_id.is_none() && m.kind.is_public() {
                "（一般の購読者）".to_owned()
            } else {
                format!("{} <{}>", m.recipient_name, m.recipient_email)
            },
            kind: m.kind,
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
    if found.status != OutboxStatus::Failed {
        return Err(ServiceError::Conflict(format!(
            "メッセージ {id} は送信失敗の状態ではありません（現在: {}）",
            found.status.label_ja()
        )));
    }
    let mut model: outbox_message::ActiveModel = found.into();
    model.status = Set(OutboxStatus::Pending);
    // A resent mail gets the whole retry window again.
    model.attempts = Set(0);
    model.next_attempt_at = Set(now);
    model
        .update(db)
        .await
        .context("Failed to queue the message again")?;
    Ok(())
}

/// How many mails have failed for good, or are still retried after failing for over
/// [`MAIL_ALERT_AFTER`], or carry a stored status that is none of the statuses (the dispatcher
/// never claims them and the outbox page fails on them): while not zero, admins see a banner.
pub async fn failing_for_long(db: &impl ConnectionTrait) -> Result<u64, ServiceError> {
    outbox_message::Entity::find()
        .filter(
            Condition::any()
                .add(C::Status.eq(OutboxStatus::Failed))
                .add(
                    Condition::all()
                        .add(C::Status.is_in([OutboxStatus::Pending, OutboxStatus::Sending]))
                        .add(C::Attempts.gte(attempts_failing_for(MAIL_ALERT_AFTER))),
                )
                .add(C::Status.is_not_in(OutboxStatus::ALL.iter().copied())),
        )
        .count(db)
        .await
        .context("Failed to count failing mail")
}

/// Failed mail per kind, in kind order: (kind, count).
pub async fn failed_kinds(db: &impl ConnectionTrait) -> Result<Vec<(MailKind, i64)>, ServiceError> {
    outbox_message::Entity::find()
        .select_only()
        .column(C::Kind)
        .column_as(C::Id.count(), "n")
        .filter(C::Status.eq(OutboxStatus::Failed))
        .group_by(C::Kind)
        .order_by_asc(C::Kind)
        .into_tuple()
        .all(db)
        .await
        .context("Failed to count failed mail by kind")
}

/// Queues every failed mail of `kind` again (each with the whole retry window); how many.
pub async fn resend_failed_of_kind(
    db: &impl ConnectionTrait,
    kind: MailKind,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    Ok(outbox_message::Entity::update_many()
        .col_expr(C::Status, Expr::value(OutboxStatus::Pending))
        .col_expr(C::Attempts, Expr::value(0))
        .col_expr(C::NextAttemptAt, Expr::value(now))
        .filter(C::Status.eq(OutboxStatus::Failed))
        .filter(C::Kind.eq(kind))
        .exec(db)
        .await
        .context("Failed to queue failed mail again")?
        .rows_affected)
}
