//! Table `publications`: the weekly publication, one per week, kept forever.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The Friday of the published week.
    #[sea_orm(unique)]
    pub week_ending: Date,
    pub published_at: DateTimeUtc,
    pub row_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
