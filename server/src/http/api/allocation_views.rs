//! The JSON and XLSX shapes of allocation plans and caps, built from the service's views.

use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::services::ServiceError;
use crate::services::allocation::export::{QUOTA_PLACES, RATIO_PLACES};
use crate::services::allocation::values::month_text;
use crate::services::allocation::{CapRow, CapSource, PlanView, Scope};

/// One version of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionItem {
    /// 1, 2, …
    pub version: i32,
    /// When it was computed (RFC 3339).
    pub computed_at: String,
}

/// One wholesaler's figures in a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct WholesalerFigures {
    /// The wholesaler.
    pub wholesaler_id: i32,
    /// Its name.
    pub wholesaler_name: String,
    /// `H_w`: its customers' purchases of the group in the baseline month.
    pub baseline_total: i64,
    /// `S_w` = ⌊P × `H_w` × (100 − reserve%) ÷ (B × 100)⌋.
    pub supply: i64,
    /// Units held back for customers without history: ⌊P × `H_w` ÷ B⌋ − `S_w`.
    pub reserve: i64,
    /// Customers with a baseline.
    pub customers: i32,
}

/// A plan at one version.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// The same-spec group, when made from one.
    pub group_code: Option<String>,
    /// The products.
    pub product_codes: Vec<String>,
    /// `YYYY-MM`.
    pub target_month: String,
    /// `YYYY-MM`.
    pub baseline_month: String,
    /// 0–100.
    pub reserve_percent: i32,
    /// The version shown.
    pub version: i32,
    /// When it was computed (RFC 3339).
    pub computed_at: String,
    /// P: planned (else actual) shipments of the target month.
    pub planned_total: i64,
    /// B: actual shipments of the baseline month.
    pub baseline_total: i64,
    /// r = P ÷ B (for display; the caps use P and B exactly).
    pub coverage_ratio: f64,
    /// r cut to 4 decimals, as in the downloads.
    pub coverage_ratio_text: String,
    /// Every version, newest first.
    pub versions: Vec<VersionItem>,
    /// The wholesalers the caller may see.
    pub wholesalers: Vec<WholesalerFigures>,
    /// The plan that replaced this one; its caps are then no longer in force.
    pub superseded_by: Option<i32>,
    /// When it was replaced (RFC 3339).
    pub superseded_at: Option<String>,
    /// What a reader must know, in Japanese (e.g. that the plan was replaced).
    pub notice: Option<String>,
}

/// One customer's cap.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapItem {
    /// The wholesaler.
    pub wholesaler_id: i32,
    /// The customer's code.
    pub customer_code: String,
    /// Its name.
    pub customer_name: String,
    /// `h_c`.
    pub baseline_quantity: u64,
    /// r, cut to 4 decimals.
    pub coverage_ratio: String,
    /// `S_w` × `h_c` ÷ `H_w`, cut to 3 decimals.
    pub quota: String,
    /// The cap in sales packages.
    pub cap: u64,
    /// `history` (apportioned) or `reserve` (granted to a customer without history).
    pub source: String,
}

/// A plan's caps.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapsResponse {
    /// The plan.
    pub plan_id: i32,
    /// The version.
    pub version: i32,
    /// P.
    pub planned_total: i64,
    /// B.
    pub baseline_total: i64,
    /// The wholesalers' figures the caller may see.
    pub wholesalers: Vec<WholesalerFigures>,
    /// Customers in code order per wholesaler; reserve grants last.
    pub items: Vec<CapItem>,
    /// How many.
    pub total: usize,
    /// The plan that replaced this one; these caps are then no longer in force.
    pub superseded_by: Option<i32>,
    /// What a reader must know, in Japanese.
    pub notice: Option<String>,
}

fn figures(view: &PlanView) -> Vec<WholesalerFigures> {
    view.parts
        .iter()
        .map(|p| WholesalerFigures {
            wholesaler_id: p.wholesaler_id,
            wholesaler_name: p.wholesaler_name.clone(),
            baseline_total: p.baseline_total,
            supply: p.supply,
            reserve: p.reserve,
            customers: p.customers,
        })
        .collect()
}

/// The plan's JSON.
pub fn plan_response(view: &PlanView) -> PlanResponse {
    let ratio = view.coverage_ratio();
    PlanResponse {
        id: view.plan.id,
        name: view.plan.name.clone(),
        group_code: view.plan.group_code.clone(),
        product_codes: view.products.iter().map(|p| p.code.clone()).collect(),
        target_month: month_text(view.plan.target_month),
        baseline_month: month_text(view.plan.baseline_month),
        reserve_percent: view.plan.reserve_percent,
        version: view.computation.version,
        computed_at: view.computation.computed_at.to_rfc3339(),
        planned_total: view.computation.planned_total,
        baseline_total: view.computation.baseline_total,
        coverage_ratio: ratio.approximate(),
        coverage_ratio_text: ratio.to_decimal(RATIO_PLACES),
        versions: view
            .versions
            .iter()
            .map(|c| VersionItem {
                version: c.version,
                computed_at: c.computed_at.to_rfc3339(),
            })
            .collect(),
        wholesalers: figures(view),
        superseded_by: view.plan.superseded_by,
        superseded_at: view.plan.superseded_at.map(|at| at.to_rfc3339()),
        notice: superseded_notice(view),
    }
}

/// 「この計画は計画 #N に置き換えられました…」 for a replaced plan.
pub fn superseded_notice(view: &PlanView) -> Option<String> {
    view.plan.superseded_by.map(|by| {
        format!("この計画は計画 #{by} に置き換えられました。この上限量は現在は有効ではありません（計画 #{by} を参照してください）")
    })
}

/// The caps' JSON.
pub fn caps_response(view: &PlanView, rows: &[CapRow], _scope: Scope) -> CapsResponse {
    let ratio = view.coverage_ratio().to_decimal(RATIO_PLACES);
    CapsResponse {
        plan_id: view.plan.id,
        version: view.computation.version,
        planned_total: view.computation.planned_total,
        baseline_total: view.computation.baseline_total,
        wholesalers: figures(view),
        total: rows.len(),
        superseded_by: view.plan.superseded_by,
        notice: superseded_notice(view),
        items: rows
            .iter()
            .map(|r| CapItem {
                wholesaler_id: r.wholesaler_id,
                customer_code: r.customer_code.clone(),
                customer_name: r.customer_name.clone(),
                baseline_quantity: r.baseline,
                coverage_ratio: ratio.clone(),
                quota: r.quota.to_decimal(QUOTA_PLACES),
                cap: r.cap,
                source: match r.source {
                    CapSource::History => "history",
                    CapSource::Reserve => "reserve",
                }
                .to_owned(),
            })
            .collect(),
    }
}

/// The caps as an Excel workbook with the plan's figures on top.
pub fn caps_xlsx(view: &PlanView, rows: &[CapRow]) -> Result<Vec<u8>, AppError> {
    use supplywatch_reports::caps_sheet::{CapsSheetPlan, CapsSheetRow, MAX_ROWS, write_xlsx};
    if rows.len() > MAX_ROWS {
        return Err(ServiceError::invalid(crate::services::FieldProblem::new(
            "format",
            "too_many_rows",
            format!(
                "{} 行は Excel の上限を超えます。CSV でダウンロードしてください",
                rows.len()
            ),
        ))
        .into());
    }
    let several = view.parts.len() > 1;
    let names: std::collections::HashMap<i32, &str> = view
        .parts
        .iter()
        .map(|p| (p.wholesaler_id, p.wholesaler_name.as_str()))
        .collect();
    let to_u64 = |v: i64| u64::try_from(v).unwrap_or(0);
    let plan = CapsSheetPlan {
        name: match view.plan.superseded_by {
            Some(by) => format!("{}【計画 #{by} に置き換え済み・無効】", view.plan.name),
            None => view.plan.name.clone(),
        },
        products: view
            .products
            .iter()
            .map(|p| format!("{} {}", p.code, p.name))
            .collect(),
        target_month: month_text(view.plan.target_month),
        baseline_month: month_text(view.plan.baseline_month),
        version: format!(
            "第{}版（{} 計算）",
            view.computation.version,
            crate::domain::dates::iso_and_era(
                view.computation
                    .computed_at
                    .with_timezone(&chrono_tz::Asia::Tokyo)
                    .date_naive()
            )
        ),
        planned_total: to_u64(view.computation.planned_total),
        baseline_total: to_u64(view.computation.baseline_total),
        coverage_ratio: view.coverage_ratio().to_decimal(RATIO_PLACES),
        reserve_percent: u8::try_from(view.plan.reserve_percent).unwrap_or(0),
        wholesalers: view
            .parts
            .iter()
            .map(|p| {
                (
                    p.wholesaler_name.clone(),
                    to_u64(p.baseline_total),
                    to_u64(p.supply),
                    to_u64(p.reserve),
                )
            })
            .collect(),
    };
    let sheet_rows: Vec<CapsSheetRow> = rows
        .iter()
        .map(|r| CapsSheetRow {
            wholesaler: several.then(|| {
                names
                    .get(&r.wholesaler_id)
                    .copied()
                    .unwrap_or_default()
                    .to_owned()
            }),
            customer_code: r.customer_code.clone(),
            customer_name: r.customer_name.clone(),
            baseline: r.baseline,
            quota: r.quota.to_decimal(QUOTA_PLACES),
            cap: r.cap,
            from_reserve: r.source == CapSource::Reserve,
        })
        .collect();
    write_xlsx(&plan, &sheet_rows).map_err(|e| ServiceError::Internal(e.to_string()).into())
}
