//! Backups with restore checks: `backup` writes one file (a zip holding `manifest.json` and the
//! database — SQLite's `VACUUM INTO` copy, consistent while serving, or PostgreSQL's `pg_dump`
//! custom format taken in the snapshot the manifest was counted in); `restore` puts it into an
//! empty database and keeps its manifest; `verify` checks integrity, every table's row count
//! and the checksums of the reports against that manifest. The nightly job keeps the last N.

mod archive;
mod manifest;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, QueryOrder, Set};

pub use manifest::Manifest;

use crate::db::entity::backup_manifest;
use crate::services::{DbContext, ServiceError};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupOutcome {
    /// The file.
    pub path: PathBuf,
    /// What it holds.
    pub manifest: Manifest,
    /// Its size in bytes.
    pub bytes: u64,
}

/// One line of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was checked (a table, a checksum, the integrity check).
    pub what: String,
    /// Whether it matched.
    pub ok: bool,
    /// Expected and found, in Japanese.
    pub detail: String,
}

fn io_error(what: &str, e: &std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("{what}: {e}"))
}

/// Backs up the database at `url` (reached through `db`) into `out`. The file appears whole or
/// not at all (written beside it, then renamed).
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    url: &str,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<BackupOutcome, ServiceError> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| io_error("Failed to create the backup folder", &e))?;
    let work =
        tempfile::tempdir_in(dir).map_err(|e| io_error("Failed to make a work folder", &e))?;
    let (database_file, manifest) = match db.get_database_backend() {
        DbBackend::Sqlite => sqlite::dump(db, work.path(), now).await?,
        DbBackend::Postgres => postgres::dump(db, url, work.path(), now).await?,
        DbBackend::MySql => return Err(ServiceError::Internal("MySQL is not supported".into())),
    };
    let partial = work.path().join("backup.partial");
    archive::write(&partial, &manifest, &database_file).await?;
    tokio::fs::rename(&partial, out)
        .await
        .map_err(|e| io_error("Failed to put the backup in place", &e))?;
    let bytes = tokio::fs::metadata(out)
        .await
        .map_err(|e| io_error("Failed to read the backup's size", &e))?
        .len();
    Ok(BackupOutcome {
        path: out.to_owned(),
        manifest,
        bytes,
    })
}

/// Restores `from` into the empty database at `url`; returns the backup's manifest.
pub async fn restore(url: &str, from: &Path, now: DateTime<Utc>) -> Result<Manifest, ServiceError> {
    let work = tempfile::tempdir().map_err(|e| io_error("Failed to make a work folder", &e))?;
    let (manifest, database_file) = archive::read(from, work.path()).await?;
    let db = if url.starts_with("sqlite:") {
        sqlite::load(url, &database_file, &manifest).await?
    } else {
        postgres::load(url, &database_file, &manifest).await?
    };
    backup_manifest::ActiveModel {
        taken_at: Set(manifest.taken_at),
        restored_at: Set(now),
        manifest: Set(manifest.to_json()?),
        ..Default::default()
    }
    .insert(&db)
    .await
    .context("Failed to keep the backup's manifest")?;
    db.close().await.ok();
    Ok(manifest)
}

/// Checks the restored database against the manifest of its backup: integrity, each table's
/// row count, each report table's checksum. The findings, all of them (`ok` false on any
/// mismatch).
pub async fn verify(db: &impl ConnectionTrait) -> Result<Vec<Finding>, ServiceError> {
    let stored = backup_manifest::Entity::find()
        .order_by_desc(backup_manifest::Column::Id)
        .one(db)
        .await
        .context("Failed to read the backup manifest")?
        .ok_or_else(|| {
            ServiceError::NotFound(
                "このデータベースには復元したバックアップの記録（manifest）がありません。supplywatch restore で復元したデータベースを指定してください".into(),
            )
        })?;
    let expected = Manifest::from_json(&stored.manifest)?;
    let mut findings = vec![manifest::integrity(db).await?];
    let found = Manifest::count(db, expected.taken_at).await?;
    findings.extend(expected.compare(&found));
    Ok(findings)
}

/// The nightly job: a backup into `dir` named by the time, then all but the newest `keep`
/// backups there removed. Returns what was written and what was removed.
pub async fn nightly(
    db: &sea_orm::DatabaseConnection,
    url: &str,
    dir: &Path,
    keep: usize,
    now: DateTime<Utc>,
) -> Result<(BackupOutcome, Vec<PathBuf>), ServiceError> {
    let name = format!("supplywatch-{}.swbackup", now.format("%Y%m%d-%H%M%S"));
    let outcome = create(db, url, &dir.join(name), now).await?;
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io_error("Failed to list the backups", &e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("supplywatch-") && n.ends_with(".swbackup"))
        })
        .collect();
    backups.sort();
    let excess = backups.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for old in backups.into_iter().take(excess) {
        tokio::fs::remove_file(&old)
            .await
            .map_err(|e| io_error("Failed to remove an old backup", &e))?;
        removed.push(old);
    }
    Ok((outcome, removed))
}
