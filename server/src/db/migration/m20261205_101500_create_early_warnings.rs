//! Early warnings: each day's list of the list-based forecast (date, drug, score, rank and the
//! reasons in words), kept so that one can see later what was warned when.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date, double, integer, pk_auto, text, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EarlyWarnings {
    Table,
    Id,
    Day,
    ProductId,
    Rank,
    Score,
    Reasons,
    ComputedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EarlyWarnings::Table)
                    .col(pk_auto(EarlyWarnings::Id))
                    .col(date(EarlyWarnings::Day))
                    .col(integer(EarlyWarnings::ProductId))
                    .col(integer(EarlyWarnings::Rank))
                    .col(double(EarlyWarnings::Score))
                    .col(text(EarlyWarnings::Reasons))
                    .col(timestamp_with_time_zone(EarlyWarnings::ComputedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EarlyWarnings::Table, EarlyWarnings::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("early_warnings_day_product")
                    .table(EarlyWarnings::Table)
                    .col(EarlyWarnings::Day)
                    .col(EarlyWarnings::ProductId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("early_warnings_product")
                    .table(EarlyWarnings::Table)
                    .col(EarlyWarnings::ProductId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EarlyWarnings::Table).to_owned())
            .await
    }
}
