//! Who a request on a case may reach: the makers of the product's substitutes, less those whose
//! own same-spec products (same first 9 characters of the YJ code) are themselves at ⑫ ②
//! 限定出荷（自社の事情） or ⑤ 供給停止 — they cannot make up for another maker's shortfall. A
//! maker with any same-spec product in another state is still asked.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::substitutes_by_maker;
use crate::db::entity::{organization, product, product_status};
use crate::domain::substitute_request::left_out;
use crate::domain::supply_status::ShippingStatus;
use crate::services::{DbContext, ServiceError};

/// A maker of the product's substitutes, and why it is left out of requests (if it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstituteMaker {
    /// The organisation.
    pub organization_id: i32,
    /// Its name.
    pub name: String,
    /// Why no request goes to it, e.g. 「自社の同一規格品が供給停止中」.
    pub excluded: Option<&'static str>,
}

/// The makers of `product`'s substitutes with their products, and why each left-out one is.
pub(super) async fn substitute_makers_of(
    db: &impl ConnectionTrait,
    product: &product::Model,
) -> Result<
    (
        BTreeMap<i32, Vec<product::Model>>,
        HashMap<i32, &'static str>,
    ),
    ServiceError,
> {
    let by_maker = substitutes_by_maker(db, &[product])
        .await?
        .remove(&product.id)
        .unwrap_or_default();
    let ids: Vec<i32> = by_maker.values().flatten().map(|p| p.id).collect();
    let statuses: HashMap<i32, ShippingStatus> = product_status::Entity::find()
        .filter(product_status::Column::ProductId.is_in(ids))
        .all(db)
        .await
        .context("Failed to load the substitutes' statuses")?
        .into_iter()
        .map(|s| (s.product_id, s.shipping_status))
        .collect();
    let excluded = by_maker
        .iter()
        .filter_map(|(org, products)| {
            let own: Vec<Option<ShippingStatus>> = products
                .iter()
                .map(|p| statuses.get(&p.id).copied())
                .collect();
            left_out(&own).map(|why| (*org, why))
        })
        .collect();
    Ok((by_maker, excluded))
}

/// The makers of `product`'s substitutes by name, each with why it is left out (if it is).
pub(super) async fn listed(
    db: &impl ConnectionTrait,
    product: &product::Model,
) -> Result<Vec<SubstituteMaker>, ServiceError> {
    let (by_maker, excluded) = substitute_makers_of(db, product).await?;
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(by_maker.into_keys()))
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await
        .context("Failed to load the substitute makers")?
        .into_iter()
        .map(|o| SubstituteMaker {
            excluded: excluded.get(&o.id).copied(),
            organization_id: o.id,
            name: o.name,
        })
        .collect())
}
