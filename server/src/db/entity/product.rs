//! Table `products`: the product master — drugs from the price list, devices and IVDs.

use sea_orm::entity::prelude::*;

use crate::domain::{DrugCategory, ProductClass, ProductKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub kind: ProductKind,
    pub name: String,
    pub ingredient: Option<String>,
    pub specification: Option<String>,
    pub group_code: Option<String>,
    pub related_code: Option<String>,
    pub category: Option<DrugCategory>,
    pub therapeutic_class: Option<String>,
    pub product_class: Option<ProductClass>,
    pub pharmacopoeia: bool,
    pub narcotic: bool,
    pub basic_drug: bool,
    pub stable_supply_category: Option<String>,
    /// 薬価 as printed in the price list (decimal text, never a float).
    pub price: Option<String>,
    pub listed_on: Option<Date>,
    pub transitional_until: Option<String>,
    pub maker_id: Option<i32>,
    pub maker_name: Option<String>,
    pub jmdn: Option<String>,
    pub approval_number: Option<String>,
    pub edition: Option<String>,
    /// Half-width, lower-cased code + names for substring search.
    pub search_text: String,
    /// ① 薬剤区分 as the ministry's list writes it (e.g. `1：内用薬`).
    pub list_category: Option<String>,
    /// ② 薬効分類 as the ministry's list writes it (a name, e.g. `抗ヒスタミン剤`).
    pub list_therapeutic_class: Option<String>,
    /// ⑧ 製品区分 as the ministry's list writes it (e.g. `6：未収載医薬品`).
    pub list_product_class: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
