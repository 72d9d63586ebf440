//! The dashboard's cache: figures computed once per filter and kept until the data they rest on
//! change. The key carries the newest ids of every table they read (a few index look-ups), so
//! each server instance sharing one database sees a change at its next request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, Query};

use super::Dashboard;
use super::slice::Filter;
use crate::services::{DbContext, ServiceError};

/// Filters kept at most; the cache starts afresh past this.
const CAPACITY: usize = 256;

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
        filter: &Filter,
        day: NaiveDate,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            filter: filter.clone(),
            day,
            version: version(db).await?,
        })
    }

    /// The data version of the key.
    pub(super) fn version(&self) -> &[i64] {
        &self.version
    }
}

/// Newest ids of reports, products, imports, cases, case steps, and the trend's week count.
pub(crate) async fn version(db: &impl ConnectionTrait) -> Result<Vec<i64>, ServiceError> {
    const PROBES: [&str; 10] = [
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

/// Computed dashboards and charts by key (shared by the server's workers).
#[derive(Debug, Default)]
pub struct DashboardCache {
    dashboards: Mutex<HashMap<Key, Arc<Dashboard>>>,
    charts: Mutex<HashMap<ChartKey, Arc<Vec<u8>>>>,
}

impl DashboardCache {
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
