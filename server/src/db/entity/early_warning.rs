//! Table `early_warnings`: one drug of one day's early-warning list, with its score, rank and
//! reasons (one per line).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "early_warnings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The day (Japan) the list is of.
    pub day: Date,
    pub product_id: i32,
    /// 1 for the highest score.
    pub rank: i32,
    pub score: f64,
    /// The reasons in words, one per line, strongest first.
    pub reasons: String,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
