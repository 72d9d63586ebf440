//! The follow-ups that rest on the substitute makers' side and on allocation: answers awaited
//! from substitute makers, plans in force, and each maker's and wholesaler's to-dos there.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::entity::{
    allocation_plan, product, reserve_request, substitute_request, substitute_response,
};
use crate::domain::substitute_request::RequestKind;
use crate::paths;
use crate::services::accounts::UserContext;
use crate::services::allocation::Scope;
use crate::services::allocation::listing;
use crate::services::allocation::values::month_text;
use crate::services::early_warning;
use crate::services::products::slice::Filter;
use crate::services::{DbContext, ServiceError};

/// To-do lines shown at most on a home page.
const LISTED: usize = 20;

/// A number with its link, as a tile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeamTile {
    /// Japanese label.
    pub label: String,
    /// How many.
    pub value: u64,
    /// The list behind the number.
    pub href: String,
}

/// One line of a to-do list on a home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeamItem {
    /// What it is about (e.g. a product's name).
    pub title: String,
    /// What is asked and by when.
    pub detail: String,
    /// Where to act on it.
    pub href: String,
}

/// The dashboard's follow-up sections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Followups {
    /// Substitute makers' answers the ministry has not read yet (from substitute requests).
    pub substitute_answers_awaiting: Option<SeamTile>,
    /// Allocation plans whose target month is current (from allocation plans).
    pub allocation_plans_in_force: Option<SeamTile>,
    /// The newest forecast run's "likely next" products, largest shortfall first (at most
    /// [`LIKELY_LISTED`]); `None` before the first run.
    pub likely_next: Option<(SeamTile, Vec<SeamItem>)>,
}

/// "Likely next" lines on the dashboard.
const LIKELY_LISTED: usize = 5;

/// A maker's to-dos that rest on substitute requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MakerFollowups {
    /// Requests sent to the maker as a substitute maker, awaiting its answer.
    pub requests_awaiting_answer: Option<Vec<SeamItem>>,
}

/// A wholesaler's to-dos that rest on allocation plans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WholesalerFollowups {
    /// The ministry's requests to it (stock and shipments, cooperation) awaiting its answer.
    pub requests_awaiting_answer: Option<Vec<SeamItem>>,
    /// Allocation plans that cover products the wholesaler sells.
    pub plans_affecting_it: Option<Vec<SeamItem>>,
    /// Caps computed for it, to download.
    pub caps_to_download: Option<Vec<SeamItem>>,
    /// Customers without history asking for a share of the reserve.
    pub reserve_requests: Option<Vec<SeamItem>>,
}

/// The current month `YYYYMM` in Japan.
fn this_month() -> i32 {
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo);
    today.year() * 100 + i32::try_from(today.month()).unwrap_or(1)
}

/// Requests (of the given kinds, to the given organisation when set) that have no answer yet,
/// newest first.
async fn unanswered(
    db: &impl ConnectionTrait,
    kinds: &[&str],
    organization_id: Option<i32>,
) -> Result<Vec<substitute_request::Model>, ServiceError> {
    let mut query = substitute_request::Entity::find()
        .filter(substitute_request::Column::Kind.is_in(kinds.iter().copied()));
    if let Some(org) = organization_id {
        query = query.filter(substitute_request::Column::OrganizationId.eq(org));
    }
    let requests = query
        .order_by_desc(substitute_request::Column::Id)
        .all(db)
        .await
        .context("Failed to read substitute requests")?;
    let answered: HashSet<i32> = substitute_response::Entity::find()
        .select_only()
        .column(substitute_response::Column::RequestId)
        .into_tuple::<i32>()
        .all(db)
        .await
        .context("Failed to read substitute answers")?
        .into_iter()
        .collect();
    Ok(requests
        .into_iter()
        .filter(|r| !answered.contains(&r.id))
        .collect())
}

/// The dashboard's follow-ups: the ministry's requests still awaiting an answer, and the plans
/// whose target month is this month or later. Neither depends on the product filter.
pub(super) async fn dashboard(
    db: &impl ConnectionTrait,
    _filter: &Filter,
) -> Result<Followups, ServiceError> {
    let awaiting = unanswered(db, &["information", "cooperation"], None).await?;
    let in_force = allocation_plan::Entity::find()
        .filter(allocation_plan::Column::TargetMonth.gte(this_month()))
        .count(db)
        .await
        .context("Failed to count plans")?;
    Ok(Followups {
        substitute_answers_awaiting: Some(SeamTile {
            label: "回答待ちの照会・協力依頼".into(),
            value: awaiting.len() as u64,
            href: paths::CASES.into(),
        }),
        allocation_plans_in_force: Some(SeamTile {
            label: "実施中の配分計画".into(),
            value: in_force,
            href: paths::ALLOCATION_PLANS.into(),
        }),
        likely_next: likely_next(db).await?,
    })
}

/// The newest early-warning list's length and its first rows with their strongest reason
/// (a reason resting on a confidential report never names its source: the dashboard is also
/// the admin's).
async fn likely_next(
    db: &impl ConnectionTrait,
) -> Result<Option<(SeamTile, Vec<SeamItem>)>, ServiceError> {
    let Some(list) = early_warning::daily_list::latest(db).await? else {
        return Ok(None);
    };
    let tile = SeamTile {
        label: "次に不足しそうな品目（早期警戒）".into(),
        value: list.rows.len() as u64,
        href: paths::EARLY_WARNING.into(),
    };
    let items = list
        .rows
        .iter()
        .take(LIKELY_LISTED)
        .map(|w| SeamItem {
            title: w.name.clone(),
            detail: w.reasons.first().cloned().unwrap_or_default(),
            href: paths::product(&w.code),
        })
        .collect();
    Ok(Some((tile, items)))
}

/// Names of products by id.
async fn product_names(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> Result<HashMap<i32, String>, ServiceError> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("Failed to read products")?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// The organisation's requests of `kinds` awaiting its answer, the newest first (at most
/// `LISTED`), each linking to its answer form with what `ask` says its kind asks for.
async fn awaiting(
    db: &impl ConnectionTrait,
    organization_id: i32,
    kinds: &[&str],
    ask: impl Fn(RequestKind) -> &'static str,
) -> Result<Vec<SeamItem>, ServiceError> {
    let mut requests = unanswered(db, kinds, Some(organization_id)).await?;
    requests.truncate(LISTED);
    let names = product_names(db, requests.iter().map(|r| r.product_id).collect()).await?;
    Ok(requests
        .into_iter()
        .map(|r| SeamItem {
            title: names.get(&r.product_id).cloned().unwrap_or_default(),
            detail: ask(r.kind).to_owned(),
            href: paths::substitute_request(r.id),
        })
        .collect())
}

/// A maker's follow-ups: requests and heads-ups sent to it as a substitute maker, unanswered.
pub(super) async fn maker(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<MakerFollowups, ServiceError> {
    let items = awaiting(
        db,
        user.organization.id,
        &["heads_up", "information", "cooperation"],
        |kind| match kind {
            RequestKind::HeadsUp => "代替品としてのお知らせ：在庫と増産余力をご回答ください",
            RequestKind::Information => "厚生労働省からの照会：在庫・生産状況をご回答ください",
            RequestKind::Cooperation => "厚生労働省からの協力依頼：増産の可否をご回答ください",
        },
    )
    .await?;
    Ok(MakerFollowups {
        requests_awaiting_answer: Some(items),
    })
}

/// An association's follow-ups: the ministry's requests to it still awaiting its answer (whether
/// it relayed them to its members), newest first.
pub(super) async fn association(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<Vec<SeamItem>, ServiceError> {
    awaiting(
        db,
        user.organization.id,
        &["information", "cooperation"],
        |_| "厚生労働省からの協力依頼：会員への周知状況をご回答ください",
    )
    .await
}

/// A wholesaler's follow-ups: the ministry's requests awaiting its answer, plans affecting it
/// (newest first), the caps of those in force to download, and reserve requests not yet granted.
pub(super) async fn wholesaler(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<WholesalerFollowups, ServiceError> {
    let requests = awaiting(
        db,
        user.organization.id,
        &["information", "cooperation"],
        |kind| match kind {
            RequestKind::Cooperation => {
                "厚生労働省からの協力依頼：在庫と出荷の状況をご回答ください"
            }
            RequestKind::Information | RequestKind::HeadsUp => {
                "厚生労働省からの照会：在庫数量と直近1か月の出荷数量をご回答ください"
            }
        },
    )
    .await?;
    let plans = listing::list(db, Scope::Wholesaler(user.organization.id)).await?;
    let month = this_month();
    let affecting = plans
        .iter()
        .take(LISTED)
        .map(|p| SeamItem {
            title: p.plan.name.clone(),
            detail: format!(
                "対象月 {}・カバー率 {}・自社の供給量 {}",
                month_text(p.plan.target_month),
                p.coverage_ratio().to_percent(),
                p.own_supply.unwrap_or(0)
            ),
            href: paths::allocation_plan(p.plan.id),
        })
        .collect();
    let mut months: Vec<i32> = plans
        .iter()
        .map(|p| p.plan.target_month)
        .filter(|m| *m >= month)
        .collect();
    months.sort_unstable();
    months.dedup();
    let downloads = months
        .into_iter()
        .map(|m| SeamItem {
            title: format!("{} の上限量（全計画、CSV）", month_text(m)),
            detail: "得意先ごとの上限量を1つのCSVで".into(),
            href: format!("/api/v1/allocation-caps?month={}", month_text(m)),
        })
        .collect();
    let pending = reserve_request::Entity::find()
        .filter(reserve_request::Column::WholesalerId.eq(user.organization.id))
        .filter(reserve_request::Column::Granted.is_null())
        .order_by_asc(reserve_request::Column::Id)
        .limit(LISTED as u64)
        .all(db)
        .await
        .context("Failed to read reserve requests")?;
    let names: HashMap<i32, String> = plans
        .iter()
        .map(|p| (p.plan.id, p.plan.name.clone()))
        .collect();
    let reserve = pending
        .into_iter()
        .map(|r| SeamItem {
            title: names.get(&r.plan_id).cloned().unwrap_or_default(),
            detail: format!("希望 {} の予備枠申請が未配分です", r.requested),
            href: format!("{}#reserve", paths::allocation_plan(r.plan_id)),
        })
        .collect();
    Ok(WholesalerFollowups {
        requests_awaiting_answer: Some(requests),
        plans_affecting_it: Some(affecting),
        caps_to_download: Some(downloads),
        reserve_requests: Some(reserve),
    })
}
