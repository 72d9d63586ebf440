//! The reasons of ⑬ grouped as the ministry's summary does: 原材料 / 製造 / 品質 / その他.

use crate::domain::coded::coded_enum;
use crate::domain::supply_status::Reason;

coded_enum!(
    /// The reasons of ⑬ as the ministry groups them: 原材料 (⑬ = 2) / 製造 (3) / 品質 (4) /
    /// その他 (every other reason — 需要増, 行政処分, 薬価削除, その他 — and blanks).
    ReasonGroup {
        RawMaterials = "raw_materials", "原材料";
        Manufacturing = "manufacturing", "製造";
        Quality = "quality", "品質";
        Other = "other", "その他";
    }
);

impl ReasonGroup {
    /// The group of a reason (blank: その他).
    pub fn of(reason: Option<Reason>) -> Self {
        match reason {
            Some(Reason::RawMaterials) => Self::RawMaterials,
            Some(Reason::ManufacturingTrouble) => Self::Manufacturing,
            Some(Reason::QualityTrouble) => Self::Quality,
            _ => Self::Other,
        }
    }

    /// The ⑬ codes of the group.
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
