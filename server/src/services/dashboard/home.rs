//! Each role's home page: what a maker must do today (stale statuses, overdue case steps,
//! answers awaited), what a wholesaler must do, the cases an association supports.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::followups::{self, MakerFollowups, WholesalerFollowups};
use super::{Dashboard, DashboardCache, Filter, today};
use crate::db::entity::{product, supply_status_report};
use crate::domain::ProductKind;
use crate::domain::Role;
use crate::domain::supply_status::ShippingStatus;
use crate::services::accounts::UserContext;
use crate::services::cases::{self, CaseFilter, CaseSummary};
use crate::services::supply_status::history;
use crate::services::{DbContext, ServiceError};

/// Receipts shown on the maker's home.
const RECENT_RECEIPTS: u64 = 10;

/// A drug whose status was not confirmed this month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleItem {
    /// YJ code.
    pub code: String,
    /// 品名.
    pub name: String,
    /// The current ⑫, if ever reported.
    pub status: Option<ShippingStatus>,
    /// ⑰ of the current status.
    pub updated_on: Option<NaiveDate>,
}

/// A filed report as the maker's home lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// 受付番号.
    pub receipt_number: String,
    /// YJ code.
    pub code: String,
    /// 品名.
    pub name: String,
    /// When it was filed.
    pub submitted_at: DateTime<Utc>,
    /// ⑫ reported.
    pub status: ShippingStatus,
}

impl Receipt {
    /// When it was filed, in Japan (`YYYY-MM-DD HH:MM`).
    pub fn submitted_local(&self) -> String {
        self.submitted_at
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// The maker's home.
#[derive(Debug, Clone)]
pub struct MakerHome {
    /// Its drugs by ⑫ (the dashboard filtered to the maker).
    pub figures: Arc<Dashboard>,
    /// The first day of this month (Japan): statuses older than this are due.
    pub month_start: NaiveDate,
    /// Its drugs not reported or not confirmed since `month_start`, oldest first.
    pub stale: Vec<StaleItem>,
    /// Its open cases, the overdue ones first.
    pub open_cases: Vec<CaseSummary>,
    /// Its latest receipts, newest first.
    pub receipts: Vec<Receipt>,
    /// Requests waiting for its answer (seam).
    pub followups: MakerFollowups,
}

impl MakerHome {
    /// Open cases whose next step is overdue.
    pub fn overdue_count(&self) -> usize {
        self.open_cases.iter().filter(|c| c.overdue).count()
    }

    /// Device cases where the ministry asked the maker to consider a response (対応の検討依頼)
    /// and the maker has not yet consented to cooperation requests.
    pub fn responses_requested(&self) -> Vec<&CaseSummary> {
        use crate::domain::case_flow::{CaseState, Flow};
        self.open_cases
            .iter()
            .filter(|c| c.state == CaseState::ResponseNeeded && c.flow != Flow::D && !c.consented)
            .collect()
    }

    /// Cases where the ministry asked for a report (報告徴収) that the maker has not filed yet.
    pub fn reports_requested(&self) -> Vec<&CaseSummary> {
        self.open_cases
            .iter()
            .filter(|c| c.state == crate::domain::case_flow::CaseState::ReportRequested)
            .collect()
    }
}

/// The wholesaler's home (everything on it rests on allocation plans: seam).
#[derive(Debug, Clone, Default)]
pub struct WholesalerHome {
    /// Plans, caps and reserve requests.
    pub followups: WholesalerFollowups,
}

/// The association's home.
#[derive(Debug, Clone)]
pub struct AssociationHome {
    /// The cases it was asked to support, open ones first.
    pub cases: Vec<CaseSummary>,
    /// The ministry's requests to it awaiting its answer.
    pub requests_awaiting_answer: Vec<followups::SeamItem>,
}

/// The home of a maker.
pub async fn maker(
    db: &impl ConnectionTrait,
    cache: &DashboardCache,
    user: &UserContext,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<MakerHome, ServiceError> {
    if user.role != Role::Manufacturer {
        return Err(ServiceError::Forbidden("製造販売業者のホームです".into()));
    }
    let maker_id = user.organization.id;
    let filter = Filter {
        maker_id: Some(maker_id),
        ..Filter::default()
    };
    let figures = super::load(db, cache, &filter, overdue_days, now).await?;
    let day = today(now);
    let month_start = day.with_day(1).unwrap_or(day);
    let drugs = product::Entity::find()
        .filter(product::Column::MakerId.eq(maker_id))
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to load the maker's drugs")?;
    let ids: Vec<i32> = drugs.iter().map(|p| p.id).collect();
    let statuses = history::current(db, &ids).await?;
    let mut stale: Vec<StaleItem> = drugs
        .iter()
        .filter_map(|p| {
            let status = statuses.get(&p.id);
            let fresh = status.is_some_and(|s| s.updated_on >= month_start);
            (!fresh).then(|| StaleItem {
                code: p.code.clone(),
                name: p.name.clone(),
                status: status.map(|s| s.shipping_status),
                updated_on: status.map(|s| s.updated_on),
            })
        })
        .collect();
    stale.sort_by_key(|s| s.updated_on);
    let mut open_cases: Vec<CaseSummary> =
        cases::list(db, user, &CaseFilter::default(), overdue_days, now)
            .await?
            .into_iter()
            .filter(|c| !c.state.is_final())
            .collect();
    open_cases.sort_by_key(|c| !c.overdue);
    Ok(MakerHome {
        figures,
        month_start,
        stale,
        open_cases,
        receipts: receipts(db, maker_id).await?,
        followups: followups::maker(db, user).await?,
    })
}

async fn receipts(db: &impl ConnectionTrait, maker_id: i32) -> Result<Vec<Receipt>, ServiceError> {
    let reports = supply_status_report::Entity::find()
        .filter(supply_status_report::Column::MakerId.eq(maker_id))
        .order_by_desc(supply_status_report::Column::Id)
        .limit(RECENT_RECEIPTS)
        .all(db)
        .await
        .context("Failed to load the maker's receipts")?;
    let products: std::collections::HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(reports.iter().map(|r| r.product_id)))
        .all(db)
        .await
        .context("Failed to load the receipts' products")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(reports
        .into_iter()
        .map(|r| {
            let p = products.get(&r.product_id);
            Receipt {
                code: p.map(|p| p.code.clone()).unwrap_or_default(),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                status: r.shipping_status,
                submitted_at: r.submitted_at,
                receipt_number: r.receipt_number,
            }
        })
        .collect())
}

/// The home of a wholesaler.
pub async fn wholesaler(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<WholesalerHome, ServiceError> {
    Ok(WholesalerHome {
        followups: followups::wholesaler(db, user).await?,
    })
}

/// The home of an association.
pub async fn association(
    db: &impl ConnectionTrait,
    user: &UserContext,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<AssociationHome, ServiceError> {
    let mut found = cases::list(db, user, &CaseFilter::default(), overdue_days, now).await?;
    found.sort_by_key(|c| c.state.is_final());
    Ok(AssociationHome {
        cases: found,
        requests_awaiting_answer: followups::association(db, user).await?,
    })
}
