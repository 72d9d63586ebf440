//! The wholesaler's reserve forms on a plan's page: recording a customer without history and
//! granting from the reserve; a refusal shows the plan again with the problems.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::access::PageForm;
use super::allocation_plans::{PlanQuery, number, plan_page, see_other};
use super::render;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{PageUser, actor};
use crate::services::ServiceError;
use crate::services::allocation::reserve;

/// A reserve request as typed.
#[derive(Debug, Deserialize)]
pub struct RequestForm {
    customer_code: String,
    customer_name: String,
    requested: String,
    #[serde(default)]
    note: String,
}

/// A grant as typed.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    granted: String,
}

async fn back_or_problems(
    state: &AppState,
    page: &PageUser,
    id: i32,
    result: Result<(), ServiceError>,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/allocation-plans/{id}#reserve"))),
        Err(ServiceError::Invalid(problems)) => {
            let query = PlanQuery {
                version: None,
                q: String::new(),
            };
            let mut response = render(&plan_page(state, page, id, &query, problems).await?)?;
            *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(AppError::page(other)),
    }
}

/// Records a reserve request (wholesaler).
pub async fn create_reserve_request(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: PageForm<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let result = match number("requested", &form.requested) {
        Ok(requested) => {
            let new = reserve::NewRequest {
                customer_code: form.customer_code,
                customer_name: form.customer_name,
                requested,
                note: Some(form.note),
            };
            reserve::create(
                &state.db,
                &page.user,
                *id,
                new,
                &actor(&req, &page.user),
                chrono::Utc::now(),
            )
            .await
            .map(|_| ())
        }
        Err(e) => Err(e),
    };
    back_or_problems(&state, &page, *id, result).await
}

/// Grants from the reserve (wholesaler).
pub async fn grant_reserve_request(
    req: HttpRequest,
    page: PageUser,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    form: PageForm<GrantForm>,
) -> Result<HttpResponse, AppError> {
    let (id, request_id) = path.into_inner();
    let result = match number("granted", &form.granted) {
        Ok(granted) => reserve::grant(
            &state.db,
            &page.user,
            id,
            request_id,
            granted,
            &actor(&req, &page.user),
            chrono::Utc::now(),
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    back_or_problems(&state, &page, id, result).await
}
