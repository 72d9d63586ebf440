//! Allocation caps (上限量の目安, DESIGN §6): the coverage ratio, each wholesaler's supply and the
//! largest-remainder apportionment of that supply over its customers — integer arithmetic only,
//! so that any wholesaler or customer can recompute every unit.
//!
//! A worked example (P = 730 planned, B = 1,000 shipped in the baseline month, reserve 0 %):
//!
//! | customer | baseline h | quota S·h/H | ⌊quota⌋ | remainder S·h mod H | cap |
//! |---|---|---|---|---|---|
//! | C001 | 10 | 7.142… | 7 | 3 | 7 |
//! | C002 | 10 | 7.142… | 7 | 3 | 7 |
//! | C003 | 1 | 0.714… | 0 | 15 | 1 |
//! | C004 | 0 | 0 | 0 | 0 | 0 |
//!
//! The wholesaler sold H = 21 in the baseline month, so S = ⌊730 × 21 × 100 ÷ (1,000 × 100)⌋ = 15.
//! The floors give 14; the one unit left goes to the largest remainder (C003), so Σ cap = 15.

mod decimal;
#[cfg(test)]
mod tests;

pub use decimal::Fraction;

use crate::domain::validation::FieldError;

/// The share held back for customers without history, an integer percentage 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReservePercent(u8);

impl ReservePercent {
    /// No reserve.
    pub const ZERO: Self = Self(0);

    /// Accepts 0–100.
    pub fn new(percent: i64) -> Result<Self, FieldError> {
        u8::try_from(percent)
            .ok()
            .filter(|p| *p <= 100)
            .map(Self)
            .ok_or_else(|| {
                FieldError::new(
                    "reserve_percent",
                    format!("予備の割合「{percent}」は 0〜100 の整数で指定してください"),
                )
            })
    }

    /// The percentage.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// The group's totals that every cap of a plan derives from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanTotals {
    /// P: planned (else actual) shipments of the group in the target month.
    pub planned: u64,
    /// B: actual shipments of the group in the baseline month; never zero.
    pub baseline: u64,
    /// The reserve share.
    pub reserve: ReservePercent,
}

/// Why a plan cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// B = 0: no ratio can be formed.
    #[error("基準月の出荷実績が 0 のため、カバー率を計算できません")]
    NoBaselineShipments,
}

impl PlanTotals {
    /// The totals; refuses B = 0.
    pub fn new(
        planned: u64,
        baseline: u64,
        reserve: ReservePercent,
    ) -> Result<Self, AllocationError> {
        if baseline == 0 {
            return Err(AllocationError::NoBaselineShipments);
        }
        Ok(Self {
            planned,
            baseline,
            reserve,
        })
    }

    /// r = P ÷ B, exact.
    pub fn coverage_ratio(self) -> Fraction {
        Fraction::new(u128::from(self.planned), u128::from(self.baseline))
    }

    /// `S_w` = ⌊P × `H_w` × (100 − reserve%) ÷ (B × 100)⌋ for a wholesaler that sold `H_w`. Exact in
    /// 128 bits while P × `H_w` < 3 × 10^36 (uploads cap a row at 10^12 packages).
    pub fn wholesaler_supply(self, wholesaler_baseline: u64) -> u128 {
        u128::from(self.planned)
            * u128::from(wholesaler_baseline)
            * u128::from(100 - self.reserve.get())
            / (u128::from(self.baseline) * 100)
    }

    /// The units held back from this wholesaler for customers without history:
    /// ⌊P × `H_w` ÷ B⌋ − `S_w`.
    pub fn wholesaler_reserve(self, wholesaler_baseline: u64) -> u128 {
        let without_reserve =
            u128::from(self.planned) * u128::from(wholesaler_baseline) / u128::from(self.baseline);
        without_reserve - self.wholesaler_supply(wholesaler_baseline)
    }
}

/// One customer's claim: its code (for the last tie-break) and baseline purchases `h_c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim<'a> {
    /// The customer's code at its wholesaler (医療機関コード, 薬局コード or the wholesaler's own).
    pub customer_code: &'a str,
    /// Its purchases of the group in the baseline month.
    pub baseline: u64,
}

/// Shares `supply` over `claims` by largest remainder: each customer gets ⌊S·h ÷ H⌋, and the units
/// left over go one each to the largest remainders S·h mod H, ties to the larger h, then to the
/// smaller customer code (byte order). Returns the caps in the order of `claims`.
///
/// Σ caps = `supply` whenever some h > 0; every cap is within one unit of its quota; a customer
/// with h = 0 gets 0.
pub fn apportion(supply: u128, claims: &[Claim<'_>]) -> Vec<u128> {
    let baselines: Vec<u64> = claims.iter().map(|c| c.baseline).collect();
    let (mut caps, tie) = apportion_by_baseline(supply, &baselines);
    if let Some(tie) = tie {
        tie.resolve(&mut caps, |i| claims[i].customer_code);
    }
    caps
}

/// Customers tied at the cut-off of the left-over units — equal remainder and equal baseline —
/// of whom `units` get one more unit, smallest customer code first. Only these need their codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    /// Indices into the baselines given, all tied.
    pub candidates: Vec<usize>,
    /// How many of them get one more unit (fewer than the candidates).
    pub units: usize,
}

impl Tie {
    /// Gives the units to the candidates with the smallest codes (byte order; equal codes, which
    /// one wholesaler's customers never have, by index).
    pub fn resolve<'a>(&self, caps: &mut [u128], code_of: impl Fn(usize) -> &'a str) {
        self.try_resolve(caps, |index| Some(code_of(index)));
    }

    /// [`Tie::resolve`] when every candidate's code is known; otherwise leaves `caps` alone and
    /// returns `false`.
    pub fn try_resolve<'a>(
        &self,
        caps: &mut [u128],
        code_of: impl Fn(usize) -> Option<&'a str>,
    ) -> bool {
        // Each code looked up once, and only the `units` smallest picked out, not all sorted:
        // thousands of small clinics can tie on the same baseline.
        let Some(mut keyed) = self
            .candidates
            .iter()
            .map(|index| code_of(*index).map(|code| (code.as_bytes(), *index)))
            .collect::<Option<Vec<(&[u8], usize)>>>()
        else {
            return false;
        };
        if self.units < keyed.len() {
            keyed.select_nth_unstable(self.units);
        }
        for (_, index) in keyed.iter().take(self.units) {
            caps[*index] += 1;
        }
        true
    }
}

/// [`apportion`] in two steps, so that customer codes are read only where they decide: the caps
/// with every left-over unit placed by remainder and baseline, and the [`Tie`] (if any) that only
/// the codes can settle.
pub fn apportion_by_baseline(supply: u128, baselines: &[u64]) -> (Vec<u128>, Option<Tie>) {
    let total: u128 = baselines.iter().copied().map(u128::from).sum();
    if total == 0 {
        return (vec![0; baselines.len()], None);
    }
    let mut caps: Vec<u128> = Vec::with_capacity(baselines.len());
    // (remainder, baseline, index) of every customer with a remainder.
    let mut remainders: Vec<(u128, u64, usize)> = Vec::with_capacity(baselines.len());
    let mut given: u128 = 0;
    // A 128-bit division is a library call; when S × max h fits in 64 bits (every real plan) the
    // same quotients and remainders come from the processor's own 64-bit division.
    let max_baseline = baselines.iter().copied().max().unwrap_or(0);
    let narrow = u64::try_from(supply)
        .ok()
        .filter(|s| s.checked_mul(max_baseline).is_some())
        .zip(u64::try_from(total).ok());
    for (index, baseline) in baselines.iter().enumerate() {
        let (cap, remainder) = if let Some((supply, total)) = narrow {
            let share = supply * baseline;
            (u128::from(share / total), u128::from(share % total))
        } else {
            let share = supply * u128::from(*baseline);
            (share / total, share % total)
        };
        given += cap;
        caps.push(cap);
        if remainder > 0 {
            remainders.push((remainder, *baseline, index));
        }
    }
    // Σ remainders = (S − Σ⌊…⌋) × H and each remainder < H, so there are more customers with a
    // remainder than units left: every left-over unit finds a customer with h > 0.
    let left = usize::try_from(supply - given).unwrap_or(usize::MAX);
    if left == 0 {
        return (caps, None);
    }
    let better = |a: &(u128, u64, usize), b: &(u128, u64, usize)| b.0.cmp(&a.0).then(b.1.cmp(&a.1));
    let cut = left.min(remainders.len()) - 1;
    let (_, &mut cutoff, _) = remainders.select_nth_unstable_by(cut, better);
    let mut tied = Vec::new();
    let mut placed = 0;
    for r in &remainders {
        match better(r, &cutoff) {
            std::cmp::Ordering::Less => {
                caps[r.2] += 1;
                placed += 1;
            }
            std::cmp::Ordering::Equal => tied.push(r.2),
            std::cmp::Ordering::Greater => {}
        }
    }
    let units = left.min(remainders.len()) - placed;
    if units == tied.len() {
        for index in tied {
            caps[index] += 1;
        }
        return (caps, None);
    }
    (
        caps,
        Some(Tie {
            candidates: tied,
            units,
        }),
    )
}

/// The quota S·h ÷ H of one customer, exact.
pub fn quota(supply: u128, baseline: u64, wholesaler_baseline: u64) -> Fraction {
    Fraction::new(
        supply * u128::from(baseline),
        u128::from(wholesaler_baseline.max(1)),
    )
}
