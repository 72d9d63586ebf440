//! Supply status reports (供給状況報告) with receipt numbers, each drug's current status, and the
//! weekly publication with its frozen rows and the status counts kept for the trend.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    date, date_null, integer, integer_null, pk_auto, string, string_null, string_uniq,
    timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReceiptCounters {
    Table,
    Year,
    LastNumber,
}

#[derive(DeriveIden)]
enum SupplyStatusReports {
    Table,
    Id,
    ReceiptNumber,
    ProductId,
    MakerId,
    SubmittedBy,
    SubmittedAt,
    ReportedOn,
    ShippingStatus,
    Reason,
    CausingProductCode,
    ResolutionOutlook,
    ResolutionMonth,
    VolumeStatus,
    Source,
}

#[derive(DeriveIden)]
enum ProductStatuses {
    Table,
    ProductId,
    ReportId,
    ShippingStatus,
    Reason,
    CausingProductCode,
    ResolutionOutlook,
    ResolutionMonth,
    VolumeStatus,
    UpdatedOn,
}

#[derive(DeriveIden)]
enum Publications {
    Table,
    Id,
    WeekEnding,
    PublishedAt,
    RowCount,
}

#[derive(DeriveIden)]
enum PublicationRows {
    Table,
    Id,
    PublicationId,
    Position,
    Category,
    TherapeuticClass,
    Ingredient,
    Specification,
    Code,
    Name,
    MakerName,
    ProductClass,
    BasicDrug,
    StableSupply,
    ListedOn,
    ShippingStatus,
    Reason,
    ResolutionOutlook,
    ResolutionMonth,
    VolumeStatus,
    ReportedOn,
    Confirmed,
}

#[derive(DeriveIden)]
enum StatusTrend {
    Table,
    WeekEnding,
    Drugs,
    Shipping1,
    Shipping2,
    Shipping3,
    Shipping4,
    Shipping5,
    VolumeAPlus,
    VolumeA,
    VolumeB,
    VolumeC,
    VolumeD,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        clippy::too_many_lines,
        reason = "one schema step reads best as one list of tables"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReceiptCounters::Table)
                    .col(integer(ReceiptCounters::Year).primary_key())
                    .col(integer(ReceiptCounters::LastNumber))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SupplyStatusReports::Table)
                    .col(pk_auto(SupplyStatusReports::Id))
                    .col(string_uniq(SupplyStatusReports::ReceiptNumber))
                    .col(integer(SupplyStatusReports::ProductId))
                    .col(integer(SupplyStatusReports::MakerId))
                    .col(integer_null(SupplyStatusReports::SubmittedBy))
                    .col(timestamp_with_time_zone(SupplyStatusReports::SubmittedAt))
                    .col(date(SupplyStatusReports::ReportedOn))
                    .col(string(SupplyStatusReports::ShippingStatus))
                    .col(string_null(SupplyStatusReports::Reason))
                    .col(string_null(SupplyStatusReports::CausingProductCode))
                    .col(string_null(SupplyStatusReports::ResolutionOutlook))
                    .col(string_null(SupplyStatusReports::ResolutionMonth))
                    .col(string_null(SupplyStatusReports::VolumeStatus))
                    .col(string(SupplyStatusReports::Source))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupplyStatusReports::Table, SupplyStatusReports::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupplyStatusReports::Table, SupplyStatusReports::MakerId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupplyStatusReports::Table, SupplyStatusReports::SubmittedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_supply_status_reports_product_submitted")
                    .table(SupplyStatusReports::Table)
                    .col(SupplyStatusReports::ProductId)
                    .col(SupplyStatusReports::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProductStatuses::Table)
                    .col(integer(ProductStatuses::ProductId).primary_key())
                    .col(integer(ProductStatuses::ReportId))
                    .col(string(ProductStatuses::ShippingStatus))
                    .col(string_null(ProductStatuses::Reason))
                    .col(string_null(ProductStatuses::CausingProductCode))
                    .col(string_null(ProductStatuses::ResolutionOutlook))
                    .col(string_null(ProductStatuses::ResolutionMonth))
                    .col(string_null(ProductStatuses::VolumeStatus))
                    .col(date(ProductStatuses::UpdatedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductStatuses::Table, ProductStatuses::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductStatuses::Table, ProductStatuses::ReportId)
                            .to(SupplyStatusReports::Table, SupplyStatusReports::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_product_statuses_shipping_status")
                    .table(ProductStatuses::Table)
                    .col(ProductStatuses::ShippingStatus)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Publications::Table)
                    .col(pk_auto(Publications::Id))
                    .col(date(Publications::WeekEnding).unique_key())
                    .col(timestamp_with_time_zone(Publications::PublishedAt))
                    .col(integer(Publications::RowCount))
                    .to_owned(),
            )
            .await?;
        let text = |column: PublicationRows| string_null(column);
        manager
            .create_table(
                Table::create()
                    .table(PublicationRows::Table)
                    .col(pk_auto(PublicationRows::Id))
                    .col(integer(PublicationRows::PublicationId))
                    .col(integer(PublicationRows::Position))
                    .col(text(PublicationRows::Category))
                    .col(text(PublicationRows::TherapeuticClass))
                    .col(text(PublicationRows::Ingredient))
                    .col(text(PublicationRows::Specification))
                    .col(string(PublicationRows::Code))
                    .col(string(PublicationRows::Name))
                    .col(text(PublicationRows::MakerName))
                    .col(text(PublicationRows::ProductClass))
                    .col(text(PublicationRows::BasicDrug))
                    .col(text(PublicationRows::StableSupply))
                    .col(date_null(PublicationRows::ListedOn))
                    .col(text(PublicationRows::ShippingStatus))
                    .col(text(PublicationRows::Reason))
                    .col(text(PublicationRows::ResolutionOutlook))
                    .col(text(PublicationRows::ResolutionMonth))
                    .col(text(PublicationRows::VolumeStatus))
                    .col(date_null(PublicationRows::ReportedOn))
                    .col(text(PublicationRows::Confirmed))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PublicationRows::Table, PublicationRows::PublicationId)
                            .to(Publications::Table, Publications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_publication_rows_publication")
                    .table(PublicationRows::Table)
                    .col(PublicationRows::PublicationId)
                    .col(PublicationRows::Position)
                    .to_owned(),
            )
            .await?;
        let count = |column: StatusTrend| integer(column);
        manager
            .create_table(
                Table::create()
                    .table(StatusTrend::Table)
                    .col(date(StatusTrend::WeekEnding).primary_key())
                    .col(count(StatusTrend::Drugs))
                    .col(count(StatusTrend::Shipping1))
                    .col(count(StatusTrend::Shipping2))
                    .col(count(StatusTrend::Shipping3))
                    .col(count(StatusTrend::Shipping4))
                    .col(count(StatusTrend::Shipping5))
                    .col(count(StatusTrend::VolumeAPlus))
                    .col(count(StatusTrend::VolumeA))
                    .col(count(StatusTrend::VolumeB))
                    .col(count(StatusTrend::VolumeC))
                    .col(count(StatusTrend::VolumeD))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StatusTrend::Table.into_iden(),
            PublicationRows::Table.into_iden(),
            Publications::Table.into_iden(),
            ProductStatuses::Table.into_iden(),
            SupplyStatusReports::Table.into_iden(),
            ReceiptCounters::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
