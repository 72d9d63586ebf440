//! Storing checked reports in one transaction: receipt numbers, the immutable reports, each
//! product's current status, and the audit entry.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use super::check::CheckedRow;
use super::history::{self, StatusView};
use super::{Receipt, Source};
use crate::db::entity::{product_status, supply_status_report};
use crate::domain::supply_status::SupplyStatus;
use crate::services::accounts::UserContext;
use crate::services::alerts::{self, Filed};
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::subscriptions::{self, StatusChanged};
use crate::services::{DbContext, ServiceError, receipts};

/// Rows per insert statement.
const BATCH: usize = 500;

/// Stores checked rows in one transaction: receipt numbers, reports, current statuses, audit.
pub(super) async fn apply(
    db: &DatabaseConnection,
    user: &UserContext,
    rows: Vec<CheckedRow>,
    source: Source,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Receipt>, ServiceError> {
    let reported_on = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let txn = db
        .begin()
        .await
        .context("Failed to start storing the reports")?;
    let numbers = receipts::allocate(&txn, rows.len(), now).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.product.id).collect();
    let previous = history::current(&txn, &ids).await?;
    let dates: Vec<ChangeDates> = rows
        .iter()
        .map(|row| ChangeDates::after(previous.get(&row.product.id), &row.status, reported_on))
        .collect();
    let models: Vec<supply_status_report::ActiveModel> = rows
        .iter()
        .zip(&numbers)
        .zip(&dates)
        .map(|((row, number), dates)| {
            let mut model = report_model(
                number,
                row.product.id,
                user.organization.id,
                Some(user.user_id),
                &row.status,
                now,
                reported_on,
                source,
            );
            model.shipping_changed_on = Set(dates.shipping);
            model.other_changed_on = Set(dates.other);
            model
        })
        .collect();
    for chunk in models.chunks(BATCH) {
        supply_status_report::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .context("Failed to store supply status reports")?;
    }
    let filed_ids = report_ids(&txn, &numbers).await?;
    let filed = Filing {
        rows: &rows,
        numbers: &numbers,
        previous: &previous,
        reported_on,
    };
    filed.queue_mails(&txn, user, now).await?;
    let statuses: Vec<product_status::ActiveModel> = rows
        .iter()
        .zip(&numbers)
        .zip(&dates)
        .filter_map(|((row, number), dates)| {
            let mut model = status_model(
                row.product.id,
                *filed_ids.get(number)?,
                &row.status,
                reported_on,
            );
            model.shipping_changed_on = Set(dates.shipping);
            model.other_changed_on = Set(dates.other);
            Some(model)
        })
        .collect();
    upsert_statuses(&txn, statuses).await?;
    let target = if rows.len() == 1 {
        rows[0].product.code.clone()
    } else {
        format!("{} products", rows.len())
    };
    let entry = AuditEntry {
        actor,
        action: "supply_status.file",
        target,
        detail: Some(format!(
            "{} 件（{}）：{}",
            rows.len(),
            source.label_ja(),
            numbers.first().cloned().unwrap_or_default()
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the reports")?;
    Ok(rows
        .into_iter()
        .zip(numbers)
        .map(|(row, receipt_number)| Receipt {
            receipt_number,
            product_code: row.product.code,
            status: row.status,
            submitted_at: now,
            reported_on,
        })
        .collect())
}

/// The reports of one filing, with their receipt numbers and the statuses they follow.
struct Filing<'a> {
    rows: &'a [CheckedRow],
    numbers: &'a [String],
    previous: &'a HashMap<i32, StatusView>,
    reported_on: NaiveDate,
}

impl Filing<'_> {
    /// Queues the mails the filing causes, in its own transaction (no report without its mail):
    /// the heads-up to substitute makers and the change mail to the drugs' public subscribers.
    async fn queue_mails(
        &self,
        txn: &impl ConnectionTrait,
        user: &UserContext,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let filed: Vec<Filed> = self
            .rows
            .iter()
            .zip(self.numbers)
            .map(|(row, number)| Filed {
                product: &row.product,
                status: &row.status,
                receipt_number: number,
            })
            .collect();
        alerts::queue_heads_ups(txn, &user.organization, &filed, self.reported_on, now).await?;
        let followed: Vec<StatusChanged> = self
            .rows
            .iter()
            .zip(self.numbers)
            .map(|(row, number)| StatusChanged {
                product_id: row.product.id,
                receipt_number: number,
                previous: self.previous.get(&row.product.id),
                status: &row.status,
                reported_on: self.reported_on,
            })
            .collect();
        subscriptions::queue_change_mails(txn, &followed, now).await?;
        Ok(())
    }
}

/// ⑬ and ⑳ of a report: the day ⑫, and the day anything else, last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangeDates {
    /// ⑬.
    pub(crate) shipping: Option<NaiveDate>,
    /// ⑳.
    pub(crate) other: Option<NaiveDate>,
}

impl ChangeDates {
    /// The dates after `status` is reported on `on`, following the `previous` status.
    pub(crate) fn after(
        previous: Option<&StatusView>,
        status: &SupplyStatus,
        on: NaiveDate,
    ) -> Self {
        let Some(before) = previous else {
            return Self {
                shipping: Some(on),
                other: Some(on),
            };
        };
        let shipping = if before.shipping_status == status.shipping_status {
            before.extra.shipping_changed_on
        } else {
            Some(on)
        };
        let same_other = before.reason == status.reason
            && before.causing_product_code.as_deref()
                == status
                    .causing_product_code
                    .as_ref()
                    .map(crate::domain::YjCode::as_str)
            && before.resolution_outlook == status.resolution_outlook
            && before.resolution_month == status.resolution_month.map(|m| m.to_string())
            && before.volume_status == status.volume_status
            && before.extra.resolution_note == status.resolution_note
            && before.extra.improvement_timing == status.improvement_timing
            && before.extra.improvement_percent == status.improvement_percent.map(i32::from);
        let other = if same_other {
            before.extra.other_changed_on.or(Some(before.updated_on))
        } else {
            Some(on)
        };
        Self { shipping, other }
    }
}

/// The ids of reports just inserted, by receipt number (one contiguous block).
pub(crate) async fn report_ids(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<HashMap<String, i32>, ServiceError> {
    let (Some(first), Some(last)) = (numbers.first(), numbers.last()) else {
        return Ok(HashMap::new());
    };
    Ok(supply_status_report::Entity::find()
        .select_only()
        .column(supply_status_report::Column::ReceiptNumber)
        .column(supply_status_report::Column::Id)
        .filter(supply_status_report::Column::ReceiptNumber.between(first.clone(), last.clone()))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await
        .context("Failed to read back report ids")?
        .into_iter()
        .collect())
}

/// Inserts or replaces current statuses (one row per product).
pub(crate) async fn upsert_statuses(
    db: &impl ConnectionTrait,
    statuses: Vec<product_status::ActiveModel>,
) -> Result<(), ServiceError> {
    use product_status::Column as C;
    for chunk in statuses.chunks(BATCH) {
        product_status::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(C::ProductId)
                    .update_columns([
                        C::ReportId,
                        C::ShippingStatus,
                        C::Reason,
                        C::CausingProductCode,
                        C::ResolutionOutlook,
                        C::ResolutionMonth,
                        C::VolumeStatus,
                        C::UpdatedOn,
                        C::ShippingChangedOn,
                        C::ResolutionNote,
                        C::ImprovementTiming,
                        C::ImprovementPercent,
                        C::OtherChangedOn,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await
            .context("Failed to update current statuses")?;
    }
    Ok(())
}

/// The stored form of one report.
#[expect(clippy::too_many_arguments, reason = "a row has this many columns")]
pub(crate) fn report_model(
    receipt_number: &str,
    product_id: i32,
    maker_id: i32,
    submitted_by: Option<i32>,
    status: &SupplyStatus,
    submitted_at: DateTime<Utc>,
    reported_on: NaiveDate,
    source: Source,
) -> supply_status_report::ActiveModel {
    supply_status_report::ActiveModel {
        receipt_number: Set(receipt_number.to_owned()),
        product_id: Set(product_id),
        maker_id: Set(maker_id),
        submitted_by: Set(submitted_by),
        submitted_at: Set(submitted_at),
        reported_on: Set(reported_on),
        shipping_status: Set(status.shipping_status),
        reason: Set(status.reason),
        causing_product_code: Set(status
            .causing_product_code
            .as_ref()
            .map(|c| c.as_str().to_owned())),
        resolution_outlook: Set(status.resolution_outlook),
        resolution_month: Set(status.resolution_month.map(|m| m.to_string())),
        volume_status: Set(status.volume_status),
        source: Set(source.as_str().to_owned()),
        shipping_changed_on: Set(None),
        resolution_note: Set(status.resolution_note.clone()),
        improvement_timing: Set(status.improvement_timing),
        improvement_percent: Set(status.improvement_percent.map(i32::from)),
        other_changed_on: Set(None),
        ..Default::default()
    }
}

/// The current-status row of a product after report `report_id`.
pub(crate) fn status_model(
    product_id: i32,
    report_id: i32,
    status: &SupplyStatus,
    updated_on: NaiveDate,
) -> product_status::ActiveModel {
    product_status::ActiveModel {
        product_id: Set(product_id),
        report_id: Set(report_id),
        shipping_status: Set(status.shipping_status),
        reason: Set(status.reason),
        causing_product_code: Set(status
            .causing_product_code
            .as_ref()
            .map(|c| c.as_str().to_owned())),
        resolution_outlook: Set(status.resolution_outlook),
        resolution_month: Set(status.resolution_month.map(|m| m.to_string())),
        volume_status: Set(status.volume_status),
        updated_on: Set(updated_on),
        shipping_changed_on: Set(None),
        resolution_note: Set(status.resolution_note.clone()),
        improvement_timing: Set(status.improvement_timing),
        improvement_percent: Set(status.improvement_percent.map(i32::from)),
        other_changed_on: Set(None),
    }
}
