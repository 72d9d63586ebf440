//! A real headless Chromium driven through chromedriver (Debian's `chromium` and `chromium-driver`).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
// chromedriver listens on plain HTTP on loopback: no TLS stack is needed to talk to it.
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::process::{Child, Command};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Where chromedriver and Chromium are expected.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One browser at a time: journeys are long, and parallel Chromiums on a 2-core machine make
/// each other time out.
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

/// A browser session; closes the browser and chromedriver when dropped.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    _driver: Child,
    _turn: SemaphorePermit<'static>,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium. `None` when they are not installed (outside
    /// CI); under `CI=true` a missing browser is an error.
    pub async fn start() -> anyhow::Result<Option<Self>> {
        if !PathBuf::from(CHROMEDRIVER).exists() || !PathBuf::from(CHROMIUM).exists() {
            if crate::in_ci() {
                bail!(
                    "CI=true but {CHROMEDRIVER} or {CHROMIUM} is missing: install chromium and chromium-driver"
                );
            }
            eprintln!("note: chromium/chromedriver not installed; skipping the browser journey");
            return Ok(None);
        }
        let turn = ONE_AT_A_TIME.acquire().await?;
        let port = free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("Failed to start chromedriver")?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,900", "--lang=ja-JP"
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Ok(Some(Self {
                        client,
                        _driver: driver,
                        _turn: turn,
                    }));
                }
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("chromedriver did not accept a session: {last_error:?}")
    }

    /// Waits for an element matching the CSS selector.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element matches {css}"))
    }

    /// Waits until the element matching `css` reads `expected`. Polls afresh each time, so it
    /// also works across a page load that replaces the element (no stale references).
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> anyhow::Result<()> {
        let mut last = String::new();
        for _ in 0..200 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text == expected {
                        return Ok(());
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} reads {last:?}, not {expected:?}")
    }

    /// Saves a PNG of the page under `target/screenshots/NAME.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        let png = self.client.screenshot().await?;
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Logs in on the login form as `email` with the demo password (after clearing any earlier
    /// session) and waits for the header to name the user.
    pub async fn log_in(&self, app: &crate::TestApp, email: &str) -> anyhow::Result<()> {
        let c = &self.client;
        c.delete_all_cookies().await?;
        c.goto(&app.url("/login")).await?;
        c.find(Locator::Css("input[name=email]"))
            .await?
            .send_keys(email)
            .await?;
        c.find(Locator::Css("input[name=password]"))
            .await?
            .send_keys(crate::DEMO_PASSWORD)
            .await?;
        c.find(Locator::Css("button[type=submit].primary"))
            .await?
            .click()
            .await?;
        self.wait_for(".user-name").await?;
        Ok(())
    }

    /// Sizes the window so that the page's viewport is `width`×`height` CSS pixels (the window
    /// includes the browser's frame).
    pub async fn set_viewport(&self, width: u32, height: u32) -> anyhow::Result<()> {
        let c = &self.client;
        c.set_window_size(width, height).await?;
        let inner = c
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        let frame = |i: usize, want: u32| {
            let got = u32::try_from(inner[i].as_u64().unwrap_or(u64::from(want))).unwrap_or(want);
            want + want.saturating_sub(got)
        };
        c.set_window_size(frame(0, width), frame(1, height)).await?;
        tokio::time::sleep(Duration::from_millis(150)).await;
        Ok(())
    }

    /// When the page is wider than the window (it scrolls sideways): its width, the window's and
    /// the first elements sticking out that no scrolling box clips.
    pub async fn sideways_overflow(&self) -> anyhow::Result<Option<String>> {
        let found = self
            .client
            .execute(
                "const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'hidden' || o === 'scroll') return true; } return false; };
                 const scroll = document.documentElement.scrollWidth, inner = window.innerWidth;
                 if (scroll <= inner) return null;
                 const culprits = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > inner + 1 && !clipped(e)).slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : '') + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)').join(', ');
                 return scroll + 'px wide in a ' + inner + 'px window: ' + culprits;",
                vec![],
            )
            .await?;
        Ok(found.as_str().map(str::to_owned))
    }

    /// Ends the WebDriver session.
    pub async fn close(self) -> anyhow::Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
