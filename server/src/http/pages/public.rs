//! Public pages (no login): the live supply status search, a drug's public history, and the
//! weekly publications. Only public columns; nothing confidential is read here.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Nav, is_htmx, render};
use crate::domain::ProductKind;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::MaybePageUser;
use crate::services::ServiceError;
use crate::services::products::{self, ProductDetail, ProductQuery, ProductSummary};
use crate::services::publication::{self, PublicationSummary};

/// Rows per page.
const PER_PAGE: u64 = 50;

/// Search form fields.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    page: Option<u64>,
}

/// One page of public results.
pub struct PublicResults {
    q: String,
    items: Vec<ProductSummary>,
    total: u64,
    page: u64,
    pages: u64,
}

impl PublicResults {
    /// The query string of page `page` of the same search.
    fn page_query(&self, page: u64) -> String {
        format!(
            "q={}&page={page}",
            crate::http::error::encode_query(&self.q)
        )
    }

    /// The CSV download of the same search.
    fn download_query(&self) -> String {
        crate::http::error::encode_query(&self.q)
    }
}

/// The results table (htmx partial).
#[derive(Template)]
#[template(path = "public/results.html")]
pub struct PublicResultsPartial {
    results: PublicResults,
}

/// The public search page.
#[derive(Template)]
#[template(path = "public/index.html")]
pub struct PublicSearchPage {
    nav: Nav,
    results: PublicResults,
}

/// A drug's public page with its history.
#[derive(Template)]
#[template(path = "public/product.html")]
pub struct PublicProductPage {
    nav: Nav,
    product: ProductDetail,
}

/// The publications page.
#[derive(Template)]
#[template(path = "public/publications.html")]
pub struct PublicationsPage {
    nav: Nav,
    publications: Vec<PublicationSummary>,
}

fn nav(user: &MaybePageUser) -> Nav {
    user.0.as_ref().map(Nav::for_user).unwrap_or_default()
}

/// Searches the live public status.
pub async fn list_public_status(
    req: HttpRequest,
    user: MaybePageUser,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let q = params.q.clone().unwrap_or_default();
    let page = params.page.unwrap_or(1).max(1);
    let query = ProductQuery {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        kind: Some(ProductKind::Drug),
        page,
        per_page: PER_PAGE,
        ..ProductQuery::default()
    };
    let (items, total) = products::search(&state.db, &query)
        .await
        .map_err(AppError::page)?;
    let results = PublicResults {
        q,
        items,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
    };
    if is_htmx(&req) {
        return render(&PublicResultsPartial { results });
    }
    render(&PublicSearchPage {
        nav: nav(&user),
        results,
    })
}

/// A drug's public status history.
pub async fn show_public_product(
    user: MaybePageUser,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let product = products::find(&state.db, &code)
        .await
        .map_err(AppError::page)?;
    if product.summary.kind != ProductKind::Drug.as_str() {
        return Err(AppError::page(ServiceError::NotFound(format!(
            "{} の公開情報はありません",
            product.summary.code
        ))));
    }
    render(&PublicProductPage {
        nav: nav(&user),
        product,
    })
}

/// The weekly publications, newest first.
pub async fn list_publications(
    user: MaybePageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let publications = publication::list(&state.db).await.map_err(AppError::page)?;
    render(&PublicationsPage {
        nav: nav(&user),
        publications,
    })
}
