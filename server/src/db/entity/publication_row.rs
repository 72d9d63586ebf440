//! Table `publication_rows`: the frozen columns ①–⑱ of every drug in one weekly publication.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publication_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub publication_id: i32,
    pub position: i32,
    pub category: Option<String>,
    pub therapeutic_class: Option<String>,
    pub ingredient: Option<String>,
    pub specification: Option<String>,
    pub code: String,
    pub name: String,
    pub maker_name: Option<String>,
    pub product_class: Option<String>,
    pub basic_drug: Option<String>,
    pub stable_supply: Option<String>,
    pub listed_on: Option<Date>,
    pub shipping_status: Option<String>,
    pub reason: Option<String>,
    pub resolution_outlook: Option<String>,
    pub resolution_month: Option<String>,
    pub volume_status: Option<String>,
    pub reported_on: Option<Date>,
    pub confirmed: Option<String>,
    /// ⑬ the day ⑫ last changed, as the ministry's list gives it or as reports derive it.
    pub shipping_changed_on: Option<Date>,
    /// ⑯ free text (見込み時期・在庫消尽時期), verbatim.
    pub resolution_note: Option<String>,
    /// ⑱ 改善見込み時期 (code a–e).
    pub improvement_timing: Option<String>,
    /// ⑲ 改善見込み量 (% of today's volume).
    pub improvement_percent: Option<i32>,
    /// ⑳ the day anything but ⑫ last changed.
    pub other_changed_on: Option<Date>,
    /// The 21st column: ⑫–⑳ changed since the previous publication (`New`).
    pub changed: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
