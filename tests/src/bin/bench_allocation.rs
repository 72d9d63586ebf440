//! Benchmark of allocation caps at national scale (issue 6), with a written report: the 60
//! wholesalers' purchase-history files (≈12 million rows) uploaded over HTTP, 300 plans computed
//! end to end, the same computation as one PostgreSQL query with window functions (the peer
//! baseline, checked to give the same caps), and the largest wholesaler's month of caps
//! (≈3.6 million rows) downloaded as CSV while the server's memory is sampled — on SQLite, and
//! on PostgreSQL when `SUPPLYWATCH_TEST_POSTGRES_URL` is set.
//!
//! Run (release binaries, from the repository root):
//!     cargo build --release -p supplywatch -p supplywatch-tests
//!     target/release/bench-allocation <price list CSV>
//! (the price list is `../shared/data/nhi_price_list_20250716.csv`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use supplywatch::db::entity::{allocation_computation, allocation_plan, allocation_result};
use supplywatch::db::packed;
use supplywatch::domain::{OrganizationKind, Role};
use supplywatch::seeding::national::allocation::{SHORT_PRODUCTS, short_products};
use supplywatch::services::accounts::{self, NewOrganization, NewUser};
use supplywatch::services::audit::Actor;
use supplywatch_seed::national::allocation::{self, AllocationSet};
use supplywatch_tests::backends::{Backend, FreshDatabase};
use supplywatch_tests::bench::{start, stop};

/// Passes the password policy (which refuses one containing the e-mail's local part, `bench`).
const PASSWORD: &str = "Keisoku-Kyokyu-2026!";
const MINISTRY: &str = "bench@ministry.example";
/// The seed's default: the data set the seed stored.
const SEED: u64 = 20_250_716;
const UNTIL: &str = "2025-12-26";
const TARGET: &str = "2025-12";
const BASELINE: &str = "2024-12";
/// Rows per statement when the peer's table is filled.
const PEER_BATCH: usize = 20_000;

fn main() -> anyhow::Result<()> {
    let price_list = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: bench-allocation PRICE_LIST.csv")?
        .canonicalize()
        .context("the price list file cannot be found")?;
    let binary = supplywatch_tests::bench::release_binary()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut report = String::from("# Allocation benchmark\n\n");
    writeln!(
        report,
        "Machine: {} cores; release binaries; national allocation set (60 wholesalers, 243,000 facilities, {SHORT_PRODUCTS} short products).\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
    )?;
    for backend in supplywatch_tests::backends()? {
        writeln!(report, "## {}\n", backend.name())?;
        let section = runtime.block_on(bench_backend(&backend, &binary, &price_list))?;
        print!("{section}");
        report.push_str(&section);
    }
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/allocation.md");
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(&out, report)?;
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "a size for the report")]
fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[expect(clippy::cast_precision_loss, reason = "a rate for the report")]
fn rate(rows: u64, d: Duration) -> String {
    format!("{:.0} rows/s", rows as f64 / d.as_secs_f64())
}

#[expect(
    clippy::too_many_lines,
    reason = "the benchmark reads best as its four steps in order"
)]
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
    let seeded = Command::new(binary)
        .args(["seed", "--scale", "national", "--nhi-price-list"])
        .arg(price_list)
        .args(["--until", UNTIL])
        .current_dir(dir.path())
        .env("SUPPLYWATCH_DATABASE_URL", url)
        .env("SUPPLYWATCH_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .output()?;
    if !seeded.status.success() {
        bail!("seed failed: {}", String::from_utf8_lossy(&seeded.stderr));
    }
    writeln!(
        out,
        "- `seed --scale national` (price list, three years of status history, and the allocation set with ≈12M purchase rows): {}",
        secs(started.elapsed())
    )?;

    let db = supplywatch::db::connect(url).await?;
    add_ministry_user(&db).await?;
    let products: Vec<String> = short_products(&db, SHORT_PRODUCTS)
        .await?
        .into_iter()
        .map(|p| p.code)
        .collect();
    let set = allocation::generate(products.len(), SEED);
    let files = write_files(dir.path(), &set, &products)?;
    let total_rows: u64 = files.iter().map(|(_, rows, _)| *rows).sum();

    let (mut server, port, _) = start(binary, dir.path(), url).await?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    // 1. Every wholesaler's file again (each key replaced), one after another.
    let mut largest = (0u64, Duration::ZERO);
    let started = Instant::now();
    for (email, rows, path) in files.iter().filter(|f| f.1 > 0) {
        eprintln!("uploading {email}: {rows} rows");
        let token = token(&client, &base, email).await?;
        let bytes = std::fs::read(path)?;
        let began = Instant::now();
        let file = reqwest::multipart::Part::bytes(bytes).file_name("purchases.csv");
        let response = client
            .post(format!("{base}/api/v1/purchase-history/upload"))
            .bearer_auth(&token)
            .multipart(reqwest::multipart::Form::new().part("file", file))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!(
                "upload of {email} gave {}: {}",
                response.status(),
                response.text().await?
            );
        }
        if *rows > largest.0 {
            largest = (*rows, began.elapsed());
        }
    }
    let elapsed = started.elapsed();
    writeln!(
        out,
        "- purchase-history upload over HTTP, all 60 wholesalers one after another ({total_rows} rows, every key replaced): {} → **{}**; goal ≥ {} rows/s",
        secs(elapsed),
        rate(total_rows, elapsed),
        if backend == &Backend::Sqlite {
            "200,000"
        } else {
            "300,000"
        }
    )?;
    writeln!(
        out,
        "  - the largest wholesaler's file alone ({} rows): {} → {}",
        largest.0,
        secs(largest.1),
        rate(largest.0, largest.1)
    )?;

    eprintln!("uploads: {} for {total_rows} rows", secs(elapsed));
    // 2. 300 plans, one product each, through the API (check, compute, store every cap).
    let ministry = token(&client, &base, MINISTRY).await?;
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for code in &products {
        let began = Instant::now();
        let response = client
            .post(format!("{base}/api/v1/allocation-plans"))
            .bearer_auth(&ministry)
            .json(&json!({"name": format!("{code} {TARGET}"), "product_codes": [code], "target_month": TARGET, "baseline_month": BASELINE}))
            .send()
            .await?;
        if response.status() != reqwest::StatusCode::CREATED {
            bail!(
                "plan for {code} gave {}: {}",
                response.status(),
                response.text().await?
            );
        }
        slowest = slowest.max(began.elapsed());
    }
    let ours = started.elapsed();
    eprintln!("plans: {}", secs(ours));
    writeln!(
        out,
        "- computing caps for {} plans end to end (300 `POST /api/v1/allocation-plans`, each reading its baseline, apportioning every wholesaler's customers and storing the version): **{}**; slowest plan {}; goal ≤ 5 s",
        products.len(),
        secs(ours),
        secs(slowest)
    )?;

    // 3. The peer baseline: the same caps from one SQL query (PostgreSQL), compared with ours.
    if db.get_database_backend() == DbBackend::Postgres {
        let (peer_rows, loaded) = load_peer_purchases(&db).await?;
        writeln!(
            out,
            "- the peer's table: the stored purchases unpacked into `peer_purchases`, one row per (product, month, wholesaler, customer) keyed like a conventional purchases table, then `VACUUM ANALYZE` ({peer_rows} rows, {}; not timed as part of either side)",
            secs(loaded)
        )?;
        let peer = sql_caps(&db).await?;
        let mine = stored_caps(&db).await?;
        let compared = compare_caps(&db, &mine).await?;
        writeln!(
            out,
            "- the same computation in PostgreSQL as a competent user writes it (64-bit integers, codes joined after the sums, `work_mem` {PEER_WORK_MEM}, the plans over {PEER_SESSIONS} sessions at once, every cap written to a table): **{}**; ours / query = {:.2}; {} caps of {} (plan, wholesaler) pairs compared one by one, {} caps in {} pairs differ",
            secs(peer),
            ours.as_secs_f64() / peer.as_secs_f64(),
            compared.caps,
            compared.pairs,
            compared.differing_caps,
            compared.differing_pairs,
        )?;
    }

    // 4. The largest wholesaler's month of caps, on a freshly started server.
    stop(&mut server);
    let (mut server, port, _) = start(binary, dir.path(), url).await?;
    let base = format!("http://127.0.0.1:{port}");
    let pid = server.id();
    let idle = rss_kib(pid, "VmRSS")?;
    let w01 = token(&client, &base, &files[0].0).await?;
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            match rss_kib(pid, "VmRSS") {
                Ok(kib) => peak = peak.max(kib),
                Err(_) => return peak,
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let started = Instant::now();
    let response = client
        .get(format!("{base}/api/v1/allocation-caps?month={TARGET}"))
        .bearer_auth(&w01)
        .send()
        .await?;
    let mut response = response;
    let (mut lines, mut bytes) = (0u64, 0u64);
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
        lines += chunk.split(|b| *b == b'\n').count() as u64 - 1;
    }
    let download = started.elapsed();
    let hwm = rss_kib(pid, "VmHWM")?;
    stop(&mut server);
    let peak = sampler.await.unwrap_or(0).max(hwm);
    let rows = lines.saturating_sub(1);
    writeln!(
        out,
        "- the largest wholesaler's month of caps as CSV (`GET /api/v1/allocation-caps?month={TARGET}`, {rows} rows, {:.0} MB): {} → **{}**; goal ≥ 500,000 rows/s",
        megabytes(bytes),
        secs(download),
        rate(rows, download)
    )?;
    writeln!(
        out,
        "  - server memory: {:.0} MB at rest, peak {:.0} MB during the download (VmHWM of a freshly started server); goal < 200 MB\n",
        megabytes(idle * 1024),
        megabytes(peak * 1024)
    )?;
    Ok(out)
}

async fn token(client: &reqwest::Client, base: &str, email: &str) -> anyhow::Result<String> {
    let body: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    body["token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no token for {email}: {body}"))
}

async fn add_ministry_user(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let (now, actor) = (chrono::Utc::now(), Actor::system("bench"));
    let org = accounts::create_organization(
        db,
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
        db,
        &NewUser {
            email: MINISTRY,
            display_name: "計測",
            role: Role::Ministry,
            organization_id: org.id,
            password: PASSWORD,
        },
        &actor,
        now,
    )
    .await?;
    Ok(())
}

/// One CSV file per wholesaler, as its system would send it: (login, rows, path), largest first.
fn write_files(
    dir: &Path,
    set: &AllocationSet,
    products: &[String],
) -> anyhow::Result<Vec<(String, u64, PathBuf)>> {
    let mut files = Vec::new();
    for (w, rows) in set.wholesalers.iter().zip(&set.purchases) {
        let path = dir.join(format!("{}.csv", w.email));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(
            file,
            "customer_code,customer_name,product_code,month,quantity"
        )?;
        for p in rows {
            let f = &set.facilities[p.facility as usize];
            writeln!(
                file,
                "{},{},{},{BASELINE},{}",
                f.code,
                f.name,
                products[usize::from(p.product)],
                p.quantity
            )?;
        }
        file.flush()?;
        files.push((w.email.clone(), rows.len() as u64, path));
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    Ok(files)
}

/// Every stored cap of the target month's plans: (plan, wholesaler) → (customer id, cap) in
/// customer order, zero caps left out.
async fn stored_caps(db: &sea_orm::DatabaseConnection) -> anyhow::Result<CapsByPair> {
    let plans: HashMap<i32, i32> = allocation_computation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.plan_id))
        .collect();
    let month = allocation_plan::Entity::find()
        .filter(allocation_plan::Column::TargetMonth.eq(202_512))
        .all(db)
        .await?;
    let wanted: std::collections::HashSet<i32> = month.iter().map(|p| p.id).collect();
    let mut caps_by_pair = HashMap::new();
    for r in allocation_result::Entity::find().all(db).await? {
        let plan = plans.get(&r.computation_id).copied().unwrap_or_default();
        if !wanted.contains(&plan) {
            continue;
        }
        let mut caps: Vec<(i32, u64)> = packed::caps::unpack(&r.caps)?
            .into_iter()
            .filter(|c| c.cap > 0)
            .map(|c| (c.customer_id, c.cap))
            .collect();
        caps.sort_unstable();
        caps_by_pair.insert((plan, r.wholesaler_id), caps);
    }
    Ok(caps_by_pair)
}

/// Caps per (plan, wholesaler): (customer id, cap) in customer order.
type CapsByPair = HashMap<(i32, i32), Vec<(i32, u64)>>;

/// How the peer's caps compare with ours, cap by cap.
struct Comparison {
    pairs: usize,
    caps: usize,
    differing_caps: usize,
    differing_pairs: usize,
}

/// Reads the peer's `peer_caps` table one (plan, wholesaler) at a time and compares every
/// customer's cap with ours.
async fn compare_caps(
    db: &sea_orm::DatabaseConnection,
    ours: &CapsByPair,
) -> anyhow::Result<Comparison> {
    let rows = db
        .query_all(Statement::from_string(
            DbBackend::Postgres,
            "SELECT plan_id, wholesaler_id, \
               string_agg(customer_id::text || ':' || cap::text, ',' ORDER BY customer_id) AS caps \
             FROM peer_caps WHERE cap > 0 GROUP BY plan_id, wholesaler_id",
        ))
        .await?;
    let mut seen = std::collections::HashSet::new();
    let mut comparison = Comparison {
        pairs: 0,
        caps: 0,
        differing_caps: 0,
        differing_pairs: 0,
    };
    for row in rows {
        let key: (i32, i32) = (
            row.try_get("", "plan_id")?,
            row.try_get("", "wholesaler_id")?,
        );
        let text: String = row.try_get("", "caps")?;
        let theirs = text
            .split(',')
            .map(|pair| {
                let (customer, cap) = pair.split_once(':').context("a malformed peer cap")?;
                Ok((customer.parse()?, cap.parse()?))
            })
            .collect::<anyhow::Result<Vec<(i32, u64)>>>()?;
        let mine = ours.get(&key).map_or(&[][..], Vec::as_slice);
        let differing = differing_caps(mine, &theirs);
        comparison.pairs += 1;
        comparison.caps += theirs.len().max(mine.len());
        comparison.differing_caps += differing;
        comparison.differing_pairs += usize::from(differing > 0);
        seen.insert(key);
    }
    for (key, mine) in ours {
        if !seen.contains(key) && !mine.is_empty() {
            comparison.pairs += 1;
            comparison.caps += mine.len();
            comparison.differing_caps += mine.len();
            comparison.differing_pairs += 1;
        }
    }
    Ok(comparison)
}

/// Customers whose caps differ between two lists (a customer absent from one differs).
fn differing_caps(ours: &[(i32, u64)], theirs: &[(i32, u64)]) -> usize {
    let ours: HashMap<i32, u64> = ours.iter().copied().collect();
    let theirs: HashMap<i32, u64> = theirs.iter().copied().collect();
    let customers: std::collections::HashSet<&i32> = ours.keys().chain(theirs.keys()).collect();
    customers
        .into_iter()
        .filter(|customer| ours.get(customer) != theirs.get(customer))
        .count()
}

/// The purchases as the peer query reads them: one row per customer in a table keyed
/// (product, month, wholesaler, customer), unpacked from what the uploads stored.
async fn load_peer_purchases(db: &sea_orm::DatabaseConnection) -> anyhow::Result<(u64, Duration)> {
    let started = Instant::now();
    db.execute_unprepared(
        "DROP TABLE IF EXISTS peer_purchases; CREATE TABLE peer_purchases (
            product_id INTEGER NOT NULL, month INTEGER NOT NULL, wholesaler_id INTEGER NOT NULL,
            customer_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
            PRIMARY KEY (product_id, month, wholesaler_id, customer_id))",
    )
    .await?;
    let packs = db
        .query_all(Statement::from_string(
            DbBackend::Postgres,
            "SELECT product_id, month, wholesaler_id, purchases FROM purchase_packs ORDER BY product_id, month, wholesaler_id",
        ))
        .await?;
    let insert = "INSERT INTO peer_purchases (product_id, month, wholesaler_id, customer_id, quantity) \
        SELECT (e ->> 0)::int, (e ->> 1)::int, (e ->> 2)::int, (e ->> 3)::int, (e ->> 4)::int \
        FROM json_array_elements($1::json) AS e";
    let mut batch: Vec<[i64; 5]> = Vec::with_capacity(PEER_BATCH);
    let mut rows = 0u64;
    for pack in packs {
        let key: [i32; 3] = [
            pack.try_get_by_index(0)?,
            pack.try_get_by_index(1)?,
            pack.try_get_by_index(2)?,
        ];
        let bytes: Vec<u8> = pack.try_get_by_index(3)?;
        for p in packed::purchases::unpack(&bytes)? {
            batch.push([
                key[0].into(),
                key[1].into(),
                key[2].into(),
                p.customer_id.into(),
                i64::try_from(p.quantity)?,
            ]);
            if batch.len() == PEER_BATCH {
                rows += batch.len() as u64;
                let json = serde_json::to_string(&batch)?;
                db.execute(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    insert,
                    [json.into()],
                ))
                .await?;
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        rows += batch.len() as u64;
        let json = serde_json::to_string(&batch)?;
        db.execute(Statement::from_sql_and_values(
            DbBackend::Postgres,
            insert,
            [json.into()],
        ))
        .await?;
    }
    db.execute_unprepared("VACUUM ANALYZE peer_purchases")
        .await?;
    Ok((rows, started.elapsed()))
}

/// Memory each peer session may use for its sorts and hashes, so that none spills to disk.
const PEER_WORK_MEM: &str = "512MB";
/// Sessions the peer splits the plans over: one per core.
const PEER_SESSIONS: i32 = 2;

/// DESIGN §6 as SQL, written as a competent PostgreSQL user would: 64-bit integers throughout,
/// purchases summed per customer by ids and customer codes joined only to the aggregated rows
/// (the code only breaks ties), `work_mem` raised per session, and the plans split over two
/// sessions running at once. Per plan P and B, per wholesaler H and S, per customer the floor and
/// remainder, ranked by remainder, baseline and code (byte order); the top `S − Σ floor` get one
/// more. Every customer's cap goes into `peer_caps`, as ours are stored. Returns the wall time.
async fn sql_caps(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Duration> {
    db.execute_unprepared(
        "DROP TABLE IF EXISTS peer_caps; CREATE TABLE peer_caps (
            plan_id INTEGER NOT NULL, wholesaler_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
            cap BIGINT NOT NULL)",
    )
    .await?;
    let started = Instant::now();
    let sessions = (0..PEER_SESSIONS).map(|part| peer_session(db, part));
    for finished in futures_util::future::join_all(sessions).await {
        finished?;
    }
    Ok(started.elapsed())
}

/// One peer session: the plans whose id ≡ `part` (mod the session count).
async fn peer_session(db: &sea_orm::DatabaseConnection, part: i32) -> anyhow::Result<()> {
    let sql = r#"
INSERT INTO peer_caps (plan_id, wholesaler_id, customer_id, cap)
WITH plans AS (
  SELECT id AS plan_id, target_month, baseline_month, reserve_percent::int8 AS reserve
  FROM allocation_plans WHERE target_month = 202512 AND id % $1 = $2
), totals AS (
  SELECT pl.plan_id, pl.reserve,
         SUM(COALESCE(tp.quantity, ta.quantity, 0))::int8 AS p, SUM(COALESCE(ba.quantity, 0))::int8 AS b
  FROM plans pl JOIN allocation_plan_products app ON app.plan_id = pl.plan_id
  LEFT JOIN shipments tp ON tp.product_id = app.product_id AND tp.month = pl.target_month AND tp.kind = 'planned'
  LEFT JOIN shipments ta ON ta.product_id = app.product_id AND ta.month = pl.target_month AND ta.kind = 'actual'
  LEFT JOIN shipments ba ON ba.product_id = app.product_id AND ba.month = pl.baseline_month AND ba.kind = 'actual'
  GROUP BY pl.plan_id, pl.reserve
), h AS (
  SELECT pl.plan_id, pu.wholesaler_id, pu.customer_id, SUM(pu.quantity)::int8 AS h
  FROM plans pl JOIN allocation_plan_products app ON app.plan_id = pl.plan_id
  JOIN peer_purchases pu ON pu.product_id = app.product_id AND pu.month = pl.baseline_month
  GROUP BY pl.plan_id, pu.wholesaler_id, pu.customer_id
), s AS (
  SELECT h.plan_id, h.wholesaler_id, h.customer_id, h.h,
         (SUM(h.h) OVER w)::int8 AS hw,
         t.p * (SUM(h.h) OVER w)::int8 * (100 - t.reserve) / (t.b * 100) AS s
  FROM h JOIN totals t USING (plan_id)
  WINDOW w AS (PARTITION BY h.plan_id, h.wholesaler_id)
), q AS (
  SELECT s.*, CASE WHEN s.hw = 0 THEN 0 ELSE s.s * s.h / s.hw END AS fl,
         CASE WHEN s.hw = 0 THEN 0 ELSE s.s * s.h % s.hw END AS rem FROM s
), r AS (
  SELECT q.*, q.s - (SUM(q.fl) OVER (PARTITION BY q.plan_id, q.wholesaler_id))::int8 AS left_over,
         ROW_NUMBER() OVER (PARTITION BY q.plan_id, q.wholesaler_id
                            ORDER BY q.rem DESC, q.h DESC, c.code COLLATE "C") AS rank
  FROM q JOIN customers c ON c.id = q.customer_id
)
SELECT plan_id, wholesaler_id, customer_id,
       fl + CASE WHEN rem > 0 AND rank <= left_over THEN 1 ELSE 0 END
FROM r"#;
    let session = db.begin().await?;
    session
        .execute_unprepared(&format!("SET LOCAL work_mem = '{PEER_WORK_MEM}'"))
        .await?;
    session
        .execute(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [PEER_SESSIONS.into(), part.into()],
        ))
        .await?;
    session.commit().await?;
    Ok(())
}

/// A line of `/proc/PID/status` in KiB.
fn rss_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim_start_matches(':')
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .with_context(|| format!("no {field} for {pid}"))
}
