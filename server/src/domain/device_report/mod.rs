//! Device and IVD reports (様式10-2 第一報・追加報告・簡易報告・再報告, 様式10-3 供給終了届出書):
//! the field table, and the check of one report's values against it. Pure.

mod fields;
mod kinds;
#[cfg(test)]
mod tests;
mod values;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::case_flow::Impact;
use crate::domain::supply_status::{Reason, YearMonth};
use crate::domain::validation::FieldError;

pub use fields::{FIELDS, FieldSpec, Requirement};
pub use kinds::{DeviceEventType, DeviceReportKind};

/// The typed report: every field `Option` (blank stays `None`, never a made-up default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceReportFields {
    /// 事象区分.
    pub event_type: DeviceEventType,
    /// 原因 (⑬ code).
    pub reason: Option<Reason>,
    /// 原因の詳細.
    pub reason_text: Option<String>,
    /// 発生時期／供給終了予定時期, normalised `YYYY-MM` or `YYYY-MM-DD`.
    pub occurred_on: Option<String>,
    /// 臨床現場への影響.
    pub clinical_impact: Option<Impact>,
    /// 影響の判断根拠.
    pub impact_basis: Option<String>,
    /// 回復の見通し.
    pub recovery_month: Option<YearMonth>,
    /// 在庫（月数）, decimal text as given (half-width), validated.
    pub stock_months: Option<String>,
    /// 直近12か月の出荷実績, twelve monthly quantities.
    pub shipments_last_12_months: Option<Vec<u64>>,
    /// 代替品・代替療法.
    pub alternatives: Option<String>,
    /// 医療機関・学会への情報提供の有無.
    pub information_provided: Option<bool>,
    /// 情報提供日.
    pub information_provided_on: Option<NaiveDate>,
    /// 情報提供の内容.
    pub information_content: Option<String>,
}

impl DeviceReportFields {
    /// Whether the report announces the end of supply (事象区分 = 供給終了).
    pub fn is_termination(&self) -> bool {
        self.event_type == DeviceEventType::Termination
    }

    /// Back to text by JSON name, for storage and display; blank fields are left out.
    pub fn to_values(&self) -> BTreeMap<&'static str, String> {
        let mut out = BTreeMap::new();
        let mut put = |name: &'static str, value: Option<String>| {
            if let Some(value) = value {
                out.insert(name, value);
            }
        };
        put("event_type", Some(self.event_type.code().to_owned()));
        put("reason", self.reason.map(|r| r.code().to_owned()));
        put("reason_text", self.reason_text.clone());
        put("occurred_on", self.occurred_on.clone());
        put(
            "clinical_impact",
            self.clinical_impact.map(|i| i.code().to_owned()),
        );
        put("impact_basis", self.impact_basis.clone());
        put("recovery_month", self.recovery_month.map(|m| m.to_string()));
        put("stock_months", self.stock_months.clone());
        put(
            "shipments_last_12_months",
            self.shipments_last_12_months
                .as_ref()
                .map(|s| s.iter().map(u64::to_string).collect::<Vec<_>>().join(",")),
        );
        put("alternatives", self.alternatives.clone());
        put(
            "information_provided",
            self.information_provided.map(|b| b.to_string()),
        );
        put(
            "information_provided_on",
            self.information_provided_on
                .map(|d| d.format("%Y-%m-%d").to_string()),
        );
        put("information_content", self.information_content.clone());
        out
    }
}

/// Checks values given by JSON name (missing key = blank) against [`FIELDS`] for `kind`; returns
/// ALL problems at once as (field, error) in form order, with codes `required`, `not_applicable`,
/// `format`, `code` and `contradiction`. Unknown keys (`product_code`, `kind`) are ignored.
pub fn validate(
    kind: DeviceReportKind,
    values: &BTreeMap<String, String>,
) -> Result<DeviceReportFields, Vec<(&'static str, FieldError)>> {
    let mut check = Check {
        kind,
        values,
        errors: Vec::new(),
    };
    let event_type = check.read("event_type", |_, t| DeviceEventType::parse(t));
    let information_provided = check.read("information_provided", values::yes_no);
    check.presence(information_provided);
    let reason = check.read("reason", |_, t| values::reason(t));
    let occurred_on = check.read("occurred_on", values::month_or_day);
    let clinical_impact = check.read("clinical_impact", |_, t| values::impact(t));
    let recovery_month = check.read("recovery_month", values::month);
    let stock_months = check.read("stock_months", values::stock_months);
    let shipments = check.read("shipments_last_12_months", values::shipments);
    let information_provided_on = check.read("information_provided_on", values::day);
    if kind.requires_termination() && event_type.is_some_and(|t| t != DeviceEventType::Termination)
    {
        check.error(
            "event_type",
            "contradiction",
            format!(
                "{}では『事象区分』は「供給終了」（termination）にしてください",
                kind.label_ja()
            ),
        );
    }
    // A date of 情報提供 that did not happen contradicts the answer; free text may still explain.
    if information_provided == Some(false) && information_provided_on.is_some() {
        check.error(
            "information_provided_on",
            "contradiction",
            "『医療機関・学会への情報提供の有無』が「なし」のときは『情報提供日』は入力できません"
                .to_owned(),
        );
    }
    let mut errors = std::mem::take(&mut check.errors);
    // A stable sort: within a field, the presence problem stays before a contradiction.
    errors.sort_by_key(|(field, _)| FieldSpec::position(field));
    match event_type {
        Some(event_type) if errors.is_empty() => Ok(DeviceReportFields {
            event_type,
            reason,
            reason_text: check.text("reason_text"),
            occurred_on,
            clinical_impact,
            impact_basis: check.text("impact_basis"),
            recovery_month,
            stock_months,
            shipments_last_12_months: shipments,
            alternatives: check.text("alternatives"),
            information_provided,
            information_provided_on,
            information_content: check.text("information_content"),
        }),
        _ => Err(errors),
    }
}

/// The values of one report being checked, and the problems found so far.
struct Check<'a> {
    kind: DeviceReportKind,
    values: &'a BTreeMap<String, String>,
    errors: Vec<(&'static str, FieldError)>,
}

impl Check<'_> {
    /// The trimmed, non-blank text of `name`, if the field applies to this kind.
    fn given(&self, name: &str) -> Option<&str> {
        let applies = FieldSpec::find(name)
            .is_none_or(|spec| spec.requirement(self.kind) != Requirement::NotApplicable);
        self.values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| applies && !v.is_empty())
    }

    /// Parses field `name` with `parse(label, text)`, recording the error.
    fn read<T>(
        &mut self,
        name: &'static str,
        parse: impl Fn(&str, &str) -> Result<T, FieldError>,
    ) -> Option<T> {
        let label = FieldSpec::find(name).map_or(name, |spec| spec.label_ja);
        let parsed = parse(label, self.given(name)?);
        parsed.map_err(|e| self.errors.push((name, e))).ok()
    }

    /// Free text of field `name`, as given (trimmed).
    fn text(&self, name: &'static str) -> Option<String> {
        self.given(name).map(str::to_owned)
    }

    fn error(&mut self, name: &'static str, code: &'static str, message: String) {
        self.errors.push((name, FieldError::new(code, message)));
    }

    /// Every required field that is blank, and every not-applicable field that is given.
    fn presence(&mut self, information_provided: Option<bool>) {
        let kind = self.kind;
        for spec in FIELDS {
            let given = self
                .values
                .get(spec.name)
                .is_some_and(|v| !v.trim().is_empty());
            match (spec.requirement(kind), given) {
                (Requirement::Required, false)
                    if !spec.only_if_information_provided || information_provided == Some(true) =>
                {
                    self.error(
                        spec.name,
                        "required",
                        format!("{}では『{}』は必須です", kind.label_ja(), spec.label_ja),
                    );
                }
                (Requirement::NotApplicable, true) => self.error(
                    spec.name,
                    "not_applicable",
                    format!(
                        "『{}』は{}には該当しません。空欄にしてください",
                        spec.label_ja,
                        kind.label_ja()
                    ),
                ),
                _ => {}
            }
        }
    }
}
