//! Table `reserve_requests`: a customer without history asking for part of a plan's reserve,
//! and what its wholesaler granted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reserve_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub wholesaler_id: i32,
    pub customer_id: i32,
    pub requested: i64,
    pub granted: Option<i64>,
    pub note: Option<String>,
    pub requested_by: Option<i32>,
    pub requested_at: DateTimeUtc,
    pub granted_by: Option<i32>,
    pub granted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
