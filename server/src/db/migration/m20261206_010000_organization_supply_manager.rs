//! A maker's 特定医薬品供給体制管理責任者 (the person the 2025 law makes answerable for its supply):
//! name, title and address on the organisation, all optional (a maker names one on its contacts
//! page).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns, added one by one (SQLite alters one column at a time).
const COLUMNS: [&str; 3] = [
    "supply_manager_name",
    "supply_manager_title",
    "supply_manager_email",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in COLUMNS {
            db.execute_unprepared(&format!(
                "ALTER TABLE organizations ADD COLUMN {name} TEXT NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in COLUMNS.iter().rev() {
            db.execute_unprepared(&format!("ALTER TABLE organizations DROP COLUMN {name}"))
                .await?;
        }
        Ok(())
    }
}
