//! Table `supply_status_reports`: every 供給状況報告 as filed, immutable, with its receipt number.

use sea_orm::entity::prelude::*;

use crate::domain::supply_status::{
    ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, VolumeStatus,
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_status_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub receipt_number: String,
    pub product_id: i32,
    pub maker_id: i32,
    /// The filing user; none for generated history.
    pub submitted_by: Option<i32>,
    pub submitted_at: DateTimeUtc,
    /// ⑰ 報告日 (Asia/Tokyo).
    pub reported_on: Date,
    /// ⑫.
    pub shipping_status: ShippingStatus,
    /// ⑭.
    pub reason: Option<Reason>,
    pub causing_product_code: Option<String>,
    /// ⑮.
    pub resolution_outlook: Option<ResolutionOutlook>,
    pub resolution_month: Option<String>,
    /// ⑰ 出荷量の状況.
    pub volume_status: Option<VolumeStatus>,
    /// `form`, `api`, `upload` or `seed`.
    pub source: String,
    /// ⑬ the day ⑫ last changed, as the ministry's list gives it or as reports derive it.
    pub shipping_changed_on: Option<Date>,
    /// ⑯ free text (見込み時期・在庫消尽時期), verbatim.
    pub resolution_note: Option<String>,
    /// ⑱ 改善見込み時期 (code a–e).
    pub improvement_timing: Option<ImprovementTiming>,
    /// ⑲ 改善見込み量 (% of today's volume).
    pub improvement_percent: Option<i32>,
    /// ⑳ the day anything but ⑫ last changed.
    pub other_changed_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
