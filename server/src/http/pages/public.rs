//! Public pages (no login): the live supply status search, a drug's public history, and the
//! weekly publications. Only public columns; nothing confidential is read here.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::search::{SearchParams, SearchResults};
use super::{Nav, is_htmx, render};
use crate::domain::ProductKind;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::MaybePageUser;
use crate::services::ServiceError;
use crate::services::products::{self, ProductDetail};
use crate::services::publication::{self, PublicationSummary};

/// The results table (htmx partial).
#[derive(Template)]
#[template(path = "public/results.html")]
pub struct SearchResultsPartial {
    results: SearchResults,
}

/// The public search page.
#[derive(Template)]
#[template(path = "public/index.html")]
pub struct PublicSearchPage {
    nav: Nav,
    results: SearchResults,
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
    let results = SearchResults::load(&state, &params, Some(ProductKind::Drug)).await?;
    if is_htmx(&req) {
        return render(&SearchResultsPartial { results });
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
    if product.summary.kind != ProductKind::Drug.code() {
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
