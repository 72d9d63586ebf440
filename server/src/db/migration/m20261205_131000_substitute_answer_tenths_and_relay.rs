//! Substitute answers: the lead time takes one decimal (`lead_time_months` in whole months becomes
//! `lead_time_tenths`, every stored value ×10); `not_possible_reason` may hold several codes joined
//! by `,` (a single code stays as it is); an association's own answer (relayed to its members,
//! how many it reached, free text). `down` rounds a lead time up to whole months and keeps the
//! first of several reasons.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The association's columns, added one by one (SQLite alters one column at a time).
const RELAY_COLUMNS: [(&str, &str); 3] = [
    ("relayed_to_members", "BOOLEAN NULL"),
    ("members_reached", "INTEGER NULL"),
    ("relay_note", "TEXT NULL"),
];

/// Reason codes as migration 5 stored them, in display order (frozen here).
const REASON_CODES: [&str; 4] = ["raw_materials", "staff", "equipment", "other"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE substitute_responses SET lead_time_months = lead_time_months * 10 \
             WHERE lead_time_months IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE substitute_responses RENAME COLUMN lead_time_months TO lead_time_tenths",
        )
        .await?;
        for (name, shape) in RELAY_COLUMNS {
            db.execute_unprepared(&format!(
                "ALTER TABLE substitute_responses ADD COLUMN {name} {shape}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in RELAY_COLUMNS.iter().rev() {
            db.execute_unprepared(&format!(
                "ALTER TABLE substitute_responses DROP COLUMN {name}"
            ))
            .await?;
        }
        for code in REASON_CODES {
            db.execute_unprepared(&format!(
                "UPDATE substitute_responses SET not_possible_reason = '{code}' \
                 WHERE not_possible_reason LIKE '{code},%'"
            ))
            .await?;
        }
        db.execute_unprepared(
            "ALTER TABLE substitute_responses RENAME COLUMN lead_time_tenths TO lead_time_months",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE substitute_responses SET lead_time_months = (lead_time_months + 9) / 10 \
             WHERE lead_time_months IS NOT NULL",
        )
        .await?;
        Ok(())
    }
}
