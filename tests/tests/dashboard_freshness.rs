//! How fresh the cached dashboard is: data written through this server shows at its next
//! request; data written by another instance (here: straight into the database) shows within
//! the version TTL, on SQLite and PostgreSQL.

use std::time::Duration;

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use supplywatch::db::entity::{early_warning, product};
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
        // The demo's first early-warning list.
        let stored = early_warning::Entity::find().all(&app.db).await?;
        assert!(stored.len() >= 2, "the demo's list: {}", stored.len());
        assert_eq!(
            likely_next_on_dashboard(&app).await?,
            stored.len().to_string()
        );
        // Another instance stores tomorrow's list of one drug.
        let any = product::Entity::find()
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no product"))?;
        early_warning::ActiveModel {
            day: Set(stored[0].day + chrono::Days::new(1)),
            product_id: Set(any.id),
            rank: Set(1),
            score: Set(1.0),
            reasons: Set("理由".into()),
            computed_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
        tokio::time::sleep(VERSION_TTL + Duration::from_millis(100)).await;
        assert_eq!(likely_next_on_dashboard(&app).await?, "1");
    }
    Ok(())
}
