//! Table `data_uploads`: who uploaded which shipment or purchase-history file, when, how many rows.

use sea_orm::entity::prelude::*;

use crate::domain::uploads::UploadKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_uploads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `shipments` or `purchase_history`.
    pub kind: UploadKind,
    pub organization_id: i32,
    pub user_id: Option<i32>,
    pub file_name: String,
    pub rows: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
