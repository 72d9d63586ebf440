//! Knock-on chains: drugs in 限定出荷（他社品の影響）(⑫ = 3) under the product that caused them.

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{Expr, Order};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::KnockOnChain;
use super::queries::{drugs_with_status, rows, text};
use crate::db::entity::{product, product_status};
use crate::domain::supply_status::ShippingStatus;
use crate::services::products::slice::{Filter, Pick, Slice};
use crate::services::{DbContext, ServiceError};

/// Drugs in ⑫ = 3 grouped under the product their makers named as the cause, largest first.
pub(super) async fn chains(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<KnockOnChain>, ServiceError> {
    let p = |c: product::Column| Expr::col((product::Entity, c));
    let causing = Expr::col((
        product_status::Entity,
        product_status::Column::CausingProductCode,
    ));
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
        let cause = text(row, 3)
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty());
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
                || {
                    Slice {
                        filter: filter.clone(),
                        pick: Some(Pick::Shipping(ShippingStatus::LimitedByOthers)),
                    }
                    .href()
                },
                |c| {
                    Slice {
                        filter: filter.clone(),
                        pick: Some(Pick::CausedBy(c.clone())),
                    }
                    .href()
                },
            );
            KnockOnChain {
                cause_name: cause.map(|p| p.name.clone()),
                cause_maker: cause.and_then(|p| p.maker_name.clone()),
                cause_status: cause
                    .and_then(|p| statuses.get(&p.id))
                    .map(|s| s.shipping_status),
                cause_code: code,
                items,
                href,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then(a.cause_code.cmp(&b.cause_code))
    });
    out.truncate(20);
    Ok(out)
}
