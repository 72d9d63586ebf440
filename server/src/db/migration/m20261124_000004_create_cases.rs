//! Confidential reports and the ministry's cases: 供給不安報告, 様式10-2 and 様式10-3 reports
//! (immutable, with receipt numbers), the cases that group them, every transition, and the
//! associations asked to support a case.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, integer, integer_null, pk_auto, string, string_null, string_uniq, text, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
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
enum Cases {
    Table,
    Id,
    Flow,
    State,
    ProductId,
    MakerId,
    Impact,
    Decision,
    Consented,
    OpenedAt,
    StateEnteredAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum CaseReports {
    Table,
    Id,
    CaseId,
    ReceiptNumber,
    Kind,
    ProductId,
    MakerId,
    SubmittedBy,
    SubmittedAt,
    EventType,
    Fields,
}

#[derive(DeriveIden)]
enum CaseTransitions {
    Table,
    Id,
    CaseId,
    Event,
    Party,
    FromFlow,
    ToFlow,
    FromState,
    ToState,
    UserId,
    Note,
    OccurredAt,
}

#[derive(DeriveIden)]
enum CaseSupporters {
    Table,
    CaseId,
    OrganizationId,
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
                    .table(Cases::Table)
                    .col(pk_auto(Cases::Id))
                    .col(string(Cases::Flow))
                    .col(string(Cases::State))
                    .col(integer(Cases::ProductId))
                    .col(integer(Cases::MakerId))
                    .col(string_null(Cases::Impact))
                    .col(string_null(Cases::Decision))
                    .col(boolean(Cases::Consented))
                    .col(timestamp_with_time_zone(Cases::OpenedAt))
                    .col(timestamp_with_time_zone(Cases::StateEnteredAt))
                    .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::MakerId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_cases_state", Cases::State),
            ("ix_cases_maker_id", Cases::MakerId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Cases::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CaseReports::Table)
                    .col(pk_auto(CaseReports::Id))
                    .col(integer(CaseReports::CaseId))
                    .col(string_uniq(CaseReports::ReceiptNumber))
                    .col(string(CaseReports::Kind))
                    .col(integer(CaseReports::ProductId))
                    .col(integer(CaseReports::MakerId))
                    .col(integer_null(CaseReports::SubmittedBy))
                    .col(timestamp_with_time_zone(CaseReports::SubmittedAt))
                    .col(string_null(CaseReports::EventType))
                    .col(text(CaseReports::Fields))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseReports::Table, CaseReports::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseReports::Table, CaseReports::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseReports::Table, CaseReports::MakerId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseReports::Table, CaseReports::SubmittedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_case_reports_case_id")
                    .table(CaseReports::Table)
                    .col(CaseReports::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseTransitions::Table)
                    .col(pk_auto(CaseTransitions::Id))
                    .col(integer(CaseTransitions::CaseId))
                    .col(string(CaseTransitions::Event))
                    .col(string(CaseTransitions::Party))
                    .col(string_null(CaseTransitions::FromFlow))
                    .col(string(CaseTransitions::ToFlow))
                    .col(string_null(CaseTransitions::FromState))
                    .col(string(CaseTransitions::ToState))
                    .col(integer_null(CaseTransitions::UserId))
                    .col(text_null(CaseTransitions::Note))
                    .col(timestamp_with_time_zone(CaseTransitions::OccurredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseTransitions::Table, CaseTransitions::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseTransitions::Table, CaseTransitions::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_case_transitions_case_id")
                    .table(CaseTransitions::Table)
                    .col(CaseTransitions::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseSupporters::Table)
                    .col(integer(CaseSupporters::CaseId))
                    .col(integer(CaseSupporters::OrganizationId))
                    .col(timestamp_with_time_zone(CaseSupporters::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(CaseSupporters::CaseId)
                            .col(CaseSupporters::OrganizationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseSupporters::Table, CaseSupporters::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseSupporters::Table, CaseSupporters::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CaseSupporters::Table.into_iden(),
            CaseTransitions::Table.into_iden(),
            CaseReports::Table.into_iden(),
            Cases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
