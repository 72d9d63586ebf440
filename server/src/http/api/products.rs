//! `GET /api/v1/products` and `GET /api/v1/products/{code}`: the product master.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::supply_status::ShippingStatus;
use crate::domain::{Paging, ProductKind};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::ApiUser;
use crate::services::products::{self, ProductDetail, ProductQuery, ProductSummary};
use crate::services::supply_status::history::{HistoryEntry, StatusView};
use crate::services::{FieldProblem, ServiceError};

/// Search parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductListParams {
    /// Words matched against code, 品名, 成分名, 規格 and maker (full- or half-width).
    pub q: Option<String>,
    /// Only this maker's products.
    pub maker_id: Option<i32>,
    /// `drug`, `device` or `ivd`.
    pub kind: Option<String>,
    /// Only products whose current ⑫ shipping status is this (`1`–`5`).
    pub shipping_status: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<u64>,
    /// Rows per page, 1–200 (default 50).
    pub per_page: Option<u64>,
}

/// A maker.
#[derive(Debug, Serialize, ToSchema)]
pub struct MakerBody {
    /// Organisation id.
    pub id: i32,
    /// Name.
    pub name: String,
}

/// The current public supply status (null until a maker reports one).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusBody {
    /// ⑫ 出荷対応の状況, `1`–`5`.
    pub shipping_status: String,
    /// ⑯ 出荷量の状況, `A+`, `A`, `B`, `C`, `D`.
    pub volume_status: Option<String>,
    /// ⑬ 理由, `1`–`8`.
    pub reason: Option<String>,
    /// ⑰ 情報更新日.
    pub updated_on: String,
}

/// One product.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductBody {
    /// YJ code (drugs) or GTIN (devices, IVDs).
    pub code: String,
    /// `drug`, `device` or `ivd`.
    pub kind: String,
    /// 品名 / 販売名.
    pub name: String,
    /// 成分名.
    pub ingredient: Option<String>,
    /// 規格単位.
    pub specification: Option<String>,
    /// First 9 characters of a drug code: its same-spec group.
    pub group_code: Option<String>,
    /// The maker, when known.
    pub maker: Option<MakerBody>,
    /// 薬剤区分.
    pub category: Option<String>,
    /// 製品区分.
    pub product_class: Option<String>,
    /// 薬価 as printed in the price list.
    pub price: Option<String>,
    /// Current supply status.
    pub status: Option<StatusBody>,
}

/// A page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductListResponse {
    /// The products of this page.
    pub items: Vec<ProductBody>,
    /// How many match in all.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

/// A product's name and price in one edition of the price list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionBody {
    /// Edition date.
    pub edition: String,
    /// 品名.
    pub name: String,
    /// 薬価.
    pub price: Option<String>,
}

/// A substitute product.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubstituteBody {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The maker's organisation, as in product items (null when the maker has no account).
    pub maker: Option<MakerBody>,
    /// Maker's name as in the price list.
    pub maker_name: Option<String>,
}

/// One supply status report in a product's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryBody {
    /// 受付番号.
    pub receipt_number: String,
    /// ⑫.
    pub shipping_status: String,
    /// ⑯.
    pub volume_status: Option<String>,
    /// ⑬.
    pub reason: Option<String>,
    /// 原因医薬品.
    pub causing_product_code: Option<String>,
    /// ⑭.
    pub resolution_outlook: Option<String>,
    /// ⑮.
    pub resolution_month: Option<String>,
    /// The list's ⑯ free text (見込み時期・在庫消尽時期).
    pub resolution_note: Option<String>,
    /// The list's ⑱ 改善見込み時期, `a`–`e`.
    pub improvement_timing: Option<String>,
    /// The list's ⑲ 改善見込み量 (%).
    pub improvement_percent: Option<i32>,
    /// The list's ⑬: the day ⑫ last changed.
    pub shipping_changed_on: Option<String>,
    /// The list's ⑳: the day anything else last changed.
    pub other_changed_on: Option<String>,
    /// When it was received (RFC 3339).
    pub submitted_at: String,
    /// ⑰ 報告日.
    pub reported_on: String,
    /// Who filed it.
    pub submitted_by: Option<String>,
    /// What changed against the previous report, in Japanese.
    pub changes: Vec<String>,
}

/// One product with its editions and substitutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductDetailResponse {
    /// The list fields.
    #[serde(flatten)]
    pub product: ProductBody,
    /// 薬効分類.
    pub therapeutic_class: Option<String>,
    /// JMDN code (devices).
    pub jmdn: Option<String>,
    /// 承認番号等 (devices).
    pub approval_number: Option<String>,
    /// Price-list editions, newest first.
    pub editions: Vec<EditionBody>,
    /// Same-spec products (drugs) or declared substitutes (devices).
    pub substitutes: Vec<SubstituteBody>,
    /// Supply status reports, newest first.
    pub history: Vec<HistoryBody>,
}

/// Searches the product master.
#[utoipa::path(
    tag = "products",
    params(ProductListParams),
    responses(
        (status = 200, description = "Matching products", body = ProductListResponse),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", content_type = "application/problem+json")
    )
)]
#[get("/products")]
pub async fn list_products(
    _user: ApiUser,
    state: web::Data<AppState>,
    params: web::Query<ProductListParams>,
) -> Result<web::Json<ProductListResponse>, AppError> {
    let params = params.into_inner();
    let kind = params
        .kind
        .as_deref()
        .map(str::parse::<ProductKind>)
        .transpose()
        .map_err(|e| ServiceError::invalid(FieldProblem::from_field_error("kind", &e)))?;
    let shipping_status = params
        .shipping_status
        .as_deref()
        .map(ShippingStatus::parse)
        .transpose()
        .map_err(|e| {
            ServiceError::invalid(FieldProblem::from_field_error("shipping_status", &e))
        })?;
    let paging = Paging::parse(params.page, params.per_page, 50, products::MAX_PER_PAGE)
        .map_err(|e| AppError::bad_request(e.message))?;
    let query = ProductQuery {
        q: params.q,
        maker_id: params.maker_id,
        kind,
        shipping_status,
        page: paging.page(),
        per_page: paging.per_page(),
        ..ProductQuery::default()
    };
    let (items, total) = products::search(&state.db, &query).await?;
    Ok(web::Json(ProductListResponse {
        items: items.into_iter().map(product_body).collect(),
        total,
        page: query.page,
        per_page: query.per_page,
    }))
}

/// One product by YJ code or GTIN.
#[utoipa::path(
    tag = "products",
    params(("code" = String, Path, description = "YJ code or GTIN")),
    responses(
        (status = 200, description = "The product", body = ProductDetailResponse),
        (status = 401, description = "No valid credentials", content_type = "application/problem+json"),
        (status = 404, description = "No such product", content_type = "application/problem+json")
    )
)]
#[get("/products/{code}")]
pub async fn show_product(
    _user: ApiUser,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<ProductDetailResponse>, AppError> {
    let detail = products::find(&state.db, &code).await?;
    Ok(web::Json(detail_body(detail)))
}

fn product_body(p: ProductSummary) -> ProductBody {
    ProductBody {
        code: p.code,
        kind: p.kind.to_owned(),
        name: p.name,
        ingredient: p.ingredient,
        specification: p.specification,
        group_code: p.group_code,
        maker: p.maker.map(|m| MakerBody {
            id: m.id,
            name: m.name,
        }),
        category: p.category,
        product_class: p.product_class.map(str::to_owned),
        price: p.price,
        status: p.status.as_ref().map(status_body),
    }
}

fn status_body(s: &StatusView) -> StatusBody {
    StatusBody {
        shipping_status: s.shipping_status.code().to_owned(),
        volume_status: s.volume_status.map(|v| v.code().to_owned()),
        reason: s.reason.map(|r| r.code().to_owned()),
        updated_on: s.updated_on.to_string(),
    }
}

fn history_body(h: HistoryEntry) -> HistoryBody {
    HistoryBody {
        receipt_number: h.receipt_number,
        shipping_status: h.status.shipping_status.code().to_owned(),
        volume_status: h.status.volume_status.map(|v| v.code().to_owned()),
        reason: h.status.reason.map(|r| r.code().to_owned()),
        causing_product_code: h.status.causing_product_code,
        resolution_outlook: h.status.resolution_outlook.map(|o| o.code().to_owned()),
        resolution_month: h.status.resolution_month,
        resolution_note: h.status.extra.resolution_note,
        improvement_timing: h
            .status
            .extra
            .improvement_timing
            .map(|t| t.code().to_owned()),
        improvement_percent: h.status.extra.improvement_percent,
        shipping_changed_on: h.status.extra.shipping_changed_on.map(|d| d.to_string()),
        other_changed_on: h.status.extra.other_changed_on.map(|d| d.to_string()),
        submitted_at: h.submitted_at.to_rfc3339(),
        reported_on: h.status.updated_on.to_string(),
        submitted_by: h.submitted_by,
        changes: h.changes,
    }
}

fn detail_body(d: ProductDetail) -> ProductDetailResponse {
    ProductDetailResponse {
        therapeutic_class: d.therapeutic_class,
        jmdn: d.jmdn,
        approval_number: d.approval_number,
        editions: d
            .revisions
            .into_iter()
            .map(|r| EditionBody {
                edition: r.edition,
                name: r.name,
                price: r.price,
            })
            .collect(),
        substitutes: d
            .substitutes
            .into_iter()
            .map(|s| SubstituteBody {
                maker: s.maker.map(|m| MakerBody {
                    id: m.id,
                    name: m.name,
                }),
                code: s.code,
                name: s.name,
                maker_name: s.maker_name,
            })
            .collect(),
        history: d.history.into_iter().map(history_body).collect(),
        product: product_body(d.summary),
    }
}
