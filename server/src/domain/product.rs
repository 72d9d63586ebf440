//! Product kinds and the drug attributes of the price list: 薬剤区分 and 製品区分.

use std::fmt;
use std::str::FromStr;

use super::coded::coded_enum;
use super::validation::FieldError;
use super::{Gtin, YjCode};

coded_enum!(
    /// What a product is: a drug keyed by YJ code, a device or an IVD keyed by GTIN.
    ProductKind {
        Drug = "drug", "医療用医薬品";
        Device = "device", "医療機器";
        Ivd = "ivd", "体外診断用医薬品";
    }
);

/// Reads the stable name exactly.
impl FromStr for ProductKind {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == s)
            .ok_or_else(|| FieldError::new("product_kind", format!("製品の種別「{s}」は不明です")))
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

coded_enum!(
    /// 薬剤区分 of the price list; stored as its Japanese label.
    DrugCategory {
        Internal = "内用薬", "内用薬";
        Injection = "注射薬", "注射薬";
        External = "外用薬", "外用薬";
        Dental = "歯科用薬剤", "歯科用薬剤";
    }
);

/// Reads the price list's Japanese label.
impl FromStr for DrugCategory {
    type Err = FieldError;

    fn from_str(label: &str) -> Result<Self, Self::Err> {
        Self::from_code(label).ok_or_else(|| {
            FieldError::new(
                "drug_category",
                format!(
                    "区分「{}」は内用薬・注射薬・外用薬・歯科用薬剤のいずれでもありません",
                    label.trim()
                ),
            )
        })
    }
}

coded_enum!(
    /// 製品区分: 先発品 (without a generic of the same form and strength), 長期収載品 (an
    /// originator that has a generic), 後発品 or その他 (統一名収載品, 準先発品 without a generic, …).
    ProductClass {
        Originator = "originator", "先発品";
        LongListed = "long_listed", "長期収載品";
        Generic = "generic", "後発品";
        Other = "other", "その他";
    }
);

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
        assert_eq!(
            "注射薬".parse::<DrugCategory>(),
            Ok(DrugCategory::Injection)
        );
        assert!("漢方".parse::<DrugCategory>().is_err());
    }
}
