//! Table `allocation_results`: one wholesaler's part of a computation — `H_w`, `S_w`, its reserve and
//! every customer's baseline and cap, packed (see `services::allocation::packed`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "allocation_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub computation_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub wholesaler_id: i32,
    /// `H_w`.
    pub baseline_total: i64,
    /// `S_w`.
    pub supply: i64,
    /// ⌊P·`H_w` ÷ B⌋ − `S_w`.
    pub reserve: i64,
    pub customers: i32,
    pub caps: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
