//! The ministry's dashboard (DESIGN §7): what is short, why, since when, what is being done —
//! counted from the current-status table in a few grouped scans, cached until the data change.
//! Also each role's home page and the weekly summary for ministry meetings.

mod cache;
pub mod charts;
mod followups;
pub mod home;
mod knock_on;
mod open_cases;
mod queries;
mod scan;
pub mod summary;
pub mod trend;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;

pub use cache::{DashboardCache, VERSION_TTL};
pub use followups::{Followups, SeamItem, SeamTile};
use supplywatch_reports::charts::TrendPoint;

use super::ServiceError;
use super::products::slice::Filter;
use crate::domain::Role;
use crate::domain::case_flow::CaseState;

/// One number of the dashboard, with its share of the drugs counted and the list behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    /// Stable key (`"2"`, `"A+"`, `"raw_materials"`, …).
    pub key: String,
    /// Japanese label.
    pub label: String,
    /// How many.
    pub value: u64,
    /// Share of the drugs counted (0–100).
    pub share: f64,
    /// The product list of exactly these drugs.
    pub href: String,
    /// `normal`, `limited`, `stopped`, `none` or `neutral` (colour).
    pub tone: &'static str,
}

impl Count {
    /// The share with one decimal, e.g. `12.3%`.
    pub fn share_text(&self) -> String {
        format!("{:.1}%", self.share)
    }
}

/// `value` ÷ `of` in percent (0 when `of` is 0).
fn share(value: u64, of: u64) -> f64 {
    if of == 0 {
        return 0.0;
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of products fit an f64 exactly"
    )]
    let share = value as f64 * 100.0 / of as f64;
    share
}

/// One row of a breakdown (by 製品区分 or 薬剤区分).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownRow {
    /// Stable key (`generic`, `内用薬`, or `unset`).
    pub key: String,
    /// Japanese label.
    pub label: String,
    /// All drugs of the row.
    pub total: Count,
    /// ⑫ = 1.
    pub normal: Count,
    /// ⑫ = 2–4.
    pub limited: Count,
    /// ⑫ = 5.
    pub stopped: Count,
    /// No report.
    pub unreported: Count,
}

impl BreakdownRow {
    /// (限定出荷 + 供給停止) ÷ the row's drugs, e.g. `23.4%`.
    pub fn short_share_text(&self) -> String {
        let total = self.total.value;
        if total == 0 {
            return "—".to_owned();
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "counts of products fit an f64 exactly"
        )]
        let share = (self.limited.value + self.stopped.value) as f64 * 100.0 / total as f64;
        format!("{share:.1}%")
    }
}

/// An ingredient with many drugs not in normal supply.
#[derive(Debug, Clone, PartialEq)]
pub struct IngredientRow {
    /// 成分名.
    pub ingredient: String,
    /// Its drugs in 限定出荷 or 供給停止 (linked).
    pub short: Count,
    /// All its drugs.
    pub total: u64,
}

/// （重要）供給確保医薬品 (A/B/C) not in normal supply; A+B are 重要供給確保医薬品.
#[derive(Debug, Clone, PartialEq)]
pub struct StableSupply {
    /// Drugs whose category is recorded in the product master at all.
    pub registered: u64,
    /// For A, B, C: the drugs of the category not in normal supply (linked), with the category's size.
    pub categories: Vec<(Count, u64)>,
    /// A + B not in normal supply.
    pub important_short: u64,
}

/// A knock-on chain: drugs in ⑫ = 3 (限定出荷（他社品の影響）) under the product that caused them.
#[derive(Debug, Clone, PartialEq)]
pub struct KnockOnChain {
    /// 原因医薬品 code, if the makers named one.
    pub cause_code: Option<String>,
    /// Its 品名, when it is in the master.
    pub cause_name: Option<String>,
    /// Its maker.
    pub cause_maker: Option<String>,
    /// Its own ⑫, when reported.
    pub cause_status: Option<crate::domain::supply_status::ShippingStatus>,
    /// The affected drugs: (code, 品名, maker).
    pub items: Vec<(String, String, String)>,
    /// The list of the affected drugs.
    pub href: String,
}

/// Open cases in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStateRow {
    /// The state.
    pub state: CaseState,
    /// Open cases in it.
    pub open: u64,
    /// Of which overdue.
    pub overdue: u64,
    /// The case list of this state.
    pub href: String,
}

/// The cases part of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseTiles {
    /// Open cases by state (states without cases left out), in the order of the flow.
    pub by_state: Vec<CaseStateRow>,
    /// All open cases.
    pub open: u64,
    /// All overdue cases.
    pub overdue: u64,
    /// Open cases about drugs, devices and IVDs.
    pub drug: u64,
    /// Devices (医療機器).
    pub device: u64,
    /// IVDs (体外診断用医薬品).
    pub ivd: u64,
}

/// Everything the dashboard shows for one filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// The day (Japan) the figures are of.
    pub as_of: NaiveDate,
    /// The filters applied.
    pub filter: Filter,
    /// Drugs counted.
    pub drugs: u64,
    /// ⑫ 1–5, then 未報告.
    pub shipping: Vec<Count>,
    /// ⑫ 2–4 together.
    pub limited: Count,
    /// ⑫ 2–5 together.
    pub short: Count,
    /// ⑯ A+, A, B, C, D, then 空欄.
    pub volume: Vec<Count>,
    /// By 製品区分.
    pub by_class: Vec<BreakdownRow>,
    /// By 薬剤区分.
    pub by_category: Vec<BreakdownRow>,
    /// Reasons of the short drugs: 原材料 / 製造 / 品質 / その他 (shares of the short drugs).
    pub reasons: Vec<Count>,
    /// The ingredients with the most short drugs (at most 10).
    pub ingredients: Vec<IngredientRow>,
    /// （重要）供給確保医薬品.
    pub stable_supply: StableSupply,
    /// Knock-on chains, largest first (at most 20).
    pub knock_on: Vec<KnockOnChain>,
    /// Open cases.
    pub cases: CaseTiles,
    /// Sections that rest on substitute answers and allocation plans.
    pub followups: Followups,
    /// The published weeks' national counts, oldest first (not filtered).
    pub trend: Vec<TrendPoint>,
    /// Every maker (id, name), for the maker filter.
    pub makers: Vec<(i32, String)>,
    /// The data version the figures were computed from (keys the drawn charts).
    pub version: Vec<i64>,
}

/// The dashboard is the ministry's (and the operators'): 403 for everyone else.
pub fn may_view(role: Role) -> Result<(), ServiceError> {
    match role {
        Role::Ministry | Role::Admin => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "ダッシュボードは厚生労働省の利用者だけが閲覧できます".into(),
        )),
    }
}

/// The day in Japan of `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive()
}

/// The dashboard for `filter`, from the cache when nothing changed since it was computed.
pub async fn load(
    db: &impl ConnectionTrait,
    cache: &DashboardCache,
    filter: &Filter,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<std::sync::Arc<Dashboard>, ServiceError> {
    let key = cache::Key::new(db, cache, filter, today(now)).await?;
    if let Some(found) = cache.get(&key) {
        return Ok(found);
    }
    let mut computed = scan::compute(db, filter, overdue_days, now).await?;
    computed.version = key.version().to_vec();
    let computed = std::sync::Arc::new(computed);
    cache.put(key, computed.clone());
    Ok(computed)
}
