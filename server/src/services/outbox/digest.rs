//! The daily digest: every message held for a contact who chose one mail a day is bundled into
//! one digest message, queued like any other; a public subscriber's held changes likewise, into
//! a digest of changes with one link (and `List-Unsubscribe`) ending every subscription in it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::{NewMessage, enqueue};
use crate::db::entity::{organization, outbox_message};
use crate::domain::outbox_status::OutboxStatus;
use crate::mail::MailContent;
use crate::mail::content::{Digest, StatusChange, StatusDigest};
use crate::services::{DbContext, ServiceError};

/// Bundles held messages per recipient; returns how many digests were queued. Idempotent: held
/// messages become `digested` in the same transaction. A held message whose stored content does
/// not read is not bundled (nor silently dropped): it becomes `failed` with the reason, for an
/// admin to see.
pub async fn send_daily_digests(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let txn = db.begin().await.context("Failed to start the digest")?;
    let held = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq(OutboxStatus::Held))
        .filter(outbox_message::Column::CreatedAt.lte(now))
        .order_by_asc(outbox_message::Column::Id)
        .all(&txn)
        .await
        .context("Failed to load held mail")?;
    let mut by_recipient: BTreeMap<String, Vec<(outbox_message::Model, MailContent)>> =
        BTreeMap::new();
    // A public subscriber's changes make a digest of their own, with the unsubscribe link.
    let mut changes_by_recipient: BTreeMap<String, Vec<(outbox_message::Model, StatusChange)>> =
        BTreeMap::new();
    let mut unreadable = Vec::new();
    for row in held {
        let email = row.recipient_email.to_lowercase();
        match serde_json::from_str::<MailContent>(&row.payload) {
            Ok(MailContent::StatusChange(change)) => {
                changes_by_recipient
                    .entry(email)
                    .or_default()
                    .push((row, change));
            }
            Ok(content) => by_recipient.entry(email).or_default().push((row, content)),
            Err(e) => unreadable.push((row.id, format!("本文データを読めません: {e}"))),
        }
    }
    mark_unreadable(&txn, &unreadable).await?;
    let org_ids: Vec<i32> = by_recipient
        .values()
        .filter_map(|rows| rows.first().and_then(|(r, _)| r.organization_id))
        .collect();
    let names: BTreeMap<i32, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids))
        .all(&txn)
        .await
        .context("Failed to load organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut digests = Vec::new();
    let mut ids = Vec::new();
    for (email, rows) in by_recipient {
        let (Some((first, _)), Some((last, _))) = (rows.first(), rows.last()) else {
            continue;
        };
        let key = format!("digest:{email}:{}-{}", first.id, last.id);
        let first = first.clone();
        ids.extend(rows.iter().map(|(r, _)| r.id));
        let items: Vec<MailContent> = rows.into_iter().map(|(_, content)| content).collect();
        digests.push(NewMessage {
            idempotency_key: key,
            organization_id: first.organization_id,
            recipient_name: first.recipient_name,
            recipient_email: first.recipient_email,
            digest: false,
            content: MailContent::Digest(Digest {
                recipient_org: first
                    .organization_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                items,
            }),
        });
    }
    digests.extend(status_digests(changes_by_recipient, &mut ids));
    let count = digests.len();
    enqueue(&txn, digests, now).await?;
    for chunk in ids.chunks(500) {
        outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::Status,
                Expr::value(OutboxStatus::Digested),
            )
            .col_expr(outbox_message::Column::SentAt, Expr::value(now))
            .filter(outbox_message::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await
            .context("Failed to mark held mail as digested")?;
    }
    txn.commit().await.context("Failed to commit the digest")?;
    Ok(count)
}

/// Marks held messages whose stored content does not read as failed, each with its reason.
async fn mark_unreadable(
    db: &impl ConnectionTrait,
    unreadable: &[(i32, String)],
) -> Result<(), ServiceError> {
    for (id, error) in unreadable {
        tracing::error!(id, %error, "held mail not bundled: its stored content does not read");
        outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::Status,
                Expr::value(OutboxStatus::Failed),
            )
            .col_expr(
                outbox_message::Column::LastError,
                Expr::value(error.clone()),
            )
            .filter(outbox_message::Column::Id.eq(*id))
            .exec(db)
            .await
            .context("Failed to mark unreadable held mail as failed")?;
    }
    Ok(())
}

/// One digest of changes per public subscriber; the rows' ids join `ids`.
fn status_digests(
    changes_by_recipient: BTreeMap<String, Vec<(outbox_message::Model, StatusChange)>>,
    ids: &mut Vec<i32>,
) -> Vec<NewMessage> {
    let mut digests = Vec::new();
    for (email, rows) in changes_by_recipient {
        let (Some((first, _)), Some((last, _))) = (rows.first(), rows.last()) else {
            continue;
        };
        let key = format!("status-digest:{email}:{}-{}", first.id, last.id);
        let recipient_email = first.recipient_email.clone();
        ids.extend(rows.iter().map(|(r, _)| r.id));
        let items: Vec<StatusChange> = rows.into_iter().map(|(_, change)| change).collect();
        let mut tokens: Vec<&str> = items.iter().map(|c| c.token.as_str()).collect();
        tokens.sort_unstable();
        tokens.dedup();
        digests.push(NewMessage {
            idempotency_key: key,
            organization_id: None,
            recipient_name: String::new(),
            recipient_email,
            digest: false,
            content: MailContent::StatusDigest(StatusDigest {
                unsubscribe_path: crate::paths::subscription_unsubscribe(&tokens),
                items,
            }),
        });
    }
    digests
}
