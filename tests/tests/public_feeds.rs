//! The Atom feeds (issue 21), read by an Atom parser: a drug's reports and the newest 200 of
//! every drug, each a valid Atom 1.0 feed (id, title, updated, author; entries with id, title,
//! updated and a link to the drug's public page), newest first.

use std::str::FromStr;

use atom_syndication::Feed;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use supplywatch::db::entity::supply_status_report;
use supplywatch_tests::{TestApp, backends};

async fn feed(app: &TestApp, path: &str) -> anyhow::Result<Feed> {
    let response = app.client.get(app.url(path)).send().await?;
    anyhow::ensure!(
        response.status() == StatusCode::OK,
        "{path} gave {}",
        response.status()
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/atom+xml"),
        "{content_type}"
    );
    let text = response.text().await?;
    Feed::from_str(&text).map_err(|e| anyhow::anyhow!("{path} is not Atom: {e}\n{text}"))
}

fn assert_valid(feed: &Feed, what: &str) {
    assert!(!feed.id().is_empty(), "{what}: feed id");
    assert!(!feed.title().is_empty(), "{what}: feed title");
    assert!(!feed.authors().is_empty(), "{what}: feed author");
    assert!(
        feed.links().iter().any(|l| l.rel() == "self"),
        "{what}: self link"
    );
    let mut ids = std::collections::HashSet::new();
    for e in feed.entries() {
        assert!(
            ids.insert(e.id().to_owned()),
            "{what}: entry ids are unique"
        );
        assert!(!e.title().is_empty());
        assert!(
            e.links()
                .iter()
                .any(|l| l.href().contains("/public/products/"))
        );
        assert!(
            e.updated() <= feed.updated(),
            "{what}: the feed is as new as its newest entry"
        );
    }
    let times: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "{what}: newest first"
    );
}

#[tokio::test]
async fn a_drugs_feed_and_the_changes_feed_are_atom_with_the_newest_report_first()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let (status, _) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker,
                &json!({"product_code": "2171022F5180", "shipping_status": "5", "reason": "3", "volume_status": "C"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);

        let drug = feed(&app, "/public/products/2171022F5180/feed.atom").await?;
        assert_valid(&drug, "drug feed");
        assert!(drug.title().contains("アムロジピン錠１０ｍｇ「サワイ」"));
        let newest = drug
            .entries()
            .first()
            .ok_or_else(|| anyhow::anyhow!("no entry"))?;
        assert!(
            newest.title().contains("供給停止"),
            "{}",
            newest.title().as_str()
        );
        let summary = newest
            .summary()
            .map(atom_syndication::Text::as_str)
            .unwrap_or_default();
        assert!(summary.contains("⑰出荷量の状況：出荷停止"), "{summary}");
        assert!(
            newest.links()[0]
                .href()
                .ends_with("/public/products/2171022F5180")
        );

        let all = feed(&app, "/public/changes.atom").await?;
        assert_valid(&all, "changes feed");
        let reports = supply_status_report::Entity::find().count(&app.db).await?;
        assert_eq!(
            all.entries().len() as u64,
            reports.min(200),
            "the newest 200 changes ({})",
            backend.name()
        );
        assert!(
            all.entries()[0]
                .title()
                .contains("アムロジピン錠１０ｍｇ「サワイ」：供給停止")
        );

        let missing = app
            .client
            .get(app.url("/public/products/9999999X9999/feed.atom"))
            .send()
            .await?;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
    Ok(())
}
