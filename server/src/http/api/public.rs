//! The unauthenticated public API: live supply status (JSON, CSV, XLSX) and the weekly publications.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{Paging, ProductKind};
use crate::http::error::AppError;
use crate::http::{AppState, download};
use crate::services::products::public_filter::{PublicFilter, RawPublicFilter};
use crate::services::products::{self, ProductQuery, ProductSummary};
use crate::services::publication::{self, PublicationSummary};
use crate::services::supply_status::history::StatusView;
use crate::services::supply_status::public;
use crate::services::{FieldProblem, ServiceError};

/// Output formats.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON (default for the status).
    #[default]
    Json,
    /// CSV, UTF-8 with BOM (opens in Excel), the ministry's columns ①–⑱.
    Csv,
    /// XLSX in the ministry's layout.
    Xlsx,
}

/// Search and format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicStatusParams {
    /// Words matched against YJ code, 品名, 成分名 and maker; blank: every drug.
    pub q: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
    /// JSON only: rows per page (1–200); without it every match is returned.
    pub per_page: Option<u64>,
    /// JSON only: 1-based page, with `per_page`.
    pub page: Option<u64>,
    /// ⑫ codes `1`–`5`, several separated by commas (e.g. `2,3,4`).
    pub status: Option<String>,
    /// （重要）供給確保医薬品 category `A`, `B` or `C`, several separated by commas.
    pub category: Option<String>,
    /// Part of the maker's name (any width, hiragana or katakana).
    pub maker: Option<String>,
    /// Only drugs whose ⑫ or other columns changed on or after this day (`YYYY-MM-DD`).
    pub changed_since: Option<String>,
    /// `today`: only the rows marked `New` (本日の更新).
    pub updated: Option<String>,
}

impl PublicStatusParams {
    /// The filters of the query string.
    pub fn filter(&self) -> Result<PublicFilter, ServiceError> {
        PublicFilter::parse(&RawPublicFilter {
            status: self.status.as_deref(),
            category: self.category.as_deref(),
            maker: self.maker.as_deref(),
            changed_since: self.changed_since.as_deref(),
            updated: self.updated.as_deref(),
        })
    }
}

/// One drug's public status.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusItem {
    /// ⑤ YJ code.
    pub code: String,
    /// ⑥ 品名.
    pub name: String,
    /// ③ 成分名.
    pub ingredient: Option<String>,
    /// ⑦ 製造販売業者名.
    pub maker_name: Option<String>,
    /// ⑫ `1`–`5`; null before any report.
    pub shipping_status: Option<String>,
    /// ⑬ `1`–`8`.
    pub reason: Option<String>,
    /// ⑭ あり / なし / 未定.
    pub resolution_outlook: Option<String>,
    /// ⑮ `YYYY-MM`.
    pub resolution_month: Option<String>,
    /// ⑯ `A+`–`D`.
    pub volume_status: Option<String>,
    /// ⑰ date of the latest report.
    pub updated_on: Option<String>,
    /// （重要）供給確保医薬品 category (`A`, `B`, `C`), if any.
    pub stable_supply_category: Option<String>,
}

/// The public status.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusResponse {
    /// Matching drugs, by code.
    pub items: Vec<PublicStatusItem>,
    /// How many.
    pub total: usize,
    /// The filters applied, as query-string pairs (empty: none).
    pub filters: std::collections::BTreeMap<String, String>,
}

/// One weekly publication.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationItem {
    /// Id.
    pub id: i32,
    /// The Friday of the week.
    pub week_ending: String,
    /// When it was frozen (RFC 3339).
    pub published_at: String,
    /// Drugs in it.
    pub row_count: i32,
    /// Drugs by ⑫ (`1`–`5`).
    pub shipping_status_counts: std::collections::BTreeMap<String, i32>,
    /// Drugs by ⑯ (`A+`–`D`).
    pub volume_status_counts: std::collections::BTreeMap<String, i32>,
    /// Download as XLSX.
    pub xlsx_url: String,
    /// Download as CSV.
    pub csv_url: String,
}

/// Publications, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationListResponse {
    /// Newest first.
    pub items: Vec<PublicationItem>,
}

/// Format of a publication download.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// `xlsx` (default) or `csv`.
    #[param(inline)]
    pub format: Option<Format>,
}

/// The live public status of every drug, or of those matching `q`.
#[utoipa::path(
    tag = "public",
    security(()),
    params(PublicStatusParams),
    responses(
        (status = 200, description = "JSON, or CSV/XLSX with `format`", content(
            (PublicStatusResponse = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ))
    )
)]
#[get("/public/supply-status")]
pub async fn list_public_supply_status(
    state: web::Data<AppState>,
    params: web::Query<PublicStatusParams>,
) -> Result<HttpResponse, AppError> {
    let format = params.format.unwrap_or_default();
    let filter = params.filter()?;
    let new_since = public::new_since(&state.db).await?;
    let condition = if filter.is_empty() {
        None
    } else {
        Some(filter.condition(&state.db, new_since).await?)
    };
    let filters: std::collections::BTreeMap<String, String> = filter
        .query_pairs()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    if let (Format::Json, Some(per_page)) = (format, params.per_page) {
        let paging = Paging::parse(params.page, Some(per_page), 50, products::MAX_PER_PAGE)
            .map_err(|e| AppError::bad_request(e.message))?;
        let query = ProductQuery {
            q: params.q.clone(),
            kind: Some(ProductKind::Drug),
            public: condition,
            page: paging.page(),
            per_page: paging.per_page(),
            ..ProductQuery::default()
        };
        let (items, total) = products::search(&state.db, &query).await?;
        return Ok(HttpResponse::Ok().json(PublicStatusResponse {
            total: usize::try_from(total).unwrap_or(usize::MAX),
            items: items.iter().map(summary_item).collect(),
            filters,
        }));
    }
    let entries = public::all_matching(&state.db, params.q.as_deref(), condition).await?;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(PublicStatusResponse {
            total: entries.len(),
            items: entries
                .iter()
                .map(|e| {
                    let mut i = item(
                        &e.product.code,
                        &e.product.name,
                        e.product.ingredient.as_ref(),
                        e.product.maker_name.as_ref(),
                        e.status.as_ref(),
                    );
                    i.stable_supply_category
                        .clone_from(&e.product.stable_supply_category);
                    i
                })
                .collect(),
            filters,
        })),
        format => {
            let previous = publication::list(&state.db).await?.first().map(|p| {
                p.published_at
                    .with_timezone(&chrono_tz::Asia::Tokyo)
                    .date_naive()
            });
            let marks = public::changed_marks(&entries, previous);
            let rows: Vec<_> = entries
                .iter()
                .zip(marks)
                .map(|(e, changed)| e.list_row(changed))
                .collect();
            download(
                format,
                &format!("supply-status-{today}"),
                &supplywatch_reports::ministry_list::title(today),
                &rows,
            )
        }
    }
}

/// Weekly publications, newest first.
#[utoipa::path(
    tag = "public",
    security(()),
    responses((status = 200, description = "Publications", body = PublicationListResponse))
)]
#[get("/public/publications")]
pub async fn list_publications(
    state: web::Data<AppState>,
) -> Result<web::Json<PublicationListResponse>, AppError> {
    let items = publication::list(&state.db)
        .await?
        .iter()
        .map(publication_item)
        .collect();
    Ok(web::Json(PublicationListResponse { items }))
}

/// Downloads one publication as XLSX (the ministry's layout) or CSV.
#[utoipa::path(
    tag = "public",
    security(()),
    params(("id" = i32, Path, description = "Publication id"), DownloadParams),
    responses(
        (status = 200, description = "The frozen sheet", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv")
        )),
        (status = 404, description = "No such publication", content_type = "application/problem+json")
    )
)]
#[get("/public/publications/{id}")]
pub async fn download_publication(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    params: web::Query<DownloadParams>,
) -> Result<HttpResponse, AppError> {
    let (summary, rows) = publication::rows(&state.db, id.into_inner()).await?;
    let format = match params.format.unwrap_or(Format::Xlsx) {
        Format::Json => {
            return Err(ServiceError::invalid(FieldProblem::new(
                "format",
                "format",
                "公表データは xlsx または csv でダウンロードしてください",
            ))
            .into());
        }
        other => other,
    };
    let week = summary.week_ending;
    download(
        format,
        &format!("publication-{week}"),
        &supplywatch_reports::ministry_list::title(week),
        &rows,
    )
}

fn download(
    format: Format,
    file_stem: &str,
    title: &str,
    rows: &[supplywatch_reports::ministry_list::ListRow],
) -> Result<HttpResponse, AppError> {
    use supplywatch_reports::ministry_list::{write_csv, write_xlsx};
    let (bytes, content_type, extension) = match format {
        Format::Csv => (
            write_csv(rows).map_err(|e| ServiceError::Internal(e.to_string()))?,
            download::CSV,
            "csv",
        ),
        _ => (
            write_xlsx(title, rows).map_err(|e| ServiceError::Internal(e.to_string()))?,
            download::XLSX,
            "xlsx",
        ),
    };
    Ok(download::attachment(
        content_type,
        &format!("{file_stem}.{extension}"),
        bytes,
    ))
}

fn item(
    code: &str,
    name: &str,
    ingredient: Option<&String>,
    maker_name: Option<&String>,
    s: Option<&StatusView>,
) -> PublicStatusItem {
    PublicStatusItem {
        code: code.to_owned(),
        name: name.to_owned(),
        ingredient: ingredient.cloned(),
        maker_name: maker_name.cloned(),
        shipping_status: s.map(|s| s.shipping_status.code().to_owned()),
        reason: s.and_then(|s| s.reason).map(|r| r.code().to_owned()),
        resolution_outlook: s
            .and_then(|s| s.resolution_outlook)
            .map(|o| o.code().to_owned()),
        resolution_month: s.and_then(|s| s.resolution_month.clone()),
        volume_status: s.and_then(|s| s.volume_status).map(|v| v.code().to_owned()),
        updated_on: s.map(|s| s.updated_on.to_string()),
        stable_supply_category: None,
    }
}

fn summary_item(p: &ProductSummary) -> PublicStatusItem {
    let mut i = item(
        &p.code,
        &p.name,
        p.ingredient.as_ref(),
        p.maker_name.as_ref(),
        p.status.as_ref(),
    );
    i.stable_supply_category
        .clone_from(&p.stable_supply_category);
    i
}

fn publication_item(p: &PublicationSummary) -> PublicationItem {
    let mut shipping = std::collections::BTreeMap::new();
    let mut volume = std::collections::BTreeMap::new();
    if let Some(t) = &p.trend {
        for (code, n) in [
            ("1", t.shipping1),
            ("2", t.shipping2),
            ("3", t.shipping3),
            ("4", t.shipping4),
            ("5", t.shipping5),
        ] {
            shipping.insert(code.to_owned(), n);
        }
        for (code, n) in [
            ("A+", t.volume_a_plus),
            ("A", t.volume_a),
            ("B", t.volume_b),
            ("C", t.volume_c),
            ("D", t.volume_d),
        ] {
            volume.insert(code.to_owned(), n);
        }
    }
    PublicationItem {
        xlsx_url: format!("/api/v1/public/publications/{}?format=xlsx", p.id),
        csv_url: format!("/api/v1/public/publications/{}?format=csv", p.id),
        id: p.id,
        week_ending: p.week_ending.to_string(),
        published_at: p.published_at.to_rfc3339(),
        row_count: p.row_count,
        shipping_status_counts: shipping,
        volume_status_counts: volume,
    }
}
