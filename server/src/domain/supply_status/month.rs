//! A calendar month `YYYY-MM`, as ⑮ 見込み時期 / 在庫消尽時期 are given.

use std::fmt;

use crate::domain::validation::{FieldError, normalize_width};

/// A calendar month `YYYY-MM` (⑮ 見込み時期 / 在庫消尽時期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: u16,
    month: u8,
}

impl YearMonth {
    /// Parses `YYYY-MM` (also `YYYY/MM`, full-width digits); the month must be 01–12.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = normalize_width(input).replace('/', "-");
        let invalid = || {
            FieldError::new(
                "month",
                format!(
                    "年月「{}」は YYYY-MM の形式（例 2027-03）で入力してください",
                    input.trim()
                ),
            )
        };
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.is_empty() || month.len() > 2 {
            return Err(invalid());
        }
        let year: u16 = year.parse().map_err(|_| invalid())?;
        let month: u8 = month.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
            return Err(invalid());
        }
        Ok(Self { year, month })
    }

    /// The month `month` (1–12) of `year` (2000–2100); `None` outside those.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (2000..=2100).contains(&year)).then_some(Self { year, month })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}
