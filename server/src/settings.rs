//! Typed configuration, read once from the environment (`SUPPLYWATCH_*`).

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::domain::Role;
use crate::mail::{MailSettings, MemoryMailbox};
use crate::services::table_file::TableLimits;

/// Everything the server needs to start; tests build it in code.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (`SUPPLYWATCH_BIND`, default `127.0.0.1:8080`; port 0 picks one).
    pub bind: SocketAddr,
    /// `sqlite://…` or `postgres://…` (`SUPPLYWATCH_DATABASE_URL`, default SQLite under `./data/`).
    pub database_url: String,
    /// Password given to the demo accounts (`SUPPLYWATCH_DEMO_PASSWORD`, else random).
    pub demo_password: Option<SecretString>,
    /// Hours a browser session lasts (`SUPPLYWATCH_SESSION_HOURS`, default 8).
    pub session_hours: i64,
    /// Days an API token lasts (`SUPPLYWATCH_TOKEN_DAYS`, default 30).
    pub token_days: i64,
    /// Mark cookies `Secure` (`SUPPLYWATCH_SECURE_COOKIES=true` behind HTTPS; default false).
    pub secure_cookies: bool,
    /// Days after a 第一報 without 追加報告 before a case is flagged overdue
    /// (`SUPPLYWATCH_CASE_OVERDUE_DAYS`, default 14).
    pub case_overdue_days: i64,
    /// Log as JSON lines (`SUPPLYWATCH_LOG_FORMAT=json`) instead of human-readable text.
    pub json_logs: bool,
    /// Where mail goes: SMTP (`SUPPLYWATCH_SMTP_URL`), else .eml files (`SUPPLYWATCH_MAIL_DIR`,
    /// default `./data/mail/`); tests may use the memory mailbox.
    pub mail: MailSettings,
    /// The sender of every mail (`SUPPLYWATCH_MAIL_FROM`).
    pub mail_from: String,
    /// The address users reach the application at, for links in mails (`SUPPLYWATCH_BASE_URL`,
    /// default `http://` + the bind address).
    pub base_url: String,
    /// Font with Japanese glyphs for the charts (`SUPPLYWATCH_CHART_FONT`, an .otf/.ttf/.ttc;
    /// default: the first of the usual Noto CJK paths that exists).
    pub chart_font: Option<PathBuf>,
    /// What an uploaded or imported table may hold (`SUPPLYWATCH_UPLOAD_MAX_ROWS`,
    /// `…_MAX_COLUMNS`, `…_MAX_CELL_BYTES`, `…_MAX_SHARED_STRINGS`, `…_MAX_INFLATED_BYTES`,
    /// `…_PARSE_SECONDS`).
    pub table_limits: TableLimits,
    /// Uploads one user may run at once (`SUPPLYWATCH_UPLOADS_PER_USER`, default 2).
    pub uploads_per_user: usize,
    /// Bytes all uploads together may spool to disk (`SUPPLYWATCH_UPLOAD_DISK_BUDGET_MB`,
    /// default 8192).
    pub upload_disk_budget_bytes: u64,
    /// Longest wait for the next piece of a request body (`SUPPLYWATCH_BODY_IDLE_SECONDS`,
    /// default 30).
    pub body_idle_timeout: std::time::Duration,
    /// Longest time a whole request body may take (`SUPPLYWATCH_BODY_SECONDS`, default 900: a
    /// 2 GB upload at about 2.5 MB/s).
    pub body_timeout: std::time::Duration,
    /// Failed logins from one client address in 15 minutes before it must wait
    /// (`SUPPLYWATCH_LOGIN_FAILURES_PER_ADDRESS`, default 100: an office behind one address
    /// holds many users).
    pub login_failures_per_address: i32,
    /// A mail claimed this long ago by a dispatcher that never marked it is sent again
    /// (`SUPPLYWATCH_OUTBOX_STALE_CLAIM_SECONDS`, default 600).
    pub outbox_stale_claim_seconds: i64,
    /// Roles that must log in with a second factor (`SUPPLYWATCH_MFA_REQUIRED_ROLES`, codes
    /// separated by commas, default `ministry,admin`; `none` for none; `serve --demo` defaults
    /// to none).
    pub mfa_required_roles: Vec<Role>,
    /// Where the nightly backup job writes (`SUPPLYWATCH_BACKUP_DIR`, default `data/backups`).
    pub backup_dir: PathBuf,
    /// Nightly backups kept; older ones are removed (`SUPPLYWATCH_BACKUPS_KEPT`, default 7).
    pub backups_kept: usize,
    /// Days without a login after which an active account is listed as dormant
    /// (`SUPPLYWATCH_DORMANT_DAYS`, default 90).
    pub dormant_days: i64,
}

/// Default sender.
pub const DEFAULT_MAIL_FROM: &str = "SupplyWatch <no-reply@supplywatch.localhost>";

/// A variable that is set but cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("環境変数 {name} の値「{value}」を読めません: {reason}")]
pub struct SettingsError {
    name: &'static str,
    value: String,
    reason: String,
}

/// Folder of the embedded SQLite database and other local files.
pub const DEFAULT_DATA_DIR: &str = "data";

impl Settings {
    /// Reads `SUPPLYWATCH_*` variables; unset ones take their defaults.
    pub fn from_env() -> Result<Self, SettingsError> {
        let var = |name: &'static str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let bind_text = var("SUPPLYWATCH_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind = bind_text
            .parse()
            .map_err(|e: std::net::AddrParseError| SettingsError {
                name: "SUPPLYWATCH_BIND",
                value: bind_text.clone(),
                reason: e.to_string(),
            })?;
        let number = |name: &'static str, default: i64| -> Result<i64, SettingsError> {
            match var(name) {
                None => Ok(default),
                Some(text) => text
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(SettingsError {
                        name,
                        value: text,
                        reason: "正の整数を指定してください".into(),
                    }),
            }
        };
        Ok(Self {
            bind,
            database_url: var("SUPPLYWATCH_DATABASE_URL").unwrap_or_else(default_database_url),
            demo_password: var("SUPPLYWATCH_DEMO_PASSWORD").map(SecretString::from),
            session_hours: number("SUPPLYWATCH_SESSION_HOURS", 8)?,
            token_days: number("SUPPLYWATCH_TOKEN_DAYS", 30)?,
            case_overdue_days: number("SUPPLYWATCH_CASE_OVERDUE_DAYS", 14)?,
            secure_cookies: var("SUPPLYWATCH_SECURE_COOKIES")
                .is_some_and(|v| v == "true" || v == "1"),
            json_logs: var("SUPPLYWATCH_LOG_FORMAT").is_some_and(|v| v == "json"),
            mail: match var("SUPPLYWATCH_SMTP_URL") {
                Some(url) => MailSettings::Smtp(SecretString::from(url)),
                None => MailSettings::File(
                    var("SUPPLYWATCH_MAIL_DIR").map_or_else(default_mail_dir, PathBuf::from),
                ),
            },
            mail_from: var("SUPPLYWATCH_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            base_url: var("SUPPLYWATCH_BASE_URL")
                .unwrap_or_else(|| format!("http://{bind}"))
                .trim_end_matches('/')
                .to_owned(),
            chart_font: var("SUPPLYWATCH_CHART_FONT").map(PathBuf::from),
            table_limits: table_limits(&number)?,
            uploads_per_user: usize::try_from(number("SUPPLYWATCH_UPLOADS_PER_USER", 2)?)
                .unwrap_or(2),
            upload_disk_budget_bytes: u64::try_from(number(
                "SUPPLYWATCH_UPLOAD_DISK_BUDGET_MB",
                8192,
            )?)
            .unwrap_or(8192)
                << 20,
            body_idle_timeout: seconds(number("SUPPLYWATCH_BODY_IDLE_SECONDS", 30)?),
            body_timeout: seconds(number("SUPPLYWATCH_BODY_SECONDS", 900)?),
            login_failures_per_address: i32::try_from(number(
                "SUPPLYWATCH_LOGIN_FAILURES_PER_ADDRESS",
                100,
            )?)
            .unwrap_or(i32::MAX),
            outbox_stale_claim_seconds: number(
                "SUPPLYWATCH_OUTBOX_STALE_CLAIM_SECONDS",
                crate::services::outbox::DEFAULT_STALE_CLAIM_SECONDS,
            )?,
            mfa_required_roles: mfa_roles(var("SUPPLYWATCH_MFA_REQUIRED_ROLES"))?,
            backup_dir: var("SUPPLYWATCH_BACKUP_DIR").map_or_else(
                || PathBuf::from(DEFAULT_DATA_DIR).join("backups"),
                PathBuf::from,
            ),
            backups_kept: usize::try_from(number("SUPPLYWATCH_BACKUPS_KEPT", 7)?).unwrap_or(7),
            dormant_days: number("SUPPLYWATCH_DORMANT_DAYS", 90)?,
        })
    }

    /// Settings for a server on `database_url` listening on a free loopback port.
    pub fn for_tests(database_url: String) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url,
            demo_password: None,
            session_hours: 8,
            token_days: 30,
            case_overdue_days: 14,
            secure_cookies: false,
            json_logs: false,
            mail: MailSettings::Memory(MemoryMailbox::default()),
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            base_url: "http://127.0.0.1".to_owned(),
            chart_font: None,
            table_limits: TableLimits::default(),
            uploads_per_user: 2,
            upload_disk_budget_bytes: 8192 << 20,
            body_idle_timeout: std::time::Duration::from_secs(30),
            body_timeout: std::time::Duration::from_secs(900),
            login_failures_per_address: 100,
            outbox_stale_claim_seconds: crate::services::outbox::DEFAULT_STALE_CLAIM_SECONDS,
            mfa_required_roles: Vec::new(),
            backup_dir: PathBuf::from(DEFAULT_DATA_DIR).join("backups"),
            backups_kept: 7,
            dormant_days: 90,
        }
    }
}

/// The roles of `SUPPLYWATCH_MFA_REQUIRED_ROLES` (unset: the ministry and administrators).
fn mfa_roles(text: Option<String>) -> Result<Vec<Role>, SettingsError> {
    let Some(text) = text else {
        return Ok(vec![Role::Ministry, Role::Admin]);
    };
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            Role::from_code(code).ok_or_else(|| SettingsError {
                name: "SUPPLYWATCH_MFA_REQUIRED_ROLES",
                value: text.clone(),
                reason: format!(
                    "「{code}」はロールではありません（manufacturer, wholesaler, ministry, association, admin または none）"
                ),
            })
        })
        .collect()
}

/// A positive number of seconds (checked by the caller) as a duration.
fn seconds(n: i64) -> std::time::Duration {
    std::time::Duration::from_secs(u64::try_from(n).unwrap_or(1))
}

/// The table limits from `SUPPLYWATCH_UPLOAD_*`, each defaulting to [`TableLimits::default`].
fn table_limits(
    number: &dyn Fn(&'static str, i64) -> Result<i64, SettingsError>,
) -> Result<TableLimits, SettingsError> {
    let defaults = TableLimits::default();
    let count = |name, default: u64| -> Result<u64, SettingsError> {
        let n = number(name, i64::try_from(default).unwrap_or(i64::MAX))?;
        Ok(u64::try_from(n).unwrap_or(default))
    };
    let size = |name, default: usize| -> Result<usize, SettingsError> {
        let n = count(name, default as u64)?;
        Ok(usize::try_from(n).unwrap_or(default))
    };
    Ok(TableLimits {
        max_rows: count("SUPPLYWATCH_UPLOAD_MAX_ROWS", defaults.max_rows)?,
        max_columns: size("SUPPLYWATCH_UPLOAD_MAX_COLUMNS", defaults.max_columns)?,
        max_cell_bytes: size("SUPPLYWATCH_UPLOAD_MAX_CELL_BYTES", defaults.max_cell_bytes)?,
        max_shared_strings: size(
            "SUPPLYWATCH_UPLOAD_MAX_SHARED_STRINGS",
            defaults.max_shared_strings,
        )?,
        max_inflated_bytes: count(
            "SUPPLYWATCH_UPLOAD_MAX_INFLATED_BYTES",
            defaults.max_inflated_bytes,
        )?,
        time_budget: std::time::Duration::from_secs(count(
            "SUPPLYWATCH_UPLOAD_PARSE_SECONDS",
            defaults.time_budget.as_secs(),
        )?),
    })
}

/// `sqlite://data/supplywatch.db?mode=rwc`, relative to the working directory.
pub fn default_database_url() -> String {
    let path: PathBuf = [DEFAULT_DATA_DIR, "supplywatch.db"].iter().collect();
    format!("sqlite://{}?mode=rwc", path.display())
}

/// `./data/mail/`, relative to the working directory.
pub fn default_mail_dir() -> PathBuf {
    [DEFAULT_DATA_DIR, "mail"].iter().collect()
}
