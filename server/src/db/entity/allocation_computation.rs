//! Table `allocation_computations`: one immutable computation (version) of a plan, with its
//! totals and the newest uploads it read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "allocation_computations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    /// 1, 2, … per plan.
    pub version: i32,
    /// P.
    pub planned_total: i64,
    /// B.
    pub baseline_total: i64,
    /// The newest shipment upload when computed.
    pub shipment_upload_id: Option<i32>,
    /// The newest purchase-history upload when computed.
    pub purchase_upload_id: Option<i32>,
    pub wholesalers: i32,
    pub customers: i64,
    pub computed_by: Option<i32>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
