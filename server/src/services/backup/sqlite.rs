//! SQLite: `VACUUM INTO` copies a consistent snapshot while the server keeps writing; a
//! restore puts the copy where the (absent or empty) database file is to be.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{Manifest, io_error};
use crate::services::{DbContext, ServiceError};

/// Copies the database into `work`; the manifest is counted on the copy.
pub async fn dump(
    db: &DatabaseConnection,
    work: &Path,
    now: DateTime<Utc>,
) -> Result<(PathBuf, Manifest), ServiceError> {
    let copy = work.join("database.sqlite");
    let target = copy.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'"))
        .await
        .context("Failed to copy the SQLite database (VACUUM INTO)")?;
    let snapshot = crate::db::connect(&format!("sqlite://{}?mode=rw", copy.display()))
        .await
        .context("Failed to open the copy")?;
    let manifest = Manifest::count(&snapshot, now).await?;
    snapshot.close().await.ok();
    Ok((copy, manifest))
}

/// The file of a `sqlite://PATH?…` URL.
fn file_of(url: &str) -> PathBuf {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

/// Puts the copy at the URL's file, which must be absent or an empty database.
pub async fn load(
    url: &str,
    copy: &Path,
    _manifest: &Manifest,
) -> Result<DatabaseConnection, ServiceError> {
    let file = file_of(url);
    if let Ok(meta) = tokio::fs::metadata(&file).await {
        if meta.len() > 0 {
            let existing = crate::db::connect(url)
                .await
                .context("Failed to open the target database")?;
            let tables = existing
                .query_all(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Sqlite,
                    "SELECT name FROM sqlite_master WHERE type = 'table'".to_owned(),
                ))
                .await
                .context("Failed to look into the target database")?
                .len();
            existing.close().await.ok();
            if tables > 0 {
                return Err(ServiceError::Conflict(format!(
                    "復元先 {} は空ではありません（{tables} テーブル）。空のデータベースを指定してください",
                    file.display()
                )));
            }
        }
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| io_error("Failed to create the database folder", &e))?;
    }
    let staged = file.with_extension("restoring");
    tokio::fs::copy(copy, &staged)
        .await
        .map_err(|e| io_error("Failed to copy the backup into place", &e))?;
    for suffix in ["-wal", "-shm"] {
        let _ = tokio::fs::remove_file(format!("{}{suffix}", file.display())).await;
    }
    tokio::fs::rename(&staged, &file)
        .await
        .map_err(|e| io_error("Failed to put the restored database in place", &e))?;
    crate::db::connect(url)
        .await
        .context("Failed to open the restored database")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_url_drops_scheme_and_options() {
        assert_eq!(
            file_of("sqlite:///tmp/x/restored.db?mode=rwc"),
            PathBuf::from("/tmp/x/restored.db")
        );
        assert_eq!(file_of("sqlite://data/sw.db"), PathBuf::from("data/sw.db"));
    }
}
