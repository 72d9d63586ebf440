//! The HTTP edge: one route table, thin handlers, the error type and the request identity.

pub mod api;
pub mod assets;
pub mod download;
pub mod error;
pub mod guards;
pub mod health;
pub mod identity;
pub mod pages;
pub mod upload;

use std::sync::Arc;

use actix_web::web;
use sea_orm::DatabaseConnection;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::paths;
use crate::services::allocation::CustomerCodes;
use crate::settings::Settings;
pub use error::AppError;

/// What every handler may reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The settings read at start.
    pub settings: Settings,
    /// Customer codes read for the caps' tie-break, kept for the life of the server.
    pub customer_codes: Arc<CustomerCodes>,
    /// Uploads running per user and bytes spooled to disk, shared by every worker.
    pub uploads: Arc<upload::UploadGate>,
}

/// The route table: every URL of the application. API routes added with `service` are also
/// collected into the OpenAPI document, so the document lists exactly these.
#[expect(
    clippy::too_many_lines,
    reason = "the one route table: every URL in one place"
)]
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .service(api::auth::create_token)
            .service(api::auth::delete_token)
            .service(api::auth::show_me)
            .service(api::me::change_own_password)
            .service(api::me::create_totp)
            .service(api::me::confirm_totp)
            // User management (issue 19).
            .service(api::admin_users::list_users)
            .service(api::admin_users::create_user)
            .service(api::admin_users::update_user)
            .service(api::admin_users::deactivate_user)
            .service(api::admin_users::reset_user_mfa)
            .service(api::products::list_products)
            .service(api::products::show_product)
            .service(api::supply_status::create_supply_status_report)
            .service(api::supply_status::upload_supply_status_reports)
            .service(api::public::list_public_supply_status)
            .service(api::public::list_publications)
            .service(api::public::download_publication)
            .service(api::subscriptions::create_public_subscription)
            .service(api::cases::create_supply_risk_report)
            .service(api::cases::list_supply_risk_reports)
            .service(api::cases::create_device_report)
            .service(api::cases::create_termination_notice)
            .service(api::cases::list_cases)
            .service(api::cases::show_case)
            .service(api::cases::create_transition)
            // Allocation caps (DESIGN §6).
            .service(api::allocation_data::upload_shipments)
            .service(api::allocation_data::upload_purchase_history)
            .service(api::allocation_plans::create_allocation_plan)
            .service(api::allocation_plans::list_allocation_plans)
            .service(api::allocation_plans::show_allocation_plan)
            .service(api::allocation_plans::create_allocation_computation)
            .service(api::allocation_plans::list_allocation_caps)
            .service(api::allocation_plans::download_month_caps)
            .service(api::allocation_reserve::create_reserve_request)
            .service(api::allocation_reserve::list_reserve_requests)
            .service(api::allocation_reserve::grant_reserve_request)
            // Substitute makers: requests and answers (issue 5).
            .service(api::substitutes::list_case_requests)
            .service(api::substitutes::create_case_requests)
            .service(api::substitutes::list_substitute_requests)
            .service(api::substitutes::show_substitute_request)
            .service(api::substitutes::create_substitute_response)
            // Dashboard, charts and the weekly summary (issue 7).
            .service(api::dashboard::show_dashboard)
            .service(api::dashboard::download_weekly_summary)
            .service(api::dashboard::show_dashboard_chart)
            // Early warning (issue 8).
            .service(api::early_warning::upload_dispensing)
            .service(api::early_warning::show_product_signals)
            .service(api::early_warning::list_likely_next)
            .service(api::early_warning::create_forecast_run)
            .service(api::early_warning::update_forecast_subscription)
            .service(api::early_warning::create_forecast_requests),
    )
    .route("/healthz", web::get().to(health::show_health))
    .route("/livez", web::get().to(health::show_liveness))
    .route("/static/{file}", web::get().to(assets::show_asset))
    .route("/", web::get().to(pages::home::show_home))
    .route(paths::LOGIN, web::get().to(pages::login::new_session_form))
    .route(paths::LOGIN, web::post().to(pages::login::create_session))
    .route("/logout", web::post().to(pages::login::delete_session))
    .route(
        "/login/mfa",
        web::post().to(pages::login::complete_second_step),
    )
    // One's own account (issue 19).
    .route("/me", web::get().to(pages::me::show_account))
    .route(
        "/me/password",
        web::post().to(pages::me::change_own_password),
    )
    .route(
        "/me/sessions/revoke",
        web::post().to(pages::me::revoke_session),
    )
    .route(
        "/me/tokens/{id}/revoke",
        web::post().to(pages::me::revoke_token),
    )
    .route("/me/mfa", web::get().to(pages::me::show_mfa))
    .route("/me/mfa/confirm", web::post().to(pages::me::confirm_mfa))
    .route(
        paths::INVITATION,
        web::get().to(pages::invitation::show_invitation),
    )
    .route(
        paths::INVITATION,
        web::post().to(pages::invitation::accept_invitation),
    )
    .route(
        "/admin/users",
        web::get().to(pages::admin_users::list_users),
    )
    .route(
        "/admin/users",
        web::post().to(pages::admin_users::invite_user),
    )
    .route(
        "/admin/users/{id}",
        web::post().to(pages::admin_users::change_user),
    )
    .route(
        "/admin/users/{id}/deactivate",
        web::post().to(pages::admin_users::deactivate_user),
    )
    .route(
        "/admin/users/{id}/mfa-reset",
        web::post().to(pages::admin_users::reset_user_mfa),
    )
    .route(
        paths::PRODUCTS,
        web::get().to(pages::products::list_products),
    )
    .route(paths::PRODUCT, web::get().to(pages::products::show_product))
    .route(
        paths::MY_PRODUCTS,
        web::get().to(pages::my_products::list_my_products),
    )
    .route(
        "/my/products/{code}/edit",
        web::get().to(pages::my_products::edit_status_form),
    )
    .route(
        "/my/products/{code}/row",
        web::get().to(pages::my_products::show_status_row),
    )
    .route(
        "/my/products/{code}/status",
        web::post().to(pages::my_products::create_status_report),
    )
    .route(
        "/my/supply-status/upload",
        web::get().to(pages::status_upload::new_upload_form),
    )
    .route(
        "/my/supply-status/upload",
        web::post().to(pages::status_upload::create_upload),
    )
    .route(
        "/my/supply-status/template.csv",
        web::get().to(pages::status_upload::download_template),
    )
    .route(
        "/my/supply-status/template.xlsx",
        web::get().to(pages::status_upload::download_list_template),
    )
    .route(paths::CASES, web::get().to(pages::cases::list_cases))
    .route(paths::CASE, web::get().to(pages::cases::show_case))
    .route(
        "/cases/{id}/steps",
        web::post().to(pages::cases::create_step),
    )
    .route(
        "/cases/{id}/reports/{receipt}.xlsx",
        web::get().to(pages::report_download::download_report),
    )
    .route(
        "/my/device-reports/new",
        web::get().to(pages::case_reports::new_device_report_form),
    )
    .route(
        "/my/device-reports",
        web::post().to(pages::case_reports::create_device_report),
    )
    .route(
        "/my/supply-risk-reports/new",
        web::get().to(pages::case_reports::new_supply_risk_form),
    )
    .route(
        "/my/supply-risk-reports",
        web::post().to(pages::case_reports::create_supply_risk),
    )
    .route("/public", web::get().to(pages::public::list_public_status))
    .route(
        paths::PUBLIC_PRODUCT,
        web::get().to(pages::public::show_public_product),
    )
    // Following a drug, and the feeds (issue 21).
    .route(
        "/public/products/{code}/subscriptions",
        web::post().to(pages::public::create_subscription),
    )
    .route(
        paths::PUBLIC_PRODUCT_FEED,
        web::get().to(pages::public::show_product_feed),
    )
    .route(
        paths::PUBLIC_CHANGES_FEED,
        web::get().to(pages::public::show_changes_feed),
    )
    .route(
        paths::SUBSCRIPTION_CONFIRM,
        web::get().to(pages::public::confirm_subscription),
    )
    .route(
        paths::SUBSCRIPTION_UNSUBSCRIBE,
        web::get().to(pages::public::show_unsubscribe),
    )
    .route(
        paths::SUBSCRIPTION_UNSUBSCRIBE,
        web::post().to(pages::public::unsubscribe),
    )
    .route(
        "/public/publications",
        web::get().to(pages::public::list_publications),
    )
    // Allocation caps (DESIGN §6).
    .route(
        "/my/shipments/upload",
        web::get().to(pages::data_upload::new_shipments_form),
    )
    .route(
        "/my/shipments/upload",
        web::post().to(pages::data_upload::create_shipments_upload),
    )
    .route(
        "/my/purchase-history/upload",
        web::get().to(pages::data_upload::new_purchase_history_form),
    )
    .route(
        "/my/purchase-history/upload",
        web::post().to(pages::data_upload::create_purchase_history_upload),
    )
    .route(
        paths::ALLOCATION_PLANS,
        web::get().to(pages::allocation_plans::list_plans),
    )
    .route(
        paths::ALLOCATION_PLANS,
        web::post().to(pages::allocation_plans::create_plan),
    )
    .route(
        paths::ALLOCATION_PLAN,
        web::get().to(pages::allocation_plans::show_plan),
    )
    .route(
        "/allocation-plans/{id}/customers",
        web::get().to(pages::allocation_plans::list_customer_caps),
    )
    .route(
        "/allocation-plans/{id}/computations",
        web::post().to(pages::allocation_plans::create_computation),
    )
    .route(
        "/allocation-plans/{id}/reserve-requests",
        web::post().to(pages::allocation_reserve::create_reserve_request),
    )
    .route(
        "/allocation-plans/{id}/reserve-requests/{request_id}/grant",
        web::post().to(pages::allocation_reserve::grant_reserve_request),
    )
    .route(
        "/admin/audit-log",
        web::get().to(pages::admin::list_audit_log),
    )
    .route(
        "/admin/audit-log.csv",
        web::get().to(pages::admin::download_audit_log),
    )
    // Substitute makers, contacts and the outbox (issue 5).
    .route(
        paths::MY_SUBSTITUTE_REQUESTS,
        web::get().to(pages::substitutes::list_substitute_requests),
    )
    .route(
        paths::MY_SUBSTITUTE_REQUEST,
        web::get().to(pages::substitutes::show_substitute_request),
    )
    .route(
        "/my/substitute-requests/{id}/responses",
        web::post().to(pages::substitutes::create_substitute_response),
    )
    .route(
        paths::EARLY_WARNING,
        web::get().to(pages::early_warning::show_early_warning),
    )
    .route(
        "/early-warning/runs",
        web::post().to(pages::early_warning::create_run),
    )
    .route(
        "/early-warning/subscription",
        web::post().to(pages::early_warning::update_subscription),
    )
    .route(
        "/supply-list/upload",
        web::get().to(pages::data_upload::new_supply_list_form),
    )
    .route(
        "/supply-list/upload",
        web::post().to(pages::data_upload::create_supply_list_upload),
    )
    .route(
        "/early-warning/dispensing/upload",
        web::get().to(pages::data_upload::new_dispensing_form),
    )
    .route(
        "/early-warning/dispensing/upload",
        web::post().to(pages::data_upload::create_dispensing_upload),
    )
    .route(
        "/cases/{id}/forecast-requests",
        web::post().to(pages::early_warning::create_forecast_requests),
    )
    .route(
        "/cases/{id}/substitutes",
        web::get().to(pages::substitutes::show_case_substitutes),
    )
    .route(
        "/cases/{id}/requests",
        web::post().to(pages::substitutes::create_case_requests),
    )
    .route(
        paths::MY_CONTACTS,
        web::get().to(pages::contacts::list_contacts),
    )
    .route(
        "/my/contacts/{id}/delivery",
        web::post().to(pages::contacts::update_contact_delivery),
    )
    .route(
        paths::MY_SUPPLY_MANAGER,
        web::post().to(pages::contacts::update_supply_manager),
    )
    .route(
        paths::ADMIN_OUTBOX,
        web::get().to(pages::outbox::list_outbox),
    )
    .route(
        "/admin/outbox/resend-failed",
        web::post().to(pages::outbox::resend_failed_outbox_kind),
    )
    .route(
        "/admin/outbox/{id}/resend",
        web::post().to(pages::outbox::resend_outbox_message),
    )
    // The ministry's dashboard (issue 7).
    .route(
        paths::DASHBOARD,
        web::get().to(pages::dashboard::show_dashboard),
    );
}

/// Turns unreadable JSON bodies and query strings into 400/422 problems instead of plain text.
pub fn extractor_errors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(1 << 20)
            .error_handler(|err, _| {
                AppError::bad_request(format!("JSON を読めません: {err}")).into()
            }),
    )
    .app_data(web::QueryConfig::default().error_handler(|err, req| {
        for_caller(
            req,
            AppError::bad_request(format!("クエリパラメータが正しくありません: {err}")),
        )
    }))
    .app_data(web::PathConfig::default().error_handler(|_, req| {
        for_caller(
            req,
            crate::services::ServiceError::NotFound(format!("{} は見つかりません", req.path()))
                .into(),
        )
    }))
    .app_data(web::FormConfig::default().error_handler(|err, _| {
        AppError::page(AppError::bad_request(format!(
            "フォームを読めません: {err}"
        )))
        .into()
    }));
}

/// Any address no route knows (and a known one asked with the wrong method): a Japanese 404
/// page for the browser, problem+json under `/api/`.
pub async fn show_not_found(
    req: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, actix_web::Error> {
    Err(for_caller(
        &req,
        crate::services::ServiceError::NotFound(
            "お探しのページは見つかりませんでした。アドレスをお確かめください。".to_owned(),
        )
        .into(),
    ))
}

/// The error as problem+json for the API, as a page for the browser.
fn for_caller(req: &actix_web::HttpRequest, error: AppError) -> actix_web::Error {
    if req.path().starts_with("/api/") {
        error.into()
    } else {
        AppError::page(error).into()
    }
}
