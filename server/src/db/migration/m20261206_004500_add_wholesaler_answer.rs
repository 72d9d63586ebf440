//! A wholesaler's own answer to a request: units in stock, units shipped in the last month, the
//! months its stock is expected to last, whether it limits orders, and remarks — columns of
//! `substitute_responses` beside the makers' and the associations'.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The wholesaler's columns, added one by one (SQLite alters one column at a time).
const COLUMNS: [(&str, &str); 5] = [
    ("stock_units", "BIGINT NULL"),
    ("shipped_last_month", "BIGINT NULL"),
    ("stock_outlook_tenths", "INTEGER NULL"),
    ("shipment_limited", "BOOLEAN NULL"),
    ("wholesale_remarks", "TEXT NULL"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, shape) in COLUMNS {
            db.execute_unprepared(&format!(
                "ALTER TABLE substitute_responses ADD COLUMN {name} {shape}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in COLUMNS.iter().rev() {
            db.execute_unprepared(&format!(
                "ALTER TABLE substitute_responses DROP COLUMN {name}"
            ))
            .await?;
        }
        Ok(())
    }
}
