//! The error every parser of this module returns: which rule was broken, in Japanese and as a stable code.

use std::fmt;

/// A broken validation rule: a stable machine `code` for clients and a Japanese `message` for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Stable, machine-readable rule name, e.g. `check_digit`.
    pub code: &'static str,
    /// What is wrong, in Japanese, naming the value and the expectation.
    pub message: String,
}

impl FieldError {
    /// A new error for rule `code` with the Japanese explanation `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// A yes or no as typed on a form: `true`/`yes`/`1`/はい or `false`/`no`/`0`/いいえ (full-width
/// too), or one of the form's own words for either (e.g. 可/不可, 周知した/周知していない).
pub fn yes_no(text: &str, own_yes: &[&str], own_no: &[&str]) -> Option<bool> {
    let word = normalize_width(text);
    let word = word.trim();
    if ["true", "yes", "1", "はい"].contains(&word) || own_yes.contains(&word) {
        Some(true)
    } else if ["false", "no", "0", "いいえ"].contains(&word) || own_no.contains(&word) {
        Some(false)
    } else {
        None
    }
}

/// Converts full-width ASCII (ＡＢＣ１２３) to half-width, as makers' Excel files often carry it.
pub fn normalize_width(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_digits_become_half_width() {
        assert_eq!(
            normalize_width(" １１２４００１Ｆ１０２２ "),
            "1124001F1022"
        );
        assert_eq!(normalize_width("ａｂ　c"), "ab c");
    }

    #[test]
    fn yes_and_no_read_in_common_words_and_the_forms_own() {
        let read = |text| yes_no(text, &["可"], &["不可"]);
        assert_eq!(read(" はい "), Some(true));
        assert_eq!(read("１"), Some(true), "full width");
        assert_eq!(read("可"), Some(true));
        assert_eq!(read("no"), Some(false));
        assert_eq!(read("不可"), Some(false));
        assert_eq!(read("たぶん"), None);
        assert_eq!(read(""), None);
        assert_eq!(yes_no("可", &[], &[]), None, "another form's word");
    }
}
