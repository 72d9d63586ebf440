//! A backup's manifest: when it was taken, every table's row count and a SHA-256 of each report
//! table (ids and receipt numbers in id order), counted on the connection that sees exactly
//! what the backup holds.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Finding;
use crate::services::{DbContext, ServiceError};

/// Tables whose rows are filed reports: their checksums prove that none was lost or altered.
pub const REPORT_TABLES: &[&str] = &["supply_status_reports", "case_reports"];
/// Tables left out of the counts: the migrations' own, and the manifests (a restore adds one).
const UNCOUNTED: &[&str] = &["seaql_migrations", "backup_manifests"];

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format of this manifest.
    pub format: u32,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// When the backup was taken.
    pub taken_at: DateTime<Utc>,
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// SHA-256 (hex) of each report table.
    pub report_checksums: BTreeMap<String, String>,
}

fn statement(db: &impl ConnectionTrait, sql: &str) -> Statement {
    Statement::from_string(db.get_database_backend(), sql.to_owned())
}

async fn table_names(db: &impl ConnectionTrait) -> Result<Vec<String>, ServiceError> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        }
    };
    let rows = db
        .query_all(statement(db, sql))
        .await
        .context("Failed to list the tables")?;
    rows.iter()
        .map(|r| {
            r.try_get::<String>("", "name")
                .context("Failed to read a table name")
        })
        .filter(|n| !matches!(n, Ok(name) if UNCOUNTED.contains(&name.as_str())))
        .collect()
}

async fn checksum(db: &impl ConnectionTrait, table: &str) -> Result<String, ServiceError> {
    let rows = db
        .query_all(statement(
            db,
            &format!("SELECT id, receipt_number FROM {table} ORDER BY id"),
        ))
        .await
        .context("Failed to read the reports for their checksum")?;
    let mut hasher = Sha256::new();
    for row in rows {
        let id: i32 = row
            .try_get("", "id")
            .context("Failed to read a report id")?;
        let receipt: String = row
            .try_get("", "receipt_number")
            .context("Failed to read a receipt number")?;
        hasher.update(format!("{id}|{receipt}\n").as_bytes());
    }
    Ok(hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        }))
}

impl Manifest {
    /// Counts what `db` holds now (inside the caller's snapshot, when it has one).
    pub async fn count(
        db: &impl ConnectionTrait,
        taken_at: DateTime<Utc>,
    ) -> Result<Self, ServiceError> {
        let mut tables = BTreeMap::new();
        for name in table_names(db).await? {
            let row = db
                .query_one(statement(
                    db,
                    &format!("SELECT COUNT(*) AS n FROM \"{name}\""),
                ))
                .await
                .context("Failed to count a table")?;
            let n: i64 = row
                .map(|r| r.try_get("", "n"))
                .transpose()
                .context("Failed to read a count")?
                .unwrap_or(0);
            tables.insert(name, u64::try_from(n).unwrap_or(0));
        }
        let mut report_checksums = BTreeMap::new();
        for table in REPORT_TABLES {
            if tables.contains_key(*table) {
                report_checksums.insert((*table).to_owned(), checksum(db, table).await?);
            }
        }
        Ok(Self {
            format: 1,
            backend: match db.get_database_backend() {
                DbBackend::Postgres => "postgres",
                _ => "sqlite",
            }
            .to_owned(),
            taken_at,
            tables,
            report_checksums,
        })
    }

    /// As stored in the backup and the restored database.
    pub fn to_json(&self) -> Result<String, ServiceError> {
        serde_json::to_string_pretty(self)
            .map_err(|e| ServiceError::Internal(format!("Failed to write the manifest: {e}")))
    }

    /// Reads a stored manifest.
    pub fn from_json(text: &str) -> Result<Self, ServiceError> {
        serde_json::from_str(text).map_err(|e| {
            ServiceError::Internal(format!("The backup's manifest does not read: {e}"))
        })
    }

    /// Each table and checksum of `self` (expected) against `found`.
    pub fn compare(&self, found: &Self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .tables
            .iter()
            .map(|(table, expected)| {
                let actual = found.tables.get(table);
                Finding {
                    what: format!("{table} の行数"),
                    ok: actual == Some(expected),
                    detail: format!(
                        "バックアップ {expected} 行、復元先 {}",
                        actual.map_or_else(|| "テーブルなし".to_owned(), |n| format!("{n} 行"))
                    ),
                }
            })
            .collect();
        findings.extend(self.report_checksums.iter().map(|(table, expected)| {
            let actual = found.report_checksums.get(table);
            Finding {
                what: format!("{table} のチェックサム"),
                ok: actual == Some(expected),
                detail: format!(
                    "バックアップ {}…、復元先 {}",
                    &expected[..12.min(expected.len())],
                    actual.map_or_else(
                        || "なし".to_owned(),
                        |a| format!("{}…", &a[..12.min(a.len())])
                    )
                ),
            }
        }));
        findings
    }
}

/// The database's own integrity check (SQLite: `PRAGMA integrity_check` and
/// `foreign_key_check`; PostgreSQL: every table read through by the counts, and the catalog
/// answering).
pub async fn integrity(db: &impl ConnectionTrait) -> Result<Finding, ServiceError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let row = db
            .query_one(statement(
                db,
                "SELECT COUNT(*) AS n FROM pg_catalog.pg_class",
            ))
            .await
            .context("Failed to read the catalog")?;
        return Ok(Finding {
            what: "整合性チェック".to_owned(),
            ok: row.is_some(),
            detail: "PostgreSQL のカタログと全テーブルを読めました".to_owned(),
        });
    }
    let rows = db
        .query_all(statement(db, "PRAGMA integrity_check"))
        .await
        .context("Failed to run the integrity check")?;
    let answers: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    let broken_keys = db
        .query_all(statement(db, "PRAGMA foreign_key_check"))
        .await
        .context("Failed to check the foreign keys")?
        .len();
    let ok = answers == ["ok"] && broken_keys == 0;
    Ok(Finding {
        what: "整合性チェック".to_owned(),
        ok,
        detail: if ok {
            "PRAGMA integrity_check: ok、外部キーの不整合なし".to_owned()
        } else {
            format!(
                "PRAGMA integrity_check: {}、外部キーの不整合 {broken_keys} 件",
                answers.join(" / ")
            )
        },
    })
}
