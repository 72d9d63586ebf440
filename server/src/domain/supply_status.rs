//! The public supply status of a drug (供給状況報告, columns ⑫–⑯ of 別添様式2) and its rules.

use std::fmt;

use super::validation::{FieldError, normalize_width};

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident, $field_ja:literal, { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                #[doc = $label]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The code of the ministry's form.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The Japanese label of the ministry's form.
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Reads a code (`2`), a label (`限定出荷（自社の事情）`) or both (`2.限定出荷…`),
            /// full- or half-width.
            pub fn parse(input: &str) -> Result<Self, FieldError> {
                let text = normalize_width(input);
                let text = text.trim_end_matches(".0");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| {
                        // Labels compare in the same half-width form as the input: （） → ().
                        let label = normalize_width(v.label_ja());
                        text == v.code()
                            || text == label
                            || text
                                .strip_prefix(v.code())
                                .is_some_and(|rest| rest.trim_start_matches(['.', ':', ' ']) == label)
                    })
                    .ok_or_else(|| {
                        let allowed: Vec<String> = Self::ALL.iter().map(|v| format!("{} {}", v.code(), v.label_ja())).collect();
                        FieldError::new(
                            "code",
                            format!("{}「{}」は使えません（{}）", $field_ja, input.trim(), allowed.join("・")),
                        )
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_ja())
            }
        }
    };
}

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
    /// ⑬ 限定出荷/供給停止の理由.
    Reason, "⑬理由", {
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
    /// ⑯ 出荷量の状況, against the previous fiscal year's monthly average.
    VolumeStatus, "⑯出荷量の状況", {
        APlus = "A+", "出荷量増加（概ね110%以上）";
        A = "A", "出荷量通常（概ね90%以上110%未満）";
        B = "B", "出荷量減少（概ね90%未満）";
        C = "C", "出荷停止";
        D = "D", "販売中止（薬価削除予定）";
    }
);

coded_enum!(
    /// ⑭ 限定出荷の解除見込み / 供給停止の解消見込み.
    ResolutionOutlook, "⑭解除・解消見込み", {
        Expected = "あり", "あり";
        NotExpected = "なし", "なし";
        Undecided = "未定", "未定";
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

/// A calendar month `YYYY-MM` (⑮ 見込み時期 / 在庫消尽時期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: u16,
    month: u8,
}

impl YearMonth {
    /// Parses `YYYY-MM` (also `YYYY/MM`, full-width digits); the month must be 01–12.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = normalize_width(input).replace('/', "-");
        let invalid = || {
            FieldError::new(
                "month",
                format!(
                    "年月「{}」は YYYY-MM の形式（例 2027-03）で入力してください",
                    input.trim()
                ),
            )
        };
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.is_empty() || month.len() > 2 {
            return Err(invalid());
        }
        let year: u16 = year.parse().map_err(|_| invalid())?;
        let month: u8 = month.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
            return Err(invalid());
        }
        Ok(Self { year, month })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The maker-supplied columns ⑫–⑯ as typed text, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusInput {
    /// ⑫, required.
    pub shipping_status: String,
    /// ⑬, required unless ⑫ is 1.
    pub reason: String,
    /// The causing product (原因医薬品) of a ⑫ = 3 item.
    pub causing_product_code: String,
    /// ⑭.
    pub resolution_outlook: String,
    /// ⑮.
    pub resolution_month: String,
    /// ⑯.
    pub volume_status: String,
}

/// A validated status: blank fields stay blank (`None`), never a made-up default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyStatus {
    /// ⑫.
    pub shipping_status: ShippingStatus,
    /// ⑬.
    pub reason: Option<Reason>,
    /// 原因医薬品 (only with ⑫ = 3).
    pub causing_product_code: Option<super::YjCode>,
    /// ⑭.
    pub resolution_outlook: Option<ResolutionOutlook>,
    /// ⑮.
    pub resolution_month: Option<YearMonth>,
    /// ⑯.
    pub volume_status: Option<VolumeStatus>,
}

/// Checks one status; returns every broken rule as (field, error).
pub fn validate(input: &StatusInput) -> Result<SupplyStatus, Vec<(&'static str, FieldError)>> {
    let mut errors = Vec::new();
    let blank = |s: &str| s.trim().is_empty();
    let shipping = if blank(&input.shipping_status) {
        errors.push((
            "shipping_status",
            FieldError::new("required", "⑫出荷対応の状況を入力してください"),
        ));
        None
    } else {
        ShippingStatus::parse(&input.shipping_status)
            .map_err(|e| errors.push(("shipping_status", e)))
            .ok()
    };
    let reason = optional(&input.reason, Reason::parse, "reason", &mut errors);
    let outlook = optional(
        &input.resolution_outlook,
        ResolutionOutlook::parse,
        "resolution_outlook",
        &mut errors,
    );
    let month = optional(
        &input.resolution_month,
        YearMonth::parse,
        "resolution_month",
        &mut errors,
    );
    let volume = optional(
        &input.volume_status,
        VolumeStatus::parse,
        "volume_status",
        &mut errors,
    );
    let causing = optional(
        &input.causing_product_code,
        super::YjCode::parse,
        "causing_product_code",
        &mut errors,
    );
    if let Some(shipping) = shipping {
        if shipping.is_short() && reason.is_none() && blank(&input.reason) {
            errors.push((
                "reason",
                FieldError::new(
                    "required",
                    format!(
                        "⑫が「{}」のときは⑬理由を入力してください",
                        shipping.label_ja()
                    ),
                ),
            ));
        }
        if shipping == ShippingStatus::Normal && reason.is_some_and(|r| r != Reason::NotApplicable)
        {
            errors.push((
                "reason",
                FieldError::new(
                    "contradiction",
                    "⑫が「通常出荷」のときは⑬理由を空欄（または 7 －）にしてください",
                ),
            ));
        }
        if shipping != ShippingStatus::LimitedByOthers && !blank(&input.causing_product_code) {
            errors.push((
                "causing_product_code",
                FieldError::new(
                    "contradiction",
                    "原因医薬品は⑫が「3 限定出荷（他社品の影響）」のときだけ入力できます",
                ),
            ));
        }
        if shipping == ShippingStatus::Normal && volume == Some(VolumeStatus::C) {
            errors.push((
                "volume_status",
                FieldError::new(
                    "contradiction",
                    "⑫「通常出荷」と⑯「C 出荷停止」は両立しません",
                ),
            ));
        }
    }
    match (shipping, errors.is_empty()) {
        (Some(shipping_status), true) => Ok(SupplyStatus {
            shipping_status,
            reason,
            causing_product_code: causing,
            resolution_outlook: outlook,
            resolution_month: month,
            volume_status: volume,
        }),
        _ => Err(errors),
    }
}

fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    field: &'static str,
    errors: &mut Vec<(&'static str, FieldError)>,
) -> Option<T> {
    if text.trim().is_empty() {
        return None;
    }
    parse(text).map_err(|e| errors.push((field, e))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(shipping: &str, reason: &str, volume: &str) -> StatusInput {
        StatusInput {
            shipping_status: shipping.into(),
            reason: reason.into(),
            volume_status: volume.into(),
            ..StatusInput::default()
        }
    }

    fn fields(result: Result<SupplyStatus, Vec<(&'static str, FieldError)>>) -> Vec<&'static str> {
        result
            .err()
            .map(|e| e.into_iter().map(|(f, _)| f).collect())
            .unwrap_or_default()
    }

    #[test]
    fn codes_labels_and_full_width_are_read() {
        assert_eq!(ShippingStatus::parse("２"), Ok(ShippingStatus::LimitedOwn));
        assert_eq!(
            ShippingStatus::parse("供給停止"),
            Ok(ShippingStatus::Stopped)
        );
        assert_eq!(
            ShippingStatus::parse("3.限定出荷（他社品の影響）"),
            Ok(ShippingStatus::LimitedByOthers)
        );
        assert_eq!(ShippingStatus::parse("1.0"), Ok(ShippingStatus::Normal));
        assert_eq!(VolumeStatus::parse("Ａ＋"), Ok(VolumeStatus::APlus));
        assert!(ShippingStatus::parse("6").is_err());
        assert!(
            Reason::parse("9")
                .expect_err("no 9")
                .message
                .contains("8 その他")
        );
    }

    #[test]
    fn a_limited_shipment_needs_a_reason_and_normal_shipment_none() {
        assert_eq!(fields(validate(&input("2", "", "B"))), vec!["reason"]);
        assert!(validate(&input("2", "3", "B")).is_ok());
        assert_eq!(fields(validate(&input("1", "3", "A"))), vec!["reason"]);
        assert!(validate(&input("1", "", "A")).is_ok());
        assert!(validate(&input("1", "7", "A")).is_ok());
    }

    #[test]
    fn normal_shipment_with_volume_c_is_contradictory() {
        assert_eq!(
            fields(validate(&input("1", "", "C"))),
            vec!["volume_status"]
        );
        assert!(validate(&input("5", "3", "C")).is_ok());
    }

    #[test]
    fn a_causing_product_is_only_allowed_with_status_three_and_must_be_a_valid_code() {
        let mut with_cause = input("3", "1", "B");
        with_cause.causing_product_code = "2171022F5180".into();
        assert!(validate(&with_cause).is_ok());
        with_cause.causing_product_code = "2171022F5181".into();
        assert_eq!(fields(validate(&with_cause)), vec!["causing_product_code"]);
        let mut wrong_status = input("2", "1", "B");
        wrong_status.causing_product_code = "2171022F5180".into();
        assert_eq!(
            fields(validate(&wrong_status)),
            vec!["causing_product_code"]
        );
    }

    #[test]
    fn months_must_be_year_and_month() {
        assert_eq!(
            YearMonth::parse("2027-03").map(|m| m.to_string()),
            Ok("2027-03".to_owned())
        );
        assert_eq!(
            YearMonth::parse("2027/3").map(|m| m.to_string()),
            Ok("2027-03".to_owned())
        );
        for bad in [
            "2027-13",
            "2027-00",
            "27-03",
            "2027",
            "March 2027",
            "2027-03-01",
        ] {
            assert!(YearMonth::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn blank_fields_stay_blank() {
        let status = validate(&input("5", "8", "")).expect("valid");
        assert_eq!(status.volume_status, None);
        assert_eq!(status.resolution_outlook, None);
        assert_eq!(status.resolution_month, None);
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let mut bad = input("9", "x", "Z");
        bad.resolution_month = "2027-13".into();
        let mut found = fields(validate(&bad));
        found.sort_unstable();
        assert_eq!(
            found,
            vec![
                "reason",
                "resolution_month",
                "shipping_status",
                "volume_status"
            ]
        );
    }
}
