//! SQLite on a small disk that fills up under 16 filing clients, as an operator's disk does:
//! while it is full the server answers 503 (and `/healthz` says so), when space returns it
//! recovers by itself, and every report answered 201 is stored under a receipt number given once.
//! Needs root to mount a tmpfs: skipped with a note elsewhere, a failure when `CI=true`.

mod support;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Statement};
use support::Server;

/// A tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(path: &Path, size: &str) -> anyhow::Result<Option<Self>> {
        std::fs::create_dir_all(path)?;
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output();
        match mounted {
            Ok(out) if out.status.success() => Ok(Some(Self {
                path: path.to_owned(),
            })),
            other => {
                let why = match other {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                if support::in_ci() {
                    bail!("CI=true but a tmpfs cannot be mounted (run as root): {why}");
                }
                eprintln!("note: cannot mount a tmpfs here ({why}); skipping the disk-full test");
                Ok(None)
            }
        }
    }

    /// Writes zeros into `filler` until the disk refuses.
    fn fill(&self) -> anyhow::Result<PathBuf> {
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler)?;
        let block = vec![0_u8; 1 << 20];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
        Ok(filler)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

/// Polls `done` every 50 ms for at most `limit` polls.
async fn wait_for(
    what: &str,
    limit: usize,
    mut done: impl AsyncFnMut() -> bool,
) -> anyhow::Result<()> {
    for _ in 0..limit {
        if done().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("gave up waiting: {what}")
}

#[tokio::test]
async fn a_disk_that_fills_under_load_loses_no_acknowledged_report_and_the_server_recovers()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let Some(disk) = SmallDisk::mount(&dir.path().join("tfs"), "24m")? else {
        return Ok(());
    };
    let database = disk.path.join("sw.db");
    let url = format!("sqlite://{}?mode=rwc", database.display());
    let mut server = Server::start(
        dir.path(),
        &["--demo"],
        &[("SUPPLYWATCH_DATABASE_URL", url)],
    )
    .await?;
    let maker = server.token("maker@demo.example").await?;
    let codes = server.own_drug_codes(&maker).await?;

    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let refused = Arc::new(AtomicUsize::new(0));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let clients = (0..16).map(|i| {
        let (acked, refused, stopped) = (acked.clone(), refused.clone(), stopped.clone());
        let (server, maker, codes) = (&server, &maker, &codes);
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
                        Some(maker),
                        Some(&body),
                    )
                    .await;
                match answer {
                    Ok((201, receipt)) => {
                        if let (Some(number), Ok(mut list)) =
                            (receipt["receipt_number"].as_str(), acked.lock())
                        {
                            list.push(number.to_owned());
                        }
                    }
                    _ => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }
    });
    let count = || acked.lock().map_or(0, |l| l.len());
    let scenario = async {
        wait_for("200 reports filed", 2400, async || count() >= 200).await?;
        let filler = disk.fill()?;
        wait_for("refusals while the disk is full", 2400, async || {
            refused.load(Ordering::Relaxed) >= 20
        })
        .await?;
        wait_for(
            "/healthz failing while the disk is full",
            2400,
            async || server.get("/healthz").await.is_ok_and(|(s, _)| s == 503),
        )
        .await?;
        std::fs::remove_file(&filler)?;
        let before = count();
        wait_for("200 more reports after space returned", 2400, async || {
            count() >= before + 200
        })
        .await?;
        wait_for("/healthz ok again", 2400, async || {
            server.get("/healthz").await.is_ok_and(|(s, _)| s == 200)
        })
        .await?;
        anyhow::Ok(())
    };
    let (outcome, ()) = tokio::join!(
        async {
            let outcome = scenario.await;
            let _ = stop.send(true);
            outcome
        },
        async {
            futures_util::future::join_all(clients).await;
        }
    );
    if let Err(e) = outcome {
        bail!("{e}; log:\n{}", server.log_text());
    }
    server.signal("TERM").await?;
    server
        .wait_exit(Duration::from_secs(30))
        .await
        .context("the server did not exit after SIGTERM")?;

    let acked = acked.lock().map(|l| l.clone()).unwrap_or_default();
    let db = supplywatch::db::connect(&format!("sqlite://{}?mode=rw", database.display())).await?;
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT receipt_number FROM supply_status_reports",
        ))
        .await?;
    let stored: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    let lost = acked.iter().filter(|n| !stored.contains(*n)).count();
    let distinct: HashSet<&String> = acked.iter().collect();
    assert_eq!(
        lost,
        0,
        "{lost} of {} acknowledged reports are not stored",
        acked.len()
    );
    assert_eq!(
        distinct.len(),
        acked.len(),
        "a receipt number was given twice"
    );
    Ok(())
}
