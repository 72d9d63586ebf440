//! Database access: connecting to SQLite or PostgreSQL, migrations, entities and queries.

pub mod codes;
pub mod entity;
pub mod migration;
pub mod packed;
pub mod pool;
pub mod stored_text;
pub mod unavailable;

use std::path::Path;

use sea_orm::{DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// Opens the database at `url`. For SQLite, creates the file's folder, and turns on WAL with
/// `synchronous=FULL` so that a committed report survives a power cut. See [`pool`] for how
/// connections are handed out and taken back.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                DbErr::Custom(format!(
                    "Failed to create the folder {}: {e}",
                    parent.display()
                ))
            })?;
        }
    }
    if sqlite_path(url).is_some() || url.starts_with("sqlite:") {
        pool::sqlite(url).await
    } else {
        pool::postgres(url).await
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// The file path of a `sqlite:` URL, if it is one.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, DbBackend};

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/sw.db?mode=rwc"),
            Some("data/sw.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://root@localhost/test"), None);
    }

    #[tokio::test]
    async fn a_new_sqlite_file_is_created_in_wal_mode_and_migrated() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}/nested/sw.db?mode=rwc", dir.path().display());
        let db = connect(&url).await?;
        migrate(&db).await?;
        let row = db
            .query_one(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA journal_mode;",
            ))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no journal_mode row"))?;
        let mode: String = row.try_get_by_index(0)?;
        assert_eq!(mode, "wal");
        assert!(dir.path().join("nested/sw.db").exists());
        Ok(())
    }
}
