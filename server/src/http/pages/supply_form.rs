//! The status form's choices and typed values, shared by the maker's pages.

use crate::domain::supply_status::{
    ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, StatusInput, VolumeStatus,
};
use crate::services::supply_status::history::StatusView;

/// One `<option>`: value, label, selected.
pub struct Choice {
    /// The submitted value.
    pub value: &'static str,
    /// What the user reads.
    pub label: String,
    /// Whether it is the current value.
    pub selected: bool,
}

/// The status form of one product, filled with the current or the typed values.
pub struct StatusForm {
    /// The product's code.
    pub code: String,
    /// ⑫ choices.
    pub shipping: Vec<Choice>,
    /// ⑭ choices (with a blank one).
    pub reasons: Vec<Choice>,
    /// ⑰ choices (with a blank one).
    pub volumes: Vec<Choice>,
    /// ⑮ choices (with a blank one).
    pub outlooks: Vec<Choice>,
    /// The month of ⑯ as typed (`YYYY-MM`).
    pub month: String,
    /// ⑯ as free text, as the ministry's list writes it (e.g. 「2026年9月在庫消尽見込み」).
    pub note: String,
    /// ⑱ choices (with a blank one).
    pub timings: Vec<Choice>,
    /// ⑲ (%) as typed.
    pub improvement_percent: String,
    /// 原因医薬品 as typed.
    pub causing: String,
}

fn choices<T: Copy>(
    all: &[T],
    current: &str,
    code: fn(T) -> &'static str,
    label: fn(T) -> String,
    blank: bool,
) -> Vec<Choice> {
    let mut list = Vec::new();
    if blank {
        list.push(Choice {
            value: "",
            label: "（空欄）".to_owned(),
            selected: current.is_empty(),
        });
    }
    list.extend(all.iter().map(|v| Choice {
        value: code(*v),
        label: label(*v),
        selected: code(*v) == current,
    }));
    list
}

impl StatusForm {
    /// The form for `code` showing `input`.
    pub fn new(code: &str, input: &StatusInput) -> Self {
        Self {
            code: code.to_owned(),
            shipping: choices(
                ShippingStatus::ALL,
                &input.shipping_status,
                ShippingStatus::code,
                |v| format!("{} {}", v.code(), v.label_ja()),
                false,
            ),
            reasons: choices(
                Reason::ALL,
                &input.reason,
                Reason::code,
                |v| format!("{} {}", v.code(), v.label_ja()),
                true,
            ),
            volumes: choices(
                VolumeStatus::ALL,
                &input.volume_status,
                VolumeStatus::code,
                |v| v.label_ja().to_owned(),
                true,
            ),
            outlooks: choices(
                ResolutionOutlook::ALL,
                &input.resolution_outlook,
                ResolutionOutlook::code,
                |v| v.label_ja().to_owned(),
                true,
            ),
            month: input.resolution_month.clone(),
            note: input.resolution_note.clone(),
            timings: choices(
                ImprovementTiming::ALL,
                &input.improvement_timing,
                ImprovementTiming::code,
                |v| format!("{}．{}", v.code(), v.label_ja()),
                true,
            ),
            improvement_percent: input.improvement_percent.clone(),
            causing: input.causing_product_code.clone(),
        }
    }

    /// The form pre-filled with the current status (通常出荷 / A when none was ever filed).
    pub fn current(code: &str, status: Option<&StatusView>) -> Self {
        let input = status.map_or_else(
            || StatusInput {
                shipping_status: "1".into(),
                volume_status: "A".into(),
                ..StatusInput::default()
            },
            |s| StatusInput {
                shipping_status: s.shipping_status.code().into(),
                reason: s.reason.map(|r| r.code().to_owned()).unwrap_or_default(),
                causing_product_code: s.causing_product_code.clone().unwrap_or_default(),
                resolution_outlook: s
                    .resolution_outlook
                    .map(|o| o.code().to_owned())
                    .unwrap_or_default(),
                resolution_month: s.resolution_month.clone().unwrap_or_default(),
                volume_status: s
                    .volume_status
                    .map(|v| v.code().to_owned())
                    .unwrap_or_default(),
                resolution_note: s.extra.resolution_note.clone().unwrap_or_default(),
                improvement_timing: s
                    .extra
                    .improvement_timing
                    .map(|t| t.code().to_owned())
                    .unwrap_or_default(),
                improvement_percent: s
                    .extra
                    .improvement_percent
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            },
        );
        Self::new(code, &input)
    }
}
