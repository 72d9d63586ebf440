//! The ministry's current list (layout ①–⑳, since 2025-05-13): the master columns kept in the
//! ministry's words (①, ②, ⑧), the status columns ⑯ (free text), ⑱ 改善見込み時期, ⑲ 改善見込み量
//! and the dates ⑬/⑳ on reports and current statuses, and the same columns plus `New` on frozen
//! publication rows. Only nullable columns are added: every row stored before reads as it did.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    ListCategory,
    ListTherapeuticClass,
    ListProductClass,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupplyStatusReports {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProductStatuses {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum PublicationRows {
    Table,
    Changed,
}

/// Status columns added to reports, current statuses and publication rows alike.
#[derive(DeriveIden, Clone, Copy)]
enum StatusColumn {
    ShippingChangedOn,
    ResolutionNote,
    ImprovementTiming,
    ImprovementPercent,
    OtherChangedOn,
}

impl StatusColumn {
    const ALL: [Self; 5] = [
        Self::ShippingChangedOn,
        Self::ResolutionNote,
        Self::ImprovementTiming,
        Self::ImprovementPercent,
        Self::OtherChangedOn,
    ];

    fn def(self) -> ColumnDef {
        let mut def = ColumnDef::new(self);
        match self {
            Self::ShippingChangedOn | Self::OtherChangedOn => def.date(),
            Self::ResolutionNote | Self::ImprovementTiming => def.text(),
            Self::ImprovementPercent => def.integer(),
        };
        def.null().to_owned()
    }
}

/// One column per statement: SQLite alters one column at a time.
async fn add(
    manager: &SchemaManager<'_>,
    table: impl Iden + Clone + 'static,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl Iden + Clone + 'static,
    column: impl Iden + 'static,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Products::ListCategory,
            Products::ListTherapeuticClass,
            Products::ListProductClass,
        ] {
            add(
                manager,
                Products::Table,
                ColumnDef::new(column).text().null().to_owned(),
            )
            .await?;
        }
        for column in StatusColumn::ALL {
            add(manager, SupplyStatusReports::Table, column.def()).await?;
            add(manager, ProductStatuses::Table, column.def()).await?;
            add(manager, PublicationRows::Table, column.def()).await?;
        }
        add(
            manager,
            PublicationRows::Table,
            ColumnDef::new(PublicationRows::Changed)
                .boolean()
                .null()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, PublicationRows::Table, PublicationRows::Changed).await?;
        for column in StatusColumn::ALL {
            drop(manager, PublicationRows::Table, column).await?;
            drop(manager, ProductStatuses::Table, column).await?;
            drop(manager, SupplyStatusReports::Table, column).await?;
        }
        for column in [
            Products::ListProductClass,
            Products::ListTherapeuticClass,
            Products::ListCategory,
        ] {
            drop(manager, Products::Table, column).await?;
        }
        Ok(())
    }
}
