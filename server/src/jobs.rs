//! Scheduled jobs: a table of (name, cron in Asia/Tokyo, service call). Each run takes a
//! PostgreSQL advisory lock so that, with several instances, only one of them runs a job.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use tokio_cron_scheduler::{Job as CronJob, JobScheduler};

use crate::services::audit::Actor;
use crate::services::{ServiceError, publication};

/// A scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Freezes the weekly publication (Fridays 17:00).
    WeeklyPublication,
}

impl Job {
    /// Every job.
    pub const ALL: [Self; 1] = [Self::WeeklyPublication];

    /// Name for `supplywatch run-job NAME` and the logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::WeeklyPublication => "weekly-publication",
        }
    }

    /// When it runs (seconds minutes hours day-of-month month day-of-week), Asia/Tokyo.
    pub fn cron(self) -> &'static str {
        match self {
            Self::WeeklyPublication => "0 0 17 * * Fri",
        }
    }

    /// The job of a name.
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.name() == name)
    }

    /// Runs the job once; returns what it did, in Japanese. Idempotent.
    pub async fn run(self, db: &DatabaseConnection) -> Result<String, ServiceError> {
        let now = Utc::now();
        let actor = Actor::system(self.name());
        match self {
            Self::WeeklyPublication => {
                let (p, created) = publication::publish_week(db, &actor, now).await?;
                Ok(if created {
                    format!(
                        "{} 週の公表を作成しました（{}品目）",
                        p.week_ending, p.row_count
                    )
                } else {
                    format!(
                        "{} 週の公表は作成済みです（{}）。何も変更していません",
                        p.week_ending,
                        p.published_at.to_rfc3339()
                    )
                })
            }
        }
    }

    /// Runs the job unless another instance holds its lock (PostgreSQL); `None` when skipped.
    pub async fn run_exclusive(
        self,
        db: &DatabaseConnection,
    ) -> Result<Option<String>, ServiceError> {
        if db.get_database_backend() != DbBackend::Postgres {
            return self.run(db).await.map(Some);
        }
        let lock = db.begin().await.map_err(|source| ServiceError::Database {
            context: "Failed to open the job lock",
            source,
        })?;
        let key = 0x5357_0000_i64 + self as i64;
        let row = lock
            .query_one(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock($1) AS locked",
                [key.into()],
            ))
            .await
            .map_err(|source| ServiceError::Database {
                context: "Failed to take the job lock",
                source,
            })?;
        let locked: bool = row
            .and_then(|r| r.try_get("", "locked").ok())
            .unwrap_or(false);
        if !locked {
            return Ok(None);
        }
        let result = self.run(db).await;
        lock.commit()
            .await
            .map_err(|source| ServiceError::Database {
                context: "Failed to release the job lock",
                source,
            })?;
        result.map(Some)
    }
}

/// Starts the scheduler with every job of the table; failures are logged, never fatal.
pub async fn start(
    db: DatabaseConnection,
) -> Result<JobScheduler, tokio_cron_scheduler::JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    for job in Job::ALL {
        let db = db.clone();
        let cron = CronJob::new_async_tz(
            job.cron(),
            chrono_tz::Asia::Tokyo,
            move |_id, _scheduler| {
                let db = db.clone();
                Box::pin(async move {
                    match job.run_exclusive(&db).await {
                        Ok(Some(outcome)) => {
                            tracing::info!(job = job.name(), %outcome, "job finished");
                        }
                        Ok(None) => tracing::info!(
                            job = job.name(),
                            "job skipped: another instance runs it"
                        ),
                        Err(e) => {
                            tracing::error!(job = job.name(), error = %e, cause = ?e, "job failed");
                        }
                    }
                })
            },
        )?;
        scheduler.add(cron).await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_is_found_by_name_and_has_a_valid_schedule() {
        for job in Job::ALL {
            assert_eq!(Job::by_name(job.name()), Some(job));
            assert!(
                CronJob::new_async_tz(
                    job.cron(),
                    chrono_tz::Asia::Tokyo,
                    |_, _| Box::pin(async {})
                )
                .is_ok(),
                "{}",
                job.cron()
            );
        }
        assert_eq!(Job::by_name("nightly-cleanup"), None);
    }
}
