//! One run per tick however many instances are up: two instances (two pools, as two servers
//! have) race for the same ticks of a scheduled job on one database, on SQLite and PostgreSQL.

use chrono::{Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Statement};
use supplywatch::jobs::Job;
use supplywatch::services::job_runs;
use supplywatch_tests::smtp::job_context;
use supplywatch_tests::{TestApp, backends};

#[tokio::test]
async fn two_instances_racing_for_the_same_ticks_run_each_tick_once() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn_empty(&backend).await?;
        // The mail relay is never used by this job.
        let one = job_context(app.database_url(), "smtp://127.0.0.1:9").await?;
        let two = job_context(app.database_url(), "smtp://127.0.0.1:9").await?;
        assert_ne!(one.instance, two.instance);
        let first = Utc
            .with_ymd_and_hms(2026, 12, 4, 18, 15, 0)
            .single()
            .ok_or_else(|| anyhow::anyhow!("no such time"))?;
        let mut ran = [0, 0];
        for minute in 0..12 {
            let tick = first + Duration::minutes(minute);
            let (a, b) = tokio::join!(
                Job::CleanupSessions.run_tick(&one, tick),
                Job::CleanupSessions.run_tick(&two, tick)
            );
            let (a, b) = (a?, b?);
            assert!(
                a.is_some() != b.is_some(),
                "tick {tick}: exactly one instance runs it ({}: {a:?} / {b:?})",
                backend.name()
            );
            ran[usize::from(b.is_some())] += 1;
            // A late timer of either instance finds the tick taken.
            assert_eq!(Job::CleanupSessions.run_tick(&one, tick).await?, None);
        }
        assert_eq!(ran[0] + ran[1], 12);
        let rows = app
            .db
            .query_all(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT instance FROM job_runs WHERE job = 'cleanup-sessions' AND finished_at IS NOT NULL",
            ))
            .await?;
        assert_eq!(rows.len(), 12, "every tick recorded as finished once");
    }
    Ok(())
}

#[test]
fn timers_of_two_instances_a_little_apart_claim_the_same_tick() {
    let at = |ms: i64| Utc.timestamp_millis_opt(ms).single().unwrap_or_default();
    let tick = 1_764_871_200_000; // a whole minute
    assert_eq!(
        job_runs::tick_of(at(tick - 900), 60),
        job_runs::tick_of(at(tick + 1_150), 60)
    );
}
