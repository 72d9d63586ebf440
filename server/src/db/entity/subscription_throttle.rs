//! Table `subscription_throttles`: subscription requests of one address or client in one hour.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_throttles")]
pub struct Model {
    /// `email:` + SHA-256 of the address, or `client:` + the client's address.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// Hours since the epoch.
    #[sea_orm(primary_key, auto_increment = false)]
    pub window: i64,
    pub requests: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
