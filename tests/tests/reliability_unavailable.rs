//! A database that cannot serve is told honestly and fast: 503 problem+json with Retry-After
//! after the short acquire timeout, `/healthz` failing while `/livez` answers, and normal
//! answers again as soon as connections are free — on SQLite and PostgreSQL.

use reqwest::StatusCode;
use sea_orm::TransactionTrait;
use supplywatch::db::pool::{POSTGRES_CONNECTIONS, SQLITE_CONNECTIONS};
use supplywatch_tests::{Backend, TestApp, backends};

#[tokio::test]
async fn requests_get_503_with_retry_after_while_no_connection_is_free_and_recover_after()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        assert_eq!(
            app.get("/api/v1/products", &ministry).await?.status(),
            StatusCode::OK
        );
        // The test shares the server's pool: holding every connection starves the server.
        let size = match backend {
            Backend::Sqlite => SQLITE_CONNECTIONS,
            Backend::Postgres(_) => POSTGRES_CONNECTIONS,
        };
        let mut held = Vec::new();
        for _ in 0..size {
            held.push(app.db.begin().await?);
        }

        let response = app.get("/api/v1/products", &ministry).await?;
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            backend.name()
        );
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        assert!(
            retry_after.is_some_and(|s| s > 0),
            "Retry-After: {retry_after:?}"
        );
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let problem: serde_json::Value = response.json().await?;
        assert_eq!(problem["status"], 503);
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("何も保存していません")),
            "{problem}"
        );
        let health = app.client.get(app.url("/healthz")).send().await?;
        assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
        let live = app.client.get(app.url("/livez")).send().await?;
        assert_eq!(live.status(), StatusCode::OK, "the process itself is alive");

        for txn in held {
            txn.rollback().await?;
        }
        assert_eq!(
            app.get("/api/v1/products", &ministry).await?.status(),
            StatusCode::OK
        );
        assert_eq!(
            app.client.get(app.url("/healthz")).send().await?.status(),
            StatusCode::OK
        );
    }
    Ok(())
}
