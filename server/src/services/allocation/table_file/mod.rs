//! Reading a large uploaded table — CSV (UTF-8 with or without BOM, or Shift_JIS) or XLSX — row
//! by row from a file on disk, so that a file of millions of rows never sits in memory at once.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use calamine::{Reader, Xlsx};

use readers::{CountLines, LineBreaks, ShiftJisReader, SkipBom};

mod readers;

use crate::services::supply_status::upload::cell_text;
use crate::services::{FieldProblem, ServiceError};

/// The cells of one row.
pub trait Cells {
    /// The trimmed text of cell `index` (blank past the row's end).
    fn cell(&self, index: usize) -> &str;
    /// Whether every cell is blank.
    fn is_blank(&self) -> bool;
}

impl Cells for csv::StringRecord {
    fn cell(&self, index: usize) -> &str {
        self.get(index).map_or("", str::trim)
    }
    fn is_blank(&self) -> bool {
        self.iter().all(|c| c.trim().is_empty())
    }
}

impl Cells for Vec<String> {
    fn cell(&self, index: usize) -> &str {
        self.get(index).map_or("", |c| c.trim())
    }
    fn is_blank(&self) -> bool {
        self.iter().all(|c| c.trim().is_empty())
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

/// Tells the format from the first bytes: a ZIP header is XLSX; text that is not UTF-8 is
/// Shift_JIS.
pub fn sniff(path: &Path) -> Result<Format, ServiceError> {
    let mut head = Vec::with_capacity(64 * 1024);
    open(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(&e))?;
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    match std::str::from_utf8(&head) {
        Ok(_) => Ok(Format::CsvUtf8),
        // Cut in the middle of a character at the 64 KiB boundary: still UTF-8.
        Err(e) if e.error_len().is_none() => Ok(Format::CsvUtf8),
        Err(_) => Ok(Format::CsvShiftJis),
    }
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

/// Reads the file: finds the heading row among the first 20 rows (the first row in which
/// `recognise` knows every column of `required`), then calls `on_row` with each following
/// non-blank row and its number. Stops early when `on_row` returns `false`.
pub fn read<C, F>(
    path: &Path,
    format: Format,
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
    let mut visit = |row: usize, cells: &dyn Cells, width: usize| -> Result<bool, ServiceError> {
        if let Some(layout) = &layout {
            return Ok(cells.is_blank() || on_row(layout, row, cells));
        }
        seen += 1;
        let columns: Vec<(C, usize, String)> = (0..width)
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
    };
    match format {
        Format::Xlsx => {
            let mut workbook: Xlsx<_> =
                Xlsx::new(BufReader::new(open(path)?)).map_err(|e| not_xlsx(&e))?;
            let sheet = workbook
                .worksheet_range_at(0)
                .ok_or_else(|| not_xlsx(&"シートがありません"))?
                .map_err(|e| not_xlsx(&e))?;
            let first_row = sheet.start().map_or(0, |(row, _)| row as usize);
            for (index, cells) in sheet.rows().enumerate() {
                let texts: Vec<String> = cells.iter().map(cell_text).collect();
                let width = texts.len();
                if !visit(first_row + index + 1, &texts, width)? {
                    break;
                }
            }
        }
        Format::CsvUtf8 | Format::CsvShiftJis => {
            let file = BufReader::with_capacity(1 << 20, open(path)?);
            let source: Box<dyn Read> = if format == Format::CsvShiftJis {
                Box::new(ShiftJisReader::new(file))
            } else {
                Box::new(SkipBom::new(file))
            };
            let lines = LineBreaks::default();
            let mut csv = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(1 << 20)
                .from_reader(CountLines {
                    inner: source,
                    lines: lines.clone(),
                });
            let mut record = csv::StringRecord::new();
            loop {
                match csv.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        // The record ends just before the reader's position; blank lines before
                        // it are skipped by the reader, so count back from its end.
                        let end = csv.position().byte().saturating_sub(1);
                        let inner_breaks = record.as_slice().matches('\n').count();
                        let row = lines.line_at(end).saturating_sub(inner_breaks);
                        let width = record.len();
                        if !visit(row, &record, width)? {
                            break;
                        }
                    }
                    Err(e) => return Err(bad_csv(&e)),
                }
            }
        }
    }
    layout.ok_or_else(|| missing_heading(required))
}

fn open(path: &Path) -> Result<File, ServiceError> {
    File::open(path).map_err(|e| unreadable(&e))
}

fn unreadable(e: &io::Error) -> ServiceError {
    ServiceError::Internal(format!("Failed to read the uploaded file: {e}"))
}

fn not_xlsx(e: &dyn std::fmt::Display) -> ServiceError {
    ServiceError::invalid(FieldProblem::new(
        "file",
        "xlsx",
        format!("Excelファイル（.xlsx）として読めません: {e}"),
    ))
}

fn bad_csv(e: &csv::Error) -> ServiceError {
    let row = e
        .position()
        .map(|p| usize::try_from(p.line()).unwrap_or(usize::MAX));
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "文字コードが UTF-8 として正しくありません（UTF-8 か Shift_JIS で保存してください）"
                .to_owned()
        }
        _ => format!("CSV として読めません: {e}"),
    };
    let problem = FieldProblem::new("file", "csv", message);
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
