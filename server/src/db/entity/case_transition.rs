//! Table `case_transitions`: every step of a case — who, when, from which state to which, and why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    /// An action name or a report kind.
    pub event: String,
    /// `ministry` or `reporting_maker`.
    pub party: String,
    pub from_flow: Option<String>,
    pub to_flow: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub user_id: Option<i32>,
    pub note: Option<String>,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
