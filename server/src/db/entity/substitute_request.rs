//! Table `substitute_requests`: what a substitute maker (or an association) was asked about a
//! short product — an automatic heads-up, or the ministry's information or cooperation request.

use sea_orm::entity::prelude::*;

use crate::domain::substitute_request::RequestKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "substitute_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The event it belongs to (a receipt number, or `case:ID:KIND:N`); unique per organisation.
    pub event_key: String,
    /// `heads_up`, `information` or `cooperation`.
    pub kind: RequestKind,
    pub case_id: Option<i32>,
    /// The short product.
    pub product_id: i32,
    /// The asked organisation.
    pub organization_id: i32,
    pub requested_by: Option<i32>,
    pub message: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
