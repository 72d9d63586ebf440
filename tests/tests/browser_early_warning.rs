//! In a real headless Chromium, on the demo data: the ministry opens 早期警戒, sees the two
//! levofloxacin products likely to go short after the stop of their same-spec neighbour, and
//! follows one to its product page, where the forecast's arithmetic is shown; a maker sees none
//! of it. Screenshots at 1280×800 and at a phone's width. On SQLite and PostgreSQL.

use anyhow::Context;
use fantoccini::Locator;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, TestApp, backends};

/// Sets the window so the viewport is about `w` wide and fails when the page scrolls sideways.
async fn shot(browser: &Browser, name: &str, w: u32, h: u32) -> anyhow::Result<()> {
    let c = &browser.client;
    c.set_window_size(w, h).await?;
    let widths = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    browser.screenshot(name).await?;
    let culprits = c
        .execute(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ');",
            vec![],
        )
        .await?;
    let (scroll, inner) = (widths[0].as_u64(), widths[1].as_u64());
    assert!(
        scroll <= inner,
        "{name}: page {scroll:?} wider than {inner:?}: {culprits}"
    );
    Ok(())
}

#[tokio::test]
async fn the_ministry_sees_who_goes_short_next_and_the_arithmetic_behind_it() -> anyhow::Result<()>
{
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        the_ministry_sees_who_goes_short_next_and_the_arithmetic_behind_it_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn the_ministry_sees_who_goes_short_next_and_the_arithmetic_behind_it_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    // The last backend's run ended at a phone's width.
    browser.client.set_window_size(1280, 900).await?;
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    browser.log_in(&app, "ministry@demo.example").await?;
    c.find(Locator::Css(".main-nav a[href='/early-warning']"))
        .await?
        .click()
        .await?;
    browser.wait_for("#likely-next").await?;
    // The day's early-warning list carries the shipment-based forecast with its reason.
    let day_list = c
        .find(Locator::Css("#early-warning-list"))
        .await?
        .text()
        .await?;
    assert!(
        day_list.contains("6241013F2020") && day_list.contains("出荷量に基づく波及予測"),
        "{on}: {day_list}"
    );
    let rows = c.find_all(Locator::Css("#likely-next tbody tr")).await?;
    assert_eq!(
        rows.len(),
        2,
        "{on}: both takers of the stopped product's volume"
    );
    let first = rows[0].text().await?;
    // 6241013F2250 stopped: 900 packages a month go to F2020 (2,400) and F2209 (1,200).
    assert!(
        first.contains("6241013F2020") && first.contains("6241013F2250") && first.contains("360"),
        "{on}: {first}"
    );
    shot(browser, &format!("early-warning-list-{on}"), 1280, 800).await?;
    shot(browser, &format!("early-warning-list-phone-{on}"), 390, 844).await?;
    c.set_window_size(1280, 800).await?;
    c.find(Locator::Css(
        "#likely-next tbody tr a[href='/products/6241013F2020']",
    ))
    .await?
    .click()
    .await?;
    browser.wait_for("#early-warning #forecast").await?;
    let forecast = c
        .find(Locator::Css("#early-warning #forecast"))
        .await?
        .text()
        .await?;
    assert!(
        forecast.contains("⌊900 × 2,400 ÷ 3,600⌋ = 600") && forecast.contains("次に不足しそう"),
        "{on}: {forecast}"
    );
    let lost = c.find(Locator::Css("#lost-units")).await?.text().await?;
    assert_eq!(lost, "900", "{on}");
    c.execute(
        "document.getElementById('early-warning').scrollIntoView();",
        vec![],
    )
    .await?;
    shot(browser, &format!("early-warning-product-{on}"), 1280, 800).await?;
    shot(
        browser,
        &format!("early-warning-product-phone-{on}"),
        390,
        844,
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_maker_sees_neither_the_forecast_nor_the_menu() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        app.log_in_session("maker@demo.example").await?;
        let (_, product) = app.page("/products/6241013F2209").await?;
        assert!(product.contains("6241013F2209"), "the page itself shows");
        assert!(
            !product.contains("id=\"early-warning\""),
            "no forecast card"
        );
        assert!(
            !product.contains("href=\"/early-warning\""),
            "no menu entry"
        );
        let (status, _) = app.page("/early-warning").await?;
        assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    }
    Ok(())
}
