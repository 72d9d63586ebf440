//! The Japanese pages over plain HTTP: login with CSRF protection and session cookies, logout,
//! redirects, htmx partials and the admin's audit log.

use reqwest::{Response, StatusCode};
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, backends};

/// The value of `name="csrf_token" value="…"` in a page.
fn csrf_token(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Logs in through the form with the app's client and returns the session's page token.
async fn log_in(app: &TestApp, email: &str) -> anyhow::Result<String> {
    log_in_with(app, &app.client, email).await
}

/// Logs in through the form with `client` and returns the session's page token.
async fn log_in_with(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> anyhow::Result<String> {
    let page = client.get(app.url("/login")).send().await?.text().await?;
    let token = csrf_token(&page).ok_or_else(|| anyhow::anyhow!("no form token"))?;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &token),
            ("next", "/products"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == StatusCode::SEE_OTHER,
        "login gave {}",
        response.status()
    );
    let products = client
        .get(app.url("/products"))
        .send()
        .await?
        .text()
        .await?;
    csrf_token(&products).ok_or_else(|| anyhow::anyhow!("no logout token"))
}

#[tokio::test]
async fn the_login_page_is_japanese_and_declares_utf8() -> anyhow::Result<()> {
    for backend in backends()? {
        the_login_page_is_japanese_and_declares_utf8_on(backend).await?;
    }
    Ok(())
}

async fn the_login_page_is_japanese_and_declares_utf8_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let response = app.client.get(app.url("/login")).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    let html = response.text().await?;
    assert!(html.contains("<html lang=\"ja\">") && html.contains("<meta charset=\"utf-8\">"));
    assert!(
        html.contains("ログイン") && html.contains("メールアドレス") && html.contains("パスワード")
    );
    Ok(())
}

#[tokio::test]
async fn a_login_form_without_its_token_is_refused_and_logs_nobody_in() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let response = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("email", "ministry@demo.example"),
                ("password", DEMO_PASSWORD),
                ("csrf_token", "forged"),
            ])
            .send()
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{}",
            backend.name()
        );
        assert!(
            header(&response, "set-cookie")
                .find("sw_session=")
                .is_none()
        );
        let after = app.client.get(app.url("/products")).send().await?;
        assert_eq!(after.status(), StatusCode::SEE_OTHER);
    }
    Ok(())
}

#[tokio::test]
async fn logging_in_sets_an_http_only_same_site_session_cookie_and_follows_next()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let page = app
            .client
            .get(app.url("/login?next=/products/1124001F1022"))
            .send()
            .await?
            .text()
            .await?;
        let token = csrf_token(&page).ok_or_else(|| anyhow::anyhow!("no token"))?;
        assert!(page.contains("value=\"/products/1124001F1022\""));
        let response = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("email", "ministry@demo.example"),
                ("password", DEMO_PASSWORD),
                ("csrf_token", token.as_str()),
                ("next", "/products/1124001F1022"),
            ])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(header(&response, "location"), "/products/1124001F1022");
        let cookies = header(&response, "set-cookie");
        let session = cookies
            .lines()
            .find(|c| c.starts_with("sw_session="))
            .unwrap_or_default();
        assert!(
            session.contains("HttpOnly")
                && session.contains("SameSite=Lax")
                && session.contains("Max-Age=28800"),
            "{session}"
        );
        let product = app
            .client
            .get(app.url("/products/1124001F1022"))
            .send()
            .await?;
        assert_eq!(product.status(), StatusCode::OK);
        assert!(product.text().await?.contains("ユーロジン１ｍｇ錠"));
    }
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_on_the_page_shows_the_common_message() -> anyhow::Result<()> {
    for backend in backends()? {
        a_wrong_password_on_the_page_shows_the_common_message_on(backend).await?;
    }
    Ok(())
}

async fn a_wrong_password_on_the_page_shows_the_common_message_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let page = app
        .client
        .get(app.url("/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = csrf_token(&page).ok_or_else(|| anyhow::anyhow!("no token"))?;
    let response = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "nobody@demo.example"),
            ("password", "x"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await?;
    assert!(html.contains("メールアドレスまたはパスワードが正しくありません"));
    assert!(
        html.contains("value=\"nobody@demo.example\""),
        "the e-mail is kept in the form"
    );
    Ok(())
}

#[tokio::test]
async fn logout_needs_the_form_token_and_ends_the_session() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = log_in(&app, "maker@demo.example").await?;
        let forged = app
            .client
            .post(app.url("/logout"))
            .form(&[("csrf_token", "forged")])
            .send()
            .await?;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            app.client.get(app.url("/products")).send().await?.status(),
            StatusCode::OK
        );
        let logout = app
            .client
            .post(app.url("/logout"))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await?;
        assert_eq!(logout.status(), StatusCode::SEE_OTHER);
        let after = app.client.get(app.url("/products")).send().await?;
        assert_eq!(after.status(), StatusCode::SEE_OTHER, "{}", backend.name());
        assert_eq!(header(&after, "location"), "/login?next=/products");
    }
    Ok(())
}

#[tokio::test]
async fn htmx_search_returns_only_the_results_table() -> anyhow::Result<()> {
    for backend in backends()? {
        htmx_search_returns_only_the_results_table_on(backend).await?;
    }
    Ok(())
}

async fn htmx_search_returns_only_the_results_table_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    log_in(&app, "ministry@demo.example").await?;
    let partial = app
        .client
        .get(app.url(
            "/products?q=%E3%83%AC%E3%83%9C%E3%83%95%E3%83%AD%E3%82%AD%E3%82%B5%E3%82%B7%E3%83%B3",
        ))
        .header("HX-Request", "true")
        .send()
        .await?
        .text()
        .await?;
    assert!(!partial.contains("<html"), "a partial, not a page");
    assert!(partial.contains("レボフロキサシン錠２５０ｍｇ「サワイ」"));
    assert!(!partial.contains("アムロジピン"));
    let full = app
        .client
        .get(app.url("/products?q=%E3%83%AC%E3%83%9C"))
        .send()
        .await?
        .text()
        .await?;
    assert!(full.contains("<html") && full.contains("製品検索"));
    Ok(())
}

#[tokio::test]
async fn the_audit_log_is_for_admins_only_and_downloads_as_csv_for_excel() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        log_in(&app, "ministry@demo.example").await?;
        assert_eq!(
            app.client
                .get(app.url("/admin/audit-log"))
                .send()
                .await?
                .status(),
            StatusCode::FORBIDDEN
        );

        let admin = supplywatch_tests::app::browser_like_client()?;
        log_in_with(&app, &admin, "admin@demo.example").await?;
        let page = admin.get(app.url("/admin/audit-log")).send().await?;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await?;
        assert!(
            html.contains("監査ログ")
                && html.contains("ministry@demo.example")
                && html.contains("admin@demo.example")
        );
        let csv = admin.get(app.url("/admin/audit-log.csv")).send().await?;
        assert_eq!(header(&csv, "content-type"), "text/csv; charset=utf-8");
        let bytes = csv.bytes().await?;
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec())?;
        assert!(
            text.starts_with("日時（日本時間）,操作者,操作,操作コード,対象,詳細,接続元,結果\r\n")
        );
        assert!(text.contains("admin@demo.example,ログイン,login,"));
    }
    Ok(())
}

#[tokio::test]
async fn a_filed_report_downloads_as_a_form_for_its_maker_only() -> anyhow::Result<()> {
    for backend in backends()? {
        a_filed_report_downloads_as_a_form_for_its_maker_only_on(backend).await?;
    }
    Ok(())
}

async fn a_filed_report_downloads_as_a_form_for_its_maker_only_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let token = app.token("maker@demo.example").await?;
    let body = serde_json::json!({"product_code": "2171022F5180", "details": "原薬の入荷遅延", "market_share": "30"});
    let (status, filed) = app
        .post_json("/api/v1/supply-risk-reports", &token, &body)
        .await?;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!(
        "/cases/{}/reports/{}.xlsx",
        filed["case_id"],
        filed["receipt_number"].as_str().unwrap_or_default()
    );
    log_in(&app, "maker@demo.example").await?;
    let download = app.client.get(app.url(&path)).send().await?;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        header(&download, "content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let sheets = supplywatch_tests::xlsx::sheets(&download.bytes().await?)?;
    assert_eq!(sheets.len(), 1);
    let form = &sheets[0];
    assert_eq!(form.name, "報告");
    assert!(
        form.cell(0, 0).contains("供給不安報告"),
        "{}",
        form.cell(0, 0)
    );
    assert_eq!((form.cell(2, 0), form.cell(2, 1)), ("項目", "内容"));
    let values: Vec<&str> = form.rows[3..].iter().map(|r| r[1].as_str()).collect();
    assert!(values.contains(&"原薬の入荷遅延"), "{values:?}");
    assert!(
        values.iter().any(|v| v.contains("2171022F5180")),
        "the product is named: {values:?}"
    );
    assert!(
        form.rows[3..].iter().all(|r| !r[0].is_empty()),
        "every value has its label"
    );
    let other = supplywatch_tests::app::browser_like_client()?;
    log_in_with(&app, &other, "maker2@demo.example").await?;
    assert_eq!(
        other.get(app.url(&path)).send().await?.status(),
        StatusCode::NOT_FOUND,
        "another maker cannot see it"
    );
    let page = other
        .get(app.url(&format!("/cases/{}", filed["case_id"])))
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn a_refused_status_update_without_javascript_shows_the_whole_page_with_the_error()
-> anyhow::Result<()> {
    for backend in backends()? {
        a_refused_status_update_without_javascript_shows_the_whole_page_with_the_error_on(backend)
            .await?;
    }
    Ok(())
}

async fn a_refused_status_update_without_javascript_shows_the_whole_page_with_the_error_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let token = log_in(&app, "maker@demo.example").await?;
    let path = "/my/products/2171022F5180/status";
    let form = [
        ("csrf_token", token.as_str()),
        ("shipping_status", "2"),
        ("volume_status", "B"),
    ];
    let message = "⑫が「限定出荷（自社の事情）」のときは⑭理由を入力してください";

    let plain = app.client.post(app.url(path)).form(&form).send().await?;
    assert_eq!(plain.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = plain.text().await?;
    assert!(page.contains("<html"), "a whole page, not a bare row");
    assert!(page.contains("自社製品の供給状況"), "the page's heading");
    assert!(page.contains(message), "the error is shown: {page}");
    assert!(
        page.contains("id=\"row-2171022F5180\" class=\"editing\""),
        "the row is its form again"
    );
    assert!(
        page.contains("name=\"shipping_status\"") && page.contains("name=\"csrf_token\""),
        "the form can be sent again"
    );

    let htmx = app
        .client
        .post(app.url(path))
        .header("HX-Request", "true")
        .form(&form)
        .send()
        .await?;
    assert_eq!(htmx.status(), StatusCode::OK, "htmx swaps only successes");
    let row = htmx.text().await?;
    assert!(
        row.trim_start().starts_with("<tr"),
        "htmx gets the row: {row}"
    );
    assert!(!row.contains("<html") && row.contains(message));

    let forged = app
        .client
        .post(app.url(path))
        .form(&[("csrf_token", "forged"), ("shipping_status", "1")])
        .send()
        .await?;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        forged.text().await?.contains("<html"),
        "a refusal is a page"
    );
    Ok(())
}

#[tokio::test]
async fn the_makers_form_files_the_columns_the_ministry_added_in_2025() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = log_in(&app, "maker@demo.example").await?;
        let row = app
            .client
            .get(app.url("/my/products/2171022F5180/edit"))
            .header("HX-Request", "true")
            .send()
            .await?
            .text()
            .await?;
        for field in [
            "resolution_note",
            "improvement_timing",
            "improvement_percent",
        ] {
            assert!(row.contains(&format!("name=\"{field}\"")), "{field}: {row}");
        }
        assert!(row.contains("⑱出荷量の改善（増加）見込み時期") && row.contains("b．１か月以内"));
        let filed = app
            .client
            .post(app.url("/my/products/2171022F5180/status"))
            .header("HX-Request", "true")
            .form(&[
                ("csrf_token", token.as_str()),
                ("shipping_status", "2"),
                ("reason", "3"),
                ("resolution_outlook", "あり"),
                ("resolution_note", "2027年1月解除見込み"),
                ("volume_status", "B"),
                ("improvement_timing", "b"),
                ("improvement_percent", "20"),
            ])
            .send()
            .await?;
        assert_eq!(filed.status(), StatusCode::OK);
        let csv = app
            .client
            .get(app.url("/api/v1/public/supply-status?format=csv&q=2171022F5180"))
            .send()
            .await?
            .text()
            .await?;
        let line = csv
            .lines()
            .find(|l| l.contains(",2171022F5180,"))
            .unwrap_or_default();
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(
            cells.get(15).copied(),
            Some("2027年1月解除見込み"),
            "⑯: {line}"
        );
        assert_eq!(cells.get(17).copied(), Some("b．１か月以内"), "⑱: {line}");
        assert_eq!(
            cells.get(18).map(|c| c.trim_end_matches('%')),
            Some("20"),
            "⑲: {line}"
        );
    }
    Ok(())
}
