//! Device identifiers other than the GTIN: the 8-digit JMDN code and the 承認番号/認証番号.

use super::validation::{FieldError, normalize_width};

/// A JMDN (Japanese Medical Device Nomenclature) code: exactly 8 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmdnCode(String);

impl JmdnCode {
    /// Parses 8 digits.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = normalize_width(input);
        if code.len() == 8 && code.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(code))
        } else {
            Err(FieldError::new(
                "format",
                format!("JMDNコード「{input}」は8桁の数字で入力してください"),
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A 承認番号 / 認証番号 / 届出番号: free text of 5 to 40 characters, no line breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalNumber(String);

impl ApprovalNumber {
    /// Longest accepted number, in characters.
    pub const MAX_CHARS: usize = 40;
    /// Shortest accepted number, in characters.
    pub const MIN_CHARS: usize = 5;

    /// Parses a number of 5–40 characters without control characters.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let number = normalize_width(input);
        let chars = number.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&chars) {
            return Err(FieldError::new(
                "length",
                format!(
                    "承認番号等は{}〜{}文字で入力してください（{chars}文字）",
                    Self::MIN_CHARS,
                    Self::MAX_CHARS
                ),
            ));
        }
        if number.chars().any(char::is_control) {
            return Err(FieldError::new(
                "format",
                "承認番号等に改行や制御文字は使えません",
            ));
        }
        Ok(Self(number))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jmdn_needs_exactly_eight_digits() {
        assert!(JmdnCode::parse("35412000").is_ok());
        assert!(JmdnCode::parse("３５４１２０００").is_ok());
        assert_eq!(
            JmdnCode::parse("3541200").expect_err("7 digits").code,
            "format"
        );
        assert_eq!(
            JmdnCode::parse("3541200X").expect_err("letter").code,
            "format"
        );
    }

    #[test]
    fn approval_numbers_are_checked_for_length() {
        assert!(ApprovalNumber::parse("22000BZX00123000").is_ok());
        assert_eq!(
            ApprovalNumber::parse("123").expect_err("short").code,
            "length"
        );
        assert_eq!(
            ApprovalNumber::parse(&"1".repeat(41))
                .expect_err("long")
                .code,
            "length"
        );
        assert_eq!(
            ApprovalNumber::parse("12345\n678")
                .expect_err("newline")
                .code,
            "format"
        );
    }
}
