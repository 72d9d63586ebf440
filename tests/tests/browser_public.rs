//! The public search in a real browser (issue 21): a visitor opens `/`, types the ingredient in
//! hiragana, ticks a ⑫ status, and opens a drug to see its alternatives; the filters stay in the
//! address bar. On SQLite and PostgreSQL; screenshots land in `target/screenshots/public-*.png`.

use std::time::Duration;

use anyhow::Context;
use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::json;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, TestApp, backends};

/// The codes in the results table, in order.
async fn result_codes(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let mut codes = Vec::new();
    for cell in browser
        .client
        .find_all(Locator::Css("#public-results tbody td.code"))
        .await?
    {
        codes.push(cell.text().await?);
    }
    Ok(codes)
}

/// Waits until the results table shows exactly `expected`.
async fn wait_for_codes(browser: &Browser, expected: &[&str]) -> anyhow::Result<()> {
    let mut last = Vec::new();
    for _ in 0..100 {
        last = result_codes(browser).await.unwrap_or_default();
        if last == expected {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the results show {last:?}, not {expected:?}")
}

#[tokio::test]
async fn a_visitor_finds_a_drug_typed_in_hiragana_and_filters_by_status() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_visitor_finds_a_drug_typed_in_hiragana_and_filters_by_status_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn a_visitor_finds_a_drug_typed_in_hiragana_and_filters_by_status_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    // Cookies are not told apart by port: the last backend's session goes first.
    browser.client.delete_all_cookies().await?;
    let app = TestApp::spawn(&backend).await?;
    let maker2 = app.token("maker2@demo.example").await?;
    let (status, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            &maker2,
            &json!({"product_code": "2233002Q1124", "shipping_status": "5", "reason": "2", "volume_status": "C"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{on}: {body}");
    let c = &browser.client;
    c.goto(&app.url("/")).await?;
    browser.wait_for("#q").await?;
    assert!(c.source().await?.contains("本日の更新"), "{on}");
    c.find(Locator::Css("#q"))
        .await?
        .send_keys("かるぼしすていん")
        .await?;
    wait_for_codes(browser, &["2233002Q1035", "2233002Q1124"]).await?;
    browser
        .screenshot(&format!("public-search-hiragana-{on}"))
        .await?;

    c.find(Locator::Css(
        ".public-filters input[name=status][value='5']",
    ))
    .await?
    .click()
    .await?;
    wait_for_codes(browser, &["2233002Q1124"]).await?;
    let address = c.current_url().await?;
    let query = address.query().unwrap_or_default();
    assert!(
        query.contains("status=5"),
        "{on}: the filter is in the address: {address}"
    );
    assert!(
        query.contains("q=%E3%81%8B"),
        "{on}: and the words: {address}"
    );
    let page = c.source().await?;
    assert!(
        page.contains("⑫ 供給停止") && page.contains("status=5"),
        "{on}: summary and links keep it"
    );
    browser
        .screenshot(&format!("public-search-status-filter-{on}"))
        .await?;

    // Coming back to the address restores the ticked box and the words.
    c.goto(address.as_str()).await?;
    browser.wait_for("#public-results").await?;
    let ticked = c
        .find(Locator::Css(
            ".public-filters input[name=status][value='5']",
        ))
        .await?
        .prop("checked")
        .await?;
    assert_eq!(ticked.as_deref(), Some("true"), "{on}");
    wait_for_codes(browser, &["2233002Q1124"]).await?;

    c.find(Locator::Css("#public-results tbody td.code a"))
        .await?
        .click()
        .await?;
    browser.wait_for("#alternatives").await?;
    let drug = c.source().await?;
    assert!(
        drug.contains("2233002Q1035"),
        "{on}: its same-spec alternative is listed"
    );
    assert!(
        drug.contains("follow-email"),
        "{on}: and the form to follow it"
    );
    browser
        .screenshot(&format!("public-drug-alternatives-{on}"))
        .await?;
    Ok(())
}
