//! Following a drug by e-mail (double opt-in): one row per (drug, address) with its random
//! link token, confirmed and unsubscribed times; and a per-hour counter of subscription
//! requests per address and per client, which the rate limit reads.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, integer, pk_auto, string, string_uniq, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PublicSubscriptions {
    Table,
    Id,
    ProductId,
    Email,
    Delivery,
    Token,
    ConfirmedAt,
    UnsubscribedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubscriptionThrottles {
    Table,
    Key,
    Window,
    Requests,
}

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PublicSubscriptions::Table)
                    .col(pk_auto(PublicSubscriptions::Id))
                    .col(integer(PublicSubscriptions::ProductId))
                    .col(string(PublicSubscriptions::Email))
                    .col(string(PublicSubscriptions::Delivery))
                    .col(string_uniq(PublicSubscriptions::Token))
                    .col(timestamp_with_time_zone_null(
                        PublicSubscriptions::ConfirmedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        PublicSubscriptions::UnsubscribedAt,
                    ))
                    .col(timestamp_with_time_zone(PublicSubscriptions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PublicSubscriptions::Table, PublicSubscriptions::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_public_subscriptions_product_email")
                    .table(PublicSubscriptions::Table)
                    .col(PublicSubscriptions::ProductId)
                    .col(PublicSubscriptions::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubscriptionThrottles::Table)
                    .col(string(SubscriptionThrottles::Key))
                    .col(big_integer(SubscriptionThrottles::Window))
                    .col(integer(SubscriptionThrottles::Requests))
                    .primary_key(
                        Index::create()
                            .col(SubscriptionThrottles::Key)
                            .col(SubscriptionThrottles::Window),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SubscriptionThrottles::Table.into_iden(),
            PublicSubscriptions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
