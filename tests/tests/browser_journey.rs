//! In a real headless Chromium: the ministry logs in, searches a product and opens it.

use fantoccini::Locator;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{DEMO_PASSWORD, TestApp, backends};

#[tokio::test]
async fn the_ministry_logs_in_searches_a_product_and_opens_it() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    let app = TestApp::spawn(&backends()?.remove(0)).await?;
    let c = &browser.client;
    c.goto(&app.url("/products")).await?;
    // Not logged in: the login page.
    browser.wait_for("form[action='/login']").await?;
    assert!(c.current_url().await?.path().starts_with("/login"));
    browser.screenshot("login").await?;
    c.find(Locator::Css("input[name=email]"))
        .await?
        .send_keys("ministry@demo.example")
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit].primary"))
        .await?
        .click()
        .await?;
    browser.wait_for("input#q").await?;
    assert!(
        c.source().await?.contains("厚労 花子"),
        "the header names the user"
    );

    // Typing searches live (htmx) without pressing the button.
    c.find(Locator::Css("input#q"))
        .await?
        .send_keys("アムロジピン OD")
        .await?;
    let mut count = String::new();
    for _ in 0..100 {
        count = c.find(Locator::Css(".result-count")).await?.text().await?;
        if count == "4件" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        count, "4件",
        "the four OD tablets of 10 mg, and nothing else"
    );
    assert!(
        c.current_url()
            .await?
            .query()
            .is_some_and(|q| q.contains("q=")),
        "the search is in the address bar"
    );
    browser.screenshot("product-search").await?;
    browser
        .wait_for("#results td.code a[href='/products/2171022F6020']")
        .await?
        .click()
        .await?;

    let title = browser.wait_for("h1#product-name").await?.text().await?;
    assert_eq!(title, "アムロジンＯＤ錠１０ｍｇ");
    let substitutes = c.find_all(Locator::Css("#substitutes tbody tr")).await?;
    assert!(
        substitutes.len() >= 3,
        "{} substitutes shown",
        substitutes.len()
    );
    let path = browser.screenshot("product-detail").await?;
    assert!(
        std::fs::metadata(&path)?.len() > 10_000,
        "the screenshot is a real picture"
    );
    browser.close().await
}
