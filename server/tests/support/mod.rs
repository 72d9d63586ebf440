//! The `supplywatch` binary as an operator runs it: `serve` in a folder of its own, with the
//! environment given, stopped by signals (`kill`), and read back through its HTTP API.

#![allow(
    dead_code,
    reason = "each test binary uses a part of the support module"
)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The demo accounts' password in these tests.
pub const DEMO_PASSWORD: &str = "Reliability-demo-pass-2026!";

/// Whether this is a CI run, where a missing facility is a failure rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A running `supplywatch serve`.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The process.
    pub child: Child,
    /// Its log file.
    pub log: PathBuf,
    client: reqwest::Client,
}

impl Server {
    /// Starts `supplywatch serve ARGS` in `dir` with `env`, and waits for `/livez`.
    pub async fn start(dir: &Path, args: &[&str], env: &[(&str, String)]) -> anyhow::Result<Self> {
        let log = dir.join(format!("server-{}.log", rand_suffix()));
        let log_file = std::fs::File::create(&log)?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_supplywatch"));
        command
            .arg("serve")
            .args(args)
            .current_dir(dir)
            .env_remove("SUPPLYWATCH_DATABASE_URL")
            .env_remove("SUPPLYWATCH_SMTP_URL")
            .env("SUPPLYWATCH_BIND", "127.0.0.1:0")
            .env("SUPPLYWATCH_DEMO_PASSWORD", DEMO_PASSWORD)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log_file)
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .spawn()
            .context("Failed to start supplywatch serve")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let Some(line) = tokio::time::timeout(Duration::from_secs(300), lines.next_line())
                .await
                .context("the server did not start within 300 s")??
            else {
                bail!(
                    "the server exited before serving: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            };
            if let Some(rest) = line.strip_prefix("SupplyWatch: ") {
                break rest.trim_end_matches('/').to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let server = Self {
            base,
            child,
            log,
            client: reqwest::Client::new(),
        };
        for _ in 0..600 {
            if server.get("/livez").await.is_ok_and(|(s, _)| s == 200) {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("no /livez answer")
    }

    /// The process id.
    pub fn pid(&self) -> anyhow::Result<u32> {
        self.child.id().context("the server has already exited")
    }

    /// Sends `signal` (`TERM`, `KILL`) with the `kill` command.
    pub async fn signal(&self, signal: &str) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid()?.to_string())
            .status()
            .await?;
        anyhow::ensure!(status.success(), "kill -{signal} failed");
        Ok(())
    }

    /// Waits up to `limit` for the process to exit; `None` if it is still running.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok)
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GET `path` without credentials: (status, body text).
    pub async fn get(&self, path: &str) -> anyhow::Result<(u16, String)> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .timeout(Duration::from_secs(30))
            .send()
            .await?;
        Ok((response.status().as_u16(), response.text().await?))
    }

    /// A bearer token of a demo account.
    pub async fn token(&self, email: &str) -> anyhow::Result<String> {
        let (status, body) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&serde_json::json!({"email": email, "password": DEMO_PASSWORD})),
            )
            .await?;
        anyhow::ensure!(status == 200, "login of {email}: {status} {body}");
        body["token"]
            .as_str()
            .map(str::to_owned)
            .context("no token")
    }

    /// A JSON request: (status, body or null).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .timeout(Duration::from_secs(60));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Codes of the drugs of the demo maker `token` belongs to.
    pub async fn own_drug_codes(&self, token: &str) -> anyhow::Result<Vec<String>> {
        let (_, me) = self
            .send(reqwest::Method::GET, "/api/v1/me", Some(token), None)
            .await?;
        let org = me["organization"]["id"]
            .as_i64()
            .context("no organisation")?;
        let (_, products) = self
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/products?maker_id={org}&per_page=100"),
                Some(token),
                None,
            )
            .await?;
        Ok(products["items"]
            .as_array()
            .context("no products")?
            .iter()
            .filter(|p| p["kind"] == "drug")
            .filter_map(|p| p["code"].as_str().map(str::to_owned))
            .collect())
    }
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()))
}

/// Debian's aiosmtpd on a free port, storing what it receives in a Maildir.
pub struct Smtp {
    /// The port.
    pub port: u16,
    /// The Maildir.
    pub maildir: PathBuf,
    child: Child,
}

impl Smtp {
    /// Starts it, or `None` (with a note) when aiosmtpd is missing outside CI.
    pub async fn start(dir: &Path) -> anyhow::Result<Option<Self>> {
        let python = "/usr/bin/python3";
        let found = Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .output()
            .await
            .is_ok_and(|o| o.status.success());
        if !found {
            if in_ci() {
                bail!("CI=true but {python} cannot import aiosmtpd (install python3-aiosmtpd)");
            }
            eprintln!("note: python3-aiosmtpd is not installed; skipping the SMTP test");
            return Ok(None);
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let maildir = dir.join("maildir");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Some(Self {
                    port,
                    maildir,
                    child,
                }));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("aiosmtpd did not listen on {port}")
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The `Message-ID` of every message received so far (one entry per message).
    pub fn message_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let id = text
                    .lines()
                    .take_while(|l| !l.is_empty())
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("message-id")
                            .then(|| value.trim().to_owned())
                    })
                    .unwrap_or_default();
                ids.push(id);
            }
        }
        ids
    }

    /// Stops it.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Filing clients that run until told to stop, counting answers.
#[derive(Clone, Default)]
pub struct Load {
    /// Receipt numbers answered 201, in order.
    pub acked: Arc<Mutex<Vec<String>>>,
    /// Answers other than 201 (and failed requests).
    pub refused: Arc<AtomicUsize>,
}

impl Load {
    /// How many reports were acknowledged so far.
    pub fn acked_count(&self) -> usize {
        self.acked.lock().map_or(0, |l| l.len())
    }

    /// How many requests were refused so far.
    pub fn refused_count(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }

    /// Every receipt acknowledged.
    pub fn acked(&self) -> Vec<String> {
        self.acked.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Runs `clients` filing loops for `codes` until `stopped` turns true.
    pub async fn run(
        &self,
        server: &Server,
        token: &str,
        codes: &[String],
        clients: usize,
        stopped: &tokio::sync::watch::Receiver<bool>,
    ) {
        let loops = (0..clients).map(|i| {
            let stopped = stopped.clone();
            async move {
                let mut n = i;
                while !*stopped.borrow() {
                    n += 1;
                    let body = serde_json::json!({"product_code": codes[n % codes.len()],
                        "shipping_status": "1", "volume_status": "A"});
                    let answer = server
                        .send(
                            reqwest::Method::POST,
                            "/api/v1/supply-status-reports",
                            Some(token),
                            Some(&body),
                        )
                        .await;
                    if let Ok((201, receipt)) = answer {
                        if let (Some(number), Ok(mut list)) =
                            (receipt["receipt_number"].as_str(), self.acked.lock())
                        {
                            list.push(number.to_owned());
                        }
                    } else {
                        self.refused.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        });
        futures_util::future::join_all(loops).await;
    }
}

/// Polls `done` every 50 ms, at most `polls` times.
pub async fn wait_for(
    what: &str,
    polls: usize,
    mut done: impl AsyncFnMut() -> bool,
) -> anyhow::Result<()> {
    for _ in 0..polls {
        if done().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("gave up waiting: {what}")
}

/// (acknowledged receipts not among `stored`, receipts acknowledged twice).
pub fn lost_and_twice(
    acked: &[String],
    stored: &std::collections::HashSet<String>,
) -> (usize, usize) {
    let lost = acked.iter().filter(|n| !stored.contains(*n)).count();
    let distinct: std::collections::HashSet<&String> = acked.iter().collect();
    (lost, acked.len() - distinct.len())
}
