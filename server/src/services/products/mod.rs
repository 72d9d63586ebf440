//! The product master as users see it: search, detail with edition history and `substitutes`,
//! and `slice`: the drugs behind a dashboard number, which filters the product list too.

pub mod public_filter;
pub mod reasons;
pub mod related;
pub mod slice;
mod substitutes;

use sea_orm::sea_query::{Expr, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::supply_status::history::{self, HistoryEntry, StatusView};
use super::{DbContext, ServiceError};
use crate::db::entity::{product, product_revision, product_status};
use crate::domain::supply_status::ShippingStatus;
use crate::domain::validation::normalize_width;
use crate::domain::{ProductClass, ProductKind};
pub use substitutes::substitutes_of;

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: u64 = 200;

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    /// Words that must all appear in the code, 品名, 成分名, 規格 or maker name.
    pub q: Option<String>,
    /// Only products of this maker.
    pub maker_id: Option<i32>,
    /// Only products of this kind.
    pub kind: Option<ProductKind>,
    /// Only products whose current ⑫ is this.
    pub shipping_status: Option<ShippingStatus>,
    /// Only the drugs behind a dashboard number (its filters and pick).
    pub slice: Option<slice::Slice>,
    /// The public search's filters, already turned into a condition on `products`.
    pub public: Option<Condition>,
    /// 1-based page.
    pub page: u64,
    /// Rows per page (1–200).
    pub per_page: u64,
}

/// A maker as shown beside a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakerRef {
    /// Organisation id.
    pub id: i32,
    /// Name.
    pub name: String,
}

/// One product in a list.
#[derive(Debug, Clone)]
pub struct ProductSummary {
    /// YJ code or GTIN.
    pub code: String,
    /// drug, device or ivd.
    pub kind: &'static str,
    /// 品名 / 販売名.
    pub name: String,
    /// 成分名 (drugs).
    pub ingredient: Option<String>,
    /// 規格単位 (drugs).
    pub specification: Option<String>,
    /// First 9 characters of a drug code: the same-spec group.
    pub group_code: Option<String>,
    /// The maker, when known (統一名収載品 have none).
    pub maker: Option<MakerRef>,
    /// The maker's name as printed in the price list, also when no organisation is linked.
    pub maker_name: Option<String>,
    /// 薬剤区分.
    pub category: Option<String>,
    /// 製品区分 (Japanese label).
    pub product_class: Option<&'static str>,
    /// 薬価, as printed.
    pub price: Option<String>,
    /// （重要）供給確保医薬品 category (A/B/C).
    pub stable_supply_category: Option<String>,
    /// The current supply status (drugs with at least one report).
    pub status: Option<StatusView>,
}

impl ProductSummary {
    /// 医薬品, 医療機器 or 体外診断用医薬品.
    pub fn kind_label(&self) -> &'static str {
        self.kind
            .parse::<ProductKind>()
            .map_or("—", ProductKind::label_ja)
    }
}

/// A product's name and price in one price-list edition.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Edition, e.g. `2025-07-16`.
    pub edition: String,
    /// 品名 in that edition.
    pub name: String,
    /// 薬価 in that edition.
    pub price: Option<String>,
}

/// Everything about one product.
#[derive(Debug, Clone)]
pub struct ProductDetail {
    /// The list fields.
    pub summary: ProductSummary,
    /// 薬効分類 (positions 1–4).
    pub therapeutic_class: Option<String>,
    /// 日本薬局方.
    pub pharmacopoeia: bool,
    /// 麻薬.
    pub narcotic: bool,
    /// 経過措置による使用期限.
    pub transitional_until: Option<String>,
    /// JMDN code (devices).
    pub jmdn: Option<String>,
    /// 承認番号等 (devices).
    pub approval_number: Option<String>,
    /// Editions of the price list, newest first.
    pub revisions: Vec<Revision>,
    /// Same-spec products (drugs) or declared substitutes (devices).
    pub substitutes: Vec<ProductSummary>,
    /// Supply status reports, newest first.
    pub history: Vec<HistoryEntry>,
    /// The maker's organisation id (for ownership checks).
    pub maker_id: Option<i32>,
}

/// Folds text for matching, the same way on both sides (see [`crate::domain::search_fold`]).
pub fn search_key(text: &str) -> String {
    crate::domain::search_fold::fold(text)
}

/// The `search_text` stored for a product.
pub fn search_text(parts: &[Option<&str>]) -> String {
    let joined: Vec<&str> = parts.iter().flatten().copied().collect();
    search_key(&joined.join(" "))
}

/// The filter of a search: every word in `search_text`, the maker, the kind, the status.
pub(crate) fn condition(query: &ProductQuery) -> Condition {
    let mut condition = Condition::all();
    if let Some(q) = &query.q {
        for word in crate::domain::search_fold::fold_words(q) {
            // A word typed in romaji also finds its katakana (「karubosisutein」).
            let mut either = Condition::any().add(contains(&word));
            if let Some(kana) = crate::domain::search_fold::romaji_to_katakana(&word) {
                either = either.add(contains(&kana));
            }
            condition = condition.add(either);
        }
    }
    if let Some(maker_id) = query.maker_id {
        condition = condition.add(product::Column::MakerId.eq(maker_id));
    }
    if let Some(kind) = query.kind {
        condition = condition.add(product::Column::Kind.eq(kind));
    }
    if let Some(status) = query.shipping_status {
        condition = condition.add(
            product::Column::Id.in_subquery(
                Query::select()
                    .column(product_status::Column::ProductId)
                    .from(product_status::Entity)
                    .and_where(product_status::Column::ShippingStatus.eq(status.code()))
                    .to_owned(),
            ),
        );
    }
    if let Some(slice) = &query.slice {
        condition = condition.add(slice.condition());
    }
    if let Some(public) = &query.public {
        condition = condition.add(public.clone());
    }
    condition
}

/// `search_text` holds `word` (LIKE with its wildcards escaped).
fn contains(word: &str) -> sea_orm::sea_query::SimpleExpr {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::col((product::Entity, product::Column::SearchText))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// Searches the master, ordered by code, with each product's current supply status.
pub async fn search(
    db: &impl ConnectionTrait,
    query: &ProductQuery,
) -> Result<(Vec<ProductSummary>, u64), ServiceError> {
    let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    // One scan finds the page's ids and the total together (COUNT(*) OVER ()): the substring
    // match is the expensive part, so it runs once; the rows are then fetched by primary key.
    let page: Vec<(i32, i64)> = product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .expr(Expr::cust("COUNT(*) OVER ()"))
        .filter(condition(query))
        .order_by_asc(product::Column::Code)
        .offset(crate::domain::paging::offset(query.page, per_page))
        .limit(per_page)
        .into_tuple()
        .all(db)
        .await
        .context("Failed to search products")?;
    let total = match page.first() {
        Some((_, total)) => u64::try_from(*total).unwrap_or_default(),
        // Past the last page the window has no row to carry the total.
        None => product::Entity::find()
            .filter(condition(query))
            .count(db)
            .await
            .context("Failed to count products")?,
    };
    let ids: Vec<i32> = page.iter().map(|(id, _)| *id).collect();
    let rows = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to load products")?;
    Ok((with_statuses(db, rows).await?, total))
}

/// Every product matching the query (no paging), ordered by code, with current statuses.
pub async fn list_all(
    db: &impl ConnectionTrait,
    query: &ProductQuery,
) -> Result<Vec<ProductSummary>, ServiceError> {
    let rows = product::Entity::find()
        .filter(condition(query))
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to list products")?;
    with_statuses(db, rows).await
}

/// One product by code, with its history and substitutes.
pub async fn find(db: &impl ConnectionTrait, code: &str) -> Result<ProductDetail, ServiceError> {
    let code = normalize_width(code).to_ascii_uppercase();
    let found = product::Entity::find()
        .filter(product::Column::Code.eq(code.as_str()))
        .one(db)
        .await
        .context("Failed to load the product")?
        .ok_or_else(|| {
            ServiceError::NotFound(format!("製品コード {code} の製品は登録されていません"))
        })?;
    let revisions = product_revision::Entity::find()
        .filter(product_revision::Column::ProductId.eq(found.id))
        .order_by_desc(product_revision::Column::Edition)
        .order_by_desc(product_revision::Column::Id)
        .all(db)
        .await
        .context("Failed to load the product's editions")?
        .into_iter()
        .map(|r| Revision {
            edition: r.edition,
            name: r.name,
            price: r.price,
        })
        .collect();
    let substitutes = substitutes(db, &found).await?;
    let history = history::of_product(db, found.id).await?;
    // The current status is the latest report, which the history already holds.
    let status = history.first().map(|entry| entry.status.clone());
    Ok(ProductDetail {
        history,
        maker_id: found.maker_id,
        therapeutic_class: found.therapeutic_class.clone(),
        pharmacopoeia: found.pharmacopoeia,
        narcotic: found.narcotic,
        transitional_until: found.transitional_until.clone(),
        jmdn: found.jmdn.clone(),
        approval_number: found.approval_number.clone(),
        revisions,
        substitutes,
        summary: summary(found, status),
    })
}

/// A product's substitutes with their current statuses.
async fn substitutes(
    db: &impl ConnectionTrait,
    found: &product::Model,
) -> Result<Vec<ProductSummary>, ServiceError> {
    let rows = substitutes_of(db, &[found])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    with_statuses(db, rows).await
}

/// `rows` as summaries, each with its current status (one query for all).
pub(super) async fn with_statuses(
    db: &impl ConnectionTrait,
    rows: Vec<product::Model>,
) -> Result<Vec<ProductSummary>, ServiceError> {
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let mut statuses = history::current(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let status = statuses.remove(&p.id);
            summary(p, status)
        })
        .collect())
}

fn summary(row: product::Model, status: Option<StatusView>) -> ProductSummary {
    ProductSummary {
        maker: row.maker_id.map(|id| MakerRef {
            id,
            name: row.maker_name.clone().unwrap_or_default(),
        }),
        code: row.code,
        kind: row.kind.code(),
        name: row.name,
        ingredient: row.ingredient,
        specification: row.specification,
        group_code: row.group_code,
        maker_name: row.maker_name,
        category: row.category.map(|c| c.code().to_owned()),
        product_class: row.product_class.map(ProductClass::label_ja),
        price: row.price,
        stable_supply_category: row.stable_supply_category,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_matches_half_width_queries_against_full_width_names() {
        let stored = search_text(&[
            Some("2171022F5180"),
            Some("アムロジピン錠１０ｍｇ「サワイ」"),
            None,
        ]);
        assert!(stored.contains(&search_key("10mg")));
        assert!(stored.contains(&search_key("2171022f5180")));
    }
}
