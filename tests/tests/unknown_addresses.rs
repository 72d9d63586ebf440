//! Unknown addresses and where a login lands: a Japanese 404 page for any page address (never
//! the browser's own English page), problem+json under `/api/`, and each role's home after login.

use reqwest::StatusCode;
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, app::browser_like_client, backends};

#[tokio::test]
async fn an_unknown_page_is_a_japanese_404_page_and_an_unknown_api_path_a_problem()
-> anyhow::Result<()> {
    for backend in backends()? {
        an_unknown_page_is_a_japanese_404_page_and_an_unknown_api_path_a_problem_on(backend)
            .await?;
    }
    Ok(())
}

async fn an_unknown_page_is_a_japanese_404_page_and_an_unknown_api_path_a_problem_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    for path in ["/no-such-page", "/products/x/y/z", "/admin/nothing?q=1"] {
        let response = app.client.get(app.url(path)).send().await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        let page = response.text().await?;
        assert!(
            page.contains("lang=\"ja\"") && page.contains("見つかりません"),
            "{path}: {page}"
        );
    }
    let response = app
        .client
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: serde_json::Value = response.json().await?;
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "見つかりません");
    Ok(())
}

/// Logs in through the form with no `next` and returns where the login sends the browser, then
/// where `/` sends it (or `/` itself when it is the role's home page).
async fn landing(app: &TestApp, email: &str) -> anyhow::Result<(String, String)> {
    let client = browser_like_client()?;
    let page = client.get(app.url("/login")).send().await?.text().await?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).unwrap_or_default() + marker.len();
    let end = page[start..].find('"').unwrap_or_default() + start;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &page[start..end]),
        ])
        .send()
        .await?;
    let location = |r: &reqwest::Response| {
        r.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("/")
            .to_owned()
    };
    let first = location(&response);
    let home = client.get(app.url(&first)).send().await?;
    let then = if home.status() == StatusCode::SEE_OTHER {
        location(&home)
    } else {
        first.clone()
    };
    Ok((first, then))
}

#[tokio::test]
async fn each_role_lands_on_its_home_after_login() -> anyhow::Result<()> {
    for backend in backends()? {
        each_role_lands_on_its_home_after_login_on(backend).await?;
    }
    Ok(())
}

async fn each_role_lands_on_its_home_after_login_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    for (email, home) in [
        ("ministry@demo.example", "/dashboard"),
        ("maker@demo.example", "/"),
        ("wholesaler@demo.example", "/"),
        ("association@demo.example", "/"),
        ("admin@demo.example", "/admin/users"),
    ] {
        let (first, then) = landing(&app, email).await?;
        assert_eq!(
            first, "/",
            "{email} goes to its home, not the product search"
        );
        assert_eq!(then, home, "{email}");
    }
    Ok(())
}
