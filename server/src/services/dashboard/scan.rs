//! The dashboard's queries: one grouped scan of drugs × current status for every count, one for
//! the ingredients, one for the knock-on chains, and the open cases. Each returns a few rows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, JoinType, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult};

use super::slice::{CATEGORIES, CLASSES, Filter, Pick, ReasonGroup, Slice};
use super::{
    BreakdownRow, CaseStateRow, CaseTiles, Count, Dashboard, IngredientRow, KnockOnChain,
    StableSupply, followups, today, trend,
};
use crate::db::entity::{case, product, product_status};
use crate::domain::case_flow::{self, CaseState};
use crate::domain::supply_status::{Reason, ShippingStatus, VolumeStatus};
use crate::domain::{DrugCategory, ProductClass};
use crate::services::{DbContext, ServiceError};

/// Drugs of one status group.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    total: u64,
    normal: u64,
    limited: u64,
    stopped: u64,
    unreported: u64,
}

impl Tally {
    fn add(&mut self, shipping: Option<ShippingStatus>, n: u64) {
        self.total += n;
        match shipping {
            None => self.unreported += n,
            Some(ShippingStatus::Normal) => self.normal += n,
            Some(ShippingStatus::Stopped) => self.stopped += n,
            Some(_) => self.limited += n,
        }
    }
}

/// Computes the whole dashboard for `filter`.
pub(super) async fn compute(
    db: &impl ConnectionTrait,
    filter: &Filter,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<Dashboard, ServiceError> {
    let cube = cube(db, filter).await?;
    let drugs: u64 = cube.iter().map(|r| r.n).sum();
    let link = |pick: Option<Pick>, f: &Filter| Slice { filter: f.clone(), pick }.href();
    let count = |key: &str, label: &str, value: u64, of: u64, pick: Option<Pick>, tone| Count {
        key: key.to_owned(),
        label: label.to_owned(),
        value,
        share: share(value, of),
        href: link(pick, filter),
        tone,
    };
    let mut shipping = [0_u64; 5];
    let mut unreported = 0;
    let mut volume = [0_u64; 5];
    let mut volume_blank = 0;
    let mut reasons = [0_u64; 4];
    let mut by_class: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut by_category: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut stable: BTreeMap<char, (u64, u64)> = BTreeMap::new();
    for row in &cube {
        match row.shipping {
            Some(s) => shipping[index_of(ShippingStatus::ALL, s)] += row.n,
            None => unreported += row.n,
        }
        match row.volume {
            Some(v) => volume[index_of(VolumeStatus::ALL, v)] += row.n,
            None => volume_blank += row.n,
        }
        let short = row.shipping.is_some_and(ShippingStatus::is_short);
        if short {
            let group = ReasonGroup::of(row.reason);
            reasons[ReasonGroup::ALL.iter().position(|g| *g == group).unwrap_or(3)] += row.n;
        }
        by_class
            .entry(class_index(row.class))
            .or_default()
            .add(row.shipping, row.n);
        by_category
            .entry(category_index(row.category))
            .or_default()
            .add(row.shipping, row.n);
        if let Some(cat) = row.stable {
            let entry = stable.entry(cat).or_default();
            entry.0 += row.n;
            if short {
                entry.1 += row.n;
            }
        }
    }
    let tone = |s: ShippingStatus| s.css_class();
    let mut shipping_counts: Vec<Count> = ShippingStatus::ALL
        .iter()
        .zip(shipping)
        .map(|(s, n)| {
            count(s.code(), s.label_ja(), n, drugs, Some(Pick::Shipping(*s)), tone(*s))
        })
        .collect();
    shipping_counts.push(count("unreported", "未報告", unreported, drugs, Some(Pick::Unreported), "none"));
    let limited_n: u64 = shipping[1..4].iter().sum();
    let short_n = limited_n + shipping[4];
    let mut volume_counts: Vec<Count> = VolumeStatus::ALL
        .iter()
        .zip(volume)
        .map(|(v, n)| count(v.code(), v.short_ja(), n, drugs, Some(Pick::Volume(*v)), "neutral"))
        .collect();
    volume_counts.push(count("blank", "空欄・未報告", volume_blank, drugs, None, "none"));
    let reason_counts = ReasonGroup::ALL
        .iter()
        .zip(reasons)
        .map(|(g, n)| count(g.as_str(), g.label_ja(), n, short_n, Some(Pick::Reason(*g)), "neutral"))
        .collect();
    let stable_supply = StableSupply {
        registered: stable.values().map(|(total, _)| total).sum(),
        categories: ['A', 'B', 'C']
            .into_iter()
            .map(|c| {
                let (total, short) = stable.get(&c).copied().unwrap_or_default();
                let label = format!("{c}");
                (count(&label, &label, short, total, Some(Pick::StableSupply(c)), "limited"), total)
            })
            .collect(),
        important_short: ['A', 'B']
            .iter()
            .map(|c| stable.get(c).map_or(0, |(_, s)| *s))
            .sum(),
    };
    Ok(Dashboard {
        as_of: today(now),
        filter: filter.clone(),
        drugs,
        limited: count("limited", "限定出荷", limited_n, drugs, Some(Pick::Limited), "limited"),
        short: count("short", "限定出荷・供給停止", short_n, drugs, Some(Pick::Short), "stopped"),
        shipping: shipping_counts,
        volume: volume_counts,
        by_class: by_class
            .into_iter()
            .map(|(i, t)| {
                let class = CLASSES.get(i).copied();
                let f = Filter { product_class: class, ..filter.clone() };
                let (key, label) = class.map_or(("unset", "未設定"), |c| (c.as_str(), c.label_ja()));
                breakdown(key, label, t, &f)
            })
            .collect(),
        by_category: by_category
            .into_iter()
            .map(|(i, t)| {
                let category = CATEGORIES.get(i).copied();
                let f = Filter { category, ..filter.clone() };
                let label = category.map_or("未設定", DrugCategory::label_ja);
                breakdown(label, label, t, &f)
            })
            .collect(),
        reasons: reason_counts,
        ingredients: ingredients(db, filter).await?,
        stable_supply,
        knock_on: knock_on(db, filter).await?,
        cases: cases(db, filter, overdue_days, now).await?,
        followups: followups::dashboard(db, filter).await?,
        trend: trend::points(db).await?,
        makers: crate::services::accounts::organizations_of_kind(
            db,
            crate::domain::OrganizationKind::Manufacturer,
        )
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect(),
    })
}

fn class_index(class: Option<ProductClass>) -> usize {
    class.and_then(|c| CLASSES.iter().position(|x| *x == c)).unwrap_or(CLASSES.len())
}

fn category_index(category: Option<DrugCategory>) -> usize {
    category
        .and_then(|c| CATEGORIES.iter().position(|x| *x == c))
        .unwrap_or(CATEGORIES.len())
}

fn index_of<T: PartialEq>(all: &[T], value: T) -> usize {
    all.iter().position(|x| *x == value).unwrap_or(0)
}

/// `value` ÷ `of` in percent (0 when `of` is 0).
pub(super) fn share(value: u64, of: u64) -> f64 {
    if of == 0 {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "counts of products fit an f64 exactly")]
    let share = value as f64 * 100.0 / of as f64;
    share
}

fn breakdown(key: &str, label: &str, t: Tally, filter: &Filter) -> BreakdownRow {
    let count = |k: &str, l: &str, value: u64, pick: Option<Pick>, tone| Count {
        key: k.to_owned(),
        label: l.to_owned(),
        value,
        share: share(value, t.total),
        href: Slice { filter: filter.clone(), pick }.href(),
        tone,
    };
    BreakdownRow {
        key: key.to_owned(),
        label: label.to_owned(),
        total: count("total", label, t.total, None, "neutral"),
        normal: count("1", "通常出荷", t.normal, Some(Pick::Shipping(ShippingStatus::Normal)), "normal"),
        limited: count("limited", "限定出荷", t.limited, Some(Pick::Limited), "limited"),
        stopped: count("5", "供給停止", t.stopped, Some(Pick::Shipping(ShippingStatus::Stopped)), "stopped"),
        unreported: count("unreported", "未報告", t.unreported, Some(Pick::Unreported), "none"),
    }
}

/// One group of the scan.
struct CubeRow {
    category: Option<DrugCategory>,
    class: Option<ProductClass>,
    stable: Option<char>,
    shipping: Option<ShippingStatus>,
    volume: Option<VolumeStatus>,
    reason: Option<Reason>,
    n: u64,
}

/// Drugs joined with their current status (none for unreported drugs), filtered.
fn drugs_with_status(filter: &Filter) -> SelectStatement {
    Query::select()
        .from(product::Entity)
        .join(
            JoinType::LeftJoin,
            product_status::Entity,
            Expr::col((product_status::Entity, product_status::Column::ProductId))
                .equals((product::Entity, product::Column::Id)),
        )
        .cond_where(filter.condition())
        .to_owned()
}

async fn rows(
    db: &impl ConnectionTrait,
    statement: &SelectStatement,
    context: &'static str,
) -> Result<Vec<QueryResult>, ServiceError> {
    let built = db.get_database_backend().build(statement);
    db.query_all(built).await.context(context)
}

fn text(row: &QueryResult, index: usize) -> Option<String> {
    row.try_get_by_index::<Option<String>>(index).ok().flatten()
}

fn number(row: &QueryResult, index: usize) -> u64 {
    row.try_get_by_index::<Option<i64>>(index)
        .ok()
        .flatten()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}

async fn cube(db: &impl ConnectionTrait, filter: &Filter) -> Result<Vec<CubeRow>, ServiceError> {
    let p = |c: product::Column| (product::Entity, c);
    let s = |c: product_status::Column| (product_status::Entity, c);
    let columns = [
        Expr::col(p(product::Column::Category)),
        Expr::col(p(product::Column::ProductClass)),
        Expr::col(p(product::Column::StableSupplyCategory)),
        Expr::col(s(product_status::Column::ShippingStatus)),
        Expr::col(s(product_status::Column::VolumeStatus)),
        Expr::col(s(product_status::Column::Reason)),
    ];
    let mut statement = drugs_with_status(filter);
    for column in columns.clone() {
        statement.expr(column.clone());
        statement.add_group_by([column.into()]);
    }
    statement.expr(Expr::cust("COUNT(*)"));
    let found = rows(db, &statement, "Failed to count the drugs by status").await?;
    Ok(found
        .iter()
        .map(|row| CubeRow {
            category: text(row, 0).and_then(|c| DrugCategory::parse(&c).ok()),
            class: text(row, 1).and_then(|c| ProductClass::parse(&c)),
            stable: text(row, 2).and_then(|c| c.trim().chars().next()),
            shipping: text(row, 3).and_then(|c| ShippingStatus::parse(&c).ok()),
            volume: text(row, 4).and_then(|c| VolumeStatus::parse(&c).ok()),
            reason: text(row, 5).and_then(|c| Reason::parse(&c).ok()),
            n: number(row, 6),
        })
        .collect())
}

/// `"product_statuses"."shipping_status" IN ('2','3','4','5')` as SQL both backends read.
const SHORT_SQL: &str = "\"product_statuses\".\"shipping_status\" IN ('2', '3', '4', '5')";

async fn ingredients(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<IngredientRow>, ServiceError> {
    let short_sum = format!("SUM(CASE WHEN {SHORT_SQL} THEN 1 ELSE 0 END)");
    let ingredient = Expr::col((product::Entity, product::Column::Ingredient));
    let statement = drugs_with_status(filter)
        .expr(ingredient.clone())
        .expr(Expr::cust(short_sum.clone()))
        .expr(Expr::cust("COUNT(*)"))
        .add_group_by([ingredient.clone().into()])
        .and_having(Expr::cust(format!("{short_sum} > 0")))
        .order_by_expr(Expr::cust(short_sum).into(), Order::Desc)
        .order_by_expr(ingredient.into(), Order::Asc)
        .limit(10)
        .to_owned();
    let found = rows(db, &statement, "Failed to count the ingredients").await?;
    Ok(found
        .iter()
        .filter_map(|row| {
            let name = text(row, 0)?;
            let short = number(row, 1);
            let f = Filter {
                ingredient: Some(name.clone()),
                ..filter.clone()
            };
            Some(IngredientRow {
                short: Count {
                    key: name.clone(),
                    label: name.clone(),
                    value: short,
                    share: share(short, number(row, 2)),
                    href: Slice { filter: f, pick: Some(Pick::Short) }.href(),
                    tone: "limited",
                },
                total: number(row, 2),
                ingredient: name,
            })
        })
        .collect())
}

async fn knock_on(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<KnockOnChain>, ServiceError> {
    let p = |c: product::Column| Expr::col((product::Entity, c));
    let causing = Expr::col((product_status::Entity, product_status::Column::CausingProductCode));
    let mut statement = drugs_with_status(filter);
    statement
        .expr(p(product::Column::Code))
        .expr(p(product::Column::Name))
        .expr(p(product::Column::MakerName))
        .expr(causing)
        .and_where(
            product_status::Column::ShippingStatus.eq(ShippingStatus::LimitedByOthers.code()),
        )
        .order_by((product::Entity, product::Column::Code), Order::Asc);
    let found = rows(db, &statement, "Failed to list the knock-on items").await?;
    let mut chains: BTreeMap<Option<String>, Vec<(String, String, String)>> = BTreeMap::new();
    for row in &found {
        let cause = text(row, 3).map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
        chains.entry(cause).or_default().push((
            text(row, 0).unwrap_or_default(),
            text(row, 1).unwrap_or_default(),
            text(row, 2).unwrap_or_default(),
        ));
    }
    let codes: Vec<String> = chains.keys().flatten().cloned().collect();
    let causes: HashMap<String, product::Model> = product::Entity::find()
        .filter(product::Column::Code.is_in(codes))
        .all(db)
        .await
        .context("Failed to load the causing products")?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let ids: Vec<i32> = causes.values().map(|p| p.id).collect();
    let statuses = crate::services::supply_status::history::current(db, &ids).await?;
    let mut out: Vec<KnockOnChain> = chains
        .into_iter()
        .map(|(code, items)| {
            let cause = code.as_ref().and_then(|c| causes.get(c));
            let href = code.as_ref().map_or_else(
                || Slice { filter: filter.clone(), pick: Some(Pick::Shipping(ShippingStatus::LimitedByOthers)) }.href(),
                |c| Slice { filter: filter.clone(), pick: Some(Pick::CausedBy(c.clone())) }.href(),
            );
            KnockOnChain {
                cause_name: cause.map(|p| p.name.clone()),
                cause_maker: cause.and_then(|p| p.maker_name.clone()),
                cause_status: cause.and_then(|p| statuses.get(&p.id)).map(|s| s.shipping_status),
                cause_code: code,
                items,
                href,
            }
        })
        .collect();
    out.sort_by(|a, b| b.items.len().cmp(&a.items.len()).then(a.cause_code.cmp(&b.cause_code)));
    out.truncate(20);
    Ok(out)
}

async fn cases(
    db: &impl ConnectionTrait,
    filter: &Filter,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<CaseTiles, ServiceError> {
    let open_states: Vec<&str> = CaseState::ALL
        .iter()
        .filter(|s| !s.is_final())
        .map(|s| s.as_str())
        .collect();
    let mut select = case::Entity::find().filter(case::Column::State.is_in(open_states));
    if let Some(maker) = filter.maker_id {
        select = select.filter(case::Column::MakerId.eq(maker));
    }
    let open = select.all(db).await.context("Failed to load the open cases")?;
    let kinds: HashMap<i32, String> = product::Entity::find()
        .filter(product::Column::Id.is_in(open.iter().map(|c| c.product_id)))
        .all(db)
        .await
        .context("Failed to load the cases' products")?
        .into_iter()
        .map(|p| (p.id, p.kind))
        .collect();
    let mut tiles = CaseTiles::default();
    let mut by_state: HashMap<CaseState, (u64, u64)> = HashMap::new();
    for c in &open {
        let Ok(snapshot) = crate::services::cases::snapshot(c) else {
            continue;
        };
        let overdue = case_flow::is_overdue(&snapshot, (now - c.state_entered_at).num_days(), overdue_days);
        let entry = by_state.entry(snapshot.state).or_default();
        entry.0 += 1;
        tiles.open += 1;
        if overdue {
            entry.1 += 1;
            tiles.overdue += 1;
        }
        match kinds.get(&c.product_id).map(String::as_str) {
            Some("device") => tiles.device += 1,
            Some("ivd") => tiles.ivd += 1,
            _ => tiles.drug += 1,
        }
    }
    let maker = filter.maker_id.map(|m| format!("&maker_id={m}")).unwrap_or_default();
    tiles.by_state = CaseState::ALL
        .iter()
        .filter_map(|state| {
            let (open, overdue) = by_state.get(state).copied()?;
            Some(CaseStateRow {
                state: *state,
                open,
                overdue,
                href: format!("/cases?state={}{maker}", state.as_str()),
            })
        })
        .collect();
    Ok(tiles)
}
