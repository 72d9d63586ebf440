//! XLSX read as a stream: the ZIP's directory is sized up first, every part is inflated through
//! a guard that counts its bytes, the sheet's declared range is checked before its first row,
//! and cells are read event by event into one row at a time — a range is never allocated.

use std::io::{BufReader, Read, Seek};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;

mod guard;
mod parts;

use guard::{Guard, Inflated};
use parts::{SharedStrings, attribute, check_cell, push_reference, unescape_excel};

use super::Row;
use super::limits::{Budget, Limit, breach};
use crate::services::{FieldProblem, ServiceError};

/// More ZIP entries than any workbook has: the ZIP reader would hold each one.
const MAX_ENTRIES: u64 = 10_000;

/// Why reading a part stopped.
#[derive(Debug)]
pub(super) enum Fail {
    /// The XML parser stopped (possibly on a guard's limit).
    Xml(quick_xml::Error),
    /// The part's content is not what a workbook holds.
    Malformed(&'static str),
    /// A limit or another refusal, already explained.
    Service(ServiceError),
}

impl From<quick_xml::Error> for Fail {
    fn from(e: quick_xml::Error) -> Self {
        Self::Xml(e)
    }
}

impl From<ServiceError> for Fail {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}

fn not_xlsx(e: &dyn std::fmt::Display) -> ServiceError {
    ServiceError::invalid(FieldProblem::new(
        "file",
        "xlsx",
        format!("Excelファイル（.xlsx）として読めません: {e}"),
    ))
}

/// Reads the first sheet's rows.
pub(super) fn read<R: Read + Seek>(
    mut source: R,
    budget: &mut Budget<'_>,
    on_row: &mut dyn FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<(), ServiceError> {
    match guard::declared_entries(&mut source) {
        Ok(Some(n)) if n > MAX_ENTRIES => return Err(not_xlsx(&"ZIP の項目が多すぎます")),
        Ok(_) => {}
        Err(e) => return Err(not_xlsx(&e)),
    }
    let mut zip = ZipArchive::new(source).map_err(|e| not_xlsx(&e))?;
    let mut parts = Parts {
        zip: &mut zip,
        inflated: Inflated::default(),
    };
    let book = parts
        .read("xl/workbook.xml", budget, |xml, _| parts::workbook(xml))?
        .ok_or_else(|| not_xlsx(&"xl/workbook.xml がありません"))?;
    let relationships = parts
        .read("xl/_rels/workbook.xml.rels", budget, |xml, _| {
            parts::relationships(xml)
        })?
        .unwrap_or_default();
    let target = |wanted: &dyn Fn(&str, &str) -> bool| {
        relationships
            .iter()
            .find(|(id, kind, _)| wanted(id, kind))
            .map(|(_, _, target)| part_path(target))
    };
    let sheet = book
        .first_sheet
        .as_deref()
        .and_then(|first| target(&|id, _| id == first))
        .unwrap_or_else(|| "xl/worksheets/sheet1.xml".to_owned());
    let strings_path = target(&|_, kind| kind.ends_with("/sharedStrings"))
        .unwrap_or_else(|| "xl/sharedStrings.xml".to_owned());
    let styles_path =
        target(&|_, kind| kind.ends_with("/styles")).unwrap_or_else(|| "xl/styles.xml".to_owned());
    let dates = parts
        .read(&styles_path, budget, |xml, _| parts::date_styles(xml))?
        .unwrap_or_default();
    let strings = parts
        .read(&strings_path, budget, |xml, budget| {
            parts::shared_strings(xml, budget)
        })?
        .unwrap_or_default();
    let cells = Cells {
        strings: &strings,
        dates: &dates,
        date1904: book.date1904,
        days: budget.days,
    };
    parts
        .read(&sheet, budget, |xml, budget| {
            read_sheet(xml, budget, &cells, on_row)
        })?
        .ok_or_else(|| not_xlsx(&format!("{sheet} がありません")))
}

/// `xl/…` for a target written relative to `xl/`, or as an absolute part name.
fn part_path(target: &str) -> String {
    target
        .strip_prefix('/')
        .map_or_else(|| format!("xl/{target}"), str::to_owned)
}

struct Parts<'z, R> {
    zip: &'z mut ZipArchive<R>,
    inflated: Inflated,
}

impl<R: Read + Seek> Parts<'_, R> {
    /// Parses part `name` (none if the workbook lacks it) through the guard.
    fn read<T>(
        &mut self,
        name: &str,
        budget: &mut Budget<'_>,
        parse: impl FnOnce(
            &mut Reader<BufReader<Guard<'_, zip::read::ZipFile<'_, R>>>>,
            &mut Budget<'_>,
        ) -> Result<T, Fail>,
    ) -> Result<Option<T>, ServiceError> {
        let limits = budget.limits();
        let file = match self.zip.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(not_xlsx(&e)),
        };
        let declared = self.inflated.used.saturating_add(file.size());
        if declared > limits.max_inflated_bytes {
            let what = format!("{name} の宣言サイズ {} MB", file.size() >> 20);
            return Err(breach(limits, Limit::InflatedBytes, None, &what));
        }
        let max_run = limits.max_cell_bytes.saturating_mul(6).max(64 * 1024);
        let guard = Guard::new(file, &mut self.inflated, limits.max_inflated_bytes, max_run);
        let mut xml = Reader::from_reader(BufReader::with_capacity(64 * 1024, guard));
        let result = parse(&mut xml, budget);
        drop(xml);
        match result {
            Ok(value) => Ok(Some(value)),
            Err(Fail::Service(e)) => Err(e),
            Err(Fail::Malformed(why)) => Err(not_xlsx(&format!("{name}: {why}"))),
            Err(Fail::Xml(e)) => Err(if let Some(limit) = self.inflated.breach {
                breach(limits, limit, None, name)
            } else if self.inflated.refused_markup {
                not_xlsx(&format!(
                    "{name} にコメント・CDATA・DTD など Excel が書かない記述があります"
                ))
            } else {
                not_xlsx(&format!("{name}: {e}"))
            }),
        }
    }
}

/// What turns a cell's stored value into the text a person sees.
struct Cells<'a> {
    strings: &'a SharedStrings,
    dates: &'a [parts::DateStyle],
    date1904: bool,
    /// Whether a format showing a day gives `YYYY-MM-DD`.
    days: bool,
}

/// The cell being read.
#[derive(Default)]
struct Cell {
    column: usize,
    kind: String,
    style: Option<usize>,
    value: String,
}

impl Cells<'_> {
    /// The cell as the text a person sees: whole numbers without `.0`, dates as `YYYY-MM`.
    fn text(&self, cell: &Cell) -> Result<String, Fail> {
        let value = cell.value.as_str();
        Ok(match cell.kind.as_str() {
            "s" => value
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| self.strings.get(i))
                .ok_or(Fail::Malformed("共有文字列の番号が範囲外です"))?
                .to_owned(),
            "inlineStr" => unescape_excel(value).into_owned(),
            "str" | "e" | "d" => value.to_owned(),
            "b" => if value.trim() == "1" { "TRUE" } else { "FALSE" }.to_owned(),
            _ => match value.trim().parse::<f64>() {
                Err(_) => value.to_owned(),
                Ok(f) => match cell.style.and_then(|s| self.dates.get(s)) {
                    Some(parts::DateStyle::Day) if self.days => self
                        .date(f)
                        .map_or_else(|| number(f), |d| d.format("%Y-%m-%d").to_string()),
                    Some(parts::DateStyle::Day | parts::DateStyle::Month) => self
                        .date(f)
                        .map_or_else(|| number(f), |d| d.format("%Y-%m").to_string()),
                    _ => number(f),
                },
            },
        })
    }

    /// An Excel date serial as a date (1900 system, with its phantom 29 February, or 1904).
    fn date(&self, serial: f64) -> Option<chrono::NaiveDate> {
        if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
            return None;
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to lie between 0 and 3,000,000 just above"
        )]
        let days = serial.floor() as i64;
        let base = if self.date1904 {
            chrono::NaiveDate::from_ymd_opt(1904, 1, 1)
        } else if days < 60 {
            chrono::NaiveDate::from_ymd_opt(1899, 12, 31)
        } else {
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        }?;
        base.checked_add_signed(chrono::Duration::days(days))
    }
}

/// A number as Excel shows it in General: whole numbers without `.0`.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// `XFD1048576` → (row 1,048,576, column index 16,383); either part may be missing.
fn cell_reference(text: &str) -> (Option<usize>, Option<usize>) {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let column = (1..=3).contains(&letters).then(|| {
        text.bytes().take(letters).fold(0usize, |n, b| {
            n * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1
        }) - 1
    });
    let row = text[letters..].parse::<usize>().ok();
    (row, column)
}

/// Refuses a sheet whose declared range (`<dimension ref="A1:XFD1048576"/>`) is past the limits,
/// before its first row is read.
fn check_dimension(reference: &str, budget: &Budget<'_>) -> Result<(), ServiceError> {
    let limits = budget.limits();
    let (first, last) = reference.split_once(':').unwrap_or((reference, reference));
    let (first, last) = (cell_reference(first), cell_reference(last));
    let what = format!("シートの宣言範囲 {reference}");
    if let ((Some(top), _), (Some(bottom), _)) = (first, last) {
        // The heading may stand anywhere in the first 20 rows.
        let rows = bottom.saturating_sub(top) as u64;
        if rows > limits.max_rows.saturating_add(20) {
            return Err(breach(limits, Limit::Rows, None, &what));
        }
    }
    if let ((_, Some(left)), (_, Some(right))) = (first, last)
        && right.saturating_sub(left) >= limits.max_columns
    {
        return Err(breach(limits, Limit::Columns, None, &what));
    }
    Ok(())
}

fn read_sheet<B: std::io::BufRead>(
    xml: &mut Reader<B>,
    budget: &mut Budget<'_>,
    cells: &Cells<'_>,
    on_row: &mut dyn FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<(), Fail> {
    let mut buf = Vec::new();
    let (mut row, mut next_row) = (0usize, 1usize);
    let mut next_column = 0usize;
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut cell: Option<Cell> = None;
    let (mut in_value, mut phonetic) = (false, false);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "dimension" => {
                if let Some(reference) = attribute(&e, "ref") {
                    check_dimension(&reference, budget)?;
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                row = attribute(&e, "r")
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(next_row);
                next_row = row.saturating_add(1);
                next_column = 0;
                found.clear();
            }
            Event::Empty(e) if e.local_name().as_ref() == "row" => {
                row = attribute(&e, "r")
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(next_row);
                next_row = row.saturating_add(1);
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let column = begin_cell(&e, &mut next_column, found.len(), row, budget)?;
                cell = Some(Cell {
                    column,
                    kind: attribute(&e, "t").unwrap_or_default(),
                    style: attribute(&e, "s").and_then(|s| s.parse().ok()),
                    value: String::new(),
                });
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                begin_cell(&e, &mut next_column, found.len(), row, budget)?;
            }
            Event::Start(e) if cell.is_some() && matches!(e.local_name().as_ref(), "v" | "t") => {
                in_value = !phonetic;
            }
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) => match e.local_name().as_ref() {
                "v" | "t" => in_value = false,
                "rPh" => phonetic = false,
                "c" => {
                    if let Some(done) = cell.take() {
                        let shown = cells.text(&done)?;
                        check_cell(&shown, budget, Some(row))?;
                        if !shown.is_empty() {
                            found.push((done.column, shown));
                        }
                    }
                }
                "row" if !emit_row(&mut found, row, budget, on_row)? => return Ok(()),
                "sheetData" => return Ok(()),
                _ => {}
            },
            Event::Text(t) if in_value => {
                if let Some(cell) = &mut cell {
                    cell.value.push_str(&t.xml10_content());
                    check_cell(&cell.value, budget, Some(row))?;
                }
            }
            Event::GeneralRef(r) if in_value => {
                if let Some(cell) = &mut cell {
                    push_reference(&mut cell.value, &r)?;
                    check_cell(&cell.value, budget, Some(row))?;
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Where a cell stands (its `r`, else after the previous one), refused past the column limit.
fn begin_cell(
    e: &quick_xml::events::BytesStart<'_>,
    next_column: &mut usize,
    cells_in_row: usize,
    row: usize,
    budget: &mut Budget<'_>,
) -> Result<usize, Fail> {
    let column = attribute(e, "r")
        .and_then(|r| cell_reference(&r).1)
        .unwrap_or(*next_column);
    *next_column = column.saturating_add(1);
    let limits = budget.limits();
    if column >= limits.max_columns || cells_in_row >= limits.max_columns {
        let what = format!("{}列目のセル", column.saturating_add(1));
        return Err(breach(limits, Limit::Columns, Some(row), &what).into());
    }
    budget.tick(Some(row))?;
    Ok(column)
}

/// Hands the row's cells, in column order with blanks between, to `on_row`; `false` to stop.
fn emit_row(
    found: &mut Vec<(usize, String)>,
    row: usize,
    budget: &mut Budget<'_>,
    on_row: &mut dyn FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<bool, Fail> {
    if found.is_empty() {
        return Ok(true);
    }
    found.sort_by_key(|(column, _)| *column);
    let mut text = String::new();
    let mut ends: Vec<usize> = Vec::with_capacity(found.len());
    for (column, value) in found.iter() {
        while ends.len() < *column {
            ends.push(text.len());
        }
        if ends.len() == *column {
            text.push_str(value);
            ends.push(text.len());
        }
    }
    found.clear();
    budget.row(row)?;
    Ok(on_row(
        row,
        &Row {
            text: &text,
            ends: &ends,
        },
    )?)
}
