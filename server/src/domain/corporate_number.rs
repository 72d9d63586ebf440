//! The 13-digit 法人番号 (corporate number), whose first digit checks the other twelve.

use std::fmt;

use super::validation::{FieldError, normalize_width};

/// A validated 法人番号 such as `1180301018771`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorporateNumber(String);

impl CorporateNumber {
    /// Parses 13 digits; the first must equal `9 − (Σ dᵢ×wᵢ mod 9)`, weights 1,2,1,2… from the right.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let number = normalize_width(input);
        if number.len() != 13 || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                "format",
                format!("法人番号「{input}」は13桁の数字で入力してください"),
            ));
        }
        let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
        let expected = check_digit(&digits[1..]);
        if digits[0] != expected {
            return Err(FieldError::new(
                "check_digit",
                format!(
                    "法人番号「{number}」の検査用数字（先頭の1桁）が誤っています（正しくは {expected}）"
                ),
            ));
        }
        Ok(Self(number))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check digit of the 12 base digits.
pub fn check_digit(base: &[u32]) -> u32 {
    let sum: u32 = base
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 2 })
        .sum();
    9 - sum % 9
}

impl fmt::Display for CorporateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_designs_example_is_valid() {
        assert!(CorporateNumber::parse("1180301018771").is_ok());
    }

    #[test]
    fn a_wrong_first_digit_is_refused_naming_the_right_one() {
        let err = CorporateNumber::parse("2180301018771").expect_err("bad check");
        assert_eq!(err.code, "check_digit");
        assert!(err.message.contains("正しくは 1"), "{}", err.message);
    }

    #[test]
    fn twelve_digits_or_letters_are_refused() {
        assert_eq!(
            CorporateNumber::parse("180301018771")
                .expect_err("short")
                .code,
            "format"
        );
        assert_eq!(
            CorporateNumber::parse("118030101877A")
                .expect_err("letter")
                .code,
            "format"
        );
    }
}
