//! E-mail addresses of users and supply contacts, normalised to lower case.

use std::fmt;

use super::validation::FieldError;

/// A syntactically plausible e-mail address (one `@`, a dotted domain, no spaces), lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses and lower-cases an address.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let address = input.trim().to_lowercase();
        let valid = address.len() <= 254
            && !address.chars().any(char::is_whitespace)
            && address.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(address))
        } else {
            Err(FieldError::new(
                "email",
                format!("メールアドレス「{}」の形式が正しくありません", input.trim()),
            ))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_lower_cased() {
        let email = EmailAddress::parse(" Maker@Demo.Example ").expect("valid");
        assert_eq!(email.as_str(), "maker@demo.example");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "maker",
            "maker@",
            "@demo.example",
            "a@b",
            "a b@demo.example",
            "a@@b.jp",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
