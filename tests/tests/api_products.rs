//! The product master over the API: search, detail, substitutes, errors, and the OpenAPI document.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use supplywatch_tests::{Backend, TestApp, backends};

fn codes(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn products_are_found_by_name_ingredient_code_and_maker() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("ministry@demo.example").await?;
        let all = app.get_json("/api/v1/products?per_page=5", &token).await?;
        assert!(all["total"].as_u64().is_some_and(|n| n >= 20), "{all}");
        assert_eq!(all["items"].as_array().map(Vec::len), Some(5));

        // Half-width words match the price list's full-width names, every word must match.
        let amlodipine = app.get_json("/api/v1/products?q=%E3%82%A2%E3%83%A0%E3%83%AD%E3%82%B8%E3%83%94%E3%83%B3%20OD%2010mg&per_page=50", &token).await?;
        let found = codes(&amlodipine);
        assert!(found.contains(&"2171022F6128".to_owned()), "{found:?}");
        assert!(
            found.iter().all(|c| c.starts_with("2171022F6")),
            "{found:?}"
        );

        let by_code = app
            .get_json("/api/v1/products?q=1124001F1022", &token)
            .await?;
        assert_eq!(codes(&by_code), vec!["1124001F1022".to_owned()]);

        let by_maker = app
            .get_json(
                "/api/v1/products?q=%E6%9D%B1%E5%92%8C%E8%96%AC%E5%93%81&per_page=100",
                &token,
            )
            .await?;
        assert!(
            by_maker["items"]
                .as_array()
                .is_some_and(|items| !items.is_empty()
                    && items.iter().all(|i| i["maker"]["name"] == "東和薬品")),
            "{by_maker}"
        );

        let maker = app
            .get_json("/api/v1/me", &app.token("maker@demo.example").await?)
            .await?;
        let org = maker["organization"]["id"].as_i64().unwrap_or_default();
        let own = app
            .get_json(
                &format!("/api/v1/products?maker_id={org}&per_page=100"),
                &token,
            )
            .await?;
        let kinds: BTreeSet<&str> = own["items"]
            .as_array()
            .map(|i| i.iter().filter_map(|p| p["kind"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            kinds.contains("drug") && (kinds.contains("device") || kinds.contains("ivd")),
            "{kinds:?}"
        );
        assert!(
            own["items"]
                .as_array()
                .is_some_and(|i| i.iter().all(|p| p["maker"]["id"] == org))
        );
        let status = &own["items"][0]["status"];
        assert!(
            status["shipping_status"].is_string() && status["updated_on"].is_string(),
            "{status}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_drug_lists_its_same_spec_group_and_a_device_its_declared_substitutes()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("maker@demo.example").await?;
        let drug = app
            .get_json("/api/v1/products/2171022F5180", &token)
            .await?;
        assert_eq!(drug["name"], "アムロジピン錠１０ｍｇ「サワイ」");
        assert_eq!(drug["group_code"], "2171022F5");
        assert_eq!(drug["maker"]["name"], "沢井製薬");
        let substitutes = codes(&serde_json::json!({ "items": drug["substitutes"] }));
        assert!(substitutes.len() >= 3, "{substitutes:?}");
        assert!(
            substitutes
                .iter()
                .all(|c| c.starts_with("2171022F5") && c != "2171022F5180")
        );
        assert_eq!(drug["editions"][0]["edition"], "2025-07-16");

        let device = app
            .get_json("/api/v1/products/4569991000018", &token)
            .await?;
        assert_eq!(device["kind"], "device");
        assert_eq!(device["jmdn"], "70371000");
        assert_eq!(device["substitutes"][0]["code"], "4569992000017");

        // Full-width input is read as the same code.
        let full_width = app.get_json("/api/v1/products/%EF%BC%92%EF%BC%91%EF%BC%97%EF%BC%91%EF%BC%90%EF%BC%92%EF%BC%92%EF%BC%A6%EF%BC%95%EF%BC%91%EF%BC%98%EF%BC%90", &token).await?;
        assert_eq!(full_width["code"], "2171022F5180");
    }
    Ok(())
}

#[tokio::test]
async fn unknown_products_are_404_and_bad_parameters_422_as_problem_json() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("ministry@demo.example").await?;
        let missing = app.get("/api/v1/products/9999999F9999", &token).await?;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        let body: Value = missing.json().await?;
        assert_eq!(body["status"], 404);
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("9999999F9999"))
        );

        let bad_kind = app.get("/api/v1/products?kind=medicine", &token).await?;
        assert_eq!(bad_kind.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = bad_kind.json().await?;
        assert_eq!(body["errors"][0]["field"], "kind");
        assert_eq!(body["errors"][0]["code"], "product_kind");

        let bad_page = app.get("/api/v1/products?page=minus-one", &token).await?;
        assert_eq!(bad_page.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            bad_page
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
    }
    Ok(())
}

/// Every operation of the API, as the OpenAPI document must list it.
const API_OPERATIONS: &[&str] = &[
    "POST /api/v1/auth/token",
    "DELETE /api/v1/auth/token",
    "GET /api/v1/me",
    "POST /api/v1/me/password",
    "POST /api/v1/public/subscriptions",
    "POST /api/v1/me/mfa/totp",
    "POST /api/v1/me/mfa/totp/confirm",
    "GET /api/v1/admin/users",
    "POST /api/v1/admin/users",
    "PATCH /api/v1/admin/users/{id}",
    "POST /api/v1/admin/users/{id}/deactivate",
    "POST /api/v1/admin/users/{id}/mfa-reset",
    "GET /api/v1/products",
    "GET /api/v1/products/{code}",
    "POST /api/v1/supply-status-reports",
    "POST /api/v1/supply-status-reports/upload",
    "GET /api/v1/public/supply-status",
    "GET /api/v1/public/publications",
    "GET /api/v1/public/publications/{id}",
    "POST /api/v1/supply-risk-reports",
    "GET /api/v1/supply-risk-reports",
    "POST /api/v1/device-reports",
    "POST /api/v1/termination-notices",
    "GET /api/v1/cases",
    "GET /api/v1/cases/{id}",
    "POST /api/v1/cases/{id}/transitions",
    "POST /api/v1/shipments/upload",
    "POST /api/v1/purchase-history/upload",
    "POST /api/v1/allocation-plans",
    "GET /api/v1/allocation-plans",
    "GET /api/v1/allocation-plans/{id}",
    "POST /api/v1/allocation-plans/{id}/computations",
    "GET /api/v1/allocation-plans/{id}/caps",
    "GET /api/v1/allocation-caps",
    "POST /api/v1/allocation-plans/{id}/reserve-requests",
    "GET /api/v1/allocation-plans/{id}/reserve-requests",
    "POST /api/v1/allocation-plans/{id}/reserve-requests/{request_id}/grant",
    "GET /api/v1/cases/{id}/requests",
    "POST /api/v1/cases/{id}/requests",
    "GET /api/v1/substitute-requests",
    "GET /api/v1/substitute-requests/{id}",
    "POST /api/v1/substitute-requests/{id}/responses",
    // Dashboard (issue 7).
    "GET /api/v1/dashboard",
    "GET /api/v1/dashboard/charts/{file}",
    "GET /api/v1/dashboard/weekly-summary.xlsx",
    // Early warning (issue 8).
    "POST /api/v1/dispensing/upload",
    "GET /api/v1/products/{code}/signals",
    "GET /api/v1/forecasts/likely-next",
    "POST /api/v1/forecasts/runs",
    "PUT /api/v1/forecasts/subscription",
    "POST /api/v1/cases/{id}/forecast-requests",
];

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_api_routes() -> anyhow::Result<()> {
    for backend in backends()? {
        the_openapi_document_describes_exactly_the_api_routes_on(backend).await?;
    }
    Ok(())
}

async fn the_openapi_document_describes_exactly_the_api_routes_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let document: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        document["openapi"]
    );
    let paths = document["paths"]
        .as_object()
        .ok_or_else(|| anyhow::anyhow!("no paths"))?;
    let listed: BTreeSet<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flat_map(move |ops| {
                ops.keys()
                    .map(move |m| format!("{} {path}", m.to_uppercase()))
            })
        })
        .collect();
    let expected: BTreeSet<String> = API_OPERATIONS.iter().map(|o| (*o).to_owned()).collect();
    assert_eq!(listed, expected);
    // Every documented operation exists on the server: it answers, if only to refuse the caller.
    supplywatch::jobs::Job::WeeklyPublication
        .run(&app.jobs()?)
        .await?;
    let maker = app.token("maker@demo.example").await?;
    let risk = serde_json::json!({"product_code": "2171022F5180"});
    let (status, _) = app
        .post_json("/api/v1/supply-risk-reports", &maker, &risk)
        .await?;
    assert_eq!(status, StatusCode::CREATED, "case 1 exists for the probes");
    let worse = serde_json::json!({"product_code": "2171022F5180", "shipping_status": "2", "reason": "3", "volume_status": "B"});
    let (status, _) = app
        .post_json("/api/v1/supply-status-reports", &maker, &worse)
        .await?;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "substitute request 1 (a heads-up) exists for the probes"
    );
    let token = app.token("ministry@demo.example").await?;
    let throwaway = app.token("ministry@demo.example").await?;
    for operation in &listed {
        let (method, path) = operation
            .split_once(' ')
            .ok_or_else(|| anyhow::anyhow!("bad operation"))?;
        let url = app.url(
            &path
                .replace("{code}", "1124001F1022")
                .replace("{id}", "1")
                .replace("{request_id}", "1")
                .replace("{file}", "status-trend.svg"),
        );
        let request = match method {
            "POST" => app
                .client
                .post(url)
                .bearer_auth(&token)
                .json(&serde_json::json!({})),
            "PUT" => app
                .client
                .put(url)
                .bearer_auth(&token)
                .json(&serde_json::json!({"subscribed": false})),
            "PATCH" => app
                .client
                .patch(url)
                .bearer_auth(&token)
                .json(&serde_json::json!({})),
            "DELETE" => app.client.delete(url).bearer_auth(&throwaway),
            _ => app.client.get(url).bearer_auth(&token),
        };
        let status = request.send().await?.status();
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{operation} answered {status}"
        );
    }
    assert!(document["components"]["schemas"]["ProductBody"].is_object());
    Ok(())
}
