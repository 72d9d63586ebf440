//! Table `forecast_items`: a product a forecast run lists as likely to go short next, with the
//! figures of its arithmetic.

use sea_orm::entity::prelude::*;

use crate::domain::forecast::CapacitySource;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forecast_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub run_id: i32,
    pub group_code: String,
    /// The product expected to fall short.
    pub product_id: i32,
    /// The group's product losing the most volume.
    pub source_product_id: i32,
    pub lost_units: i64,
    pub monthly_shipments: i64,
    pub extra_demand: i64,
    pub expected_demand: i64,
    pub capacity: i64,
    /// `declared_units`, `declared_percent` or `assumed`.
    pub capacity_source: CapacitySource,
    pub shortfall: i64,
    pub short_from_weeks: Option<i64>,
    /// A confidential 供給不安報告 contributed to the loss (ministry eyes only).
    pub confidential: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
