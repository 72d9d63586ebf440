//! The JSON shape of `GET /api/v1/dashboard` (DESIGN §9.1), built from the service's figures.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::services::dashboard::{self, BreakdownRow, Count, Dashboard};

/// A row of a breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakdownBody {
    /// `generic`, `内用薬`, … or `unset`.
    pub key: String,
    /// Japanese label.
    pub label: String,
    /// Drugs in the row.
    pub total: u64,
    /// ⑫ = 1.
    pub normal: u64,
    /// ⑫ = 2–4.
    pub limited: u64,
    /// ⑫ = 5.
    pub stopped: u64,
    /// No report.
    pub unreported: u64,
}

/// An ingredient with many short drugs.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngredientBody {
    /// 成分名.
    pub ingredient: String,
    /// Its drugs in 限定出荷 or 供給停止.
    pub short: u64,
    /// All its drugs.
    pub total: u64,
}

/// （重要）供給確保医薬品.
#[derive(Debug, Serialize, ToSchema)]
pub struct StableSupplyBody {
    /// Drugs whose category is recorded in the product master (0: not registered yet).
    pub registered: u64,
    /// Per category A/B/C: drugs of the category, and those not in normal supply.
    pub categories: BTreeMap<String, StableCategoryBody>,
    /// 重要供給確保医薬品 (A + B) not in normal supply.
    pub important_not_normal: u64,
}

/// One category of （重要）供給確保医薬品.
#[derive(Debug, Serialize, ToSchema)]
pub struct StableCategoryBody {
    /// Drugs of the category.
    pub total: u64,
    /// Of which not in normal supply.
    pub not_normal: u64,
}

/// A knock-on chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnockOnBody {
    /// 原因医薬品 (null: the makers named none).
    pub causing_product_code: Option<String>,
    /// Its 品名.
    pub causing_product_name: Option<String>,
    /// Its ⑫, when reported.
    pub causing_shipping_status: Option<String>,
    /// The drugs in ⑫ = 3 because of it.
    pub items: Vec<KnockOnItem>,
}

/// A drug of a knock-on chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnockOnItem {
    /// YJ code.
    pub code: String,
    /// 品名.
    pub name: String,
    /// Maker.
    pub maker_name: String,
}

/// One published week.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendBody {
    /// The Friday.
    pub week_ending: String,
    /// Listed drugs.
    pub drugs: u32,
    /// ⑫ 2–4.
    pub limited: u32,
    /// ⑫ 5.
    pub stopped: u32,
}

/// A follow-up figure that rests on other workflows; null until they exist.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeamBody {
    /// How many.
    pub count: u64,
    /// Where the list is.
    pub href: String,
}

/// The ministry's dashboard (DESIGN §9.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardResponse {
    /// The day (Japan), `YYYY-MM-DD`.
    pub as_of: String,
    /// Drugs counted (equals the public status total when unfiltered).
    pub drugs_total: u64,
    /// Drugs by ⑫ code `"1"`–`"5"`, and `"unreported"` for drugs without a report.
    pub shipping_status_counts: BTreeMap<String, u64>,
    /// Drugs by ⑯ code, and `"blank"` for no ⑯ (or no report).
    pub volume_status_counts: BTreeMap<String, u64>,
    /// ⑫ 2–4.
    pub limited_total: u64,
    /// ⑫ 2–5.
    pub short_total: u64,
    /// By 製品区分.
    pub by_product_class: Vec<BreakdownBody>,
    /// By 薬剤区分.
    pub by_category: Vec<BreakdownBody>,
    /// Short drugs by reason group: `raw_materials`, `manufacturing`, `quality`, `other`.
    pub reasons: BTreeMap<String, u64>,
    /// Ingredients with the most short drugs.
    pub top_ingredients: Vec<IngredientBody>,
    /// （重要）供給確保医薬品 not in normal supply.
    pub stable_supply: StableSupplyBody,
    /// Knock-on chains.
    pub knock_on: Vec<KnockOnBody>,
    /// Open cases by state.
    pub open_cases_by_state: BTreeMap<String, u64>,
    /// Overdue open cases by state.
    pub overdue_cases_by_state: BTreeMap<String, u64>,
    /// Open cases by product kind: `drug`, `device`, `ivd`.
    pub open_cases_by_kind: BTreeMap<String, u64>,
    /// Substitute makers' answers not yet read (null until substitute requests exist).
    pub substitute_answers_awaiting: Option<SeamBody>,
    /// Allocation plans in force (null until allocation plans exist).
    pub allocation_plans_in_force: Option<SeamBody>,
    /// National weekly counts, oldest first.
    pub trend: Vec<TrendBody>,
}

fn counts(items: &[Count]) -> BTreeMap<String, u64> {
    items.iter().map(|c| (c.key.clone(), c.value)).collect()
}

fn breakdown(rows: &[BreakdownRow]) -> Vec<BreakdownBody> {
    rows.iter()
        .map(|r| BreakdownBody {
            key: r.key.clone(),
            label: r.label.clone(),
            total: r.total.value,
            normal: r.normal.value,
            limited: r.limited.value,
            stopped: r.stopped.value,
            unreported: r.unreported.value,
        })
        .collect()
}

fn seam(tile: Option<&dashboard::SeamTile>) -> Option<SeamBody> {
    tile.map(|t| SeamBody {
        count: t.value,
        href: t.href.clone(),
    })
}

impl From<&Dashboard> for DashboardResponse {
    fn from(d: &Dashboard) -> Self {
        Self {
            as_of: d.as_of.format("%Y-%m-%d").to_string(),
            drugs_total: d.drugs,
            shipping_status_counts: counts(&d.shipping),
            volume_status_counts: counts(&d.volume),
            limited_total: d.limited.value,
            short_total: d.short.value,
            by_product_class: breakdown(&d.by_class),
            by_category: breakdown(&d.by_category),
            reasons: counts(&d.reasons),
            top_ingredients: d
                .ingredients
                .iter()
                .map(|i| IngredientBody {
                    ingredient: i.ingredient.clone(),
                    short: i.short.value,
                    total: i.total,
                })
                .collect(),
            stable_supply: StableSupplyBody {
                registered: d.stable_supply.registered,
                categories: d
                    .stable_supply
                    .categories
                    .iter()
                    .map(|(c, total)| {
                        (
                            c.key.clone(),
                            StableCategoryBody {
                                total: *total,
                                not_normal: c.value,
                            },
                        )
                    })
                    .collect(),
                important_not_normal: d.stable_supply.important_short,
            },
            knock_on: d
                .knock_on
                .iter()
                .map(|k| KnockOnBody {
                    causing_product_code: k.cause_code.clone(),
                    causing_product_name: k.cause_name.clone(),
                    causing_shipping_status: k.cause_status.map(|s| s.code().to_owned()),
                    items: k
                        .items
                        .iter()
                        .map(|(code, name, maker)| KnockOnItem {
                            code: code.clone(),
                            name: name.clone(),
                            maker_name: maker.clone(),
                        })
                        .collect(),
                })
                .collect(),
            open_cases_by_state: d
                .cases
                .by_state
                .iter()
                .map(|r| (r.state.code().to_owned(), r.open))
                .collect(),
            overdue_cases_by_state: d
                .cases
                .by_state
                .iter()
                .map(|r| (r.state.code().to_owned(), r.overdue))
                .collect(),
            open_cases_by_kind: [
                ("drug", d.cases.drug),
                ("device", d.cases.device),
                ("ivd", d.cases.ivd),
            ]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect(),
            substitute_answers_awaiting: seam(d.followups.substitute_answers_awaiting.as_ref()),
            allocation_plans_in_force: seam(d.followups.allocation_plans_in_force.as_ref()),
            trend: d
                .trend
                .iter()
                .map(|p| TrendBody {
                    week_ending: p.week_ending.format("%Y-%m-%d").to_string(),
                    drugs: p.drugs,
                    limited: p.limited,
                    stopped: p.stopped,
                })
                .collect(),
        }
    }
}
