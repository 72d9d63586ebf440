//! Scheduled jobs: a table of (name, cron in Asia/Tokyo, service call). A run first claims its
//! tick in `job_runs`, so with several instances each tick runs once (on SQLite and PostgreSQL);
//! the mail dispatcher, whose row claims already keep every mail to one sender, runs everywhere.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio_cron_scheduler::{Job as CronJob, JobScheduler};

use crate::domain::forecast::Trigger;
use crate::mail::Mailer;
use crate::services::audit::Actor;
use crate::services::early_warning;
use crate::services::{ServiceError, job_runs, outbox, publication, reminders};
use crate::settings::Settings;
use crate::shutdown::Shutdown;

/// What a job may use: the database, the mailer, the settings and the shutdown signal.
#[derive(Debug, Clone)]
pub struct JobContext {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configured mail backend.
    pub mailer: Mailer,
    /// The settings read at start.
    pub settings: Settings,
    /// Set when the process stops: jobs take no new work and are waited for.
    pub shutdown: Shutdown,
    /// This process among the instances (recorded with the ticks it ran).
    pub instance: String,
}

impl JobContext {
    /// The context of `settings`: its mail backend over `db`.
    pub fn new(db: DatabaseConnection, settings: Settings) -> Result<Self, crate::mail::MailError> {
        Ok(Self {
            mailer: Mailer::new(&settings.mail, &settings.mail_from, &settings.base_url)?,
            db,
            settings,
            shutdown: Shutdown::default(),
            instance: format!(
                "{}-{:08x}",
                std::process::id(),
                rand::Rng::r#gen::<u32>(&mut rand::thread_rng())
            ),
        })
    }
}

/// A scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Freezes the weekly publication (Fridays 17:00).
    WeeklyPublication,
    /// Delivers queued mail (every 5 seconds, so a retry is at most 5 s late).
    OutboxDispatch,
    /// Bundles mail held for contacts who chose one mail a day (08:00).
    DailyDigest,
    /// Reminds makers of overdue case steps, and sends the ministry a summary (09:00).
    CaseReminders,
    /// Reminds makers of products whose status was not confirmed this month (the 20th, 10:00).
    StaleStatusReminder,
    /// Deletes expired sessions and API tokens (03:15).
    CleanupSessions,
    /// Forecasts knock-on shortages of every group losing supply (02:30).
    KnockOnForecast,
    /// Freezes the day's publication of the list on working days (17:00; holidays skipped).
    DailyPublication,
    /// Backs up the database into the backup folder, keeping the newest N (02:45).
    NightlyBackup,
}

impl Job {
    /// Every job.
    pub const ALL: [Self; 9] = [
        Self::WeeklyPublication,
        Self::OutboxDispatch,
        Self::DailyDigest,
        Self::CaseReminders,
        Self::StaleStatusReminder,
        Self::CleanupSessions,
        Self::KnockOnForecast,
        Self::DailyPublication,
        Self::NightlyBackup,
    ];

    /// Name for `supplywatch run-job NAME` and the logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::WeeklyPublication => "weekly-publication",
            Self::OutboxDispatch => "outbox-dispatch",
            Self::DailyDigest => "daily-digest",
            Self::CaseReminders => "case-reminders",
            Self::StaleStatusReminder => "stale-status-reminder",
            Self::CleanupSessions => "cleanup-sessions",
            Self::KnockOnForecast => "knock-on-forecast",
            Self::DailyPublication => "daily-publication",
            Self::NightlyBackup => "backup",
        }
    }

    /// When it runs (seconds minutes hours day-of-month month day-of-week), Asia/Tokyo.
    pub fn cron(self) -> &'static str {
        match self {
            Self::WeeklyPublication => "0 0 17 * * Fri",
            Self::OutboxDispatch => "*/5 * * * * *",
            Self::DailyDigest => "0 0 8 * * *",
            Self::CaseReminders => "0 0 9 * * *",
            Self::StaleStatusReminder => "0 0 10 20 * *",
            Self::CleanupSessions => "0 15 3 * * *",
            Self::KnockOnForecast => "0 30 2 * * *",
            Self::DailyPublication => "0 0 17 * * Mon-Fri",
            Self::NightlyBackup => "0 45 2 * * *",
        }
    }

    /// The job of a name.
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.name() == name)
    }

    /// Runs the job once; returns what it did, in Japanese. Idempotent.
    pub async fn run(self, ctx: &JobContext) -> Result<String, ServiceError> {
        let now = Utc::now();
        let db = &ctx.db;
        let actor = Actor::system(self.name());
        match self {
            Self::OutboxDispatch => {
                let options = outbox::DispatchOptions {
                    stale_claim: chrono::Duration::seconds(ctx.settings.outbox_stale_claim_seconds),
                    shutdown: ctx.shutdown.clone(),
                };
                let s = outbox::dispatch_with(db, &ctx.mailer, now, &options).await?;
                Ok(format!(
                    "送信 {}件、再試行待ち {}件、送信失敗 {}件",
                    s.sent, s.retrying, s.failed
                ))
            }
            Self::DailyDigest => {
                let n = outbox::send_daily_digests(db, now).await?;
                Ok(format!("まとめメール {n}件を送信待ちにしました"))
            }
            Self::CaseReminders => {
                let n = reminders::case_reminders(db, ctx.settings.case_overdue_days, now).await?;
                Ok(format!("期限超過のリマインダー {n}件を送信待ちにしました"))
            }
            Self::StaleStatusReminder => {
                let n = reminders::stale_status_reminders(db, now).await?;
                Ok(format!(
                    "未確認の供給状況のリマインダー {n}件を送信待ちにしました"
                ))
            }
            Self::CleanupSessions => {
                let (sessions, tokens) = reminders::cleanup_expired(db, now).await?;
                job_runs::prune(db, now - chrono::Duration::days(JOB_RUNS_KEPT_DAYS)).await?;
                Ok(format!(
                    "期限切れのセッション {sessions}件、APIトークン {tokens}件を削除しました"
                ))
            }
            Self::KnockOnForecast => {
                let s = early_warning::runs::run(db, Trigger::Nightly, now).await?;
                let listed = early_warning::daily_list::store_day(db, now).await?;
                Ok(format!(
                    "波及予測: 供給減の群 {}、次に不足しそうな品目 {}件（追加 {}・解除 {}）、通知 {}件。早期警戒リスト {listed}件を保存しました",
                    s.groups, s.likely_next, s.added, s.removed, s.mailed
                ))
            }
            Self::DailyPublication => Ok(match publication::publish_day(db, &actor, now).await? {
                None => "今日は行政機関の休日のため公表しません".to_owned(),
                Some((p, true)) => {
                    format!(
                        "{} の公表を作成しました（{}品目）",
                        p.week_ending, p.row_count
                    )
                }
                Some((p, false)) => format!(
                    "{} の公表は作成済みです（{}）。何も変更していません",
                    p.week_ending,
                    p.published_at.to_rfc3339()
                ),
            }),
            Self::NightlyBackup => {
                let settings = &ctx.settings;
                let (outcome, removed) = crate::services::backup::nightly(
                    db,
                    &settings.database_url,
                    &settings.backup_dir,
                    settings.backups_kept,
                    now,
                )
                .await?;
                Ok(format!(
                    "バックアップ {}（{} バイト）を作成し、古いバックアップ {}件を削除しました",
                    outcome.path.display(),
                    outcome.bytes,
                    removed.len()
                ))
            }
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

    /// Runs the job unless another run (here or on another instance) already has the tick of
    /// now; `None` when skipped. The dispatcher always runs: its row claims keep mail to one
    /// sender.
    pub async fn run_exclusive(self, ctx: &JobContext) -> Result<Option<String>, ServiceError> {
        if self == Self::OutboxDispatch {
            return self.run(ctx).await.map(Some);
        }
        self.run_tick(ctx, job_runs::tick_of(Utc::now(), TICK_SECONDS))
            .await
    }

    /// Runs the job for `tick` if no run has claimed it yet; `None` when one has.
    pub async fn run_tick(
        self,
        ctx: &JobContext,
        tick: chrono::DateTime<Utc>,
    ) -> Result<Option<String>, ServiceError> {
        if !job_runs::claim(&ctx.db, self.name(), tick, &ctx.instance, Utc::now()).await? {
            return Ok(None);
        }
        let result = self.run(ctx).await;
        let outcome = match &result {
            Ok(outcome) => outcome.clone(),
            Err(e) => format!("失敗: {e}"),
        };
        // The job's own result is what the caller sees; failing to note the end only warns.
        if let Err(e) = job_runs::finish(&ctx.db, self.name(), tick, &outcome, Utc::now()).await {
            tracing::warn!(job = self.name(), error = %e, "Failed to record the end of the run");
        }
        result.map(Some)
    }
}

/// Every scheduled job but the dispatcher fires on whole minutes: a run belongs to the nearest.
const TICK_SECONDS: i64 = 60;

/// Days a tick's record is kept (only to refuse a second run of it).
const JOB_RUNS_KEPT_DAYS: i64 = 7;

/// Starts the scheduler with every job of the table; failures are logged, never fatal.
pub async fn start(
    ctx: JobContext,
) -> Result<JobScheduler, tokio_cron_scheduler::JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    for job in Job::ALL {
        let ctx = ctx.clone();
        // A tick that comes while the previous run of the job still runs here is skipped.
        let busy = Arc::new(tokio::sync::Mutex::new(()));
        let cron = CronJob::new_async_tz(
            job.cron(),
            chrono_tz::Asia::Tokyo,
            move |_id, _scheduler| {
                let ctx = ctx.clone();
                let busy = Arc::clone(&busy);
                Box::pin(async move {
                    // Once the process stops, no tick starts; a running one is waited for.
                    let Some(_running) = ctx.shutdown.start_job() else {
                        return;
                    };
                    let Ok(_busy) = busy.try_lock() else {
                        return;
                    };
                    match job.run_exclusive(&ctx).await {
                        // The dispatcher runs every 30 s: its runs are logged at debug level.
                        Ok(Some(outcome)) if job == Job::OutboxDispatch => {
                            tracing::debug!(job = job.name(), %outcome, "job finished");
                        }
                        Ok(Some(outcome)) => {
                            tracing::info!(job = job.name(), %outcome, "job finished");
                        }
                        Ok(None) => tracing::debug!(
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
