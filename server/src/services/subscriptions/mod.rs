//! Following a drug by e-mail: a request stores an unconfirmed subscription and mails only the
//! confirmation (double opt-in); the link confirms it; from then on each change of the drug's
//! ⑫–⑰ is mailed (`changes`), immediately or in the morning digest, every mail with a one-click
//! unsubscribe link. Addresses are never shown: answers are the same whether an address was
//! known, and pages name only the drug.

mod changes;
pub mod throttle;

pub use changes::{StatusChanged, queue_change_mails};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

use super::accounts::secrets::random_secret;
use super::outbox::{self, NewMessage};
use super::{DbContext, FieldProblem, ServiceError};
use crate::db::entity::{product, public_subscription};
use crate::domain::contact::Delivery;
use crate::domain::{EmailAddress, ProductKind};
use crate::mail::MailContent;
use crate::mail::content::{ProductLine, SubscriptionConfirm};
use crate::paths;

/// Tokens one unsubscribe link may carry (a digest's drugs).
const MAX_TOKENS: usize = 200;

/// A request to follow a drug.
#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    /// The address as typed.
    pub email: &'a str,
    /// The drug's code.
    pub product_code: &'a str,
    /// Immediate (default) or daily digest.
    pub delivery: Option<&'a str>,
}

/// The drug a link is about (no address).
#[derive(Debug, Clone)]
pub struct Followed {
    /// The drug.
    pub product: ProductLine,
}

/// Stores the request and queues the confirmation mail. An address already following the drug
/// gets nothing (and the caller the same answer); an unconfirmed or ended one gets a new link.
pub async fn subscribe(
    db: &DatabaseConnection,
    request: &NewSubscription<'_>,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let email = EmailAddress::parse(request.email).map_err(|_| {
        ServiceError::invalid(FieldProblem::new(
            "email",
            "invalid_email",
            "メールアドレスの形式が正しくありません",
        ))
    })?;
    let delivery = match request.delivery.map(str::trim).filter(|d| !d.is_empty()) {
        None => Delivery::Immediate,
        Some(code) => Delivery::from_code(code).ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "delivery",
                "invalid_delivery",
                "受け取り方は immediate（即時）または daily_digest（1日1回）で指定してください",
            ))
        })?,
    };
    let drug = find_drug(db, request.product_code).await?;
    let txn = db.begin().await.context("Failed to start a subscription")?;
    throttle::admit(&txn, email.as_str(), client, now).await?;
    let existing = public_subscription::Entity::find()
        .filter(public_subscription::Column::ProductId.eq(drug.id))
        .filter(public_subscription::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await
        .context("Failed to read the subscription")?;
    let row = match existing {
        Some(row) if row.confirmed_at.is_some() && row.unsubscribed_at.is_none() => {
            txn.commit().await.context("Failed to commit")?;
            return Ok(());
        }
        Some(row) => {
            let mut active: public_subscription::ActiveModel = row.into();
            active.token = Set(random_secret());
            active.delivery = Set(delivery);
            active.confirmed_at = Set(None);
            active.unsubscribed_at = Set(None);
            active
                .update(&txn)
                .await
                .context("Failed to renew the subscription")?
        }
        None => public_subscription::ActiveModel {
            product_id: Set(drug.id),
            email: Set(email.as_str().to_owned()),
            delivery: Set(delivery),
            token: Set(random_secret()),
            confirmed_at: Set(None),
            unsubscribed_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .context("Failed to store the subscription")?,
    };
    let content = MailContent::SubscriptionConfirm(SubscriptionConfirm {
        product: ProductLine {
            code: drug.code.clone(),
            name: drug.name.clone(),
        },
        confirm_path: paths::subscription_confirm(&row.token),
        delivery_ja: delivery.label_ja().to_owned(),
    });
    outbox::enqueue(
        &txn,
        vec![NewMessage {
            idempotency_key: format!("subscription-confirm:{}", row.token),
            organization_id: None,
            recipient_name: String::new(),
            recipient_email: row.email.clone(),
            digest: false,
            content,
        }],
        now,
    )
    .await?;
    txn.commit()
        .await
        .context("Failed to commit the subscription")?;
    Ok(())
}

/// Confirms the subscription of `token`; the drug it follows, or 404.
pub async fn confirm(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Followed, ServiceError> {
    let row = by_token(db, token)
        .await?
        .filter(|r| r.unsubscribed_at.is_none())
        .ok_or_else(unknown_link)?;
    if row.confirmed_at.is_none() {
        let mut active: public_subscription::ActiveModel = row.clone().into();
        active.confirmed_at = Set(Some(now));
        active
            .update(db)
            .await
            .context("Failed to confirm the subscription")?;
    }
    followed(db, row.product_id).await
}

/// The drugs the tokens of an unsubscribe link follow (still active), for its page.
pub async fn following(
    db: &impl ConnectionTrait,
    tokens: &str,
) -> Result<Vec<Followed>, ServiceError> {
    let mut found = Vec::new();
    for row in active_rows(db, tokens).await? {
        found.push(followed(db, row.product_id).await?);
    }
    Ok(found)
}

/// Ends the subscriptions of the link's tokens; how many ended (0 when already ended).
pub async fn unsubscribe(
    db: &impl ConnectionTrait,
    tokens: &str,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let rows = active_rows(db, tokens).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        public_subscription::Entity::update_many()
            .col_expr(
                public_subscription::Column::UnsubscribedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(public_subscription::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await
            .context("Failed to end the subscriptions")?;
    }
    Ok(ids.len())
}

async fn active_rows(
    db: &impl ConnectionTrait,
    tokens: &str,
) -> Result<Vec<public_subscription::Model>, ServiceError> {
    let tokens: Vec<&str> = tokens
        .split('.')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .take(MAX_TOKENS)
        .collect();
    if tokens.is_empty() {
        return Err(unknown_link());
    }
    let rows = public_subscription::Entity::find()
        .filter(public_subscription::Column::Token.is_in(tokens))
        .all(db)
        .await
        .context("Failed to read the subscriptions")?;
    if rows.is_empty() {
        return Err(unknown_link());
    }
    Ok(rows
        .into_iter()
        .filter(|r| r.unsubscribed_at.is_none())
        .collect())
}

async fn by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<public_subscription::Model>, ServiceError> {
    public_subscription::Entity::find()
        .filter(public_subscription::Column::Token.eq(token.trim()))
        .one(db)
        .await
        .context("Failed to read the subscription")
}

async fn followed(db: &impl ConnectionTrait, product_id: i32) -> Result<Followed, ServiceError> {
    let p = product::Entity::find_by_id(product_id)
        .one(db)
        .await
        .context("Failed to read the followed drug")?
        .ok_or_else(unknown_link)?;
    Ok(Followed {
        product: ProductLine {
            code: p.code,
            name: p.name,
        },
    })
}

async fn find_drug(db: &impl ConnectionTrait, code: &str) -> Result<product::Model, ServiceError> {
    let code = crate::domain::search_fold::fold(code).to_ascii_uppercase();
    product::Entity::find()
        .filter(product::Column::Code.eq(code.as_str()))
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .one(db)
        .await
        .context("Failed to read the drug")?
        .ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "product_code",
                "unknown_product",
                format!("医薬品コード {code} の医薬品は登録されていません"),
            ))
        })
}

fn unknown_link() -> ServiceError {
    ServiceError::NotFound(
        "このリンクは無効です。登録し直すか、最新のメールのリンクをお使いください".into(),
    )
}
