//! A new plan checked before anything is stored: its name, months and reserve, its products
//! against the master, and the makers' shipments that P and B are made of — every problem
//! reported at once.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::shipments::{self, MonthTotals};
use super::values::{month_text, parse_month, year_before};
use crate::db::entity::product;
use crate::domain::allocation::{PlanTotals, ReservePercent};
use crate::domain::product::ProductCode;
use crate::services::{DbContext, FieldProblem, ServiceError};

/// What the ministry asks for.
#[derive(Debug, Clone, Default)]
pub struct NewPlan {
    /// A name, e.g. 「カルボシステイン錠 2025年6月」.
    pub name: String,
    /// An explicit list of products (e.g. 鎮咳薬 of several groups).
    pub product_codes: Vec<String>,
    /// Or a same-spec group: the first 9 characters of a YJ code.
    pub group_code: Option<String>,
    /// `YYYY-MM`.
    pub target_month: String,
    /// `YYYY-MM`; the same month a year earlier when blank.
    pub baseline_month: Option<String>,
    /// 0–100; 0 when absent.
    pub reserve_percent: Option<i64>,
    /// The active plan this one replaces (same month, shared products); without it an
    /// overlapping plan is refused.
    pub supersedes: Option<i32>,
}

/// A plan checked against the master.
pub(super) struct CheckedPlan {
    pub name: String,
    pub group_code: Option<String>,
    /// Ordered by code.
    pub products: Vec<product::Model>,
    pub product_ids: Vec<i32>,
    pub target_month: i32,
    pub baseline_month: i32,
    pub reserve: ReservePercent,
    pub supersedes: Option<i32>,
}

/// Checks what the ministry asks for: every problem at once, or the plan with its products.
pub(super) async fn check(
    db: &impl ConnectionTrait,
    new: NewPlan,
) -> Result<CheckedPlan, ServiceError> {
    let mut problems = Vec::new();
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldProblem::new(
            "name",
            "required",
            "計画名を 200 文字以内で入力してください",
        ));
    }
    let target_month = parse_month(&new.target_month)
        .map_err(|m| problems.push(FieldProblem::new("target_month", "month", m)))
        .ok();
    let baseline_month = match new.baseline_month.as_deref().map(str::trim) {
        None | Some("") => target_month.map(year_before),
        Some(text) => parse_month(text)
            .map_err(|m| problems.push(FieldProblem::new("baseline_month", "month", m)))
            .ok(),
    };
    let reserve = ReservePercent::new(new.reserve_percent.unwrap_or(0))
        .map_err(|e| problems.push(FieldProblem::from_field_error("reserve_percent", &e)))
        .ok();
    let group_code = new
        .group_code
        .map(|g| crate::domain::validation::normalize_width(&g))
        .filter(|g| !g.is_empty());
    let products =
        products_of(db, &new.product_codes, group_code.as_deref(), &mut problems).await?;
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let (Some(target_month), Some(baseline_month), Some(reserve)) =
        (target_month, baseline_month, reserve)
    else {
        return Err(ServiceError::Internal("plan check lost a problem".into()));
    };
    Ok(CheckedPlan {
        name,
        group_code,
        product_ids: products.iter().map(|p| p.id).collect(),
        products,
        target_month,
        baseline_month,
        reserve,
        supersedes: new.supersedes,
    })
}

/// The products named by the list or the group, by code, each once; unknown codes are problems.
async fn products_of(
    db: &impl ConnectionTrait,
    codes: &[String],
    group_code: Option<&str>,
    problems: &mut Vec<FieldProblem>,
) -> Result<Vec<product::Model>, ServiceError> {
    let mut products = Vec::new();
    if let Some(group) = group_code {
        let found = product::Entity::find()
            .filter(product::Column::GroupCode.eq(group))
            .order_by_asc(product::Column::Code)
            .all(db)
            .await
            .context("Failed to read the group")?;
        if found.is_empty() {
            problems.push(FieldProblem::new(
                "group_code",
                "unknown_group",
                format!("同一規格グループ「{group}」（YJコード先頭9桁）の製品がありません"),
            ));
        }
        products.extend(found);
    }
    let mut parsed = Vec::new();
    for code in codes {
        match ProductCode::parse(code) {
            Ok(c) => parsed.push(c.as_str().to_owned()),
            Err(e) => problems.push(FieldProblem::from_field_error("product_codes", &e)),
        }
    }
    if !parsed.is_empty() {
        let found: HashMap<String, product::Model> = product::Entity::find()
            .filter(product::Column::Code.is_in(parsed.clone()))
            .all(db)
            .await
            .context("Failed to read the products")?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect();
        for code in &parsed {
            match found.get(code) {
                Some(product) => products.push(product.clone()),
                None => problems.push(FieldProblem::new(
                    "product_codes",
                    "unknown_product",
                    format!("製品コード「{code}」は製品マスタにありません"),
                )),
            }
        }
    }
    if group_code.is_none() && codes.is_empty() {
        problems.push(FieldProblem::new(
            "product_codes",
            "required",
            "対象製品（product_codes）か同一規格グループ（group_code）を指定してください",
        ));
    }
    products.sort_by(|a, b| a.code.cmp(&b.code));
    products.dedup_by_key(|p| p.id);
    Ok(products)
}

/// P and B of the group; refuses a plan the arithmetic cannot serve.
pub(super) async fn totals_of(
    db: &impl ConnectionTrait,
    product_ids: &[i32],
    target_month: i32,
    baseline_month: i32,
    reserve: ReservePercent,
) -> Result<PlanTotals, ServiceError> {
    let [target, baseline]: [MonthTotals; 2] =
        shipments::month_totals(db, product_ids, [target_month, baseline_month]).await?;
    let mut problems = Vec::new();
    if target.products_with_data == 0 {
        problems.push(FieldProblem::new(
            "target_month",
            "no_planned_shipments",
            format!(
                "対象月 {} の出荷予定・出荷実績が対象製品のどれにも登録されていません。製造販売業者に出荷予定の登録を依頼してください",
                month_text(target_month)
            ),
        ));
    }
    if baseline.actual == 0 {
        problems.push(FieldProblem::new(
            "baseline_month",
            "no_baseline_shipments",
            format!(
                "基準月 {} の出荷実績が対象製品の合計で 0 のため、カバー率（予定 ÷ 基準月実績）を計算できません。基準月を変えるか、出荷実績の登録を依頼してください",
                month_text(baseline_month)
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    PlanTotals::new(target.planned_else_actual, baseline.actual, reserve).map_err(|e| {
        ServiceError::invalid(FieldProblem::new(
            "baseline_month",
            "no_baseline_shipments",
            e.to_string(),
        ))
    })
}
