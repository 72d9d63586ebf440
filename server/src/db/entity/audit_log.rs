//! Table `audit_log`: every login attempt and every write — who, when, what, from where.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurred_at: DateTimeUtc,
    pub user_id: Option<i64>,
    pub actor_email: String,
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
    pub remote_addr: Option<String>,
    pub success: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
