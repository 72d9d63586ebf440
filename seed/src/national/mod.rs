//! National-scale history: three years of weekly supply status reports (DESIGN §3.1 ⑫–⑰) for
//! every drug of the price list, generated deterministically from a seed.
//!
//! Each product starts in its initial state (week 0), then lives through episodes of limited
//! supply or stoppage. Every product has a hidden usual volume and spare capacity ([`market`]):
//! the volume a short product truly fails to ship moves to its same-spec neighbours in normal
//! supply in proportion to their volumes, and one whose extra demand exceeds its spare capacity
//! goes 限定出荷（他社品の影響） (with the short product as 原因医薬品) once its stock has run
//! down, 1–6 weeks later. Some neighbours also ship more (A+). The ⑫ mix follows the published
//! trend: about 23% of items not in normal supply in 2023, falling smoothly to the 2025 mix
//! (86% / 4% / 4% / 1% / 5%); to stay on it, a few knock-ons are added among fresh shortages'
//! neighbours or ended early.

pub mod allocation;
mod market;
mod mix;
mod rng;
mod sim;

#[cfg(test)]
mod calibration_tests;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;

pub use market::{MarketFacts, market};

/// One drug as the generator needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalProduct<'a> {
    /// 12-character YJ code; the first 9 characters are the same-spec group.
    pub code: &'a str,
    /// メーカー名; `None` for 統一名収載品 (they behave like any other product).
    pub maker_name: Option<&'a str>,
}

/// One generated supply status report (the maker-supplied columns ⑫–⑰ of DESIGN §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedReport {
    /// Index into the input slice.
    pub product_index: usize,
    /// ⑰ 報告日: a weekday of the report's week, at most 4 days before its Friday.
    pub reported_on: NaiveDate,
    /// ⑫ 出荷対応の状況, `"1"`..`"5"`.
    pub shipping_status: &'static str,
    /// ⑬ 理由, `"1"`..`"8"`; `None` exactly when ⑫ is `"1"`.
    pub reason: Option<&'static str>,
    /// 原因医薬品, only with ⑫ `"3"`: another product of the same 9-character group.
    pub causing_product_index: Option<usize>,
    /// ⑭ `"あり"` | `"なし"` | `"未定"`; `None` when ⑫ is `"1"`.
    pub resolution_outlook: Option<&'static str>,
    /// ⑮ `YYYY-MM`: the expected lift month (after ⑰) when ⑭ is あり, or for ⑫ `"5"` the month
    /// stock runs out.
    pub resolution_month: Option<String>,
    /// ⑯ `"A+"` | `"A"` | `"B"` | `"C"` | `"D"`; never `"C"` with ⑫ `"1"`.
    pub volume_status: &'static str,
}

/// Parameters: equal parameters and products give equal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalParams {
    /// The Friday of week 0.
    pub first_week: NaiveDate,
    /// Number of weeks (156 = three years).
    pub weeks: u32,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

impl NationalParams {
    /// Three years (156 weeks) of history starting 156 weeks before `last_friday`.
    pub fn three_years_before(last_friday: NaiveDate, seed: u64) -> Self {
        Self {
            first_week: last_friday
                .checked_sub_days(chrono::Days::new(7 * 156))
                .unwrap_or(NaiveDate::MIN),
            weeks: 156,
            seed,
        }
    }
}

/// Generates the weekly history of every product, sorted by (`reported_on`, `product_index`).
///
/// Every product is reported in week 0, then whenever ⑫–⑯ or its causing product change, and
/// every 4 weeks while not in 通常出荷 (a re-confirmation with the same values).
pub fn generate(products: &[NationalProduct<'_>], params: &NationalParams) -> Vec<GeneratedReport> {
    if products.is_empty() {
        return Vec::new();
    }
    sim::Simulation::new(products, params).run(params.weeks)
}
