//! Early warning (ministry only): demand data in, signals per product and same-spec group, the
//! knock-on forecast of who goes short next, its runs and subscriptions, and information requests
//! carrying the forecast's figure to the makers it names.

pub mod backtest;
pub mod daily_list;
pub mod dispensing;
pub mod runs;
pub mod signals;
pub mod subscriptions;
pub mod weeks;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::db::entity::product;
use crate::domain::Role;
use crate::domain::product::ProductCode;
use crate::domain::substitute_request::RequestKind;
use crate::services::accounts::UserContext;
use crate::services::audit::Actor;
use crate::services::substitutes::requests::NewRequests;
use crate::services::substitutes::{self, RequestView};
use crate::services::{DbContext, ServiceError, cases};

pub use runs::{LikelyNext, RunSummary};
pub use signals::{GroupSignals, MemberSignals};

/// Refuses anyone but the ministry (signals may rest on confidential reports).
pub fn require_ministry(user: &UserContext) -> Result<(), ServiceError> {
    if user.role == Role::Ministry {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "需給シグナルと波及予測は厚生労働省の利用者のみ見られます".into(),
        ))
    }
}

/// The signals and forecast of a drug's same-spec group (`None` for a product without a group).
pub async fn for_product(
    db: &DatabaseConnection,
    user: &UserContext,
    code: &ProductCode,
    now: DateTime<Utc>,
) -> Result<Option<GroupSignals>, ServiceError> {
    require_ministry(user)?;
    let found = product::Entity::find()
        .filter(product::Column::Code.eq(code.as_str()))
        .one(db)
        .await
        .context("Failed to load the product")?
        .ok_or_else(|| {
            ServiceError::NotFound(format!("製品「{}」は見つかりません", code.as_str()))
        })?;
    group_of(db, &found, now).await
}

/// The signals and forecast of the group of a case's product.
pub async fn for_case(
    db: &DatabaseConnection,
    user: &UserContext,
    case_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<GroupSignals>, ServiceError> {
    let p = case_product(db, user, case_id).await?;
    group_of(db, &p, now).await
}

/// The product of a case the ministry may see.
async fn case_product(
    db: &DatabaseConnection,
    user: &UserContext,
    case_id: i32,
) -> Result<product::Model, ServiceError> {
    require_ministry(user)?;
    let found = cases::visible_case(db, user, case_id).await?;
    product::Entity::find_by_id(found.product_id)
        .one(db)
        .await
        .context("Failed to load the case's product")?
        .ok_or_else(|| ServiceError::Internal("a case without its product".into()))
}

async fn group_of(
    db: &DatabaseConnection,
    p: &product::Model,
    now: DateTime<Utc>,
) -> Result<Option<GroupSignals>, ServiceError> {
    let Some(group) = p.group_code.clone() else {
        return Ok(None);
    };
    Ok(signals::load_groups(db, &[group], now.date_naive())
        .await?
        .into_iter()
        .next())
}

/// Sends an information request about the case's product to each maker the forecast lists as
/// likely next, each told only its own expected extra demand (never the confidential report).
pub async fn request_information(
    db: &DatabaseConnection,
    user: &UserContext,
    case_id: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<RequestView>, ServiceError> {
    let concerned = case_product(db, user, case_id).await?;
    let Some(group) = group_of(db, &concerned, now).await? else {
        return Ok(Vec::new());
    };
    let mut sent = Vec::new();
    for (k, outlook) in group.forecast.likely_next().enumerate() {
        let Some(member) = group.members.get(outlook.key) else {
            continue;
        };
        // The reporting maker's own other products are not "substitute makers" to ask.
        let Some(maker) = member.maker_id.filter(|m| Some(*m) != concerned.maker_id) else {
            continue;
        };
        let message = format!(
            "需給予測では、貴社の「{}」（{}）に月あたり約 {} 包装の追加需要が見込まれます\
             （通常の出荷 {} 包装／月に対し、見込み需要 {} 包装／月）。\
             在庫月数、増産の可否と増産可能量、リードタイムをご回答ください。",
            member.name,
            member.code,
            outlook.extra_demand,
            outlook.monthly_shipments,
            outlook.expected_demand
        );
        // Each maker gets its own figure, so each is its own request event; the event key is
        // made of the time, so the times are kept one microsecond apart.
        let at = now + Duration::microseconds(i64::try_from(k).unwrap_or(0));
        let new = NewRequests {
            kind: RequestKind::Information,
            organization_ids: vec![maker],
            association_ids: Vec::new(),
            wholesaler_ids: Vec::new(),
            message: Some(message),
        };
        sent.extend(substitutes::requests::create(db, user, case_id, new, actor, at).await?);
    }
    Ok(sent)
}
