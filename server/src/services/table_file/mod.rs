//! The one reader of uploaded and imported tables — CSV (UTF-8 with or without BOM, or
//! Shift_JIS) or XLSX — used by every upload and import. Rows stream from the file one at a
//! time under [`TableLimits`]: rows, columns, cell size, shared strings, inflated size and time
//! are checked while reading, before anything their size is allocated, and a breach is a
//! [`ServiceError::TooLarge`] naming the limit. Reading is blocking work: callers run it on the
//! blocking pool, never on a request thread.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

mod limits;
mod text;
mod xlsx;

pub use limits::{Limit, TableLimits};

use limits::Budget;

use crate::services::{FieldProblem, ServiceError};

/// The cells of one row.
pub trait Cells {
    /// The trimmed text of cell `index` (blank past the row's end).
    fn cell(&self, index: usize) -> &str;
    /// How many cells the row has (up to its last written one).
    fn width(&self) -> usize;
    /// Whether every cell is blank.
    fn is_blank(&self) -> bool {
        (0..self.width()).all(|i| self.cell(i).is_empty())
    }
}

/// One row as read: its cells' text back to back, and where each cell ends.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl Cells for Row<'_> {
    fn cell(&self, index: usize) -> &str {
        let Some(&end) = self.ends.get(index) else {
            return "";
        };
        let start = index
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .copied()
            .unwrap_or(0);
        self.text.get(start..end).map_or("", str::trim)
    }

    fn width(&self) -> usize {
        self.ends.len()
    }
}

impl Cells for Vec<String> {
    fn cell(&self, index: usize) -> &str {
        self.get(index).map_or("", |c| c.trim())
    }
    fn width(&self) -> usize {
        self.len()
    }
}

impl Row<'_> {
    /// Every cell's trimmed text.
    pub fn to_strings(&self) -> Vec<String> {
        (0..self.width()).map(|i| self.cell(i).to_owned()).collect()
    }
}

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV in UTF-8 (a BOM is skipped).
    CsvUtf8,
    /// CSV in Shift_JIS (CP932), as older Excel saves it.
    CsvShiftJis,
    /// An Excel workbook: its first sheet.
    Xlsx,
}

/// How many first bytes [`sniff_head`] looks at.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Tells the format from the first bytes: a ZIP header is XLSX; text that is not UTF-8 is
/// Shift_JIS; anything else binary (an image, an old `.xls`, UTF-16) is refused.
pub fn sniff_head(head: &[u8]) -> Result<Format, ServiceError> {
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(invalid(
            "format",
            "古い Excel 形式（.xls）は読めません。Excel ブック（.xlsx）か CSV で保存してください",
            None,
        ));
    }
    if head.contains(&0) {
        return Err(invalid(
            "format",
            "CSV（UTF-8 か Shift_JIS）か Excel ブック（.xlsx）ではありません",
            None,
        ));
    }
    match std::str::from_utf8(head) {
        Ok(_) => Ok(Format::CsvUtf8),
        // Cut in the middle of a character at the end of the head: still UTF-8.
        Err(e) if e.error_len().is_none() => Ok(Format::CsvUtf8),
        Err(_) => Ok(Format::CsvShiftJis),
    }
}

/// [`sniff_head`] on a file's first bytes.
pub fn sniff(path: &Path) -> Result<Format, ServiceError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(&e))?;
    sniff_head(&head)
}

/// Reads every row of `source` in `format` under `limits`, calling `on_row` with the row's
/// number (as a spreadsheet or an editor numbers it) until it returns `false`.
pub fn read_rows<R: Read + Seek>(
    source: R,
    format: Format,
    limits: &TableLimits,
    mut on_row: impl FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<(), ServiceError> {
    let mut budget = Budget::start(limits);
    match format {
        Format::Xlsx => xlsx::read(source, &mut budget, &mut on_row),
        Format::CsvUtf8 => text::read(source, false, &mut budget, &mut on_row),
        Format::CsvShiftJis => text::read(source, true, &mut budget, &mut on_row),
    }
}

/// [`read_rows`], but a date cell whose format shows a day reads as `YYYY-MM-DD` (a list of
/// dates such as the ministry's ⑪⑬⑳), a month-only format still as `YYYY-MM`.
pub fn read_rows_with_days<R: Read + Seek>(
    source: R,
    format: Format,
    limits: &TableLimits,
    mut on_row: impl FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<(), ServiceError> {
    let mut budget = Budget::start(limits);
    budget.days = true;
    match format {
        Format::Xlsx => xlsx::read(source, &mut budget, &mut on_row),
        Format::CsvUtf8 => text::read(source, false, &mut budget, &mut on_row),
        Format::CsvShiftJis => text::read(source, true, &mut budget, &mut on_row),
    }
}

/// [`read_rows`] on a file on disk.
pub fn read_file_rows(
    path: &Path,
    format: Format,
    limits: &TableLimits,
    on_row: impl FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<(), ServiceError> {
    read_rows(
        BufReader::with_capacity(1 << 20, open(path)?),
        format,
        limits,
        on_row,
    )
}

/// A small file held in memory, read whole: each row's number and trimmed cells.
pub fn read_table(
    bytes: &[u8],
    limits: &TableLimits,
) -> Result<Vec<(usize, Vec<String>)>, ServiceError> {
    let format = sniff_head(&bytes[..bytes.len().min(SNIFF_BYTES)])?;
    let mut table = Vec::new();
    read_rows(std::io::Cursor::new(bytes), format, limits, |row, cells| {
        table.push((row, cells.to_strings()));
        Ok(true)
    })?;
    Ok(table)
}

/// Where each wanted column is, found from the heading row.
#[derive(Debug, Clone)]
pub struct Layout<C> {
    /// (column, index in the row, heading as written).
    pub columns: Vec<(C, usize, String)>,
}

impl<C: Copy + PartialEq> Layout<C> {
    /// The index of `column`, if the file has it.
    pub fn index(&self, column: C) -> Option<usize> {
        self.columns
            .iter()
            .find(|(c, _, _)| *c == column)
            .map(|(_, i, _)| *i)
    }

    /// The heading of `column` as the file writes it.
    pub fn heading(&self, column: C) -> Option<&str> {
        self.columns
            .iter()
            .find(|(c, _, _)| *c == column)
            .map(|(_, _, h)| h.as_str())
    }
}

/// An uploaded file on disk, its format and the limits it is read under.
#[derive(Debug, Clone, Copy)]
pub struct TableFile<'a> {
    /// Where the file is.
    pub path: &'a Path,
    /// How it is written.
    pub format: Format,
    /// What it may hold.
    pub limits: &'a TableLimits,
}

/// Tells the format of the file at `path` and runs `check` on it on the blocking pool (a file is
/// never read on a request thread).
pub async fn check_on_pool<T: Send + 'static>(
    path: &Path,
    limits: &TableLimits,
    check: impl FnOnce(&TableFile<'_>) -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, ServiceError> {
    let path = path.to_path_buf();
    let limits = limits.clone();
    tokio::task::spawn_blocking(move || {
        let format = sniff(&path)?;
        check(&TableFile {
            path: &path,
            format,
            limits: &limits,
        })
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("The file check stopped: {e}")))?
}

/// Reads the file: finds the heading row among the first 20 rows (the first row in which
/// `recognise` knows every column of `required`), then calls `on_row` with each following
/// non-blank row and its number. Stops early when `on_row` returns `false`.
pub fn read<C, F>(
    file: &TableFile<'_>,
    recognise: fn(&str) -> Option<C>,
    required: &[(C, &str)],
    mut on_row: F,
) -> Result<Layout<C>, ServiceError>
where
    C: Copy + PartialEq,
    F: FnMut(&Layout<C>, usize, &dyn Cells) -> bool,
{
    let mut layout: Option<Layout<C>> = None;
    let mut seen = 0usize;
    read_file_rows(file.path, file.format, file.limits, |row, cells| {
        if let Some(layout) = &layout {
            return Ok(cells.is_blank() || on_row(layout, row, cells));
        }
        seen += 1;
        let columns: Vec<(C, usize, String)> = (0..cells.width())
            .filter_map(|i| recognise(cells.cell(i)).map(|c| (c, i, cells.cell(i).to_owned())))
            .collect();
        if required
            .iter()
            .all(|(c, _)| columns.iter().any(|(found, _, _)| found == c))
        {
            layout = Some(Layout { columns });
            return Ok(true);
        }
        if seen >= 20 {
            return Err(missing_heading(required));
        }
        Ok(true)
    })?;
    layout.ok_or_else(|| missing_heading(required))
}

fn open(path: &Path) -> Result<File, ServiceError> {
    File::open(path).map_err(|e| unreadable(&e))
}

fn unreadable(e: &std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("Failed to read the uploaded file: {e}"))
}

/// A file that cannot be read as a table (422), at `row` when known.
fn invalid(code: &str, message: &str, row: Option<usize>) -> ServiceError {
    let problem = FieldProblem::new("file", code, message);
    ServiceError::invalid(match row {
        Some(row) => problem.at_row(row),
        None => problem,
    })
}

fn missing_heading<C>(required: &[(C, &str)]) -> ServiceError {
    let names: Vec<&str> = required.iter().map(|(_, name)| *name).collect();
    ServiceError::invalid(FieldProblem::new(
        "file",
        "heading",
        format!(
            "見出し行が見つかりません。先頭20行のいずれかに {} の見出しを置いてください",
            names.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests;
