//! The 12-character drug code (薬価基準収載医薬品コード / YJコード) and its check digit.

use std::fmt;

use super::validation::{FieldError, normalize_width};

/// A validated 12-character drug code such as `1124001F1022`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YjCode(String);

/// The administration route encoded in positions 5–7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// 内用 (001–399)
    Internal,
    /// 注射 (400–699)
    Injection,
    /// 外用 (700–999)
    External,
}

impl YjCode {
    /// Parses a code, accepting full-width characters, and checks layout and check digit.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = normalize_width(input).to_ascii_uppercase();
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 12 {
            return Err(FieldError::new(
                "length",
                format!(
                    "医薬品コード「{input}」は12桁ではありません（{}桁）",
                    chars.len()
                ),
            ));
        }
        let layout_ok = chars[..7].iter().all(char::is_ascii_digit)
            && chars[7].is_ascii_uppercase()
            && chars[8..11].iter().all(char::is_ascii_digit)
            && chars[11].is_ascii_digit();
        if !layout_ok {
            return Err(FieldError::new(
                "format",
                format!(
                    "医薬品コード「{input}」の形式が正しくありません（数字7桁・英字1文字・数字4桁）"
                ),
            ));
        }
        let expected = check_digit(&chars[..11]);
        let actual = chars[11].to_digit(10).unwrap_or(u32::MAX);
        if actual != expected {
            return Err(FieldError::new(
                "check_digit",
                format!(
                    "医薬品コード「{code}」のチェックディジットが誤っています（正しくは {expected}）"
                ),
            ));
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First 9 characters: ingredient + dosage form + strength. Products sharing it are same-spec substitutes.
    pub fn group_code(&self) -> &str {
        &self.0[..9]
    }

    /// First 7 characters: same ingredient and route (related products of another form or strength).
    pub fn related_code(&self) -> &str {
        &self.0[..7]
    }

    /// Positions 1–4: 薬効分類.
    pub fn therapeutic_class(&self) -> &str {
        &self.0[..4]
    }

    /// The administration route from positions 5–7.
    pub fn route(&self) -> Route {
        match self.0[4..7].parse::<u16>().unwrap_or(0) {
            400..=699 => Route::Injection,
            700..=999 => Route::External,
            _ => Route::Internal,
        }
    }
}

/// Check digit of the first 11 characters: weights 2..7 from the right, letters mapped to 1–9, mod 11.
fn check_digit(body: &[char]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .zip((2..=7).cycle())
        .map(|(c, weight)| character_value(*c) * weight)
        .sum();
    (11 - sum % 11) % 11 % 10
}

/// A digit counts as itself; A–I as 1–9, J–R as 1–9, S–Z as 2–9.
fn character_value(c: char) -> u32 {
    match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A'..='I' => c as u32 - 'A' as u32 + 1,
        'J'..='R' => c as u32 - 'J' as u32 + 1,
        'S'..='Z' => c as u32 - 'S' as u32 + 2,
        _ => 0,
    }
}

impl fmt::Display for YjCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_from_the_price_list_is_accepted() {
        let code = YjCode::parse("1124001F1022").expect("valid code");
        assert_eq!(code.group_code(), "1124001F1");
        assert_eq!(code.related_code(), "1124001");
        assert_eq!(code.route(), Route::Internal);
    }

    #[test]
    fn full_width_input_is_normalised() {
        let code = YjCode::parse("１１２４００１Ｆ１０２２").expect("valid code");
        assert_eq!(code.as_str(), "1124001F1022");
    }

    #[test]
    fn a_wrong_check_digit_names_the_expected_one() {
        let err = YjCode::parse("1123001X1013").expect_err("bad check digit");
        assert_eq!(err.code, "check_digit");
        assert!(err.message.contains("正しくは 2"), "{}", err.message);
    }

    #[test]
    fn remainder_ten_becomes_zero_and_letters_map_in_three_runs() {
        assert_eq!(character_value('A'), 1);
        assert_eq!(character_value('J'), 1);
        assert_eq!(character_value('S'), 2);
        assert_eq!(character_value('Z'), 9);
        // 1124003F2010 (ネルボン錠): its weighted sum leaves remainder 1, so 11 − 1 = 10 becomes 0.
        let body: Vec<char> = "1124003F201".chars().collect();
        assert_eq!(check_digit(&body), 0);
        assert!(YjCode::parse("1124003F2010").is_ok());
    }

    #[test]
    fn wrong_length_and_layout_are_refused() {
        assert_eq!(YjCode::parse("112400").expect_err("short").code, "length");
        assert_eq!(
            YjCode::parse("11240011F022").expect_err("layout").code,
            "format"
        );
    }

    #[test]
    fn routes_follow_positions_five_to_seven() {
        assert_eq!(
            YjCode::parse("2171022F5024").map(|c| c.route()),
            Ok(Route::Internal)
        );
    }
}
