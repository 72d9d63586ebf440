//! axe-core (the npm package, `npm install --prefix target/axe axe-core@4`) injected through
//! WebDriver into the page Chromium shows, reporting the serious and critical violations.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::browser::Browser;

/// Where `.ci/run` installs axe-core; `SUPPLYWATCH_AXE_JS` names another copy of `axe.min.js`.
fn script_path() -> PathBuf {
    std::env::var_os("SUPPLYWATCH_AXE_JS").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/axe/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    )
}

/// The axe-core script. `None` when it is not installed (outside CI); under `CI=true` a missing
/// axe-core is an error.
pub fn load() -> anyhow::Result<Option<String>> {
    let path = script_path();
    match std::fs::read_to_string(&path) {
        Ok(script) => Ok(Some(script)),
        Err(e) if crate::in_ci() => {
            bail!(
                "CI=true but axe-core is missing at {} ({e}): npm install --prefix target/axe axe-core@4",
                path.display()
            )
        }
        Err(_) => {
            eprintln!(
                "note: axe-core not installed at {}; skipping the accessibility check (npm install --prefix target/axe axe-core@4)",
                path.display()
            );
            Ok(None)
        }
    }
}

/// Runs axe on the page `browser` shows (all of axe's rules, WCAG 2.1 A/AA among them) and
/// returns each serious or critical violation as `rule (impact): help — the first elements`.
pub async fn serious_violations(browser: &Browser, script: &str) -> anyhow::Result<Vec<String>> {
    let c = &browser.client;
    // WebDriver scripts are not bound by the page's Content-Security-Policy.
    c.execute(&format!("{script}\nreturn typeof axe;"), vec![])
        .await
        .context("Failed to inject axe-core")?;
    let found = c
        .execute_async(
            r"const done = arguments[arguments.length - 1];
              axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations
                  .filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
                    + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)).join(' | '))))
                .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .context("axe-core did not finish")?;
    Ok(found
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}
