//! The daily early-warning list in the product, on SQLite and PostgreSQL: a drug going into ③
//! puts its same-spec neighbour on the nightly list with its reason in words, the list is kept
//! per day, a warned drug that then moves into ③ shows as a hit with its lead, the dashboard's
//! "likely next" is the same list, and nobody but the ministry sees the page.

use chrono::{Days, Utc};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use supplywatch::db::entity::{early_warning, product};
use supplywatch_tests::{TestApp, backends};

/// アムロジピン錠10mg「サワイ」 (maker@).
const GOING_SHORT: &str = "2171022F5180";
/// アムロジピン錠10mg「トーワ」 (maker2@), same group.
const NEIGHBOUR: &str = "2171022F5075";

async fn report_knock_on(app: &TestApp, email: &str, code: &str) -> anyhow::Result<()> {
    let token = app.token(email).await?;
    let (status, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            &token,
            &json!({"product_code": code, "shipping_status": "3", "reason": "1"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "status report: {body}");
    Ok(())
}

/// The part of `page` inside the element with `id`, up to its section's end.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    page.split(&format!("id=\"{id}\""))
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_nightly_list_warns_of_the_neighbour_with_its_reason_and_counts_the_hit()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        report_knock_on(&app, "maker@demo.example", GOING_SHORT).await?;
        let outcome = supplywatch::jobs::Job::KnockOnForecast
            .run(&app.jobs()?)
            .await?;
        assert!(outcome.contains("早期警戒リスト"), "{outcome}");
        app.log_in_session("ministry@demo.example").await?;
        let (status, page) = app.page("/early-warning").await?;
        assert_eq!(status, StatusCode::OK);
        let list = section(&page, "early-warning-list");
        // Japan's day (UTC+9 all year).
        let today = (Utc::now() + chrono::Duration::hours(9)).date_naive();
        assert!(list.contains(&today.to_string()), "{list}");
        let row = list
            .split("<tr>")
            .find(|r| r.contains(NEIGHBOUR))
            .unwrap_or_default();
        assert!(
            row.contains("同一規格のアムロジピン錠１０ｍｇ「サワイ」")
                && row.contains("本日限定出荷（他社品の影響）"),
            "{list}"
        );
        assert!(
            !list.contains(GOING_SHORT),
            "a drug already short is not warned of"
        );
        // The dashboard's "likely next" is the same list.
        let (_, dashboard) = app.page("/dashboard").await?;
        let likely = section(&dashboard, "likely-next");
        assert!(likely.contains("本日限定出荷（他社品の影響）"), "{likely}");
        // Yesterday's stored list had warned of the neighbour too; today it moves into ③.
        let neighbour = product::Entity::find()
            .filter(product::Column::Code.eq(NEIGHBOUR))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no {NEIGHBOUR}"))?;
        let yesterday = today - Days::new(1);
        early_warning::ActiveModel {
            day: Set(yesterday),
            product_id: Set(neighbour.id),
            rank: Set(1),
            score: Set(1.0),
            reasons: Set("同一規格の品目が限定出荷".into()),
            computed_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
        report_knock_on(&app, "maker2@demo.example", NEIGHBOUR).await?;
        let (_, page) = app.page("/early-warning").await?;
        let hits = section(&page, "early-warning-hits");
        assert!(hits.contains(&format!("{yesterday} 以降")), "{hits}");
        assert!(hits.contains("id=\"hit-count\">1<"), "{hits}");
        let hit = hits
            .split("<tr>")
            .find(|r| r.contains(NEIGHBOUR))
            .unwrap_or_default();
        assert!(
            hit.contains(&yesterday.to_string()) && hit.contains(&today.to_string()),
            "{hits}"
        );
        // Stored per day: today's list and yesterday's.
        let days = early_warning::Entity::find().all(&app.db).await?;
        assert!(days.iter().any(|w| w.day == today));
        assert!(days.iter().any(|w| w.day == yesterday));
    }
    Ok(())
}

#[tokio::test]
async fn only_the_ministry_opens_the_early_warning_page() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        for email in [
            "maker@demo.example",
            "wholesaler@demo.example",
            "association@demo.example",
            "admin@demo.example",
        ] {
            let app_user = TestApp::spawn(&backend).await?;
            app_user.log_in_session(email).await?;
            let (status, page) = app_user.page("/early-warning").await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
            assert!(!page.contains("early-warning-list"), "{email}");
        }
        app.log_in_session("ministry@demo.example").await?;
        let (status, _) = app.page("/early-warning").await?;
        assert_eq!(status, StatusCode::OK);
    }
    Ok(())
}
