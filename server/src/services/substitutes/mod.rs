//! The substitute makers' side: requests sent to them (automatic heads-ups, the ministry's
//! information and consent-gated cooperation requests), their answers (a wholesaler and an
//! association each answer in their own form), and the ministry's view of a case's answers side by side with totals.

pub mod answers;
mod recipients;
pub mod requests;
mod totals;
mod views;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

pub use recipients::SubstituteMaker;
pub use totals::{MakerStock, Totals};
pub use views::CaseAnswers;

use super::ServiceError;
use super::products::substitutes_of;
use crate::db::entity::product;
use crate::domain::OrganizationKind;
use crate::domain::substitute_request::RequestKind;

/// A product named on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRef {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// An association's answer as shown.
#[derive(Debug, Clone)]
pub struct RelayView {
    /// Relayed to its members.
    pub relayed_to_members: bool,
    /// Members reached.
    pub members_reached: Option<i32>,
    /// Free text.
    pub note: Option<String>,
}

/// A wholesaler's answer as shown.
#[derive(Debug, Clone)]
pub struct StockView {
    /// Packages in stock.
    pub stock_units: i64,
    /// Packages shipped in the last month.
    pub shipped_last_month: i64,
    /// Months the stock is expected to last (`1.5`).
    pub outlook_months: Option<String>,
    /// Whether it limits orders (出荷調整).
    pub shipment_limited: bool,
    /// Remarks.
    pub remarks: Option<String>,
}

/// An answer as shown: a maker's figures, (`relay`) an association's or (`stock`) a
/// wholesaler's.
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
    /// Lead time in months (`1.5`).
    pub lead_time_months: Option<String>,
    /// Lead time in tenths, for the shortest.
    pub lead_time_tenths: Option<i32>,
    /// Extra packages per month.
    pub extra_units_per_month: Option<i64>,
    /// Why not (stable names, display order).
    pub not_possible_reasons: Vec<String>,
    /// Why not (labels joined: `原材料・人員`).
    pub not_possible_label: Option<String>,
    /// Detail.
    pub reason_text: Option<String>,
    /// An association's answer.
    pub relay: Option<RelayView>,
    /// A wholesaler's answer.
    pub stock: Option<StockView>,
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
    /// Its kind, which chooses the form it answers in.
    pub recipient_kind: OrganizationKind,
    /// Its products that may substitute.
    pub substitutes: Vec<ProductRef>,
    /// The ministry's message.
    pub message: Option<String>,
    /// Sent at.
    pub created_at: DateTime<Utc>,
    /// The latest answer.
    pub latest: Option<ResponseView>,
}

impl RequestView {
    /// Whether an association was asked (it answers in the association's form).
    pub fn to_association(&self) -> bool {
        self.recipient_kind == OrganizationKind::Association
    }

    /// Whether a wholesaler was asked (it answers with its stock and shipments).
    pub fn to_wholesaler(&self) -> bool {
        self.recipient_kind == OrganizationKind::Wholesaler
    }
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
