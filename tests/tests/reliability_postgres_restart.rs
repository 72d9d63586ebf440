//! PostgreSQL stopped and started again under load. The test owns the cluster it stops (`initdb`
//! into a temporary folder, on a free port): makers' clients file 供給状況報告 over the API while
//! the cluster is stopped (`pg_ctl stop -m fast`) for a few seconds and started again. During the
//! outage each filing is told 503 problem+json with Retry-After, promptly; afterwards the same
//! server process serves again; every receipt number it gave is stored, none given twice.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use supplywatch_tests::own_cluster::OwnCluster;
use supplywatch_tests::{Backend, TestApp};

/// The makers filing, each for its own product; two clients each.
const FILERS: [(&str, &str); 4] = [
    ("maker@demo.example", "2171022F5180"),
    ("maker@demo.example", "2171022F5180"),
    ("maker2@demo.example", "2171022F5075"),
    ("maker2@demo.example", "2171022F5075"),
];
/// How long the cluster stays down.
const OUTAGE: Duration = Duration::from_secs(4);
/// The longest a filing may take, outage or not: the pool's acquire timeout is 2 s, so anything
/// near this is a hang rather than a slow answer.
const PROMPT: Duration = Duration::from_secs(10);
/// How long after the restart every client must be filing again.
const RECOVERY: Duration = Duration::from_secs(30);

/// One filing's outcome as the client saw it.
#[derive(Debug, Clone)]
struct Answer {
    client: usize,
    sent: Instant,
    took: Duration,
    /// `None`: no HTTP answer at all (the client's own timeout or a broken connection).
    status: Option<StatusCode>,
    receipt: Option<String>,
    /// For a 503: whether it was problem+json with a positive Retry-After.
    well_formed_503: bool,
    detail: String,
}

type Log = Arc<Mutex<Vec<Answer>>>;

/// Files reports one after another until `stop` is set, logging every answer.
async fn file_until_stopped(
    client: usize,
    url: String,
    token: String,
    product: &'static str,
    log: Log,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(PROMPT * 3)
        .pool_idle_timeout(Duration::from_secs(2))
        .build()?;
    let body = json!({"product_code": product, "shipping_status": "1", "reason": null, "volume_status": "A"});
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let sent = Instant::now();
        let result = http.post(&url).bearer_auth(&token).json(&body).send().await;
        let mut answer = Answer {
            client,
            sent,
            took: Duration::ZERO,
            status: None,
            receipt: None,
            well_formed_503: false,
            detail: String::new(),
        };
        match result {
            Ok(response) => {
                let status = response.status();
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let problem_json =
                    header("content-type").as_deref() == Some("application/problem+json");
                let retry_after = header("retry-after").and_then(|v| v.parse::<u64>().ok());
                let text = response.text().await.unwrap_or_default();
                let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                answer.status = Some(status);
                answer.receipt = value["receipt_number"].as_str().map(str::to_owned);
                answer.well_formed_503 = status == StatusCode::SERVICE_UNAVAILABLE
                    && problem_json
                    && value["status"] == 503
                    && retry_after.is_some_and(|s| s > 0);
                answer.detail = text.chars().take(300).collect();
            }
            Err(e) => answer.detail = e.to_string(),
        }
        answer.took = sent.elapsed();
        log.lock()
            .map_err(|_| anyhow::anyhow!("log poisoned"))?
            .push(answer);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Waits until every client has a 201 for a filing sent after `since`.
async fn until_each_client_files(
    log: &Log,
    since: Instant,
    within: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    loop {
        let filed: BTreeSet<usize> = log
            .lock()
            .map_err(|_| anyhow::anyhow!("log poisoned"))?
            .iter()
            .filter(|a| a.sent >= since && a.status == Some(StatusCode::CREATED))
            .map(|a| a.client)
            .collect();
        if filed.len() == FILERS.len() {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "within {within:?} only clients {filed:?} of {} filed successfully",
            FILERS.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn stored_receipts(app: &TestApp) -> anyhow::Result<Vec<String>> {
    let rows = app
        .db
        .query_all(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT receipt_number FROM supply_status_reports",
        ))
        .await
        .context("Failed to read the stored reports")?;
    rows.iter()
        .map(|row| Ok(row.try_get::<String>("", "receipt_number")?))
        .collect()
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one outage from load through stop and restart to the stored receipts"
)]
async fn filings_get_503_while_postgres_is_down_and_every_receipt_given_is_stored()
-> anyhow::Result<()> {
    let Some(cluster) = OwnCluster::start_new().await? else {
        return Ok(());
    };
    // Declared after the cluster: dropped first, while the cluster is up to drop its database.
    let app = TestApp::spawn(&Backend::Postgres(cluster.url())).await?;
    let before: BTreeSet<String> = stored_receipts(&app).await?.into_iter().collect();
    let log: Log = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for (i, (email, product)) in FILERS.into_iter().enumerate() {
        clients.push(tokio::spawn(file_until_stopped(
            i,
            app.url("/api/v1/supply-status-reports"),
            app.token(email).await?,
            product,
            log.clone(),
            stop.clone(),
        )));
    }
    let started = Instant::now();
    until_each_client_files(&log, started, RECOVERY).await?;

    cluster.stop_fast().await?;
    let down = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    let health = app.client.get(app.url("/healthz")).send().await?.status();
    let live = app.client.get(app.url("/livez")).send().await?.status();
    let starting = Instant::now();
    cluster.start().await?;
    let restarted = Instant::now();
    let recovered = until_each_client_files(&log, restarted, RECOVERY).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for client in clients {
        client.await??;
    }
    recovered.with_context(|| format!("PostgreSQL's log:\n{}", cluster.log_text()))?;
    let answers = log
        .lock()
        .map_err(|_| anyhow::anyhow!("log poisoned"))?
        .clone();
    // Per client the first 201 after the start; the slowest client's is the recovery time.
    let mut back: HashMap<usize, Duration> = HashMap::new();
    for a in answers
        .iter()
        .filter(|a| a.sent >= restarted && a.status == Some(StatusCode::CREATED))
    {
        let at = a.sent + a.took - restarted;
        back.entry(a.client)
            .and_modify(|t| *t = (*t).min(at))
            .or_insert(at);
    }
    let count = |status| answers.iter().filter(|a| a.status == Some(status)).count();
    eprintln!(
        "{} filings ({} × 201, {} × 503), the longest {:?}; down for {:?}; every client filed again within {:?} of the start",
        answers.len(),
        count(StatusCode::CREATED),
        count(StatusCode::SERVICE_UNAVAILABLE),
        answers.iter().map(|a| a.took).max().unwrap_or_default(),
        restarted - down,
        back.values().max().copied().unwrap_or_default(),
    );

    assert_eq!(
        health,
        StatusCode::SERVICE_UNAVAILABLE,
        "/healthz during the outage"
    );
    assert_eq!(
        live,
        StatusCode::OK,
        "/livez during the outage: the process is alive"
    );
    let unexpected: Vec<&Answer> = answers
        .iter()
        .filter(|a| {
            !matches!(
                a.status,
                Some(StatusCode::CREATED | StatusCode::SERVICE_UNAVAILABLE)
            )
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "every filing is 201 or 503, not: {unexpected:#?}"
    );
    let during: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.sent >= down && a.sent + a.took <= starting)
        .collect();
    assert!(
        during.len() >= FILERS.len(),
        "the clients kept filing during the outage ({} filings)",
        during.len()
    );
    let not_503: Vec<&&Answer> = during
        .iter()
        .filter(|a| a.status != Some(StatusCode::SERVICE_UNAVAILABLE))
        .collect();
    assert!(not_503.is_empty(), "during the outage: {not_503:#?}");
    let malformed: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == Some(StatusCode::SERVICE_UNAVAILABLE) && !a.well_formed_503)
        .collect();
    assert!(
        malformed.is_empty(),
        "each 503 is problem+json with Retry-After: {malformed:#?}"
    );
    let slow: Vec<&Answer> = answers.iter().filter(|a| a.took > PROMPT).collect();
    assert!(slow.is_empty(), "answered within {PROMPT:?}: {slow:#?}");
    assert_eq!(
        app.client.get(app.url("/healthz")).send().await?.status(),
        StatusCode::OK,
        "/healthz after the restart"
    );

    let mut given: HashMap<String, usize> = HashMap::new();
    for answer in &answers {
        if answer.status == Some(StatusCode::CREATED) {
            let receipt = answer
                .receipt
                .clone()
                .with_context(|| format!("a 201 without a receipt number: {answer:?}"))?;
            *given.entry(receipt).or_default() += 1;
        }
    }
    let twice: Vec<_> = given.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "receipt numbers given twice: {twice:?}");
    let stored = stored_receipts(&app).await?;
    let stored_set: BTreeSet<String> = stored.iter().cloned().collect();
    assert_eq!(
        stored.len(),
        stored_set.len(),
        "no receipt number stored twice"
    );
    let lost: Vec<&String> = given.keys().filter(|r| !stored_set.contains(*r)).collect();
    assert!(lost.is_empty(), "receipts given but not stored: {lost:?}");
    // A filing whose COMMIT reached the database just as it stopped may be stored although its
    // client was told 503: never more of those than 503s given.
    let new = stored_set.difference(&before).count();
    let refused = answers.len() - given.len();
    assert!(
        new >= given.len() && new <= given.len() + refused,
        "{new} new reports stored for {} receipts given and {refused} refusals",
        given.len()
    );
    Ok(())
}
