//! In a real headless Chromium: the ministry opens the dashboard, filters to 後発品 and follows
//! a number to its product list and a product; a maker sees what is due on its home. Each page
//! is kept as a screenshot at 1280×800 and at a phone's width, and checked for overflow. Each on
//! SQLite and PostgreSQL (screenshots named `…-sqlite`, `…-postgres`).

use std::time::Duration;

use anyhow::Context;
use fantoccini::Locator;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, backends};

/// A phone's viewport (iPhone 12–15 class).
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 800);

/// Fills the login form the browser was sent to and submits it.
async fn submit_login(browser: &Browser, email: &str) -> anyhow::Result<()> {
    let c = &browser.client;
    browser.wait_for("form[action='/login']").await?;
    c.find(Locator::Css("input[name=email]"))
        .await?
        .send_keys(email)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit].primary"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Takes a screenshot at `size` and fails when the page is wider than the window.
async fn shot(browser: &Browser, name: &str, (w, h): (u32, u32)) -> anyhow::Result<()> {
    let c = &browser.client;
    // The window's size includes the browser's frame: size it so the viewport is (w, h).
    c.set_window_size(w, h).await?;
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await?;
    let frame = |i: usize, want: u32| {
        let got = u32::try_from(inner[i].as_u64().unwrap_or(u64::from(want))).unwrap_or(want);
        want + want.saturating_sub(got)
    };
    c.set_window_size(frame(0, w), frame(1, h)).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let widths = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let scroll = widths[0].as_u64().unwrap_or(u64::MAX);
    let inner = widths[1].as_u64().unwrap_or(0);
    let path = browser.screenshot(name).await?;
    let culprits = c
        .execute(
            "const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'hidden' || o === 'scroll') return true; } return false; }; return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e)).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id).join(', ');",
            vec![],
        )
        .await?;
    assert!(
        scroll <= inner,
        "{name}: the page is {scroll}px wide in a {inner}px window: {culprits}"
    );
    assert!(
        std::fs::metadata(&path)?.len() > 10_000,
        "{name} is a real picture"
    );
    Ok(())
}

/// Waits until `script` returns true.
async fn wait_until(browser: &Browser, script: &str, what: &str) -> anyhow::Result<()> {
    for _ in 0..100 {
        if browser.client.execute(script, vec![]).await?.as_bool() == Some(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("timed out waiting for {what}")
}

#[tokio::test]
async fn the_ministry_filters_the_dashboard_to_generics_and_follows_a_number_to_a_product()
-> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        the_ministry_filters_the_dashboard_to_generics_and_follows_a_number_to_a_product_on(
            &browser, backend,
        )
        .await
        .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn the_ministry_filters_the_dashboard_to_generics_and_follows_a_number_to_a_product_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    // Cookies are not told apart by port: the last backend's session goes first.
    browser.client.delete_all_cookies().await?;
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    c.goto(&app.url("/dashboard")).await?;
    submit_login(browser, "ministry@demo.example").await?;
    let total = browser.wait_for("#tile-total").await?.text().await?;
    assert_eq!(total, "19", "{on}: every demo drug is counted");
    assert!(
        c.source().await?.contains("限定出荷・供給停止の推移"),
        "{on}: the trend chart is inline"
    );
    shot(browser, &format!("dashboard-{on}"), DESKTOP).await?;
    shot(browser, &format!("dashboard-phone-{on}"), PHONE).await?;
    // The whole page at once, for people reviewing the layout.
    shot(browser, &format!("dashboard-full-{on}"), (DESKTOP.0, 3600)).await?;
    c.set_window_size(DESKTOP.0, DESKTOP.1).await?;

    // Filtering swaps the panel (htmx) and puts the filter in the address bar.
    c.find(Locator::Css("select#class"))
        .await?
        .select_by_value("generic")
        .await?;
    wait_until(
        browser,
        "return document.querySelector('.filtered') !== null;",
        "the filtered panel",
    )
    .await?;
    assert!(
        c.current_url()
            .await?
            .query()
            .is_some_and(|q| q.contains("class=generic")),
        "{on}"
    );
    let generics = c.find(Locator::Css("#tile-total")).await?.text().await?;
    assert!(
        generics.parse::<u32>().is_ok_and(|n| n > 0 && n < 19),
        "{on}: {generics}"
    );
    shot(browser, &format!("dashboard-generics-{on}"), DESKTOP).await?;
    // A second filter, then 「戻る」: the form shows the first filter again, as the address does.
    c.find(Locator::Css("select#category"))
        .await?
        .select_by_index(1)
        .await?;
    wait_until(
        browser,
        "return /category=[^&]/.test(location.search);",
        "the second filter in the address",
    )
    .await?;
    c.back().await?;
    wait_until(
        browser,
        "const f = id => document.querySelector('select#' + id); return !/category=[^&]/.test(location.search) && f('class') !== null && f('class').value === 'generic' && f('category').value === '' && document.querySelector('.filtered') !== null;",
        "the form and the panel of the first filter after going back",
    )
    .await?;

    // The 通常出荷 number of the generics leads to exactly that many products.
    let link = c
        .find(Locator::Css("#shipping-counts a[data-key='1']"))
        .await?;
    let number = link.text().await?;
    link.click().await?;
    browser.wait_for("#slice").await?;
    browser
        .wait_for_text(".result-count", &format!("{number}件"))
        .await?;
    let banner = c.find(Locator::Css("#slice")).await?.text().await?;
    assert!(
        banner.contains("後発品") && banner.contains("通常出荷"),
        "{on}: {banner}"
    );
    shot(browser, &format!("dashboard-list-{on}"), DESKTOP).await?;
    c.find(Locator::Css("table.products td.code a"))
        .await?
        .click()
        .await?;
    let name = browser.wait_for("h1#product-name").await?.text().await?;
    assert!(!name.is_empty(), "{on}");
    shot(browser, &format!("dashboard-product-{on}"), DESKTOP).await?;
    Ok(())
}

#[tokio::test]
async fn a_maker_logs_in_and_sees_what_is_due_today() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_maker_logs_in_and_sees_what_is_due_today_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn a_maker_logs_in_and_sees_what_is_due_today_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    // Cookies are not told apart by port: the last backend's session goes first.
    browser.client.delete_all_cookies().await?;
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    c.goto(&app.url("/login")).await?;
    submit_login(browser, "maker@demo.example").await?;
    // The login lands on the maker's home, not the product search.
    let due = browser.wait_for("#due-stale").await?.text().await?;
    assert!(
        due.contains("4品目") && due.contains("まだ報告・確認されていません"),
        "{on}: {due}"
    );
    let receipts = c.find_all(Locator::Css("#receipts tbody tr")).await?;
    assert!(
        !receipts.is_empty(),
        "{on}: the demo history's receipts are listed"
    );
    shot(browser, &format!("maker-home-{on}"), DESKTOP).await?;
    shot(browser, &format!("maker-home-phone-{on}"), PHONE).await?;
    Ok(())
}
