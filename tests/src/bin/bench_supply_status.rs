//! Benchmark of drug supply status (issue 3), with a written report: a 16,000-row status file
//! (CSV and XLSX) validated and applied, public search over the national data set (12,434 drugs,
//! three years of weekly history), and the weekly publication job on it — on SQLite, and on
//! PostgreSQL when `SUPPLYWATCH_TEST_POSTGRES_URL` is set.
//!
//! Run (release binaries, from the repository root):
//!     cargo build --release -p supplywatch -p supplywatch-tests
//!     target/release/bench-supply-status <price list CSV>
//! (the price list is `../shared/data/nhi_price_list_20250716.csv`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use supplywatch::db::entity::product;
use supplywatch::domain::{OrganizationKind, Role, YjCode};
use supplywatch::services::accounts::{self, NewOrganization, NewUser};
use supplywatch::services::audit::Actor;
use supplywatch::services::price_list;
use supplywatch_reports::status_sheet::{SheetRow, write_xlsx};
use supplywatch_tests::backends::{Backend, FreshDatabase};
use supplywatch_tests::bench::{ms, percentile, run, start, stop};

const FILE_ROWS: usize = 16_000;
const UPLOADS: usize = 3;
const SEARCHES: usize = 400;
/// Passes the password policy (which refuses one containing the e-mail's local part, `bench`).
const PASSWORD: &str = "Keisoku-Kyokyu-2026!";
const EMAIL: &str = "bench@maker.example";
const QUERIES: &[&str] = &[
    "アムロジピン",
    "ロキソプロフェン",
    "カルボシステイン",
    "デキストロメトルファン",
    "アセトアミノフェン",
    "レボフロキサシン",
    "トーワ",
    "沢井製薬",
    "日医工",
    "1124001F1022",
    "2171022F5",
    "OD錠 5mg",
    "メトホルミン",
    "プレドニゾロン",
    "セファゾリン",
    "ヘパリン",
    "ないもの",
    "インスリン",
    "ツムラ",
    "錠",
];

fn main() -> anyhow::Result<()> {
    let price_list = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: bench-supply-status PRICE_LIST.csv")?
        .canonicalize()
        .context("the price list file cannot be found")?;
    let binary = supplywatch_tests::bench::release_binary()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut report = String::from("# Supply status benchmark\n\n");
    writeln!(
        report,
        "Machine: {} cores; release binaries; national data set from `{}`.\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        price_list.display()
    )?;
    for backend in supplywatch_tests::backends()? {
        writeln!(report, "## {}\n", backend.name())?;
        report.push_str(&runtime.block_on(bench_backend(&backend, &binary, &price_list))?);
    }
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/supply-status.md");
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

    let started = Instant::now();
    run(
        binary,
        dir.path(),
        url,
        &[
            "seed",
            "--scale",
            "national",
            "--nhi-price-list",
            &price_list.to_string_lossy(),
            "--until",
            "2025-12-26",
            "--allocation-products",
            "0",
        ],
    )?;
    writeln!(
        out,
        "- `seed --scale national` (import 12,434 drugs, generate and store three years of weekly history): {}",
        secs(started.elapsed())
    )?;
    let started = Instant::now();
    run(binary, dir.path(), url, &["run-job", "weekly-publication"])?;
    writeln!(
        out,
        "- weekly publication job on the national set (freeze ①–⑱ of 12,434 drugs, counts): {} (whole command); goal ≤ 10 s",
        secs(started.elapsed())
    )?;

    let (csv, xlsx) = prepare_bench_maker(url).await?;
    let (mut child, port, _) = start(binary, dir.path(), url).await?;
    let result = measure_http(port, &csv, &xlsx).await;
    stop(&mut child);
    out.push_str(&result?);
    out.push('\n');
    Ok(out)
}

/// A maker owning every drug plus synthetic ones up to 16,000, and its files.
async fn prepare_bench_maker(url: &str) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let db = supplywatch::db::connect(url).await?;
    let now = chrono::Utc::now();
    let actor = Actor::system("bench");
    let org = accounts::create_organization(
        &db,
        &NewOrganization {
            kind: OrganizationKind::Manufacturer,
            name: "ベンチマーク製薬",
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
            role: Role::Manufacturer,
            organization_id: org.id,
            password: PASSWORD,
        },
        &actor,
        now,
    )
    .await?;
    let existing = product::Entity::find()
        .filter(product::Column::Kind.eq("drug"))
        .all(&db)
        .await?;
    let extra: Vec<_> = synthetic_codes(FILE_ROWS.saturating_sub(existing.len()))
        .into_iter()
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
            maker_name: Some("ベンチマーク製薬".into()),
            product_class: supplywatch::domain::ProductClass::Generic,
            price: "10.0".into(),
            transitional_until: None,
        })
        .collect();
    price_list::import(&db, &extra, "2025-07-16", "bench", &actor, now, &|_| {}).await?;
    product::Entity::update_many()
        .col_expr(product::Column::MakerId, Expr::value(org.id))
        .filter(product::Column::Kind.eq("drug"))
        .exec(&db)
        .await?;
    let codes: Vec<String> = product::Entity::find()
        .filter(product::Column::Kind.eq("drug"))
        .all(&db)
        .await?
        .into_iter()
        .map(|p| p.code)
        .take(FILE_ROWS)
        .collect();
    let statuses = [
        ("1", "", "A"),
        ("2", "3", "B"),
        ("3", "1", "B"),
        ("5", "8", "C"),
        ("1", "", "A+"),
    ];
    let mut csv = String::from(
        "product_code,shipping_status,reason,causing_product_code,resolution_outlook,resolution_month,volume_status\n",
    );
    let mut rows = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let (shipping, reason, volume) = statuses[i % statuses.len()];
        let month = if shipping == "1" { "" } else { "2027-03" };
        let outlook = if shipping == "1" { "" } else { "あり" };
        writeln!(
            csv,
            "{code},{shipping},{reason},,{outlook},{month},{volume}"
        )?;
        rows.push(SheetRow {
            code: code.clone(),
            shipping_status: shipping.into(),
            reason: reason.into(),
            resolution_outlook: outlook.into(),
            resolution_month: month.into(),
            volume_status: volume.into(),
            ..SheetRow::default()
        });
    }
    Ok((csv.into_bytes(), write_xlsx("供給状況報告", &rows)?))
}

/// `count` valid drug codes that no real drug has (薬効分類 9999).
fn synthetic_codes(count: usize) -> Vec<YjCode> {
    (0..)
        .filter_map(|n: u32| {
            let body = format!("9999{:03}F{:03}", n / 1000, n % 1000);
            (0..10).find_map(|check| YjCode::parse(&format!("{body}{check}")).ok())
        })
        .take(count)
        .collect()
}

async fn measure_http(port: u16, csv: &[u8], xlsx: &[u8]) -> anyhow::Result<String> {
    let mut out = String::new();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["token"].as_str().context("no token")?.to_owned();
    for (name, bytes) in [("CSV", csv), ("XLSX", xlsx)] {
        let mut times = Vec::new();
        for _ in 0..UPLOADS {
            let file_part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(format!("status.{}", name.to_lowercase()));
            let started = Instant::now();
            let response = client
                .post(format!("{base}/api/v1/supply-status-reports/upload"))
                .bearer_auth(&token)
                .multipart(reqwest::multipart::Form::new().part("file", file_part))
                .send()
                .await?;
            let status = response.status();
            let body: serde_json::Value = response.json().await?;
            times.push(started.elapsed());
            if status.as_u16() != 201 || body["applied"] != FILE_ROWS {
                bail!("{name} upload gave {status}: {body}");
            }
        }
        times.sort();
        writeln!(
            out,
            "- {FILE_ROWS}-row {name} file ({} KB) uploaded, validated and applied in one transaction (client-measured, {UPLOADS} runs): median {}, min {}, max {}; goal ≤ 2 s",
            bytes.len() / 1024,
            ms(times[UPLOADS / 2]),
            ms(times[0]),
            ms(times[UPLOADS - 1])
        )?;
    }
    for (label, path) in [
        (
            "`GET /api/v1/public/supply-status?q=…` (JSON, every match)",
            "/api/v1/public/supply-status",
        ),
        ("`GET /public?q=…` (HTML page, 50 rows)", "/public"),
        (
            "`GET /api/v1/public/supply-status?q=…&per_page=50` (JSON page)",
            "/api/v1/public/supply-status?per_page=50",
        ),
    ] {
        let mut times = Vec::new();
        for i in 0..SEARCHES + 20 {
            let started = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .query(&[("q", QUERIES[i % QUERIES.len()])])
                .send()
                .await?;
            if !response.status().is_success() {
                bail!("{path} gave {}", response.status());
            }
            let _ = response.bytes().await?;
            if i >= 20 {
                times.push(started.elapsed());
            }
        }
        times.sort();
        let mut p = |q: usize| percentile(&mut times, q);
        writeln!(
            out,
            "- public search {label} over the national set, {SEARCHES} sequential requests of {} queries: p50 {}, p95 {}, p99 {}; goal p95 ≤ 20 ms",
            QUERIES.len(),
            ms(p(50)),
            ms(p(95)),
            ms(p(99))
        )?;
    }
    Ok(out)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}
