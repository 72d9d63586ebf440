//! The public side: every drug's public columns (①–⑱), live, for the search page and exports.
//! Nothing of confidential reports is read here.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use supplywatch_reports::status_sheet::SheetRow;

use super::history::{self, StatusView};
use crate::db::entity::product;
use crate::domain::ProductKind;
use crate::services::products::{self, ProductQuery};
use crate::services::{DbContext, ServiceError};

/// A drug with its current public status.
#[derive(Debug, Clone)]
pub struct PublicEntry {
    /// The product master row.
    pub product: product::Model,
    /// Its current status, if any report was filed.
    pub status: Option<StatusView>,
}

/// Every drug matching `q` (all drugs when blank), ordered by code.
pub async fn all_matching(
    db: &impl ConnectionTrait,
    q: Option<&str>,
) -> Result<Vec<PublicEntry>, ServiceError> {
    let query = ProductQuery {
        q: q.map(str::to_owned).filter(|q| !q.trim().is_empty()),
        kind: Some(ProductKind::Drug),
        ..ProductQuery::default()
    };
    let rows = product::Entity::find()
        .filter(products::condition(&query))
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to read the public status")?;
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let mut statuses = history::current(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|product| {
            let status = statuses.remove(&product.id);
            PublicEntry { product, status }
        })
        .collect())
}

impl PublicEntry {
    /// The row of the ministry's sheet; ⑱ is marked when the status was updated in the month of `as_of`.
    pub fn sheet_row(&self, as_of: NaiveDate) -> SheetRow {
        let p = &self.product;
        let s = self.status.as_ref();
        SheetRow {
            category: p.category.map(|c| c.code().to_owned()).unwrap_or_default(),
            therapeutic_class: p.therapeutic_class.clone().unwrap_or_default(),
            ingredient: p.ingredient.clone().unwrap_or_default(),
            specification: p.specification.clone().unwrap_or_default(),
            code: p.code.clone(),
            name: p.name.clone(),
            maker_name: p.maker_name.clone().unwrap_or_default(),
            product_class: p
                .product_class
                .map(|c| c.label_ja().to_owned())
                .unwrap_or_default(),
            basic_drug: if p.basic_drug {
                "○".to_owned()
            } else {
                String::new()
            },
            stable_supply: p.stable_supply_category.clone().unwrap_or_default(),
            listed_on: p.listed_on,
            shipping_status: s
                .map(|s| {
                    format!(
                        "{}. {}",
                        s.shipping_status.code(),
                        s.shipping_status.label_ja()
                    )
                })
                .unwrap_or_default(),
            reason: s
                .and_then(|s| s.reason)
                .map(|r| format!("{}. {}", r.code(), r.label_ja()))
                .unwrap_or_default(),
            resolution_outlook: s
                .and_then(|s| s.resolution_outlook)
                .map(|o| o.label_ja().to_owned())
                .unwrap_or_default(),
            resolution_month: s
                .and_then(|s| s.resolution_month.clone())
                .unwrap_or_default(),
            volume_status: s
                .and_then(|s| s.volume_status)
                .map(|v| v.code().to_owned())
                .unwrap_or_default(),
            reported_on: s.map(|s| s.updated_on),
            confirmed: s
                .filter(|s| {
                    s.updated_on.year() == as_of.year() && s.updated_on.month() == as_of.month()
                })
                .map(|_| "○".to_owned())
                .unwrap_or_default(),
        }
    }
}
