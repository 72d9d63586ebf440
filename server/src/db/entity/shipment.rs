//! Table `shipments`: a maker's monthly shipment total of a product, `actual` or `planned`.

use sea_orm::entity::prelude::*;

use crate::domain::uploads::ShipmentKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i32,
    /// `YYYYMM`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: i32,
    /// `actual` or `planned`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: ShipmentKind,
    /// Sales packages.
    pub quantity: i64,
    pub maker_id: i32,
    pub upload_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
