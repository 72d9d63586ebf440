//! Reading a plan's caps: who may see what (a wholesaler its own customers only, the ministry
//! everything), the plan with its inputs and versions, and every customer's row — baseline,
//! ratio, quota and cap — with the reserve grants beside them.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::plans;
use crate::db::entity::{
    allocation_computation, allocation_plan, allocation_result, customer, organization, product,
    reserve_request,
};
use crate::db::packed;
use crate::domain::Role;
use crate::domain::allocation::{Fraction, quota};
use crate::services::accounts::UserContext;
use crate::services::{DbContext, ServiceError};

/// Whose caps a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The ministry and administrators: every wholesaler.
    All,
    /// A wholesaler: its own customers only.
    Wholesaler(i32),
}

impl Scope {
    /// The caller's scope; makers and associations read no caps.
    pub fn of(user: &UserContext) -> Result<Self, ServiceError> {
        match user.role {
            Role::Ministry | Role::Admin => Ok(Self::All),
            Role::Wholesaler => Ok(Self::Wholesaler(user.organization.id)),
            _ => Err(ServiceError::Forbidden(
                "上限量を閲覧できるのは厚生労働省と卸売業者の利用者のみです".into(),
            )),
        }
    }

    fn admits(self, wholesaler_id: i32) -> bool {
        match self {
            Self::All => true,
            Self::Wholesaler(own) => own == wholesaler_id,
        }
    }
}

/// One product of a plan.
#[derive(Debug, Clone)]
pub struct PlanProduct {
    /// Its code.
    pub code: String,
    /// 品名.
    pub name: String,
    /// Its maker.
    pub maker_name: Option<String>,
}

/// One wholesaler's part of a computation (without its customers).
#[derive(Debug, Clone)]
pub struct WholesalerPart {
    /// The wholesaler.
    pub wholesaler_id: i32,
    /// Its name.
    pub wholesaler_name: String,
    /// `H_w`.
    pub baseline_total: i64,
    /// `S_w`.
    pub supply: i64,
    /// Its reserve.
    pub reserve: i64,
    /// Customers with a baseline.
    pub customers: i32,
}

/// A plan as a caller may see it, at one version.
#[derive(Debug, Clone)]
pub struct PlanView {
    /// The plan.
    pub plan: allocation_plan::Model,
    /// Its products.
    pub products: Vec<PlanProduct>,
    /// The version shown.
    pub computation: allocation_computation::Model,
    /// Every version, newest first.
    pub versions: Vec<allocation_computation::Model>,
    /// The wholesalers' parts the caller may see.
    pub parts: Vec<WholesalerPart>,
}

impl PlanView {
    /// r = P ÷ B of the version shown.
    pub fn coverage_ratio(&self) -> Fraction {
        ratio(&self.computation)
    }
}

/// r of a computation.
pub fn ratio(computation: &allocation_computation::Model) -> Fraction {
    Fraction::new(
        u128::try_from(computation.planned_total).unwrap_or(0),
        u128::try_from(computation.baseline_total).unwrap_or(0),
    )
}

/// The plan at `version` (the newest when `None`), with the parts `scope` admits.
pub async fn show(
    db: &impl ConnectionTrait,
    scope: Scope,
    plan_id: i32,
    version: Option<i32>,
) -> Result<PlanView, ServiceError> {
    let plan = plans::find(db, plan_id).await?;
    let versions = allocation_computation::Entity::find()
        .filter(allocation_computation::Column::PlanId.eq(plan_id))
        .order_by_desc(allocation_computation::Column::Version)
        .all(db)
        .await
        .context("Failed to read the plan's versions")?;
    let computation = match version {
        None => versions.first().cloned(),
        Some(v) => versions.iter().find(|c| c.version == v).cloned(),
    }
    .ok_or_else(|| {
        ServiceError::NotFound(format!(
            "配分計画 {plan_id} の第{}版はありません",
            version.unwrap_or(1)
        ))
    })?;
    let product_ids = plans::plan_products(db, plan_id).await?;
    let products = product::Entity::find()
        .filter(product::Column::Id.is_in(product_ids))
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to read the plan's products")?
        .into_iter()
        .map(|p| PlanProduct {
            code: p.code,
            name: p.name,
            maker_name: p.maker_name,
        })
        .collect();
    // Every column but the packed caps (a national computation holds a few hundred kilobytes).
    let mut query = allocation_result::Entity::find()
        .select_only()
        .columns([
            allocation_result::Column::WholesalerId,
            allocation_result::Column::BaselineTotal,
            allocation_result::Column::Supply,
            allocation_result::Column::Reserve,
            allocation_result::Column::Customers,
        ])
        .filter(allocation_result::Column::ComputationId.eq(computation.id));
    if let Scope::Wholesaler(own) = scope {
        query = query.filter(allocation_result::Column::WholesalerId.eq(own));
    }
    let results: Vec<(i32, i64, i64, i64, i32)> = query
        .order_by_asc(allocation_result::Column::WholesalerId)
        .into_tuple()
        .all(db)
        .await
        .context("Failed to read the plan's results")?;
    let names = organization_names(db, results.iter().map(|r| r.0)).await?;
    let parts = results
        .into_iter()
        .map(
            |(wholesaler_id, baseline_total, supply, reserve, customers)| WholesalerPart {
                wholesaler_name: names.get(&wholesaler_id).cloned().unwrap_or_default(),
                wholesaler_id,
                baseline_total,
                supply,
                reserve,
                customers,
            },
        )
        .collect();
    Ok(PlanView {
        plan,
        products,
        computation,
        versions,
        parts,
    })
}

/// Organisations' names by id.
pub(super) async fn organization_names(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> Result<HashMap<i32, String>, ServiceError> {
    let ids: Vec<i32> = ids.collect();
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("Failed to read organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

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
    let needle = query
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
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
                !code.to_lowercase().contains(n) && !name.to_lowercase().contains(n)
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
            !grant.customer_code.to_lowercase().contains(n)
                && !grant.customer_name.to_lowercase().contains(n)
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
