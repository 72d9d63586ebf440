//! Totals over a case's answers (the latest answer of each asked organisation): only what adds
//! up is summed — extra packages per month and the makers that can increase; months of stock are
//! never summed (two makers with 1.5 months each do not make 3 months) but shown per maker with
//! their minimum and median. Wholesalers' packages in stock and shipped last month add up across
//! wholesalers (each counts its own warehouses), so they are summed.

use std::collections::{HashMap, HashSet};

use super::{RequestView, ResponseView};
use crate::domain::substitute_answer::months_text;

/// One maker's months of stock, as its latest answer gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakerStock {
    /// The organisation.
    pub organization_id: i32,
    /// Its name.
    pub organization_name: String,
    /// Months in tenths.
    pub tenths: i32,
}

impl MakerStock {
    /// Months as text (`1.5`).
    pub fn months(&self) -> String {
        months_text(self.tenths)
    }
}

/// Totals over the answers of a case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Organisations asked.
    pub asked: usize,
    /// Organisations that answered.
    pub answered: usize,
    /// Makers that can increase production.
    pub can_increase: usize,
    /// Combined extra packages per month (these add up).
    pub extra_units_per_month: i64,
    /// Shortest lead time (tenths of a month) among those that can increase.
    pub shortest_lead_time_tenths: Option<i32>,
    /// Months of stock of each maker that gave them, in the order of the requests.
    pub stock_by_maker: Vec<MakerStock>,
    /// Associations that relayed the request to their members.
    pub associations_relayed: usize,
    /// Wholesalers that reported their stock.
    pub wholesalers_reported: usize,
    /// Their packages in stock, combined.
    pub wholesaler_stock_units: i64,
    /// Their packages shipped in the last month, combined.
    pub wholesaler_shipped_last_month: i64,
    /// Wholesalers that limit orders (出荷調整).
    pub wholesalers_limiting: usize,
}

impl Totals {
    /// Over the latest answer of each organisation.
    pub fn over(requests: &[RequestView]) -> Self {
        let mut latest: HashMap<i32, (&RequestView, &ResponseView)> = HashMap::new();
        let mut asked = HashSet::new();
        let mut order = Vec::new();
        for r in requests {
            if asked.insert(r.organization_id) {
                order.push(r.organization_id);
            }
            if let Some(answer) = &r.latest {
                let newer = latest
                    .get(&r.organization_id)
                    .is_none_or(|(_, seen)| seen.submitted_at <= answer.submitted_at);
                if newer {
                    latest.insert(r.organization_id, (r, answer));
                }
            }
        }
        let mut totals = Self {
            asked: asked.len(),
            answered: latest.len(),
            ..Self::default()
        };
        for org in order {
            let Some((request, a)) = latest.get(&org) else {
                continue;
            };
            if a.relay.as_ref().is_some_and(|r| r.relayed_to_members) {
                totals.associations_relayed += 1;
            }
            if let Some(stock) = &a.stock {
                totals.wholesalers_reported += 1;
                totals.wholesaler_stock_units += stock.stock_units;
                totals.wholesaler_shipped_last_month += stock.shipped_last_month;
                totals.wholesalers_limiting += usize::from(stock.shipment_limited);
            }
            if let Some(tenths) = a.stock_months_tenths {
                totals.stock_by_maker.push(MakerStock {
                    organization_id: org,
                    organization_name: request.organization_name.clone(),
                    tenths,
                });
            }
            if a.can_increase == Some(true) {
                totals.can_increase += 1;
                totals.extra_units_per_month += a.extra_units_per_month.unwrap_or(0);
                if let Some(lead) = a.lead_time_tenths {
                    totals.shortest_lead_time_tenths = Some(
                        totals
                            .shortest_lead_time_tenths
                            .map_or(lead, |s| s.min(lead)),
                    );
                }
            }
        }
        totals
    }

    /// The shortest lead time as text (`1.5`).
    pub fn shortest_lead_time(&self) -> Option<String> {
        self.shortest_lead_time_tenths.map(months_text)
    }

    /// The fewest months of stock among the makers that gave them.
    pub fn stock_months_min(&self) -> Option<String> {
        self.stock_by_maker
            .iter()
            .map(|m| m.tenths)
            .min()
            .map(months_text)
    }

    /// The median months of stock among the makers that gave them (between two middle values,
    /// their mean: 1.0 and 2.5 give `1.75`).
    pub fn stock_months_median(&self) -> Option<String> {
        let mut tenths: Vec<i32> = self.stock_by_maker.iter().map(|m| m.tenths).collect();
        median_text(&mut tenths)
    }
}

/// The median of months given in tenths, as text with the decimals it needs.
fn median_text(tenths: &mut [i32]) -> Option<String> {
    if tenths.is_empty() {
        return None;
    }
    tenths.sort_unstable();
    let mid = tenths.len() / 2;
    if tenths.len() % 2 == 1 {
        return tenths.get(mid).copied().map(months_text);
    }
    let hundredths = (tenths.get(mid - 1)? + tenths.get(mid)?) * 5;
    Some(if hundredths % 10 == 0 {
        months_text(hundredths / 10)
    } else {
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    })
}

#[cfg(test)]
mod tests {
    use super::median_text;

    #[test]
    fn the_median_of_months_takes_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median_text(&mut []), None);
        assert_eq!(median_text(&mut [25]), Some("2.5".into()));
        assert_eq!(median_text(&mut [30, 5, 15]), Some("1.5".into()));
        assert_eq!(median_text(&mut [25, 10]), Some("1.75".into()));
        assert_eq!(median_text(&mut [10, 30]), Some("2.0".into()));
        assert_eq!(median_text(&mut [10, 11, 40, 2]), Some("1.05".into()));
    }
}
