//! Table `product_statuses`: each drug's current status — a copy of its latest report, kept in the
//! same transaction, so that searches need no scan of the history.

use sea_orm::entity::prelude::*;

use crate::domain::supply_status::{
    ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, VolumeStatus,
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_statuses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i32,
    pub report_id: i32,
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
    pub updated_on: Date,
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
