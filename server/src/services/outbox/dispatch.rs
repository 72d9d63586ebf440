//! Delivering queued mail: claim a batch (no two dispatchers get the same row), send it over a
//! few connections at once, and mark each row sent in its own statement the moment the relay
//! accepted it — a crash then repeats at most the messages that were on the wire.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use rand::Rng;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::db::entity::outbox_message::{self, Column as C};
use crate::domain::alerts::{MAIL_ALERT_AFTER, attempts_failing_for, retry_delay};
use crate::domain::outbox_status::OutboxStatus;
use crate::mail::{MailContent, Mailer, OutgoingMail};
use crate::services::{DbContext, ServiceError};
use crate::shutdown::Shutdown;

/// Rows claimed per round.
const BATCH: u64 = 200;
/// Rounds per run at most (a run then ends; the next tick continues).
const MAX_ROUNDS: usize = 50;
/// The default claim lease (`SUPPLYWATCH_OUTBOX_STALE_CLAIM_SECONDS`).
pub const DEFAULT_STALE_CLAIM_SECONDS: i64 = 600;

/// How a dispatcher run behaves: when a claim is stale, when to stop.
#[derive(Debug, Clone)]
pub struct DispatchOptions {
    /// A row claimed this long ago by a dispatcher that never marked it is claimed again.
    pub stale_claim: chrono::Duration,
    /// Once stopping, no new round is claimed and unsent claimed rows are given back.
    pub shutdown: Shutdown,
}

impl Default for DispatchOptions {
    fn default() -> Self {
        Self {
            stale_claim: chrono::Duration::seconds(DEFAULT_STALE_CLAIM_SECONDS),
            shutdown: Shutdown::default(),
        }
    }
}

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

/// Outcome of one claimed row.
enum Sent {
    Delivered,
    Retrying,
    Failed,
    /// Not attempted: the run stopped (shutdown, or the database could not record a result).
    Skipped,
}

/// Delivers every message due at `now` with the default options.
pub async fn dispatch(
    db: &impl ConnectionTrait,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<DispatchSummary, ServiceError> {
    dispatch_with(db, mailer, now, &DispatchOptions::default()).await
}

/// Delivers every message due at `now`; each is sent by one dispatcher only, and marked sent
/// right after the relay accepted it.
pub async fn dispatch_with(
    db: &impl ConnectionTrait,
    mailer: &Mailer,
    now: DateTime<Utc>,
    options: &DispatchOptions,
) -> Result<DispatchSummary, ServiceError> {
    release_stale_claims(db, now, options.stale_claim).await?;
    let mut summary = DispatchSummary::default();
    let broken = AtomicBool::new(false);
    let mut first_error = None;
    for _ in 0..MAX_ROUNDS {
        if options.shutdown.is_stopping() || broken.load(Ordering::Acquire) {
            break;
        }
        let (token, claimed) = claim(db, now).await?;
        if claimed.is_empty() {
            break;
        }
        let outcomes: Vec<Result<Sent, ServiceError>> = futures_util::stream::iter(claimed)
            .map(|row| {
                let broken = &broken;
                async move {
                    // Nothing new goes on the wire once stopping or once results cannot be
                    // recorded (a mail sent then would be sent again after the lease).
                    if options.shutdown.is_stopping() || broken.load(Ordering::Acquire) {
                        return Ok(Sent::Skipped);
                    }
                    let outcome = deliver(mailer, &row).await;
                    let recorded = record(db, &row, outcome, now).await;
                    if recorded.is_err() {
                        broken.store(true, Ordering::Release);
                    }
                    recorded
                }
            })
            .buffer_unordered(crate::mail::SMTP_POOL_SIZE as usize)
            .collect()
            .await;
        let mut skipped = false;
        for outcome in outcomes {
            match outcome {
                Ok(Sent::Delivered) => summary.sent += 1,
                Ok(Sent::Retrying) => summary.retrying += 1,
                Ok(Sent::Failed) => summary.failed += 1,
                Ok(Sent::Skipped) => skipped = true,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if skipped && first_error.is_none() {
            give_back(db, &token).await?;
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// Records what happened to one row, in its own statement (its own transaction).
async fn record(
    db: &impl ConnectionTrait,
    row: &outbox_message::Model,
    outcome: Result<(), String>,
    now: DateTime<Utc>,
) -> Result<Sent, ServiceError> {
    match outcome {
        Ok(()) => {
            outbox_message::Entity::update_many()
                .col_expr(C::Status, Expr::value(OutboxStatus::Sent))
                .col_expr(C::SentAt, Expr::value(now))
                .col_expr(C::Attempts, Expr::value(row.attempts + 1))
                .col_expr(C::LastError, Expr::value(Option::<String>::None))
                .col_expr(C::ClaimToken, Expr::value(Option::<String>::None))
                .filter(C::Id.eq(row.id))
                .exec(db)
                .await
                .context("Failed to mark mail as sent")?;
            Ok(Sent::Delivered)
        }
        Err(error) => {
            let attempts = row.attempts + 1;
            let delay = retry_delay(attempts);
            tracing::warn!(id = row.id, attempts, %error, "mail not delivered");
            if delay.is_none() {
                tracing::error!(id = row.id, kind = row.kind.code(), attempts, %error,
                    "mail failed for good after 72 hours of retries; an admin can resend it");
            } else if attempts == attempts_failing_for(MAIL_ALERT_AFTER) {
                tracing::error!(id = row.id, kind = row.kind.code(), attempts, %error,
                    "mail has been failing for over 15 minutes: is the SMTP relay down?");
            }
            mark_failed(db, row, attempts, &error, delay, now).await?;
            Ok(if delay.is_some() {
                Sent::Retrying
            } else {
                Sent::Failed
            })
        }
    }
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
        message_id: message_id(row, mailer.base_url()),
        rendered,
    };
    mailer.send(&mail).await.map_err(|e| e.to_string())
}

/// `<outbox-ID.QUEUED.KEY@HOST>`: the same for every attempt of a row (a receiver can spot a
/// repeat), and different across installations, whose row ids start over — the queue time and
/// a hash of the event key tell them apart, the host names the installation.
fn message_id(row: &outbox_message::Model, base_url: &str) -> String {
    let digest = Sha256::digest(row.idempotency_key.as_bytes());
    let key = digest.iter().take(6).fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("supplywatch.localhost");
    format!(
        "<outbox-{}.{}.{key}@{host}>",
        row.id,
        row.created_at.timestamp_micros()
    )
}

/// Claims up to [`BATCH`] due rows for this run in one statement. On PostgreSQL the inner select
/// skips rows another dispatcher has locked; on SQLite the single write statement is atomic.
async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(String, Vec<outbox_message::Model>), ServiceError> {
    let token = format!("{:016x}", rand::thread_rng().r#gen::<u64>());
    let mut due = Query::select();
    due.column(C::Id)
        .from(outbox_message::Entity)
        .and_where(Expr::col(C::Status).eq(OutboxStatus::Pending))
        .and_where(Expr::col(C::NextAttemptAt).lte(now))
        .order_by(C::Id, Order::Asc)
        .limit(BATCH);
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    outbox_message::Entity::update_many()
        .col_expr(C::Status, Expr::value(OutboxStatus::Sending))
        .col_expr(C::ClaimToken, Expr::value(token.clone()))
        .col_expr(C::ClaimedAt, Expr::value(Utc::now()))
        .filter(C::Id.in_subquery(due))
        .filter(C::Status.eq(OutboxStatus::Pending))
        .exec(db)
        .await
        .context("Failed to claim mail to send")?;
    let rows = outbox_message::Entity::find()
        .filter(C::ClaimToken.eq(token.as_str()))
        .filter(C::Status.eq(OutboxStatus::Sending))
        .all(db)
        .await
        .context("Failed to load claimed mail")?;
    Ok((token, rows))
}

async fn mark_failed(
    db: &impl ConnectionTrait,
    row: &outbox_message::Model,
    attempts: i32,
    error: &str,
    delay: Option<std::time::Duration>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let next = delay
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .map_or(now, |d| now + d);
    outbox_message::Entity::update_many()
        .col_expr(
            C::Status,
            Expr::value(if delay.is_some() {
                OutboxStatus::Pending
            } else {
                OutboxStatus::Failed
            }),
        )
        .col_expr(C::Attempts, Expr::value(attempts))
        .col_expr(
            C::LastError,
            Expr::value(error.chars().take(1000).collect::<String>()),
        )
        .col_expr(C::NextAttemptAt, Expr::value(next))
        .col_expr(C::ClaimToken, Expr::value(Option::<String>::None))
        .filter(C::Id.eq(row.id))
        .exec(db)
        .await
        .context("Failed to record a failed delivery")?;
    Ok(())
}

/// Gives back the rows of a claim that were never attempted (the run stopped).
async fn give_back(db: &impl ConnectionTrait, token: &str) -> Result<(), ServiceError> {
    outbox_message::Entity::update_many()
        .col_expr(C::Status, Expr::value(OutboxStatus::Pending))
        .col_expr(C::ClaimToken, Expr::value(Option::<String>::None))
        .filter(C::ClaimToken.eq(token))
        .filter(C::Status.eq(OutboxStatus::Sending))
        .exec(db)
        .await
        .context("Failed to give back unsent mail")?;
    Ok(())
}

/// Gives rows back whose dispatcher stopped mid-way (crash, kill) once their lease ran out.
async fn release_stale_claims(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<(), ServiceError> {
    outbox_message::Entity::update_many()
        .col_expr(C::Status, Expr::value(OutboxStatus::Pending))
        .col_expr(C::ClaimToken, Expr::value(Option::<String>::None))
        .filter(C::Status.eq(OutboxStatus::Sending))
        .filter(C::ClaimedAt.lt(now - lease))
        .exec(db)
        .await
        .context("Failed to release stale mail claims")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail_kind::MailKind;

    fn row(id: i32, key: &str) -> outbox_message::Model {
        let at = DateTime::<Utc>::from_timestamp(1_764_800_000, 0).unwrap_or_default();
        outbox_message::Model {
            id,
            idempotency_key: key.to_owned(),
            kind: MailKind::HeadsUp,
            organization_id: None,
            recipient_name: String::new(),
            recipient_email: String::new(),
            subject: String::new(),
            payload: String::new(),
            status: OutboxStatus::Pending,
            attempts: 0,
            last_error: None,
            next_attempt_at: at,
            claim_token: None,
            claimed_at: None,
            created_at: at,
            sent_at: None,
        }
    }

    #[test]
    fn message_ids_are_stable_per_row_and_differ_across_installations() {
        let a = message_id(&row(1, "heads-up:R1:x@y"), "https://sw.example.jp");
        assert_eq!(
            a,
            message_id(&row(1, "heads-up:R1:x@y"), "https://sw.example.jp")
        );
        assert!(
            a.starts_with("<outbox-1.") && a.ends_with("@sw.example.jp>"),
            "{a}"
        );
        assert_ne!(
            a,
            message_id(&row(1, "heads-up:R7:x@y"), "https://sw.example.jp")
        );
        assert_ne!(
            a,
            message_id(&row(1, "heads-up:R1:x@y"), "http://127.0.0.1:8080")
        );
    }
}
