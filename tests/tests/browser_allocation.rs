//! In a real headless Chromium: a wholesaler finds its customers' caps and uploads its purchase
//! history (first with errors, then corrected); the ministry makes a plan with the form. Each on
//! SQLite and PostgreSQL, one browser for both.

use anyhow::Context;
use fantoccini::Locator;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, TestApp, backends};

#[tokio::test]
async fn a_wholesaler_searches_its_customers_caps_and_finds_the_downloads() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_wholesaler_searches_its_customers_caps_and_finds_the_downloads_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn a_wholesaler_searches_its_customers_caps_and_finds_the_downloads_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    // The last backend's run ended at a phone's width.
    browser.client.set_window_size(1280, 900).await?;
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    browser.log_in(&app, "wholesaler@demo.example").await?;
    c.find(Locator::Css(".main-nav a[href='/allocation-plans']"))
        .await?
        .click()
        .await?;
    browser.wait_for("#plans td a").await?.click().await?;
    browser.wait_for("#caps").await?;
    let text = c
        .find(Locator::Css("#customer-caps .result-count"))
        .await?
        .text()
        .await?;
    assert_eq!(
        text, "得意先 6 件",
        "{on}: the demo wholesaler's six customers, not the other's"
    );
    let page = c.source().await?;
    assert!(
        page.contains("札幌中央病院") && !page.contains("福岡南病院"),
        "{on}: only its own customers"
    );
    browser
        .screenshot(&format!("allocation-wholesaler-plan-{on}"))
        .await?;
    c.find(Locator::Css("#customer-q"))
        .await?
        .send_keys("薬局")
        .await?;
    browser
        .wait_for_text(
            "#customer-caps .result-count",
            "「薬局」に該当する得意先 3 件",
        )
        .await?;
    let rows = c.find_all(Locator::Css("#caps tbody tr")).await?;
    assert_eq!(rows.len(), 3, "{on}");
    let csv = c
        .find(Locator::Css("a[href*='format=csv']"))
        .await?
        .attr("href")
        .await?;
    assert!(
        csv.is_some_and(|h| h.starts_with("/api/v1/allocation-plans/")),
        "{on}"
    );
    c.set_window_size(390, 844).await?;
    browser
        .screenshot(&format!("allocation-wholesaler-plan-phone-{on}"))
        .await?;
    let overflow: bool = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;",
            vec![],
        )
        .await?
        .as_bool()
        .unwrap_or(true);
    let wide = c
        .execute(
            "return Array.from(document.querySelectorAll('.card')).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id || e.className).join(' ');",
            vec![],
        )
        .await?;
    assert!(
        !overflow,
        "{on}: no sideways scrolling of the page at phone width (wide cards: {wide})"
    );
    Ok(())
}

#[tokio::test]
async fn a_wholesaler_uploads_purchase_history_sees_every_error_then_the_corrected_file_is_stored()
-> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_wholesaler_uploads_purchase_history_sees_every_error_then_the_corrected_file_is_stored_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn a_wholesaler_uploads_purchase_history_sees_every_error_then_the_corrected_file_is_stored_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    let dir = tempfile::tempdir()?;
    let bad = dir.path().join("販売実績_誤り.csv");
    std::fs::write(
        &bad,
        "customer_code,customer_name,product_code,month,quantity\nC1,甲病院,2171022F5180,2018-05,10\nC2,乙薬局,2171022F5181,2018-05,x\n",
    )?;
    let good = dir.path().join("販売実績.csv");
    std::fs::write(
        &good,
        "customer_code,customer_name,product_code,month,quantity\nC1,甲病院,2171022F5180,2018-05,10\nC2,乙薬局,2171022F5180,2018-05,4\n",
    )?;
    browser.log_in(&app, "wholesaler@demo.example").await?;
    c.goto(&app.url("/my/purchase-history/upload")).await?;
    c.find(Locator::Css("input[type=file]"))
        .await?
        .send_keys(&bad.display().to_string())
        .await?;
    c.find(Locator::Css("#data-upload-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for("#upload-errors").await?;
    let cells = c.find_all(Locator::Css("#upload-errors tbody tr")).await?;
    assert_eq!(
        cells.len(),
        2,
        "{on}: the check digit and the quantity of row 3"
    );
    assert!(c.source().await?.contains("何も反映していません"), "{on}");
    let progress_shown = c
        .find(Locator::Css("#upload-progress"))
        .await?
        .is_displayed()
        .await?;
    assert!(
        !progress_shown,
        "{on}: the progress bar goes away once the answer is there"
    );
    browser
        .screenshot(&format!("allocation-upload-errors-{on}"))
        .await?;
    c.find(Locator::Css("input[type=file]"))
        .await?
        .send_keys(&good.display().to_string())
        .await?;
    c.find(Locator::Css("#data-upload-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for("#upload-result").await?;
    let result = c.find(Locator::Css("#upload-result")).await?.text().await?;
    assert!(
        result.contains("2 行（得意先 2 件）を反映しました"),
        "{on}: {result}"
    );
    browser
        .screenshot(&format!("allocation-upload-done-{on}"))
        .await?;
    Ok(())
}

#[tokio::test]
async fn the_ministry_makes_a_plan_with_the_form_and_sees_each_wholesalers_share()
-> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        the_ministry_makes_a_plan_with_the_form_and_sees_each_wholesalers_share_on(
            &browser, backend,
        )
        .await
        .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn the_ministry_makes_a_plan_with_the_form_and_sees_each_wholesalers_share_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    browser.log_in(&app, "ministry@demo.example").await?;
    c.goto(&app.url("/allocation-plans")).await?;
    let demo_plan = c.find(Locator::Css("#plans td a")).await?.text().await?;
    c.find(Locator::Css("#plan-form input[name=name]"))
        .await?
        .send_keys("アムロジピン錠10mg 予備10%")
        .await?;
    c.find(Locator::Css("#plan-form input[name=group_code]"))
        .await?
        .send_keys("2171022F5")
        .await?;
    // The demo's shipments are for this month, as its plan's name says (…YYYY-MM).
    let month = demo_plan.rsplit(' ').next().unwrap_or_default().to_owned();
    c.execute(
        "document.querySelector('#plan-form input[name=target_month]').value = arguments[0];",
        vec![serde_json::Value::String(month)],
    )
    .await?;
    c.find(Locator::Css("#plan-form input[name=reserve_percent]"))
        .await?
        .send_keys("10")
        .await?;
    c.find(Locator::Css("#plan-form button[type=submit]"))
        .await?
        .click()
        .await?;
    // The demo plan covers the same products and month: the form names it and asks whether the
    // new plan replaces it.
    let refusal = browser.wait_for("#plan-errors").await?.text().await?;
    let demo_id = refusal
        .split("計画 #")
        .nth(1)
        .and_then(|rest| rest.split('「').next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        refusal.contains(&demo_plan) && !demo_id.is_empty(),
        "{on}: {refusal}"
    );
    c.find(Locator::Css("#plan-form input[name=supersedes]"))
        .await?
        .send_keys(&demo_id)
        .await?;
    c.find(Locator::Css("#plan-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for("#wholesalers").await?;
    let rows = c.find_all(Locator::Css("#wholesalers tbody tr")).await?;
    assert_eq!(rows.len(), 2, "{on}: both demo wholesalers");
    let figures = c.find(Locator::Css("#plan-figures")).await?.text().await?;
    // P = 300 + 120, B = 460 + 140: r = 420 / 600, shown as a percentage.
    assert!(figures.contains("70.0%"), "{on}: {figures}");
    browser
        .screenshot(&format!("allocation-ministry-plan-{on}"))
        .await?;
    Ok(())
}
