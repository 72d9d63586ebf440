//! Subcommands of the `supplywatch` binary. Each opens the database, migrates, and calls a service.

mod backtest;
mod backup;
mod import;
mod seed;
mod users;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use supplywatch::jobs::Job;
use supplywatch::services::ServiceError;
use supplywatch::settings::Settings;
use supplywatch::startup::Application;

/// How long a stopping server waits for running jobs (in-flight mail) after the HTTP workers
/// finished; with their 10 s this stays well inside the process's exit deadline.
const JOBS_STOP_LIMIT: Duration = Duration::from_secs(10);

/// SupplyWatch — 医療用医薬品・医療機器・体外診断用医薬品の供給状況モニタリング
#[derive(Debug, Parser)]
#[command(name = "supplywatch", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application and the API on SUPPLYWATCH_BIND.
    Serve {
        /// Load the demo data set into an empty database and print the demo accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load a data set: the demo set (default), or national-scale status history.
    Seed {
        /// `demo` (the hand-made set) or `national` (every drug of a real price list, three years).
        #[arg(long, value_enum, default_value = "demo")]
        scale: Scale,
        /// The price list to import first (required with `--scale national`).
        #[arg(long)]
        nhi_price_list: Option<PathBuf>,
        /// Last Friday of the generated history (YYYY-MM-DD); default: this week's Friday.
        #[arg(long)]
        until: Option<chrono::NaiveDate>,
        /// Seed of the generator: equal seeds and inputs give equal data.
        #[arg(long, default_value_t = 20_250_716)]
        seed: u64,
        /// An edition of the ministry's list 「医療用医薬品供給状況」 to load as the real status
        /// history, oldest first (repeat for several); each is frozen as that day's publication.
        /// Without it the statuses are simulated (three years of weekly history).
        #[arg(long = "supply-list")]
        supply_lists: Vec<PathBuf>,
        /// Short products of the allocation data (≈40,000 purchase rows each); 0: none.
        #[arg(long, default_value_t = supplywatch::seeding::national::allocation::SHORT_PRODUCTS)]
        allocation_products: usize,
    },
    /// Run a scheduled job once now (e.g. weekly-publication).
    RunJob {
        /// The job's name.
        name: String,
    },
    /// Import reference data.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Back up the database into one file (SQLite: consistent while serving; PostgreSQL:
    /// `pg_dump` custom format), with a manifest of row counts and report checksums.
    Backup {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into the configured database, which must be empty.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
    /// Check a restored database against its backup's manifest (integrity, row counts,
    /// report checksums).
    Verify,
    /// Replay real history through the early-warning forecast: start from an edition of the
    /// ministry's list, apply the recorded changes day by day, and write each day's warnings
    /// (`date,yj_code,score,reasons`) using only what was known that day.
    BacktestForecast {
        /// An edition of 「医療用医薬品供給状況」 (XLSX or CSV).
        #[arg(long)]
        list: PathBuf,
        /// The changes of ⑫ (`date,yj_code,field,from_value,to_value,change_kind,…`); those
        /// dated on or before the edition are undone first and replayed.
        #[arg(long)]
        transitions: PathBuf,
        /// The CSV to write.
        #[arg(long)]
        out: PathBuf,
        /// Days a move into 限定出荷 counts as fresh (twice that as fading).
        #[arg(long, default_value_t = supplywatch::domain::forecast::knock_on_list::HORIZON_DAYS)]
        horizon: u32,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Scale {
    Demo,
    National,
}

#[derive(Debug, Subcommand)]
pub(super) enum ImportCommand {
    /// Import an edition of the ministry's price list (薬価基準収載品目リスト, CSV).
    NhiPriceList {
        /// The CSV file (UTF-8 or Shift_JIS).
        file: PathBuf,
        /// Edition date (YYYY-MM-DD); default: the 8 digits in the file name, else today.
        #[arg(long)]
        edition: Option<String>,
    },
    /// Import an edition of the ministry's list 「医療用医薬品供給状況」 (XLSX or CSV, ①–⑳ or ①–⑱).
    SupplyList {
        /// The XLSX (sheet 供給状況一覧表) or CSV (UTF-8 or Shift_JIS) file.
        file: PathBuf,
        /// Edition date (YYYY-MM-DD); default: the title row (「令和８年８月18日現在」), else the
        /// date in the file name, else today in Japan.
        #[arg(long)]
        edition: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// Create a user; the password is read from standard input (or generated and printed).
    Create {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// manufacturer, wholesaler, ministry, association or admin.
        #[arg(long)]
        role: String,
        /// Organisation name; created if it does not exist.
        #[arg(long)]
        organization: String,
        /// Organisation kind when it differs from the role (admins: default ministry).
        #[arg(long)]
        organization_kind: Option<String>,
        /// 法人番号 of a new organisation.
        #[arg(long)]
        corporate_number: Option<String>,
    },
    /// Deactivate a user: no more logins, sessions and tokens end.
    Deactivate {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
    /// Remove a user's second factor (a lost phone): the user enrols again at the next login.
    ResetMfa {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
}

/// Runs one subcommand.
pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    // Restoring needs an empty database and verifying must not change one: neither migrates.
    match &cli.command {
        Command::Backup { out } => return backup::create(&settings, out).await,
        Command::Restore { from } => return backup::restore(&settings, from).await,
        Command::Verify => return backup::verify(&settings).await,
        Command::BacktestForecast {
            list,
            transitions,
            out,
            horizon,
        } => return backtest::run(list, transitions, out, *horizon, &settings.table_limits).await,
        _ => {}
    }
    let db = supplywatch::db::connect(&settings.database_url)
        .await
        .with_context(|| {
            format!(
                "Failed to open the database {}",
                redact(&settings.database_url)
            )
        })?;
    supplywatch::db::migrate(&db)
        .await
        .context("Failed to migrate the database")?;
    match cli.command {
        Command::Migrate => {
            println!(
                "マイグレーションを適用しました（{}）",
                redact(&settings.database_url)
            );
            Ok(())
        }
        Command::Seed {
            scale: Scale::Demo, ..
        } => seed::demo(&db, &settings).await,
        Command::Seed {
            scale: Scale::National,
            nhi_price_list,
            until,
            seed,
            supply_lists,
            allocation_products,
        } => {
            let file = nhi_price_list.context("--scale national needs --nhi-price-list FILE")?;
            if supply_lists.is_empty() {
                seed::national(&db, &file, until, seed).await?;
            } else {
                seed::national_editions(&db, &file, &supply_lists, &settings).await?;
            }
            if allocation_products == 0 {
                return Ok(());
            }
            seed::national_allocation(&db, &settings, until, seed, allocation_products).await
        }
        Command::RunJob { name } => {
            let job = Job::by_name(&name).with_context(|| {
                let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
                format!("no job named {name}; jobs: {}", names.join(", "))
            })?;
            let ctx = job_context(db, &settings)?;
            let outcome = job.run(&ctx).await.map_err(explain)?;
            println!("{outcome}");
            Ok(())
        }
        Command::Serve { demo } => serve(db, settings, demo).await,
        Command::Import {
            what: ImportCommand::NhiPriceList { file, edition },
        } => import::price_list(&db, &file, edition, &settings.table_limits).await,
        Command::Import {
            what: ImportCommand::SupplyList { file, edition },
        } => import::supply_list(&db, &file, edition, &settings.table_limits)
            .await
            .map(|_| ()),
        Command::User { what } => users::run(&db, what).await,
        Command::Backup { .. }
        | Command::Restore { .. }
        | Command::Verify
        | Command::BacktestForecast { .. } => {
            unreachable!("handled before the database is opened")
        }
    }
}

/// Serves until SIGTERM or Ctrl-C: the demo data first when asked, the jobs beside the server,
/// then an orderly stop (jobs waited for, the scheduler shut down).
async fn serve(
    db: sea_orm::DatabaseConnection,
    settings: Settings,
    demo: bool,
) -> anyhow::Result<()> {
    let mut settings = settings;
    if demo {
        seed::demo(&db, &settings).await?;
        if std::env::var_os("SUPPLYWATCH_MFA_REQUIRED_ROLES").is_none() {
            settings.mfa_required_roles.clear();
            println!(
                "デモモード: 二要素認証を必須とするロールはありません（SUPPLYWATCH_MFA_REQUIRED_ROLES で指定できます。本番の既定は ministry,admin）"
            );
        }
    }
    let ctx = job_context(db.clone(), &settings)?;
    let shutdown = ctx.shutdown.clone();
    let mut scheduler = supplywatch::jobs::start(ctx)
        .await
        .context("Failed to start the job scheduler")?;
    let app = Application::build(settings.clone(), db)
        .with_context(|| format!("Failed to listen on {}", settings.bind))?;
    supplywatch::shutdown::arm_exit_watchdog();
    tracing::info!(port = app.port(), database = %redact(&settings.database_url), "SupplyWatch is serving");
    println!("SupplyWatch: http://{}:{}/", settings.bind.ip(), app.port());
    let served = app.run_until_stopped().await;
    if !shutdown.stop_and_wait(JOBS_STOP_LIMIT).await {
        tracing::warn!("a job was still running at shutdown; its unfinished work is retried");
    }
    if tokio::time::timeout(Duration::from_secs(2), scheduler.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("the job scheduler did not stop in time");
    }
    tracing::info!("SupplyWatch stopped");
    served.context("The server stopped with an error")
}

/// The jobs' database, mailer and settings.
fn job_context(
    db: sea_orm::DatabaseConnection,
    settings: &Settings,
) -> anyhow::Result<supplywatch::jobs::JobContext> {
    supplywatch::jobs::JobContext::new(db, settings.clone())
        .context("Failed to set up the mail backend")
}

/// A service error as a readable message, listing every field problem.
pub(super) fn explain(error: ServiceError) -> anyhow::Error {
    match error {
        ServiceError::Invalid(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| format!("[{}] {}", p.field, p.message))
                .collect();
            anyhow::anyhow!("入力内容に誤りがあります:\n  {}", lines.join("\n  "))
        }
        other => anyhow::Error::new(other),
    }
}

/// The database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
