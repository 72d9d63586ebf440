//! No English word a user sees: a real Chromium crawls every page each role reaches (the tour of
//! every template, then the links on them), reads the text and the attributes a person sees or
//! hears (placeholder, title, aria-label, alt, button values) and fails on any run of ASCII
//! letters outside a short allow-list of codes, units and names. On SQLite and PostgreSQL.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use anyhow::Context;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::page_tour::{self, Stop, Walker};
use supplywatch_tests::{Backend, TestApp, backends};

/// Words that are Japanese usage: the product's name, file formats, code systems and units.
const ALLOWED: &[&str] = &[
    "SupplyWatch",
    "CSV",
    "Excel",
    "PDF",
    "API",
    "JSON",
    "XLSX",
    "PNG",
    "SVG",
    "Atom",
    "YJ",
    "GS",
    "GTIN",
    "JAN",
    "JMDN",
    "HOT",
    "ID",
    "QR",
    "TOTP",
    "URL",
    "OK",
    "mg",
    "mL",
    "kg",
    "IU",
    // Character encodings and standards named as such in Japanese (Shift_JIS, BOM, ISO 週).
    "Shift",
    "JIS",
    "BOM",
    "UTF",
    "ISO",
    // 口腔内崩壊錠 in product names.
    "OD",
];

/// Pages of one pattern visited at most (e.g. two product pages are enough).
const PER_PATTERN: usize = 2;
/// Pages visited per role at most.
const PER_ROLE: usize = 70;

/// Text and attributes a user meets; skips scripts, styles, e-mail addresses and the codes
/// pages show in monospace (`code`, `.code`: product codes, file column names to type).
const READ_PAGE: &str = r"
  const out = [];
  const skip = e => e.closest('script, style, noscript, code, .code, kbd, samp');
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement || skip(n.parentElement)) continue;
    out.push(n.textContent);
  }
  for (const e of document.querySelectorAll('[placeholder], [title], [aria-label], [alt], input[type=submit], input[type=button]')) {
    if (skip(e)) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt', 'value']) {
      if (a === 'value' && !(e.type === 'submit' || e.type === 'button')) continue;
      if (e.getAttribute(a)) out.push(e.getAttribute(a));
    }
  }
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  return [out.join('\n'), links];";

/// ASCII words of `text` not allowed: runs of two or more letters, outside e-mail addresses,
/// addresses and tokens mixing letters with digits (codes such as `2171022F5180`, `2026-W05`).
fn english_words(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for token in text.split(|c: char| c.is_whitespace() || !c.is_ascii()) {
        if token.contains('@') || token.contains("://") || token.starts_with('/') {
            continue;
        }
        if token.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            // File extensions are written in either case (.xlsx, CSV).
            let allowed = ALLOWED.contains(&word)
                || ["csv", "xlsx", "pdf", "json"].contains(&word.to_ascii_lowercase().as_str());
            if word.len() >= 2 && !allowed {
                found.insert(word.to_owned());
            }
        }
    }
    found
}

/// The path with its numbers and codes as `*`, so that one product page stands for all.
fn pattern(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.chars().any(|c| c.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the crawl follows a link: a page of this site, not a download or the API.
fn is_page(base: &str, href: &str) -> Option<String> {
    let path = href.strip_prefix(base)?;
    let path = path.split('#').next().unwrap_or_default();
    let without_query = path.split('?').next().unwrap_or_default();
    let download = [
        ".csv", ".xlsx", ".png", ".svg", ".json", ".atom", ".js", ".css",
    ]
    .iter()
    .any(|ext| without_query.ends_with(ext));
    (!download && !without_query.starts_with("/api/") && !without_query.starts_with("/static/"))
        .then(|| path.to_owned())
}

#[tokio::test]
async fn no_page_of_any_role_shows_an_english_word() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        no_page_of_any_role_shows_an_english_word_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn no_page_of_any_role_shows_an_english_word_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let stops = page_tour::prepare(&app).await?;
    let mut by_role: Vec<(page_tour::Role, Vec<Stop>)> = Vec::new();
    for stop in stops {
        match by_role.iter_mut().find(|(role, _)| *role == stop.role) {
            Some((_, list)) => list.push(stop),
            None => by_role.push((stop.role, vec![stop])),
        }
    }
    let mut walker = Walker::new();
    let mut leaks: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut visited_total = 0;
    for (role, start) in &by_role {
        let mut queue: VecDeque<Stop> = start.iter().cloned().collect();
        queue.push_back(Stop {
            path: "/".into(),
            ..start[0].clone()
        });
        let mut seen: HashSet<String> = queue.iter().map(|s| s.path.clone()).collect();
        let mut per_pattern: HashMap<String, usize> = HashMap::new();
        let mut visited = 0;
        while let Some(stop) = queue.pop_front() {
            if visited >= PER_ROLE {
                break;
            }
            walker.open(browser, &app, &stop).await?;
            visited += 1;
            let found = browser.client.execute(READ_PAGE, vec![]).await?;
            let text = found[0].as_str().unwrap_or_default();
            for word in english_words(text) {
                leaks.entry(word).or_default().insert(format!(
                    "{} {}",
                    role.unwrap_or("anonymous"),
                    stop.path
                ));
            }
            for href in found[1].as_array().into_iter().flatten() {
                let Some(path) = href.as_str().and_then(|h| is_page(&app.base_url, h)) else {
                    continue;
                };
                if path.starts_with("/logout") || !seen.insert(path.clone()) {
                    continue;
                }
                let count = per_pattern.entry(pattern(&path)).or_default();
                if *count >= PER_PATTERN {
                    continue;
                }
                *count += 1;
                queue.push_back(Stop {
                    path,
                    name: "crawled",
                    action: page_tour::Action::None,
                    role: *role,
                });
            }
        }
        visited_total += visited;
    }
    eprintln!("the crawl read {visited_total} pages");
    assert!(
        visited_total >= 80,
        "{on}: the crawl saw {visited_total} pages"
    );
    let mut report: Vec<String> = leaks
        .iter()
        .map(|(word, pages)| {
            let shown: Vec<&String> = pages.iter().take(3).collect();
            format!("{word}: {shown:?}")
        })
        .collect();
    report.sort();
    assert!(
        report.is_empty(),
        "{on}: English words on pages:\n{}",
        report.join("\n")
    );
    Ok(())
}

#[test]
fn codes_units_and_addresses_are_not_english_words() {
    let words = english_words(
        "2171022F5180 GS1 2026-W05 10mg maker@demo.example https://x.example/a SupplyWatch device",
    );
    assert_eq!(words, BTreeSet::from(["device".to_owned()]));
}
