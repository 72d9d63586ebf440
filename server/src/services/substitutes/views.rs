//! Building what pages and the API show of requests: the product, the asked organisation, its
//! substitutes and the latest answer (a maker's figures, a wholesaler's stock and shipments, or an
//! association's relay).

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    ProductRef, RelayView, RequestView, ResponseView, StockView, SubstituteMaker, Totals,
    substitutes_by_maker,
};
use crate::db::entity::{organization, product, substitute_request, substitute_response, user};
use crate::domain::OrganizationKind;
use crate::domain::substitute_answer::{months_text, reasons_label};
use crate::services::{DbContext, ServiceError};

/// A case's requests with their answers and the totals.
#[derive(Debug, Clone)]
pub struct CaseAnswers {
    /// A drug case (flow D): cooperation requests are the law's 協力要請, without consent.
    pub drug_flow: bool,
    /// Why an information request cannot be sent now (none when it can).
    pub information_refusal: Option<String>,
    /// Why a cooperation request cannot be sent now, e.g. 「報告者の同意待ち」.
    pub cooperation_refusal: Option<String>,
    /// The makers of the product's substitutes; those a request would not reach (their own
    /// same-spec product at ⑫ ② or ⑤) say why.
    pub substitute_makers: Vec<SubstituteMaker>,
    /// Requests, oldest first.
    pub requests: Vec<RequestView>,
    /// Over the latest answer of each asked organisation.
    pub totals: Totals,
}

impl CaseAnswers {
    /// The requests to makers (their answers side by side).
    pub fn maker_requests(&self) -> impl Iterator<Item = &RequestView> {
        self.requests
            .iter()
            .filter(|r| !r.to_association() && !r.to_wholesaler())
    }

    /// The requests to associations (their relay answers).
    pub fn association_requests(&self) -> impl Iterator<Item = &RequestView> {
        self.requests.iter().filter(|r| r.to_association())
    }

    /// The requests to wholesalers (their stock and shipments).
    pub fn wholesaler_requests(&self) -> impl Iterator<Item = &RequestView> {
        self.requests.iter().filter(|r| r.to_wholesaler())
    }

    /// Whether any wholesaler was asked.
    pub fn asked_wholesalers(&self) -> bool {
        self.wholesaler_requests().next().is_some()
    }

    /// Whether any association was asked.
    pub fn asked_associations(&self) -> bool {
        self.association_requests().next().is_some()
    }
}

/// The views of `requests`, in their order.
pub(super) async fn views(
    db: &impl ConnectionTrait,
    requests: Vec<substitute_request::Model>,
) -> Result<Vec<RequestView>, ServiceError> {
    let products: HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(requests.iter().map(|r| r.product_id)))
        .all(db)
        .await
        .context("Failed to load the requests' products")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let orgs: HashMap<i32, (String, OrganizationKind)> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(requests.iter().map(|r| r.organization_id)))
        .all(db)
        .await
        .context("Failed to load the asked organisations")?
        .into_iter()
        .map(|o| (o.id, (o.name, o.kind)))
        .collect();
    let responses = substitute_response::Entity::find()
        .filter(substitute_response::Column::RequestId.is_in(requests.iter().map(|r| r.id)))
        .order_by_asc(substitute_response::Column::Id)
        .all(db)
        .await
        .context("Failed to load the answers")?;
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(responses.iter().filter_map(|r| r.user_id)))
        .all(db)
        .await
        .context("Failed to load who answered")?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let mut latest: HashMap<i32, ResponseView> = HashMap::new();
    for r in responses {
        latest.insert(r.request_id, response_view(r, &names));
    }
    let substitutes_of: HashMap<i32, BTreeMap<i32, Vec<product::Model>>> =
        substitutes_by_maker(db, &products.values().collect::<Vec<_>>()).await?;
    Ok(requests
        .into_iter()
        .map(|r| {
            let p = products.get(&r.product_id);
            RequestView {
                id: r.id,
                kind: r.kind,
                case_id: r.case_id,
                product: ProductRef {
                    code: p.map(|p| p.code.clone()).unwrap_or_default(),
                    name: p.map(|p| p.name.clone()).unwrap_or_default(),
                },
                product_maker: p.and_then(|p| p.maker_name.clone()).unwrap_or_default(),
                organization_name: orgs
                    .get(&r.organization_id)
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default(),
                recipient_kind: orgs
                    .get(&r.organization_id)
                    .map_or(OrganizationKind::Manufacturer, |(_, kind)| *kind),
                substitutes: substitutes_of
                    .get(&r.product_id)
                    .and_then(|m| m.get(&r.organization_id))
                    .into_iter()
                    .flatten()
                    .map(|s| ProductRef {
                        code: s.code.clone(),
                        name: s.name.clone(),
                    })
                    .collect(),
                organization_id: r.organization_id,
                message: r.message,
                created_at: r.created_at,
                latest: latest.remove(&r.id),
            }
        })
        .collect())
}

fn response_view(r: substitute_response::Model, names: &HashMap<i32, String>) -> ResponseView {
    let reasons = r.not_possible_reason.unwrap_or_default().0;
    ResponseView {
        stock_months: r.stock_months_tenths.map(months_text),
        stock_months_tenths: r.stock_months_tenths,
        production_change_percent: r.production_change_percent,
        can_increase: r.can_increase,
        increase_percent: r.increase_percent,
        lead_time_months: r.lead_time_tenths.map(months_text),
        lead_time_tenths: r.lead_time_tenths,
        extra_units_per_month: r.extra_units_per_month,
        not_possible_label: Some(reasons_label(&reasons)).filter(|l| !l.is_empty()),
        not_possible_reasons: reasons.iter().map(|n| n.code().to_owned()).collect(),
        reason_text: r.reason_text,
        relay: r.relayed_to_members.map(|relayed| RelayView {
            relayed_to_members: relayed,
            members_reached: r.members_reached,
            note: r.relay_note,
        }),
        stock: r
            .stock_units
            .zip(r.shipped_last_month)
            .zip(r.shipment_limited)
            .map(
                |((stock_units, shipped_last_month), shipment_limited)| StockView {
                    stock_units,
                    shipped_last_month,
                    outlook_months: r.stock_outlook_tenths.map(months_text),
                    shipment_limited,
                    remarks: r.wholesale_remarks,
                },
            ),
        answered_by: r.user_id.and_then(|id| names.get(&id).cloned()),
        submitted_at: r.submitted_at,
    }
}
