//! GS1 GTIN-13 (JAN) and GTIN-14 codes of devices and IVDs, with the mod-10 check digit.

use std::fmt;

use super::validation::{FieldError, normalize_width};

/// A validated GTIN-13 or GTIN-14.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

impl Gtin {
    /// Parses 13 or 14 digits and checks the GS1 check digit (weights 3,1 from the right).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = normalize_width(input);
        if !(code.len() == 13 || code.len() == 14) || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                "format",
                format!("製品コード（GTIN）「{input}」は13桁または14桁の数字で入力してください"),
            ));
        }
        let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
        let (body, check) = digits.split_at(digits.len() - 1);
        let expected = check_digit(body);
        if check[0] != expected {
            return Err(FieldError::new(
                "check_digit",
                format!(
                    "製品コード（GTIN）「{code}」のチェックディジットが誤っています（正しくは {expected}）"
                ),
            ));
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// GS1 mod-10: from the rightmost body digit, weights 3,1,3,1…; check = (10 − Σ mod 10) mod 10.
pub fn check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_13_and_14_with_correct_check_digits_are_accepted() {
        assert!(Gtin::parse("4901234567894").is_ok());
        assert!(Gtin::parse("14901234567891").is_ok());
    }

    #[test]
    fn a_wrong_check_digit_is_refused_and_named() {
        let err = Gtin::parse("4901234567895").expect_err("bad check digit");
        assert_eq!(err.code, "check_digit");
        assert!(err.message.contains("正しくは 4"), "{}", err.message);
    }

    #[test]
    fn other_lengths_and_letters_are_refused() {
        assert_eq!(
            Gtin::parse("490123456789").expect_err("12 digits").code,
            "format"
        );
        assert_eq!(
            Gtin::parse("490123456789A").expect_err("letter").code,
            "format"
        );
    }
}
