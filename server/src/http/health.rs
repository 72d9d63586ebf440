//! `GET /healthz`: 200 when the database stores a write (503 otherwise, e.g. a full disk or an
//! unreachable server); `GET /livez`: 200 while the process serves, whatever the database does.

use actix_web::{HttpResponse, web};

use super::AppState;
use crate::services::health;

/// Rewrites the probe row: proves the database both answers and stores.
pub async fn show_health(state: web::Data<AppState>) -> HttpResponse {
    match health::probe_write(&state.db, chrono::Utc::now()).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(e) => {
            tracing::error!(error = %e, cause = ?e, "health check: the database does not store");
            HttpResponse::ServiceUnavailable()
                .insert_header((
                    actix_web::http::header::RETRY_AFTER,
                    super::error::UNAVAILABLE_RETRY_AFTER.to_string(),
                ))
                .json(serde_json::json!({ "status": "unavailable" }))
        }
    }
}

/// The process is up and its workers answer; no database involved.
pub async fn show_liveness() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}
