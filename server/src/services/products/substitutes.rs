//! The substitutes of a product: for a drug the same-spec drugs (the same first 9 characters of
//! the YJ code), for a device or IVD the substitutes its maker declared. The one query behind the
//! product page, the heads-up to substitute makers and the ministry's requests to them.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::entity::{device_substitute, product};
use crate::services::{DbContext, ServiceError};

/// Keys per `IN (…)` list, well under both databases' limits on bound values.
const CHUNK: usize = 900;

/// The substitutes of each of `products` by its id, each list in code order and without the
/// product itself; a product without substitutes has an empty list.
pub async fn substitutes_of(
    db: &impl ConnectionTrait,
    products: &[&product::Model],
) -> Result<HashMap<i32, Vec<product::Model>>, ServiceError> {
    let groups: Vec<&str> = products
        .iter()
        .filter_map(|p| p.group_code.as_deref())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut by_group: BTreeMap<String, Vec<product::Model>> = BTreeMap::new();
    for chunk in groups.chunks(CHUNK) {
        let rows = product::Entity::find()
            .filter(product::Column::GroupCode.is_in(chunk.iter().copied()))
            .order_by_asc(product::Column::Code)
            .all(db)
            .await
            .context("Failed to load same-spec products")?;
        for row in rows {
            if let Some(group) = row.group_code.clone() {
                by_group.entry(group).or_default().push(row);
            }
        }
    }
    let devices: Vec<i32> = products
        .iter()
        .filter(|p| p.group_code.is_none())
        .map(|p| p.id)
        .collect();
    let declared = declared_substitutes(db, &devices).await?;
    Ok(products
        .iter()
        .map(|p| {
            let list = match &p.group_code {
                Some(group) => by_group
                    .get(group)
                    .into_iter()
                    .flatten()
                    .filter(|s| s.id != p.id)
                    .cloned()
                    .collect(),
                None => declared.get(&p.id).cloned().unwrap_or_default(),
            };
            (p.id, list)
        })
        .collect())
}

/// The declared substitutes of each of `devices`, in code order.
async fn declared_substitutes(
    db: &impl ConnectionTrait,
    devices: &[i32],
) -> Result<HashMap<i32, Vec<product::Model>>, ServiceError> {
    let mut links: Vec<device_substitute::Model> = Vec::new();
    for chunk in devices.chunks(CHUNK) {
        links.extend(
            device_substitute::Entity::find()
                .filter(device_substitute::Column::ProductId.is_in(chunk.iter().copied()))
                .all(db)
                .await
                .context("Failed to load declared substitutes")?,
        );
    }
    let ids: Vec<i32> = links
        .iter()
        .map(|l| l.substitute_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found: HashMap<i32, product::Model> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows = product::Entity::find()
            .filter(product::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("Failed to load declared substitutes")?;
        found.extend(rows.into_iter().map(|p| (p.id, p)));
    }
    let mut declared: HashMap<i32, Vec<product::Model>> = HashMap::new();
    for link in &links {
        if let Some(substitute) = found.get(&link.substitute_id) {
            declared
                .entry(link.product_id)
                .or_default()
                .push(substitute.clone());
        }
    }
    for list in declared.values_mut() {
        list.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(declared)
}
