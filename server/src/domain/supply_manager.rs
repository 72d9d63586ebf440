//! A maker's 特定医薬品供給体制管理責任者 — the person the 2025 law makes answerable for its drugs'
//! supply, to whom the ministry's 報告徴収 is addressed: a name, an optional title and an address,
//! checked as typed, every broken rule named.

use super::email::EmailAddress;
use super::validation::FieldError;

/// Characters at most in the name and in the title.
const MAX_CHARS: usize = 100;

/// As typed on the form (blank = not given).
#[derive(Debug, Clone, Default)]
pub struct SupplyManagerInput {
    /// 氏名.
    pub name: String,
    /// 役職 (optional).
    pub title: String,
    /// メールアドレス.
    pub email: String,
}

/// A valid responsible person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyManager {
    /// 氏名.
    pub name: String,
    /// 役職.
    pub title: Option<String>,
    /// The address the ministry's requests go to (lower case).
    pub email: String,
}

impl SupplyManager {
    /// 「氏名（役職）」 as pages and mails name the person.
    pub fn name_with_title(&self) -> String {
        match &self.title {
            Some(title) => format!("{}（{title}）", self.name),
            None => self.name.clone(),
        }
    }
}

/// Checks the form: a name and an address are required; the title is optional; neither name nor
/// title longer than 100 characters or spanning lines.
pub fn validate(
    input: &SupplyManagerInput,
) -> Result<SupplyManager, Vec<(&'static str, FieldError)>> {
    let mut errors = Vec::new();
    let name = one_line("name", "氏名", &input.name, true, &mut errors);
    let title = one_line("title", "役職", &input.title, false, &mut errors);
    let email = if input.email.trim().is_empty() {
        errors.push((
            "email",
            FieldError::new("required", "メールアドレスを入力してください"),
        ));
        None
    } else {
        EmailAddress::parse(&input.email)
            .map_err(|e| errors.push(("email", e)))
            .ok()
    };
    match (name, email) {
        (Some(name), Some(email)) if errors.is_empty() => Ok(SupplyManager {
            name,
            title,
            email: email.as_str().to_owned(),
        }),
        _ => Err(errors),
    }
}

/// A trimmed one-line text of at most 100 characters, or the rule it breaks.
fn one_line(
    field: &'static str,
    label: &str,
    typed: &str,
    required: bool,
    errors: &mut Vec<(&'static str, FieldError)>,
) -> Option<String> {
    let text = typed.trim();
    if text.is_empty() {
        if required {
            errors.push((
                field,
                FieldError::new("required", format!("{label}を入力してください")),
            ));
        }
        return None;
    }
    if text.chars().count() > MAX_CHARS || text.contains(['\n', '\r']) {
        errors.push((
            field,
            FieldError::new(
                "too_long",
                format!("{label}は改行なしの{MAX_CHARS}文字以内で入力してください"),
            ),
        ));
        return None;
    }
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, title: &str, email: &str) -> SupplyManagerInput {
        SupplyManagerInput {
            name: name.into(),
            title: title.into(),
            email: email.into(),
        }
    }

    #[test]
    fn a_name_and_an_address_make_a_responsible_person() {
        let found = validate(&input(" 山田 太郎 ", "", "Yamada@Maker.example.jp"))
            .expect("a name and an address are enough");
        assert_eq!(found.name, "山田 太郎");
        assert_eq!(found.title, None);
        assert_eq!(found.email, "yamada@maker.example.jp");
        assert_eq!(found.name_with_title(), "山田 太郎");
        let titled = validate(&input("山田", "信頼性保証部長", "y@maker.example.jp"))
            .expect("a title is allowed");
        assert_eq!(titled.name_with_title(), "山田（信頼性保証部長）");
    }

    #[test]
    fn every_broken_rule_is_named_by_its_field() {
        let errors = validate(&input("", &"長".repeat(101), "not-an-address"))
            .expect_err("three rules are broken");
        let fields: Vec<_> = errors.iter().map(|(f, e)| (*f, e.code)).collect();
        assert_eq!(
            fields,
            [
                ("name", "required"),
                ("title", "too_long"),
                ("email", "email")
            ]
        );
        let errors = validate(&input("山田\n花子", "", "")).expect_err("two rules are broken");
        assert_eq!(errors[0].1.code, "too_long");
        assert_eq!(errors[1].1.message, "メールアドレスを入力してください");
    }
}
