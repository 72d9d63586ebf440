//! The one table of 様式10-2 / 様式10-3 fields (DESIGN §3.2) and which kind requires which.

use super::kinds::DeviceReportKind;

/// Whether a kind of report needs a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// Must be given.
    Required,
    /// May be blank.
    Optional,
    /// Does not apply to this kind and must be left blank.
    NotApplicable,
}

/// One field of the forms: its JSON name, Japanese label and requirement per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// JSON name in the API and the key in storage.
    pub name: &'static str,
    /// Japanese label on the form.
    pub label_ja: &'static str,
    /// What to enter, in Japanese, for forms and messages.
    pub hint_ja: &'static str,
    /// Required only when 情報提供の有無 is あり (where the kind requires it at all).
    pub only_if_information_provided: bool,
    first: Requirement,
    full: Requirement,
    termination: Requirement,
}

impl FieldSpec {
    /// Whether `kind` requires this field. A field marked
    /// [`only_if_information_provided`](Self::only_if_information_provided) is only enforced
    /// when 情報提供 is あり.
    pub fn requirement(&self, kind: DeviceReportKind) -> Requirement {
        match kind {
            DeviceReportKind::First => self.first,
            DeviceReportKind::Additional | DeviceReportKind::ReReport => self.full,
            DeviceReportKind::Simplified | DeviceReportKind::TerminationNotice => self.termination,
        }
    }

    /// The field called `name`, if there is one.
    pub fn find(name: &str) -> Option<&'static Self> {
        FIELDS.iter().find(|spec| spec.name == name)
    }

    /// Position in [`FIELDS`] (unknown names sort last), to list problems in form order.
    pub(super) fn position(name: &str) -> usize {
        FIELDS
            .iter()
            .position(|spec| spec.name == name)
            .unwrap_or(FIELDS.len())
    }
}

const R: Requirement = Requirement::Required;
const O: Requirement = Requirement::Optional;
const NA: Requirement = Requirement::NotApplicable;

/// Builds a row of [`FIELDS`]: columns 第一報, 追加報告・再報告, 簡易報告・様式10-3.
const fn row(
    name: &'static str,
    label_ja: &'static str,
    hint_ja: &'static str,
    [first, full, termination]: [Requirement; 3],
) -> FieldSpec {
    FieldSpec {
        name,
        label_ja,
        hint_ja,
        only_if_information_provided: false,
        first,
        full,
        termination,
    }
}

/// Like [`row`], for the details of 情報提供 (required only when it was given).
const fn if_provided(
    name: &'static str,
    label_ja: &'static str,
    hint_ja: &'static str,
) -> FieldSpec {
    FieldSpec {
        only_if_information_provided: true,
        ..row(name, label_ja, hint_ja, [O, R, R])
    }
}

/// The fields of 様式10-2 / 様式10-3 other than the product, in form order.
/// Columns: 第一報 | 追加報告・再報告 | 簡易報告・様式10-3 (DESIGN §3.2).
// Kept one row per line so the table reads (and is amended) as a table.
#[rustfmt::skip]
pub const FIELDS: &[FieldSpec] = &[
    row("event_type", "事象区分", "supply_risk（供給不安）・stockout（欠品）・termination（供給終了）", [R, R, R]),
    row("reason", "原因", "⑭（限定出荷／供給停止の理由）と同じ理由コード 1〜8", [O, R, R]),
    row("reason_text", "原因の詳細", "原因の具体的な内容", [O, R, R]),
    row("occurred_on", "発生時期／供給終了予定時期", "年-月 または 年-月-日（例 2026-09、2026-09-15）", [O, R, R]),
    row("clinical_impact", "臨床現場への影響", "large（大）・possibly_large（大の可能性）・small（小）", [O, R, R]),
    row("impact_basis", "影響の判断根拠", "取引先・学会・医療機関・卸などへの確認結果", [O, R, R]),
    row("recovery_month", "回復の見通し", "年-月（例 2027-03）", [O, R, NA]),
    row("stock_months", "在庫（月数）", "0以上の数（例 2.5）", [O, R, R]),
    row("shipments_last_12_months", "直近12か月の出荷実績", "12か月分の出荷数量をカンマ区切りで（例 120,118,…）", [O, R, R]),
    row("alternatives", "代替品・代替療法", "代替品（製品名・企業名）や代替療法", [O, R, R]),
    row("information_provided", "医療機関・学会への情報提供の有無", "true（あり）・false（なし）", [O, R, R]),
    if_provided("information_provided_on", "情報提供日", "年-月-日（例 2026-04-01）"),
    if_provided("information_content", "情報提供の内容", "いつ、誰に、何を伝えたか"),
];
