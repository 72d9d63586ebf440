//! The kinds of device report (様式10-2 four kinds, 様式10-3) and the event types (事象区分).

use crate::domain::case_flow::ReportKind;
use crate::domain::validation::{FieldError, normalize_width};

/// Which form and kind a device or IVD report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceReportKind {
    /// 第一報 (様式10-2): blanks allowed.
    First,
    /// 追加報告 (様式10-2): every field required.
    Additional,
    /// 簡易報告 (様式10-2): the fields 様式10-3 requires.
    Simplified,
    /// 再報告 (様式10-2): after a change that affects clinical practice.
    ReReport,
    /// 供給終了届出書 (様式10-3).
    TerminationNotice,
}

impl DeviceReportKind {
    /// Every kind, in form order.
    pub const ALL: [Self; 5] = [
        Self::First,
        Self::Additional,
        Self::Simplified,
        Self::ReReport,
        Self::TerminationNotice,
    ];

    /// Stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Additional => "additional",
            Self::Simplified => "simplified",
            Self::ReReport => "re_report",
            Self::TerminationNotice => "termination_notice",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::First => "第一報",
            Self::Additional => "追加報告",
            Self::Simplified => "簡易報告",
            Self::ReReport => "再報告",
            Self::TerminationNotice => "供給終了届出書（様式10-3）",
        }
    }

    /// Reads the stable name.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
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

/// 事象区分: what is happening to the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceEventType {
    /// 供給不安
    SupplyRisk,
    /// 欠品
    Stockout,
    /// 供給終了
    Termination,
}

impl DeviceEventType {
    /// Every event type, in form order.
    pub const ALL: [Self; 3] = [Self::SupplyRisk, Self::Stockout, Self::Termination];

    /// Stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SupplyRisk => "supply_risk",
            Self::Stockout => "stockout",
            Self::Termination => "termination",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::SupplyRisk => "供給不安",
            Self::Stockout => "欠品",
            Self::Termination => "供給終了",
        }
    }

    /// Reads the stable name or the Japanese label (full- or half-width).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text = normalize_width(input);
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == text || t.label_ja() == text)
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
