//! Benchmark of the foundation (issue 2), with a written report: cold start to `/healthz`,
//! importing the real 12,434-row price list, and product search latency over the full list —
//! on SQLite, and on PostgreSQL when `SUPPLYWATCH_TEST_POSTGRES_URL` is set.
//!
//! Run (release binaries, from the repository root):
//!     cargo build --release -p supplywatch
//!     cargo run --release -p supplywatch-tests --bin bench-foundation -- <price list CSV>
//! (the price list is `../shared/data/nhi_price_list_20250716.csv`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use supplywatch_tests::backends::{Backend, FreshDatabase};
use supplywatch_tests::bench::{ms, percentile, run, start, stop};

const STARTS: usize = 5;
const SEARCHES: usize = 600;
/// Passes the password policy (which refuses one containing the e-mail's local part, `bench`).
const PASSWORD: &str = "Keisoku-Kyokyu-2026!";

/// Realistic queries: names, ingredients, half-width strengths, codes, maker names, two-word mixes.
const QUERIES: &[&str] = &[
    "アムロジピン",
    "アムロジピン 10mg",
    "ロキソプロフェン",
    "カルボシステイン",
    "デキストロメトルファン",
    "アセトアミノフェン",
    "レボフロキサシン 500",
    "トーワ",
    "サワイ",
    "沢井製薬",
    "東和薬品",
    "日医工",
    "1124001F1022",
    "2171022F5",
    "6241013",
    "注射",
    "ワクチン",
    "インスリン",
    "ＯＤ錠",
    "OD錠 5mg",
    "メトホルミン",
    "ツムラ",
    "プレドニゾロン",
    "セファゾリン",
    "生理食塩液",
    "ヘパリン",
    "モルヒネ",
    "ないもの",
    "錠",
    "mg",
];

fn main() -> anyhow::Result<()> {
    let price_list = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: bench-foundation PRICE_LIST.csv")?
        .canonicalize()
        .context("the price list file cannot be found")?;
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/supplywatch");
    if !binary.exists() {
        bail!(
            "build the server first: cargo build --release -p supplywatch ({} missing)",
            binary.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let mut report = String::from("# Foundation benchmark\n\n");
    write!(
        report,
        "Machine: {} cores; binary: release `supplywatch`; price list: `{}` (12,434 rows).\n\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        price_list.display()
    )?;
    for backend in supplywatch_tests::backends()? {
        write!(report, "## {}\n\n", backend.name())?;
        report.push_str(&runtime.block_on(bench_backend(&backend, &binary, &price_list))?);
    }
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/foundation.md");
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(&out, report)?;
    eprintln!("report written to {}", out.display());
    Ok(())
}

async fn bench_backend(
    backend: &Backend,
    binary: &Path,
    price_list: &Path,
) -> anyhow::Result<String> {
    let mut out = String::new();
    // 1. Cold start to /healthz: a new process on a fresh database (migrations included), then on
    //    an already migrated one.
    let mut fresh = Vec::new();
    let mut warm = Vec::new();
    for _ in 0..STARTS {
        let dir = tempfile::tempdir()?;
        let database = FreshDatabase::create(backend).await?;
        let (mut child, port, elapsed) = start(binary, dir.path(), &database.url).await?;
        fresh.push(elapsed);
        stop(&mut child);
        let (mut child, _, elapsed) = start(binary, dir.path(), &database.url).await?;
        warm.push(elapsed);
        stop(&mut child);
        let _ = port;
    }
    writeln!(
        out,
        "- cold start to first `/healthz` 200, fresh database (runs migrations): median {} (min {}, max {}) over {STARTS} starts",
        ms(percentile(&mut fresh, 50)),
        ms(min(&fresh)),
        ms(max(&fresh))
    )?;
    writeln!(
        out,
        "- cold start to first `/healthz` 200, migrated database: median {} (min {}, max {})",
        ms(percentile(&mut warm, 50)),
        ms(min(&warm)),
        ms(max(&warm))
    )?;

    // 2. Import of the real price list through the command line, then the same edition again.
    let dir = tempfile::tempdir()?;
    let database = FreshDatabase::create(backend).await?;
    let first = run(
        binary,
        dir.path(),
        &database.url,
        &["import", "nhi-price-list", &price_list.to_string_lossy()],
    )?;
    let again = run(
        binary,
        dir.path(),
        &database.url,
        &["import", "nhi-price-list", &price_list.to_string_lossy()],
    )?;
    writeln!(
        out,
        "- `supplywatch import nhi-price-list` of 12,434 rows into an empty database: {} (whole command: start, migrate, parse, validate, one transaction); goal ≤ 5 s",
        ms(first)
    )?;
    writeln!(
        out,
        "- the same edition imported again (nothing changes): {}",
        ms(again)
    )?;

    // 3. Search latency over the full list, through HTTP with a bearer token.
    create_user(binary, dir.path(), &database.url)?;
    let (mut child, port, _) = start(binary, dir.path(), &database.url).await?;
    let result = search_latency(port).await;
    stop(&mut child);
    let (mut times, total_hits) = result?;
    let p50 = percentile(&mut times, 50);
    let p95 = percentile(&mut times, 95);
    let p99 = percentile(&mut times, 99);
    write!(
        out,
        "- `GET /api/v1/products?q=…&per_page=50` over {} products, {SEARCHES} sequential requests of {} queries (client-measured, loopback): p50 {}, p95 {}, p99 {}, max {}; {} matches in all; goal p95 ≤ 20 ms\n\n",
        12_434,
        QUERIES.len(),
        ms(p50),
        ms(p95),
        ms(p99),
        ms(max(&times)),
        total_hits
    )?;
    Ok(out)
}

fn create_user(binary: &Path, dir: &Path, url: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut child = Command::new(binary)
        .args([
            "user",
            "create",
            "--email",
            "bench@ministry.example",
            "--name",
            "計測",
            "--role",
            "ministry",
        ])
        .args(["--organization", "厚生労働省"])
        .current_dir(dir)
        .env("SUPPLYWATCH_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(format!("{PASSWORD}\n").as_bytes())?;
    if !child.wait()?.success() {
        bail!("user create failed");
    }
    Ok(())
}

async fn search_latency(port: u16) -> anyhow::Result<(Vec<Duration>, u64)> {
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({ "email": "bench@ministry.example", "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = token["token"].as_str().context("no token")?.to_owned();
    let mut times = Vec::with_capacity(SEARCHES);
    let mut hits = 0;
    for i in 0..SEARCHES + 20 {
        let q = QUERIES[i % QUERIES.len()];
        let started = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/products"))
            .query(&[("q", q), ("per_page", "50")])
            .bearer_auth(&token)
            .send()
            .await?;
        let body: serde_json::Value = response.json().await?;
        let elapsed = started.elapsed();
        if i >= 20 {
            // The first 20 warm the connection and the database cache.
            times.push(elapsed);
            hits += body["total"].as_u64().unwrap_or(0);
        }
    }
    Ok((times, hits))
}

fn min(times: &[Duration]) -> Duration {
    times.iter().min().copied().unwrap_or_default()
}

fn max(times: &[Duration]) -> Duration {
    times.iter().max().copied().unwrap_or_default()
}
