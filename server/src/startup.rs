//! Building and running the HTTP server on a bound listener (port 0 in tests).

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::http::{self, AppState, api};
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
        let state = web::Data::new(AppState { db, settings });
        let dashboard_cache = web::Data::new(crate::services::dashboard::DashboardCache::default());
        let server = actix_web::HttpServer::new(move || {
            let (app, document) = App::new()
                .into_utoipa_app()
                .openapi(api::ApiDoc::openapi())
                .app_data(state.clone())
                .app_data(dashboard_cache.clone())
                .configure(http::routes)
                .split_for_parts();
            app.wrap(TracingLogger::default())
                .configure(http::extractor_errors)
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

/// The OpenAPI document of the route table, without starting a server.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(api::ApiDoc::openapi())
        .configure(http::routes)
        .split_for_parts();
    document
}
