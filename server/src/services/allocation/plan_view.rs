//! A stored plan as a caller may see it: who may see what (a wholesaler its own part only, the
//! ministry everything), the plan with its products, the version shown, every version and the
//! wholesalers' figures — without the packed caps, which `caps` reads.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::entity::{
    allocation_computation, allocation_plan, allocation_plan_product, allocation_result,
    organization, product,
};
use crate::domain::Role;
use crate::domain::allocation::Fraction;
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

    /// Whether the caller may read `wholesaler_id`'s part.
    pub fn admits(self, wholesaler_id: i32) -> bool {
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
    let plan = find(db, plan_id).await?;
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
    let product_ids = plan_products(db, plan_id).await?;
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

/// A plan by id, or 404.
pub async fn find(
    db: &impl ConnectionTrait,
    plan_id: i32,
) -> Result<allocation_plan::Model, ServiceError> {
    allocation_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await
        .context("Failed to read the plan")?
        .ok_or_else(|| ServiceError::NotFound(format!("配分計画 {plan_id} はありません")))
}

/// The product ids of a plan.
pub async fn plan_products(
    db: &impl ConnectionTrait,
    plan_id: i32,
) -> Result<Vec<i32>, ServiceError> {
    Ok(allocation_plan_product::Entity::find()
        .filter(allocation_plan_product::Column::PlanId.eq(plan_id))
        .all(db)
        .await
        .context("Failed to read the plan's products")?
        .into_iter()
        .map(|p| p.product_id)
        .collect())
}
