//! The dashboard's queries: one grouped scan of drugs × current status for every count, one for
//! the ingredients, one for the knock-on chains, and the open cases. Each returns a few rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::queries;
use super::{BreakdownRow, Count, Dashboard, StableSupply, followups, share, today, trend};
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};
use crate::domain::{DrugCategory, ProductClass};
use crate::services::ServiceError;
use crate::services::products::reasons::ReasonGroup;
use crate::services::products::slice::{CATEGORIES, CLASSES, Filter, Pick, Slice};

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
#[expect(
    clippy::too_many_lines,
    reason = "one pass over the grouped scan fills every count; the rows are built beside it"
)]
pub(super) async fn compute(
    db: &impl ConnectionTrait,
    filter: &Filter,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<Dashboard, ServiceError> {
    let cube = queries::cube(db, filter).await?;
    let drugs: u64 = cube.iter().map(|r| r.n).sum();
    let link = |pick: Option<Pick>, f: &Filter| {
        Slice {
            filter: f.clone(),
            pick,
        }
        .href()
    };
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
            Some(s) => shipping[index_of(ShippingStatus::ALL, &s)] += row.n,
            None => unreported += row.n,
        }
        match row.volume {
            Some(v) => volume[index_of(VolumeStatus::ALL, &v)] += row.n,
            None => volume_blank += row.n,
        }
        let short = row.shipping.is_some_and(ShippingStatus::is_short);
        if short {
            let group = ReasonGroup::of(row.reason);
            reasons[ReasonGroup::ALL
                .iter()
                .position(|g| *g == group)
                .unwrap_or(3)] += row.n;
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
            count(
                s.code(),
                s.label_ja(),
                n,
                drugs,
                Some(Pick::Shipping(*s)),
                tone(*s),
            )
        })
        .collect();
    shipping_counts.push(count(
        "unreported",
        "未報告",
        unreported,
        drugs,
        Some(Pick::Unreported),
        "none",
    ));
    let limited_n: u64 = shipping[1..4].iter().sum();
    let short_n = limited_n + shipping[4];
    let mut volume_counts: Vec<Count> = VolumeStatus::ALL
        .iter()
        .zip(volume)
        .map(|(v, n)| {
            count(
                v.code(),
                v.short_ja(),
                n,
                drugs,
                Some(Pick::Volume(*v)),
                "neutral",
            )
        })
        .collect();
    volume_counts.push(count(
        "blank",
        "空欄・未報告",
        volume_blank,
        drugs,
        None,
        "none",
    ));
    let reason_counts = ReasonGroup::ALL
        .iter()
        .zip(reasons)
        .map(|(g, n)| {
            count(
                g.code(),
                g.label_ja(),
                n,
                short_n,
                Some(Pick::Reason(*g)),
                "neutral",
            )
        })
        .collect();
    let stable_supply = StableSupply {
        registered: stable.values().map(|(total, _)| total).sum(),
        categories: ['A', 'B', 'C']
            .into_iter()
            .map(|c| {
                let (total, short) = stable.get(&c).copied().unwrap_or_default();
                let label = format!("{c}");
                (
                    count(
                        &label,
                        &label,
                        short,
                        total,
                        Some(Pick::StableSupply(c)),
                        "limited",
                    ),
                    total,
                )
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
        limited: count(
            "limited",
            "限定出荷",
            limited_n,
            drugs,
            Some(Pick::Limited),
            "limited",
        ),
        short: count(
            "short",
            "限定出荷・供給停止",
            short_n,
            drugs,
            Some(Pick::Short),
            "stopped",
        ),
        shipping: shipping_counts,
        volume: volume_counts,
        by_class: by_class
            .into_iter()
            .map(|(i, t)| {
                let class = CLASSES.get(i).copied();
                let f = Filter {
                    product_class: class,
                    ..filter.clone()
                };
                let (key, label) =
                    class.map_or(("unset", "未設定"), |c| (c.code(), c.label_ja()));
                breakdown(key, label, t, &f)
            })
            .collect(),
        by_category: by_category
            .into_iter()
            .map(|(i, t)| {
                let category = CATEGORIES.get(i).copied();
                let f = Filter {
                    category,
                    ..filter.clone()
                };
                let label = category.map_or("未設定", DrugCategory::label_ja);
                breakdown(label, label, t, &f)
            })
            .collect(),
        reasons: reason_counts,
        ingredients: queries::ingredients(db, filter).await?,
        stable_supply,
        knock_on: super::knock_on::chains(db, filter).await?,
        cases: super::open_cases::tiles(db, filter, overdue_days, now).await?,
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
        version: Vec::new(),
    })
}

fn class_index(class: Option<ProductClass>) -> usize {
    class
        .and_then(|c| CLASSES.iter().position(|x| *x == c))
        .unwrap_or(CLASSES.len())
}

fn category_index(category: Option<DrugCategory>) -> usize {
    category
        .and_then(|c| CATEGORIES.iter().position(|x| *x == c))
        .unwrap_or(CATEGORIES.len())
}

fn index_of<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|x| x == value).unwrap_or(0)
}

fn breakdown(key: &str, label: &str, t: Tally, filter: &Filter) -> BreakdownRow {
    let count = |k: &str, l: &str, value: u64, pick: Option<Pick>, tone| Count {
        key: k.to_owned(),
        label: l.to_owned(),
        value,
        share: share(value, t.total),
        href: Slice {
            filter: filter.clone(),
            pick,
        }
        .href(),
        tone,
    };
    BreakdownRow {
        key: key.to_owned(),
        label: label.to_owned(),
        total: count("total", label, t.total, None, "neutral"),
        normal: count(
            "1",
            "通常出荷",
            t.normal,
            Some(Pick::Shipping(ShippingStatus::Normal)),
            "normal",
        ),
        limited: count(
            "limited",
            "限定出荷",
            t.limited,
            Some(Pick::Limited),
            "limited",
        ),
        stopped: count(
            "5",
            "供給停止",
            t.stopped,
            Some(Pick::Shipping(ShippingStatus::Stopped)),
            "stopped",
        ),
        unreported: count(
            "unreported",
            "未報告",
            t.unreported,
            Some(Pick::Unreported),
            "none",
        ),
    }
}
