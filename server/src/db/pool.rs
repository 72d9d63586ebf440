//! The connection pools: a short acquire timeout, and a connection whose transaction did not end
//! cleanly (a failed COMMIT, a ROLLBACK the database refused) is closed instead of pooled again.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::pool::PoolConnectionMetadata;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::sqlx::{self, Connection, Database as SqlxDatabase};
use sea_orm::{DatabaseConnection, DbErr, SqlxPostgresConnector, SqlxSqliteConnector};

/// How long a request waits for a pooled connection before it is told the database is
/// unavailable (503): a database that cannot serve within this is not going to serve soon.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Connections of an SQLite pool (one writer at a time anyway; a few readers beside it).
pub const SQLITE_CONNECTIONS: u32 = 4;

/// Connections of a PostgreSQL pool.
pub const POSTGRES_CONNECTIONS: u32 = 16;

/// How long SQLite waits for another connection's write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An SQLite pool over `url` (WAL, `synchronous=FULL`, foreign keys on).
pub async fn sqlite(url: &str) -> Result<DatabaseConnection, DbErr> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbErr::Custom(format!("Failed to read the SQLite URL: {e}")))?
        // Every pooled connection: WAL for concurrent readers, FULL sync for durable commits.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    let options = sqlx::ConnectOptions::disable_statement_logging(options);
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_CONNECTIONS)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_release(|conn, meta| Box::pin(clean_after_release::<sqlx::Sqlite>(conn, meta)))
        .connect_with(options)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// A PostgreSQL pool over `url`.
pub async fn postgres(url: &str) -> Result<DatabaseConnection, DbErr> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| DbErr::Custom(format!("Failed to read the PostgreSQL URL: {e}")))?;
    let options = sqlx::ConnectOptions::disable_statement_logging(options);
    let pool = PgPoolOptions::new()
        .max_connections(POSTGRES_CONNECTIONS)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_release(|conn, meta| Box::pin(clean_after_release::<sqlx::Postgres>(conn, meta)))
        .connect_with(options)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// Keeps a released connection only if no transaction is left open on it. The round trip first
/// lets a rollback queued by a dropped transaction run; if the connection still counts itself
/// inside a transaction, that rollback (or the commit before it) failed — SQLite rolls back by
/// itself on a full disk, and the next `BEGIN` would become a savepoint of a transaction that
/// never commits. Such a connection is closed; the pool opens a fresh one.
async fn clean_after_release<DB: SqlxDatabase>(
    conn: &mut DB::Connection,
    _meta: PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!(
            "closing a database connection left inside a transaction (failed commit or rollback)"
        );
        return Ok(false);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, TransactionTrait};

    /// Opens `path` as its own, separate connection: what another process would see.
    async fn rows_seen_from_outside(path: &std::path::Path) -> anyhow::Result<i64> {
        let url = format!("sqlite://{}", path.display());
        let mut other = sqlx::SqliteConnection::connect(&url).await?;
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM t")
            .fetch_one(&mut other)
            .await?;
        Ok(n)
    }

    #[tokio::test]
    async fn a_connection_whose_transaction_the_database_ended_is_not_reused() -> anyhow::Result<()>
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.db");
        let db = sqlite(&format!("sqlite://{}?mode=rwc", path.display())).await?;
        db.execute_unprepared("CREATE TABLE t (n INTEGER NOT NULL)")
            .await?;
        // What a full disk does: SQLite ends the transaction by itself, the COMMIT then fails
        // and so does the ROLLBACK of the dropped transaction.
        let txn = db.begin().await?;
        txn.execute_unprepared("INSERT INTO t VALUES (1)").await?;
        txn.execute_unprepared("ROLLBACK").await?;
        assert!(txn.commit().await.is_err());
        // A request that fails and rolls back, then one that commits, on the same small pool.
        for _ in 0..4 {
            let failing = db.begin().await?;
            failing
                .execute_unprepared("INSERT INTO t VALUES (2)")
                .await?;
            failing.rollback().await?;
        }
        for n in 0..8 {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("INSERT INTO t VALUES ({n})"))
                .await?;
            txn.commit().await?;
        }
        assert_eq!(rows_seen_from_outside(&path).await?, 8);
        Ok(())
    }
}
