//! Hostile requests kept as tests: page numbers at the edge of u64, path ids that are not
//! numbers, concurrent wrong passwords, a crowd of logins, redirects after login, formulas in
//! exports, the browser-side headers and API writes from another site — on every database.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::{Value, json};
use supplywatch_tests::app::browser_like_client;
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, backends};

const HUGE: &str = "18446744073709551615";

fn is_problem(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
}

#[tokio::test]
async fn page_numbers_out_of_range_are_a_400_on_every_list() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("ministry@demo.example").await?;
        for path in [
            format!("/api/v1/products?page={HUGE}"),
            format!("/api/v1/products?per_page=100&page={HUGE}"),
            "/api/v1/products?page=0".to_owned(),
            "/api/v1/products?per_page=201".to_owned(),
            format!("/api/v1/public/supply-status?per_page=10&page={HUGE}"),
        ] {
            let response = app.get(&path, &token).await?;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
            assert!(is_problem(&response), "{path}");
        }
        let (status, _) = app.page(&format!("/public?page={HUGE}")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        app.log_in_session("admin@demo.example").await?;
        for path in [
            format!("/products?page={HUGE}"),
            format!("/admin/audit-log?page={HUGE}"),
        ] {
            let (status, body) = app.page(&path).await?;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(
                body.contains("page"),
                "{path}: the page names the parameter"
            );
        }
        let response = app
            .get("/api/v1/products?page=3&per_page=2", &token)
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "pages in range still work"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_path_id_that_is_not_a_number_is_a_404_problem() -> anyhow::Result<()> {
    for backend in backends()? {
        a_path_id_that_is_not_a_number_is_a_404_problem_on(backend).await?;
    }
    Ok(())
}

async fn a_path_id_that_is_not_a_number_is_a_404_problem_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let token = app.token("ministry@demo.example").await?;
    for path in [
        "/api/v1/cases/abc",
        "/api/v1/allocation-plans/1e9",
        "/api/v1/cases/99999999999999999999/requests",
    ] {
        let response = app.get(path, &token).await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(is_problem(&response), "{path}");
    }
    Ok(())
}

async fn login(app: &TestApp, email: &str, password: &str) -> anyhow::Result<StatusCode> {
    Ok(app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await?
        .status())
}

#[tokio::test]
async fn thirty_concurrent_wrong_passwords_lock_the_account() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let attempts: Vec<_> = (0..30)
            .map(|i| {
                login(
                    &app,
                    "wholesaler2@demo.example",
                    Box::leak(format!("wrong-{i}").into_boxed_str()),
                )
            })
            .collect();
        for status in futures_util::future::join_all(attempts).await {
            let status = status?;
            assert!(
                status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
                "{status}"
            );
        }
        let after = login(&app, "wholesaler2@demo.example", DEMO_PASSWORD).await?;
        assert_ne!(
            after,
            StatusCode::OK,
            "the account must be locked on {}",
            backend.name()
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_crowd_of_logins_for_unknown_emails_is_answered_and_the_server_stays_up()
-> anyhow::Result<()> {
    for backend in backends()? {
        a_crowd_of_logins_for_unknown_emails_is_answered_and_the_server_stays_up_on(backend)
            .await?;
    }
    Ok(())
}

async fn a_crowd_of_logins_for_unknown_emails_is_answered_and_the_server_stays_up_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let crowd: Vec<_> = (0..200)
        .map(|i| {
            let email: &'static str = Box::leak(format!("ghost{i}@example.com").into_boxed_str());
            login(&app, email, "x")
        })
        .collect();
    let mut busy = 0;
    for status in futures_util::future::join_all(crowd).await {
        match status? {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => busy += 1,
            other => panic!("a login in the crowd answered {other}"),
        }
    }
    let health = app.client.get(app.url("/healthz")).send().await?;
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "{busy} of 200 were told to wait"
    );
    // Failures from one address are counted: past the limit, the address waits.
    let mut waited = false;
    for i in 0..150 {
        let email: &'static str = Box::leak(format!("late{i}@example.com").into_boxed_str());
        if login(&app, email, "x").await? == StatusCode::TOO_MANY_REQUESTS {
            waited = true;
            break;
        }
    }
    assert!(waited, "100 failures from one address must make it wait");
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({ "email": "maker@demo.example", "password": DEMO_PASSWORD }))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    Ok(())
}

#[tokio::test]
async fn after_login_next_is_followed_only_as_a_path_on_this_site() -> anyhow::Result<()> {
    for backend in backends()? {
        after_login_next_is_followed_only_as_a_path_on_this_site_on(backend).await?;
    }
    Ok(())
}

async fn after_login_next_is_followed_only_as_a_path_on_this_site_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
    ] {
        let client = browser_like_client()?;
        let page = client
            .get(app.url("/login?next=/%09/evil.example"))
            .send()
            .await?
            .text()
            .await?;
        let marker = "name=\"csrf_token\" value=\"";
        let start = page
            .find(marker)
            .map(|i| i + marker.len())
            .unwrap_or_default();
        let token = &page[start..start + page[start..].find('"').unwrap_or_default()];
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("email", "maker@demo.example"),
                ("password", DEMO_PASSWORD),
                ("csrf_token", token),
                ("next", next),
            ])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default();
        assert_eq!(location, "/", "the role's home, not {next:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_formula_sent_as_an_email_reaches_the_audit_csv_only_as_text() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
        assert_eq!(login(&app, formula, "x").await?, StatusCode::UNAUTHORIZED);
        app.log_in_session("admin@demo.example").await?;
        let (status, csv) = app.page("/admin/audit-log.csv").await?;
        assert_eq!(status, StatusCode::OK);
        let mut found = false;
        for line in csv.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('\u{feff}').trim_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "a cell that runs: {cell}"
                );
                found |= cell.to_lowercase().starts_with("'=hyperlink");
            }
        }
        assert!(found, "the attempt is in the log, as text");
    }
    Ok(())
}

#[tokio::test]
async fn every_response_carries_the_browser_defences_and_signed_in_ones_are_not_stored()
-> anyhow::Result<()> {
    for backend in backends()? {
        every_response_carries_the_browser_defences_and_signed_in_ones_are_not_stored_on(backend)
            .await?;
    }
    Ok(())
}

async fn every_response_carries_the_browser_defences_and_signed_in_ones_are_not_stored_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let public = app.client.get(app.url("/public")).send().await?;
    let headers = public.headers();
    let csp = headers
        .get(CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(
        headers
            .get("x-content-type-options")
            .map(reqwest::header::HeaderValue::as_bytes),
        Some(&b"nosniff"[..])
    );
    assert_eq!(
        headers
            .get("referrer-policy")
            .map(reqwest::header::HeaderValue::as_bytes),
        Some(&b"same-origin"[..])
    );
    let body = public.text().await?;
    assert!(!body.contains("<script>"), "no inline script on the page");
    let token = app.token("maker@demo.example").await?;
    let me = app.get("/api/v1/me", &token).await?;
    assert_eq!(
        me.headers()
            .get(CACHE_CONTROL)
            .map(reqwest::header::HeaderValue::as_bytes),
        Some(&b"no-store"[..])
    );
    let download = app
        .client
        .get(app.url("/api/v1/public/supply-status?format=csv"))
        .send()
        .await?;
    assert_eq!(
        download
            .headers()
            .get(CACHE_CONTROL)
            .map(reqwest::header::HeaderValue::as_bytes),
        Some(&b"no-store"[..])
    );
    app.log_in_session("maker@demo.example").await?;
    let (_, page) = app.page("/my/shipments/upload").await?;
    assert!(
        !page.contains("<script>"),
        "the upload page's script is a file"
    );
    let asset = app.client.get(app.url("/static/app.css")).send().await?;
    assert_ne!(
        asset
            .headers()
            .get(CACHE_CONTROL)
            .map(reqwest::header::HeaderValue::as_bytes),
        Some(&b"no-store"[..])
    );
    Ok(())
}

#[tokio::test]
async fn an_api_write_riding_on_the_session_cookie_from_another_site_is_refused()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        app.log_in_session("ministry@demo.example").await?;
        let post = |headers: &[(&str, &str)]| {
            let mut request = app.client.post(app.url("/api/v1/forecasts/runs"));
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.send()
        };
        for headers in [
            vec![("origin", "http://evil.example")],
            vec![("sec-fetch-site", "cross-site")],
            vec![
                ("sec-fetch-site", "same-site"),
                ("origin", "http://evil.example"),
            ],
            vec![],
        ] {
            let response = post(&headers).await?;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
            assert!(is_problem(&response));
        }
        let (_, page) = app.page("/products").await?;
        let marker = "name=\"csrf_token\" value=\"";
        let start = page
            .find(marker)
            .map(|i| i + marker.len())
            .unwrap_or_default();
        let csrf = page[start..start + page[start..].find('"').unwrap_or_default()].to_owned();
        let with_token = post(&[
            ("x-csrf-token", csrf.as_str()),
            ("origin", "http://evil.example"),
        ])
        .await?;
        assert_ne!(
            with_token.status(),
            StatusCode::FORBIDDEN,
            "the session's token is enough"
        );
        let host = app.base_url.trim_start_matches("http://").to_owned();
        let same = post(&[("origin", &format!("http://{host}"))]).await?;
        assert_ne!(
            same.status(),
            StatusCode::FORBIDDEN,
            "this site's own origin"
        );
        // Bearer calls are not affected by where they come from.
        let token = app.token("ministry@demo.example").await?;
        let bearer = browser_like_client()?
            .post(app.url("/api/v1/forecasts/runs"))
            .bearer_auth(&token)
            .header("origin", "http://evil.example")
            .send()
            .await?;
        assert_ne!(bearer.status(), StatusCode::FORBIDDEN);
        let _: Value = bearer.json().await.unwrap_or(Value::Null);
    }
    Ok(())
}

#[tokio::test]
async fn a_nul_character_anywhere_in_a_request_is_a_400_not_a_database_error() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("maker@demo.example").await?;
        for path in [
            "/api/v1/products?q=a%00b",
            "/api/v1/public/supply-status?q=%00",
            "/api/v1/products/%00",
        ] {
            let response = app.get(path, &token).await?;
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "{path} on {}",
                backend.name()
            );
            assert!(is_problem(&response), "{path}");
        }
        let response = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({ "email": "a\u{0}b@example.com", "password": "x" }))
            .send()
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{}",
            backend.name()
        );
        let (status, _) = app.page("/public?q=%00").await?;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = app
            .upload(
                "/api/v1/shipments/upload",
                &token,
                "nul.csv",
                b"product_code,month,kind,quantity\n2171022F5180,2026-10,actual,1\0\n".to_vec(),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    Ok(())
}
