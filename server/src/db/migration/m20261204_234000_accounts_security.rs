//! Accounts as the ministry's security guideline asks: the last passwords of each user (no
//! reuse), a TOTP second factor with its recovery codes and the last time step used (no replay),
//! the half-done logins waiting for their second factor, and the manifest a restored backup
//! is verified against.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, integer, pk_auto, string, string_null, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TotpSecret,
    TotpEnabledAt,
    TotpLastStep,
    PasswordChangedAt,
}

#[derive(DeriveIden)]
enum PasswordHistory {
    Table,
    Id,
    UserId,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum LoginChallenges {
    Table,
    Id,
    UserId,
    Next,
    ExpiresAt,
}

fn belongs_to_user(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden)]
enum BackupManifests {
    Table,
    Id,
    TakenAt,
    RestoredAt,
    Manifest,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            string_null(Users::TotpSecret),
            timestamp_with_time_zone_null(Users::TotpEnabledAt),
            big_integer_null(Users::TotpLastStep),
            timestamp_with_time_zone_null(Users::PasswordChangedAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PasswordHistory::Table)
                    .col(pk_auto(PasswordHistory::Id))
                    .col(integer(PasswordHistory::UserId))
                    .col(string(PasswordHistory::PasswordHash))
                    .col(timestamp_with_time_zone(PasswordHistory::CreatedAt))
                    .foreign_key(&mut belongs_to_user(
                        PasswordHistory::Table,
                        PasswordHistory::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_password_history_user")
                    .table(PasswordHistory::Table)
                    .col(PasswordHistory::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(pk_auto(RecoveryCodes::Id))
                    .col(integer(RecoveryCodes::UserId))
                    .col(string(RecoveryCodes::CodeHash))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(&mut belongs_to_user(
                        RecoveryCodes::Table,
                        RecoveryCodes::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_recovery_codes_user")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginChallenges::Table)
                    .col(string(LoginChallenges::Id).primary_key())
                    .col(integer(LoginChallenges::UserId))
                    .col(string(LoginChallenges::Next))
                    .col(timestamp_with_time_zone(LoginChallenges::ExpiresAt))
                    .foreign_key(&mut belongs_to_user(
                        LoginChallenges::Table,
                        LoginChallenges::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BackupManifests::Table)
                    .col(pk_auto(BackupManifests::Id))
                    .col(timestamp_with_time_zone(BackupManifests::TakenAt))
                    .col(timestamp_with_time_zone(BackupManifests::RestoredAt))
                    .col(text(BackupManifests::Manifest))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BackupManifests::Table.into_iden(),
            LoginChallenges::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            PasswordHistory::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Users::PasswordChangedAt.into_iden(),
            Users::TotpLastStep.into_iden(),
            Users::TotpEnabledAt.into_iden(),
            Users::TotpSecret.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
