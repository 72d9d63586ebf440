//! The limits every uploaded or imported table is read under, and the refusal that names the
//! one a file broke: a spreadsheet of a few kilobytes may claim a billion cells, so each limit is
//! checked while reading, before anything the size of the claim is allocated.

use std::time::{Duration, Instant};

use crate::services::{FieldProblem, ServiceError};

/// How much a table file may hold (settings `SUPPLYWATCH_UPLOAD_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLimits {
    /// Data rows (a wholesaler's national month of purchases is ≈4 million rows).
    pub max_rows: u64,
    /// Columns of a row, counted up to the last cell that is written.
    pub max_columns: usize,
    /// Bytes of one cell's text (UTF-8).
    pub max_cell_bytes: usize,
    /// Entries of an XLSX file's shared-string table.
    pub max_shared_strings: usize,
    /// Bytes an XLSX file may inflate to, all parts read together.
    pub max_inflated_bytes: u64,
    /// Time the reading of one file may take.
    pub time_budget: Duration,
}

impl Default for TableLimits {
    fn default() -> Self {
        Self {
            max_rows: 5_000_000,
            max_columns: 200,
            max_cell_bytes: 32 * 1024,
            max_shared_strings: 2_000_000,
            max_inflated_bytes: 200 * 1024 * 1024,
            time_budget: Duration::from_secs(120),
        }
    }
}

/// Which limit a file broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// More data rows than [`TableLimits::max_rows`].
    Rows,
    /// A row wider than [`TableLimits::max_columns`].
    Columns,
    /// A cell longer than [`TableLimits::max_cell_bytes`].
    CellBytes,
    /// More shared strings than [`TableLimits::max_shared_strings`].
    SharedStrings,
    /// More inflated bytes than [`TableLimits::max_inflated_bytes`].
    InflatedBytes,
    /// Reading took longer than [`TableLimits::time_budget`].
    Time,
}

impl Limit {
    /// The stable code of the refusal: the limit's name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rows => "max_rows",
            Self::Columns => "max_columns",
            Self::CellBytes => "max_cell_bytes",
            Self::SharedStrings => "max_shared_strings",
            Self::InflatedBytes => "max_inflated_bytes",
            Self::Time => "time_budget",
        }
    }

    /// The setting that raises it.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Rows => "SUPPLYWATCH_UPLOAD_MAX_ROWS",
            Self::Columns => "SUPPLYWATCH_UPLOAD_MAX_COLUMNS",
            Self::CellBytes => "SUPPLYWATCH_UPLOAD_MAX_CELL_BYTES",
            Self::SharedStrings => "SUPPLYWATCH_UPLOAD_MAX_SHARED_STRINGS",
            Self::InflatedBytes => "SUPPLYWATCH_UPLOAD_MAX_INFLATED_BYTES",
            Self::Time => "SUPPLYWATCH_UPLOAD_PARSE_SECONDS",
        }
    }

    /// The limit's value under `limits`, as the message shows it.
    fn shown(self, limits: &TableLimits) -> String {
        match self {
            Self::Rows => format!("{}行", limits.max_rows),
            Self::Columns => format!("{}列", limits.max_columns),
            Self::CellBytes => format!("1セル {} バイト", limits.max_cell_bytes),
            Self::SharedStrings => format!("共有文字列 {} 件", limits.max_shared_strings),
            Self::InflatedBytes => format!("展開後 {} MB", limits.max_inflated_bytes >> 20),
            Self::Time => format!("{}秒", limits.time_budget.as_secs()),
        }
    }
}

/// The refusal of a file that broke `limit` (413 at the edge), at `row` when known; `what`
/// says what was found (e.g. the sheet's declared range).
pub fn breach(limits: &TableLimits, limit: Limit, row: Option<usize>, what: &str) -> ServiceError {
    let found = if what.is_empty() {
        String::new()
    } else {
        format!("（{what}）")
    };
    let message = format!(
        "ファイルが上限を超えています: {}{found}。上限は {} です（設定 {}）。ファイルを分けてアップロードしてください",
        match limit {
            Limit::Rows => "行数",
            Limit::Columns => "列数",
            Limit::CellBytes => "セルの長さ",
            Limit::SharedStrings => "共有文字列の数",
            Limit::InflatedBytes => "展開後の大きさ",
            Limit::Time => "読み取りにかかる時間",
        },
        limit.shown(limits),
        limit.setting(),
    );
    let problem = FieldProblem::new("file", limit.code(), message);
    ServiceError::TooLarge(vec![match row {
        Some(row) => problem.at_row(row),
        None => problem,
    }])
}

/// The reading's clock and row count, checked as rows and cells go by.
#[derive(Debug)]
pub struct Budget<'a> {
    limits: &'a TableLimits,
    deadline: Instant,
    rows: u64,
    ticks: u32,
    /// Date cells read as `YYYY-MM-DD` when their format shows a day (else always `YYYY-MM`).
    pub(super) days: bool,
}

impl<'a> Budget<'a> {
    /// Starts the clock.
    pub fn start(limits: &'a TableLimits) -> Self {
        Self {
            limits,
            deadline: Instant::now() + limits.time_budget,
            rows: 0,
            ticks: 0,
            days: false,
        }
    }

    /// The limits read under.
    pub fn limits(&self) -> &'a TableLimits {
        self.limits
    }

    /// One more unit of work (a cell, a chunk); looks at the clock every 4,096.
    pub fn tick(&mut self, row: Option<usize>) -> Result<(), ServiceError> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks % 4096 == 0 && Instant::now() > self.deadline {
            return Err(breach(self.limits, Limit::Time, row, ""));
        }
        Ok(())
    }

    /// One more row with cells.
    pub fn row(&mut self, row: usize) -> Result<(), ServiceError> {
        self.rows += 1;
        if self.rows > self.limits.max_rows {
            return Err(breach(self.limits, Limit::Rows, Some(row), ""));
        }
        self.tick(Some(row))
    }
}
