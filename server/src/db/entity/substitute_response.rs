//! Table `substitute_responses`: a substitute maker's answer to a request (immutable; the latest
//! answer of an organisation counts).

use sea_orm::entity::prelude::*;

use crate::domain::substitute_answer::NotPossibleReason;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "substitute_responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub organization_id: i32,
    pub user_id: Option<i32>,
    /// Months of stock, in tenths (25 = 2.5 か月).
    pub stock_months_tenths: Option<i32>,
    pub production_change_percent: Option<i32>,
    pub can_increase: Option<bool>,
    pub increase_percent: Option<i32>,
    pub lead_time_months: Option<i32>,
    /// Extra packages per month it can ship.
    pub extra_units_per_month: Option<i64>,
    /// `raw_materials`, `staff`, `equipment` or `other`.
    pub not_possible_reason: Option<NotPossibleReason>,
    pub reason_text: Option<String>,
    pub submitted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
