//! 受付番号 (receipt numbers) such as `R2026-000123`: one sequence per year (Asia/Tokyo), shared
//! by every kind of report, allocated inside the caller's transaction.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

use super::{DbContext, ServiceError};
use crate::db::entity::receipt_counter;

/// Reserves `count` consecutive numbers of the year of `now` and returns them, in order.
/// Concurrent callers wait on the counter row, so no number is issued twice.
pub async fn allocate(
    db: &impl ConnectionTrait,
    count: usize,
    now: DateTime<Utc>,
) -> Result<Vec<String>, ServiceError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let year = now.with_timezone(&chrono_tz::Asia::Tokyo).year();
    let backend = db.get_database_backend();
    let ensure = Query::insert()
        .into_table(receipt_counter::Entity)
        .columns([
            receipt_counter::Column::Year,
            receipt_counter::Column::LastNumber,
        ])
        .values_panic([year.into(), 0.into()])
        .on_conflict(
            OnConflict::column(receipt_counter::Column::Year)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(backend.build(&ensure))
        .await
        .context("Failed to prepare the receipt counter")?;
    let step = i32::try_from(count)
        .map_err(|_| ServiceError::Internal("too many receipts at once".into()))?;
    let bump = Query::update()
        .table(receipt_counter::Entity)
        .value(
            receipt_counter::Column::LastNumber,
            Expr::col(receipt_counter::Column::LastNumber).add(step),
        )
        .and_where(Expr::col(receipt_counter::Column::Year).eq(year))
        .returning_col(receipt_counter::Column::LastNumber)
        .to_owned();
    let row = db
        .query_one(backend.build(&bump))
        .await
        .context("Failed to allocate receipt numbers")?
        .ok_or_else(|| ServiceError::Internal("the receipt counter row is missing".into()))?;
    let last: i32 = row
        .try_get("", "last_number")
        .map_err(|e: DbErr| ServiceError::Database {
            context: "Failed to read the receipt counter",
            source: e,
        })?;
    Ok(((last - step + 1)..=last)
        .map(|n| format(year, n))
        .collect())
}

/// `R{year}-{number:06}`.
pub fn format(year: i32, number: i32) -> String {
    format!("R{year}-{number:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_to_six_digits() {
        assert_eq!(format(2026, 123), "R2026-000123");
    }
}
