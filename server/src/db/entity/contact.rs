//! Table `contacts`: an organisation's supply contacts, who receive alerts.

use sea_orm::entity::prelude::*;

use crate::domain::contact::Delivery;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    pub email: String,
    /// `immediate` or `daily_digest`.
    pub delivery: Delivery,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
