//! A PostgreSQL cluster a test owns: `initdb` into a temporary folder, served on a free port, so
//! that the test may stop and start it without disturbing the shared server. Stopped and removed
//! when dropped, even when the test fails.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, bail};
use tokio::process::Command;

/// Where Debian installs the server programs, one folder per major version.
const INSTALLS: &str = "/usr/lib/postgresql";
/// The account the programs run as when the test runs as root (they refuse root).
const OWNER: &str = "postgres";
/// How long `pg_ctl` waits for a start or a stop, in seconds.
const WAIT_SECONDS: &str = "30";

/// A running cluster of the test's own.
pub struct OwnCluster {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    port: u16,
    /// Whether the programs run through `runuser -u postgres` (the test runs as root).
    as_owner: bool,
    dir: tempfile::TempDir,
}

impl OwnCluster {
    /// Creates and starts a cluster. `None` when PostgreSQL's programs are not installed (outside
    /// CI); under `CI=true` their absence is an error.
    pub async fn start_new() -> anyhow::Result<Option<Self>> {
        let as_owner = std::fs::metadata("/proc/self")?.uid() == 0;
        let missing = match newest_bin() {
            None => Some(format!("no {INSTALLS}/*/bin/initdb")),
            Some(_) if as_owner && !Path::new("/usr/sbin/runuser").exists() => {
                Some("no /usr/sbin/runuser to run initdb as postgres".to_owned())
            }
            Some(_) => None,
        };
        if let Some(missing) = missing {
            if crate::in_ci() {
                bail!("CI=true but {missing}: install postgresql");
            }
            eprintln!("note: {missing}; skipping the test with a PostgreSQL cluster of its own");
            return Ok(None);
        }
        let bin = newest_bin().context("no PostgreSQL programs")?;
        let dir = tempfile::Builder::new()
            .prefix("supplywatch-pg-")
            .tempdir()
            .context("Failed to create the cluster's folder")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let cluster = Self {
            data: dir.path().join("data"),
            log: dir.path().join("postgres.log"),
            bin,
            port,
            as_owner,
            dir,
        };
        if as_owner {
            cluster
                .run(
                    "/usr/bin/chown",
                    &[OWNER, &cluster.dir.path().to_string_lossy()],
                )
                .await?;
        }
        let data = cluster.data.to_string_lossy().into_owned();
        let initdb = cluster.bin.join("initdb").to_string_lossy().into_owned();
        cluster
            .run_as_owner(
                &initdb,
                &[
                    "-D",
                    &data,
                    "--auth=trust",
                    "-U",
                    OWNER,
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
            )
            .await?;
        cluster.start().await?;
        Ok(Some(cluster))
    }

    /// The URL of the cluster's `postgres` database, as the superuser.
    pub fn url(&self) -> String {
        format!("postgres://{OWNER}@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server on the cluster's port and waits until it accepts connections.
    pub async fn start(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}",
            self.port,
            self.dir.path().display()
        );
        self.pg_ctl(&[
            "start",
            "-w",
            "-t",
            WAIT_SECONDS,
            "-l",
            &self.log.to_string_lossy(),
            "-o",
            &options,
        ])
        .await
        .with_context(|| format!("Failed to start PostgreSQL; its log:\n{}", self.log_text()))
    }

    /// Stops the server in fast mode (open sessions are ended) and waits until it is down.
    pub async fn stop_fast(&self) -> anyhow::Result<()> {
        self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", WAIT_SECONDS])
            .await
            .context("Failed to stop PostgreSQL")
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn pg_ctl(&self, args: &[&str]) -> anyhow::Result<()> {
        let pg_ctl = self.bin.join("pg_ctl").to_string_lossy().into_owned();
        let data = self.data.to_string_lossy().into_owned();
        let mut all = vec!["-D", &data];
        all.extend_from_slice(args);
        self.run_as_owner(&pg_ctl, &all).await
    }

    async fn run_as_owner(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        if self.as_owner {
            let mut all = vec!["-u", OWNER, "--", program];
            all.extend_from_slice(args);
            self.run("/usr/sbin/runuser", &all).await
        } else {
            self.run(program, args).await
        }
    }

    async fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        // The cluster's folder as the working folder: the owner may not enter the test's own.
        let output = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .await
            .with_context(|| format!("Failed to run {program}"))?;
        if !output.status.success() {
            bail!(
                "{program} {args:?} failed ({}): {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        // Immediate mode: the folder is removed next, nothing in it needs to be kept.
        let pg_ctl = self.bin.join("pg_ctl");
        let mut command = if self.as_owner {
            let mut c = std::process::Command::new("/usr/sbin/runuser");
            c.args(["-u", OWNER, "--"]).arg(pg_ctl);
            c
        } else {
            std::process::Command::new(pg_ctl)
        };
        let stopped = command
            .arg("-D")
            .arg(&self.data)
            .args(["stop", "-m", "immediate", "-w", "-t", WAIT_SECONDS])
            .current_dir(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // `pg_ctl stop` fails when the server is already down; the PID file tells them apart.
        if !stopped.is_ok_and(|s| s.success()) && self.data.join("postmaster.pid").exists() {
            eprintln!(
                "note: the test's PostgreSQL cluster in {} may still be running",
                self.data.display()
            );
        }
    }
}

/// The `bin` folder of the newest installed major version that has `initdb`.
fn newest_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(INSTALLS)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}
