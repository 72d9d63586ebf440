//! Hand-worked examples and properties of the cap arithmetic.

use proptest::prelude::*;

use super::*;

fn claims<'a>(rows: &'a [(&'a str, u64)]) -> Vec<Claim<'a>> {
    rows.iter()
        .map(|(code, baseline)| Claim {
            customer_code: code,
            baseline: *baseline,
        })
        .collect()
}

fn totals(planned: u64, baseline: u64, reserve: i64) -> PlanTotals {
    PlanTotals::new(
        planned,
        baseline,
        ReservePercent::new(reserve).expect("a valid percentage"),
    )
    .expect("a non-zero baseline")
}

#[test]
fn the_worked_example_of_the_module_gives_7_7_1_0() {
    let plan = totals(730, 1000, 0);
    let rows = [("C001", 10), ("C002", 10), ("C003", 1), ("C004", 0)];
    let supply = plan.wholesaler_supply(21);
    assert_eq!(supply, 15);
    assert_eq!(apportion(supply, &claims(&rows)), [7, 7, 1, 0]);
    assert_eq!(quota(supply, 10, 21).to_decimal(3), "7.142");
    assert_eq!(plan.coverage_ratio().to_string(), "0.7300");
}

#[test]
fn equal_remainders_go_to_the_larger_baseline_then_the_smaller_code() {
    // S = 3 over h = 2, 1, 1, 1, 1 (H = 6): floors 1, 0, 0, 0, 0; remainders 0, 3, 3, 3, 3.
    // Two units left: all four small customers tie on remainder and baseline, so by code.
    let rows = [("A", 2), ("E", 1), ("B", 1), ("D", 1), ("C", 1)];
    assert_eq!(apportion(3, &claims(&rows)), [1, 0, 1, 0, 1]);
    // S = 5 over h = 3, 3, 2, 2 (H = 10): quotas 1.5, 1.5, 1, 1 → floors 1,1,1,1, remainders
    // 5, 5, 0, 0: the one unit left goes by code between the two h = 3.
    let rows = [("Z", 3), ("Y", 3), ("X", 2), ("W", 2)];
    assert_eq!(apportion(5, &claims(&rows)), [1, 2, 1, 1]);
    // Remainder ties broken by the larger baseline: S = 4, h = 3 and 1 plus h = 6 (H = 10):
    // shares 12, 4, 24 → floors 1, 0, 2; remainders 2, 4, 4 → the unit goes to h = 6.
    let rows = [("A", 3), ("B", 1), ("C", 6)];
    assert_eq!(apportion(4, &claims(&rows)), [1, 0, 3]);
}

#[test]
fn only_customers_tied_at_the_cut_off_need_their_codes() {
    // S = 3 over h = 2, 1, 1, 1, 1: the h = 2 customer's floor is 1; two units left among four
    // customers with equal remainder and baseline: a tie of four for two units.
    let (caps, tie) = apportion_by_baseline(3, &[2, 1, 1, 1, 1]);
    assert_eq!(caps, [1, 0, 0, 0, 0]);
    assert_eq!(
        tie.as_ref().map(|t| (t.candidates.len(), t.units)),
        Some((4, 2))
    );
    // The larger remainders are placed without codes: S = 4 over h = 3, 1, 6 (see above).
    assert_eq!(apportion_by_baseline(4, &[3, 1, 6]), (vec![1, 0, 3], None));
    // A tie that takes every candidate needs no codes either.
    assert_eq!(apportion_by_baseline(2, &[1, 1]), (vec![1, 1], None));
}

#[test]
fn a_tie_with_a_code_missing_is_left_unsettled_and_the_caps_untouched() {
    let (caps, tie) = apportion_by_baseline(3, &[2, 1, 1, 1, 1]);
    let tie = tie.expect("a tie of four for two units");
    let codes = ["A", "D", "B", "E", "C"];
    let mut partial = caps.clone();
    let settled = tie.try_resolve(&mut partial, |i| (i != 3).then(|| codes[i]));
    assert!(!settled);
    assert_eq!(partial, caps, "nothing given while a code is missing");
    let mut all = caps.clone();
    assert!(tie.try_resolve(&mut all, |i| Some(codes[i])));
    let mut resolved = caps;
    tie.resolve(&mut resolved, |i| codes[i]);
    assert_eq!(all, resolved);
    assert_eq!(
        resolved,
        [1, 0, 1, 0, 1],
        "B and C, the smallest codes among the tied"
    );
}

#[test]
fn codes_compare_by_bytes_so_digits_come_before_letters() {
    let rows = [("a1", 1), ("A1", 1), ("01", 1)];
    assert_eq!(apportion(1, &claims(&rows)), [0, 0, 1]);
    assert_eq!(apportion(2, &claims(&rows)), [0, 1, 1]);
}

#[test]
fn zero_baselines_get_nothing_and_an_all_zero_wholesaler_gets_nothing() {
    assert_eq!(apportion(0, &claims(&[("A", 0), ("B", 0)])), [0, 0]);
    assert_eq!(apportion(9, &claims(&[("A", 0), ("B", 0)])), [0, 0]);
    assert_eq!(apportion(5, &claims(&[("A", 0), ("B", 4)])), [0, 5]);
    assert_eq!(totals(500, 1000, 0).wholesaler_supply(0), 0);
}

#[test]
fn the_reserve_is_held_back_from_the_supply_and_counted_per_wholesaler() {
    // P = 800, B = 1000, H = 250: without reserve 200; with 10 % reserve ⌊800·250·90 ÷ 100000⌋ = 180.
    let plan = totals(800, 1000, 10);
    assert_eq!(plan.wholesaler_supply(250), 180);
    assert_eq!(plan.wholesaler_reserve(250), 20);
    // Odd numbers: P = 7, B = 3, H = 5 → without reserve ⌊35/3⌋ = 11; with 15 %: ⌊7·5·85 ÷ 300⌋ = 9.
    let plan = totals(7, 3, 15);
    assert_eq!(plan.wholesaler_supply(5), 9);
    assert_eq!(plan.wholesaler_reserve(5), 2);
    assert_eq!(totals(7, 3, 100).wholesaler_supply(5), 0);
}

#[test]
fn a_ratio_above_one_gives_more_than_the_baseline() {
    // r = 1.5: a wholesaler with H = 7 gets ⌊1.5 × 7⌋ = 10, shared 5 : 2 → quotas 7.14, 2.86.
    let plan = totals(1500, 1000, 0);
    assert_eq!(plan.coverage_ratio().to_string(), "1.5000");
    let supply = plan.wholesaler_supply(7);
    assert_eq!(supply, 10);
    assert_eq!(apportion(supply, &claims(&[("A", 5), ("B", 2)])), [7, 3]);
}

#[test]
fn a_plan_without_baseline_shipments_is_refused_and_a_reserve_over_100_is_refused() {
    assert_eq!(
        PlanTotals::new(100, 0, ReservePercent::ZERO),
        Err(AllocationError::NoBaselineShipments)
    );
    assert!(ReservePercent::new(101).is_err());
    assert!(ReservePercent::new(-1).is_err());
    assert_eq!(ReservePercent::new(100).map(ReservePercent::get), Ok(100));
}

#[test]
fn national_sized_numbers_do_not_overflow() {
    // Far beyond a nation's month (uploads accept at most 10^12 packages per row).
    let plan = totals(4_000_000_000_000_000, 3_000_000_000_000_000, 0);
    let supply = plan.wholesaler_supply(2_000_000_000_000_000);
    let caps = apportion(
        supply,
        &claims(&[("A", 1_000_000_000_000_000), ("B", 999_999_999_999_999)]),
    );
    assert_eq!(caps.iter().sum::<u128>(), supply);
}

fn claim_rows() -> impl Strategy<Value = Vec<(String, u64)>> {
    prop::collection::vec(("[0-9A-Z]{1,4}", 0u64..5_000), 1..60).prop_map(|mut rows| {
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0);
        rows
    })
}

proptest! {
    #[test]
    fn caps_add_up_to_the_supply_and_stay_within_one_unit_of_the_quota(
        rows in claim_rows(), supply in 0u128..100_000
    ) {
        let refs: Vec<(&str, u64)> = rows.iter().map(|(c, h)| (c.as_str(), *h)).collect();
        let claims = claims(&refs);
        let caps = apportion(supply, &claims);
        let total: u128 = claims.iter().map(|c| u128::from(c.baseline)).sum();
        if total == 0 {
            prop_assert!(caps.iter().all(|c| *c == 0));
        } else {
            prop_assert_eq!(caps.iter().sum::<u128>(), supply);
            for (claim, cap) in claims.iter().zip(&caps) {
                // |cap − S·h/H| < 1  ⇔  |cap·H − S·h| < H
                let share = supply * u128::from(claim.baseline);
                prop_assert!((cap * total).abs_diff(share) < total);
                if claim.baseline == 0 {
                    prop_assert_eq!(*cap, 0);
                }
            }
        }
    }

    #[test]
    fn a_larger_baseline_never_gets_a_smaller_cap(rows in claim_rows(), supply in 0u128..100_000) {
        let refs: Vec<(&str, u64)> = rows.iter().map(|(c, h)| (c.as_str(), *h)).collect();
        let claims = claims(&refs);
        let caps = apportion(supply, &claims);
        for (a, cap_a) in claims.iter().zip(&caps) {
            for (b, cap_b) in claims.iter().zip(&caps) {
                if a.baseline > b.baseline {
                    prop_assert!(cap_a >= cap_b, "{:?}→{} vs {:?}→{}", a, cap_a, b, cap_b);
                }
            }
        }
    }

    #[test]
    fn the_result_does_not_depend_on_the_order_of_the_customers(
        rows in claim_rows(), supply in 0u128..100_000, seed in any::<u64>()
    ) {
        let refs: Vec<(&str, u64)> = rows.iter().map(|(c, h)| (c.as_str(), *h)).collect();
        let forward = apportion(supply, &claims(&refs));
        let mut shuffled: Vec<usize> = (0..refs.len()).collect();
        // A deterministic shuffle from the seed (rotate and reverse).
        let len = shuffled.len();
        shuffled.rotate_left(usize::try_from(seed % len as u64).unwrap_or(0));
        if seed % 2 == 0 { shuffled.reverse(); }
        let permuted: Vec<(&str, u64)> = shuffled.iter().map(|i| refs[*i]).collect();
        let again = apportion(supply, &claims(&permuted));
        for (position, original) in shuffled.iter().enumerate() {
            prop_assert_eq!(again[position], forward[*original]);
        }
    }

    #[test]
    fn the_supply_grows_with_the_wholesalers_baseline_and_never_exceeds_its_quota(
        planned in 0u64..1_000_000, baseline in 1u64..1_000_000, h in 0u64..1_000_000,
        reserve in 0i64..=100
    ) {
        let plan = totals(planned, baseline, reserve);
        let s = plan.wholesaler_supply(h);
        prop_assert!(plan.wholesaler_supply(h + 1) >= s);
        prop_assert!(s * u128::from(baseline) <= u128::from(planned) * u128::from(h));
        prop_assert_eq!(
            s + plan.wholesaler_reserve(h),
            u128::from(planned) * u128::from(h) / u128::from(baseline)
        );
    }
}

/// The rule of DESIGN §6 in its most literal form: every customer ranked by remainder, then
/// baseline, then code, and the left-over units to the first of them.
fn apportion_literally(supply: u128, rows: &[(&str, u64)]) -> Vec<u128> {
    let total: u128 = rows.iter().map(|(_, h)| u128::from(*h)).sum();
    if total == 0 {
        return vec![0; rows.len()];
    }
    let mut caps: Vec<u128> = rows
        .iter()
        .map(|(_, h)| supply * u128::from(*h) / total)
        .collect();
    let left = usize::try_from(supply - caps.iter().sum::<u128>()).unwrap_or(usize::MAX);
    let mut ranked: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].1 > 0).collect();
    ranked.sort_by(|a, b| {
        let remainder = |i: usize| supply * u128::from(rows[i].1) % total;
        remainder(*b)
            .cmp(&remainder(*a))
            .then(rows[*b].1.cmp(&rows[*a].1))
            .then(rows[*a].0.as_bytes().cmp(rows[*b].0.as_bytes()))
    });
    for index in ranked.into_iter().take(left) {
        caps[index] += 1;
    }
    caps
}

proptest! {
    /// Small baselines, so that many customers tie and the codes decide.
    #[test]
    fn ties_among_many_customers_go_exactly_as_the_literal_rule_says(
        rows in prop::collection::vec(("[0-9A-Z]{1,3}", 0u64..4), 1..120), supply in 0u128..400
    ) {
        let mut rows = rows;
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0);
        rows.reverse();
        let refs: Vec<(&str, u64)> = rows.iter().map(|(c, h)| (c.as_str(), *h)).collect();
        prop_assert_eq!(apportion(supply, &claims(&refs)), apportion_literally(supply, &refs));
    }
}

proptest! {
    /// Around S × max h = 2^64 some cases take the 64-bit division and some the 128-bit one;
    /// both must give floors and remainders that add up exactly.
    #[test]
    fn caps_are_exact_on_both_sides_of_the_64_bit_boundary(
        baselines in prop::collection::vec(1u64 << 30..1u64 << 34, 1..20),
        supply in 1u128 << 30..1u128 << 34,
    ) {
        let (caps, tie) = apportion_by_baseline(supply, &baselines);
        let total: u128 = baselines.iter().copied().map(u128::from).sum();
        let given: u128 = caps.iter().sum();
        let pending = tie.as_ref().map_or(0, |t| t.units);
        prop_assert_eq!(given + pending as u128, supply);
        for (h, cap) in baselines.iter().zip(&caps) {
            let share = supply * u128::from(*h);
            prop_assert!(*cap == share / total || *cap == share / total + 1);
        }
    }
}
