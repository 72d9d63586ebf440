//! The hidden market behind the reports: each product's usual monthly volume and the spare
//! capacity its maker could add. The reports never show them; the knock-on rule runs on them.
//!
//! Volumes are log-normal-ish (a median of 1,200 packages a month, about ±1.5 doublings for one
//! standard deviation), so a same-spec group usually has a leader and a few small makers. Spare
//! capacity is 0–40% of the volume, most often 5–15%.

use super::rng::{Rng, fnv1a, hash3};
use super::{NationalParams, NationalProduct};

/// What the generator knows of one product's market and the reports do not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketFacts {
    /// Usual shipments, in sales packages per month.
    pub monthly_volume: u64,
    /// Extra output the maker can ship beyond its usual volume, in percent of it.
    pub spare_percent: u32,
}

/// Median monthly volume in packages.
const MEDIAN_VOLUME: u64 = 1_200;
/// 2^(k/8) in thousandths, for k in 0..8: the fractional part of the exponent.
const EIGHTH_POWERS: [u64; 8] = [1_000, 1_091, 1_189, 1_297, 1_414, 1_542, 1_682, 1_834];
/// Draws summed for the exponent (in eighths of a doubling), each in 0..=16.
const EXPONENT_DRAWS: u32 = 6;
/// Spare capacity in percent: ranges and their weights.
const SPARE: [((u32, u32), u32); 4] = [((0, 4), 15), ((5, 15), 60), ((16, 25), 15), ((26, 40), 10)];

/// The hidden volume and spare capacity of every product, in input order.
///
/// Each depends only on the seed and the product's code, so a product keeps its figures when the
/// list around it changes (the server passes only the drugs with a maker).
pub fn market(products: &[NationalProduct<'_>], params: &NationalParams) -> Vec<MarketFacts> {
    products
        .iter()
        .map(|product| facts(params.seed, product.code))
        .collect()
}

/// The facts of one product.
fn facts(seed: u64, code: &str) -> MarketFacts {
    let mut rng = Rng::new(hash3(seed, fnv1a(code), 11));
    let sum: u32 = (0..EXPONENT_DRAWS).map(|_| rng.below(17)).sum();
    // In eighths of a doubling: −48..=48 around the median.
    let exponent = i64::from(sum) - i64::from(8 * EXPONENT_DRAWS);
    let fraction = usize::try_from(exponent.rem_euclid(8)).unwrap_or(0);
    let scaled = MEDIAN_VOLUME * EIGHTH_POWERS[fraction] / 1_000;
    let whole = u32::try_from(exponent.div_euclid(8).unsigned_abs()).unwrap_or(0);
    let monthly_volume = if exponent >= 0 {
        scaled << whole
    } else {
        scaled >> whole
    }
    .max(1);
    let (lo, hi) = rng.weighted(&SPARE);
    MarketFacts {
        monthly_volume,
        spare_percent: rng.between(lo, hi),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{NationalParams, NationalProduct, market};

    fn params(seed: u64) -> NationalParams {
        NationalParams {
            first_week: NaiveDate::from_ymd_opt(2023, 1, 6).expect("a valid date"),
            weeks: 156,
            seed,
        }
    }

    fn products(codes: &[String]) -> Vec<NationalProduct<'_>> {
        codes
            .iter()
            .map(|code| NationalProduct {
                code,
                maker_name: None,
            })
            .collect()
    }

    #[test]
    fn a_product_keeps_its_facts_when_the_list_around_it_changes() {
        let codes: Vec<String> = (0..50).map(|i| format!("2222222F{i:03}0")).collect();
        let all = market(&products(&codes), &params(1));
        let some = market(&products(&codes[20..30]), &params(1));
        assert_eq!(&all[20..30], some.as_slice());
        assert_ne!(all, market(&products(&codes), &params(2)));
    }

    #[test]
    fn volumes_are_skewed_and_spare_capacity_is_mostly_five_to_fifteen_percent() {
        let codes: Vec<String> = (0..10_000).map(|i| format!("3{i:06}F0010")).collect();
        let facts = market(&products(&codes), &params(3));
        let mut volumes: Vec<u64> = facts.iter().map(|f| f.monthly_volume).collect();
        volumes.sort_unstable();
        let (median, p90) = (volumes[5_000], volumes[9_000]);
        assert!((900..1_600).contains(&median), "median {median}");
        assert!(p90 > 3 * median, "a long upper tail: p90 {p90}");
        assert!(facts.iter().all(|f| f.spare_percent <= 40));
        let usual = facts
            .iter()
            .filter(|f| (5..=15).contains(&f.spare_percent))
            .count();
        assert!(
            (5_500..6_500).contains(&usual),
            "{usual} of 10,000 at 5–15%"
        );
        assert!(facts.iter().any(|f| f.spare_percent == 0));
    }
}
