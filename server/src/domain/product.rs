//! Product kinds and the drug attributes of the price list: 薬剤区分 and 製品区分.

use std::fmt;

use super::validation::FieldError;
use super::{Gtin, YjCode};

/// What a product is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductKind {
    /// 医療用医薬品, keyed by YJ code.
    Drug,
    /// 医療機器, keyed by GTIN.
    Device,
    /// 体外診断用医薬品, keyed by GTIN.
    Ivd,
}

impl ProductKind {
    /// Stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Drug => "drug",
            Self::Device => "device",
            Self::Ivd => "ivd",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s {
            "drug" => Ok(Self::Drug),
            "device" => Ok(Self::Device),
            "ivd" => Ok(Self::Ivd),
            other => Err(FieldError::new(
                "product_kind",
                format!("製品の種別「{other}」は不明です"),
            )),
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Drug => "医療用医薬品",
            Self::Device => "医療機器",
            Self::Ivd => "体外診断用医薬品",
        }
    }
}

/// The key of any product: a YJ code for drugs, a GTIN for devices and IVDs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProductCode {
    /// A drug's YJ code.
    Drug(YjCode),
    /// A device's or IVD's GTIN.
    Device(Gtin),
}

impl ProductCode {
    /// Reads a code: 12 characters with a letter in position 8 is a YJ code, 13–14 digits a GTIN.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let trimmed = super::validation::normalize_width(input);
        if trimmed.chars().all(|c| c.is_ascii_digit()) && trimmed.len() >= 13 {
            Gtin::parse(&trimmed).map(Self::Device)
        } else {
            YjCode::parse(&trimmed).map(Self::Drug)
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Drug(code) => code.as_str(),
            Self::Device(code) => code.as_str(),
        }
    }
}

impl fmt::Display for ProductCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 薬剤区分 of the price list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DrugCategory {
    /// 内用薬
    Internal,
    /// 注射薬
    Injection,
    /// 外用薬
    External,
    /// 歯科用薬剤
    Dental,
}

impl DrugCategory {
    /// Reads the price list's Japanese label.
    pub fn parse(label: &str) -> Result<Self, FieldError> {
        match label.trim() {
            "内用薬" => Ok(Self::Internal),
            "注射薬" => Ok(Self::Injection),
            "外用薬" => Ok(Self::External),
            "歯科用薬剤" => Ok(Self::Dental),
            other => Err(FieldError::new(
                "drug_category",
                format!(
                    "区分「{other}」は内用薬・注射薬・外用薬・歯科用薬剤のいずれでもありません"
                ),
            )),
        }
    }

    /// Japanese label, as stored and shown.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Internal => "内用薬",
            Self::Injection => "注射薬",
            Self::External => "外用薬",
            Self::Dental => "歯科用薬剤",
        }
    }
}

/// 製品区分: 先発品, 長期収載品 (a 先発品 with a generic), 後発品 or その他.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductClass {
    /// 先発品 without a generic of the same form and strength.
    Originator,
    /// 長期収載品: an originator that has a generic.
    LongListed,
    /// 後発品
    Generic,
    /// その他 (統一名収載品, 準先発品 without a generic, …)
    Other,
}

impl ProductClass {
    /// Derives the class from the price list's flags: 先発医薬品, the 後発品 column, and
    /// 「同一剤形・規格の後発医薬品がある先発医薬品」 (○).
    pub fn from_price_list_flags(originator: &str, generic: &str, has_generic: &str) -> Self {
        if !has_generic.trim().is_empty() {
            Self::LongListed
        } else if originator.trim() == "先発品" {
            Self::Originator
        } else if !generic.trim().is_empty() {
            Self::Generic
        } else {
            Self::Other
        }
    }

    /// Stable name used in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Originator => "originator",
            Self::LongListed => "long_listed",
            Self::Generic => "generic",
            Self::Other => "other",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Originator,
            Self::LongListed,
            Self::Generic,
            Self::Other,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Originator => "先発品",
            Self::LongListed => "長期収載品",
            Self::Generic => "後発品",
            Self::Other => "その他",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_codes_are_told_apart_by_shape() {
        assert!(matches!(
            ProductCode::parse("1124001F1022"),
            Ok(ProductCode::Drug(_))
        ));
        assert!(matches!(
            ProductCode::parse("4901234567894"),
            Ok(ProductCode::Device(_))
        ));
        assert!(ProductCode::parse("4901234567895").is_err());
    }

    #[test]
    fn an_originator_with_a_generic_is_long_listed() {
        assert_eq!(
            ProductClass::from_price_list_flags("先発品", "", "○"),
            ProductClass::LongListed
        );
        assert_eq!(
            ProductClass::from_price_list_flags("先発品", "", ""),
            ProductClass::Originator
        );
        assert_eq!(
            ProductClass::from_price_list_flags("", "後発品", ""),
            ProductClass::Generic
        );
        assert_eq!(
            ProductClass::from_price_list_flags("", "★", ""),
            ProductClass::Generic
        );
        assert_eq!(
            ProductClass::from_price_list_flags("", "", ""),
            ProductClass::Other
        );
    }

    #[test]
    fn categories_are_read_from_the_price_list_labels() {
        assert_eq!(DrugCategory::parse("注射薬"), Ok(DrugCategory::Injection));
        assert!(DrugCategory::parse("漢方").is_err());
    }
}
