//! Knock-on forecast from the ministry's public list alone (no shipments): a drug in normal
//! supply is warned of when drugs of its same-spec group (the YJ code's first 9 characters) or of
//! its ingredient's other strengths (first 7) recently went short, weighted by how few drugs of
//! the group still ship normally and by whether it is a generic or long-listed product.
//!
//! Points of a short drug, by ⑫ and the days since ⑬ (the day ⑫ last changed), for a horizon of
//! h days (30):
//!
//! | ⑫ | ≤ h days | h+1 … 2h days | older, or ⑬ blank |
//! |---|---|---|---|
//! | ③ 限定出荷（他社品の影響） | 40 | 20 | 1 |
//! | ② / ④ 限定出荷 | 40 | 40 | 1 |
//! | ⑤ 供給停止 | 20 | 20 | 1 |
//!
//! score = prior × (P₉ ÷ N₉ + ½ × P₇ ÷ (N₇ + 1)) ÷ 20, where P₉ is the points of the same-spec
//! group and N₉ its drugs in normal supply (the drug itself included), P₇ and N₇ the same for the
//! ingredient's other strengths (same 7 characters, another 9), and prior is 1 for ⑧ 後発品 and
//! 長期収載品 (their demand moves first), ½ otherwise, times 1.5 when the drug's own ⑰ says
//! Aプラス (出荷量増加: it is already taking others' demand). The daily list is the
//! [`LIST_LENGTH`] highest scores of at least [`MIN_SCORE`].
//!
//! Worked example: group 111111AF1 has A (③ since 5 days), B and C in normal supply, both
//! generics. P₉ = 40, N₉ = 2, no other strength: score = 1 × 40 ÷ 2 ÷ 20 = 1.0 for B and C.
//! Fitted on the changes of 2026-07-03 → 08-01 only; measured in `tests/BENCHMARKS.md`.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::supply_status::{ShippingStatus, VolumeStatus};

/// Points of a ③ whose ⑬ is within the horizon.
pub const POINTS_KNOCK_ON_RECENT: u32 = 40;
/// Points of a ③ within twice the horizon.
pub const POINTS_KNOCK_ON_FADING: u32 = 20;
/// Points of a ② / ④ within twice the horizon (fitted: 40 named more moves than 20).
pub const POINTS_LIMITED: u32 = 40;
/// Points of a ⑤ within twice the horizon (fitted: 20 named more moves than 1).
pub const POINTS_STOPPED: u32 = 20;
/// Points of any other short drug (older, or ⑬ blank).
pub const POINTS_BACKGROUND: u32 = 1;
/// Factor of a drug whose ⑰ is Aプラス (fitted: 1.5 named more moves than 1 or 2).
pub const VOLUME_UP_FACTOR: f64 = 1.5;
/// Weight of the ingredient's other strengths against the same spec.
pub const OTHER_STRENGTH_WEIGHT: f64 = 0.5;
/// Prior of a drug that is not a generic or long-listed product.
pub const OTHER_CLASS_PRIOR: f64 = 0.5;
/// Divides the points so that one fresh ③ beside two normal drugs scores 1.
pub const SCALE: f64 = 20.0;
/// Lowest score listed.
pub const MIN_SCORE: f64 = 0.1;
/// Longest daily list: the ministry reads tens, not thousands.
pub const LIST_LENGTH: usize = 50;
/// Default horizon in days.
pub const HORIZON_DAYS: u32 = 30;
/// Reasons named per warned drug.
const REASONS_LISTED: usize = 3;

/// One drug of the list as the forecast sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDrug {
    /// ⑤ YJ code (only 12-character codes are grouped).
    pub code: String,
    /// ⑥.
    pub name: String,
    /// ⑦.
    pub maker: String,
    /// ⑫.
    pub shipping: ShippingStatus,
    /// ⑬, the day ⑫ last changed (blank on the list for older changes).
    pub shipping_changed_on: Option<NaiveDate>,
    /// ⑧ is 後発品 or 長期収載品.
    pub generic_or_long_listed: bool,
    /// ⑰.
    pub volume: Option<VolumeStatus>,
}

/// A drug warned of, with its score and reasons in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub code: String,
    pub score: f64,
    /// 「同一規格の○○（メーカー）が5日前に限定出荷（他社品の影響）」…, strongest first.
    pub reasons: Vec<String>,
}

/// The points one short drug gives its groups `today` (0 for a drug in normal supply).
pub fn points(drug: &ListDrug, today: NaiveDate, horizon_days: u32) -> u32 {
    let age = drug
        .shipping_changed_on
        .map(|d| (today - d).num_days().max(0));
    let within = |days: u32| age.is_some_and(|a| a <= i64::from(days));
    match drug.shipping {
        ShippingStatus::Normal => 0,
        ShippingStatus::LimitedByOthers if within(horizon_days) => POINTS_KNOCK_ON_RECENT,
        ShippingStatus::LimitedByOthers if within(horizon_days.saturating_mul(2)) => {
            POINTS_KNOCK_ON_FADING
        }
        ShippingStatus::LimitedOwn | ShippingStatus::LimitedOther
            if within(horizon_days.saturating_mul(2)) =>
        {
            POINTS_LIMITED
        }
        ShippingStatus::Stopped if within(horizon_days.saturating_mul(2)) => POINTS_STOPPED,
        _ => POINTS_BACKGROUND,
    }
}

/// Same-spec group (9) and ingredient (7) of a 12-character code.
fn groups(code: &str) -> Option<(&str, &str)> {
    (code.chars().count() == 12 && code.is_ascii()).then(|| (&code[..9], &code[..7]))
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    points: u32,
    normal: u32,
}

/// The day's list: drugs in normal supply by descending score (ties by code), at most
/// [`LIST_LENGTH`], each at least [`MIN_SCORE`].
pub fn warnings(drugs: &[ListDrug], today: NaiveDate, horizon_days: u32) -> Vec<Warning> {
    let mut by9: HashMap<&str, Tally> = HashMap::new();
    let mut by7: HashMap<&str, Tally> = HashMap::new();
    let mut contributors: HashMap<&str, Vec<(u32, &ListDrug)>> = HashMap::new();
    for drug in drugs {
        let Some((g9, g7)) = groups(&drug.code) else {
            continue;
        };
        let p = points(drug, today, horizon_days);
        let normal = u32::from(drug.shipping == ShippingStatus::Normal);
        for tally in [by9.entry(g9).or_default(), by7.entry(g7).or_default()] {
            tally.points += p;
            tally.normal += normal;
        }
        if p > 0 {
            contributors.entry(g7).or_default().push((p, drug));
        }
    }
    let mut scored: Vec<(f64, &ListDrug, &str, &str)> = drugs
        .iter()
        .filter(|d| d.shipping == ShippingStatus::Normal)
        .filter_map(|d| {
            let (g9, g7) = groups(&d.code)?;
            let same = by9.get(g9).copied().unwrap_or_default();
            let all = by7.get(g7).copied().unwrap_or_default();
            let other_points = all.points - same.points;
            let other_normal = all.normal - same.normal;
            let class_prior = if d.generic_or_long_listed {
                1.0
            } else {
                OTHER_CLASS_PRIOR
            };
            let prior = if d.volume == Some(VolumeStatus::APlus) {
                class_prior * VOLUME_UP_FACTOR
            } else {
                class_prior
            };
            let score = prior
                * (f64::from(same.points) / f64::from(same.normal.max(1))
                    + OTHER_STRENGTH_WEIGHT * f64::from(other_points)
                        / f64::from(other_normal + 1))
                / SCALE;
            (score >= MIN_SCORE).then_some((score, d, g9, g7))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
    scored.truncate(LIST_LENGTH);
    scored
        .into_iter()
        .map(|(score, d, g9, g7)| {
            let normal = by9.get(g9).map_or(1, |t| t.normal);
            Warning {
                code: d.code.clone(),
                score,
                reasons: reasons(
                    contributors.get(g7).map_or(&[][..], Vec::as_slice),
                    g9,
                    normal,
                    d,
                    today,
                ),
            }
        })
        .collect()
}

/// The strongest contributors in words, then the group's normal count and the drug's class.
fn reasons(
    contributors: &[(u32, &ListDrug)],
    g9: &str,
    normal: u32,
    drug: &ListDrug,
    today: NaiveDate,
) -> Vec<String> {
    let mut ranked: Vec<(bool, u32, &ListDrug)> = contributors
        .iter()
        .map(|(p, d)| (d.code.starts_with(g9), *p, *d))
        .collect();
    // Same spec before other strengths, more points first, the most recent change first.
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.shipping_changed_on.cmp(&a.2.shipping_changed_on))
            .then(a.2.code.cmp(&b.2.code))
    });
    let mut out: Vec<String> = ranked
        .iter()
        .take(REASONS_LISTED)
        .map(|(same, _, d)| {
            let relation = if *same {
                "同一規格"
            } else {
                "同成分の別規格"
            };
            let when = match d.shipping_changed_on {
                Some(on) => match (today - on).num_days().max(0) {
                    0 => "本日".to_owned(),
                    n => format!("{n}日前に"),
                },
                None => "（時期不明）".to_owned(),
            };
            let maker = if d.maker.is_empty() {
                String::new()
            } else {
                format!("（{}）", d.maker)
            };
            format!(
                "{relation}の{}{maker}が{when}{}",
                d.name,
                d.shipping.label_ja()
            )
        })
        .collect();
    if ranked.len() > REASONS_LISTED {
        out.push(format!("ほか供給減 {}品目", ranked.len() - REASONS_LISTED));
    }
    out.push(format!("同一規格で通常出荷は本品を含め{normal}品目"));
    if drug.generic_or_long_listed {
        out.push("後発品・長期収載品（需要が先に移りやすい）".to_owned());
    }
    if drug.volume == Some(VolumeStatus::APlus) {
        out.push("本品の出荷量は増加中（⑰Aプラス：他社品の需要を受けている）".to_owned());
    }
    out
}

/// Adds the shipment-based knock-on forecast where shipments exist: a drug it lists as likely
/// next gains [`SHIPMENT_BONUS`] and the reason in words (`shortfalls`: code → reason), and joins
/// the list if it was not on it; the list is ranked again and cut to [`LIST_LENGTH`].
pub fn with_shipment_forecast(
    mut list: Vec<Warning>,
    shortfalls: &[(String, String)],
) -> Vec<Warning> {
    for (code, reason) in shortfalls {
        if let Some(w) = list.iter_mut().find(|w| &w.code == code) {
            w.score += SHIPMENT_BONUS;
            w.reasons.insert(0, reason.clone());
        } else {
            list.push(Warning {
                code: code.clone(),
                score: SHIPMENT_BONUS,
                reasons: vec![reason.clone()],
            });
        }
    }
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.code.cmp(&b.code))
    });
    list.truncate(LIST_LENGTH);
    list
}

/// What the shipment-based forecast's "likely next" adds to a score: it rests on the makers'
/// own figures, so it ranks above any list-only signal but one fresh ③ beside one normal drug.
pub const SHIPMENT_BONUS: f64 = 1.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 8, d).unwrap_or_default()
    }

    fn drug(code: &str, shipping: ShippingStatus, on: Option<u32>, generic: bool) -> ListDrug {
        ListDrug {
            code: code.into(),
            name: format!("薬{}", &code[9..]),
            maker: "メーカー".into(),
            shipping,
            shipping_changed_on: on.map(day),
            generic_or_long_listed: generic,
            volume: None,
        }
    }

    #[test]
    fn the_module_example_scores_one() {
        let list = [
            drug(
                "111111AF1011",
                ShippingStatus::LimitedByOthers,
                Some(15),
                true,
            ),
            drug("111111AF1022", ShippingStatus::Normal, None, true),
            drug("111111AF1033", ShippingStatus::Normal, None, true),
        ];
        let w = warnings(&list, day(20), HORIZON_DAYS);
        let scores: Vec<(&str, f64)> = w.iter().map(|w| (w.code.as_str(), w.score)).collect();
        assert_eq!(scores, [("111111AF1022", 1.0), ("111111AF1033", 1.0)]);
        assert_eq!(
            w[0].reasons[0],
            "同一規格の薬011（メーカー）が5日前に限定出荷（他社品の影響）"
        );
    }

    #[test]
    fn points_fade_with_the_age_of_the_change() {
        let at = |s, on| points(&drug("111111AF1011", s, on, false), day(31), 10);
        assert_eq!(at(ShippingStatus::LimitedByOthers, Some(21)), 40);
        assert_eq!(at(ShippingStatus::LimitedByOthers, Some(20)), 20);
        assert_eq!(at(ShippingStatus::LimitedOwn, Some(11)), 40);
        assert_eq!(at(ShippingStatus::LimitedOther, Some(10)), 1);
        assert_eq!(at(ShippingStatus::Stopped, Some(11)), 20);
        assert_eq!(at(ShippingStatus::Stopped, Some(10)), 1);
        assert_eq!(at(ShippingStatus::LimitedByOthers, None), 1);
        assert_eq!(at(ShippingStatus::Normal, Some(31)), 0);
    }

    #[test]
    fn other_strengths_count_half_and_non_generics_half() {
        // Same spec: one ② (40) beside X (brand) and Y; the other strength: a fresh ③ (40)
        // beside one normal drug. X: 0.5 × (40/2 + 0.5 × 40/2) / 20 = 0.75; Y (generic) 1.5.
        let list = [
            drug("222222AF1011", ShippingStatus::LimitedOwn, Some(10), false),
            drug("222222AF1022", ShippingStatus::Normal, None, false),
            drug("222222AF1033", ShippingStatus::Normal, None, true),
            drug(
                "222222AF2011",
                ShippingStatus::LimitedByOthers,
                Some(18),
                true,
            ),
            drug("222222AF2022", ShippingStatus::Normal, None, true),
        ];
        let w = warnings(&list, day(20), HORIZON_DAYS);
        let score = |code: &str| w.iter().find(|w| w.code == code).map(|w| w.score);
        assert_eq!(score("222222AF1022"), Some(0.75));
        assert_eq!(score("222222AF1033"), Some(1.5));
        // 2F2022: 1 × (40/1 + 0.5 × 40/(2+1)) / 20.
        assert_eq!(score("222222AF2022"), Some((40.0 + 20.0 / 3.0) / 20.0));
        let y = w.iter().find(|w| w.code == "222222AF1033");
        assert_eq!(
            y.map(|w| w.reasons.clone()),
            Some(vec![
                "同一規格の薬011（メーカー）が10日前に限定出荷（自社の事情）".to_owned(),
                "同成分の別規格の薬011（メーカー）が2日前に限定出荷（他社品の影響）".to_owned(),
                "同一規格で通常出荷は本品を含め2品目".to_owned(),
                "後発品・長期収載品（需要が先に移りやすい）".to_owned(),
            ])
        );
    }

    #[test]
    fn a_drug_already_shipping_more_ranks_higher() {
        let mut up = drug("111111AF1033", ShippingStatus::Normal, None, true);
        up.volume = Some(VolumeStatus::APlus);
        let list = [
            drug(
                "111111AF1011",
                ShippingStatus::LimitedByOthers,
                Some(15),
                true,
            ),
            drug("111111AF1022", ShippingStatus::Normal, None, true),
            up,
        ];
        let w = warnings(&list, day(20), HORIZON_DAYS);
        let scores: Vec<(&str, f64)> = w.iter().map(|w| (w.code.as_str(), w.score)).collect();
        assert_eq!(scores, [("111111AF1033", 1.5), ("111111AF1022", 1.0)]);
        assert!(w[0].reasons.iter().any(|r| r.contains("⑰Aプラス")));
    }

    #[test]
    fn a_weak_signal_is_not_listed_and_the_list_is_short() {
        // One old 供給停止 beside 30 brand drugs: 0.5 × 1/30 / 20 is far below the floor.
        let mut list = vec![drug(
            "333333AF1011",
            ShippingStatus::Stopped,
            Some(1),
            false,
        )];
        list.extend((0..30).map(|i| {
            drug(
                &format!("333333AF1{i:03}"),
                ShippingStatus::Normal,
                None,
                false,
            )
        }));
        assert!(warnings(&list, day(20), HORIZON_DAYS).is_empty());
        let many: Vec<ListDrug> = (0..80)
            .flat_map(|g| {
                [
                    drug(
                        &format!("4{g:05}AF1011"),
                        ShippingStatus::LimitedByOthers,
                        Some(19),
                        true,
                    ),
                    drug(
                        &format!("4{g:05}AF1022"),
                        ShippingStatus::Normal,
                        None,
                        true,
                    ),
                ]
            })
            .collect();
        assert_eq!(warnings(&many, day(20), HORIZON_DAYS).len(), LIST_LENGTH);
    }

    #[test]
    fn the_shipment_forecast_raises_and_adds_drugs() {
        let list = vec![Warning {
            code: "A".into(),
            score: 0.2,
            reasons: vec!["r".into()],
        }];
        let combined = with_shipment_forecast(
            list,
            &[("B".into(), "出荷".into()), ("A".into(), "出荷A".into())],
        );
        let got: Vec<(&str, f64, &str)> = combined
            .iter()
            .map(|w| (w.code.as_str(), w.score, w.reasons[0].as_str()))
            .collect();
        assert_eq!(got, [("A", 1.2, "出荷A"), ("B", 1.0, "出荷")]);
    }
}
