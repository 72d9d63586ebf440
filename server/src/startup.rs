//! Building and running the HTTP server on a bound listener (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{self, Next};
use actix_web::{App, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::http::{self, AppState, api};
use crate::services::dashboard::DashboardCache;
use crate::settings::Settings;

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `settings.bind` and prepares the server over an already migrated database.
    pub fn build(settings: Settings, db: DatabaseConnection) -> std::io::Result<Self> {
        let listener = TcpListener::bind(settings.bind)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            db,
            customer_codes: Arc::default(),
            uploads: Arc::new(http::upload::UploadGate::new(
                settings.uploads_per_user,
                settings.upload_disk_budget_bytes,
            )),
            settings,
        });
        let dashboard_cache = web::Data::new(DashboardCache::default());
        let server = actix_web::HttpServer::new(move || {
            let (app, document) = App::new()
                .into_utoipa_app()
                .openapi(api::ApiDoc::openapi())
                .app_data(state.clone())
                .app_data(dashboard_cache.clone())
                .configure(http::routes)
                .split_for_parts();
            app.wrap(middleware::from_fn(note_writes))
                .wrap(middleware::from_fn(http::guards::api_cross_site_writes))
                .wrap(middleware::from_fn(http::guards::refuse_nul))
                .wrap(middleware::from_fn(http::guards::security_headers))
                .wrap(middleware::from_fn(http::guards::body_deadlines))
                .wrap(TracingLogger::default())
                .configure(http::extractor_errors)
                .default_service(web::to(http::show_not_found))
                .route("/api/openapi.json", api::openapi_json(&document))
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self { port, server })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests (graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Tells the dashboard cache after every request that may have written data (anything but GET
/// and HEAD), so the next dashboard reads the data version again.
async fn note_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    let cache = req.app_data::<web::Data<DashboardCache>>().cloned();
    let response = next.call(req).await?;
    if writes && let Some(cache) = cache {
        cache.note_write();
    }
    Ok(response)
}

/// The OpenAPI document of the route table, without starting a server.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(api::ApiDoc::openapi())
        .configure(http::routes)
        .split_for_parts();
    document
}
