//! The product master (drugs, devices, IVDs), its edition history, price-list imports and declared device substitutes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, date_null, integer, integer_null, pk_auto, string, string_null, string_uniq,
    timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Code,
    Kind,
    Name,
    Ingredient,
    Specification,
    GroupCode,
    RelatedCode,
    Category,
    TherapeuticClass,
    ProductClass,
    Pharmacopoeia,
    Narcotic,
    BasicDrug,
    StableSupplyCategory,
    Price,
    ListedOn,
    TransitionalUntil,
    MakerId,
    MakerName,
    Jmdn,
    ApprovalNumber,
    Edition,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductRevisions {
    Table,
    Id,
    ProductId,
    Edition,
    Name,
    Price,
    MakerName,
    RecordedAt,
}

#[derive(DeriveIden)]
enum PriceListImports {
    Table,
    Id,
    Edition,
    FileName,
    RowCount,
    CreatedCount,
    UpdatedCount,
    ImportedAt,
}

#[derive(DeriveIden)]
enum DeviceSubstitutes {
    Table,
    ProductId,
    SubstituteId,
    DeclaredBy,
    CreatedAt,
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
                    .table(Products::Table)
                    .col(pk_auto(Products::Id))
                    .col(string_uniq(Products::Code))
                    .col(string(Products::Kind))
                    .col(string(Products::Name))
                    .col(string_null(Products::Ingredient))
                    .col(string_null(Products::Specification))
                    .col(string_null(Products::GroupCode))
                    .col(string_null(Products::RelatedCode))
                    .col(string_null(Products::Category))
                    .col(string_null(Products::TherapeuticClass))
                    .col(string_null(Products::ProductClass))
                    .col(boolean(Products::Pharmacopoeia))
                    .col(boolean(Products::Narcotic))
                    .col(boolean(Products::BasicDrug))
                    .col(string_null(Products::StableSupplyCategory))
                    .col(string_null(Products::Price))
                    .col(date_null(Products::ListedOn))
                    .col(string_null(Products::TransitionalUntil))
                    .col(integer_null(Products::MakerId))
                    .col(string_null(Products::MakerName))
                    .col(string_null(Products::Jmdn))
                    .col(string_null(Products::ApprovalNumber))
                    .col(string_null(Products::Edition))
                    .col(string(Products::SearchText))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Products::Table, Products::MakerId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_products_group_code", Products::GroupCode),
            ("ix_products_maker_id", Products::MakerId),
            ("ix_products_name", Products::Name),
            ("ix_products_ingredient", Products::Ingredient),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Products::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ProductRevisions::Table)
                    .col(pk_auto(ProductRevisions::Id))
                    .col(integer(ProductRevisions::ProductId))
                    .col(string(ProductRevisions::Edition))
                    .col(string(ProductRevisions::Name))
                    .col(string_null(ProductRevisions::Price))
                    .col(string_null(ProductRevisions::MakerName))
                    .col(timestamp_with_time_zone(ProductRevisions::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductRevisions::Table, ProductRevisions::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_product_revisions_product_id")
                    .table(ProductRevisions::Table)
                    .col(ProductRevisions::ProductId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PriceListImports::Table)
                    .col(pk_auto(PriceListImports::Id))
                    .col(string(PriceListImports::Edition))
                    .col(string(PriceListImports::FileName))
                    .col(integer(PriceListImports::RowCount))
                    .col(integer(PriceListImports::CreatedCount))
                    .col(integer(PriceListImports::UpdatedCount))
                    .col(timestamp_with_time_zone(PriceListImports::ImportedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeviceSubstitutes::Table)
                    .col(integer(DeviceSubstitutes::ProductId))
                    .col(integer(DeviceSubstitutes::SubstituteId))
                    .col(integer(DeviceSubstitutes::DeclaredBy))
                    .col(timestamp_with_time_zone(DeviceSubstitutes::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(DeviceSubstitutes::ProductId)
                            .col(DeviceSubstitutes::SubstituteId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeviceSubstitutes::Table, DeviceSubstitutes::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeviceSubstitutes::Table, DeviceSubstitutes::SubstituteId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeviceSubstitutes::Table, DeviceSubstitutes::DeclaredBy)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DeviceSubstitutes::Table.into_iden(),
            PriceListImports::Table.into_iden(),
            ProductRevisions::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
