//! Exact fractions of integers, shown as decimals cut (not rounded) to a fixed number of places.

use std::fmt;

/// numerator ÷ denominator, exact; the denominator is never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    numerator: u128,
    denominator: u128,
}

impl Fraction {
    /// `numerator ÷ denominator`; a zero denominator is taken as 1 (the value is then the numerator).
    pub fn new(numerator: u128, denominator: u128) -> Self {
        Self {
            numerator,
            denominator: denominator.max(1),
        }
    }

    /// The numerator.
    pub fn numerator(self) -> u128 {
        self.numerator
    }

    /// The denominator.
    pub fn denominator(self) -> u128 {
        self.denominator
    }

    /// The value cut to `places` decimals, e.g. `7.142` for 150/21 with 3 places.
    pub fn to_decimal(self, places: u32) -> String {
        let whole = self.numerator / self.denominator;
        if places == 0 {
            return whole.to_string();
        }
        let scale = 10u128.pow(places);
        let fraction = (self.numerator % self.denominator) * scale / self.denominator;
        format!("{whole}.{fraction:0width$}", width = places as usize)
    }

    /// The value as a percentage cut to one decimal, e.g. `70.0%` for 7/10 (pages and mails
    /// show ratios so; files and the API keep the decimal).
    pub fn to_percent(self) -> String {
        let hundredfold = Self::new(self.numerator * 100, self.denominator);
        format!("{}%", hundredfold.to_decimal(1))
    }

    /// Writes the value cut to `places` decimals into `out` (no allocation; for large downloads).
    pub fn write_decimal(self, out: &mut impl std::io::Write, places: u32) -> std::io::Result<()> {
        let whole = self.numerator / self.denominator;
        if places == 0 {
            return write!(out, "{whole}");
        }
        let scale = 10u128.pow(places);
        let fraction = (self.numerator % self.denominator) * scale / self.denominator;
        write!(out, "{whole}.{fraction:0width$}", width = places as usize)
    }

    /// The value as a float, for charts and JSON convenience only (never for caps).
    #[expect(
        clippy::cast_precision_loss,
        reason = "a display value; the exact numbers travel beside it"
    )]
    pub fn approximate(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal(4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_cut_like_decimals() {
        assert_eq!(Fraction::new(7, 10).to_percent(), "70.0%");
        assert_eq!(Fraction::new(2, 3).to_percent(), "66.6%");
        assert_eq!(Fraction::new(13, 10).to_percent(), "130.0%");
    }

    #[test]
    fn decimals_are_cut_not_rounded() {
        assert_eq!(Fraction::new(150, 21).to_decimal(3), "7.142");
        assert_eq!(Fraction::new(2, 3).to_decimal(4), "0.6666");
        assert_eq!(Fraction::new(730, 1000).to_string(), "0.7300");
        assert_eq!(Fraction::new(1, 100).to_decimal(2), "0.01");
        assert_eq!(Fraction::new(5, 2).to_decimal(0), "2");
        assert_eq!(Fraction::new(7, 0).to_decimal(1), "7.0");
        let mut out = Vec::new();
        Fraction::new(150, 21)
            .write_decimal(&mut out, 3)
            .expect("writes to memory");
        assert_eq!(out, b"7.142");
    }
}
