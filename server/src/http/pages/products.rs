//! Product search and detail pages (品名, 成分名, code, maker), with htmx live search.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Nav, is_htmx, render};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::PageUser;
use crate::services::products::{self, ProductDetail, ProductQuery, ProductSummary};

/// Rows per page of the search page.
const PER_PAGE: u64 = 50;

/// Search form fields.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    page: Option<u64>,
}

/// One page of search results, shown by the page and by the htmx partial.
pub struct SearchResults {
    q: String,
    items: Vec<ProductSummary>,
    total: u64,
    page: u64,
    pages: u64,
}

/// The search results table (the htmx partial).
#[derive(Template)]
#[template(path = "products/results.html")]
pub struct ProductResultsPartial {
    results: SearchResults,
}

/// The search page.
#[derive(Template)]
#[template(path = "products/index.html")]
pub struct ProductSearchPage {
    nav: Nav,
    results: SearchResults,
}

/// The detail page.
#[derive(Template)]
#[template(path = "products/show.html")]
pub struct ProductPage {
    nav: Nav,
    product: ProductDetail,
}

impl SearchResults {
    /// The query string of page `page` of the same search.
    fn page_query(&self, page: u64) -> String {
        format!(
            "q={}&page={page}",
            crate::http::error::encode_query(&self.q)
        )
    }
}

impl ProductPage {
    /// 日本薬局方 / 麻薬 marks, in Japanese.
    fn marks(&self) -> String {
        let mut marks = Vec::new();
        if self.product.pharmacopoeia {
            marks.push("日本薬局方");
        }
        if self.product.narcotic {
            marks.push("麻薬");
        }
        if marks.is_empty() {
            "—".to_owned()
        } else {
            marks.join("・")
        }
    }

    /// The kind in Japanese.
    fn kind_label(&self) -> &'static str {
        crate::domain::ProductKind::parse(self.product.summary.kind)
            .map_or("—", crate::domain::ProductKind::label_ja)
    }
}

/// Searches; htmx requests get only the results table.
pub async fn list_products(
    req: HttpRequest,
    page_user: PageUser,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let q = params.q.clone().unwrap_or_default();
    let page = params.page.unwrap_or(1).max(1);
    let query = ProductQuery {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        page,
        per_page: PER_PAGE,
        ..ProductQuery::default()
    };
    let (items, total) = products::search(&state.db, &query)
        .await
        .map_err(AppError::page)?;
    let results = SearchResults {
        q,
        items,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
    };
    if is_htmx(&req) {
        return render(&ProductResultsPartial { results });
    }
    render(&ProductSearchPage {
        nav: Nav::for_user(&page_user),
        results,
    })
}

/// Shows one product.
pub async fn show_product(
    page_user: PageUser,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let product = products::find(&state.db, &code)
        .await
        .map_err(AppError::page)?;
    render(&ProductPage {
        nav: Nav::for_user(&page_user),
        product,
    })
}
