//! The kinds of device report (様式10-2 four kinds, 様式10-3) and the event types (事象区分).

use crate::domain::case_flow::ReportKind;
use crate::domain::coded::coded_enum;
use crate::domain::validation::{FieldError, normalize_width};

coded_enum!(
    /// Which form and kind a device or IVD report is: 第一報 (様式10-2, blanks allowed), 追加報告
    /// (every field required), 簡易報告 (the fields 様式10-3 requires), 再報告 (after a change that
    /// affects clinical practice), or the 供給終了届出書 (様式10-3).
    DeviceReportKind {
        First = "first", "第一報";
        Additional = "additional", "追加報告";
        Simplified = "simplified", "簡易報告";
        ReReport = "re_report", "再報告";
        TerminationNotice = "termination_notice", "供給終了届出書（様式10-3）";
    }
);

impl DeviceReportKind {
    /// Reads the stable name.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == text)
            .ok_or_else(|| {
                FieldError::new(
                    "code",
                    format!(
                        "報告の種類「{text}」は不明です（first・additional・simplified・re_report・termination_notice）"
                    ),
                )
            })
    }

    /// Whether the report must announce the end of supply (事象区分 = 供給終了).
    pub fn requires_termination(self) -> bool {
        matches!(self, Self::Simplified | Self::TerminationNotice)
    }
}

impl From<DeviceReportKind> for ReportKind {
    fn from(kind: DeviceReportKind) -> Self {
        match kind {
            DeviceReportKind::First => Self::First,
            DeviceReportKind::Additional => Self::Additional,
            DeviceReportKind::Simplified => Self::Simplified,
            DeviceReportKind::ReReport => Self::ReReport,
            DeviceReportKind::TerminationNotice => Self::TerminationNotice,
        }
    }
}

coded_enum!(
    /// 事象区分: what is happening to the product.
    DeviceEventType {
        SupplyRisk = "supply_risk", "供給不安";
        Stockout = "stockout", "欠品";
        Termination = "termination", "供給終了";
    }
);

impl DeviceEventType {
    /// Reads the stable name or the Japanese label (full- or half-width).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = normalize_width(input);
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.code() == text || t.label_ja() == text)
            .ok_or_else(|| {
                FieldError::new(
                    "code",
                    format!(
                        "『事象区分』「{}」は使えません（supply_risk 供給不安・stockout 欠品・termination 供給終了）",
                        input.trim()
                    ),
                )
            })
    }
}
