//! Table `case_transitions`: every step of a case — who, when, from which state to which, and why.

use sea_orm::entity::prelude::*;

use crate::domain::case_flow::{CaseState, EventName, Flow, Party};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    /// An action name or a report kind.
    pub event: EventName,
    /// `ministry` or `reporting_maker`.
    pub party: Party,
    pub from_flow: Option<Flow>,
    pub to_flow: Flow,
    pub from_state: Option<CaseState>,
    pub to_state: CaseState,
    pub user_id: Option<i32>,
    pub note: Option<String>,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
