//! Table `public_subscriptions`: an address following one drug's public status (double opt-in:
//! nothing is mailed but the confirmation until `confirmed_at`).

use sea_orm::entity::prelude::*;

use crate::domain::contact::Delivery;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub product_id: i32,
    /// Lower-cased; never shown to anyone.
    pub email: String,
    /// `immediate` or `daily_digest`.
    pub delivery: Delivery,
    /// Random; the confirmation and unsubscribe links carry it.
    #[sea_orm(unique)]
    pub token: String,
    pub confirmed_at: Option<DateTimeUtc>,
    pub unsubscribed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
