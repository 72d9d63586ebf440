//! The coded values of the ministry's list (layout ①–⑳): ⑫ 出荷対応, ⑭ 理由, ⑮ 見込み, ⑰ 出荷量,
//! ⑱ 改善見込み時期. (The Rust names keep the older form's numbering: `Reason` is today's ⑭.)

use crate::domain::coded::coded_enum;

coded_enum!(
    /// ⑫ 出荷対応の状況.
    ShippingStatus, "⑫出荷対応の状況", {
        Normal = "1", "通常出荷";
        LimitedOwn = "2", "限定出荷（自社の事情）";
        LimitedByOthers = "3", "限定出荷（他社品の影響）";
        LimitedOther = "4", "限定出荷（その他）";
        Stopped = "5", "供給停止";
    }
);

coded_enum!(
    /// ⑭ 限定出荷/供給停止の理由 (the older 2025 layout's ⑬).
    Reason, "⑭理由", {
        DemandIncrease = "1", "需要増";
        RawMaterials = "2", "原材料調達上の問題";
        ManufacturingTrouble = "3", "製造トラブル";
        QualityTrouble = "4", "品質トラブル";
        AdministrativeAction = "5", "行政処分";
        PriceListDeletion = "6", "薬価削除";
        NotApplicable = "7", "－";
        Other = "8", "その他";
    }
);

coded_enum!(
    /// ⑰ 出荷量の状況 (the older layout's ⑯), against the previous fiscal year's monthly average.
    VolumeStatus, "⑰出荷量の状況", {
        APlus = "A+", "出荷量増加（概ね110%以上）";
        A = "A", "出荷量通常（概ね90%以上110%未満）";
        B = "B", "出荷量減少（概ね90%未満）";
        C = "C", "出荷停止";
        D = "D", "販売中止（薬価削除予定）";
    }
);

coded_enum!(
    /// ⑮ 限定出荷の解除見込み / 供給停止の解消見込み (the older layout's ⑭).
    ResolutionOutlook, "⑮解除・解消見込み", {
        Expected = "あり", "あり";
        NotExpected = "なし", "なし";
        Undecided = "未定", "未定";
        NotApplicable = "－", "－";
    }
);

coded_enum!(
    /// ⑱ 出荷量の改善（増加）見込み時期.
    ImprovementTiming, "⑱改善見込み時期", {
        Immediate = "a", "即時";
        WithinOneMonth = "b", "１か月以内";
        WithinTwoMonths = "c", "２か月以内";
        WithinThreeMonths = "d", "３か月以内";
        BeyondThreeMonths = "e", "３か月超";
    }
);

impl ShippingStatus {
    /// Whether this is any kind of 限定出荷 or 供給停止.
    pub fn is_short(self) -> bool {
        self != Self::Normal
    }

    /// Short label for badges.
    pub fn badge_ja(self) -> &'static str {
        match self {
            Self::Normal => "通常出荷",
            Self::LimitedOwn | Self::LimitedByOthers | Self::LimitedOther => "限定出荷",
            Self::Stopped => "供給停止",
        }
    }

    /// CSS class of the badge.
    pub fn css_class(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::LimitedOwn | Self::LimitedByOthers | Self::LimitedOther => "limited",
            Self::Stopped => "stopped",
        }
    }
}

impl VolumeStatus {
    /// Short label: the code and a short Japanese word.
    pub fn short_ja(self) -> &'static str {
        match self {
            Self::APlus => "A+ 増加",
            Self::A => "A 通常",
            Self::B => "B 減少",
            Self::C => "C 出荷停止",
            Self::D => "D 販売中止",
        }
    }
}
