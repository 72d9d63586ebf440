//! The dashboard's cache: figures computed once per filter and kept until the data they rest on
//! change. The key carries the newest ids of every table they read (a few index look-ups). That
//! version is read at most every [`VERSION_TTL`] and again after any write through this server,
//! so an instance shows its own changes at once and another instance's within the TTL.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, Query};

use super::Dashboard;
use crate::services::products::slice::Filter;
use crate::services::{DbContext, ServiceError};

/// Filters kept at most; the cache starts afresh past this.
const CAPACITY: usize = 256;
/// How long a read data version is trusted when this server wrote nothing since. Under load
/// this turns one version query per request into about two a second.
pub const VERSION_TTL: Duration = Duration::from_millis(500);

/// What a cached dashboard was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Key {
    filter: Filter,
    day: NaiveDate,
    version: Vec<i64>,
}

impl Key {
    /// The key of `filter` now: the day (overdue counts change with it) and the data's version.
    pub(super) async fn new(
        db: &impl ConnectionTrait,
        cache: &DashboardCache,
        filter: &Filter,
        day: NaiveDate,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            filter: filter.clone(),
            day,
            version: cache.current_version(db).await?,
        })
    }

    /// The data version of the key.
    pub(super) fn version(&self) -> &[i64] {
        &self.version
    }
}

/// Newest ids of reports, products, imports, cases, case steps, and the trend's week count.
pub(crate) async fn version(db: &impl ConnectionTrait) -> Result<Vec<i64>, ServiceError> {
    const PROBES: [&str; 11] = [
        "(SELECT CAST(MAX(id) AS BIGINT) FROM supply_status_reports)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM products)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM price_list_imports)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM cases)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM case_transitions)",
        "(SELECT COUNT(*) FROM status_trend)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM allocation_plans)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM substitute_requests)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM substitute_responses)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM forecast_runs)",
        "(SELECT CAST(MAX(id) AS BIGINT) FROM early_warnings)",
    ];
    let mut statement = Query::select();
    for probe in PROBES {
        statement.expr(Expr::cust(probe));
    }
    let built = db.get_database_backend().build(&statement);
    let row = db
        .query_one(built)
        .await
        .context("Failed to read the dashboard's data version")?;
    Ok((0..PROBES.len())
        .map(|i| {
            row.as_ref()
                .and_then(|r| r.try_get_by_index::<Option<i64>>(i).ok().flatten())
                .unwrap_or(0)
        })
        .collect())
}

/// A drawn chart's key: the data version and the chart's name, format and filter.
type ChartKey = (Vec<i64>, String);

/// A data version as read at a moment, with the count of this server's writes at that moment.
#[derive(Debug, Clone)]
struct Stamp {
    read_at: Instant,
    writes: u64,
    version: Vec<i64>,
}

/// Computed dashboards and charts by key (shared by the server's workers).
#[derive(Debug, Default)]
pub struct DashboardCache {
    dashboards: Mutex<HashMap<Key, Arc<Dashboard>>>,
    charts: Mutex<HashMap<ChartKey, Arc<Vec<u8>>>>,
    /// Writing requests served so far (see [`DashboardCache::note_write`]).
    writes: AtomicU64,
    /// The last version read; one reader at a time refreshes it, the others wait for its answer.
    stamp: tokio::sync::Mutex<Option<Stamp>>,
}

impl DashboardCache {
    /// Marks that this server handled a request that may have changed data.
    pub fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    /// The data version: the last one read if younger than [`VERSION_TTL`] and no write came
    /// through this server since, else read again.
    pub(super) async fn current_version(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Vec<i64>, ServiceError> {
        let mut stamp = self.stamp.lock().await;
        let writes = self.writes.load(Ordering::SeqCst);
        if let Some(s) = stamp.as_ref()
            && s.writes == writes
            && s.read_at.elapsed() < VERSION_TTL
        {
            return Ok(s.version.clone());
        }
        let fresh = version(db).await?;
        *stamp = Some(Stamp {
            read_at: Instant::now(),
            writes,
            version: fresh.clone(),
        });
        Ok(fresh)
    }

    pub(super) fn get(&self, key: &Key) -> Option<Arc<Dashboard>> {
        self.dashboards.lock().ok()?.get(key).cloned()
    }

    pub(super) fn put(&self, key: Key, value: Arc<Dashboard>) {
        if let Ok(mut map) = self.dashboards.lock() {
            if map.len() >= CAPACITY {
                map.clear();
            }
            map.insert(key, value);
        }
    }

    /// Bytes made for this version and name before (a chart, a rendered panel, JSON), if any.
    pub fn artifact(&self, version: &[i64], name: &str) -> Option<Arc<Vec<u8>>> {
        self.charts
            .lock()
            .ok()?
            .get(&(version.to_vec(), name.to_owned()))
            .cloned()
    }

    /// Keeps bytes made for this version under `name`.
    pub fn put_artifact(&self, version: Vec<i64>, name: String, bytes: Arc<Vec<u8>>) {
        if let Ok(mut map) = self.charts.lock() {
            if map.len() >= CAPACITY {
                map.clear();
            }
            map.insert((version, name), bytes);
        }
    }
}
