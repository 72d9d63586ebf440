//! `/api/v1/allocation-plans/{id}/reserve-requests`: a wholesaler records customers without
//! history asking for part of a plan's reserve and grants from its own reserve; the ministry
//! reads every wholesaler's requests.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::services::allocation::{Scope, reserve};

/// A reserve request as the wholesaler records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReserveRequest {
    /// The customer's code.
    pub customer_code: String,
    /// Its name.
    pub customer_name: String,
    /// Sales packages asked for.
    pub requested: i64,
    /// Why.
    pub note: Option<String>,
}

/// A grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantReserve {
    /// Sales packages granted (0 to withdraw).
    pub granted: i64,
}

/// A recorded request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReserveRequestItem {
    /// Id.
    pub id: i32,
    /// The customer's code.
    pub customer_code: String,
    /// Its name.
    pub customer_name: String,
    /// Asked for.
    pub requested: i64,
    /// Granted, once decided.
    pub granted: Option<i64>,
    /// Why.
    pub note: Option<String>,
}

/// A plan's requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReserveRequestList {
    /// Oldest first.
    pub items: Vec<ReserveRequestItem>,
}

/// Records a customer without history asking for part of the reserve (wholesaler).
#[utoipa::path(
    tag = "allocation",
    params(("id" = i32, Path, description = "Plan id")),
    request_body = CreateReserveRequest,
    responses(
        (status = 201, description = "Recorded", body = ReserveRequestItem),
        (status = 409, description = "Already recorded", content_type = "application/problem+json"),
        (status = 422, description = "The customer has history, or bad values", content_type = "application/problem+json")
    )
)]
#[post("/allocation-plans/{id}/reserve-requests")]
pub async fn create_reserve_request(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    body: web::Json<CreateReserveRequest>,
) -> Result<HttpResponse, AppError> {
    let plan_id = path.into_inner();
    let body = body.into_inner();
    let new = reserve::NewRequest {
        customer_code: body.customer_code,
        customer_name: body.customer_name,
        requested: body.requested,
        note: body.note,
    };
    let id = reserve::create(
        &state.db,
        &user,
        plan_id,
        new,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    let item = request_items(&state, Scope::of(&user)?, plan_id)
        .await?
        .into_iter()
        .find(|r| r.id == id);
    Ok(HttpResponse::Created().json(item))
}

/// A plan's reserve requests (a wholesaler's own; all for the ministry).
#[utoipa::path(
    tag = "allocation",
    params(("id" = i32, Path, description = "Plan id")),
    responses((status = 200, description = "Requests", body = ReserveRequestList))
)]
#[get("/allocation-plans/{id}/reserve-requests")]
pub async fn list_reserve_requests(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let items = request_items(&state, Scope::of(&user)?, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ReserveRequestList { items }))
}

/// Grants from the wholesaler's reserve; never beyond it.
#[utoipa::path(
    tag = "allocation",
    params(("id" = i32, Path, description = "Plan id"), ("request_id" = i32, Path, description = "Request id")),
    request_body = GrantReserve,
    responses(
        (status = 200, description = "Granted", body = ReserveRequestItem),
        (status = 422, description = "Beyond the reserve or the request", content_type = "application/problem+json")
    )
)]
#[post("/allocation-plans/{id}/reserve-requests/{request_id}/grant")]
pub async fn grant_reserve_request(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    body: web::Json<GrantReserve>,
) -> Result<HttpResponse, AppError> {
    let (plan_id, request_id) = path.into_inner();
    reserve::grant(
        &state.db,
        &user,
        plan_id,
        request_id,
        body.granted,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    let item = request_items(&state, Scope::of(&user)?, plan_id)
        .await?
        .into_iter()
        .find(|r| r.id == request_id);
    Ok(HttpResponse::Ok().json(item))
}

async fn request_items(
    state: &AppState,
    scope: Scope,
    plan_id: i32,
) -> Result<Vec<ReserveRequestItem>, AppError> {
    Ok(reserve::list(&state.db, scope, plan_id)
        .await?
        .into_iter()
        .map(|r| ReserveRequestItem {
            id: r.request.id,
            customer_code: r.customer_code,
            customer_name: r.customer_name,
            requested: r.request.requested,
            granted: r.request.granted,
            note: r.request.note,
        })
        .collect())
}
