//! Japan's public holidays and the government's working days, for the daily publication of the
//! list (the ministry publishes every working day).
//!
//! Source of the table: 内閣府「国民の祝日について」
//! (<https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html>, its list `syukujitsu.csv`), which
//! includes the 振替休日 and 国民の休日 of 国民の祝日に関する法律 第3条. 春分の日 and 秋分の日 are
//! fixed each February by the 暦要項 of the National Astronomical Observatory, so the table ends
//! with the last year announced (2027); add the next year each February. The year-end closure
//! 12/29–1/3 is 行政機関の休日に関する法律 第1条.

use chrono::{Datelike, NaiveDate, Weekday};

/// Public holidays, 2025–2027, as (year, month, day).
const HOLIDAYS: &[(i32, u32, u32)] = &[
    // 2025 (令和7年)
    (2025, 1, 1),
    (2025, 1, 13),
    (2025, 2, 11),
    (2025, 2, 23),
    (2025, 2, 24),
    (2025, 3, 20),
    (2025, 4, 29),
    (2025, 5, 3),
    (2025, 5, 4),
    (2025, 5, 5),
    (2025, 5, 6),
    (2025, 7, 21),
    (2025, 8, 11),
    (2025, 9, 15),
    (2025, 9, 23),
    (2025, 10, 13),
    (2025, 11, 3),
    (2025, 11, 23),
    (2025, 11, 24),
    // 2026 (令和8年): 5/6 振替休日, 9/22 国民の休日
    (2026, 1, 1),
    (2026, 1, 12),
    (2026, 2, 11),
    (2026, 2, 23),
    (2026, 3, 20),
    (2026, 4, 29),
    (2026, 5, 3),
    (2026, 5, 4),
    (2026, 5, 5),
    (2026, 5, 6),
    (2026, 7, 20),
    (2026, 8, 11),
    (2026, 9, 21),
    (2026, 9, 22),
    (2026, 9, 23),
    (2026, 10, 12),
    (2026, 11, 3),
    (2026, 11, 23),
    // 2027 (令和9年): 3/22 振替休日
    (2027, 1, 1),
    (2027, 1, 11),
    (2027, 2, 11),
    (2027, 2, 23),
    (2027, 3, 21),
    (2027, 3, 22),
    (2027, 4, 29),
    (2027, 5, 3),
    (2027, 5, 4),
    (2027, 5, 5),
    (2027, 7, 19),
    (2027, 8, 11),
    (2027, 9, 20),
    (2027, 9, 23),
    (2027, 10, 11),
    (2027, 11, 3),
    (2027, 11, 23),
];

/// Whether `day` is a public holiday (国民の祝日, 振替休日, 国民の休日).
pub fn is_holiday(day: NaiveDate) -> bool {
    HOLIDAYS
        .iter()
        .any(|&(y, m, d)| day.year() == y && day.month() == m && day.day() == d)
}

/// Whether the government works on `day`: a weekday that is neither a public holiday nor part
/// of the year-end closure (12/29–1/3).
pub fn is_working_day(day: NaiveDate) -> bool {
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    let year_end = (day.month() == 12 && day.day() >= 29) || (day.month() == 1 && day.day() <= 3);
    !weekend && !year_end && !is_holiday(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn holidays_weekends_and_the_year_end_are_not_working_days() {
        assert!(is_working_day(day(2026, 8, 18)), "the edition of a Tuesday");
        assert!(!is_working_day(day(2026, 8, 11)), "山の日");
        assert!(
            !is_working_day(day(2026, 9, 22)),
            "国民の休日 between two holidays"
        );
        assert!(!is_working_day(day(2026, 5, 6)), "振替休日");
        assert!(
            !is_working_day(day(2027, 3, 22)),
            "春分の日 on a Sunday, moved to Monday"
        );
        assert!(!is_working_day(day(2026, 8, 15)), "a Saturday");
        assert!(!is_working_day(day(2026, 12, 29)), "year-end closure");
        assert!(!is_working_day(day(2027, 1, 3)), "year-end closure to 1/3");
        assert!(is_working_day(day(2027, 1, 4)));
    }

    #[test]
    fn every_year_has_its_sixteen_holidays_or_more() {
        for year in 2025..=2027 {
            let count = HOLIDAYS.iter().filter(|(y, _, _)| *y == year).count();
            assert!(count >= 16, "{year}: {count}");
            assert!(
                HOLIDAYS
                    .iter()
                    .all(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).is_some())
            );
        }
    }
}
