//! Failed logins counted per client address in fixed 15-minute windows, so that many accounts
//! tried from one address are slowed down together (the per-account lockout stays on `users`).
//! Kept in the database, like sessions, so that every server instance sees the same count.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Address,
    Window,
    Failures,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .col(ColumnDef::new(LoginThrottles::Address).string().not_null())
                    .col(
                        ColumnDef::new(LoginThrottles::Window)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LoginThrottles::Failures)
                            .integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(LoginThrottles::Address)
                            .col(LoginThrottles::Window),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottles::Table).to_owned())
            .await
    }
}
