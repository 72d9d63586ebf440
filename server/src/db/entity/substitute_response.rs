//! Table `substitute_responses`: a substitute maker's answer to a request, an association's
//! (relayed to its members, how many, free text) or a wholesaler's (stock, last month's
//! shipments, orders limited); immutable, the latest answer of an
//! organisation counts.

use sea_orm::entity::prelude::*;

use crate::domain::substitute_answer::NotPossibleReasons;

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
    /// Lead time in tenths of a month (15 = 1.5 か月).
    pub lead_time_tenths: Option<i32>,
    /// Extra packages per month it can ship.
    pub extra_units_per_month: Option<i64>,
    /// Codes of `raw_materials`, `staff`, `equipment`, `other` joined by `,`
    /// (`substitute_answer::NotPossibleReasons`).
    pub not_possible_reason: Option<NotPossibleReasons>,
    pub reason_text: Option<String>,
    /// An association's answer: relayed to its members.
    pub relayed_to_members: Option<bool>,
    /// An association's answer: members reached.
    pub members_reached: Option<i32>,
    /// An association's answer: free text.
    pub relay_note: Option<String>,
    /// A wholesaler's answer: packages in stock.
    pub stock_units: Option<i64>,
    /// A wholesaler's answer: packages shipped in the last month.
    pub shipped_last_month: Option<i64>,
    /// A wholesaler's answer: months its stock is expected to last, in tenths.
    pub stock_outlook_tenths: Option<i32>,
    /// A wholesaler's answer: whether it limits orders (出荷調整).
    pub shipment_limited: Option<bool>,
    /// A wholesaler's answer: remarks.
    pub wholesale_remarks: Option<String>,
    pub submitted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
