//! Stopping the server as an orchestrator does (SIGTERM): under 16 filing clients, and right
//! after a plan computation started, the process exits within 30 s, and every report it
//! answered 201 for is stored.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Statement};
use support::Server;

/// Orchestrators kill a process that has not exited this long after SIGTERM.
const EXIT_LIMIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn sigterm_under_load_and_after_a_plan_computation_exits_in_time_losing_nothing()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = Server::start(dir.path(), &["--demo"], &[]).await?;
    let maker = server.token("maker@demo.example").await?;
    let ministry = server.token("ministry@demo.example").await?;
    let codes = server.own_drug_codes(&maker).await?;
    anyhow::ensure!(!codes.is_empty(), "the demo maker has drugs");
    let (_, plans) = server
        .send(
            reqwest::Method::GET,
            "/api/v1/allocation-plans",
            Some(&ministry),
            None,
        )
        .await?;
    let plan = plans["items"][0]["id"].as_i64();
    anyhow::ensure!(plan.is_some(), "the demo set has a plan: {plans}");

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let load = support::Load::default();
    let filing = load.run(&server, &maker, &codes, 16, &stopped);
    let stopping = async {
        // Some reports go through before the stop, then a computation on the blocking pool.
        let mut health = 0;
        while health < 20 {
            let _ = server.get("/healthz").await;
            health += 1;
        }
        let path = format!(
            "/api/v1/allocation-plans/{}/computations",
            plan.unwrap_or_default()
        );
        let computation = server.send(reqwest::Method::POST, &path, Some(&ministry), None);
        let signal = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            server.signal("TERM").await
        };
        let (_, signalled) = tokio::join!(computation, signal);
        // The load goes on through the shutdown until the server stops answering.
        let gone = support::wait_for("the server to stop answering", 1200, async || {
            server.get("/livez").await.is_err()
        })
        .await;
        let _ = stop.send(true);
        signalled.and(gone)
    };
    let ((), signalled) = tokio::join!(filing, stopping);
    let acked = load.acked();
    signalled?;
    let exited = server.wait_exit(EXIT_LIMIT).await;
    assert!(
        exited.is_some(),
        "still running 30 s after SIGTERM; log:\n{}",
        server.log_text()
    );
    assert!(!acked.is_empty(), "the load filed reports before the stop");

    let db = supplywatch::db::connect(&format!(
        "sqlite://{}?mode=rw",
        dir.path().join("data/supplywatch.db").display()
    ))
    .await?;
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT receipt_number FROM supply_status_reports",
        ))
        .await?;
    let stored: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|n| !stored.contains(*n)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged reports lost",
        lost.len(),
        acked.len()
    );
    let distinct: HashSet<&String> = acked.iter().collect();
    assert_eq!(
        distinct.len(),
        acked.len(),
        "a receipt number was given twice"
    );
    Ok(())
}
