//! The change mail: when a report changes a drug's public ⑫–⑰ (anything but a re-confirmation of
//! the same values), every confirmed subscriber of the drug is mailed through the outbox, in the
//! report's own transaction — immediately, or held for the morning digest.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::db::entity::{product, public_subscription};
use crate::domain::contact::Delivery;
use crate::domain::supply_status::SupplyStatus;
use crate::mail::MailContent;
use crate::mail::content::{ProductLine, StatusChange};
use crate::paths;
use crate::services::outbox::{self, NewMessage};
use crate::services::supply_status::history::StatusView;
use crate::services::{DbContext, ServiceError};

/// One report just stored.
pub struct StatusChanged<'a> {
    /// The drug.
    pub product_id: i32,
    /// The report's 受付番号 (the event of the mail).
    pub receipt_number: &'a str,
    /// The status before, if any.
    pub previous: Option<&'a StatusView>,
    /// The status reported.
    pub status: &'a SupplyStatus,
    /// ⑰ the day it was reported.
    pub reported_on: NaiveDate,
}

/// Queues a mail to each confirmed subscriber of each drug whose public status changed;
/// returns how many mails were queued.
pub async fn queue_change_mails(
    db: &impl ConnectionTrait,
    reports: &[StatusChanged<'_>],
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let mut changed: HashMap<i32, (&StatusChanged, Vec<String>)> = HashMap::new();
    for r in reports {
        let after = StatusView::of_status(r.status, r.reported_on);
        let lines = match r.previous {
            Some(before) => after.changes_since(before),
            None => vec![format!("⑫ 初回報告: {}", after.shipping_status.label_ja())],
        };
        if !lines.is_empty() {
            changed.insert(r.product_id, (r, lines));
        }
    }
    if changed.is_empty() {
        return Ok(0);
    }
    let mut subscribers: Vec<public_subscription::Model> = Vec::new();
    let ids: Vec<i32> = changed.keys().copied().collect();
    for chunk in ids.chunks(900) {
        subscribers.extend(
            public_subscription::Entity::find()
                .filter(public_subscription::Column::ProductId.is_in(chunk.iter().copied()))
                .filter(public_subscription::Column::ConfirmedAt.is_not_null())
                .filter(public_subscription::Column::UnsubscribedAt.is_null())
                .all(db)
                .await
                .context("Failed to read the subscribers")?,
        );
    }
    if subscribers.is_empty() {
        return Ok(0);
    }
    let followed: Vec<i32> = subscribers.iter().map(|s| s.product_id).collect();
    let products: HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(followed))
        .all(db)
        .await
        .context("Failed to read the followed drugs")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let messages = subscribers
        .iter()
        .filter_map(|s| {
            let (report, lines) = changed.get(&s.product_id)?;
            let p = products.get(&s.product_id)?;
            Some(NewMessage {
                idempotency_key: format!("status-change:{}:{}", report.receipt_number, s.id),
                organization_id: None,
                recipient_name: String::new(),
                recipient_email: s.email.clone(),
                digest: s.delivery == Delivery::DailyDigest,
                content: MailContent::StatusChange(StatusChange {
                    product: ProductLine {
                        code: p.code.clone(),
                        name: p.name.clone(),
                    },
                    maker_name: p.maker_name.clone().unwrap_or_default(),
                    lines: lines.clone(),
                    reported_on: report.reported_on.to_string(),
                    product_path: paths::public_product(&p.code),
                    unsubscribe_path: paths::subscription_unsubscribe(&[&s.token]),
                    token: s.token.clone(),
                }),
            })
        })
        .collect();
    outbox::enqueue(db, messages, now).await
}
