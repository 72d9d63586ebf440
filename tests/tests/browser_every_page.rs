//! Every page template in a real headless Chromium, as the role that sees it: none scrolls
//! sideways on a phone (390 px) or a desktop (1280 px), and the menu fits one line at 1280 px.
//! On SQLite and PostgreSQL; screenshots of both widths land in
//! `target/screenshots/every-page-*-{sqlite,postgres}.png`.

use anyhow::Context;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::page_tour::{self, Walker};
use supplywatch_tests::{Backend, TestApp, backends};

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

#[tokio::test]
async fn no_page_scrolls_sideways_on_a_phone_or_a_desktop() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        no_page_scrolls_sideways_on_a_phone_or_a_desktop_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn no_page_scrolls_sideways_on_a_phone_or_a_desktop_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let stops = page_tour::prepare(&app).await?;
    let mut walker = Walker::new();
    let mut problems = Vec::new();
    for stop in &stops {
        for (label, (w, h)) in [("phone", PHONE), ("desktop", DESKTOP)] {
            browser.set_viewport(w, h).await?;
            walker.open(browser, &app, stop).await?;
            browser
                .screenshot(&format!("every-page-{}-{label}-{on}", stop.name))
                .await?;
            if let Some(overflow) = browser.sideways_overflow().await? {
                problems.push(format!(
                    "{} at {w} px ({}): {overflow}",
                    stop.name, stop.path
                ));
            }
            if w == DESKTOP.0 && !menu_is_one_line(browser).await? {
                problems.push(format!("{}: the menu wraps at {w} px", stop.name));
            }
        }
    }
    assert!(stops.len() >= 45, "{on}: the tour visits every template");
    assert!(
        problems.is_empty(),
        "{on}: pages scroll sideways:\n{}",
        problems.join("\n")
    );
    Ok(())
}
