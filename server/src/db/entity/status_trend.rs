//! Table `status_trend`: counts of drugs by ⑫ and ⑯ for each published week (the dashboard's trend).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_trend")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub week_ending: Date,
    pub drugs: i32,
    pub shipping1: i32,
    pub shipping2: i32,
    pub shipping3: i32,
    pub shipping4: i32,
    pub shipping5: i32,
    pub volume_a_plus: i32,
    pub volume_a: i32,
    pub volume_b: i32,
    pub volume_c: i32,
    pub volume_d: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
