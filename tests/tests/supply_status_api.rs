//! 供給状況報告 over the API: filing, validation, ownership, receipts and history.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch_tests::{TestApp, backends};

/// Sawai's amlodipine 10 mg (the demo maker@'s product) and Towa's (maker2@'s).
const OWN: &str = "2171022F5180";
const OTHERS: &str = "2171022F5075";

fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_maker_files_a_report_and_the_product_shows_it_with_its_history() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let before = app
            .get_json(&format!("/api/v1/products/{OWN}"), &ministry)
            .await?;
        let earlier = before["history"].as_array().map_or(0, Vec::len);

        let first = json!({"product_code": OWN, "shipping_status": "2", "reason": "3", "volume_status": "B",
                           "resolution_outlook": "あり", "resolution_month": "2027-03"});
        let (status, receipt) = app
            .post_json("/api/v1/supply-status-reports", &maker, &first)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let number = receipt["receipt_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(number.starts_with('R') && number.len() == 12, "{number}");
        assert_eq!(receipt["reported_on"].as_str().map(str::len), Some(10));

        let second = json!({"product_code": OWN, "shipping_status": "1", "reason": null, "volume_status": "A"});
        let (status, _) = app
            .post_json("/api/v1/supply-status-reports", &maker, &second)
            .await?;
        assert_eq!(status, StatusCode::CREATED);

        let product = app
            .get_json(&format!("/api/v1/products/{OWN}"), &ministry)
            .await?;
        assert_eq!(
            product["status"]["shipping_status"], "1",
            "the latest report is the current status"
        );
        assert_eq!(product["status"]["volume_status"], "A");
        let history = product["history"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            history.len(),
            earlier + 2,
            "{} on {}",
            product["history"],
            backend.name()
        );
        assert_eq!(
            history[1]["receipt_number"],
            number.as_str(),
            "newest first"
        );
        assert_eq!(history[1]["resolution_month"], "2027-03");
        assert_eq!(history[0]["submitted_by"], "沢井 一郎");
        let changes = history[0]["changes"].to_string();
        assert!(
            changes.contains("⑫ 限定出荷（自社の事情） → 通常出荷"),
            "{changes}"
        );

        // The status filter of the product list follows the current status.
        let normal = app
            .get_json("/api/v1/products?shipping_status=1&per_page=100", &ministry)
            .await?;
        assert!(
            normal["items"]
                .as_array()
                .is_some_and(|i| i.iter().any(|p| p["code"] == OWN))
        );
        let limited = app
            .get_json("/api/v1/products?shipping_status=2", &ministry)
            .await?;
        assert_eq!(limited["total"], 0);
    }
    Ok(())
}

#[tokio::test]
async fn every_broken_rule_is_a_422_naming_its_field_and_nothing_is_stored() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let history = |p: &Value| p["history"].as_array().map_or(0, Vec::len);
        let before = history(
            &app.get_json(&format!("/api/v1/products/{OWN}"), &ministry)
                .await?,
        );
        let cases = [
            (
                json!({"product_code": OWN, "shipping_status": "2", "reason": null, "volume_status": "B"}),
                vec!["reason"],
            ),
            (
                json!({"product_code": OWN, "shipping_status": "1", "volume_status": "C"}),
                vec!["volume_status"],
            ),
            (
                json!({"product_code": OWN, "shipping_status": "2", "reason": "1", "causing_product_code": OTHERS}),
                vec!["causing_product_code"],
            ),
            (
                json!({"product_code": OWN, "shipping_status": "3", "reason": "1", "causing_product_code": "2171022F5076"}),
                vec!["causing_product_code"],
            ),
            (
                json!({"product_code": OWN, "shipping_status": "9", "reason": "x", "resolution_month": "2027-13", "volume_status": "E"}),
                vec![
                    "reason",
                    "resolution_month",
                    "shipping_status",
                    "volume_status",
                ],
            ),
            (
                json!({"product_code": "2171022F5181", "shipping_status": "1"}),
                vec!["product_code"],
            ),
        ];
        for (body, expected) in cases {
            let (status, problem) = app
                .post_json("/api/v1/supply-status-reports", &maker, &body)
                .await?;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body} on {}",
                backend.name()
            );
            let mut found = fields(&problem);
            found.sort();
            assert_eq!(found, expected, "{body}: {problem}");
            assert!(
                problem["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_ascii()),
                "messages are in Japanese"
            );
        }
        let after = history(
            &app.get_json(&format!("/api/v1/products/{OWN}"), &ministry)
                .await?,
        );
        assert_eq!(after, before, "refused reports store nothing");
        // A well-formed body with blanks keeps them blank.
        let (status, receipt) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker,
                &json!({"product_code": OWN, "shipping_status": "5", "reason": "8"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        assert!(receipt["volume_status"].is_null() && receipt["resolution_month"].is_null());
    }
    Ok(())
}

#[tokio::test]
async fn only_a_product_s_own_maker_may_report_on_it() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let body = json!({"product_code": OTHERS, "shipping_status": "5", "reason": "8", "volume_status": "C"});
        let (status, _) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &app.token("maker@demo.example").await?,
                &body,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "another maker's product");
        let (status, _) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &app.token("maker2@demo.example").await?,
                &body,
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "its own maker");
        for role in ["ministry@demo.example", "wholesaler@demo.example"] {
            let (status, _) = app
                .post_json(
                    "/api/v1/supply-status-reports",
                    &app.token(role).await?,
                    &body,
                )
                .await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        let anonymous = app
            .client
            .post(app.url("/api/v1/supply-status-reports"))
            .json(&body)
            .send()
            .await?;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

#[tokio::test]
async fn receipt_numbers_are_unique_and_consecutive_under_concurrent_filing() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let body = json!({"product_code": OWN, "shipping_status": "1", "volume_status": "A"});
        let posts = (0..8).map(|_| app.post_json("/api/v1/supply-status-reports", &maker, &body));
        let mut numbers: Vec<String> = Vec::new();
        for result in futures_util::future::join_all(posts).await {
            let (status, receipt) = result?;
            assert_eq!(status, StatusCode::CREATED, "{receipt}");
            numbers.push(
                receipt["receipt_number"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 8, "{numbers:?} on {}", backend.name());
        let tail = |n: &String| n[6..].parse::<u32>().unwrap_or(0);
        assert_eq!(
            tail(&numbers[7]) - tail(&numbers[0]),
            7,
            "consecutive: {numbers:?}"
        );
    }
    Ok(())
}
