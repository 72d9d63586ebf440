//! An allocation plan may be replaced by a later one for the same products and month: the old
//! plan keeps its versions (downloads say it was replaced) but is no longer active.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AllocationPlans {
    Table,
    SupersededBy,
    SupersededAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(AllocationPlans::Table)
                    .add_column(
                        ColumnDef::new(AllocationPlans::SupersededBy)
                            .integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AllocationPlans::Table)
                    .add_column(
                        ColumnDef::new(AllocationPlans::SupersededAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [AllocationPlans::SupersededAt, AllocationPlans::SupersededBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AllocationPlans::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
