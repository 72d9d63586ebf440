//! axe-core injected into a real headless Chromium finds no serious or critical accessibility
//! violation on any page template, as the role that sees it, at 1280 px and at 390 px, on SQLite
//! and PostgreSQL.

use anyhow::Context;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::page_tour::{self, Walker};
use supplywatch_tests::{Backend, TestApp, axe, backends};

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 800);

#[tokio::test]
async fn axe_finds_no_serious_or_critical_violation_on_any_page() -> anyhow::Result<()> {
    let Some(script) = axe::load()? else {
        return Ok(());
    };
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let name = backend.name();
        no_serious_violation_on(&browser, &script, backend)
            .await
            .with_context(|| format!("on {name}"))?;
    }
    browser.close().await
}

/// The tour on one backend, then the check itself on a page with planted faults.
async fn no_serious_violation_on(
    browser: &Browser,
    script: &str,
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let stops = page_tour::prepare(&app).await?;
    let mut walker = Walker::new();
    let mut problems = Vec::new();
    for stop in &stops {
        for (w, h) in [DESKTOP, PHONE] {
            browser.set_viewport(w, h).await?;
            walker.open(browser, &app, stop).await?;
            for violation in axe::serious_violations(browser, script).await? {
                problems.push(format!(
                    "{} at {w} px ({}): {violation}",
                    stop.name, stop.path
                ));
            }
        }
    }
    // The check itself works: a page with an unlabelled field and grey-on-white text fails.
    browser
        .client
        .execute(
            "const main = document.querySelector('main'); main.append(document.createElement('input')); const p = document.createElement('p'); p.textContent = '薄い文字'; p.style.color = '#ccc'; p.style.background = '#fff'; main.append(p);",
            vec![],
        )
        .await?;
    let planted = axe::serious_violations(browser, script).await?;
    assert!(
        planted.iter().any(|v| v.starts_with("label"))
            && planted.iter().any(|v| v.starts_with("color-contrast")),
        "{}: axe finds a planted unlabelled field and low contrast: {planted:?}",
        backend.name()
    );
    assert!(
        problems.is_empty(),
        "{}: axe-core found {} serious or critical violations:\n{}",
        backend.name(),
        problems.len(),
        problems.join("\n")
    );
    Ok(())
}
