//! One page of product search results, shared by the product search and the public status pages.

use serde::Deserialize;

use crate::domain::ProductKind;
use crate::http::AppState;
use crate::http::error::{AppError, encode_query};
use crate::services::products::{self, ProductQuery, ProductSummary};

/// Rows per page.
pub const PER_PAGE: u64 = 50;

/// The search form's fields.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    page: Option<u64>,
}

/// One page of results, shown by a page and by its htmx partial.
pub struct SearchResults {
    /// The words searched for.
    pub q: String,
    /// The products of this page, with their status.
    pub items: Vec<ProductSummary>,
    /// Matches in all.
    pub total: u64,
    /// This page (1-based).
    pub page: u64,
    /// Pages in all.
    pub pages: u64,
}

impl SearchResults {
    /// Runs the search of `params`, limited to `kind` when given.
    pub async fn load(
        state: &AppState,
        params: &SearchParams,
        kind: Option<ProductKind>,
    ) -> Result<Self, AppError> {
        let q = params.q.clone().unwrap_or_default();
        let page = params.page.unwrap_or(1).max(1);
        let query = ProductQuery {
            q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
            kind,
            page,
            per_page: PER_PAGE,
            ..ProductQuery::default()
        };
        let (items, total) = products::search(&state.db, &query)
            .await
            .map_err(AppError::page)?;
        Ok(Self {
            q,
            items,
            total,
            page,
            pages: total.div_ceil(PER_PAGE).max(1),
        })
    }

    /// The query string of page `page` of the same search.
    pub fn page_query(&self, page: u64) -> String {
        format!("q={}&page={page}", encode_query(&self.q))
    }

    /// The search words, encoded for a download link.
    pub fn download_query(&self) -> String {
        encode_query(&self.q)
    }
}
