//! Early warning: weekly dispensing counts per product (the e-prescription aggregate), each run of
//! the knock-on forecast with its "likely next" rows, and the ministry users who subscribed to
//! changes of that list.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, integer, pk_auto, string, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DispensingCounts {
    Table,
    ProductId,
    Week,
    Quantity,
    UploadId,
}

#[derive(DeriveIden)]
enum ForecastRuns {
    Table,
    Id,
    Trigger,
    ComputedAt,
    Groups,
    LikelyNext,
}

#[derive(DeriveIden)]
enum ForecastItems {
    Table,
    Id,
    RunId,
    GroupCode,
    ProductId,
    SourceProductId,
    LostUnits,
    MonthlyShipments,
    ExtraDemand,
    ExpectedDemand,
    Capacity,
    CapacitySource,
    Shortfall,
    ShortFromWeeks,
    Confidential,
}

#[derive(DeriveIden)]
enum ForecastSubscriptions {
    Table,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DispensingCounts::Table)
                    .col(integer(DispensingCounts::ProductId))
                    .col(integer(DispensingCounts::Week))
                    .col(big_integer(DispensingCounts::Quantity))
                    .col(integer(DispensingCounts::UploadId))
                    .primary_key(
                        Index::create()
                            .col(DispensingCounts::ProductId)
                            .col(DispensingCounts::Week),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DispensingCounts::Table, DispensingCounts::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForecastRuns::Table)
                    .col(pk_auto(ForecastRuns::Id))
                    .col(string(ForecastRuns::Trigger))
                    .col(timestamp_with_time_zone(ForecastRuns::ComputedAt))
                    .col(integer(ForecastRuns::Groups))
                    .col(integer(ForecastRuns::LikelyNext))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForecastItems::Table)
                    .col(pk_auto(ForecastItems::Id))
                    .col(integer(ForecastItems::RunId))
                    .col(string(ForecastItems::GroupCode))
                    .col(integer(ForecastItems::ProductId))
                    .col(integer(ForecastItems::SourceProductId))
                    .col(big_integer(ForecastItems::LostUnits))
                    .col(big_integer(ForecastItems::MonthlyShipments))
                    .col(big_integer(ForecastItems::ExtraDemand))
                    .col(big_integer(ForecastItems::ExpectedDemand))
                    .col(big_integer(ForecastItems::Capacity))
                    .col(string(ForecastItems::CapacitySource))
                    .col(big_integer(ForecastItems::Shortfall))
                    .col(big_integer_null(ForecastItems::ShortFromWeeks))
                    .col(boolean(ForecastItems::Confidential))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ForecastItems::Table, ForecastItems::RunId)
                            .to(ForecastRuns::Table, ForecastRuns::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("forecast_items_run_product")
                    .table(ForecastItems::Table)
                    .col(ForecastItems::RunId)
                    .col(ForecastItems::ProductId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForecastSubscriptions::Table)
                    .col(integer(ForecastSubscriptions::UserId).primary_key())
                    .col(timestamp_with_time_zone(ForecastSubscriptions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ForecastSubscriptions::Table, ForecastSubscriptions::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "forecast_subscriptions",
            "forecast_items",
            "forecast_runs",
            "dispensing_counts",
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        Ok(())
    }
}
