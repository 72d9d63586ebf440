//! PostgreSQL: the manifest is counted in a read-only repeatable-read transaction whose
//! snapshot `pg_dump --snapshot` then dumps (custom format), so both see the same rows however
//! busy the server is; a restore runs `pg_restore` into an empty database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, IsolationLevel, Statement, TransactionTrait,
};

use super::Manifest;
use crate::services::{DbContext, ServiceError};

async fn run(program: &str, args: &[String]) -> Result<(), ServiceError> {
    let output = tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|e| ServiceError::Internal(format!("Failed to start {program}: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(ServiceError::Internal(format!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

/// Dumps the database into `work` in the snapshot the manifest is counted in.
pub async fn dump(
    db: &DatabaseConnection,
    url: &str,
    work: &Path,
    now: DateTime<Utc>,
) -> Result<(PathBuf, Manifest), ServiceError> {
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await
        .context("Failed to open the backup's snapshot")?;
    let snapshot: String = txn
        .query_one(Statement::from_string(
            txn.get_database_backend(),
            "SELECT pg_export_snapshot() AS id".to_owned(),
        ))
        .await
        .context("Failed to export the snapshot")?
        .map(|r| r.try_get("", "id"))
        .transpose()
        .context("Failed to read the snapshot id")?
        .ok_or_else(|| ServiceError::Internal("no snapshot id".into()))?;
    let manifest = Manifest::count(&txn, now).await?;
    let file = work.join("database.pgdump");
    run(
        "pg_dump",
        &[
            "--format=custom".to_owned(),
            "--no-owner".to_owned(),
            "--no-privileges".to_owned(),
            format!("--snapshot={snapshot}"),
            format!("--file={}", file.display()),
            format!("--dbname={url}"),
        ],
    )
    .await?;
    txn.commit().await.context("Failed to close the snapshot")?;
    Ok((file, manifest))
}

/// Restores the dump into the empty database at `url`.
pub async fn load(
    url: &str,
    dump: &Path,
    _manifest: &Manifest,
) -> Result<DatabaseConnection, ServiceError> {
    let db = crate::db::connect(url)
        .await
        .context("Failed to open the target database")?;
    let tables = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                .to_owned(),
        ))
        .await
        .context("Failed to look into the target database")?
        .len();
    if tables > 0 {
        return Err(ServiceError::Conflict(format!(
            "復元先のデータベースは空ではありません（{tables} テーブル）。空のデータベースを指定してください"
        )));
    }
    run(
        "pg_restore",
        &[
            "--no-owner".to_owned(),
            "--no-privileges".to_owned(),
            "--exit-on-error".to_owned(),
            format!("--dbname={url}"),
            dump.display().to_string(),
        ],
    )
    .await?;
    Ok(db)
}
