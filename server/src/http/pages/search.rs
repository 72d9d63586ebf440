//! One page of product search results, shared by the product search and the public status pages.

use serde::Deserialize;

use crate::domain::{Paging, ProductKind};
use crate::http::AppState;
use crate::http::error::{AppError, encode_query};
use crate::services::accounts;
use crate::services::products::slice::{Filter, Pick, Slice};
use crate::services::products::{self, ProductQuery, ProductSummary};

impl SearchParams {
    /// The dashboard slice of the parameters, if any (422 page for a bad filter).
    fn slice(&self) -> Result<Option<Slice>, AppError> {
        let maker = match self
            .maker
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            None => None,
            Some(m) => Some(m.parse::<i32>().map_err(|_| {
                AppError::page(AppError::bad_request(format!(
                    "製造販売業者の指定「{m}」を読めません"
                )))
            })?),
        };
        let filter = Filter::parse(
            self.category.as_deref(),
            self.class.as_deref(),
            maker,
            self.ingredient.as_deref(),
        )
        .map_err(AppError::page)?;
        let pick = self.pick.as_deref().and_then(Pick::parse);
        Ok((!filter.is_empty() || pick.is_some()).then_some(Slice { filter, pick }))
    }
}

/// Rows per page.
pub const PER_PAGE: u64 = 50;

/// The search form's fields.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    page: Option<u64>,
    /// Dashboard slice (issue 7): 薬剤区分.
    category: Option<String>,
    /// 製品区分.
    class: Option<String>,
    /// Maker id.
    maker: Option<String>,
    /// Part of the 成分名.
    ingredient: Option<String>,
    /// The dashboard number followed (`shipping-2`, `short`, …).
    pick: Option<String>,
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
    /// The dashboard number the list shows, when followed from the dashboard.
    pub slice: Option<Slice>,
    /// The name of the slice's maker, when it names one.
    pub maker_name: Option<String>,
}

impl SearchResults {
    /// Runs the search of `params`, limited to `kind` when given.
    pub async fn load(
        state: &AppState,
        params: &SearchParams,
        kind: Option<ProductKind>,
    ) -> Result<Self, AppError> {
        let q = params.q.clone().unwrap_or_default();
        let page = Paging::parse(params.page, None, PER_PAGE, PER_PAGE)
            .map_err(|e| AppError::page(AppError::bad_request(e.message)))?
            .page();
        let slice = params.slice()?;
        let query = ProductQuery {
            q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
            slice: slice.clone(),
            kind,
            page,
            per_page: PER_PAGE,
            ..ProductQuery::default()
        };
        let (items, total) = products::search(&state.db, &query)
            .await
            .map_err(AppError::page)?;
        let maker_name = match slice.as_ref().and_then(|s| s.filter.maker_id) {
            Some(id) => Some(
                accounts::organization_name(&state.db, id)
                    .await
                    .map_err(AppError::page)?,
            ),
            None => None,
        };
        Ok(Self {
            maker_name,
            q,
            items,
            total,
            page,
            pages: total.div_ceil(PER_PAGE).max(1),
            slice,
        })
    }

    /// The query string of page `page` of the same search.
    pub fn page_query(&self, page: u64) -> String {
        let slice = self
            .slice_params()
            .into_iter()
            .fold(String::new(), |acc, (k, v)| {
                format!("{acc}&{k}={}", encode_query(&v))
            });
        format!("q={}&page={page}{slice}", encode_query(&self.q))
    }

    /// The slice as (name, value) pairs, for hidden form fields and page links.
    pub fn slice_params(&self) -> Vec<(&'static str, String)> {
        let Some(slice) = &self.slice else {
            return Vec::new();
        };
        let f = &slice.filter;
        let mut pairs = Vec::new();
        if let Some(c) = f.category {
            pairs.push(("category", c.label_ja().to_owned()));
        }
        if let Some(c) = f.product_class {
            pairs.push(("class", c.code().to_owned()));
        }
        if let Some(m) = f.maker_id {
            pairs.push(("maker", m.to_string()));
        }
        if let Some(i) = &f.ingredient {
            pairs.push(("ingredient", i.clone()));
        }
        if let Some(p) = &slice.pick {
            pairs.push(("pick", p.as_param()));
        }
        pairs
    }

    /// What the slice selects, in Japanese (e.g. 後発品・⑫ 限定出荷（自社の事情）).
    pub fn slice_label(&self) -> String {
        let Some(slice) = &self.slice else {
            return String::new();
        };
        let f = &slice.filter;
        let mut parts: Vec<String> = Vec::new();
        if let Some(c) = f.category {
            parts.push(c.label_ja().to_owned());
        }
        if let Some(c) = f.product_class {
            parts.push(c.label_ja().to_owned());
        }
        if f.maker_id.is_some() {
            parts.push(self.maker_name.clone().unwrap_or_default());
        }
        if let Some(i) = &f.ingredient {
            parts.push(format!("成分名「{i}」"));
        }
        if let Some(p) = &slice.pick {
            parts.push(p.label_ja());
        }
        parts.join("・")
    }

    /// The search words, encoded for a download link.
    pub fn download_query(&self) -> String {
        encode_query(&self.q)
    }
}
