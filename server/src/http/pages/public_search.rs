//! The public search (`/public`, and `/` for visitors): words matched kana-, width- and
//! case-blind, the filters (⑫ several, 供給確保医薬品 A/B/C, maker, changed since), all kept in
//! the URL, the page, the pager and the download links; and 「本日の更新」, the rows marked `New`.

use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::{Nav, is_htmx, render};
use crate::domain::supply_status::ShippingStatus;
use crate::domain::{Paging, ProductKind};
use crate::http::AppState;
use crate::http::error::{AppError, encode_query};
use crate::services::products::public_filter::{
    NewSince, PublicFilter, RawPublicFilter, STABLE_CATEGORIES,
};
use crate::services::products::{self, ProductQuery, ProductSummary};
use crate::services::supply_status::public;

/// Rows per page.
pub const PER_PAGE: u64 = 50;
/// Rows of 「本日の更新」 shown on the landing page.
const NEW_LISTED: u64 = 20;

/// One page of public results with its filters.
pub struct PublicResults {
    /// The words searched for.
    pub q: String,
    /// The filters.
    pub filter: PublicFilter,
    /// This page's drugs.
    pub items: Vec<ProductSummary>,
    /// Matches in all.
    pub total: u64,
    /// This page (1-based).
    pub page: u64,
    /// Pages in all.
    pub pages: u64,
}

impl PublicResults {
    /// The query string of the same search and filters (no page).
    pub fn query(&self) -> String {
        let mut pairs = vec![("q", self.q.clone())];
        pairs.extend(self.filter.query_pairs());
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode_query(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The query string of page `page`.
    pub fn page_query(&self, page: u64) -> String {
        format!("{}&page={page}", self.query())
    }

    /// Whether ⑫ `code` is ticked.
    pub fn has_status(&self, code: &str) -> bool {
        self.filter.statuses.iter().any(|s| s.code() == code)
    }

    /// Whether category `c` is ticked.
    pub fn has_category(&self, c: &char) -> bool {
        self.filter.categories.contains(c)
    }

    /// The maker words, for the input.
    pub fn maker(&self) -> &str {
        self.filter.maker.as_deref().unwrap_or("")
    }

    /// The day, for the date input.
    pub fn changed_since(&self) -> String {
        self.filter
            .changed_since
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    /// The ⑫ choices (code, label).
    pub fn status_choices(&self) -> Vec<(&'static str, &'static str)> {
        ShippingStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label_ja()))
            .collect()
    }

    /// The category choices.
    pub fn category_choices(&self) -> [char; 3] {
        STABLE_CATEGORIES
    }
}

/// 「本日の更新」: the first rows marked `New` and how many there are.
pub struct TodaysUpdates {
    /// The first rows.
    pub items: Vec<ProductSummary>,
    /// All of them.
    pub total: u64,
}

/// The results table (htmx partial), with 「本日の更新」 swapped out of band: it goes away while
/// something is asked and comes back when the search is cleared.
#[derive(Template)]
#[template(path = "public/results_live.html")]
pub struct PublicResultsPartial {
    results: PublicResults,
    today: Option<TodaysUpdates>,
}

/// The public search page.
#[derive(Template)]
#[template(path = "public/index.html")]
pub struct PublicSearchPage {
    nav: Nav,
    results: PublicResults,
    today: Option<TodaysUpdates>,
}

/// Reads the query string: each filter may be given once comma-separated (`status=2,3`) or
/// repeated (`status=2&status=3`, as the form's check boxes send it).
fn read_query(req: &HttpRequest) -> Result<(String, Option<u64>, PublicFilter), AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|_| AppError::page(AppError::bad_request("検索条件を読めません")))?;
    let joined = |name: &str| -> Option<String> {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    let q = joined("q").unwrap_or_default();
    let page = match joined("page") {
        None => None,
        Some(p) => Some(p.trim().parse::<u64>().map_err(|_| {
            AppError::page(AppError::bad_request(format!("ページ「{p}」を読めません")))
        })?),
    };
    let (status, category, maker, since, updated) = (
        joined("status"),
        joined("category"),
        joined("maker"),
        joined("changed_since"),
        joined("updated"),
    );
    let filter = PublicFilter::parse(&RawPublicFilter {
        status: status.as_deref(),
        category: category.as_deref(),
        maker: maker.as_deref(),
        changed_since: since.as_deref(),
        updated: updated.as_deref(),
    })
    .map_err(AppError::page)?;
    Ok((q, page, filter))
}

/// Runs the search of the request, and 「本日の更新」 when nothing is asked.
async fn load(
    state: &AppState,
    req: &HttpRequest,
) -> Result<(PublicResults, Option<TodaysUpdates>), AppError> {
    let (q, page, filter) = read_query(req)?;
    let page = Paging::parse(page, None, PER_PAGE, PER_PAGE)
        .map_err(|e| AppError::page(AppError::bad_request(e.message)))?
        .page();
    let new_since = public::new_since(&state.db).await.map_err(AppError::page)?;
    let condition = if filter.is_empty() {
        None
    } else {
        Some(
            filter
                .condition(&state.db, new_since)
                .await
                .map_err(AppError::page)?,
        )
    };
    let query = ProductQuery {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        kind: Some(ProductKind::Drug),
        public: condition,
        page,
        per_page: PER_PAGE,
        ..ProductQuery::default()
    };
    let (items, total) = products::search(&state.db, &query)
        .await
        .map_err(AppError::page)?;
    let today = if q.trim().is_empty() && filter.is_empty() {
        Some(todays_updates(state, new_since).await?)
    } else {
        None
    };
    Ok((
        PublicResults {
            q,
            filter,
            items,
            total,
            page,
            pages: total.div_ceil(PER_PAGE).max(1),
        },
        today,
    ))
}

async fn todays_updates(
    state: &AppState,
    new_since: Option<NewSince>,
) -> Result<TodaysUpdates, AppError> {
    let filter = PublicFilter {
        new_only: true,
        ..PublicFilter::default()
    };
    let condition = filter
        .condition(&state.db, new_since)
        .await
        .map_err(AppError::page)?;
    let query = ProductQuery {
        kind: Some(ProductKind::Drug),
        public: Some(condition),
        page: 1,
        per_page: NEW_LISTED,
        ..ProductQuery::default()
    };
    let (items, total) = products::search(&state.db, &query)
        .await
        .map_err(AppError::page)?;
    Ok(TodaysUpdates { items, total })
}

/// The public search page, or its results table for htmx.
pub async fn public_search(
    req: &HttpRequest,
    nav: Nav,
    state: &AppState,
) -> Result<HttpResponse, AppError> {
    if is_htmx(req) {
        let (results, today) = load(state, req).await?;
        return render(&PublicResultsPartial { results, today });
    }
    let (results, today) = load(state, req).await?;
    render(&PublicSearchPage {
        nav,
        results,
        today,
    })
}
