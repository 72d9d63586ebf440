//! Every page template in a real headless Chromium, as the role that sees it, at a phone's width
//! (390 px) and a desktop's (1280 px), on SQLite and PostgreSQL. One walk does every check of a
//! page, so the tour is walked once per database: no page scrolls sideways, the menu fits one
//! line at 1280 px, and axe-core injected into the page finds no serious or critical
//! accessibility violation. Screenshots land in
//! `target/screenshots/every-page-*-{sqlite,postgres}.png`.

use anyhow::Context;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::page_tour::{self, Walker};
use supplywatch_tests::{Backend, TestApp, axe, backends};

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 800);

/// Whether the header's menu items and the user box all sit on one line.
async fn menu_is_one_line(browser: &Browser) -> anyhow::Result<bool> {
    let tops = browser
        .client
        .execute(
            "return [...document.querySelectorAll('.main-nav > a, .main-nav > details > summary, .user-box')].map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));",
            vec![],
        )
        .await?;
    let tops: Vec<i64> = tops
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_i64)
        .collect();
    Ok(tops.iter().all(|t| (t - tops[0]).abs() <= 4))
}

/// What one walk found wrong, by kind.
#[derive(Default)]
struct Findings {
    layout: Vec<String>,
    accessibility: Vec<String>,
}

#[tokio::test]
async fn no_page_scrolls_sideways_or_fails_axe_on_a_phone_or_a_desktop() -> anyhow::Result<()> {
    // Without axe-core (outside CI only) the layout is still checked.
    let axe_script = axe::load()?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    let mut findings = Findings::default();
    for backend in backends()? {
        let on = backend.name();
        walk_every_page_on(&browser, axe_script.as_deref(), backend, &mut findings)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    if let Some(script) = &axe_script {
        // The check itself works: a page with an unlabelled field and grey-on-white text fails.
        browser
            .client
            .execute(
                "const main = document.querySelector('main'); main.append(document.createElement('input')); const p = document.createElement('p'); p.textContent = '薄い文字'; p.style.color = '#ccc'; p.style.background = '#fff'; main.append(p);",
                vec![],
            )
            .await?;
        let planted = axe::serious_violations(&browser, script).await?;
        assert!(
            planted.iter().any(|v| v.starts_with("label"))
                && planted.iter().any(|v| v.starts_with("color-contrast")),
            "axe finds a planted unlabelled field and low contrast: {planted:?}"
        );
    }
    assert!(
        findings.layout.is_empty(),
        "pages scroll sideways:\n{}",
        findings.layout.join("\n")
    );
    assert!(
        findings.accessibility.is_empty(),
        "axe-core found {} serious or critical violations:\n{}",
        findings.accessibility.len(),
        findings.accessibility.join("\n")
    );
    browser.close().await
}

/// Walks the tour on one backend, adding what it finds (each line naming the backend).
async fn walk_every_page_on(
    browser: &Browser,
    axe_script: Option<&str>,
    backend: Backend,
    findings: &mut Findings,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let stops = page_tour::prepare(&app).await?;
    assert!(stops.len() >= 45, "{on}: the tour visits every template");
    let mut walker = Walker::new();
    for stop in &stops {
        for (label, (w, h)) in [("phone", PHONE), ("desktop", DESKTOP)] {
            browser.set_viewport(w, h).await?;
            walker.open(browser, &app, stop).await?;
            browser
                .screenshot(&format!("every-page-{}-{label}-{on}", stop.name))
                .await?;
            let page = format!("{on}: {} at {w} px ({})", stop.name, stop.path);
            if let Some(overflow) = browser.sideways_overflow().await? {
                findings.layout.push(format!("{page}: {overflow}"));
            }
            if w == DESKTOP.0 && !menu_is_one_line(browser).await? {
                findings.layout.push(format!("{page}: the menu wraps"));
            }
            if let Some(script) = axe_script {
                for violation in axe::serious_violations(browser, script).await? {
                    findings.accessibility.push(format!("{page}: {violation}"));
                }
            }
        }
    }
    Ok(())
}
