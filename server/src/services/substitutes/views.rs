//! Building what pages and the API show of requests: the product, the asked organisation, its
//! substitutes, the latest answer, and the totals over a case's answers.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ProductRef, RequestView, ResponseView, substitutes_by_maker};
use crate::db::entity::{organization, product, substitute_request, substitute_response, user};
use crate::domain::substitute_answer::{NotPossibleReason, months_text};
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
    /// The makers of the product's substitutes that a request would reach.
    pub substitute_makers: Vec<(i32, String)>,
    /// Requests, oldest first.
    pub requests: Vec<RequestView>,
    /// Over the latest answer of each asked organisation.
    pub totals: Totals,
}

/// Totals over the answers of a case (one answer per organisation: its latest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Organisations asked.
    pub asked: usize,
    /// Organisations that answered.
    pub answered: usize,
    /// Those that can increase production.
    pub can_increase: usize,
    /// Combined extra packages per month.
    pub extra_units_per_month: i64,
    /// Shortest lead time (months) among those that can increase.
    pub shortest_lead_time_months: Option<i32>,
    /// Combined months of stock over the answers that gave it (tenths).
    pub stock_months_tenths: i32,
}

impl Totals {
    /// Over the latest answer of each organisation.
    pub fn over(requests: &[RequestView]) -> Self {
        let mut latest: HashMap<i32, &ResponseView> = HashMap::new();
        let mut asked = std::collections::HashSet::new();
        for r in requests {
            asked.insert(r.organization_id);
            if let Some(answer) = &r.latest {
                let newer = latest
                    .get(&r.organization_id)
                    .is_none_or(|seen| seen.submitted_at <= answer.submitted_at);
                if newer {
                    latest.insert(r.organization_id, answer);
                }
            }
        }
        let mut totals = Self {
            asked: asked.len(),
            answered: latest.len(),
            ..Self::default()
        };
        for a in latest.values() {
            totals.stock_months_tenths += a.stock_months_tenths.unwrap_or(0);
            if a.can_increase == Some(true) {
                totals.can_increase += 1;
                totals.extra_units_per_month += a.extra_units_per_month.unwrap_or(0);
                if let Some(lead) = a.lead_time_months {
                    totals.shortest_lead_time_months = Some(
                        totals
                            .shortest_lead_time_months
                            .map_or(lead, |s| s.min(lead)),
                    );
                }
            }
        }
        totals
    }

    /// Combined months of stock as text.
    pub fn stock_months(&self) -> String {
        months_text(self.stock_months_tenths)
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
    let orgs: HashMap<i32, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(requests.iter().map(|r| r.organization_id)))
        .all(db)
        .await
        .context("Failed to load the asked organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
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
                organization_name: orgs.get(&r.organization_id).cloned().unwrap_or_default(),
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
    ResponseView {
        stock_months: r.stock_months_tenths.map(months_text),
        stock_months_tenths: r.stock_months_tenths,
        production_change_percent: r.production_change_percent,
        can_increase: r.can_increase,
        increase_percent: r.increase_percent,
        lead_time_months: r.lead_time_months,
        extra_units_per_month: r.extra_units_per_month,
        not_possible_label: r.not_possible_reason.map(NotPossibleReason::label_ja),
        not_possible_reason: r.not_possible_reason.map(|n| n.code().to_owned()),
        reason_text: r.reason_text,
        answered_by: r.user_id.and_then(|id| names.get(&id).cloned()),
        submitted_at: r.submitted_at,
    }
}
