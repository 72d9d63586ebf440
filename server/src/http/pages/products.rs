//! Product search and detail pages (品名, 成分名, code, maker), with htmx live search.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::early_warning::SignalsView;
use super::search::{SearchParams, SearchResults};
use super::{Nav, is_htmx, render};
use crate::domain::Role;
use crate::domain::product::ProductCode;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::PageUser;
use crate::services::early_warning;
use crate::services::products::{self, ProductDetail};

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
    /// The ministry's signals-and-forecast card (others see none).
    signals: Option<SignalsView>,
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
        self.product
            .summary
            .kind
            .parse::<crate::domain::ProductKind>()
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
    let results = SearchResults::load(&state, &params, None).await?;
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
    let signals = ministry_signals(&state, &page_user, &product).await?;
    render(&ProductPage {
        nav: Nav::for_user(&page_user),
        product,
        signals,
    })
}

/// The signals card, for the ministry and a drug with a same-spec group.
async fn ministry_signals(
    state: &AppState,
    page_user: &PageUser,
    product: &ProductDetail,
) -> Result<Option<SignalsView>, AppError> {
    if page_user.user.role != Role::Ministry || product.summary.group_code.is_none() {
        return Ok(None);
    }
    let Ok(code) = ProductCode::parse(&product.summary.code) else {
        return Ok(None);
    };
    let group = early_warning::for_product(&state.db, &page_user.user, &code, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    Ok(group.as_ref().map(SignalsView::of))
}
