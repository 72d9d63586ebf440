//! Typed configuration, read once from the environment (`SUPPLYWATCH_*`).

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::mail::{MailSettings, MemoryMailbox};

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
        }
    }
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
