//! Table `forecast_runs`: one run of the knock-on forecast over every group losing supply.

use sea_orm::entity::prelude::*;

use crate::domain::forecast::Trigger;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forecast_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `nightly` or `on_demand`.
    pub trigger: Trigger,
    pub computed_at: DateTimeUtc,
    /// Groups with a member losing supply.
    pub groups: i32,
    /// Products listed as likely to go short next.
    pub likely_next: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
