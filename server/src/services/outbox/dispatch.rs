//! Delivering queued mail: claim a batch (no two dispatchers get the same row), send it with a
//! few connections at once, then mark each row sent or schedule its retry with back-off.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use rand::Rng;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};

use crate::db::entity::outbox_message::{self, Column as C};
use crate::domain::alerts::{MAX_DELIVERY_ATTEMPTS, retry_delay};
use crate::mail::{MailContent, Mailer, OutgoingMail};
use crate::services::{DbContext, ServiceError};

/// Rows claimed per round.
const BATCH: u64 = 200;
/// Rounds per run at most (a run then ends; the next tick continues).
const MAX_ROUNDS: usize = 50;
/// A row claimed this long ago by a dispatcher that never finished is claimed again.
const STALE_CLAIM_MINUTES: i64 = 10;

/// What one dispatcher run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchSummary {
    /// Delivered.
    pub sent: usize,
    /// Failed, to be tried again later.
    pub retrying: usize,
    /// Failed for the last time (visible to admins).
    pub failed: usize,
}

/// Delivers every message due at `now`; each is sent by one dispatcher only, and marked sent
/// right after the relay accepted it.
pub async fn dispatch(
    db: &impl ConnectionTrait,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<DispatchSummary, ServiceError> {
    release_stale_claims(db, now).await?;
    let mut summary = DispatchSummary::default();
    for _ in 0..MAX_ROUNDS {
        let claimed = claim(db, now).await?;
        if claimed.is_empty() {
            break;
        }
        let results: Vec<(outbox_message::Model, Result<(), String>)> =
            futures_util::stream::iter(claimed)
                .map(|row| async move {
                    let outcome = deliver(mailer, &row).await;
                    (row, outcome)
                })
                .buffer_unordered(crate::mail::SMTP_POOL_SIZE as usize)
                .collect()
                .await;
        let mut sent_ids = Vec::new();
        for (row, outcome) in results {
            match outcome {
                Ok(()) => sent_ids.push(row.id),
                Err(error) => {
                    let attempts = row.attempts + 1;
                    let last = attempts >= MAX_DELIVERY_ATTEMPTS;
                    tracing::warn!(id = row.id, attempts, %error, "mail not delivered");
                    mark_failed(db, &row, attempts, &error, last, now).await?;
                    if last {
                        summary.failed += 1;
                    } else {
                        summary.retrying += 1;
                    }
                }
            }
        }
        summary.sent += sent_ids.len();
        outbox_message::Entity::update_many()
            .col_expr(C::Status, Expr::value("sent"))
            .col_expr(C::SentAt, Expr::value(now))
            .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
            .col_expr(C::LastError, Expr::value(Option::<String>::None))
            .filter(C::Id.is_in(sent_ids))
            .exec(db)
            .await
            .context("Failed to mark mail as sent")?;
    }
    Ok(summary)
}

async fn deliver(mailer: &Mailer, row: &outbox_message::Model) -> Result<(), String> {
    let content: MailContent =
        serde_json::from_str(&row.payload).map_err(|e| format!("本文データを読めません: {e}"))?;
    let rendered = content
        .render(mailer.base_url())
        .map_err(|e| e.to_string())?;
    let mail = OutgoingMail {
        to_name: row.recipient_name.clone(),
        to_email: row.recipient_email.clone(),
        message_id: format!("<outbox-{}@supplywatch>", row.id),
        rendered,
    };
    mailer.send(&mail).await.map_err(|e| e.to_string())
}

/// Claims up to [`BATCH`] due rows for this run in one statement. On PostgreSQL the inner select
/// skips rows another dispatcher has locked; on SQLite the single write statement is atomic.
async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<outbox_message::Model>, ServiceError> {
    let token = format!("{:016x}", rand::thread_rng().r#gen::<u64>());
    let mut due = Query::select();
    due.column(C::Id)
        .from(outbox_message::Entity)
        .and_where(Expr::col(C::Status).eq("pending"))
        .and_where(Expr::col(C::NextAttemptAt).lte(now))
        .order_by(C::Id, Order::Asc)
        .limit(BATCH);
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    outbox_message::Entity::update_many()
        .col_expr(C::Status, Expr::value("sending"))
        .col_expr(C::ClaimToken, Expr::value(token.clone()))
        .col_expr(C::ClaimedAt, Expr::value(now))
        .filter(C::Id.in_subquery(due))
        .filter(C::Status.eq("pending"))
        .exec(db)
        .await
        .context("Failed to claim mail to send")?;
    outbox_message::Entity::find()
        .filter(C::ClaimToken.eq(token))
        .filter(C::Status.eq("sending"))
        .all(db)
        .await
        .context("Failed to load claimed mail")
}

async fn mark_failed(
    db: &impl ConnectionTrait,
    row: &outbox_message::Model,
    attempts: i32,
    error: &str,
    last: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let delay = chrono::Duration::from_std(retry_delay(attempts))
        .unwrap_or_else(|_| chrono::Duration::minutes(30));
    outbox_message::Entity::update_many()
        .col_expr(
            C::Status,
            Expr::value(if last { "failed" } else { "pending" }),
        )
        .col_expr(C::Attempts, Expr::value(attempts))
        .col_expr(
            C::LastError,
            Expr::value(error.chars().take(1000).collect::<String>()),
        )
        .col_expr(C::NextAttemptAt, Expr::value(now + delay))
        .col_expr(C::ClaimToken, Expr::value(Option::<String>::None))
        .filter(C::Id.eq(row.id))
        .exec(db)
        .await
        .context("Failed to record a failed delivery")?;
    Ok(())
}

/// Gives rows back whose dispatcher stopped mid-way (crash, restart).
async fn release_stale_claims(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    outbox_message::Entity::update_many()
        .col_expr(C::Status, Expr::value("pending"))
        .col_expr(C::ClaimToken, Expr::value(Option::<String>::None))
        .filter(C::Status.eq("sending"))
        .filter(C::ClaimedAt.lt(now - chrono::Duration::minutes(STALE_CLAIM_MINUTES)))
        .exec(db)
        .await
        .context("Failed to release stale mail claims")?;
    Ok(())
}
