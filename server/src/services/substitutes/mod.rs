//! The substitute makers' side: requests sent to them (automatic heads-ups, the ministry's
//! information and consent-gated cooperation requests), their answers, and the ministry's view of
//! a case's answers side by side with totals.

pub mod answers;
pub mod requests;
mod views;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

pub use views::{CaseAnswers, Totals};

use super::ServiceError;
use super::products::substitutes_of;
use crate::db::entity::product;
use crate::domain::substitute_request::RequestKind;

/// A product named on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRef {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// An answer as shown.
#[derive(Debug, Clone)]
pub struct ResponseView {
    /// Months of stock (`2.5`).
    pub stock_months: Option<String>,
    /// Tenths, for totals.
    pub stock_months_tenths: Option<i32>,
    /// Production change (%).
    pub production_change_percent: Option<i32>,
    /// Can increase.
    pub can_increase: Option<bool>,
    /// By (%).
    pub increase_percent: Option<i32>,
    /// Lead time (months).
    pub lead_time_months: Option<i32>,
    /// Extra packages per month.
    pub extra_units_per_month: Option<i64>,
    /// Why not (stable name).
    pub not_possible_reason: Option<String>,
    /// Why not (label).
    pub not_possible_label: Option<&'static str>,
    /// Detail.
    pub reason_text: Option<String>,
    /// Who answered.
    pub answered_by: Option<String>,
    /// When.
    pub submitted_at: DateTime<Utc>,
}

/// A request with its product and the latest answer of the asked organisation.
#[derive(Debug, Clone)]
pub struct RequestView {
    /// Id.
    pub id: i32,
    /// Kind.
    pub kind: RequestKind,
    /// The case (none for a heads-up).
    pub case_id: Option<i32>,
    /// The short product.
    pub product: ProductRef,
    /// Its maker.
    pub product_maker: String,
    /// The asked organisation.
    pub organization_id: i32,
    /// Its name.
    pub organization_name: String,
    /// Its products that may substitute.
    pub substitutes: Vec<ProductRef>,
    /// The ministry's message.
    pub message: Option<String>,
    /// Sent at.
    pub created_at: DateTime<Utc>,
    /// The latest answer.
    pub latest: Option<ResponseView>,
}

/// The substitutes of each of `products` (by product id) grouped by their makers (by organisation
/// id), leaving out the product's own maker and substitutes without a maker.
async fn substitutes_by_maker(
    db: &impl ConnectionTrait,
    products: &[&product::Model],
) -> Result<HashMap<i32, BTreeMap<i32, Vec<product::Model>>>, ServiceError> {
    let mut found = substitutes_of(db, products).await?;
    Ok(products
        .iter()
        .map(|p| {
            let mut makers: BTreeMap<i32, Vec<product::Model>> = BTreeMap::new();
            for s in found.remove(&p.id).unwrap_or_default() {
                if let Some(maker) = s.maker_id.filter(|m| Some(*m) != p.maker_id) {
                    makers.entry(maker).or_default().push(s);
                }
            }
            (p.id, makers)
        })
        .collect())
}
