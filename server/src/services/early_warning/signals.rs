//! The signals of each product of a same-spec group, each with its inputs: the maker's share of
//! the group's shipments, the demand trend against a year earlier, the supply cover, the stock
//! and capacity its maker declared, its status — and the knock-on forecast they feed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::weeks::{week_key, weeks_before};
use crate::db::entity::{
    case, case_report, dispensing_count, product, product_status, shipment, substitute_request,
    substitute_response,
};
use crate::domain::case_flow::ReportKind;
use crate::domain::forecast::{self, Declared, Forecast, Loss, Member};
use crate::domain::report_fields::ReportFields;
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::domain::uploads::ShipmentKind;
use crate::services::{DbContext, ServiceError};

/// Months of actual shipments averaged into "usual monthly shipments".
pub const SHIPMENT_MONTHS: usize = 3;
/// How far back shipments are looked for (months).
const SHIPMENT_LOOKBACK_MONTHS: u32 = 15;
/// Weeks of dispensing compared with the same weeks a year earlier.
pub const TREND_WEEKS: usize = 4;
/// Groups loaded per query batch (keeps `IN` lists short).
const BATCH: usize = 400;

/// Dispensing of the recent weeks against the same weeks a year earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandTrend {
    /// The first and last recent week (Mondays).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Packages dispensed in those weeks.
    pub recent: u64,
    /// Packages dispensed in the same weeks 52 weeks earlier (`None` without data).
    pub year_before: Option<u64>,
}

impl DemandTrend {
    /// recent ÷ year before in per mille.
    pub fn permille(&self) -> Option<u64> {
        self.year_before
            .filter(|b| *b > 0)
            .map(|b| self.recent * 1000 / b)
    }

    /// Dispensing per month: recent ÷ weeks × 52 ÷ 12.
    pub fn per_month(&self) -> u64 {
        self.recent * 52 / (TREND_WEEKS as u64 * 12)
    }
}

/// One product of the group with its signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSignals {
    pub product_id: i32,
    pub code: String,
    pub name: String,
    pub maker_id: Option<i32>,
    pub maker_name: Option<String>,
    /// ⑫ of its public status (`None` without a report).
    pub shipping_status: Option<ShippingStatus>,
    /// ⑰ of its public status.
    pub volume_status: Option<VolumeStatus>,
    /// An open case with a confidential 供給不安報告 (ministry eyes only).
    pub at_risk: bool,
    pub loss: Loss,
    /// Σ and months of the actual shipments averaged (newest first).
    pub shipment_months: Vec<(i32, i64)>,
    /// ⌊Σ ÷ months⌋; 0 without shipments.
    pub monthly_shipments: u64,
    /// Share of the group's usual shipments, per mille (`None` when the group has none).
    pub share_permille: Option<u64>,
    pub demand: Option<DemandTrend>,
    /// What its maker declared in its latest answer to a request about the group.
    pub declared: Declared,
}

impl MemberSignals {
    /// Shipments ÷ dispensing per month, per mille (how much of the demand it covers).
    pub fn cover_permille(&self) -> Option<u64> {
        let demand = self.demand.as_ref()?.per_month();
        (demand > 0).then(|| self.monthly_shipments * 1000 / demand)
    }
}

/// A same-spec group with every member's signals and the forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSignals {
    /// The first 9 characters of the YJ code.
    pub group_code: String,
    pub members: Vec<MemberSignals>,
    /// Keyed by index into `members`.
    pub forecast: Forecast<usize>,
}

impl GroupSignals {
    /// Whether a member loses supply.
    pub fn has_loss(&self) -> bool {
        self.members.iter().any(|m| m.loss != Loss::None)
    }

    /// The member losing the most volume (the source named with its knock-ons).
    pub fn main_source(&self) -> Option<&MemberSignals> {
        self.members
            .iter()
            .filter(|m| m.loss != Loss::None)
            .max_by_key(|m| {
                (
                    m.monthly_shipments * m.loss.permille(),
                    std::cmp::Reverse(m.product_id),
                )
            })
    }

    /// Whether the loss rests on a confidential report (a member at risk without a public
    /// status that loses supply).
    pub fn confidential(&self) -> bool {
        self.members.iter().any(|m| {
            m.at_risk
                && Loss::from_status(
                    m.shipping_status.unwrap_or(ShippingStatus::Normal),
                    m.volume_status,
                    false,
                ) == Loss::None
        })
    }
}

/// The signals of the given groups (unknown groups are left out), as of `today`.
pub async fn load_groups(
    db: &impl ConnectionTrait,
    group_codes: &[String],
    today: NaiveDate,
) -> Result<Vec<GroupSignals>, ServiceError> {
    let mut out = Vec::with_capacity(group_codes.len());
    for batch in group_codes.chunks(BATCH) {
        out.extend(load_batch(db, batch, today).await?);
    }
    Ok(out)
}

async fn load_batch(
    db: &impl ConnectionTrait,
    group_codes: &[String],
    today: NaiveDate,
) -> Result<Vec<GroupSignals>, ServiceError> {
    let products = product::Entity::find()
        .filter(product::Column::GroupCode.is_in(group_codes.iter().cloned()))
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to load the group's products")?;
    let ids: Vec<i32> = products.iter().map(|p| p.id).collect();
    let statuses: HashMap<i32, product_status::Model> = product_status::Entity::find()
        .filter(product_status::Column::ProductId.is_in(ids.iter().copied()))
        .all(db)
        .await
        .context("Failed to load the group's statuses")?
        .into_iter()
        .map(|s| (s.product_id, s))
        .collect();
    let shipments = usual_shipments(db, &ids, today).await?;
    let demand = demand_trends(db, &ids, today).await?;
    let at_risk = at_risk(db, Some(&ids)).await?;
    let declared = declared_by_maker(db, &ids).await?;

    let mut groups: BTreeMap<String, Vec<MemberSignals>> = BTreeMap::new();
    for p in products {
        let Some(group) = p.group_code.clone() else {
            continue;
        };
        let status = statuses.get(&p.id);
        let shipping = status.map(|s| s.shipping_status);
        let volume = status.and_then(|s| s.volume_status);
        let risk = at_risk.contains(&p.id);
        let months = shipments.get(&p.id).cloned().unwrap_or_default();
        let monthly = if months.is_empty() {
            0
        } else {
            let sum: i64 = months.iter().map(|(_, q)| *q).sum();
            u64::try_from(sum).unwrap_or(0) / months.len() as u64
        };
        groups.entry(group).or_default().push(MemberSignals {
            product_id: p.id,
            loss: Loss::from_status(shipping.unwrap_or(ShippingStatus::Normal), volume, risk),
            code: p.code,
            name: p.name,
            maker_id: p.maker_id,
            maker_name: p.maker_name,
            shipping_status: shipping,
            volume_status: volume,
            at_risk: risk,
            shipment_months: months,
            monthly_shipments: monthly,
            share_permille: None,
            demand: demand.get(&p.id).cloned(),
            declared: p
                .maker_id
                .and_then(|m| declared.get(&m).copied())
                .unwrap_or_default(),
        });
    }
    Ok(groups
        .into_iter()
        .map(|(group_code, mut members)| {
            let total: u64 = members.iter().map(|m| m.monthly_shipments).sum();
            for m in &mut members {
                m.share_permille = (total > 0).then(|| m.monthly_shipments * 1000 / total);
            }
            let inputs: Vec<Member<usize>> = members
                .iter()
                .enumerate()
                .map(|(i, m)| Member {
                    key: i,
                    monthly_shipments: m.monthly_shipments,
                    loss: m.loss,
                    declared: m.declared,
                })
                .collect();
            GroupSignals {
                group_code,
                forecast: forecast::forecast(&inputs),
                members,
            }
        })
        .collect())
}

/// Per product: the newest [`SHIPMENT_MONTHS`] months of actual shipments up to `today`'s
/// month, newest first.
async fn usual_shipments(
    db: &impl ConnectionTrait,
    ids: &[i32],
    today: NaiveDate,
) -> Result<HashMap<i32, Vec<(i32, i64)>>, ServiceError> {
    let now = month_of(today);
    let start = today
        .checked_sub_months(chrono::Months::new(SHIPMENT_LOOKBACK_MONTHS))
        .unwrap_or(today);
    let from = month_of(start);
    let rows = shipment::Entity::find()
        .filter(shipment::Column::ProductId.is_in(ids.iter().copied()))
        .filter(shipment::Column::Kind.eq(ShipmentKind::Actual))
        .filter(shipment::Column::Month.gte(from))
        .filter(shipment::Column::Month.lte(now))
        .order_by_desc(shipment::Column::Month)
        .all(db)
        .await
        .context("Failed to load the group's shipments")?;
    let mut out: HashMap<i32, Vec<(i32, i64)>> = HashMap::new();
    for r in rows {
        let months = out.entry(r.product_id).or_default();
        if months.len() < SHIPMENT_MONTHS {
            months.push((r.month, r.quantity));
        }
    }
    Ok(out)
}

/// A date's month as stored: `YYYYMM`.
fn month_of(date: NaiveDate) -> i32 {
    date.year() * 100 + i32::try_from(date.month()).unwrap_or(1)
}

/// Per product: dispensing of its newest [`TREND_WEEKS`] weeks up to `today` against the same
/// weeks 52 weeks earlier.
async fn demand_trends(
    db: &impl ConnectionTrait,
    ids: &[i32],
    today: NaiveDate,
) -> Result<HashMap<i32, DemandTrend>, ServiceError> {
    let from = week_key(weeks_before(today, 60));
    let rows = dispensing_count::Entity::find()
        .filter(dispensing_count::Column::ProductId.is_in(ids.iter().copied()))
        .filter(dispensing_count::Column::Week.gte(from))
        .filter(dispensing_count::Column::Week.lte(week_key(today)))
        .all(db)
        .await
        .context("Failed to load dispensing counts")?;
    let mut by_product: HashMap<i32, BTreeMap<i32, i64>> = HashMap::new();
    for r in rows {
        by_product
            .entry(r.product_id)
            .or_default()
            .insert(r.week, r.quantity);
    }
    Ok(by_product
        .into_iter()
        .filter_map(|(id, weeks)| Some((id, trend_of(&weeks)?)))
        .collect())
}

/// The trend of one product's weekly counts (keys `YYYYMMDD` Mondays).
fn trend_of(weeks: &BTreeMap<i32, i64>) -> Option<DemandTrend> {
    let (&last, _) = weeks.iter().next_back()?;
    let to = super::weeks::from_key(last)?;
    let from = to.checked_sub_days(Days::new(7 * (TREND_WEEKS as u64 - 1)))?;
    let sum = |start: NaiveDate| -> (u64, usize) {
        (0..TREND_WEEKS)
            .filter_map(|k| start.checked_add_days(Days::new(7 * k as u64)))
            .filter_map(|d| weeks.get(&week_key(d)))
            .fold((0, 0), |(s, n), q| {
                (s + u64::try_from(*q).unwrap_or(0), n + 1)
            })
    };
    let (recent, _) = sum(from);
    let (before, found) = sum(weeks_before(from, 52));
    Some(DemandTrend {
        from,
        to,
        recent,
        year_before: (found > 0).then_some(before),
    })
}

/// Products (of `ids`, or all) with an open case whose latest 供給不安報告 does not say the risk
/// has gone (confidential).
pub(super) async fn at_risk(
    db: &impl ConnectionTrait,
    ids: Option<&[i32]>,
) -> Result<HashSet<i32>, ServiceError> {
    let mut open_cases = case::Entity::find().filter(case::Column::ClosedAt.is_null());
    if let Some(ids) = ids {
        open_cases = open_cases.filter(case::Column::ProductId.is_in(ids.iter().copied()));
    }
    let open: HashMap<i32, i32> = open_cases
        .all(db)
        .await
        .context("Failed to load open cases")?
        .into_iter()
        .map(|c| (c.id, c.product_id))
        .collect();
    if open.is_empty() {
        return Ok(HashSet::new());
    }
    let mut latest: HashMap<i32, case_report::Model> = HashMap::new();
    for r in case_report::Entity::find()
        .filter(case_report::Column::CaseId.is_in(open.keys().copied()))
        .filter(case_report::Column::Kind.eq(ReportKind::SupplyRisk))
        .order_by_asc(case_report::Column::Id)
        .all(db)
        .await
        .context("Failed to load supply-risk reports")?
    {
        latest.insert(r.case_id, r);
    }
    Ok(latest
        .into_values()
        .filter(|r| !risk_resolved(&r.fields))
        .filter_map(|r| open.get(&r.case_id).copied())
        .collect())
}

/// Whether a report's fields say the risk has gone (供給不安の解消).
fn risk_resolved(fields: &ReportFields) -> bool {
    fields.get("risk_resolved") == Some("true")
}

/// Per maker: what its latest answer to a request about one of `ids` declared.
async fn declared_by_maker(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Declared>, ServiceError> {
    let requests: Vec<i32> = substitute_request::Entity::find()
        .filter(substitute_request::Column::ProductId.is_in(ids.iter().copied()))
        .all(db)
        .await
        .context("Failed to load substitute requests")?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if requests.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::new();
    for r in substitute_response::Entity::find()
        .filter(substitute_response::Column::RequestId.is_in(requests))
        .order_by_asc(substitute_response::Column::SubmittedAt)
        .order_by_asc(substitute_response::Column::Id)
        .all(db)
        .await
        .context("Failed to load substitute answers")?
    {
        let to_u64 = |v: i64| u64::try_from(v).ok();
        out.insert(
            r.organization_id,
            Declared {
                extra_units_per_month: r.extra_units_per_month.and_then(to_u64),
                increase_percent: match r.can_increase {
                    Some(false) => Some(0),
                    _ => r.increase_percent.and_then(|p| to_u64(i64::from(p))),
                },
                stock_months_tenths: r.stock_months_tenths.and_then(|t| to_u64(i64::from(t))),
            },
        );
    }
    Ok(out)
}
