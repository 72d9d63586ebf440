//! The calibration of the national history: the ⑫ mix over time and the odds of every other field.

use chrono::{Datelike, NaiveDate};

use super::rng::Rng;

/// ⑫ `1` 通常出荷.
pub(super) const NORMAL: u8 = 1;
/// ⑫ `2` 限定出荷（自社の事情）.
pub(super) const OWN: u8 = 2;
/// ⑫ `3` 限定出荷（他社品の影響）.
pub(super) const KNOCK_ON: u8 = 3;
/// ⑫ `4` 限定出荷（その他）.
pub(super) const OTHER: u8 = 4;
/// ⑫ `5` 供給停止.
pub(super) const STOPPED: u8 = 5;

/// ⑭ not given (only with 通常出荷).
pub(super) const NO_OUTLOOK: u8 = 0;
/// ⑭ あり.
pub(super) const EXPECTED: u8 = 1;
/// ⑭ なし.
pub(super) const NOT_EXPECTED: u8 = 2;
/// ⑭ 未定.
pub(super) const UNDECIDED: u8 = 3;

/// ⑯ `A+`.
pub(super) const MORE: u8 = 0;
/// ⑯ `A`.
pub(super) const USUAL: u8 = 1;
/// ⑯ `B`.
pub(super) const LESS: u8 = 2;
/// ⑯ `C` 出荷停止.
pub(super) const HALTED: u8 = 3;
/// ⑯ `D` 販売中止/薬価削除予定.
pub(super) const ENDING: u8 = 4;

/// ⑫ codes by status number (index 0 unused).
pub(super) const SHIPPING_CODES: [&str; 6] = ["", "1", "2", "3", "4", "5"];
/// ⑬ codes by reason number (index 0 = no reason).
pub(super) const REASON_CODES: [&str; 9] = ["", "1", "2", "3", "4", "5", "6", "7", "8"];
/// ⑭ values by outlook number (index 0 = not given).
pub(super) const OUTLOOK_CODES: [&str; 4] = ["", "あり", "なし", "未定"];
/// ⑯ codes by volume number.
pub(super) const VOLUME_CODES: [&str; 5] = ["A+", "A", "B", "C", "D"];

/// True for the statuses that make neighbours short of supply (2, 4, 5).
pub(super) const fn is_short(status: u8) -> bool {
    matches!(status, OWN | OTHER | STOPPED)
}

/// Mid-2023, where the 2023 mix applies.
const ANCHOR_2023: NaiveDate = NaiveDate::from_ymd_opt(2023, 7, 2).expect("a valid date");
/// Mid-2025, where the published 2025 mix applies.
const ANCHOR_2025: NaiveDate = NaiveDate::from_ymd_opt(2025, 7, 2).expect("a valid date");
/// Shares of ⑫ 2, 3, 4, 5 in basis points, 2023: about 23% of items not in normal supply.
const MIX_2023: [i64; 4] = [800, 750, 200, 550];
/// Shares of ⑫ 2, 3, 4, 5 in basis points, 2025 (the published mix: 4%, 4%, 1%, 5%).
const MIX_2025: [i64; 4] = [400, 400, 100, 500];

/// Monthly factors (per mille, averaging 1000) of ⑫ 4: winter infections raise demand.
const OTHER_SEASON: [i64; 12] = [
    1300, 1300, 1150, 1000, 850, 800, 750, 800, 900, 1000, 1050, 1100,
];

/// Target number of products in each ⑫ status (index = status) in the week of `friday`.
///
/// The shares move linearly from the 2023 to the 2025 mix, so that each calendar year's average
/// is its mix, and stay flat a quarter of the span beyond either end; ⑫ 4 also follows the
/// seasons.
pub(super) fn targets(friday: NaiveDate, products: usize) -> [usize; 6] {
    let span = (ANCHOR_2025 - ANCHOR_2023).num_days();
    let x = (friday - ANCHOR_2023)
        .num_days()
        .clamp(-span / 4, span + span / 4);
    let n = i64::try_from(products).unwrap_or(i64::MAX / 10_000);
    let mut out = [0; 6];
    for (i, (&from, &to)) in MIX_2023.iter().zip(&MIX_2025).enumerate() {
        let mut basis_points = from + (to - from) * x / span;
        if i + 2 == usize::from(OTHER) {
            let month = usize::try_from(friday.month0()).unwrap_or(0);
            basis_points = basis_points * OTHER_SEASON[month % 12] / 1000;
        }
        let count = (n * basis_points + 5_000) / 10_000;
        out[i + 2] = usize::try_from(count).unwrap_or(0);
    }
    out
}

/// The month index (`year * 12 + month0`) of a date.
pub(super) fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// `YYYY-MM` for a month index.
pub(super) fn format_month(month: i64) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// ⑬ for a new 限定出荷（自社の事情）: the published 2025 shares (durations do not depend on it).
const OWN_REASONS: [(u8, u32); 7] = [(1, 3), (2, 14), (3, 30), (4, 7), (5, 4), (6, 3), (8, 39)];
/// ⑬ for a new 限定出荷（その他）: mostly demand surges (infections, other makers' news).
const OTHER_REASONS: [(u8, u32); 4] = [(1, 45), (2, 10), (3, 10), (8, 35)];
/// ⑬ for a new 供給停止.
const STOPPED_REASONS: [(u8, u32); 6] = [(2, 5), (3, 20), (4, 15), (5, 10), (6, 15), (8, 35)];
/// ⑬ for a 限定出荷（他社品の影響） with no short neighbour in its group.
const LONE_KNOCK_ON_REASONS: [(u8, u32); 2] = [(1, 80), (8, 20)];

/// ⑬ for a new episode of `status` other than 限定出荷（自社の事情）: knock-ons from a neighbour
/// are always 需要増.
pub(super) fn reason(rng: &mut Rng, status: u8, lone: bool) -> u8 {
    match status {
        OTHER => rng.weighted(&OTHER_REASONS),
        STOPPED => rng.weighted(&STOPPED_REASONS),
        KNOCK_ON if lone => rng.weighted(&LONE_KNOCK_ON_REASONS),
        _ => 1,
    }
}

/// ⑬ for a new 限定出荷（自社の事情）, given how many current ones have each reason.
///
/// Drawn in proportion to each reason's shortfall against the published shares, so the mix of
/// the products in ⑫ 2 stays close to it week after week (a plain draw wanders by ±4 points
/// over a year, as episodes last months).
pub(super) fn own_reason(rng: &mut Rng, current: &[u32; 9]) -> u8 {
    let total: u32 = current.iter().sum();
    let shortfall = OWN_REASONS.map(|(reason, share)| {
        let wanted = share * (total + 1);
        let have = 100 * current[usize::from(reason)];
        (reason, wanted.saturating_sub(have))
    });
    rng.weighted(&shortfall)
}

/// ⑯ for a new episode: limited shipments mostly B or A, stoppages C, or D when discontinued.
pub(super) fn volume(rng: &mut Rng, status: u8, reason: u8) -> u8 {
    match status {
        OWN => rng.weighted(&[(LESS, 65), (USUAL, 30), (MORE, 5)]),
        KNOCK_ON => rng.weighted(&[(USUAL, 45), (LESS, 40), (MORE, 15)]),
        OTHER => rng.weighted(&[(LESS, 55), (USUAL, 40), (MORE, 5)]),
        _ if reason == 6 || (reason == 8 && rng.chance(250)) => ENDING,
        _ => HALTED,
    }
}

/// Per mille of its usual volume a product in `status` with ⑯ `volume` truly fails to ship: all
/// when stopped (⑫ 5, ⑯ C or D), 15–45% with ⑯ B, a small part (1–10%) otherwise.
pub(super) fn truly_lost(rng: &mut Rng, status: u8, volume: u8) -> u32 {
    match (status, volume) {
        (NORMAL, _) => 0,
        (STOPPED, _) | (_, HALTED | ENDING) => 1000,
        (_, LESS) => rng.between(150, 450),
        _ => rng.between(10, 100),
    }
}

/// ⑯ of a product in normal supply when it covers no neighbour: mostly A.
pub(super) fn baseline_volume(rng: &mut Rng) -> u8 {
    rng.weighted(&[(USUAL, 940), (LESS, 40), (MORE, 20)])
}

/// Length in weeks of a new episode: weeks to many months; stoppages can last years.
pub(super) fn duration(rng: &mut Rng, status: u8, volume: u8) -> u32 {
    match status {
        OWN => match rng.below(10) {
            0..=3 => rng.between(4, 16),
            4..=7 => rng.between(16, 52),
            _ => rng.between(52, 130),
        },
        KNOCK_ON => rng.between(4, 36),
        OTHER => rng.between(4, 40),
        _ if volume == ENDING => rng.between(26, 78),
        _ if rng.chance(500) => rng.between(4, 26),
        _ => rng.between(26, 104),
    }
}

/// ⑭ for a new episode: 未定 is the most common answer, as in the published lists.
pub(super) fn outlook(rng: &mut Rng, status: u8, volume: u8) -> u8 {
    match status {
        NORMAL => NO_OUTLOOK,
        KNOCK_ON => rng.weighted(&[(EXPECTED, 25), (NOT_EXPECTED, 5), (UNDECIDED, 70)]),
        STOPPED if volume == ENDING => NOT_EXPECTED,
        STOPPED => rng.weighted(&[(EXPECTED, 25), (NOT_EXPECTED, 15), (UNDECIDED, 60)]),
        _ => rng.weighted(&[(EXPECTED, 30), (NOT_EXPECTED, 10), (UNDECIDED, 60)]),
    }
}

/// Per-mille odds that a product in normal supply raises its shipments to cover a short neighbour.
pub(super) const COVERING_PER_MILLE: u32 = 300;
/// Per-mille weekly odds that a limited shipment moves between A and B.
pub(super) const VOLUME_DRIFT_PER_MILLE: u32 = 8;
/// Weeks after its start during which a shortage still triggers knock-ons in its group.
pub(super) const KNOCK_ON_WINDOW: u32 = 8;
/// Weeks between re-confirmation reports of a product not in normal supply.
pub(super) const RECONFIRM_WEEKS: u32 = 4;
