//! Knock-on forecast: when products of a same-spec group lose supply, their lost volume moves to
//! the group's other makers in proportion to their shipments; a maker whose expected demand
//! exceeds what it can ship is likely to go short next (限定出荷（他社品の影響）).
//!
//! All quantities are sales packages per month, all arithmetic is on integers, so every figure
//! on the page can be recomputed by hand.
//!
//! Worked example (one group of three makers, X stops, nobody answered a request):
//!
//! | member | shipments/month | loss | share of the rest | extra demand | capacity (+10%) | shortfall |
//! |---|---|---|---|---|---|---|
//! | X | 1,000 | ⑫5 → all (1,000) | – | – | – | – |
//! | Y | 3,000 | – | 3,000/4,000 | ⌊1,000×3,000/4,000⌋ = 750 | 3,300 | 3,750 − 3,300 = 450 |
//! | Z | 1,000 | – | 1,000/4,000 | ⌊1,000×1,000/4,000⌋ = 250 | 1,100 | 1,250 − 1,100 = 150 |
//!
//! Both Y and Z are listed, short from 4 weeks on (no stock declared). Had Z answered "3.0 か月の
//! 在庫", its 3,000 spare packages would cover 150 a month for 20 months: not within the horizon.

pub mod knock_on_list;
pub mod replay;
#[cfg(test)]
mod tests;

use super::coded::coded_enum;
use super::supply_status::{ShippingStatus, VolumeStatus};

/// Extra output a maker is assumed able to ship when it has not said (⑯ A+ starts at about 110%).
pub const ASSUMED_EXTRA_PERCENT: u64 = 10;
/// Weeks before demand moves to the other makers when no stock is declared.
pub const ASSUMED_LEAD_WEEKS: u64 = 4;
/// The horizon of "likely next": a shortfall that starts later than this is not listed.
pub const HORIZON_WEEKS: u64 = 8;
/// Share of its volume a product in 限定出荷 with ⑯ B is assumed to lose (B: below about 90%).
pub const PARTIAL_LOSS_PERMILLE: u64 = 300;
/// Share lost by a product in 限定出荷 still shipping ⑯ A or A+ (it declines new customers).
pub const LIMITED_LOSS_PERMILLE: u64 = 100;
/// Weeks in a year and months in a year, for turning months of stock into weeks.
const WEEKS_PER_YEAR: u64 = 52;
const MONTHS_PER_YEAR: u64 = 12;

/// Why a member is losing supply, which fixes how much of its volume it loses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// In normal supply: it can take over others' volume.
    None,
    /// ⑫ 5 供給停止, or ⑯ C / D: all of its volume.
    Stopped,
    /// 限定出荷 with ⑯ B: [`PARTIAL_LOSS_PERMILLE`].
    Reduced,
    /// 限定出荷 with ⑯ A+ / A: [`LIMITED_LOSS_PERMILLE`].
    Limited,
    /// A confidential 供給不安報告 on a product still in normal supply: as ⑯ B.
    AtRisk,
}

impl Loss {
    /// The loss for a public status (⑫, ⑰) and whether an open 供給不安報告 exists.
    pub fn from_status(
        shipping_status: ShippingStatus,
        volume_status: Option<VolumeStatus>,
        at_risk: bool,
    ) -> Self {
        let reduced = volume_status == Some(VolumeStatus::B);
        if shipping_status == ShippingStatus::Stopped
            || matches!(volume_status, Some(VolumeStatus::C | VolumeStatus::D))
        {
            Self::Stopped
        } else if shipping_status.is_short() {
            if reduced {
                Self::Reduced
            } else {
                Self::Limited
            }
        } else if reduced || at_risk {
            Self::AtRisk
        } else {
            Self::None
        }
    }

    /// Per mille of the member's volume that goes elsewhere.
    pub const fn permille(self) -> u64 {
        match self {
            Self::None => 0,
            Self::Stopped => 1000,
            Self::Reduced | Self::AtRisk => PARTIAL_LOSS_PERMILLE,
            Self::Limited => LIMITED_LOSS_PERMILLE,
        }
    }

    /// Japanese label for the page.
    pub const fn label_ja(self) -> &'static str {
        match self {
            Self::None => "通常",
            Self::Stopped => "供給停止・出荷停止（全量）",
            Self::Reduced => "限定出荷・出荷量減少（3割）",
            Self::Limited => "限定出荷（1割）",
            Self::AtRisk => "供給不安（3割）",
        }
    }
}

/// What a maker said it can ship beyond its usual volume (from its latest answer to a request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Declared {
    /// Extra packages per month it can ship.
    pub extra_units_per_month: Option<u64>,
    /// Production increase it can make, in %; 0 when it said it cannot increase.
    pub increase_percent: Option<u64>,
    /// Months of stock, in tenths (25 = 2.5 か月).
    pub stock_months_tenths: Option<u64>,
}

/// One product of the group as the forecast sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<K> {
    /// The caller's key (a product code, an index).
    pub key: K,
    /// Usual monthly shipments (packages), e.g. the average of the last months' actuals.
    pub monthly_shipments: u64,
    /// How much supply it is losing.
    pub loss: Loss,
    /// What its maker declared.
    pub declared: Declared,
}

coded_enum!(
    /// Where a capacity figure came from: declared extra packages per month, a declared
    /// production increase in %, or [`ASSUMED_EXTRA_PERCENT`].
    CapacitySource {
        DeclaredUnits = "declared_units", "回答：増産可能量";
        DeclaredPercent = "declared_percent", "回答：増産率";
        Assumed = "assumed", "仮定：+10%";
    }
);

coded_enum!(
    /// Why a forecast run was made: the nightly job, or a ministry user asked for it.
    Trigger {
        Nightly = "nightly", "定時実行";
        OnDemand = "on_demand", "手動実行";
    }
);

/// The outlook for one member in normal supply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlook<K> {
    pub key: K,
    /// Its usual monthly shipments.
    pub monthly_shipments: u64,
    /// ⌊lost × shipments ÷ Σ shipments of the members taking over⌋.
    pub extra_demand: u64,
    /// Usual shipments plus the extra demand.
    pub expected_demand: u64,
    /// What it can ship per month.
    pub capacity: u64,
    pub capacity_source: CapacitySource,
    /// Expected demand beyond capacity, per month (0 when it copes).
    pub shortfall: u64,
    /// Weeks from now until the shortfall bites (`None` when there is none).
    pub short_from_weeks: Option<u64>,
}

impl<K> Outlook<K> {
    /// Whether it is listed as likely to go short within [`HORIZON_WEEKS`].
    pub fn is_likely_next(&self) -> bool {
        self.short_from_weeks.is_some_and(|w| w <= HORIZON_WEEKS)
    }

    /// Shortfall as per mille of expected demand (how much of its orders it would miss).
    pub fn shortfall_permille(&self) -> u64 {
        (self.shortfall * 1000)
            .checked_div(self.expected_demand)
            .unwrap_or(0)
    }
}

/// The forecast for one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast<K> {
    /// Σ ⌊shipments × loss‰ ÷ 1000⌋ over the losing members.
    pub lost_units: u64,
    /// Σ shipments of the members in normal supply (the denominator of the shares).
    pub remaining_shipments: u64,
    /// One outlook per member in normal supply, in the input order.
    pub outlooks: Vec<Outlook<K>>,
}

impl<K> Forecast<K> {
    /// The outlooks likely to go short within the horizon.
    pub fn likely_next(&self) -> impl Iterator<Item = &Outlook<K>> {
        self.outlooks.iter().filter(|o| o.is_likely_next())
    }
}

/// Forecasts the group: redistributes the lost volume over the members in normal supply by
/// their shipments (equally when none has shipments on record) and compares with capacity.
pub fn forecast<K: Clone>(members: &[Member<K>]) -> Forecast<K> {
    let lost_units: u64 = members
        .iter()
        .map(|m| mul_div(m.monthly_shipments, m.loss.permille(), 1000))
        .sum();
    let takers: Vec<&Member<K>> = members.iter().filter(|m| m.loss == Loss::None).collect();
    let remaining_shipments: u64 = takers.iter().map(|m| m.monthly_shipments).sum();
    let count = takers.len() as u64;
    let outlooks = takers
        .iter()
        .map(|m| {
            let extra_demand = if remaining_shipments == 0 {
                lost_units / count.max(1)
            } else {
                mul_div(lost_units, m.monthly_shipments, remaining_shipments)
            };
            outlook(m, extra_demand)
        })
        .collect();
    Forecast {
        lost_units,
        remaining_shipments,
        outlooks,
    }
}

/// One member's capacity, shortfall and the week it starts.
fn outlook<K: Clone>(member: &Member<K>, extra_demand: u64) -> Outlook<K> {
    let usual = member.monthly_shipments;
    let declared = member.declared;
    let (capacity, capacity_source) = if let Some(units) = declared.extra_units_per_month {
        (usual.saturating_add(units), CapacitySource::DeclaredUnits)
    } else if let Some(percent) = declared.increase_percent {
        (
            usual.saturating_add(mul_div(usual, percent, 100)),
            CapacitySource::DeclaredPercent,
        )
    } else {
        (
            usual.saturating_add(mul_div(usual, ASSUMED_EXTRA_PERCENT, 100)),
            CapacitySource::Assumed,
        )
    };
    let expected_demand = usual.saturating_add(extra_demand);
    let shortfall = expected_demand.saturating_sub(capacity);
    let short_from_weeks = (shortfall > 0).then(|| match declared.stock_months_tenths {
        // Stock of `tenths`/10 months of usual shipments covers the shortfall for
        // usual × tenths ÷ (10 × shortfall) months, i.e. × 52 ÷ 12 weeks.
        Some(tenths) => mul_div(
            mul_div(usual, tenths, 10),
            WEEKS_PER_YEAR,
            shortfall.saturating_mul(MONTHS_PER_YEAR),
        ),
        None => ASSUMED_LEAD_WEEKS,
    });
    Outlook {
        key: member.key.clone(),
        monthly_shipments: usual,
        extra_demand,
        expected_demand,
        capacity,
        capacity_source,
        shortfall,
        short_from_weeks,
    }
}

/// ⌊a × b ÷ c⌋ without overflow (c > 0), saturating at `u64::MAX`.
fn mul_div(a: u64, b: u64, c: u64) -> u64 {
    let value = u128::from(a) * u128::from(b) / u128::from(c.max(1));
    u64::try_from(value).unwrap_or(u64::MAX)
}
