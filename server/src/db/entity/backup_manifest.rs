//! Table `backup_manifests`: what a restored backup held when it was taken (row counts and
//! checksums, JSON), for `supplywatch verify`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "backup_manifests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub taken_at: DateTimeUtc,
    pub restored_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub manifest: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
