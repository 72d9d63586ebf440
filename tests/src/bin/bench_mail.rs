//! Benchmark of mail (issue 5), with a written report: outbox throughput to a local SMTP server
//! (aiosmtpd) — on SQLite, and on PostgreSQL when `SUPPLYWATCH_TEST_POSTGRES_URL` is set — and the
//! time from a status report to its heads-up reaching the SMTP server, with the release server's
//! default 5-second dispatch schedule. `--throughput-only` leaves the latter out (no release
//! binary needed).
//!
//! Run (release binaries, from the repository root):
//!     cargo build --release -p supplywatch
//!     cargo run --release -p supplywatch-tests --bin bench-mail

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use supplywatch::mail::MailContent;
use supplywatch::mail::content::Notice;
use supplywatch::services::outbox::{self, NewMessage};
use supplywatch_tests::backends::{Backend, FreshDatabase};
use supplywatch_tests::bench::{ms, release_binary};
use supplywatch_tests::smtp::{SmtpServer, Store, job_context};

const MESSAGES: usize = 3_000;
/// Passes the password policy (which refuses one containing the e-mail's local part, `bench`).
const PASSWORD: &str = "Keisoku-Kyokyu-2026!";
/// maker@'s drugs with same-spec products of other makers, each reported worse once.
const DRUGS: &[&str] = &["2171022F5180", "2171022F6128", "6241013F2209"];

fn message(n: usize) -> NewMessage {
    NewMessage {
        idempotency_key: format!("bench:{n}"),
        organization_id: None,
        recipient_name: format!("安定供給窓口 {n}"),
        recipient_email: format!("contact{n}@maker.bench.example"),
        digest: false,
        content: MailContent::Notice(Notice {
            subject: format!("【SupplyWatch】ベンチマーク通知 {n}"),
            recipient_org: "ベンチマーク製薬".into(),
            lead: "供給状況の確認をお願いします。".into(),
            lines: vec![format!("アムロジピン錠１０ｍｇ（{n}）")],
            link_path: "/my/products".into(),
        }),
    }
}

async fn throughput(backend: &Backend, store: Store, report: &mut String) -> anyhow::Result<()> {
    let smtp = SmtpServer::start_storing(store)
        .await?
        .context("python3-aiosmtpd is needed for this benchmark")?;
    let database = FreshDatabase::create(backend).await?;
    let jobs = job_context(&database.url, &smtp.url()).await?;
    supplywatch::db::migrate(&jobs.db).await?;
    let now = chrono::Utc::now();
    let started = Instant::now();
    outbox::enqueue(&jobs.db, (0..MESSAGES).map(message).collect(), now).await?;
    let queued = started.elapsed();
    let started = Instant::now();
    let mut sent = 0;
    while sent < MESSAGES {
        let s = outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        if s.sent == 0 {
            bail!("dispatch stalled at {sent} of {MESSAGES}: {s:?}");
        }
        sent += s.sent;
    }
    let took = started.elapsed();
    let received = smtp.messages().await?.len();
    if received != MESSAGES {
        bail!("the SMTP server received {received} of {MESSAGES}");
    }
    #[expect(clippy::cast_precision_loss, reason = "a rate for a report")]
    let rate = MESSAGES as f64 / took.as_secs_f64();
    writeln!(
        report,
        "- outbox throughput to the local SMTP server (aiosmtpd, {}), {MESSAGES} queued messages (plain text + HTML, Japanese): {rate:.0} messages/s ({} for all, {} connections; queueing them took {}); every message received once; goal ≥ 500 messages/s",
        match store {
            Store::Maildir => "Maildir, each message synced to disk",
            Store::Unsynced => "one file per message, not synced",
        },
        ms(took),
        supplywatch::mail::SMTP_POOL_SIZE,
        ms(queued)
    )?;
    Ok(())
}

/// The dispatcher's own ceiling: the same messages written as .eml files (no SMTP server).
async fn file_throughput(report: &mut String) -> anyhow::Result<()> {
    let database = FreshDatabase::create(&Backend::Sqlite).await?;
    let dir = tempfile::tempdir()?;
    let mut settings = supplywatch::settings::Settings::for_tests(database.url.clone());
    settings.mail = supplywatch::mail::MailSettings::File(dir.path().to_owned());
    let db = supplywatch::db::connect(&database.url).await?;
    supplywatch::db::migrate(&db).await?;
    let jobs = supplywatch::jobs::JobContext::new(db, settings)?;
    let now = chrono::Utc::now();
    outbox::enqueue(&jobs.db, (0..MESSAGES).map(message).collect(), now).await?;
    let started = Instant::now();
    let mut sent = 0;
    while sent < MESSAGES {
        let s = outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        if s.sent == 0 {
            bail!("dispatch stalled at {sent} of {MESSAGES}: {s:?}");
        }
        sent += s.sent;
    }
    let took = started.elapsed();
    let files = std::fs::read_dir(dir.path())?.count();
    if files != MESSAGES {
        bail!("{files} .eml files for {MESSAGES} messages");
    }
    #[expect(clippy::cast_precision_loss, reason = "a rate for a report")]
    let rate = MESSAGES as f64 / took.as_secs_f64();
    writeln!(
        report,
        "- the dispatcher's own ceiling, the same {MESSAGES} messages to the file backend (.eml, no SMTP server), SQLite: {rate:.0} messages/s ({})",
        ms(took)
    )?;
    Ok(())
}

async fn heads_up_latency(report: &mut String) -> anyhow::Result<()> {
    let smtp = SmtpServer::start()
        .await?
        .context("python3-aiosmtpd is needed for this benchmark")?;
    let binary = release_binary()?;
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(&binary)
        .args(["serve", "--demo"])
        .current_dir(dir.path())
        .env("SUPPLYWATCH_BIND", format!("127.0.0.1:{port}"))
        .env("SUPPLYWATCH_DEMO_PASSWORD", PASSWORD)
        .env("SUPPLYWATCH_SMTP_URL", smtp.url())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let result = async {
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let login: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/token"))
            .json(&serde_json::json!({"email": "maker@demo.example", "password": PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        let token = login["token"].as_str().context("no token")?.to_owned();
        let mut times = Vec::new();
        for code in DRUGS {
            let before = smtp.messages().await?.len();
            let started = Instant::now();
            let response = client
                .post(format!("{base}/api/v1/supply-status-reports"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"product_code": code, "shipping_status": "2", "reason": "3", "volume_status": "B"}))
                .send()
                .await?;
            if response.status() != reqwest::StatusCode::CREATED {
                bail!("report of {code} gave {}", response.status());
            }
            loop {
                if smtp.messages().await?.len() > before {
                    break;
                }
                if started.elapsed() > Duration::from_secs(120) {
                    bail!("no heads-up for {code} within 120 s");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            times.push(started.elapsed());
        }
        Ok(times)
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    let times: Vec<Duration> = result?;
    let max = times.iter().max().copied().unwrap_or_default();
    let list: Vec<String> = times
        .iter()
        .map(|t| format!("{:.1} s", t.as_secs_f64()))
        .collect();
    writeln!(
        report,
        "- time from a status report (`POST /api/v1/supply-status-reports`, ⑫ 1 → 2) to its first heads-up arriving at the SMTP server, release `serve --demo` with the default schedule (dispatch every 5 s), {} reports one after another: {} (max {:.1} s); goal ≤ 10 s",
        times.len(),
        list.join(", "),
        max.as_secs_f64()
    )?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut backends = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("SUPPLYWATCH_TEST_POSTGRES_URL") {
        backends.push(Backend::Postgres(url));
    }
    let mut report = String::from("## Mail (issue 5)\n\n");
    for backend in &backends {
        for store in [Store::Maildir, Store::Unsynced] {
            throughput(backend, store, &mut report).await?;
            let last = report.pop();
            write!(report, " — {}", backend.name())?;
            if let Some(c) = last {
                report.push(c);
            }
        }
    }
    file_throughput(&mut report).await?;
    if !std::env::args().any(|a| a == "--throughput-only") {
        heads_up_latency(&mut report).await?;
    }
    println!("{report}");
    Ok(())
}
