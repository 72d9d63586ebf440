//! Table `dispensing_counts`: packages dispensed of a product in one week (e-prescription data).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dispensing_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i32,
    /// The week's Monday as `YYYYMMDD`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub week: i32,
    pub quantity: i64,
    pub upload_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
