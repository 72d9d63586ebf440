//! Shared parts of the benchmark binaries: starting the release server, timing, percentiles.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::bail;

/// The release `supplywatch` binary of this workspace, if built.
pub fn release_binary() -> anyhow::Result<PathBuf> {
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/supplywatch");
    if !binary.exists() {
        bail!(
            "build the server first: cargo build --release -p supplywatch ({} missing)",
            binary.display()
        );
    }
    Ok(binary)
}

/// Starts `supplywatch serve` on a free port over `url`; returns it, its port and the time until
/// `/healthz` first answered 200. No role needs a second factor: the benchmarks' scripted
/// logins measure the work behind them, not an authenticator app.
pub async fn start(binary: &Path, dir: &Path, url: &str) -> anyhow::Result<(Child, u16, Duration)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let started = Instant::now();
    let child = Command::new(binary)
        .arg("serve")
        .current_dir(dir)
        .env("SUPPLYWATCH_BIND", format!("127.0.0.1:{port}"))
        .env("SUPPLYWATCH_DATABASE_URL", url)
        .env("SUPPLYWATCH_MFA_REQUIRED_ROLES", "none")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let client = reqwest::Client::new();
    let health = format!("http://127.0.0.1:{port}/healthz");
    while started.elapsed() < Duration::from_secs(30) {
        if client
            .get(&health)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok((child, port, started.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    bail!("the server did not answer /healthz within 30 s")
}

/// Stops a started server.
pub fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs one `supplywatch` subcommand over `url`; fails with its error output.
pub fn run(binary: &Path, dir: &Path, url: &str, args: &[&str]) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let output = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .env("SUPPLYWATCH_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()?;
    if !output.status.success() {
        bail!(
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(started.elapsed())
}

/// The `p`-th percentile (nearest rank) of `times`, which it sorts.
pub fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    let index = (times.len() * p).div_ceil(100).saturating_sub(1);
    times.get(index).copied().unwrap_or_default()
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
