//! Benchmark of the ministry's dashboard (issue 7), with a written report: the national data
//! set (`seed --scale national`) topped up with synthetic drugs to 16,000, 64 concurrent clients
//! with `wrk` against `/healthz`, `GET /api/v1/dashboard` and the `/dashboard` page; p95 and the
//! rate against `/healthz` in the same run; the uncached computation of a new filter; and the
//! knock-on forecast run over every group losing supply (issue 8).
//! On SQLite, and on PostgreSQL when `SUPPLYWATCH_TEST_POSTGRES_URL` is set.
//!
//! Run (release binaries, from the repository root; needs `wrk`, Debian's package):
//!     cargo build --release -p supplywatch -p supplywatch-tests
//!     target/release/bench-dashboard <price list CSV>
//! (the price list is `../shared/data/nhi_price_list_20250716.csv`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use supplywatch::db::entity::product;
use supplywatch::domain::{OrganizationKind, Role, YjCode};
use supplywatch::services::accounts::{self, NewOrganization, NewUser};
use supplywatch::services::audit::Actor;
use supplywatch::services::price_list;
use supplywatch_tests::backends::{Backend, FreshDatabase};
use supplywatch_tests::bench::{ms, percentile, run, start, stop};

const PRODUCTS: u64 = 16_000;
const CLIENTS: u32 = 64;
const SECONDS: u32 = 10;
/// Passes the password policy (which refuses one containing the e-mail's local part, `bench`).
const PASSWORD: &str = "Keisoku-Kyokyu-2026!";
const EMAIL: &str = "bench@ministry.example";

/// wrk prints these after its run (its own summary has no p95).
const WRK_SCRIPT: &str = r#"
done = function(summary, latency, requests)
  io.write(string.format("SW requests=%d errors=%d seconds=%.3f p50=%d p95=%d p99=%d\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"#;

fn main() -> anyhow::Result<()> {
    let price_list = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: bench-dashboard PRICE_LIST.csv")?
        .canonicalize()
        .context("the price list file cannot be found")?;
    let binary = supplywatch_tests::bench::release_binary()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut report = String::from("## Dashboard (issue 7)\n\n");
    writeln!(
        report,
        "Machine: {} cores; release binaries; `wrk -t2 -c{CLIENTS} -d{SECONDS}s` on loopback, the server on the same machine.\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
    )?;
    for backend in supplywatch_tests::backends()? {
        writeln!(report, "### {}\n", backend.name())?;
        report.push_str(&runtime.block_on(bench_backend(&backend, &binary, &price_list))?);
    }
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/dashboard.md");
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(&out, report)?;
    Ok(())
}

async fn bench_backend(
    backend: &Backend,
    binary: &Path,
    price_list: &Path,
) -> anyhow::Result<String> {
    let mut out = String::new();
    let dir = tempfile::tempdir()?;
    let database = FreshDatabase::create(backend).await?;
    let url = database.url.as_str();
    let list = price_list.to_string_lossy();
    let args = [
        "seed",
        "--scale",
        "national",
        "--nhi-price-list",
        &list,
        "--until",
        "2025-12-26",
        // The dashboard reads the status history; the allocation set would only add minutes.
        "--allocation-products",
        "0",
    ];
    run(binary, dir.path(), url, &args)?;
    let drugs = prepare(url).await?;
    writeln!(
        out,
        "- data: {drugs} drugs (the national set's 12,434 and synthetic ones), three years of weekly history and trend\n"
    )?;
    let (mut child, port, _) = start(binary, dir.path(), url).await?;
    let result = measure(port, dir.path()).await;
    stop(&mut child);
    out.push_str(&result?);
    out.push('\n');
    Ok(out)
}

/// Tops the master up to [`PRODUCTS`] drugs and adds a ministry account; returns the drug count.
async fn prepare(url: &str) -> anyhow::Result<u64> {
    let db = supplywatch::db::connect(url).await?;
    let now = chrono::Utc::now();
    let actor = Actor::system("bench");
    let org = accounts::create_organization(
        &db,
        &NewOrganization {
            kind: OrganizationKind::Ministry,
            name: "ベンチマーク省",
            corporate_number: None,
            contacts: &[],
        },
        &actor,
        now,
    )
    .await?;
    accounts::create_user(
        &db,
        &NewUser {
            email: EMAIL,
            display_name: "計測",
            role: Role::Ministry,
            organization_id: org.id,
            password: PASSWORD,
        },
        &actor,
        now,
    )
    .await?;
    let count = || {
        product::Entity::find()
            .filter(product::Column::Kind.eq("drug"))
            .count(&db)
    };
    let existing = count().await?;
    let extra: Vec<_> = (0..)
        .filter_map(|n: u32| {
            let body = format!("9999{:03}F{:03}", n / 1000, n % 1000);
            (0..10).find_map(|check| YjCode::parse(&format!("{body}{check}")).ok())
        })
        .take(usize::try_from(PRODUCTS.saturating_sub(existing))?)
        .enumerate()
        .map(|(i, code)| price_list::PriceListRow {
            row: i + 2,
            code,
            category: supplywatch::domain::DrugCategory::Internal,
            ingredient: "ベンチマーク成分".into(),
            specification: "１錠".into(),
            pharmacopoeia: false,
            narcotic: false,
            name: format!("ベンチマーク錠{i}"),
            maker_name: None,
            product_class: supplywatch::domain::ProductClass::Generic,
            price: "10.0".into(),
            transitional_until: None,
        })
        .collect();
    price_list::import(&db, &extra, "2025-07-16", "bench", &actor, now, &|_| {}).await?;
    Ok(count().await?)
}

/// A bearer token and a browser session cookie of the ministry account.
async fn credentials(base: &str) -> anyhow::Result<(String, String)> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["token"].as_str().context("no token")?.to_owned();
    let login = client.get(format!("{base}/login")).send().await?;
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect();
    let page = login.text().await?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).context("no form token")? + marker.len();
    let csrf = &page[start..start + page[start..].find('"').context("no form token")?];
    let response = client
        .post(format!("{base}/login"))
        .header("cookie", cookies.join("; "))
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", csrf),
            ("next", "/dashboard"),
        ])
        .send()
        .await?;
    let session = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sw_session="))
        .and_then(|v| v.split(';').next())
        .context("the login set no session")?
        .to_owned();
    Ok((token, session))
}

/// One wrk run: (requests per second, p50, p95, p99, errors).
fn wrk(
    url: &str,
    header: &str,
    script: &Path,
) -> anyhow::Result<(f64, Duration, Duration, Duration, u64)> {
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CLIENTS}"),
            &format!("-d{SECONDS}s"),
            "-s",
        ])
        .arg(script)
        .args(["-H", header, url])
        .output()
        .context("wrk is not installed (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("SW "))
        .with_context(|| format!("wrk said: {text}"))?;
    let field = |name: &str| -> f64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let micros = |name: &str| Duration::from_secs_f64(field(name) / 1e6);
    let seconds = field("seconds").max(1e-9);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a request count"
    )]
    let errors = field("errors") as u64;
    Ok((
        field("requests") / seconds,
        micros("p50"),
        micros("p95"),
        micros("p99"),
        errors,
    ))
}

async fn measure(port: u16, dir: &Path) -> anyhow::Result<String> {
    let mut out = String::new();
    let base = format!("http://127.0.0.1:{port}");
    let (token, session) = credentials(&base).await?;
    let client = reqwest::Client::new();
    // The uncached computation: the first request of each filter (every 製品区分 × 薬剤区分).
    let mut cold = Vec::new();
    for class in ["", "originator", "long_listed", "generic", "other"] {
        for category in ["", "内用薬", "注射薬", "外用薬"] {
            let started = Instant::now();
            let response = client
                .get(format!(
                    "{base}/api/v1/dashboard?product_class={class}&category={category}"
                ))
                .bearer_auth(&token)
                .send()
                .await?;
            if !response.status().is_success() {
                bail!("the dashboard answered {}", response.status());
            }
            response.bytes().await?;
            cold.push(started.elapsed());
        }
    }
    writeln!(
        out,
        "- first request of a new filter (computed, not cached), 20 filters in turn: p50 {}, p95 {}, max {}",
        ms(percentile(&mut cold.clone(), 50)),
        ms(percentile(&mut cold.clone(), 95)),
        ms(percentile(&mut cold, 100))
    )?;
    let script = dir.join("p95.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let bearer = format!("Authorization: Bearer {token}");
    let cookie = format!("Cookie: {session}");
    let runs = [
        ("`GET /healthz`", format!("{base}/healthz"), bearer.clone()),
        (
            "`GET /api/v1/dashboard`",
            format!("{base}/api/v1/dashboard"),
            bearer.clone(),
        ),
        (
            "`GET /dashboard` (page, three inline SVG charts)",
            format!("{base}/dashboard"),
            cookie.clone(),
        ),
        (
            "`GET /dashboard?class=generic` (htmx filter)",
            format!("{base}/dashboard?class=generic"),
            cookie,
        ),
    ];
    let mut health_rate = 0.0;
    for (name, url, header) in runs {
        let (rate, p50, p95, p99, errors) = wrk(&url, &header, &script)?;
        if health_rate == 0.0 {
            health_rate = rate;
        }
        writeln!(
            out,
            "- {name}, {CLIENTS} clients: {rate:.0} req/s ({:.0}% of `/healthz`), p50 {}, p95 {}, p99 {}, {errors} errors; goal p95 ≤ 50 ms",
            rate * 100.0 / health_rate,
            ms(p50),
            ms(p95),
            ms(p99)
        )?;
    }
    forecast_runs(&client, &base, &token, &mut out).await?;
    Ok(out)
}

/// Times the knock-on forecast over every group losing supply (issue 8), three runs in turn.
async fn forecast_runs(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    out: &mut String,
) -> anyhow::Result<()> {
    let mut times = Vec::new();
    let mut last = serde_json::Value::Null;
    for _ in 0..3 {
        let started = Instant::now();
        let response = client
            .post(format!("{base}/api/v1/forecasts/runs"))
            .bearer_auth(token)
            .send()
            .await?;
        if response.status() != reqwest::StatusCode::CREATED {
            bail!("the forecast run answered {}", response.status());
        }
        last = response.json().await?;
        times.push(started.elapsed());
    }
    writeln!(
        out,
        "- knock-on forecast run over every same-spec group losing supply ({} groups, {} likely next; `POST /api/v1/forecasts/runs`), 3 runs: {}",
        last["groups"],
        last["likely_next"],
        times.iter().map(|t| ms(*t)).collect::<Vec<_>>().join(", ")
    )?;
    Ok(())
}
