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

/// How long a mail keeps being retried before it is marked failed (and waits for an admin's
/// resend): a relay lost for a day or two still delivers everything.
pub const RETRY_WINDOW: Duration = Duration::from_secs(72 * 3600);

/// Mail failing this long raises the alarm: an ERROR in the log and a banner for admins.
pub const MAIL_ALERT_AFTER: Duration = Duration::from_secs(15 * 60);

/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(30 * 60);

/// The wait after the `attempts`-th failed delivery: 30 s, doubling, at most [`MAX_RETRY_DELAY`].
fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(0);
    Duration::from_secs((30_u64 << exponent).min(MAX_RETRY_DELAY.as_secs()))
}

/// How long to wait after the `attempts`-th failed delivery; `None` once the waits so far span
/// the [`RETRY_WINDOW`] — the mail is then marked failed.
pub fn retry_delay(attempts: i32) -> Option<Duration> {
    let waited: Duration = (1..attempts).map(backoff).sum();
    (waited < RETRY_WINDOW).then(|| backoff(attempts))
}

/// Failed attempts after which a mail has been failing for about `span` (the first attempt
/// counts as time zero): what the admin alert looks for.
pub fn attempts_failing_for(span: Duration) -> i32 {
    let mut waited = Duration::ZERO;
    let mut attempts = 1;
    while waited < span && attempts < i32::MAX {
        waited += backoff(attempts);
        attempts += 1;
    }
    attempts
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
    fn retries_back_off_exponentially_up_to_half_an_hour_for_72_hours() {
        assert_eq!(retry_delay(1), Some(Duration::from_secs(30)));
        assert_eq!(retry_delay(2), Some(Duration::from_secs(60)));
        assert_eq!(retry_delay(3), Some(Duration::from_secs(120)));
        assert_eq!(retry_delay(7), Some(Duration::from_secs(1_800)));
        assert_eq!(retry_delay(20), Some(Duration::from_secs(1_800)));
        assert_eq!(retry_delay(0), Some(Duration::from_secs(30)));
        let last = (1..10_000).find(|n| retry_delay(*n).is_none()).unwrap_or(0);
        let waited: Duration = (1..last).filter_map(retry_delay).sum();
        assert!(waited >= RETRY_WINDOW, "{waited:?} after {last} attempts");
        assert!(waited < RETRY_WINDOW + MAX_RETRY_DELAY, "{waited:?}");
    }

    #[test]
    fn mail_failing_for_a_quarter_of_an_hour_has_six_failed_attempts() {
        // 30 + 60 + 120 + 240 + 480 s = 15.5 min before the sixth attempt.
        assert_eq!(attempts_failing_for(Duration::from_secs(15 * 60)), 6);
    }
}
