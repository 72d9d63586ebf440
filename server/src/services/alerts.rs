//! The automatic heads-up: when a filed 供給状況報告 makes a drug's public status worse, every
//! contact of every other maker of a same-spec substitute is mailed once, through the outbox, in
//! the filing's own transaction — save makers whose own same-spec products are all at ② or ⑤. Only public reports reach here; confidential reports never do.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::accounts::OrganizationRef;
use super::outbox::{self, NewMessage};
use super::products::substitutes_of;
use super::{DbContext, ServiceError};
use crate::db::entity::{contact, organization, product, product_status, substitute_request};
use crate::domain::alerts::{PublicStatus, worsening};
use crate::domain::substitute_request::{RequestKind, left_out};
use crate::domain::supply_status::{ShippingStatus, SupplyStatus};
use crate::mail::MailContent;
use crate::mail::content::{HeadsUp, ProductLine};

/// One report just filed (before the product's current status is replaced).
pub(crate) struct Filed<'a> {
    /// The product.
    pub product: &'a product::Model,
    /// Its new status.
    pub status: &'a SupplyStatus,
    /// The report's 受付番号: the event of the heads-up.
    pub receipt_number: &'a str,
}

/// Queues the heads-ups that `filed` causes; call before the current statuses are replaced.
/// Returns how many mails were queued.
pub(crate) async fn queue_heads_ups(
    db: &impl ConnectionTrait,
    reporter: &OrganizationRef,
    filed: &[Filed<'_>],
    reported_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let drugs: Vec<&Filed> = filed
        .iter()
        .filter(|f| f.product.group_code.is_some())
        .collect();
    let filed_ids: Vec<i32> = drugs.iter().map(|f| f.product.id).collect();
    let before = current_statuses(db, &filed_ids).await?;
    let worse: Vec<(&Filed, Option<&product_status::Model>)> = drugs
        .into_iter()
        .filter_map(|f| {
            let old = before.get(&f.product.id);
            let after = PublicStatus {
                shipping: f.status.shipping_status,
                volume: f.status.volume_status,
            };
            worsening(old.map(public), after).map(|_| (f, old))
        })
        .collect();
    if worse.is_empty() {
        return Ok(0);
    }
    let asked = substitutes_asked(db, reporter, &worse).await?;
    if asked.is_empty() {
        return Ok(0);
    }
    let requests = record_requests(db, &worse, &asked, now).await?;
    let org_ids: Vec<i32> = asked.keys().map(|(_, org)| *org).collect();
    let names: HashMap<i32, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids.clone()))
        .all(db)
        .await
        .context("Failed to load the substitute makers")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut contacts: HashMap<i32, Vec<contact::Model>> = HashMap::new();
    for c in outbox::contacts_of(db, &org_ids).await? {
        contacts.entry(c.organization_id).or_default().push(c);
    }
    let by_receipt: HashMap<&str, &(&Filed, Option<&product_status::Model>)> =
        worse.iter().map(|w| (w.0.receipt_number, w)).collect();
    let mut messages = Vec::new();
    for ((receipt, org), lines) in &asked {
        let (Some((f, old)), Some(request_id)) = (
            by_receipt.get(receipt.as_str()),
            requests.get(&(receipt.clone(), *org)),
        ) else {
            continue;
        };
        let content = MailContent::HeadsUp(HeadsUp {
            recipient_org: names.get(org).cloned().unwrap_or_default(),
            product: ProductLine {
                code: f.product.code.clone(),
                name: f.product.name.clone(),
            },
            maker_name: reporter.name.clone(),
            shipping_before: old.map(|o| o.shipping_status.label_ja().to_owned()),
            shipping_after: f.status.shipping_status.label_ja().to_owned(),
            volume_before: old
                .and_then(|o| o.volume_status)
                .map(|v| v.label_ja().to_owned()),
            volume_after: f.status.volume_status.map(|v| v.label_ja().to_owned()),
            reason: f.status.reason.map(|r| r.label_ja().to_owned()),
            reported_on: reported_on.to_string(),
            substitutes: lines.clone(),
            link_path: crate::paths::substitute_request(*request_id),
        });
        for contact in contacts.get(org).into_iter().flatten() {
            messages.push(NewMessage::to_contact(
                &format!("heads-up:{receipt}"),
                contact,
                content.clone(),
            ));
        }
    }
    outbox::enqueue(db, messages, now).await
}

/// (report, substitute maker) → that maker's same-spec products, for every worse report; a maker
/// whose same-spec products are all at ② or ⑤ is not asked (it cannot make up for the shortfall).
async fn substitutes_asked(
    db: &impl ConnectionTrait,
    reporter: &OrganizationRef,
    worse: &[(&Filed<'_>, Option<&product_status::Model>)],
) -> Result<BTreeMap<(String, i32), Vec<ProductLine>>, ServiceError> {
    let products: Vec<&product::Model> = worse.iter().map(|(f, _)| f.product).collect();
    let substitutes = substitutes_of(db, &products).await?;
    let ids: Vec<i32> = substitutes.values().flatten().map(|s| s.id).collect();
    let statuses: HashMap<i32, ShippingStatus> = current_statuses(db, &ids)
        .await?
        .into_iter()
        .map(|(id, r)| (id, r.shipping_status))
        .collect();
    let mut asked: BTreeMap<(String, i32), Vec<ProductLine>> = BTreeMap::new();
    for (f, _) in worse {
        let mut by_maker: BTreeMap<i32, Vec<&product::Model>> = BTreeMap::new();
        for s in substitutes.get(&f.product.id).into_iter().flatten() {
            if let Some(maker) = s.maker_id.filter(|m| *m != reporter.id) {
                by_maker.entry(maker).or_default().push(s);
            }
        }
        for (maker, own) in by_maker {
            let own_statuses: Vec<Option<ShippingStatus>> =
                own.iter().map(|p| statuses.get(&p.id).copied()).collect();
            if left_out(&own_statuses).is_some() {
                continue;
            }
            asked.insert(
                (f.receipt_number.to_owned(), maker),
                own.iter()
                    .map(|s| ProductLine {
                        code: s.code.clone(),
                        name: s.name.clone(),
                    })
                    .collect(),
            );
        }
    }
    Ok(asked)
}

fn public(row: &product_status::Model) -> PublicStatus {
    PublicStatus {
        shipping: row.shipping_status,
        volume: row.volume_status,
    }
}

/// The current status rows of the products `ids` (a product without a status is absent).
async fn current_statuses(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, product_status::Model>, ServiceError> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(900) {
        let rows = product_status::Entity::find()
            .filter(product_status::Column::ProductId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to load the current statuses")?;
        found.extend(rows.into_iter().map(|r| (r.product_id, r)));
    }
    Ok(found)
}

/// One heads-up request per (report, substitute maker), for the answer page; returns their ids.
async fn record_requests(
    db: &impl ConnectionTrait,
    worse: &[(&Filed<'_>, Option<&product_status::Model>)],
    asked: &BTreeMap<(String, i32), Vec<ProductLine>>,
    now: DateTime<Utc>,
) -> Result<HashMap<(String, i32), i32>, ServiceError> {
    use substitute_request::Column as C;
    let product_of: HashMap<&str, i32> = worse
        .iter()
        .map(|(f, _)| (f.receipt_number, f.product.id))
        .collect();
    let rows: Vec<substitute_request::ActiveModel> = asked
        .keys()
        .filter_map(|(receipt, org)| {
            Some(substitute_request::ActiveModel {
                event_key: Set(receipt.clone()),
                kind: Set(RequestKind::HeadsUp),
                case_id: Set(None),
                product_id: Set(*product_of.get(receipt.as_str())?),
                organization_id: Set(*org),
                requested_by: Set(None),
                message: Set(None),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    for chunk in rows.chunks(200) {
        substitute_request::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([C::EventKey, C::OrganizationId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .context("Failed to record the heads-up requests")?;
    }
    let receipts: Vec<&str> = product_of.keys().copied().collect();
    let mut ids = HashMap::new();
    for chunk in receipts.chunks(900) {
        let found = substitute_request::Entity::find()
            .filter(C::EventKey.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to read back the heads-up requests")?;
        ids.extend(
            found
                .into_iter()
                .map(|r| ((r.event_key, r.organization_id), r.id)),
        );
    }
    Ok(ids)
}
