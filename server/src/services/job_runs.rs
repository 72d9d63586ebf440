//! One run per scheduled tick across instances: a run first inserts its `(job, tick)` row; the
//! primary key lets exactly one instance succeed, the others skip that tick.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};

use super::{DbContext, ServiceError};

fn table() -> Alias {
    Alias::new("job_runs")
}

fn col(name: &'static str) -> Alias {
    Alias::new(name)
}

/// The tick a run started at `now` belongs to: `now` rounded to the nearest multiple of
/// `every_seconds`, so instances whose timers fire a little apart agree on it.
pub fn tick_of(now: DateTime<Utc>, every_seconds: i64) -> DateTime<Utc> {
    let every = every_seconds.max(1) * 1000;
    let ms = now.timestamp_millis();
    let rounded = (ms + every / 2).div_euclid(every) * every;
    DateTime::from_timestamp_millis(rounded).unwrap_or(now)
}

/// Claims `(job, tick)` for `instance`; `false` when another run already has it.
pub async fn claim(
    db: &impl ConnectionTrait,
    job: &str,
    tick: DateTime<Utc>,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let insert = Query::insert()
        .into_table(table())
        .columns([col("job"), col("tick"), col("instance"), col("started_at")])
        .values_panic([job.into(), tick.into(), instance.into(), now.into()])
        .on_conflict(
            OnConflict::columns([col("job"), col("tick")])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    let done = db
        .execute(db.get_database_backend().build(&insert))
        .await
        .context("Failed to claim the job's tick")?;
    Ok(done.rows_affected() == 1)
}

/// Records how the run of `(job, tick)` ended.
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &str,
    tick: DateTime<Utc>,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let update = Query::update()
        .table(table())
        .value(col("finished_at"), now)
        .value(
            col("outcome"),
            outcome.chars().take(2000).collect::<String>(),
        )
        .and_where(Expr::col(col("job")).eq(job))
        .and_where(Expr::col(col("tick")).eq(tick))
        .to_owned();
    db.execute(db.get_database_backend().build(&update))
        .await
        .context("Failed to record the end of a job run")?;
    Ok(())
}

/// Deletes run records older than `before` (they only serve to refuse a second run).
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, ServiceError> {
    let delete = Query::delete()
        .from_table(table())
        .and_where(Expr::col(col("tick")).lt(before))
        .to_owned();
    Ok(db
        .execute(db.get_database_backend().build(&delete))
        .await
        .context("Failed to prune old job runs")?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_firing_a_little_apart_agree_on_the_tick() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc));
        let tick = at("2026-12-04T17:00:00Z").ok();
        assert_eq!(
            at("2026-12-04T16:59:59.800Z").ok().map(|t| tick_of(t, 60)),
            tick
        );
        assert_eq!(
            at("2026-12-04T17:00:01.150Z").ok().map(|t| tick_of(t, 60)),
            tick
        );
        assert_ne!(
            at("2026-12-04T17:01:00.100Z").ok().map(|t| tick_of(t, 60)),
            tick
        );
    }
}
