//! The reasons of ⑬ grouped as the ministry's summary does: 原材料 / 製造 / 品質 / その他.

use crate::domain::supply_status::Reason;

/// The reasons of ⑬ as the ministry groups them: 原材料 / 製造 / 品質 / その他.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonGroup {
    /// ⑬ = 2.
    RawMaterials,
    /// ⑬ = 3.
    Manufacturing,
    /// ⑬ = 4.
    Quality,
    /// Every other reason (需要増, 行政処分, 薬価削除, その他) and blanks.
    Other,
}

impl ReasonGroup {
    /// In display order.
    pub const ALL: [Self; 4] = [
        Self::RawMaterials,
        Self::Manufacturing,
        Self::Quality,
        Self::Other,
    ];

    /// The group of a reason (blank: その他).
    pub fn of(reason: Option<Reason>) -> Self {
        match reason {
            Some(Reason::RawMaterials) => Self::RawMaterials,
            Some(Reason::ManufacturingTrouble) => Self::Manufacturing,
            Some(Reason::QualityTrouble) => Self::Quality,
            _ => Self::Other,
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::RawMaterials => "原材料",
            Self::Manufacturing => "製造",
            Self::Quality => "品質",
            Self::Other => "その他",
        }
    }

    /// Name in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RawMaterials => "raw_materials",
            Self::Manufacturing => "manufacturing",
            Self::Quality => "quality",
            Self::Other => "other",
        }
    }

    pub(super) fn codes(self) -> Vec<&'static str> {
        match self {
            Self::RawMaterials => vec![Reason::RawMaterials.code()],
            Self::Manufacturing => vec![Reason::ManufacturingTrouble.code()],
            Self::Quality => vec![Reason::QualityTrouble.code()],
            Self::Other => Reason::ALL
                .iter()
                .filter(|r| Self::of(Some(**r)) == Self::Other)
                .map(|r| r.code())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fall_into_the_ministrys_four_groups() {
        assert_eq!(
            ReasonGroup::of(Some(Reason::RawMaterials)),
            ReasonGroup::RawMaterials
        );
        assert_eq!(
            ReasonGroup::of(Some(Reason::QualityTrouble)),
            ReasonGroup::Quality
        );
        assert_eq!(
            ReasonGroup::of(Some(Reason::DemandIncrease)),
            ReasonGroup::Other
        );
        assert_eq!(ReasonGroup::of(None), ReasonGroup::Other);
        assert_eq!(ReasonGroup::Other.codes(), vec!["1", "5", "6", "7", "8"]);
    }
}
