//! Why a step on a case was refused, with a Japanese message naming the current state.

use std::fmt;

use super::codes::{CaseState, ReportKind, event_label_ja};

/// A refused step. The HTTP edge maps `NotAllowed` and `AwaitingConsent` to 409, `NotYourStep`
/// to 403 and `CannotOpen` to 422.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowError {
    /// 409: the event does not fit the current state. Carries the state and the action names
    /// allowed now for that party.
    NotAllowed {
        /// The case's current state.
        state: CaseState,
        /// The refused action or report name.
        event: &'static str,
        /// The action names this party may take now (empty in a final state).
        allowed: Vec<&'static str>,
    },
    /// 403: this party may not take this step (e.g. a maker deciding, the ministry consenting,
    /// any Other party).
    NotYourStep {
        /// The refused action or report name.
        event: &'static str,
        /// Who may take it: `ministry` or `reporting_maker`.
        who: &'static str,
    },
    /// 422: the report kind cannot open a case (e.g. 追加報告 without a case).
    CannotOpen {
        /// The report kind that was filed.
        kind: ReportKind,
    },
    /// 409: a cooperation request on a device case before the reporting maker consented.
    AwaitingConsent,
}

impl FlowError {
    /// Why a cooperation request is not possible yet, as a disabled button says it.
    pub const AWAITING_CONSENT_JA: &'static str = "報告者の同意待ち";

    /// Stable machine code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAllowed { .. } => "transition_not_allowed",
            Self::NotYourStep { .. } => "not_your_step",
            Self::CannotOpen { .. } => "cannot_open_case",
            Self::AwaitingConsent => "awaiting_consent",
        }
    }

    /// What went wrong, in Japanese: the current state and what may be done instead.
    pub fn message_ja(&self) -> String {
        match self {
            Self::NotAllowed {
                state,
                event,
                allowed,
            } => {
                let refused = format!(
                    "事案の現在の状態は「{}」のため、「{}」はできません。",
                    state.label_ja(),
                    event_label_ja(event)
                );
                if state.is_final() {
                    format!("{refused}この事案は終結しており、これ以上の操作はできません。")
                } else if allowed.is_empty() {
                    format!("{refused}現在あなたが行える操作はありません。")
                } else {
                    let names: Vec<String> = allowed
                        .iter()
                        .map(|name| format!("{}（{name}）", event_label_ja(name)))
                        .collect();
                    format!("{refused}現在行える操作: {}", names.join("、"))
                }
            }
            Self::NotYourStep { event, who } => {
                let actor = match *who {
                    "ministry" => "厚生労働省",
                    _ => "報告した製造販売業者",
                };
                format!("「{}」は{actor}が行う操作です。", event_label_ja(event))
            }
            Self::CannotOpen { kind } => format!(
                "{}では新しい事案を開始できません。先に第一報・簡易報告または供給不安報告を提出してください。",
                kind.label_ja()
            ),
            Self::AwaitingConsent => format!(
                "{}：協力依頼は、報告した製造販売業者が同意した後に送れます（在庫・出荷状況の照会は送れます）。",
                Self::AWAITING_CONSENT_JA
            ),
        }
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_ja())
    }
}

impl std::error::Error for FlowError {}
