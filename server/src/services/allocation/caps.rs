//! Reading a plan's caps: every customer's row of the version a [`PlanView`] shows — baseline,
//! quota and cap — that the caller's [`Scope`] admits, with the reserve grants beside them.

use crate::domain::search_fold::fold;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::plan_view::{PlanView, Scope};
use crate::db::entity::{allocation_result, customer, reserve_request};
use crate::db::packed;
use crate::domain::allocation::{Fraction, quota};
use crate::services::{DbContext, ServiceError};

/// Where a row's cap comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapSource {
    /// Apportioned from the customer's baseline.
    History,
    /// Granted from the reserve to a customer without history.
    Reserve,
}

/// One customer's row.
#[derive(Debug, Clone)]
pub struct CapRow {
    /// Its wholesaler.
    pub wholesaler_id: i32,
    /// The customer's code.
    pub customer_code: String,
    /// Its name.
    pub customer_name: String,
    /// `h_c`.
    pub baseline: u64,
    /// `S_w`·`h_c` ÷ `H_w`.
    pub quota: Fraction,
    /// The cap (or the reserve granted).
    pub cap: u64,
    /// History or reserve.
    pub source: CapSource,
}

/// A wholesaler's figures the rows derive from.
#[derive(Debug, Clone, Copy)]
pub struct PartFigures {
    /// `H_w`.
    pub baseline_total: u64,
    /// `S_w`.
    pub supply: u64,
}

/// Every row of the computation shown by `view` that `scope` admits, optionally only customers
/// whose code or name contains `query`; customers in code order, reserve grants last.
pub async fn rows(
    db: &impl ConnectionTrait,
    scope: Scope,
    view: &PlanView,
    query: Option<&str>,
) -> Result<Vec<CapRow>, ServiceError> {
    let results = allocation_result::Entity::find()
        .filter(allocation_result::Column::ComputationId.eq(view.computation.id))
        .order_by_asc(allocation_result::Column::WholesalerId)
        .all(db)
        .await
        .context("Failed to read the caps")?;
    // Folded like every search (width, kana, case): 「ｻｸﾗ」 finds 「さくら薬局」.
    let needle = query.map(fold).filter(|q| !q.is_empty());
    let mut rows = Vec::new();
    for result in results
        .into_iter()
        .filter(|r| scope.admits(r.wholesaler_id))
    {
        let caps = packed::caps::unpack(&result.caps)?;
        let names = customers_by_id(db, caps.iter().map(|c| c.customer_id).collect()).await?;
        let figures = PartFigures {
            baseline_total: u64::try_from(result.baseline_total).unwrap_or(0),
            supply: u64::try_from(result.supply).unwrap_or(0),
        };
        let first = rows.len();
        for cap in caps {
            let (code, name) = names.get(&cap.customer_id).cloned().unwrap_or_default();
            if needle.as_ref().is_some_and(|n| {
                !fold(&code).contains(n.as_str()) && !fold(&name).contains(n.as_str())
            }) {
                continue;
            }
            rows.push(CapRow {
                wholesaler_id: result.wholesaler_id,
                quota: quota(
                    u128::from(figures.supply),
                    cap.baseline,
                    figures.baseline_total,
                ),
                customer_code: code,
                customer_name: name,
                baseline: cap.baseline,
                cap: cap.cap,
                source: CapSource::History,
            });
        }
        // Stored in customer id order; shown in code order.
        rows[first..]
            .sort_unstable_by(|a, b| a.customer_code.as_bytes().cmp(b.customer_code.as_bytes()));
    }
    for grant in grant_rows(db, scope, view.plan.id).await? {
        if needle.as_ref().is_some_and(|n| {
            !fold(&grant.customer_code).contains(n.as_str())
                && !fold(&grant.customer_name).contains(n.as_str())
        }) {
            continue;
        }
        rows.push(grant);
    }
    Ok(rows)
}

/// The rows of a plan's granted reserve requests that `scope` admits: baseline 0, the grant as
/// the cap.
pub async fn grant_rows(
    db: &impl ConnectionTrait,
    scope: Scope,
    plan_id: i32,
) -> Result<Vec<CapRow>, ServiceError> {
    let mut query = reserve_request::Entity::find()
        .filter(reserve_request::Column::PlanId.eq(plan_id))
        .filter(reserve_request::Column::Granted.gt(0));
    if let Scope::Wholesaler(own) = scope {
        query = query.filter(reserve_request::Column::WholesalerId.eq(own));
    }
    let granted = query
        .order_by_asc(reserve_request::Column::WholesalerId)
        .order_by_asc(reserve_request::Column::Id)
        .all(db)
        .await
        .context("Failed to read reserve grants")?;
    let names = customers_by_id(db, granted.iter().map(|g| g.customer_id).collect()).await?;
    Ok(granted
        .into_iter()
        .map(|g| {
            let (customer_code, customer_name) =
                names.get(&g.customer_id).cloned().unwrap_or_default();
            CapRow {
                wholesaler_id: g.wholesaler_id,
                customer_code,
                customer_name,
                baseline: 0,
                quota: Fraction::new(0, 1),
                cap: u64::try_from(g.granted.unwrap_or(0)).unwrap_or(0),
                source: CapSource::Reserve,
            }
        })
        .collect())
}

/// Customers' (code, name) by id, read in chunks.
pub async fn customers_by_id(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> Result<HashMap<i32, (String, String)>, ServiceError> {
    let mut names = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(5000) {
        let found = customer::Entity::find()
            .filter(customer::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to read customers")?;
        names.extend(found.into_iter().map(|c| (c.id, (c.code, c.name))));
    }
    Ok(names)
}
