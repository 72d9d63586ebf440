//! In a real headless Chromium, on SQLite and PostgreSQL: the ministry logs in, searches a product
//! and opens it; a maker updates a status in its form and uploads a file with an error; a device
//! maker and the ministry work a case through its steps.

use anyhow::Context;
use fantoccini::Locator;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, backends};

#[tokio::test]
async fn the_ministry_logs_in_searches_a_product_and_opens_it() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        the_ministry_logs_in_searches_a_product_and_opens_it_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn the_ministry_logs_in_searches_a_product_and_opens_it_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    // Cookies are not told apart by port: the last backend's session goes first.
    browser.client.delete_all_cookies().await?;
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    c.goto(&app.url("/products")).await?;
    // Not logged in: the login page.
    browser.wait_for("form[action='/login']").await?;
    assert!(c.current_url().await?.path().starts_with("/login"), "{on}");
    browser.screenshot(&format!("login-{on}")).await?;
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
        "{on}: the header names the user"
    );

    // Typing searches live (htmx) without pressing the button.
    c.find(Locator::Css("input#q"))
        .await?
        .send_keys("アムロジピン OD")
        .await?;
    let mut count = String::new();
    for _ in 0..100 {
        // htmx may swap the results between finding the count and reading it: read again then.
        if let Ok(element) = c.find(Locator::Css(".result-count")).await {
            if let Ok(text) = element.text().await {
                count = text;
            }
        }
        if count == "4件" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        count, "4件",
        "{on}: the four OD tablets of 10 mg, and nothing else"
    );
    assert!(
        c.current_url()
            .await?
            .query()
            .is_some_and(|q| q.contains("q=")),
        "{on}: the search is in the address bar"
    );
    browser.screenshot(&format!("product-search-{on}")).await?;
    browser
        .wait_for("#results td.code a[href='/products/2171022F6020']")
        .await?
        .click()
        .await?;

    let title = browser.wait_for("h1#product-name").await?.text().await?;
    assert_eq!(title, "アムロジンＯＤ錠１０ｍｇ", "{on}");
    let substitutes = c.find_all(Locator::Css("#substitutes tbody tr")).await?;
    assert!(
        substitutes.len() >= 3,
        "{on}: {} substitutes shown",
        substitutes.len()
    );
    let path = browser.screenshot(&format!("product-detail-{on}")).await?;
    assert!(
        std::fs::metadata(&path)?.len() > 10_000,
        "{on}: the screenshot is a real picture"
    );
    Ok(())
}

/// Logs `email` in through the login page.
#[tokio::test]
async fn a_maker_updates_a_status_in_the_form_and_the_public_page_shows_it() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_maker_updates_a_status_in_the_form_and_the_public_page_shows_it_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn a_maker_updates_a_status_in_the_form_and_the_public_page_shows_it_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    browser.log_in(&app, "maker@demo.example").await?;
    c.goto(&app.url("/my/products")).await?;
    browser
        .wait_for("#row-2171022F5180 button")
        .await?
        .click()
        .await?;
    let form = browser.wait_for("#row-2171022F5180 form").await?;
    form.find(Locator::Css("select[name=shipping_status]"))
        .await?
        .select_by_value("2")
        .await?;
    form.find(Locator::Css("select[name=reason]"))
        .await?
        .select_by_value("")
        .await?;
    form.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    // Without a reason the row comes back as the form with the error, in Japanese.
    let error = browser
        .wait_for("#row-2171022F5180 .problems")
        .await?
        .text()
        .await?;
    assert!(error.contains("⑭理由を入力してください"), "{on}: {error}");
    let form = browser.wait_for("#row-2171022F5180 form").await?;
    form.find(Locator::Css("select[name=reason]"))
        .await?
        .select_by_value("3")
        .await?;
    form.find(Locator::Css("select[name=volume_status]"))
        .await?
        .select_by_value("B")
        .await?;
    // A month picker takes keystrokes in the browser's locale; set the value as a picker would.
    c.execute("document.querySelector('#row-2171022F5180 input[name=resolution_month]').value = '2027-03';", vec![]).await?;
    form.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    let flash = browser
        .wait_for("#row-2171022F5180 .flash")
        .await?
        .text()
        .await?;
    assert!(flash.contains("受付番号 R"), "{on}: {flash}");
    let badge = c
        .find(Locator::Css("#row-2171022F5180 .badge"))
        .await?
        .text()
        .await?;
    assert_eq!(badge, "限定出荷", "{on}");
    browser
        .screenshot(&format!("maker-status-updated-{on}"))
        .await?;

    c.goto(&app.url("/public?q=2171022F5180")).await?;
    let row = browser
        .wait_for("#public-results tbody tr")
        .await?
        .text()
        .await?;
    assert!(
        row.contains("限定出荷（自社の事情）")
            && row.contains("製造トラブル")
            && row.contains("B 減少"),
        "{on}: {row}"
    );
    browser.screenshot(&format!("public-status-{on}")).await?;
    Ok(())
}

#[tokio::test]
async fn a_maker_uploads_a_file_with_an_error_and_sees_the_table() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_maker_uploads_a_file_with_an_error_and_sees_the_table_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn a_maker_uploads_a_file_with_an_error_and_sees_the_table_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    browser.log_in(&app, "maker@demo.example").await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("status.csv");
    std::fs::write(
        &file,
        "product_code,shipping_status,reason,causing_product_code,resolution_outlook,resolution_month,volume_status\n2171022F5180,2,,,,,B\n2171022F5075,5,3,,,,C\n",
    )?;
    c.goto(&app.url("/my/supply-status/upload")).await?;
    browser
        .wait_for("input[type=file]")
        .await?
        .send_keys(&file.to_string_lossy())
        .await?;
    c.find(Locator::Css("form.upload-form button[type=submit]"))
        .await?
        .click()
        .await?;
    let table = browser
        .wait_for("#upload-errors table")
        .await?
        .text()
        .await?;
    assert!(table.contains("⑭理由を入力してください"), "{on}: {table}");
    assert!(
        table.contains("自社（沢井製薬）の製品ではありません"),
        "{on}: {table}"
    );
    let rows = c.find_all(Locator::Css("#upload-errors tbody tr")).await?;
    assert_eq!(rows.len(), 2, "{on}");
    browser.screenshot(&format!("upload-errors-{on}")).await?;
    Ok(())
}

#[tokio::test]
async fn a_device_maker_and_the_ministry_work_a_case_through_its_steps() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_device_maker_and_the_ministry_work_a_case_through_its_steps_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey across two users, step by step"
)]
async fn a_device_maker_and_the_ministry_work_a_case_through_its_steps_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    // The maker files a 第一報 with blanks.
    browser.log_in(&app, "maker@demo.example").await?;
    c.goto(&app.url("/my/device-reports/new?kind=first"))
        .await?;
    browser.wait_for("#device-report-form").await?;
    assert!(
        c.find_all(Locator::Css("#device-report-form .required"))
            .await?
            .len()
            <= 4,
        "{on}: a 第一報 requires only kind, product and event type"
    );
    c.find(Locator::Css("select[name=event_type]"))
        .await?
        .select_by_value("stockout")
        .await?;
    c.find(Locator::Css("#device-report-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for_text("#case-state", "報告受付").await?;
    let case_url = c.current_url().await?;
    // The ministry judges the impact of the 第一報.
    c.delete_all_cookies().await?;
    browser.log_in(&app, "ministry@demo.example").await?;
    c.goto(case_url.as_str()).await?;
    let judge = browser
        .wait_for("#actions form input[value=judge_impact]")
        .await?
        .find(Locator::XPath(".."))
        .await?;
    judge
        .find(Locator::Css("select[name=impact]"))
        .await?
        .select_by_value("possibly_large")
        .await?;
    judge
        .find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for_text("#case-state", "影響評価中").await?;
    c.delete_all_cookies().await?;
    browser.log_in(&app, "maker@demo.example").await?;
    // Then a 追加報告: the form marks every field required, and a blank one is refused.
    c.goto(&app.url("/my/device-reports/new?kind=additional"))
        .await?;
    browser.wait_for("#device-report-form").await?;
    let required = c
        .find_all(Locator::Css("#device-report-form .required"))
        .await?
        .len();
    assert!(required >= 12, "{on}: {required} fields marked 必須");
    c.find(Locator::Css("select[name=event_type]"))
        .await?
        .select_by_value("stockout")
        .await?;
    let values = [
        ("reason", "3"),
        ("reason_text", "滅菌設備の故障"),
        ("occurred_on", "2026-11"),
        ("clinical_impact", "large"),
        ("impact_basis", "主要取引先への聞き取り"),
        ("recovery_month", "2027-03"),
        ("stock_months", "1"),
        (
            "shipments_last_12_months",
            "10,10,10,10,10,10,10,10,10,10,10,4",
        ),
        ("alternatives", "デモ輸液セット スタンダード"),
        ("information_provided", "true"),
        ("information_provided_on", "2026-11-20"),
    ];
    for (name, value) in values {
        let input = c
            .find(Locator::Css(&format!("#device-report-form [name={name}]")))
            .await?;
        if input.tag_name().await? == "select" {
            input.select_by_value(value).await?;
        } else {
            input.send_keys(value).await?;
        }
    }
    c.find(Locator::Css("#device-report-form button[type=submit]"))
        .await?
        .click()
        .await?;
    let error = browser.wait_for(".field-error").await?.text().await?;
    assert!(error.contains("情報提供の内容"), "{on}: {error}");
    browser
        .screenshot(&format!("device-report-errors-{on}"))
        .await?;
    c.find(Locator::Css(
        "#device-report-form [name=information_content]",
    ))
    .await?
    .send_keys("取引先へ出荷調整を連絡")
    .await?;
    c.find(Locator::Css("#device-report-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser
        .wait_for_text("#case-state", "追加報告受付（判断待ち）")
        .await?;

    // The ministry decides; the maker consents.
    c.goto(&app.url("/login")).await?;
    c.delete_all_cookies().await?;
    browser.log_in(&app, "ministry@demo.example").await?;
    c.goto(case_url.as_str()).await?;
    let decide = browser
        .wait_for("#actions form input[value=decide]")
        .await?;
    let form = decide.find(Locator::XPath("..")).await?;
    form.find(Locator::Css("select[name=decision]"))
        .await?
        .select_by_value("response_needed")
        .await?;
    form.find(Locator::Css("input[name=note]"))
        .await?
        .send_keys("学会と協議")
        .await?;
    form.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for_text("#case-state", "対応必要").await?;
    c.goto(&app.url("/cases")).await?;
    browser.wait_for("#cases").await?;
    browser.screenshot(&format!("ministry-cases-{on}")).await?;

    c.delete_all_cookies().await?;
    browser.log_in(&app, "maker@demo.example").await?;
    c.goto(case_url.as_str()).await?;
    browser
        .wait_for("#actions form input[value=consent]")
        .await?
        .find(Locator::XPath(".."))
        .await?
        .find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for_text("#consent", "同意済み").await?;
    let steps = c.find_all(Locator::Css("#transitions li")).await?;
    assert_eq!(
        steps.len(),
        5,
        "{on}: 第一報, 影響の判断, 追加報告, 決定, 同意"
    );
    browser.screenshot(&format!("case-page-{on}")).await?;
    Ok(())
}
