//! Replaying real history through the list-based forecast: start from an edition of the
//! ministry's list, apply the recorded changes of ⑫ day by day, and after each day's changes
//! take that day's list — so a day's warnings rest only on what was known that day.
//!
//! Changes dated on or before the edition are already in it: they are undone first (⑫ back to
//! the value before, ⑬ blank, added drugs removed), so the replay starts on the first day of the
//! changes; otherwise it starts on the edition's day.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::knock_on_list::{ListDrug, Warning, warnings};
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};

/// One recorded change of the list (a row of the transitions file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub date: NaiveDate,
    pub code: String,
    /// ⑫ before and after; `None` for a change of another column.
    pub shipping: Option<(Option<ShippingStatus>, ShippingStatus)>,
    /// ⑰ before and after; `None` for a change of another column.
    pub volume: Option<(Option<VolumeStatus>, Option<VolumeStatus>)>,
    /// The drug first appears on the list with this change.
    pub added: bool,
    /// ⑥ and ⑦, for a drug new to the list.
    pub name: String,
    pub maker: String,
}

/// One day of the replay: its date and its list.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: NaiveDate,
    pub warnings: Vec<Warning>,
}

/// Replays `changes` from the edition `drugs` of `edition`, one list per calendar day from the
/// start to the last change (at least to the edition's day).
pub fn replay(
    edition: NaiveDate,
    drugs: Vec<ListDrug>,
    changes: &[Change],
    horizon_days: u32,
) -> Vec<Day> {
    let mut by_day: BTreeMap<NaiveDate, Vec<&Change>> = BTreeMap::new();
    for change in changes {
        by_day.entry(change.date).or_default().push(change);
    }
    let known: HashMap<String, ListDrug> =
        drugs.iter().map(|d| (d.code.clone(), d.clone())).collect();
    let mut state: BTreeMap<String, ListDrug> =
        drugs.into_iter().map(|d| (d.code.clone(), d)).collect();
    for change in by_day
        .range(..=edition)
        .rev()
        .flat_map(|(_, c)| c.iter().rev())
    {
        undo(&mut state, change);
    }
    let start = by_day
        .keys()
        .next()
        .copied()
        .filter(|first| *first <= edition)
        .unwrap_or(edition);
    let last = by_day
        .keys()
        .next_back()
        .copied()
        .unwrap_or(edition)
        .max(edition);
    let mut days = Vec::new();
    let mut today = start;
    let mut listed: Vec<ListDrug> = Vec::new();
    loop {
        for change in by_day.get(&today).into_iter().flatten() {
            apply(&mut state, &known, change);
        }
        listed.clear();
        listed.extend(state.values().cloned());
        days.push(Day {
            date: today,
            warnings: warnings(&listed, today, horizon_days),
        });
        match today.succ_opt() {
            Some(next) if next <= last => today = next,
            _ => break,
        }
    }
    days
}

fn undo(state: &mut BTreeMap<String, ListDrug>, change: &Change) {
    if change.added {
        state.remove(&change.code);
    } else if let (Some((from, _)), Some(drug)) = (change.shipping, state.get_mut(&change.code)) {
        drug.shipping = from.unwrap_or(ShippingStatus::Normal);
        drug.shipping_changed_on = None;
    } else if let (Some((from, _)), Some(drug)) = (change.volume, state.get_mut(&change.code)) {
        drug.volume = from;
    }
}

fn apply(state: &mut BTreeMap<String, ListDrug>, known: &HashMap<String, ListDrug>, c: &Change) {
    if c.added && !state.contains_key(&c.code) {
        let drug = known.get(&c.code).cloned().unwrap_or_else(|| ListDrug {
            code: c.code.clone(),
            name: c.name.clone(),
            maker: c.maker.clone(),
            shipping: ShippingStatus::Normal,
            shipping_changed_on: None,
            generic_or_long_listed: false,
            volume: None,
        });
        state.insert(c.code.clone(), drug);
    }
    if let (Some((_, to)), Some(drug)) = (c.volume, state.get_mut(&c.code)) {
        drug.volume = to;
    }
    if let (Some((_, to)), Some(drug)) = (c.shipping, state.get_mut(&c.code)) {
        drug.shipping = to;
        drug.shipping_changed_on = Some(c.date);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 8, d).unwrap_or_default()
    }

    fn drug(code: &str, shipping: ShippingStatus, on: Option<u32>) -> ListDrug {
        ListDrug {
            code: code.into(),
            name: code.into(),
            maker: String::new(),
            shipping,
            shipping_changed_on: on.map(day),
            generic_or_long_listed: true,
            volume: None,
        }
    }

    fn change(d: u32, code: &str, from: ShippingStatus, to: ShippingStatus) -> Change {
        Change {
            date: day(d),
            code: code.into(),
            shipping: Some((Some(from), to)),
            volume: None,
            added: false,
            name: String::new(),
            maker: String::new(),
        }
    }

    #[test]
    fn changes_before_the_edition_are_undone_and_replayed() {
        use ShippingStatus::{LimitedByOthers as Three, Normal};
        // The edition of the 14th already shows A in ③ since the 12th.
        let edition = vec![
            drug("111111AF1011", Three, Some(12)),
            drug("111111AF1022", Normal, None),
        ];
        let changes = [change(12, "111111AF1011", Normal, Three)];
        let days = replay(day(14), edition, &changes, 30);
        // Starts on the 12th (nothing before it) and runs to the edition's day.
        let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
        assert_eq!(dates, [day(12), day(13), day(14)]);
        let first: Vec<(&str, f64)> = days[0]
            .warnings
            .iter()
            .map(|w| (w.code.as_str(), w.score))
            .collect();
        assert_eq!(first, [("111111AF1022", 2.0)]);
        assert_eq!(
            days[2].warnings,
            days[0]
                .warnings
                .clone()
                .into_iter()
                .map(|mut w| {
                    w.reasons[0] = w.reasons[0].replace("本日", "2日前に");
                    w
                })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_day_from_the_edition_to_the_last_change_has_a_list() {
        use ShippingStatus::{LimitedOwn as Two, Normal};
        let edition = vec![
            drug("111111AF1011", Normal, None),
            drug("111111AF1022", Normal, None),
        ];
        let changes = [change(17, "111111AF1011", Normal, Two)];
        let days = replay(day(14), edition, &changes, 30);
        let sizes: Vec<(u32, usize)> = days
            .iter()
            .map(|d| (chrono::Datelike::day(&d.date), d.warnings.len()))
            .collect();
        assert_eq!(sizes, [(14, 0), (15, 0), (16, 0), (17, 1)]);
    }
}
