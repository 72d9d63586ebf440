//! The public status (no login) and the weekly publication.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch::jobs::Job;
use supplywatch_tests::{Backend, TestApp, backends};

#[tokio::test]
async fn the_public_status_needs_no_login_shows_reports_the_same_day_and_only_public_columns()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let body = json!({"product_code": "2171022F5180", "shipping_status": "3", "reason": "1", "causing_product_code": "2171022F5024", "volume_status": "B"});
        app.post_json("/api/v1/supply-status-reports", &maker, &body)
            .await?;

        let response = app
            .client
            .get(app.url("/api/v1/public/supply-status?q=2171022F5180"))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let status: Value = response.json().await?;
        assert_eq!(status["total"], 1);
        let item = &status["items"][0];
        assert_eq!(item["shipping_status"], "3");
        let mut keys: Vec<&str> = item
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code",
                "ingredient",
                "maker_name",
                "name",
                "reason",
                "resolution_month",
                "resolution_outlook",
                "shipping_status",
                "stable_supply_category",
                "updated_on",
                "volume_status"
            ],
            "only the public columns, nothing of who filed it"
        );
        let everything = app
            .client
            .get(app.url("/api/v1/public/supply-status"))
            .send()
            .await?
            .json::<Value>()
            .await?;
        assert_eq!(
            everything["total"],
            19,
            "every demo drug, devices excluded ({})",
            backend.name()
        );

        let page = app
            .client
            .get(app.url("/public?q=%E3%82%B5%E3%83%AF%E3%82%A4"))
            .send()
            .await?;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await?;
        assert!(
            html.contains("限定出荷（他社品の影響）") && html.contains("badge limited"),
            "the public page shows the new status"
        );
        let history = app
            .client
            .get(app.url("/public/products/2171022F5180"))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            history.contains("報告の履歴") && !history.contains("沢井 一郎"),
            "no filer's name in public"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_weekly_publication_freezes_every_drug_once_per_week() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let report = json!({"product_code": "2171022F5180", "shipping_status": "5", "reason": "3", "volume_status": "C"});
        app.post_json("/api/v1/supply-status-reports", &maker, &report)
            .await?;

        let live_status: Value = app
            .client
            .get(app.url("/api/v1/public/supply-status"))
            .send()
            .await?
            .json()
            .await?;
        let stopped = live_status["items"].as_array().map_or(0, |i| {
            i.iter().filter(|x| x["shipping_status"] == "5").count()
        });
        assert!(stopped >= 1);
        let first = Job::WeeklyPublication.run(&app.jobs()?).await?;
        assert!(first.contains("作成しました"), "{first}");
        let again = Job::WeeklyPublication.run(&app.jobs()?).await?;
        assert!(again.contains("作成済み"), "{again}");
        let list: Value = app
            .client
            .get(app.url("/api/v1/public/publications"))
            .send()
            .await?
            .json()
            .await?;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            items.len(),
            1,
            "re-running the week does not duplicate ({})",
            backend.name()
        );
        assert_eq!(items[0]["row_count"], 19);
        assert_eq!(items[0]["shipping_status_counts"]["5"], stopped);

        // Later reports do not change a frozen publication.
        let recovered =
            json!({"product_code": "2171022F5180", "shipping_status": "1", "volume_status": "A"});
        app.post_json("/api/v1/supply-status-reports", &maker, &recovered)
            .await?;
        let url = app.url(items[0]["csv_url"].as_str().unwrap_or_default());
        let csv =
            String::from_utf8(app.client.get(url).send().await?.bytes().await?[3..].to_vec())?;
        let line = csv
            .lines()
            .find(|l| l.contains("2171022F5180"))
            .unwrap_or_default()
            .to_owned();
        assert!(
            line.contains(",⑤供給停止,") && line.contains(",C．出荷停止,"),
            "the ministry's words: {line}"
        );
        let xlsx = app
            .client
            .get(app.url(items[0]["xlsx_url"].as_str().unwrap_or_default()))
            .send()
            .await?;
        assert_eq!(
            xlsx.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let missing = app
            .client
            .get(app.url("/api/v1/public/publications/999"))
            .send()
            .await?;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
    Ok(())
}

#[tokio::test]
async fn public_downloads_open_in_excel() -> anyhow::Result<()> {
    for backend in backends()? {
        public_downloads_open_in_excel_on(backend).await?;
    }
    Ok(())
}

async fn public_downloads_open_in_excel_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let body = json!({"product_code": "2171022F5180", "shipping_status": "3", "reason": "1", "causing_product_code": "2171022F5024", "volume_status": "B"});
    app.post_json("/api/v1/supply-status-reports", &maker, &body)
        .await?;
    let csv = app
        .client
        .get(app.url("/api/v1/public/supply-status?format=csv&q=2171022F5180"))
        .send()
        .await?;
    assert_eq!(
        csv.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let bytes = csv.bytes().await?;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec())?;
    assert!(text.starts_with("①薬剤区分,②薬効分類（保険薬収載時点の薬効分類を記載）,③成分名"));
    assert!(
        text.contains("2171022F5180") && text.contains(",③限定出荷（他社品の影響）,"),
        "{text}"
    );
    let xlsx = app
        .client
        .get(app.url("/api/v1/public/supply-status?format=xlsx"))
        .send()
        .await?
        .bytes()
        .await?;
    assert!(xlsx.starts_with(b"PK"));

    Ok(())
}
