//! Who a request on a case may reach: the makers of the product's substitutes, less those whose
//! own same-spec products (same first 9 characters of the YJ code) are themselves at ⑫ ②
//! 限定出荷（自社の事情） or ⑤ 供給停止 — they cannot make up for another maker's shortfall. A
//! maker with any same-spec product in another state is still asked.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::substitutes_by_maker;
use crate::db::entity::{organization, product, product_status};
use crate::domain::supply_status::ShippingStatus;
use crate::services::{DbContext, ServiceError};

/// Why a maker whose same-spec products are all stopped is left out.
pub const STOPPED_REASON: &str = "自社の同一規格品が供給停止中";
/// Why a maker whose same-spec products are all limited for its own reasons is left out.
pub const LIMITED_REASON: &str = "自社の同一規格品が限定出荷中（自社の事情）";

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

/// Why a maker is left out, from the ⑫ of each of its same-spec products (none when any of
/// them is in another state or has no status).
fn exclusion(statuses: &[Option<ShippingStatus>]) -> Option<&'static str> {
    let own_trouble = |s: &Option<ShippingStatus>| {
        matches!(
            s,
            Some(ShippingStatus::LimitedOwn | ShippingStatus::Stopped)
        )
    };
    if statuses.is_empty() || !statuses.iter().all(own_trouble) {
        return None;
    }
    if statuses.contains(&Some(ShippingStatus::Stopped)) {
        Some(STOPPED_REASON)
    } else {
        Some(LIMITED_REASON)
    }
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
    let statuses: HashMap<i32, Option<ShippingStatus>> = product_status::Entity::find()
        .filter(product_status::Column::ProductId.is_in(ids))
        .all(db)
        .await
        .context("Failed to load the substitutes' statuses")?
        .into_iter()
        .map(|s| (s.product_id, ShippingStatus::from_code(&s.shipping_status)))
        .collect();
    let excluded = by_maker
        .iter()
        .filter_map(|(org, products)| {
            let own: Vec<Option<ShippingStatus>> = products
                .iter()
                .map(|p| statuses.get(&p.id).copied().flatten())
                .collect();
            exclusion(&own).map(|why| (*org, why))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_maker_is_left_out_only_when_all_its_same_spec_products_are_at_2_or_5() {
        use ShippingStatus::{LimitedByOthers, LimitedOwn, Normal, Stopped};
        assert_eq!(exclusion(&[Some(Stopped)]), Some(STOPPED_REASON));
        assert_eq!(exclusion(&[Some(LimitedOwn)]), Some(LIMITED_REASON));
        assert_eq!(
            exclusion(&[Some(LimitedOwn), Some(Stopped)]),
            Some(STOPPED_REASON)
        );
        assert_eq!(exclusion(&[Some(Stopped), Some(Normal)]), None);
        assert_eq!(exclusion(&[Some(LimitedByOthers)]), None);
        assert_eq!(exclusion(&[Some(Stopped), None]), None);
        assert_eq!(exclusion(&[]), None);
    }
}
