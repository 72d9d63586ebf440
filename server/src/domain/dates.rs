//! Dates as ministry users read them: ISO date with the Japanese era (2025-10-24 / 令和7年10月24日).

use chrono::{Datelike, NaiveDate};

/// The Japanese-era form of a date, e.g. 令和7年10月24日 (the first year is 元年).
pub fn era_date(date: NaiveDate) -> String {
    let (era, first_year) = if date >= NaiveDate::from_ymd_opt(2019, 5, 1).unwrap_or(NaiveDate::MIN)
    {
        ("令和", 2019)
    } else if date >= NaiveDate::from_ymd_opt(1989, 1, 8).unwrap_or(NaiveDate::MIN) {
        ("平成", 1989)
    } else {
        ("昭和", 1926)
    };
    let year = date.year() - first_year + 1;
    let year_text = if year == 1 {
        "元".to_owned()
    } else {
        year.to_string()
    };
    format!("{era}{year_text}年{}月{}日", date.month(), date.day())
}

/// The Japanese-era form of a month, e.g. 令和7年10月 (the era of the month's first day).
pub fn era_month(year: i32, month: u32) -> String {
    NaiveDate::from_ymd_opt(year, month, 1).map_or_else(
        || format!("{year}年{month}月"),
        |first| {
            let day = era_date(first);
            day.strip_suffix("1日").unwrap_or(&day).to_owned()
        },
    )
}

/// `2025-10-24 / 令和7年10月24日`.
pub fn iso_and_era(date: NaiveDate) -> String {
    format!("{} / {}", date.format("%Y-%m-%d"), era_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn reiwa_dates_follow_the_designs_example() {
        assert_eq!(
            iso_and_era(day(2025, 10, 24)),
            "2025-10-24 / 令和7年10月24日"
        );
    }

    #[test]
    fn months_carry_their_era() {
        assert_eq!(era_month(2026, 11), "令和8年11月");
        assert_eq!(era_month(2019, 5), "令和元年5月");
        assert_eq!(era_month(2019, 4), "平成31年4月");
    }

    #[test]
    fn the_first_year_of_an_era_is_gannen_and_eras_switch_on_their_day() {
        assert_eq!(era_date(day(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(era_date(day(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(era_date(day(1989, 1, 7)), "昭和64年1月7日");
    }
}
