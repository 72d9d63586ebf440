//! The named values of a case: flows, states, impacts, decisions, report kinds, actions, parties.

use crate::domain::coded::{Coded, coded_enum};
use crate::domain::validation::FieldError;

coded_enum!(
    /// Which flow a case follows: A and B of DESIGN §4 (devices and IVDs, from the 2024 flow
    /// charts), or D for a drug 供給不安報告 under the 2025 law (報告徴収, then 協力要請
    /// without the reporting maker's consent).
    Flow {
        A = "A", "供給不安・欠品";
        B = "B", "供給終了";
        D = "D", "医薬品の供給不安（報告徴収・協力要請）";
    }
);

coded_enum!(
    /// Where a case stands in its flow.
    CaseState {
        Reported = "reported", "報告受付";
        Assessing = "assessing", "影響評価中";
        ReportRequested = "report_requested", "報告徴収中（製造販売業者の報告待ち）";
        AdditionalReported = "additional_reported", "追加報告受付（判断待ち）";
        ResponseNeeded = "response_needed", "対応必要";
        Monitoring = "monitoring", "経過観察";
        Announced = "announced", "周知済み";
        Resolved = "resolved", "解決";
        Terminated = "terminated", "供給終了";
    }
);

coded_enum!(
    /// Impact on clinical practice (臨床現場への影響).
    Impact {
        Large = "large", "大";
        PossiblyLarge = "possibly_large", "大の可能性";
        Small = "small", "小";
    }
);

coded_enum!(
    /// The ministry's decision on further action after a 追加報告 or 再報告.
    Decision {
        ResponseNeeded = "response_needed", "対応必要";
        Monitoring = "monitoring", "経過観察";
    }
);

coded_enum!(
    /// What kind of report a maker files on a case.
    ReportKind {
        First = "first", "第一報";
        Additional = "additional", "追加報告";
        Simplified = "simplified", "簡易報告";
        ReReport = "re_report", "再報告";
        TerminationNotice = "termination_notice", "供給終了届出書（様式10-3）";
        SupplyRisk = "supply_risk", "供給不安報告";
    }
);

coded_enum!(
    /// Who is acting on a case, relative to it.
    Party {
        Ministry = "ministry", "厚生労働省";
        ReportingMaker = "reporting_maker", "報告した製造販売業者";
        Other = "other", "その他の利用者";
    }
);

impl CaseState {
    /// Whether the case is closed: nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Resolved | Self::Terminated)
    }
}

impl CaseRequest {
    /// The name of the request as an event (errors carry it): `information_request`,
    /// `cooperation_request`.
    pub fn event_name(self) -> &'static str {
        match self {
            Self::Information => "information_request",
            Self::Cooperation => "cooperation_request",
        }
    }
}

impl Decision {
    /// The state the case moves to with this decision.
    pub fn state(self) -> CaseState {
        match self {
            Self::ResponseNeeded => CaseState::ResponseNeeded,
            Self::Monitoring => CaseState::Monitoring,
        }
    }
}

coded_enum!(
    /// A request the ministry sends on a case to other organisations: an information request
    /// (照会: stock and shipments; never needs consent) or a cooperation request (協力依頼 / 協力要請).
    CaseRequest {
        Information = "information", "在庫・出荷状況の照会";
        Cooperation = "cooperation", "協力依頼（協力要請）";
    }
);

/// A step taken on a case through `POST /cases/{id}/transitions` (DESIGN §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    /// The ministry judges the impact on clinical practice (影響の判断).
    JudgeImpact(Impact),
    /// The ministry requests a report from the reporting maker (報告徴収, drugs).
    RequestReport,
    /// The ministry decides on further action (対応方針の決定).
    Decide(Decision),
    /// The reporting maker consents to cooperation requests (協力依頼への同意).
    Consent,
    /// The reporting maker reports progress (対応状況報告).
    ReportProgress,
    /// The reporting maker has told institutions of the end of supply (周知).
    Announce,
    /// The ministry closes the case as resolved.
    Resolve,
}

impl CaseAction {
    /// One of each action, in the order of the flow (impact and decision are placeholders).
    pub const EACH: [Self; 7] = [
        Self::JudgeImpact(Impact::Large),
        Self::RequestReport,
        Self::Decide(Decision::ResponseNeeded),
        Self::Consent,
        Self::ReportProgress,
        Self::Announce,
        Self::Resolve,
    ];

    /// Stable action name used in the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::JudgeImpact(_) => "judge_impact",
            Self::RequestReport => "request_report",
            Self::Decide(_) => "decide",
            Self::Consent => "consent",
            Self::ReportProgress => "report_progress",
            Self::Announce => "announce",
            Self::Resolve => "resolve",
        }
    }

    /// Japanese label of the action.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::JudgeImpact(_) => "影響の判断",
            Self::RequestReport => "報告徴収",
            Self::Decide(_) => "対応方針の決定",
            Self::Consent => "協力依頼への同意",
            Self::ReportProgress => "対応状況報告",
            Self::Announce => "供給終了の周知",
            Self::Resolve => "解決として終結",
        }
    }

    /// Who may take this action.
    pub fn taken_by(self) -> Party {
        match self {
            Self::JudgeImpact(_) | Self::RequestReport | Self::Decide(_) | Self::Resolve => {
                Party::Ministry
            }
            Self::Consent | Self::ReportProgress | Self::Announce => Party::ReportingMaker,
        }
    }
}

/// Anything that can move a case: an action, or a report filed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseEvent {
    /// A step of the workflow.
    Action(CaseAction),
    /// A report filed by the reporting maker; `termination` = its 事象区分 is 供給終了
    /// (always false for a 供給不安報告).
    Report {
        /// The kind of report.
        kind: ReportKind,
        /// Whether the report announces the end of supply.
        termination: bool,
    },
    /// A request the ministry sends to other organisations; the case stays where it is.
    Request(CaseRequest),
}

impl CaseEvent {
    /// The action name, or the report kind's stable name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Action(action) => action.name(),
            Self::Report { kind, .. } => kind.code(),
            Self::Request(request) => request.event_name(),
        }
    }

    /// Japanese label of the action or report.
    pub fn label_ja(&self) -> &'static str {
        match self {
            Self::Action(action) => action.label_ja(),
            Self::Report { kind, .. } => kind.label_ja(),
            Self::Request(request) => request.label_ja(),
        }
    }

    /// Who may cause this event: reports always come from the reporting maker.
    pub fn taken_by(&self) -> Party {
        match self {
            Self::Action(action) => action.taken_by(),
            Self::Report { .. } => Party::ReportingMaker,
            Self::Request(_) => Party::Ministry,
        }
    }
}

/// What moved a case, as its history stores it: an action's name or a report kind's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventName(&'static str);

impl EventName {
    /// The stored name.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// Japanese label of the action or report.
    pub fn label_ja(self) -> &'static str {
        event_label_ja(self.0)
    }
}

impl From<CaseAction> for EventName {
    fn from(action: CaseAction) -> Self {
        Self(action.name())
    }
}

impl From<ReportKind> for EventName {
    fn from(kind: ReportKind) -> Self {
        Self(kind.code())
    }
}

impl Coded for EventName {
    const TYPE_NAME: &'static str = "EventName";

    fn code(self) -> &'static str {
        self.0
    }

    fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        CaseAction::EACH
            .iter()
            .map(|a| a.name())
            .chain(ReportKind::ALL.iter().map(|k| k.code()))
            .find(|name| *name == code)
            .map(Self)
    }
}

/// The Japanese label of an action or report name (as carried by errors); the name itself if unknown.
pub fn event_label_ja(name: &str) -> &str {
    CaseAction::EACH
        .iter()
        .find(|a| a.name() == name)
        .map(|a| a.label_ja())
        .or_else(|| ReportKind::from_code(name).map(ReportKind::label_ja))
        .or_else(|| {
            CaseRequest::ALL
                .iter()
                .find(|r| r.event_name() == name)
                .map(|r| r.label_ja())
        })
        .unwrap_or(name)
}

impl CaseAction {
    /// Reads the body of a transition request (`action`, with `impact` for `judge_impact` and
    /// `decision` for `decide`); an error names the field at fault.
    pub fn from_parts(
        action: &str,
        impact: Option<&str>,
        decision: Option<&str>,
    ) -> Result<Self, (&'static str, FieldError)> {
        fn given(value: Option<&str>) -> Option<&str> {
            value.map(str::trim).filter(|v| !v.is_empty())
        }
        match action.trim() {
            "judge_impact" => {
                let text = given(impact).ok_or_else(|| {
                    let e = FieldError::new(
                        "required",
                        "影響の判断には impact（large・possibly_large・small）が必要です",
                    );
                    ("impact", e)
                })?;
                Impact::from_code(text)
                    .map(Self::JudgeImpact)
                    .ok_or_else(|| {
                        let e = FieldError::new(
                            "code",
                            format!("impact「{text}」は使えません（large・possibly_large・small）"),
                        );
                        ("impact", e)
                    })
            }
            "decide" => {
                let text = given(decision).ok_or_else(|| {
                    let e = FieldError::new(
                        "required",
                        "対応方針の決定には decision（response_needed・monitoring）が必要です",
                    );
                    ("decision", e)
                })?;
                Decision::from_code(text).map(Self::Decide).ok_or_else(|| {
                    let e = FieldError::new(
                        "code",
                        format!("decision「{text}」は使えません（response_needed・monitoring）"),
                    );
                    ("decision", e)
                })
            }
            other => Self::EACH
                .into_iter()
                .filter(|a| !matches!(a, Self::JudgeImpact(_) | Self::Decide(_)))
                .find(|a| a.name() == other)
                .ok_or_else(|| {
                    let names: Vec<&str> = Self::EACH.iter().map(|a| a.name()).collect();
                    let e = FieldError::new(
                        "code",
                        format!("操作「{other}」は不明です（{}）", names.join("・")),
                    );
                    ("action", e)
                }),
        }
    }
}
