//! Table `price_list_imports`: one row per imported edition of the price list.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "price_list_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub edition: String,
    pub file_name: String,
    pub row_count: i32,
    pub created_count: i32,
    pub updated_count: i32,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
