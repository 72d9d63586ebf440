//! A real SMTP server for the mail tests: Debian's `python3-aiosmtpd` on a free loopback port,
//! storing what it receives in a Maildir that the tests read back (decoded by Python's `email`).
//! Outside CI a missing aiosmtpd skips the test with a note; with `CI=true` it is a failure.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::process::{Child, Command};

/// The interpreter that has Debian's aiosmtpd.
const PYTHON: &str = "/usr/bin/python3";

/// One received message, decoded.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The `To` header (decoded), e.g. `安定供給窓口 田中 <supply@maker4.demo.example>`.
    pub to: String,
    /// The decoded subject.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// `Message-ID`.
    pub message_id: String,
    /// The MIME type of the whole message.
    pub content_type: String,
    /// `List-Unsubscribe` (RFC 2369), empty when absent.
    pub list_unsubscribe: String,
    /// `List-Unsubscribe-Post` (RFC 8058), empty when absent.
    pub list_unsubscribe_post: String,
}

/// How the server stores what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// aiosmtpd's own Maildir handler: each message synced to disk, as a real relay would.
    Maildir,
    /// One file per message in the same layout, not synced (`tests/tools/smtp_store_unsynced.py`):
    /// for the throughput benchmark, whose sender would otherwise wait on the receiver's disk.
    Unsynced,
}

/// A running aiosmtpd with its Maildir.
pub struct SmtpServer {
    /// The port it listens on (kept across restarts).
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    store: Store,
}

/// Whether aiosmtpd is installed.
pub async fn available() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .output()
        .await
        .is_ok_and(|o| o.status.success())
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl SmtpServer {
    /// Starts a server, or `None` (with a note) when aiosmtpd is missing outside CI.
    pub async fn start() -> anyhow::Result<Option<Self>> {
        Self::start_storing(Store::Maildir).await
    }

    /// Starts a server storing as `store`, or `None` (with a note) when aiosmtpd is missing
    /// outside CI.
    pub async fn start_storing(store: Store) -> anyhow::Result<Option<Self>> {
        if !available().await {
            if crate::in_ci() {
                bail!("CI=true but {PYTHON} cannot import aiosmtpd (install python3-aiosmtpd)");
            }
            eprintln!("note: python3-aiosmtpd is not installed; skipping the SMTP test");
            return Ok(None);
        }
        let mut server = Self {
            port: free_port()?,
            dir: tempfile::tempdir().context("Failed to create the Maildir folder")?,
            child: None,
            store,
        };
        server.resume().await?;
        Ok(Some(server))
    }

    /// `smtp://127.0.0.1:PORT` (plain, local).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// Stops the server (messages already received stay).
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().await.context("Failed to stop aiosmtpd")?;
        }
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_err()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("aiosmtpd still answers on port {}", self.port)
    }

    /// Starts (again) on the same port and waits until it accepts connections.
    pub async fn resume(&mut self) -> anyhow::Result<()> {
        let handler = match self.store {
            Store::Maildir => "aiosmtpd.handlers.Mailbox",
            Store::Unsynced => "smtp_store_unsynced.UnsyncedStore",
        };
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools");
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", handler])
            .arg(self.maildir())
            .env("PYTHONPATH", tools)
            .kill_on_drop(true)
            .spawn()
            .context("Failed to start aiosmtpd")?;
        self.child = Some(child);
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("aiosmtpd did not listen on port {}", self.port)
    }

    /// Every message received so far, decoded, in the order they arrived.
    pub async fn messages(&self) -> anyhow::Result<Vec<ReceivedMail>> {
        read_maildir(&self.maildir().join("new")).await
    }
}

const DECODE: &str = r#"
import sys, os, json, email, re
from email import policy
d = sys.argv[1]
out = []
# Maildir names are time.MmicrosecondsPpidQcounter.host with the microseconds unpadded, so names
# do not sort in arrival order within a second: sort by the time and counter they hold.
def arrival(f):
    m = re.match(r"(\d+)\.M(\d+)P\d+Q(\d+)", f)
    if m:
        return (int(m.group(1)) + int(m.group(2)) / 1e6, int(m.group(3)), f)
    return (os.path.getmtime(os.path.join(d, f)), 0, f)
for f in sorted(os.listdir(d), key=arrival) if os.path.isdir(d) else []:
    with open(os.path.join(d, f), 'rb') as fh:
        m = email.message_from_binary_file(fh, policy=policy.default)
    plain = m.get_body(preferencelist=('plain',))
    html = m.get_body(preferencelist=('html',))
    out.append({"to": str(m['to'] or ''), "subject": str(m['subject'] or ''),
                "text": plain.get_content() if plain else '', "html": html.get_content() if html else '',
                "message_id": str(m['message-id'] or ''), "content_type": m.get_content_type(),
                "list_unsubscribe": str(m['list-unsubscribe'] or ''),
                "list_unsubscribe_post": str(m['list-unsubscribe-post'] or '')})
print(json.dumps(out, ensure_ascii=False))
"#;

/// Decodes every message file in `dir` (a Maildir's `new/`, or a folder of .eml files).
pub async fn read_maildir(dir: &Path) -> anyhow::Result<Vec<ReceivedMail>> {
    let output = Command::new(PYTHON)
        .args(["-c", DECODE])
        .arg(dir)
        .output()
        .await
        .context("Failed to run the mail decoder")?;
    anyhow::ensure!(
        output.status.success(),
        "mail decoder failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list: Vec<Value> = serde_json::from_slice(&output.stdout)?;
    Ok(list
        .into_iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
            ReceivedMail {
                to: s("to"),
                subject: s("subject"),
                text: s("text"),
                html: s("html"),
                message_id: s("message_id"),
                content_type: s("content_type"),
                list_unsubscribe: s("list_unsubscribe"),
                list_unsubscribe_post: s("list_unsubscribe_post"),
            }
        })
        .collect())
}

/// A job context whose mailer sends to `smtp_url`, over the database at `database_url`.
pub async fn job_context(
    database_url: &str,
    smtp_url: &str,
) -> anyhow::Result<supplywatch::jobs::JobContext> {
    let db = supplywatch::db::connect(database_url).await?;
    let mut settings = supplywatch::settings::Settings::for_tests(database_url.to_owned());
    settings.mail = supplywatch::mail::MailSettings::Smtp(smtp_url.to_owned().into());
    "https://supplywatch.test".clone_into(&mut settings.base_url);
    Ok(supplywatch::jobs::JobContext::new(db, settings)?)
}
