//! Subcommands of the `supplywatch` binary. Each opens the database, migrates, and calls a service.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use secrecy::ExposeSecret;
use supplywatch::domain::{OrganizationKind, Role};
use supplywatch::jobs::Job;
use supplywatch::services::accounts::{self, NewOrganization, NewUser};
use supplywatch::services::audit::Actor;
use supplywatch::services::{ServiceError, demo, national_seed, price_list};
use supplywatch::settings::Settings;
use supplywatch::startup::Application;

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
enum ImportCommand {
    /// Import an edition of the ministry's price list (薬価基準収載品目リスト, CSV).
    NhiPriceList {
        /// The CSV file (UTF-8 or Shift_JIS).
        file: PathBuf,
        /// Edition date (YYYY-MM-DD); default: the 8 digits in the file name, else today.
        #[arg(long)]
        edition: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
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
    /// Deactivate a user: no more logins, tokens stop working.
    Deactivate {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
}

/// Runs one subcommand.
pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
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
        } => seed(&db, &settings).await,
        Command::Seed {
            scale: Scale::National,
            nhi_price_list,
            until,
            seed,
        } => {
            let file = nhi_price_list.context("--scale national needs --nhi-price-list FILE")?;
            seed_national(&db, &file, until, seed).await
        }
        Command::RunJob { name } => {
            let job = Job::by_name(&name).with_context(|| {
                let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
                format!("no job named {name}; jobs: {}", names.join(", "))
            })?;
            let outcome = job.run(&db).await.map_err(explain)?;
            println!("{outcome}");
            Ok(())
        }
        Command::Serve { demo } => {
            if demo {
                seed(&db, &settings).await?;
            }
            let _scheduler = supplywatch::jobs::start(db.clone())
                .await
                .context("Failed to start the job scheduler")?;
            let app = Application::build(settings.clone(), db)
                .with_context(|| format!("Failed to listen on {}", settings.bind))?;
            tracing::info!(port = app.port(), database = %redact(&settings.database_url), "SupplyWatch is serving");
            println!("SupplyWatch: http://{}:{}/", settings.bind.ip(), app.port());
            app.run_until_stopped()
                .await
                .context("The server stopped with an error")
        }
        Command::Import {
            what: ImportCommand::NhiPriceList { file, edition },
        } => import_price_list(&db, &file, edition).await,
        Command::User { what } => user(&db, what).await,
    }
}

async fn seed(db: &sea_orm::DatabaseConnection, settings: &Settings) -> anyhow::Result<()> {
    let loaded = demo::load_if_empty(db, settings.demo_password.clone(), chrono::Utc::now())
        .await
        .map_err(explain)?;
    match loaded {
        None => println!("デモデータ: 既に利用者がいるため読み込みませんでした"),
        Some(accounts) => {
            println!("デモデータを読み込みました。デモアカウント（パスワードは共通）:");
            for (email, role) in &accounts.accounts {
                println!("  {email:<28} {role}");
            }
            println!("  パスワード: {}", accounts.password.expose_secret());
        }
    }
    Ok(())
}

async fn seed_national(
    db: &sea_orm::DatabaseConnection,
    file: &PathBuf,
    until: Option<chrono::NaiveDate>,
    seed: u64,
) -> anyhow::Result<()> {
    import_price_list(db, file, None).await?;
    let until = until
        .unwrap_or_else(|| supplywatch::services::publication::week_ending(chrono::Utc::now()));
    println!("全国規模の供給状況の履歴を生成しています（{until} までの3年間、seed {seed}）…");
    let started = std::time::Instant::now();
    let summary = national_seed::seed(
        db,
        until,
        seed,
        &Actor::system("seed national"),
        chrono::Utc::now(),
    )
    .await
    .map_err(explain)?;
    println!(
        "{}品目・{}件の報告と{}週分の集計を保存しました（{} 〜 {}、{:.1}秒）",
        summary.products,
        summary.reports,
        summary.weeks,
        summary.span.0,
        summary.span.1,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn import_price_list(
    db: &sea_orm::DatabaseConnection,
    file: &PathBuf,
    edition: Option<String>,
) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(file).with_context(|| format!("Failed to read {}", file.display()))?;
    let file_name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let edition = edition
        .or_else(|| price_list::edition_from_file_name(&file_name))
        .unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
    let rows = match price_list::parse::parse(&bytes) {
        Ok(rows) => rows,
        Err(problems) => {
            eprintln!(
                "{} を取り込めません。{}件の誤りがあり、何も変更していません:",
                file.display(),
                problems.len()
            );
            for p in &problems {
                let row = p.row.map_or_else(String::new, |r| format!("{r}行目 "));
                eprintln!("  {row}[{}] {}", p.field, p.message);
            }
            bail!("the price list was refused: {} problems", problems.len());
        }
    };
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 行 ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("取り込み中");
    let progress = |done: usize| bar.set_position(done as u64);
    let actor = Actor::system("import nhi-price-list");
    let summary = price_list::import(
        db,
        &rows,
        &edition,
        &file_name,
        &actor,
        chrono::Utc::now(),
        &progress,
    )
    .await
    .map_err(explain)?;
    bar.finish_with_message("完了");
    println!(
        "薬価基準 {edition} 版: {}行（新規 {}、更新 {}、新たに登録した製造販売業者 {}）",
        summary.rows, summary.created, summary.updated, summary.makers_created
    );
    Ok(())
}

async fn user(db: &sea_orm::DatabaseConnection, what: UserCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let actor = Actor::system("user");
    match what {
        UserCommand::Deactivate { email } => {
            accounts::set_user_active(db, &email, false, &actor, now)
                .await
                .map_err(explain)?;
            println!("{email} を無効にしました");
        }
        UserCommand::Create {
            email,
            name,
            role,
            organization,
            organization_kind,
            corporate_number,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e: supplywatch::domain::FieldError| anyhow::anyhow!(e.message))?;
            let kind = match organization_kind {
                Some(kind) => kind
                    .parse()
                    .map_err(|e: supplywatch::domain::FieldError| anyhow::anyhow!(e.message))?,
                None => default_kind(role),
            };
            let org = find_or_create_organization(
                db,
                kind,
                &organization,
                corporate_number.as_deref(),
                &actor,
            )
            .await?;
            let (password, generated) = read_password()?;
            let new = NewUser {
                email: &email,
                display_name: &name,
                role,
                organization_id: org.id,
                password: &password,
            };
            let created = accounts::create_user(db, &new, &actor, now)
                .await
                .map_err(explain)?;
            println!(
                "利用者 {} を作成しました（{}、{}）",
                created.email,
                role.label_ja(),
                org.name
            );
            if generated {
                println!("初期パスワード: {password}");
            }
        }
    }
    Ok(())
}

async fn find_or_create_organization(
    db: &sea_orm::DatabaseConnection,
    kind: OrganizationKind,
    name: &str,
    corporate_number: Option<&str>,
    actor: &Actor,
) -> anyhow::Result<accounts::OrganizationRef> {
    let existing = accounts::organizations_of_kind(db, kind)
        .await
        .map_err(explain)?;
    if let Some(org) = existing.into_iter().find(|o| o.name == name) {
        return Ok(org);
    }
    let new = NewOrganization {
        kind,
        name,
        corporate_number,
        contacts: &[],
    };
    accounts::create_organization(db, &new, actor, chrono::Utc::now())
        .await
        .map_err(explain)
}

fn default_kind(role: Role) -> OrganizationKind {
    match role {
        Role::Manufacturer => OrganizationKind::Manufacturer,
        Role::Wholesaler => OrganizationKind::Wholesaler,
        Role::Association => OrganizationKind::Association,
        Role::Ministry | Role::Admin => OrganizationKind::Ministry,
    }
}

/// The first line of standard input when piped; a generated password on a terminal.
fn read_password() -> anyhow::Result<(String, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let secret = supplywatch::services::auth::random_secret().replace(['-', '_'], "x");
        return Ok((format!("Sw-{}-9", &secret[..16]), true));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("Failed to read the password from standard input")?;
    Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false))
}

/// A service error as a readable message, listing every field problem.
fn explain(error: ServiceError) -> anyhow::Error {
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
