//! When a drug's public status counts as worse, so that makers of its substitutes are told, and
//! how long the outbox waits before trying a failed mail again.

use std::time::Duration;

use super::supply_status::{ShippingStatus, VolumeStatus};

/// The public status columns that decide a heads-up: ⑫ and ⑯.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicStatus {
    /// ⑫ 出荷対応の状況.
    pub shipping: ShippingStatus,
    /// ⑯ 出荷量の状況 (blank allowed).
    pub volume: Option<VolumeStatus>,
}

/// What got worse between two statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worsening {
    /// ⑫ moved from 通常出荷 (or no status) to 限定出荷/供給停止, or from 限定出荷 to 供給停止.
    pub shipping: bool,
    /// ⑯ moved to B, C or D from a better value (A+, A or blank count as normal).
    pub volume: bool,
}

/// ⑫ severity: 通常出荷 0, any 限定出荷 (2–4) 1, 供給停止 2. Moving among 2–4 is no worsening.
fn shipping_rank(s: ShippingStatus) -> u8 {
    match s {
        ShippingStatus::Normal => 0,
        ShippingStatus::LimitedOwn
        | ShippingStatus::LimitedByOthers
        | ShippingStatus::LimitedOther => 1,
        ShippingStatus::Stopped => 2,
    }
}

/// ⑯ severity: A+/A/blank 0, B 1, C 2, D 3.
fn volume_rank(v: Option<VolumeStatus>) -> u8 {
    match v {
        None | Some(VolumeStatus::APlus | VolumeStatus::A) => 0,
        Some(VolumeStatus::B) => 1,
        Some(VolumeStatus::C) => 2,
        Some(VolumeStatus::D) => 3,
    }
}

/// Whether `after` is worse than `before` (`None`: the product had no public status yet), and
/// in which column. `None` when nothing got worse — then no heads-up is sent.
pub fn worsening(before: Option<PublicStatus>, after: PublicStatus) -> Option<Worsening> {
    let (old_shipping, old_volume) = before.map_or((0, 0), |b| {
        (shipping_rank(b.shipping), volume_rank(b.volume))
    });
    let change = Worsening {
        shipping: shipping_rank(after.shipping) > old_shipping,
        volume: volume_rank(after.volume) > old_volume,
    };
    (change.shipping || change.volume).then_some(change)
}

/// Attempts after which a mail is marked failed (and waits for an admin's resend).
pub const MAX_DELIVERY_ATTEMPTS: i32 = 8;

/// How long to wait after the `attempts`-th failed delivery: 30 s, doubling, at most 2 hours.
pub fn retry_delay(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 8)).unwrap_or(0);
    Duration::from_secs((30_u64 << exponent).min(7_200))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ShippingStatus::{LimitedByOthers, LimitedOther, LimitedOwn, Normal, Stopped};

    fn status(shipping: ShippingStatus, volume: Option<VolumeStatus>) -> PublicStatus {
        PublicStatus { shipping, volume }
    }

    #[test]
    fn normal_to_any_limited_shipment_or_stoppage_is_worse() {
        for to in [LimitedOwn, LimitedByOthers, LimitedOther, Stopped] {
            let w = worsening(
                Some(status(Normal, Some(VolumeStatus::A))),
                status(to, Some(VolumeStatus::A)),
            );
            assert_eq!(w.map(|w| w.shipping), Some(true), "{to:?}");
        }
    }

    #[test]
    fn a_first_report_is_judged_against_normal_supply() {
        assert!(worsening(None, status(LimitedOwn, None)).is_some());
        assert!(worsening(None, status(Normal, Some(VolumeStatus::B))).is_some());
        assert_eq!(worsening(None, status(Normal, Some(VolumeStatus::A))), None);
        assert_eq!(worsening(None, status(Normal, None)), None);
    }

    #[test]
    fn moving_between_kinds_of_limited_shipment_is_not_worse() {
        let before = Some(status(LimitedOwn, Some(VolumeStatus::B)));
        assert_eq!(
            worsening(before, status(LimitedByOthers, Some(VolumeStatus::B))),
            None
        );
        assert_eq!(
            worsening(before, status(LimitedOther, Some(VolumeStatus::B))),
            None
        );
    }

    #[test]
    fn limited_shipment_to_stoppage_is_worse_and_back_is_not() {
        assert!(worsening(Some(status(LimitedOwn, None)), status(Stopped, None)).is_some());
        assert_eq!(
            worsening(Some(status(Stopped, None)), status(LimitedOwn, None)),
            None
        );
        assert_eq!(
            worsening(Some(status(LimitedOwn, None)), status(Normal, None)),
            None
        );
    }

    #[test]
    fn volume_dropping_to_b_c_or_d_from_a_better_value_is_worse() {
        let w = worsening(
            Some(status(Normal, Some(VolumeStatus::APlus))),
            status(Normal, Some(VolumeStatus::B)),
        );
        assert_eq!(
            w,
            Some(Worsening {
                shipping: false,
                volume: true
            })
        );
        assert!(
            worsening(
                Some(status(Normal, Some(VolumeStatus::B))),
                status(Normal, Some(VolumeStatus::C))
            )
            .is_some()
        );
        assert!(
            worsening(
                Some(status(Stopped, Some(VolumeStatus::C))),
                status(Stopped, Some(VolumeStatus::D))
            )
            .is_some()
        );
    }

    #[test]
    fn an_unchanged_or_better_volume_is_not_worse() {
        for (from, to) in [
            (VolumeStatus::B, VolumeStatus::B),
            (VolumeStatus::C, VolumeStatus::B),
            (VolumeStatus::B, VolumeStatus::A),
            (VolumeStatus::A, VolumeStatus::APlus),
        ] {
            assert_eq!(
                worsening(
                    Some(status(LimitedOwn, Some(from))),
                    status(LimitedOwn, Some(to))
                ),
                None,
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn both_columns_can_worsen_at_once() {
        assert_eq!(
            worsening(
                Some(status(Normal, Some(VolumeStatus::A))),
                status(LimitedOwn, Some(VolumeStatus::B))
            ),
            Some(Worsening {
                shipping: true,
                volume: true
            })
        );
    }

    #[test]
    fn retries_back_off_exponentially_up_to_two_hours() {
        assert_eq!(retry_delay(1), Duration::from_secs(30));
        assert_eq!(retry_delay(2), Duration::from_secs(60));
        assert_eq!(retry_delay(3), Duration::from_secs(120));
        assert_eq!(retry_delay(8), Duration::from_secs(3_840));
        assert_eq!(retry_delay(20), Duration::from_secs(7_200));
        assert_eq!(retry_delay(0), Duration::from_secs(30));
    }
}
