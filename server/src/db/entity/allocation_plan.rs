//! Table `allocation_plans`: the ministry's plan for a product group, target and baseline month.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "allocation_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// The same-spec group (first 9 characters of the YJ code) when the plan was made from one.
    pub group_code: Option<String>,
    /// `YYYYMM`.
    pub target_month: i32,
    /// `YYYYMM`.
    pub baseline_month: i32,
    pub reserve_percent: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    /// The plan that replaced this one (for the same products and month); none while active.
    pub superseded_by: Option<i32>,
    /// When it was replaced.
    pub superseded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
