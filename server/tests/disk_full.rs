//! SQLite on a small disk that fills up under 16 filing clients, as an operator's disk does:
//! while it is full the server answers 503 (and `/healthz` says so), when space returns it
//! recovers by itself, and every report answered 201 is stored under a receipt number given once.
//! Needs root to mount a tmpfs: skipped with a note elsewhere, a failure when `CI=true`.

mod support;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Statement};
use support::{Load, Server, lost_and_twice, wait_for};

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

    let load = Load::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scenario = async {
        wait_for("200 reports filed", 2400, async || {
            load.acked_count() >= 200
        })
        .await?;
        let filler = disk.fill()?;
        wait_for("refusals while the disk is full", 2400, async || {
            load.refused_count() >= 20
        })
        .await?;
        wait_for(
            "/healthz failing while the disk is full",
            2400,
            async || server.get("/healthz").await.is_ok_and(|(s, _)| s == 503),
        )
        .await?;
        std::fs::remove_file(&filler)?;
        let before = load.acked_count();
        wait_for("200 more reports after space returned", 2400, async || {
            load.acked_count() >= before + 200
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
        load.run(&server, &maker, &codes, 16, &stopped)
    );
    if let Err(e) = outcome {
        bail!("{e}; log:\n{}", server.log_text());
    }
    server.signal("TERM").await?;
    server
        .wait_exit(Duration::from_secs(30))
        .await
        .context("the server did not exit after SIGTERM")?;

    let acked = load.acked();
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
    let (lost, twice) = lost_and_twice(&acked, &stored);
    assert_eq!(
        lost,
        0,
        "{lost} of {} acknowledged reports are not stored",
        acked.len()
    );
    assert_eq!(twice, 0, "receipt numbers given twice");
    Ok(())
}
