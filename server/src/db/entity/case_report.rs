//! Table `case_reports`: confidential reports (供給不安報告, 様式10-2, 様式10-3), immutable.

use sea_orm::entity::prelude::*;

use crate::domain::case_flow::ReportKind;
use crate::domain::device_report::DeviceEventType;
use crate::domain::report_fields::ReportFields;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    #[sea_orm(unique)]
    pub receipt_number: String,
    /// `supply_risk`, `first`, `additional`, `simplified`, `re_report`, `termination_notice`.
    pub kind: ReportKind,
    pub product_id: i32,
    pub maker_id: i32,
    pub submitted_by: Option<i32>,
    pub submitted_at: DateTimeUtc,
    /// `supply_risk`, `stockout` or `termination` (device reports).
    pub event_type: Option<DeviceEventType>,
    /// The report's fields as a JSON object of texts by field name (blank fields absent).
    pub fields: ReportFields,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
