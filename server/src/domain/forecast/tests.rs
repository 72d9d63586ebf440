//! Worked examples and properties of the knock-on forecast.

use proptest::prelude::*;

use super::{CapacitySource, Declared, Loss, Member, forecast};
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};

fn member(key: &'static str, shipments: u64, loss: Loss) -> Member<&'static str> {
    Member {
        key,
        monthly_shipments: shipments,
        loss,
        declared: Declared::default(),
    }
}

#[test]
fn the_module_example_lists_both_remaining_makers_with_their_shortfalls() {
    let group = [
        member("X", 1_000, Loss::Stopped),
        member("Y", 3_000, Loss::None),
        member("Z", 1_000, Loss::None),
    ];
    let f = forecast(&group);
    assert_eq!(f.lost_units, 1_000);
    assert_eq!(f.remaining_shipments, 4_000);
    let figures: Vec<_> = f
        .outlooks
        .iter()
        .map(|o| {
            (
                o.key,
                o.extra_demand,
                o.capacity,
                o.shortfall,
                o.short_from_weeks,
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            ("Y", 750, 3_300, 450, Some(4)),
            ("Z", 250, 1_100, 150, Some(4))
        ]
    );
    assert_eq!(f.likely_next().count(), 2);
    assert_eq!(f.outlooks[0].capacity_source, CapacitySource::Assumed);
}

#[test]
fn declared_stock_pushes_the_shortfall_beyond_the_horizon() {
    let mut z = member("Z", 1_000, Loss::None);
    z.declared.stock_months_tenths = Some(30);
    let f = forecast(&[
        member("X", 1_000, Loss::Stopped),
        member("Y", 3_000, Loss::None),
        z,
    ]);
    // 3,000 spare packages at 150 a month: 20 months = ⌊3,000 × 52 ÷ (150 × 12)⌋ = 86 weeks.
    assert_eq!(f.outlooks[1].short_from_weeks, Some(86));
    assert!(!f.outlooks[1].is_likely_next());
    assert_eq!(f.likely_next().map(|o| o.key).collect::<Vec<_>>(), ["Y"]);
}

#[test]
fn declared_capacity_replaces_the_assumption() {
    let mut y = member("Y", 3_000, Loss::None);
    y.declared.extra_units_per_month = Some(800);
    let mut z = member("Z", 1_000, Loss::None);
    z.declared.increase_percent = Some(0);
    let f = forecast(&[member("X", 1_000, Loss::Stopped), y, z]);
    let y = &f.outlooks[0];
    assert_eq!(
        (y.capacity, y.shortfall, y.short_from_weeks),
        (3_800, 0, None)
    );
    assert_eq!(y.capacity_source, CapacitySource::DeclaredUnits);
    let z = &f.outlooks[1];
    assert_eq!((z.capacity, z.shortfall), (1_000, 250));
    assert_eq!(z.capacity_source, CapacitySource::DeclaredPercent);
    assert_eq!(z.shortfall_permille(), 200);
}

#[test]
fn partial_losses_add_up_and_short_members_take_nothing_over() {
    let f = forecast(&[
        member("B", 2_000, Loss::Reduced),
        member("R", 1_000, Loss::AtRisk),
        member("L", 500, Loss::Limited),
        member("N", 9_000, Loss::None),
    ]);
    // 600 + 300 + 50.
    assert_eq!(f.lost_units, 950);
    assert_eq!(f.outlooks.len(), 1);
    let n = &f.outlooks[0];
    assert_eq!((n.extra_demand, n.capacity, n.shortfall), (950, 9_900, 50));
}

#[test]
fn without_shipments_on_record_the_lost_volume_is_split_equally() {
    let f = forecast(&[
        member("X", 900, Loss::Stopped),
        member("Y", 0, Loss::None),
        member("Z", 0, Loss::None),
    ]);
    assert!(f.outlooks.iter().all(|o| o.extra_demand == 450));
    assert!(f.outlooks.iter().all(|o| o.shortfall == 450));
}

#[test]
fn a_group_with_no_loss_forecasts_nothing() {
    let f = forecast(&[member("Y", 3_000, Loss::None), member("Z", 10, Loss::None)]);
    assert_eq!(f.lost_units, 0);
    assert_eq!(f.likely_next().count(), 0);
}

/// The loss for a ⑫ and ⑰ given as their codes.
fn loss_of(shipping: &str, volume: Option<&str>, at_risk: bool) -> Loss {
    let shipping = ShippingStatus::from_code(shipping).expect("a ⑫ code");
    let volume = volume.map(|v| VolumeStatus::from_code(v).expect("a ⑰ code"));
    Loss::from_status(shipping, volume, at_risk)
}

#[test]
fn statuses_map_to_losses() {
    assert_eq!(loss_of("5", Some("A"), false), Loss::Stopped);
    assert_eq!(loss_of("1", Some("C"), false), Loss::Stopped);
    assert_eq!(loss_of("2", Some("B"), false), Loss::Reduced);
    assert_eq!(loss_of("3", Some("A+"), false), Loss::Limited);
    assert_eq!(loss_of("1", Some("B"), false), Loss::AtRisk);
    assert_eq!(loss_of("1", Some("A"), true), Loss::AtRisk);
    assert_eq!(loss_of("1", None, false), Loss::None);
}

fn losses() -> impl Strategy<Value = Loss> {
    prop_oneof![
        Just(Loss::None),
        Just(Loss::None),
        Just(Loss::Stopped),
        Just(Loss::Reduced),
        Just(Loss::Limited),
        Just(Loss::AtRisk),
    ]
}

proptest! {
    #[test]
    fn the_redistributed_volume_never_exceeds_the_loss_and_misses_less_than_one_per_taker(
        group in prop::collection::vec((0u64..1_000_000, losses()), 1..12)
    ) {
        let members: Vec<_> = group
            .iter()
            .enumerate()
            .map(|(i, &(s, loss))| Member { key: i, monthly_shipments: s, loss, declared: Declared::default() })
            .collect();
        let f = forecast(&members);
        let moved: u64 = f.outlooks.iter().map(|o| o.extra_demand).sum();
        let takers = f.outlooks.len() as u64;
        prop_assert!(moved <= f.lost_units);
        if takers > 0 {
            prop_assert!(f.lost_units - moved < takers);
        }
        for o in &f.outlooks {
            prop_assert_eq!(o.expected_demand, o.monthly_shipments + o.extra_demand);
            prop_assert_eq!(o.shortfall, o.expected_demand.saturating_sub(o.capacity));
        }
    }

    #[test]
    fn a_larger_loss_never_shrinks_a_shortfall(
        lost in 0u64..100_000, more in 0u64..100_000, others in prop::collection::vec(1u64..100_000, 1..6)
    ) {
        let build = |x: u64| {
            let mut members = vec![Member { key: 0, monthly_shipments: x, loss: Loss::Stopped, declared: Declared::default() }];
            members.extend(others.iter().enumerate().map(|(i, &s)| Member {
                key: i + 1, monthly_shipments: s, loss: Loss::None, declared: Declared::default(),
            }));
            forecast(&members)
        };
        let small = build(lost);
        let large = build(lost + more);
        for (a, b) in small.outlooks.iter().zip(&large.outlooks) {
            prop_assert!(a.shortfall <= b.shortfall);
        }
    }
}
