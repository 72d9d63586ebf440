//! Table `organizations`: makers, wholesalers, the ministry and associations.

use sea_orm::entity::prelude::*;

use crate::domain::OrganizationKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: OrganizationKind,
    pub name: String,
    pub corporate_number: Option<String>,
    pub created_at: DateTimeUtc,
    /// A maker's 特定医薬品供給体制管理責任者: name, title and address (none until it names one).
    pub supply_manager_name: Option<String>,
    pub supply_manager_title: Option<String>,
    pub supply_manager_email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
