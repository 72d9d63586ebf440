//! Password policy of the ministry's security checklist: 13+ characters, or 8+ mixing three
//! character classes (upper case, lower case, digits, symbols and other characters); and never
//! one character repeated, a run of the alphabet, the digits or a keyboard row, the user's
//! e-mail, or one of a bundled list of common passwords. Each refusal names its rule.

use super::validation::FieldError;

/// Shortest password at all (it must then mix three character classes).
pub const MIN_MIXED_LENGTH: usize = 8;
/// Length from which one or two character classes are enough.
pub const MIN_PASSPHRASE_LENGTH: usize = 13;
/// Character classes a password shorter than [`MIN_PASSPHRASE_LENGTH`] must mix.
pub const MIN_CLASSES: usize = 3;

/// The bundled list of common passwords (lower case).
const COMMON: &str = include_str!("common_passwords.txt");

/// Runs a password may not be part of: alphabet, digits and keyboard rows, both ways.
const SEQUENCES: &[&str] = &[
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "01234567890123456789012345678901234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
];

fn refusal(code: &'static str, message: String) -> FieldError {
    FieldError::new(code, message)
}

/// How many of the classes (upper case, lower case, digits, symbols and other characters) a
/// password mixes.
pub fn classes(password: &str) -> usize {
    let upper = password.chars().any(char::is_uppercase);
    let lower = password.chars().any(char::is_lowercase);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let other = password
        .chars()
        .any(|c| !c.is_uppercase() && !c.is_lowercase() && !c.is_ascii_digit());
    [upper, lower, digit, other].iter().filter(|c| **c).count()
}

/// Whether the password is one short unit (1 to 3 characters) repeated.
fn is_repetition(chars: &[char]) -> bool {
    (1..=3).any(|unit| {
        chars.len() >= unit * 2 && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit])
    })
}

/// Whether the (lower-case) password is a run of one of [`SEQUENCES`], either way.
fn is_sequence(lower: &str) -> bool {
    let reversed: String = lower.chars().rev().collect();
    SEQUENCES
        .iter()
        .any(|run| run.contains(lower) || run.contains(reversed.as_str()))
}

/// Whether the password holds the e-mail or its part before `@` (when 3+ characters).
fn holds_email(lower: &str, email: &str) -> bool {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return false;
    }
    let local = email.split('@').next().unwrap_or_default();
    lower.contains(&email) || (local.chars().count() >= 3 && lower.contains(local))
}

/// Whether the password is on the bundled list.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower)
}

/// Checks a new password of the user with `email` (empty when not known) against the policy.
pub fn check_password_policy(password: &str, email: &str) -> Result<(), FieldError> {
    let chars: Vec<char> = password.chars().collect();
    let length = chars.len();
    if length < MIN_MIXED_LENGTH {
        return Err(refusal(
            "password_too_short",
            format!(
                "パスワードは{MIN_MIXED_LENGTH}文字以上にしてください（英大文字・英小文字・数字・記号のうち3種類を混在させる場合）。それ以外は{MIN_PASSPHRASE_LENGTH}文字以上が必要です"
            ),
        ));
    }
    if length < MIN_PASSPHRASE_LENGTH && classes(password) < MIN_CLASSES {
        return Err(refusal(
            "password_classes",
            format!(
                "{MIN_PASSPHRASE_LENGTH}文字未満のパスワードは、英大文字・英小文字・数字・記号のうち{MIN_CLASSES}種類以上を混在させてください"
            ),
        ));
    }
    if is_repetition(&chars) {
        return Err(refusal(
            "password_repeated",
            "同じ文字（または短い文字列）の繰り返しはパスワードに使えません".to_owned(),
        ));
    }
    let lower = password.to_lowercase();
    if is_sequence(&lower) {
        return Err(refusal(
            "password_sequence",
            "連続した文字（abcd…、1234…、キーボードの並び）はパスワードに使えません".to_owned(),
        ));
    }
    if holds_email(&lower, email) {
        return Err(refusal(
            "password_contains_email",
            "メールアドレス（またはその@より前の部分）を含むパスワードは使えません".to_owned(),
        ));
    }
    if is_common(password) {
        return Err(refusal(
            "password_common",
            "よく使われていて推測されやすいパスワードです。別のパスワードにしてください".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(password: &str, email: &str) -> Option<&'static str> {
        check_password_policy(password, email).err().map(|e| e.code)
    }

    #[test]
    fn eight_characters_mixing_three_classes_pass() {
        assert_eq!(code("abc123!x", ""), None);
        assert_eq!(code("Kusuri-7x", ""), None);
    }

    #[test]
    fn eight_characters_of_two_classes_fail_naming_the_rule() {
        assert_eq!(code("abcd1294", ""), Some("password_classes"));
        assert_eq!(code("abcd!@#$", ""), Some("password_classes"));
        assert_eq!(code("ab12!xy", ""), Some("password_too_short"));
    }

    #[test]
    fn thirteen_characters_of_one_class_pass_unless_a_run_or_a_repeat() {
        assert_eq!(code("correcthorsebattery", ""), None);
        assert_eq!(code("abcdefghijklm", ""), Some("password_sequence"));
        assert_eq!(code("aaaaaaaaaaaaa", ""), Some("password_repeated"));
        assert_eq!(code("1111111111111", ""), Some("password_repeated"));
        assert_eq!(code("abcabcabcabcabc", ""), Some("password_repeated"));
        assert_eq!(code("1234567890123", ""), Some("password_sequence"));
        assert_eq!(code("mlkjihgfedcba", ""), Some("password_sequence"));
        assert_eq!(code("qwertyuiopasd", ""), Some("password_sequence"));
    }

    #[test]
    fn the_email_and_common_passwords_are_refused() {
        assert_eq!(code("Password1!", ""), Some("password_common"));
        assert_eq!(code("P@ssw0rd", ""), Some("password_common"));
        assert_eq!(
            code("maker.sato-2026!", "maker.sato@demo.example"),
            Some("password_contains_email")
        );
        assert_eq!(code("Kusuri-Antei-2026-xyz", "maker@demo.example"), None);
    }

    proptest! {
        // Whatever passes meets the length and class rules.
        #[test]
        fn an_accepted_password_is_long_enough_and_mixed_enough(password in "\\PC{0,20}") {
            if check_password_policy(&password, "someone@example.jp").is_ok() {
                let length = password.chars().count();
                prop_assert!(length >= MIN_MIXED_LENGTH);
                prop_assert!(length >= MIN_PASSPHRASE_LENGTH || classes(&password) >= MIN_CLASSES);
                prop_assert!(!is_common(&password));
                prop_assert!(!password.to_lowercase().contains("someone"));
            }
        }

        // One character repeated is never accepted, however long.
        #[test]
        fn one_repeated_character_is_refused(c in any::<char>(), n in 1_usize..40) {
            let password: String = std::iter::repeat_n(c, n).collect();
            prop_assert!(check_password_policy(&password, "").is_err());
        }

        // A run of the alphabet or the digits is never accepted, from any start and either way.
        #[test]
        fn a_run_is_refused(start in 0_usize..26, n in 8_usize..26, reverse in any::<bool>()) {
            let run: String = SEQUENCES[0].chars().skip(start).take(n).collect();
            let run = if reverse { run.chars().rev().collect() } else { run };
            prop_assert!(check_password_policy(&run, "").is_err());
            let digits: String = SEQUENCES[1].chars().skip(start % 10).take(n).collect();
            prop_assert!(check_password_policy(&digits, "").is_err());
        }

        // A password holding the e-mail's local part is refused whatever surrounds it.
        #[test]
        fn the_local_part_is_refused_anywhere(
            local in "[a-z]{3,12}",
            before in "[A-Z0-9!#%-]{0,8}",
            after in "[A-Z0-9!#%-]{0,8}",
        ) {
            let password = format!("{before}{local}{after}X9!");
            let email = format!("{local}@demo.example");
            prop_assert!(check_password_policy(&password, &email).is_err());
        }

        // Long random passwords from a mixed alphabet pass (the policy is not simply "no").
        #[test]
        fn long_random_mixed_passwords_pass(password in "[A-Za-z0-9!#%&*+=?@^_~-]{16,24}") {
            prop_assume!(classes(&password) >= 2 && !is_sequence(&password.to_lowercase()));
            prop_assume!(!is_repetition(&password.chars().collect::<Vec<_>>()));
            prop_assert!(check_password_policy(&password, "someone@example.jp").is_ok());
        }
    }
}
