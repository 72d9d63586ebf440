//! How fresh the cached dashboard is: data written through this server shows at its next
//! request; data written by another instance (here: straight into the database) shows within
//! the version TTL, on SQLite and PostgreSQL.

use std::time::Duration;

use sea_orm::{ActiveModelTrait, Set};
use supplywatch::db::entity::forecast_run;
use supplywatch::services::dashboard::VERSION_TTL;
use supplywatch_tests::{TestApp, backends};

/// The "likely next" count the dashboard page shows.
async fn likely_next_on_dashboard(app: &TestApp) -> anyhow::Result<String> {
    let (_, page) = app.page("/dashboard").await?;
    let section = page
        .split("id=\"likely-next\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_default();
    Ok(section
        .split("\">")
        .find_map(|s| s.split_once("件</a>").map(|(n, _)| n.to_owned()))
        .unwrap_or_default())
}

#[tokio::test]
async fn another_instances_write_shows_on_the_dashboard_within_the_version_ttl()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        app.log_in_session("ministry@demo.example").await?;
        // The demo's first forecast run lists two products.
        assert_eq!(likely_next_on_dashboard(&app).await?, "2");
        forecast_run::ActiveModel {
            trigger: Set(supplywatch::domain::forecast::Trigger::Nightly),
            computed_at: Set(chrono::Utc::now()),
            groups: Set(1),
            likely_next: Set(0),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
        tokio::time::sleep(VERSION_TTL + Duration::from_millis(100)).await;
        assert_eq!(likely_next_on_dashboard(&app).await?, "0");
    }
    Ok(())
}
