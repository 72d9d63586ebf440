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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
