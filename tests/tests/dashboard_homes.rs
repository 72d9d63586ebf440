//! Each role's home page: the maker sees what is due (statuses not confirmed this month,
//! overdue case steps) and its receipts; the association its supported cases; the wholesaler
//! where plans and caps will appear; the ministry goes to the dashboard.

use reqwest::StatusCode;
use serde_json::json;
use supplywatch_tests::{Backend, TestApp, backends};

#[tokio::test]
async fn a_maker_sees_the_statuses_due_this_month_and_its_latest_receipt() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        app.log_in_session("maker@demo.example").await?;
        let (status, before) = app.page("/").await?;
        assert_eq!(status, StatusCode::OK);
        assert!(before.contains("今日やること"), "{before}");
        // 沢井製薬's four demo drugs were last reported weeks ago: all four are due.
        assert!(
            before.contains("<span class=\"due\">4品目</span>"),
            "{before}"
        );
        let (status, filed) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker,
                &json!({"product_code": "6241013F2209", "shipping_status": "1", "volume_status": "A"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let receipt = filed["receipt_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (_, after) = app.page("/").await?;
        assert!(
            after.contains("<span class=\"due\">3品目</span>"),
            "one fewer due"
        );
        let receipts = after.split("id=\"receipts\"").nth(1).unwrap_or_default();
        assert!(
            receipts.contains(&receipt),
            "the new receipt is listed first"
        );
        let requests = after
            .split("id=\"due-requests\"")
            .nth(1)
            .unwrap_or_default();
        assert!(
            requests.contains("照会はありません")
                || requests.contains("の照会が回答を待っています"),
            "the requests awaiting its answer are counted: {}",
            requests.chars().take(200).collect::<String>()
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_maker_sees_its_open_cases_on_its_home() -> anyhow::Result<()> {
    for backend in backends()? {
        a_maker_sees_its_open_cases_on_its_home_on(backend).await?;
    }
    Ok(())
}

async fn a_maker_sees_its_open_cases_on_its_home_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let (status, filed) = app
        .post_json(
            "/api/v1/supply-risk-reports",
            &maker,
            &json!({"product_code": "2171022F5180", "details": "原薬の入荷遅延"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED);
    app.log_in_session("maker@demo.example").await?;
    let (_, home) = app.page("/").await?;
    let cases = home.split("id=\"open-cases\"").nth(1).unwrap_or_default();
    assert!(
        cases.contains(&format!("/cases/{}", filed["case_id"])),
        "{cases}"
    );
    assert!(home.contains("期限を過ぎた事案の手続きはありません"));
    Ok(())
}

#[tokio::test]
async fn an_association_sees_the_cases_it_was_asked_to_support() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let (_, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": "2171022F5180"}),
            )
            .await?;
        let case_id = i32::try_from(filed["case_id"].as_i64().unwrap_or_default())?;
        app.log_in_session("association@demo.example").await?;
        let (_, empty) = app.page("/").await?;
        assert!(empty.contains("支援を依頼された事案はありません"));
        let association = supplywatch::services::accounts::organizations_of_kind(
            &app.db,
            supplywatch::domain::OrganizationKind::Association,
        )
        .await?
        .remove(0);
        supplywatch::services::cases::add_supporter(
            &app.db,
            case_id,
            association.id,
            chrono::Utc::now(),
        )
        .await?;
        let (_, home) = app.page("/").await?;
        assert!(home.contains(&format!("/cases/{case_id}")), "{home}");
    }
    Ok(())
}

#[tokio::test]
async fn the_ministry_goes_home_to_the_dashboard_and_a_wholesaler_to_its_to_dos()
-> anyhow::Result<()> {
    for backend in backends()? {
        the_ministry_goes_home_to_the_dashboard_and_a_wholesaler_to_its_to_dos_on(backend).await?;
    }
    Ok(())
}

async fn the_ministry_goes_home_to_the_dashboard_and_a_wholesaler_to_its_to_dos_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    app.log_in_session("ministry@demo.example").await?;
    let response = app.client.get(app.url("/")).send().await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/dashboard")
    );
    let other = TestApp::spawn(&backend).await?;
    other.log_in_session("wholesaler@demo.example").await?;
    let (status, home) = other.page("/").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("ダウンロードできる上限量"));
    assert!(
        home.contains("/api/v1/allocation-caps?month=") && home.contains("/allocation-plans/1"),
        "the demo plan and its month's caps are on the wholesaler's home"
    );
    let (status, _) = other.page("/dashboard").await?;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the dashboard is the ministry's"
    );
    Ok(())
}
