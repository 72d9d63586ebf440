//! The databases each test runs against: SQLite always, PostgreSQL when
//! `SUPPLYWATCH_TEST_POSTGRES_URL` is set (required when `CI=true`).

use anyhow::{Context, bail};
use rand::Rng;
use sea_orm::{ConnectionTrait, Database};

/// A database engine to test against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database on the PostgreSQL server at this URL.
    Postgres(String),
}

impl Backend {
    /// Short name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Every backend of this run. Fails when `CI=true` and PostgreSQL is not configured.
pub fn backends() -> anyhow::Result<Vec<Backend>> {
    let mut list = vec![Backend::Sqlite];
    match std::env::var("SUPPLYWATCH_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => list.push(Backend::Postgres(url)),
        _ if crate::in_ci() => {
            bail!(
                "CI=true but SUPPLYWATCH_TEST_POSTGRES_URL is not set: the suite must run on PostgreSQL too"
            )
        }
        _ => eprintln!("note: SUPPLYWATCH_TEST_POSTGRES_URL is not set; testing on SQLite only"),
    }
    Ok(list)
}

/// A database created for one test, dropped when the test ends.
#[derive(Debug)]
pub struct FreshDatabase {
    /// URL the server connects to.
    pub url: String,
    /// What to drop afterwards: (server URL, database name) for PostgreSQL.
    postgres: Option<(String, String)>,
    /// Keeps the SQLite folder alive.
    _dir: Option<tempfile::TempDir>,
}

impl FreshDatabase {
    /// Creates an empty database on `backend`.
    pub async fn create(backend: &Backend) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().context("Failed to create a temporary folder")?;
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("supplywatch.db").display()
                );
                Ok(Self {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres(server) => {
                let name = format!(
                    "sw_test_{}_{:08x}",
                    std::process::id(),
                    rand::thread_rng().r#gen::<u32>()
                );
                let admin = Database::connect(server.as_str())
                    .await
                    .with_context(|| format!("Failed to reach PostgreSQL at {server}"))?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .context("Failed to create a test database")?;
                admin.close().await.ok();
                Ok(Self {
                    url: replace_database(server, &name),
                    postgres: Some((server.clone(), name)),
                    _dir: None,
                })
            }
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime; a separate thread with its own runtime may block.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Database::connect(server.as_str()).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("note: a PostgreSQL test database could not be dropped");
        }
    }
}

/// The same server URL with another database name.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut result = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_of_a_postgres_url_is_replaced() {
        assert_eq!(
            replace_database("postgres://root@127.0.0.1:5432/test", "x"),
            "postgres://root@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://root@h/test?sslmode=disable", "x"),
            "postgres://root@h/x?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgres://root@h", "x"),
            "postgres://root@h/x"
        );
    }
}
