//! Importing an edition of the price list: all rows checked first, then one transaction that
//! creates makers by name, inserts new products, updates changed ones and keeps each edition.

pub mod parse;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use super::audit::{self, Actor, AuditEntry};
use super::products::search_text;
use super::{DbContext, ServiceError};
use crate::db::entity::{organization, price_list_import, product, product_revision};
use crate::domain::{OrganizationKind, ProductKind};
pub use parse::PriceListRow;

/// Rows inserted per statement (well under both databases' bind-parameter limits).
const BATCH: usize = 500;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows in the file.
    pub rows: usize,
    /// Products new to the master.
    pub created: usize,
    /// Products whose name, price, maker or flags changed.
    pub updated: usize,
    /// Makers created by name.
    pub makers_created: usize,
}

/// The edition date in a file name such as `nhi_price_list_20250716.csv` → `2025-07-16`.
pub fn edition_from_file_name(name: &str) -> Option<String> {
    let digits: Vec<char> = name.chars().collect();
    digits.windows(8).rev().find_map(|w| {
        w.iter().all(char::is_ascii_digit).then(|| {
            let s: String = w.iter().collect();
            format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..8])
        })
    })
}

/// Applies checked rows as edition `edition` in one transaction. `progress` is told how many
/// rows are done, for a progress bar.
pub async fn import<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    rows: &[PriceListRow],
    edition: &str,
    file_name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportSummary, ServiceError> {
    let txn = db.begin().await.context("Failed to start the import")?;
    let makers_before = maker_ids(&txn).await?.len();
    let makers = ensure_makers(&txn, rows, now).await?;
    let existing: HashMap<String, product::Model> = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .all(&txn)
        .await
        .context("Failed to load the current product master")?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();

    let mut new_rows = Vec::new();
    let mut changed = Vec::new();
    for row in rows {
        let maker_id = row.maker_name.as_ref().and_then(|n| makers.get(n)).copied();
        match existing.get(row.code.as_str()) {
            None => new_rows.push(to_active_model(row, maker_id, edition, now)),
            Some(current) if differs(current, row, maker_id) => {
                let mut model = to_active_model(row, maker_id, edition, now);
                model.id = Set(current.id);
                model.created_at = Set(current.created_at);
                changed.push(model);
            }
            Some(_) => {}
        }
    }
    let mut done = rows.len() - new_rows.len() - changed.len();
    progress(done);
    let created = new_rows.len();
    for chunk in new_rows.chunks(BATCH) {
        product::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .context("Failed to insert new products")?;
        done += chunk.len();
        progress(done);
    }
    let updated = changed.len();
    for model in changed {
        model
            .update(&txn)
            .await
            .context("Failed to update a product")?;
        done += 1;
        if done % BATCH == 0 {
            progress(done);
        }
    }
    record_revisions(&txn, rows, &existing, edition, now).await?;
    let summary = ImportSummary {
        rows: rows.len(),
        created,
        updated,
        makers_created: makers.len() - makers_before,
    };
    price_list_import::ActiveModel {
        edition: Set(edition.to_owned()),
        file_name: Set(file_name.to_owned()),
        row_count: Set(i32::try_from(summary.rows).unwrap_or(i32::MAX)),
        created_count: Set(i32::try_from(created).unwrap_or(i32::MAX)),
        updated_count: Set(i32::try_from(updated).unwrap_or(i32::MAX)),
        imported_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("Failed to record the import")?;
    let entry = AuditEntry {
        actor,
        action: "price_list.import",
        target: format!("edition:{edition}"),
        detail: Some(format!(
            "{file_name}：{} 行（新規 {created}・更新 {updated}・製造販売業者の新規登録 {}）",
            summary.rows, summary.makers_created
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the import")?;
    progress(rows.len());
    Ok(summary)
}

/// Manufacturer ids by name.
async fn maker_ids(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>, ServiceError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::Manufacturer))
        .all(db)
        .await
        .context("Failed to load makers")?
        .into_iter()
        .map(|o| (o.name, o.id))
        .collect())
}

/// Creates a manufacturer for every maker name not yet known; returns all ids by name.
async fn ensure_makers(
    db: &impl ConnectionTrait,
    rows: &[PriceListRow],
    now: DateTime<Utc>,
) -> Result<HashMap<String, i32>, ServiceError> {
    let mut makers = maker_ids(db).await?;
    for name in rows.iter().filter_map(|r| r.maker_name.as_ref()) {
        if makers.contains_key(name) {
            continue;
        }
        let created = organization::ActiveModel {
            kind: Set(OrganizationKind::Manufacturer),
            name: Set(name.clone()),
            corporate_number: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("Failed to create a maker")?;
        makers.insert(created.name, created.id);
    }
    Ok(makers)
}

/// Stores this edition's name and price for new products and for those whose name or price changed.
async fn record_revisions(
    db: &impl ConnectionTrait,
    rows: &[PriceListRow],
    before: &HashMap<String, product::Model>,
    edition: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let ids: HashMap<String, i32> = product::Entity::find()
        .select_only()
        .column(product::Column::Code)
        .column(product::Column::Id)
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await
        .context("Failed to load product ids")?
        .into_iter()
        .collect();
    let revisions: Vec<product_revision::ActiveModel> = rows
        .iter()
        .filter(|row| {
            before.get(row.code.as_str()).is_none_or(|old| {
                old.name != row.name || old.price.as_deref() != Some(row.price.as_str())
            })
        })
        .filter_map(|row| {
            let product_id = *ids.get(row.code.as_str())?;
            Some(product_revision::ActiveModel {
                product_id: Set(product_id),
                edition: Set(edition.to_owned()),
                name: Set(row.name.clone()),
                price: Set(Some(row.price.clone())),
                maker_name: Set(row.maker_name.clone()),
                recorded_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    for chunk in revisions.chunks(BATCH) {
        product_revision::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .context("Failed to record product editions")?;
    }
    Ok(())
}

fn differs(current: &product::Model, row: &PriceListRow, maker_id: Option<i32>) -> bool {
    current.name != row.name
        || current.price.as_deref() != Some(row.price.as_str())
        || current.maker_id != maker_id
        || current.maker_name != row.maker_name
        || current.ingredient.as_deref() != Some(row.ingredient.as_str())
        || current.specification.as_deref() != Some(row.specification.as_str())
        || current.product_class != Some(row.product_class)
        || current.category != Some(row.category)
        || current.transitional_until != row.transitional_until
        || current.pharmacopoeia != row.pharmacopoeia
        || current.narcotic != row.narcotic
}

fn to_active_model(
    row: &PriceListRow,
    maker_id: Option<i32>,
    edition: &str,
    now: DateTime<Utc>,
) -> product::ActiveModel {
    product::ActiveModel {
        code: Set(row.code.as_str().to_owned()),
        kind: Set(ProductKind::Drug),
        name: Set(row.name.clone()),
        ingredient: Set(Some(row.ingredient.clone())),
        specification: Set(Some(row.specification.clone())),
        group_code: Set(Some(row.code.group_code().to_owned())),
        related_code: Set(Some(row.code.related_code().to_owned())),
        category: Set(Some(row.category)),
        therapeutic_class: Set(Some(row.code.therapeutic_class().to_owned())),
        product_class: Set(Some(row.product_class)),
        pharmacopoeia: Set(row.pharmacopoeia),
        narcotic: Set(row.narcotic),
        basic_drug: Set(false),
        stable_supply_category: Set(None),
        price: Set(Some(row.price.clone())),
        listed_on: Set(None),
        transitional_until: Set(row.transitional_until.clone()),
        maker_id: Set(maker_id),
        maker_name: Set(row.maker_name.clone()),
        jmdn: Set(None),
        approval_number: Set(None),
        edition: Set(Some(edition.to_owned())),
        search_text: Set(search_text(&[
            Some(row.code.as_str()),
            Some(&row.name),
            Some(&row.ingredient),
            Some(&row.specification),
            row.maker_name.as_deref(),
        ])),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edition_is_read_from_the_file_name() {
        assert_eq!(
            edition_from_file_name("../shared/data/nhi_price_list_20250716.csv").as_deref(),
            Some("2025-07-16")
        );
        assert_eq!(edition_from_file_name("list.csv"), None);
    }
}
