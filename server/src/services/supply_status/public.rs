//! The public side: every drug's public columns, live, for the search page and exports — in the
//! ministry's list layout (①–⑳ and `New`, the ministry's words). Nothing of confidential reports
//! is read here.

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use supplywatch_reports::ministry_list::ListRow;

use super::history::{self, StatusView};
use crate::db::entity::{product, product_status, publication};
use crate::domain::{DrugCategory, ProductClass, ProductKind};
use crate::services::products::public_filter::NewSince;
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

/// Every drug matching `q` (all drugs when blank) and the public filters, ordered by code.
pub async fn all_matching(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    public: Option<Condition>,
) -> Result<Vec<PublicEntry>, ServiceError> {
    let query = ProductQuery {
        q: q.map(str::to_owned).filter(|q| !q.trim().is_empty()),
        kind: Some(ProductKind::Drug),
        public,
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

/// Which rows are `New` now: reported after the day (Japan) of the latest publication, or on
/// the latest report day before any publication; `None` before any report.
pub async fn new_since(db: &impl ConnectionTrait) -> Result<Option<NewSince>, ServiceError> {
    let published = publication::Entity::find()
        .order_by_desc(publication::Column::PublishedAt)
        .one(db)
        .await
        .context("Failed to read the latest publication")?;
    if let Some(p) = published {
        return Ok(Some(NewSince::After(
            p.published_at
                .with_timezone(&chrono_tz::Asia::Tokyo)
                .date_naive(),
        )));
    }
    let latest: Option<Option<NaiveDate>> = product_status::Entity::find()
        .select_only()
        .expr(Expr::col(product_status::Column::UpdatedOn).max())
        .into_tuple()
        .one(db)
        .await
        .context("Failed to read the latest report day")?;
    Ok(latest.flatten().map(NewSince::On))
}

/// For each entry, whether its ⑫–⑳ changed since the publication of `previous` (a day in
/// Japan); with no publication yet, whether it changed in the latest edition (the latest report
/// day of all, as the ministry's list marks the drugs of its latest update).
pub fn changed_marks(entries: &[PublicEntry], previous: Option<NaiveDate>) -> Vec<bool> {
    let latest = entries
        .iter()
        .filter_map(|e| e.status.as_ref().map(|s| s.updated_on))
        .max();
    entries
        .iter()
        .map(|e| {
            e.status.as_ref().is_some_and(|s| match previous {
                Some(day) => s.updated_on > day,
                None => Some(s.updated_on) == latest,
            })
        })
        .collect()
}

impl PublicEntry {
    /// The row of the ministry's list: ①–⑪ in the list's words where it gave them, ⑫–⑳ as the
    /// ministry writes them; `changed` is the 21st column (`New`).
    pub fn list_row(&self, changed: bool) -> ListRow {
        let p = &self.product;
        let s = self.status.as_ref();
        let extra = s.map(|s| &s.extra);
        ListRow {
            category: p
                .list_category
                .clone()
                .unwrap_or_else(|| p.category.map(category_text).unwrap_or_default().to_owned()),
            therapeutic_class: p
                .list_therapeutic_class
                .clone()
                .or_else(|| p.therapeutic_class.clone())
                .unwrap_or_default(),
            ingredient: p.ingredient.clone().unwrap_or_default(),
            specification: p.specification.clone().unwrap_or_default(),
            code: p.code.clone(),
            name: p.name.clone(),
            maker_name: p.maker_name.clone().unwrap_or_default(),
            product_class: p.list_product_class.clone().unwrap_or_else(|| {
                p.product_class
                    .map(class_text)
                    .unwrap_or_default()
                    .to_owned()
            }),
            basic_drug: if p.basic_drug {
                "1：対象"
            } else {
                "2：対象外"
            }
            .to_owned(),
            stable_supply: p.stable_supply_category.clone().unwrap_or_default(),
            listed_on: p.listed_on,
            shipping_status: s
                .map(|s| s.shipping_status.ministry_text().to_owned())
                .unwrap_or_default(),
            shipping_changed_on: extra.and_then(|e| e.shipping_changed_on),
            reason: s
                .and_then(|s| s.reason)
                .map(|r| r.ministry_text().to_owned())
                .unwrap_or_default(),
            resolution_outlook: s
                .and_then(|s| s.resolution_outlook)
                .map(|o| o.ministry_text().to_owned())
                .unwrap_or_default(),
            resolution_note: extra
                .and_then(|e| e.resolution_note.clone())
                .or_else(|| s.and_then(|s| s.resolution_month.clone()))
                .unwrap_or_default(),
            volume_status: s
                .and_then(|s| s.volume_status)
                .map(|v| v.ministry_text().to_owned())
                .unwrap_or_default(),
            improvement_timing: extra
                .and_then(|e| e.improvement_timing)
                .map(|t| t.ministry_text().to_owned())
                .unwrap_or_default(),
            improvement_percent: extra
                .and_then(|e| e.improvement_percent)
                .map(|p| p.to_string())
                .unwrap_or_default(),
            other_changed_on: extra
                .and_then(|e| e.other_changed_on)
                .or_else(|| s.map(|s| s.updated_on)),
            changed,
        }
    }
}

/// ① as the ministry's list numbers it.
fn category_text(category: DrugCategory) -> &'static str {
    match category {
        DrugCategory::Internal => "1：内用薬",
        DrugCategory::External => "2：外用薬",
        DrugCategory::Injection => "3：注射薬",
        DrugCategory::Dental => "4：歯科用薬剤",
    }
}

/// ⑧ as the ministry's list numbers it (our その他 is its 5 その他医薬品).
fn class_text(class: ProductClass) -> &'static str {
    match class {
        ProductClass::Originator => "1：先発品",
        ProductClass::Generic => "2：後発品",
        ProductClass::LongListed => "4：長期収載品",
        ProductClass::Other => "5：その他医薬品",
    }
}
