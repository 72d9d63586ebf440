//! The health probe: one committed write of the single `health_probes` row.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{DbContext, ServiceError};

/// Upserts row 1 of `health_probes` with `now`, committed as its own statement.
pub async fn probe_write(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let upsert = Query::insert()
        .into_table(Alias::new("health_probes"))
        .columns([Alias::new("id"), Alias::new("probed_at")])
        .values_panic([1.into(), now.into()])
        .on_conflict(
            OnConflict::column(Alias::new("id"))
                .update_column(Alias::new("probed_at"))
                .to_owned(),
        )
        .to_owned();
    db.execute(db.get_database_backend().build(&upsert))
        .await
        .context("Failed to write the health probe")?;
    Ok(())
}
