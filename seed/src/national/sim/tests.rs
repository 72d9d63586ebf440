//! The knock-on rule by volume on a hand-made group: who goes ⑫ 3, when, and with which cause.

use chrono::NaiveDate;

use super::{NONE, Simulation};
use crate::national::mix::{KNOCK_ON, NORMAL, STOPPED};
use crate::national::{MarketFacts, NationalParams, NationalProduct};

/// The week the stop starts in (week 0 is the initial state, which has no lag).
const STOP_WEEK: u32 = 1;

/// A simulation of one same-spec group whose hidden volumes and spare capacities are `facts`.
fn group_of(facts: &[(u64, u32)], seed: u64) -> Simulation {
    let codes: Vec<String> = (0..facts.len())
        .map(|i| format!("1234567F1{i:02}0"))
        .collect();
    let products: Vec<NationalProduct<'_>> = codes
        .iter()
        .map(|code| NationalProduct {
            code,
            maker_name: Some("メーカー"),
        })
        .collect();
    let params = NationalParams {
        first_week: NaiveDate::from_ymd_opt(2024, 1, 5).expect("a valid date"),
        weeks: 52,
        seed,
    };
    let mut sim = Simulation::new(&products, &params);
    for (slot, &(monthly_volume, spare_percent)) in sim.slots.iter_mut().zip(facts) {
        slot.facts = MarketFacts {
            monthly_volume,
            spare_percent,
        };
    }
    sim
}

/// Stops product 0 in week [`STOP_WEEK`], then spreads its loss each week up to `last`; returns
/// for every product the week it went ⑫ 3 and its cause.
fn stop_first(sim: &mut Simulation, last: u32) -> Vec<Option<(u32, usize)>> {
    let mut went = vec![None; sim.slots.len()];
    for week in STOP_WEEK..=last {
        let month = sim.month_of_week(week);
        if week == STOP_WEEK {
            sim.start(0, STOPPED, 3, NONE, week, month);
        }
        sim.spread_losses(week, month);
        for (p, slot) in sim.slots.iter().enumerate() {
            if slot.state.status == KNOCK_ON && went[p].is_none() {
                went[p] = Some((week, slot.state.cause));
            }
        }
    }
    went
}

#[test]
fn a_stop_overloads_a_large_member_of_little_spare_capacity_into_a_knock_on_within_the_lag() {
    // Y takes 6,000 ÷ 7,000 of X's 1,000 packages: 14% more than its volume, 3% spare.
    let mut sim = group_of(&[(1_000, 10), (6_000, 3), (1_000, 40)], 7);
    let went = stop_first(&mut sim, STOP_WEEK + 12);
    let (week, cause) = went[1].expect("the large member goes ⑫ 3");
    assert_eq!(cause, 0, "the stopped product is its 原因医薬品");
    assert!(
        (STOP_WEEK + 1..=STOP_WEEK + 6).contains(&week),
        "its stock lasts 1–6 weeks: went in week {week}"
    );
}

#[test]
fn a_member_with_ample_spare_capacity_covers_the_stop_in_normal_supply() {
    // Y gets 14% more, then also what Z, gone ⑫ 3, no longer ships: at most 24%, under its 30%.
    for seed in 1..20 {
        let mut sim = group_of(&[(1_000, 10), (6_000, 30), (1_000, 3)], seed);
        let went = stop_first(&mut sim, STOP_WEEK + 12);
        assert_eq!(went[1], None, "seed {seed}");
        assert_eq!(sim.slots[1].state.status, NORMAL);
        assert!(went[2].is_some(), "the small member of 3% spare goes ⑫ 3");
    }
}

#[test]
fn when_the_leader_goes_short_too_the_small_member_takes_the_whole_loss() {
    // Z's own share (14%) fits its 40%, but once Y is ⑫ 3 all of X's volume falls on Z.
    let mut sim = group_of(&[(1_000, 10), (6_000, 3), (1_000, 40)], 7);
    let went = stop_first(&mut sim, STOP_WEEK + 20);
    let (y, _) = went[1].expect("Y goes ⑫ 3");
    let (z, cause) = went[2].expect("Z follows");
    assert!(z > y, "Z after Y: {went:?}");
    assert_eq!(cause, 0, "the stopped product, not Y, is the cause");
}

#[test]
fn a_stop_of_the_leader_bites_within_two_weeks() {
    // Y and Z take 10,000 packages on 2,000 of their own: five times their volume.
    for seed in 1..20 {
        let mut sim = group_of(&[(10_000, 10), (1_000, 15), (1_000, 40)], seed);
        let went = stop_first(&mut sim, STOP_WEEK + 12);
        for member in [1, 2] {
            let (week, _) = went[member].expect("both go ⑫ 3");
            assert!(week <= STOP_WEEK + 2, "seed {seed}: week {week}");
        }
    }
}

#[test]
fn a_small_stop_in_a_large_group_moves_nobody() {
    // 200 packages over 9,000: 2.2% extra, below every member's spare capacity.
    let mut sim = group_of(&[(200, 10), (3_000, 5), (3_000, 8), (3_000, 12)], 3);
    let went = stop_first(&mut sim, STOP_WEEK + 12);
    assert!(went.iter().all(Option::is_none), "{went:?}");
}

#[test]
fn a_member_that_caught_up_does_not_go_short_again_for_the_same_stop() {
    let mut sim = group_of(&[(1_000, 10), (6_000, 3)], 5);
    let went = stop_first(&mut sim, STOP_WEEK + 8);
    assert!(went[1].is_some());
    sim.finish(1);
    let again = stop_first_continued(&mut sim, STOP_WEEK + 9, STOP_WEEK + 30);
    assert!(
        !again,
        "a ramped-up maker stays in normal supply while the stop lasts"
    );
}

/// Spreads the current losses from `first` to `last`; whether product 1 went ⑫ 3 again.
fn stop_first_continued(sim: &mut Simulation, first: u32, last: u32) -> bool {
    (first..=last).any(|week| {
        sim.spread_losses(week, sim.month_of_week(week));
        sim.slots[1].state.status == KNOCK_ON
    })
}

#[test]
fn the_same_seed_gives_the_same_lag() {
    let run = |seed| stop_first(&mut group_of(&[(1_000, 10), (6_000, 3)], seed), 12);
    assert_eq!(run(9), run(9));
}
