//! The transactional outbox (every mail waits here until the dispatcher has delivered it) and
//! the substitute makers' side: requests sent to them (heads-ups, information and cooperation
//! requests) and their answers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, boolean_null, integer, integer_null, pk_auto, string, string_null,
    string_uniq, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
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
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    IdempotencyKey,
    Kind,
    OrganizationId,
    RecipientName,
    RecipientEmail,
    Subject,
    Payload,
    Status,
    Attempts,
    LastError,
    NextAttemptAt,
    ClaimToken,
    ClaimedAt,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum SubstituteRequests {
    Table,
    Id,
    EventKey,
    Kind,
    CaseId,
    ProductId,
    OrganizationId,
    RequestedBy,
    Message,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SubstituteResponses {
    Table,
    Id,
    RequestId,
    OrganizationId,
    UserId,
    StockMonthsTenths,
    ProductionChangePercent,
    CanIncrease,
    IncreasePercent,
    LeadTimeMonths,
    ExtraUnitsPerMonth,
    NotPossibleReason,
    ReasonText,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(clippy::too_many_lines, reason = "three tables, one place")]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .col(pk_auto(OutboxMessages::Id))
                    .col(string_uniq(OutboxMessages::IdempotencyKey))
                    .col(string(OutboxMessages::Kind))
                    .col(integer_null(OutboxMessages::OrganizationId))
                    .col(string(OutboxMessages::RecipientName))
                    .col(string(OutboxMessages::RecipientEmail))
                    .col(text(OutboxMessages::Subject))
                    .col(text(OutboxMessages::Payload))
                    .col(string(OutboxMessages::Status))
                    .col(integer(OutboxMessages::Attempts))
                    .col(text_null(OutboxMessages::LastError))
                    .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
                    .col(string_null(OutboxMessages::ClaimToken))
                    .col(timestamp_with_time_zone_null(OutboxMessages::ClaimedAt))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutboxMessages::Table, OutboxMessages::OrganizationId)
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_outbox_messages_status_next",
                vec![OutboxMessages::Status, OutboxMessages::NextAttemptAt],
            ),
            ("ix_outbox_messages_claim", vec![OutboxMessages::ClaimToken]),
        ] {
            let mut index = Index::create();
            index.name(name).table(OutboxMessages::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SubstituteRequests::Table)
                    .col(pk_auto(SubstituteRequests::Id))
                    .col(string(SubstituteRequests::EventKey))
                    .col(string(SubstituteRequests::Kind))
                    .col(integer_null(SubstituteRequests::CaseId))
                    .col(integer(SubstituteRequests::ProductId))
                    .col(integer(SubstituteRequests::OrganizationId))
                    .col(integer_null(SubstituteRequests::RequestedBy))
                    .col(text_null(SubstituteRequests::Message))
                    .col(timestamp_with_time_zone(SubstituteRequests::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubstituteRequests::Table, SubstituteRequests::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubstituteRequests::Table, SubstituteRequests::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                SubstituteRequests::Table,
                                SubstituteRequests::OrganizationId,
                            )
                            .to(Organizations::Table, Organizations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubstituteRequests::Table, SubstituteRequests::RequestedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_substitute_requests_event_org")
                    .table(SubstituteRequests::Table)
                    .col(SubstituteRequests::EventKey)
                    .col(SubstituteRequests::OrganizationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_substitute_requests_case_id")
                    .table(SubstituteRequests::Table)
                    .col(SubstituteRequests::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubstituteResponses::Table)
                    .col(pk_auto(SubstituteResponses::Id))
                    .col(integer(SubstituteResponses::RequestId))
                    .col(integer(SubstituteResponses::OrganizationId))
                    .col(integer_null(SubstituteResponses::UserId))
                    .col(integer_null(SubstituteResponses::StockMonthsTenths))
                    .col(integer_null(SubstituteResponses::ProductionChangePercent))
                    .col(boolean_null(SubstituteResponses::CanIncrease))
                    .col(integer_null(SubstituteResponses::IncreasePercent))
                    .col(integer_null(SubstituteResponses::LeadTimeMonths))
                    .col(big_integer_null(SubstituteResponses::ExtraUnitsPerMonth))
                    .col(string_null(SubstituteResponses::NotPossibleReason))
                    .col(text_null(SubstituteResponses::ReasonText))
                    .col(timestamp_with_time_zone(SubstituteResponses::SubmittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubstituteResponses::Table, SubstituteResponses::RequestId)
                            .to(SubstituteRequests::Table, SubstituteRequests::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubstituteResponses::Table, SubstituteResponses::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_substitute_responses_request_id")
                    .table(SubstituteResponses::Table)
                    .col(SubstituteResponses::RequestId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SubstituteResponses::Table.into_iden(),
            SubstituteRequests::Table.into_iden(),
            OutboxMessages::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
