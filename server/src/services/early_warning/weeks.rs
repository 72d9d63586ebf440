//! Weeks as the dispensing data count them: each week is keyed by its Monday as `YYYYMMDD`.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::domain::validation::normalize_width;

/// The Monday of `date`'s week as `YYYYMMDD`.
pub fn week_key(date: NaiveDate) -> i32 {
    let monday = monday_of(date);
    monday.year() * 10_000 + i32::try_from(monday.month() * 100 + monday.day()).unwrap_or(0)
}

/// The Monday of `date`'s week.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

/// A stored key back to its Monday.
pub fn from_key(key: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        key / 10_000,
        u32::try_from(key / 100 % 100).ok()?,
        u32::try_from(key % 100).ok()?,
    )
}

/// `date` minus `weeks` weeks.
pub fn weeks_before(date: NaiveDate, weeks: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(7 * weeks))
        .unwrap_or(NaiveDate::MIN)
}

/// Reads a week: an ISO week `2026-W05` (also `2026W05`), or any date of the week
/// (`2026-01-26`, `2026/1/28`), full-width accepted. Returns its Monday.
pub fn parse_week(text: &str) -> Result<NaiveDate, String> {
    let t = normalize_width(text).trim().to_owned();
    let bad = || {
        format!(
            "週「{}」は 2026-W05 か 2026-01-26（その週の日付）の形で入力してください",
            text.trim()
        )
    };
    if let Some((year, week)) = t.split_once('W').or_else(|| t.split_once('w')) {
        let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
        let week: u32 = week.parse().map_err(|_| bad())?;
        return NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad);
    }
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let date = NaiveDate::from_ymd_opt(
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    )
    .ok_or_else(bad)?;
    Ok(monday_of(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    #[test]
    fn any_day_of_a_week_and_its_iso_name_give_the_same_monday() {
        assert_eq!(parse_week("2026-01-28"), Ok(date(2026, 1, 26)));
        assert_eq!(parse_week("2026/1/26"), Ok(date(2026, 1, 26)));
        assert_eq!(parse_week("2026-W05"), Ok(date(2026, 1, 26)));
        assert_eq!(parse_week("２０２６－Ｗ０５"), Ok(date(2026, 1, 26)));
        assert_eq!(week_key(date(2026, 2, 1)), 20_260_126);
        assert_eq!(from_key(20_260_126), Some(date(2026, 1, 26)));
    }

    #[test]
    fn a_week_that_does_not_exist_is_refused_with_the_expected_shapes() {
        for bad in ["2026-W54", "2026-13-01", "last week", ""] {
            let message = parse_week(bad).expect_err(bad);
            assert!(message.contains("2026-W05"), "{message}");
        }
    }
}
