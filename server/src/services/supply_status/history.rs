//! Reading statuses back: each product's current status, and its history of reports with who
//! filed each one and what changed.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::entity::{product_status, supply_status_report, user};
use crate::domain::supply_status::{
    ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, VolumeStatus,
};
use crate::services::{DbContext, ServiceError};

/// A status as stored: ⑫–⑯ and the date of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    /// ⑫.
    pub shipping_status: ShippingStatus,
    /// ⑬.
    pub reason: Option<Reason>,
    /// 原因医薬品.
    pub causing_product_code: Option<String>,
    /// ⑭.
    pub resolution_outlook: Option<ResolutionOutlook>,
    /// ⑮ `YYYY-MM`.
    pub resolution_month: Option<String>,
    /// ⑯.
    pub volume_status: Option<VolumeStatus>,
    /// The day of the report (the edition of the ministry's list it came from).
    pub updated_on: NaiveDate,
    /// ⑯ free text, ⑱, ⑲, and the dates ⑬/⑳.
    pub extra: StatusExtra,
}

/// The columns the ministry's list added in 2025: ⑯ as text, ⑱, ⑲, and the dates ⑬ and ⑳.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusExtra {
    /// ⑯ free text.
    pub resolution_note: Option<String>,
    /// ⑱.
    pub improvement_timing: Option<ImprovementTiming>,
    /// ⑲ (%).
    pub improvement_percent: Option<i32>,
    /// ⑬ the day ⑫ last changed.
    pub shipping_changed_on: Option<NaiveDate>,
    /// ⑳ the day anything else last changed.
    pub other_changed_on: Option<NaiveDate>,
}

/// One report in a product's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// 受付番号.
    pub receipt_number: String,
    /// When it was filed.
    pub submitted_at: DateTime<Utc>,
    /// Who filed it (display name), if a person did.
    pub submitted_by: Option<String>,
    /// What was reported.
    pub status: StatusView,
    /// What changed against the previous report, in Japanese (empty: a confirmation).
    pub changes: Vec<String>,
}

impl StatusView {
    /// The view of a status about to be stored (reported on `on`), to compare with the current.
    pub fn of_status(status: &crate::domain::supply_status::SupplyStatus, on: NaiveDate) -> Self {
        Self {
            shipping_status: status.shipping_status,
            reason: status.reason,
            causing_product_code: status
                .causing_product_code
                .as_ref()
                .map(|c| c.as_str().to_owned()),
            resolution_outlook: status.resolution_outlook,
            resolution_month: status.resolution_month.map(|m| m.to_string()),
            volume_status: status.volume_status,
            updated_on: on,
            extra: StatusExtra {
                resolution_note: status.resolution_note.clone(),
                improvement_timing: status.improvement_timing,
                improvement_percent: status.improvement_percent.map(i32::from),
                shipping_changed_on: None,
                other_changed_on: None,
            },
        }
    }

    /// The current status as its row stores it (the codes were read where they left the database).
    pub fn from_status_row(row: &product_status::Model) -> Self {
        Self {
            shipping_status: row.shipping_status,
            reason: row.reason,
            causing_product_code: row.causing_product_code.clone(),
            resolution_outlook: row.resolution_outlook,
            resolution_month: row.resolution_month.clone(),
            volume_status: row.volume_status,
            updated_on: row.updated_on,
            extra: StatusExtra {
                resolution_note: row.resolution_note.clone(),
                improvement_timing: row.improvement_timing,
                improvement_percent: row.improvement_percent,
                shipping_changed_on: row.shipping_changed_on,
                other_changed_on: row.other_changed_on,
            },
        }
    }

    /// A filed report's status, dated by its ⑰ report day.
    pub fn from_report(row: &supply_status_report::Model) -> Self {
        Self {
            shipping_status: row.shipping_status,
            reason: row.reason,
            causing_product_code: row.causing_product_code.clone(),
            resolution_outlook: row.resolution_outlook,
            resolution_month: row.resolution_month.clone(),
            volume_status: row.volume_status,
            updated_on: row.reported_on,
            extra: StatusExtra {
                resolution_note: row.resolution_note.clone(),
                improvement_timing: row.improvement_timing,
                improvement_percent: row.improvement_percent,
                shipping_changed_on: row.shipping_changed_on,
                other_changed_on: row.other_changed_on,
            },
        }
    }

    /// What differs from `before`, one Japanese line per column.
    pub fn changes_since(&self, before: &Self) -> Vec<String> {
        fn label<T: Copy>(value: Option<T>, f: fn(T) -> &'static str) -> &'static str {
            value.map_or("（空欄）", f)
        }
        let mut changes = Vec::new();
        if self.shipping_status != before.shipping_status {
            changes.push(format!(
                "⑫ {} → {}",
                before.shipping_status.label_ja(),
                self.shipping_status.label_ja()
            ));
        }
        if self.reason != before.reason {
            changes.push(format!(
                "⑭ {} → {}",
                label(before.reason, Reason::label_ja),
                label(self.reason, Reason::label_ja)
            ));
        }
        if self.volume_status != before.volume_status {
            changes.push(format!(
                "⑰ {} → {}",
                label(before.volume_status, VolumeStatus::short_ja),
                label(self.volume_status, VolumeStatus::short_ja)
            ));
        }
        if self.resolution_outlook != before.resolution_outlook
            || self.resolution_month != before.resolution_month
        {
            let show = |o: Option<ResolutionOutlook>, m: &Option<String>| {
                format!(
                    "{}{}",
                    label(o, ResolutionOutlook::label_ja),
                    m.as_deref().map(|m| format!("（{m}）")).unwrap_or_default()
                )
            };
            changes.push(format!(
                "⑮ {} → {}",
                show(before.resolution_outlook, &before.resolution_month),
                show(self.resolution_outlook, &self.resolution_month)
            ));
        }
        if self.extra.resolution_note != before.extra.resolution_note {
            changes.push(format!(
                "⑯ {} → {}",
                before
                    .extra
                    .resolution_note
                    .as_deref()
                    .unwrap_or("（空欄）"),
                self.extra.resolution_note.as_deref().unwrap_or("（空欄）")
            ));
        }
        if self.extra.improvement_timing != before.extra.improvement_timing
            || self.extra.improvement_percent != before.extra.improvement_percent
        {
            let show = |t: Option<ImprovementTiming>, p: Option<i32>| {
                format!(
                    "{}{}",
                    label(t, ImprovementTiming::label_ja),
                    p.map(|p| format!("（{p}%）")).unwrap_or_default()
                )
            };
            changes.push(format!(
                "⑱⑲ {} → {}",
                show(
                    before.extra.improvement_timing,
                    before.extra.improvement_percent
                ),
                show(
                    self.extra.improvement_timing,
                    self.extra.improvement_percent
                )
            ));
        }
        if self.causing_product_code != before.causing_product_code {
            changes.push(format!(
                "原因医薬品 {} → {}",
                before.causing_product_code.as_deref().unwrap_or("（空欄）"),
                self.causing_product_code.as_deref().unwrap_or("（空欄）")
            ));
        }
        changes
    }
}

/// Current statuses of the given products (products without a report are absent).
pub async fn current(
    db: &impl ConnectionTrait,
    product_ids: &[i32],
) -> Result<HashMap<i32, StatusView>, ServiceError> {
    let mut found = HashMap::with_capacity(product_ids.len());
    for chunk in product_ids.chunks(2_000) {
        let rows = product_status::Entity::find()
            .filter(product_status::Column::ProductId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to load current statuses")?;
        found.extend(
            rows.iter()
                .map(|r| (r.product_id, StatusView::from_status_row(r))),
        );
    }
    Ok(found)
}

/// Every report of a product, newest first, with who filed it and what changed.
pub async fn of_product(
    db: &impl ConnectionTrait,
    product_id: i32,
) -> Result<Vec<HistoryEntry>, ServiceError> {
    let reports = supply_status_report::Entity::find()
        .filter(supply_status_report::Column::ProductId.eq(product_id))
        .order_by_asc(supply_status_report::Column::Id)
        .all(db)
        .await
        .context("Failed to load the product's reports")?;
    let user_ids: Vec<i32> = reports.iter().filter_map(|r| r.submitted_by).collect();
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await
        .context("Failed to load who filed the reports")?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let mut entries: Vec<HistoryEntry> = Vec::with_capacity(reports.len());
    let mut previous: Option<StatusView> = None;
    for report in reports {
        let status = StatusView::from_report(&report);
        let changes = previous.as_ref().map_or_else(
            || vec![format!("初回報告: {}", status.shipping_status.label_ja())],
            |before| status.changes_since(before),
        );
        previous = Some(status.clone());
        entries.push(HistoryEntry {
            receipt_number: report.receipt_number,
            submitted_at: report.submitted_at,
            submitted_by: report.submitted_by.and_then(|id| names.get(&id).cloned()),
            status,
            changes,
        });
    }
    entries.reverse();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(
        shipping_status: ShippingStatus,
        reason: Option<Reason>,
        volume_status: Option<VolumeStatus>,
    ) -> StatusView {
        StatusView {
            shipping_status,
            reason,
            causing_product_code: None,
            resolution_outlook: None,
            resolution_month: None,
            volume_status,
            updated_on: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
            extra: StatusExtra::default(),
        }
    }

    #[test]
    fn changes_name_each_changed_column_in_japanese() {
        let before = view(ShippingStatus::Normal, None, Some(VolumeStatus::A));
        let after = view(
            ShippingStatus::LimitedOwn,
            Some(Reason::ManufacturingTrouble),
            Some(VolumeStatus::B),
        );
        assert_eq!(
            after.changes_since(&before),
            vec![
                "⑫ 通常出荷 → 限定出荷（自社の事情）".to_owned(),
                "⑭ （空欄） → 製造トラブル".to_owned(),
                "⑰ A 通常 → B 減少".to_owned(),
            ]
        );
        assert!(after.changes_since(&after).is_empty());
    }
}
