//! Telling a database that is unreachable or out of space (retry later: 503) from other
//! database errors (a bug or a broken rule: 500).

use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

/// SQLite's primary result codes that mean the storage, not the statement, failed.
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
const SQLITE_CANTOPEN: i64 = 14;

/// Whether `error` says the database is unavailable for now rather than the request is wrong.
pub fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => sqlx_unavailable(e),
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        _ => false,
    }
}

fn sqlx_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
            db.code().is_some_and(|code| storage_code(&code, sqlite))
        }
        _ => false,
    }
}

/// SQLite reports numeric (extended) codes, PostgreSQL SQLSTATEs.
fn storage_code(code: &str, sqlite: bool) -> bool {
    if sqlite {
        return code
            .parse::<i64>()
            .is_ok_and(|n| matches!(n & 0xff, SQLITE_IOERR | SQLITE_FULL | SQLITE_CANTOPEN));
    }
    // 08: connection exception; 53: insufficient resources (disk full, out of memory);
    // 57P01-57P03: the server is shutting down or starting.
    code.starts_with("08") || code.starts_with("53") || matches!(code, "57P01" | "57P02" | "57P03")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_are_unavailability_and_broken_rules_are_not() {
        assert!(storage_code("13", true));
        assert!(storage_code("778", true)); // SQLITE_IOERR_WRITE
        assert!(!storage_code("2067", true)); // SQLITE_CONSTRAINT_UNIQUE
        assert!(storage_code("53100", false));
        assert!(storage_code("08006", false));
        assert!(!storage_code("23505", false));
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout
        )));
        assert!(!is_unavailable(&DbErr::RecordNotFound("x".into())));
    }
}
