//! Password policy of the ministry's security checklist: 8+ characters mixing three classes, or 13+.

use super::validation::FieldError;

/// Shortest password that must mix letters, digits and symbols.
pub const MIN_MIXED_LENGTH: usize = 8;
/// Length from which any password is accepted.
pub const MIN_PASSPHRASE_LENGTH: usize = 13;

/// Checks a new password against the policy.
pub fn check_password_policy(password: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length >= MIN_PASSPHRASE_LENGTH {
        return Ok(());
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    let has_symbol = password
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    if length >= MIN_MIXED_LENGTH && has_letter && has_digit && has_symbol {
        return Ok(());
    }
    Err(FieldError::new(
        "password_policy",
        format!(
            "パスワードは英字・数字・記号を混在させた{MIN_MIXED_LENGTH}文字以上、または{MIN_PASSPHRASE_LENGTH}文字以上にしてください"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_characters_mixing_three_classes_pass() {
        assert!(check_password_policy("abc123!x").is_ok());
    }

    #[test]
    fn eight_characters_missing_a_class_fail() {
        assert!(check_password_policy("abcd1234").is_err());
        assert!(check_password_policy("abcd!@#$").is_err());
        assert!(check_password_policy("1234!@#$").is_err());
    }

    #[test]
    fn seven_mixed_characters_fail() {
        assert!(check_password_policy("ab12!xy").is_err());
    }

    #[test]
    fn thirteen_characters_of_one_class_pass() {
        assert!(check_password_policy("correcthorsebattery").is_ok());
        assert!(check_password_policy("abcdefghijklm").is_ok());
        assert!(check_password_policy("abcdefghijkl").is_err());
    }
}
