//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.

pub mod admin_users;
pub mod allocation_data;
pub mod allocation_plans;
pub mod allocation_reserve;
mod allocation_views;
pub mod auth;
pub mod cases;
pub mod contract;
pub mod me;
pub mod products;
pub mod public;
pub mod subscriptions;
pub mod substitutes;
pub mod supply_status;

// Early warning (issue 8).
pub mod early_warning;

// Dashboard (issue 7).
pub mod dashboard;
mod dashboard_body;

use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI document's fixed parts; paths and schemas are collected from the route table.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "SupplyWatch API",
        description = "医療用医薬品・医療機器・体外診断用医薬品の供給状況モニタリング API",
        version = "1"
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "auth", description = "認証・自分のアカウント（パスワード・二要素認証）"),
        (name = "admin", description = "利用者の管理（システム管理者）"),
        (name = "products", description = "製品マスタ"),
        (name = "supply-status", description = "供給状況報告"),
        (name = "public", description = "公開情報（認証不要）"),
        (name = "cases", description = "供給不安報告・様式10-2/10-3・事案（非公開）"),
        (name = "substitutes", description = "代替品メーカーへの照会・協力依頼と回答"),
        (name = "allocation", description = "出荷数量・販売実績・配分計画と上限量"),
        (name = "dashboard", description = "厚生労働省ダッシュボード・グラフ・週次集計"),
        (name = "early-warning", description = "需要データ・需給シグナル・波及予測（厚生労働省のみ）")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document of the route table, completed as the contract (see [`contract`]).
pub fn contract_document(document: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut value = serde_json::to_value(document).unwrap_or_else(|e| {
        tracing::error!(error = %e, "Failed to serialise the OpenAPI document");
        serde_json::json!({})
    });
    contract::complete(&mut value);
    value
}

/// Serves the OpenAPI document built from the route table.
pub fn openapi_json(document: &utoipa::openapi::OpenApi) -> actix_web::Route {
    let body = contract_document(document).to_string();
    web::get().to(move || {
        let body = body.clone();
        async move {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(body)
        }
    })
}
