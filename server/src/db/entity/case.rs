//! Table `cases`: one supply problem (事案), its flow, state and the ministry's judgements.

use sea_orm::entity::prelude::*;

use crate::domain::case_flow::{CaseState, Decision, Flow, Impact};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `A` (供給不安・欠品), `B` (供給終了) or `D` (a drug's 供給不安報告).
    pub flow: Flow,
    pub state: CaseState,
    pub product_id: i32,
    /// The reporting maker.
    pub maker_id: i32,
    pub impact: Option<Impact>,
    pub decision: Option<Decision>,
    /// The reporting maker consented to cooperation requests.
    pub consented: bool,
    pub opened_at: DateTimeUtc,
    pub state_entered_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// The day by which the ministry asked for a report (報告徴収), Japan time.
    pub report_due_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
