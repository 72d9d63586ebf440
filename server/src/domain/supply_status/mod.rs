//! The public supply status of a drug (供給状況報告, the status columns ⑫–⑲ of the ministry's
//! list) and the rules one report must follow. Field names keep the older form's words
//! (`reason` is today's ⑭, `resolution_outlook` ⑮, `volume_status` ⑰); values are read in the
//! ministry's words or ours (see [`ministry`]).

mod codes;
pub mod ministry;
mod month;

pub use codes::{ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, VolumeStatus};
pub use month::YearMonth;

use super::validation::FieldError;

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
    /// A month `YYYY-MM` (the older form's ⑮).
    pub resolution_month: String,
    /// ⑰.
    pub volume_status: String,
    /// ⑯ free text (見込み時期・在庫消尽時期); a month in it fills `resolution_month`.
    pub resolution_note: String,
    /// ⑱ 改善見込み時期.
    pub improvement_timing: String,
    /// ⑲ 改善見込み量 (%).
    pub improvement_percent: String,
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
    /// The month of ⑯ (given as `YYYY-MM`, or read from its text).
    pub resolution_month: Option<YearMonth>,
    /// ⑰.
    pub volume_status: Option<VolumeStatus>,
    /// ⑯ free text as given.
    pub resolution_note: Option<String>,
    /// ⑱.
    pub improvement_timing: Option<ImprovementTiming>,
    /// ⑲ (%).
    pub improvement_percent: Option<u16>,
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
        ministry::shipping_status(&input.shipping_status)
            .map_err(|e| errors.push(("shipping_status", e)))
            .ok()
    };
    let reason = optional(&input.reason, ministry::reason, "reason", &mut errors);
    let outlook = optional(
        &input.resolution_outlook,
        ministry::resolution_outlook,
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
        ministry::volume_status,
        "volume_status",
        &mut errors,
    );
    let (timing, percent, note) = added_columns(input, &mut errors);
    let month = month.or_else(|| note.as_deref().and_then(ministry::month_in_note));
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
                        "⑫が「{}」のときは⑭理由を入力してください",
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
                    "⑫が「通常出荷」のときは⑭理由を空欄（または 7 －）にしてください",
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
                    "⑫「通常出荷」と⑰「C 出荷停止」は両立しません",
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
            resolution_note: note,
            improvement_timing: timing,
            improvement_percent: percent,
        }),
        _ => Err(errors),
    }
}

/// ⑱, ⑲ and ⑯'s text: the columns the ministry's list added in 2025.
fn added_columns(
    input: &StatusInput,
    errors: &mut Vec<(&'static str, FieldError)>,
) -> (Option<ImprovementTiming>, Option<u16>, Option<String>) {
    let timing = optional(
        &input.improvement_timing,
        ministry::improvement_timing,
        "improvement_timing",
        errors,
    );
    let percent = optional(
        &input.improvement_percent,
        ministry::improvement_percent,
        "improvement_percent",
        errors,
    );
    let note = Some(input.resolution_note.trim().to_owned()).filter(|n| !n.is_empty());
    (timing, percent, note)
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
