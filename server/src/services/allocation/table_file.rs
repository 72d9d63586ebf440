//! Reading a large uploaded table — CSV (UTF-8 with or without BOM, or Shift_JIS) or XLSX — row
//! by row from a file on disk, so that a file of millions of rows never sits in memory at once.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use calamine::{Reader, Xlsx};

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

/// Line breaks seen so far, to number rows as an editor does (blank lines included), which the
/// CSV reader's own count does not: the offsets of breaks not yet passed by the reader's records
/// (bounded by its read-ahead buffer) and how many breaks lie before them.
#[derive(Debug, Clone, Default)]
struct LineBreaks(std::rc::Rc<std::cell::RefCell<LineState>>);

#[derive(Debug, Default)]
struct LineState {
    pending: std::collections::VecDeque<u64>,
    passed: usize,
    offset: u64,
}

impl LineBreaks {
    /// The 1-based line on which the byte at `offset` lies.
    fn line_at(&self, offset: u64) -> usize {
        let mut state = self.0.borrow_mut();
        while state.pending.front().is_some_and(|b| *b < offset) {
            state.pending.pop_front();
            state.passed += 1;
        }
        state.passed + 1
    }
}

/// Notes the offset of every line break that passes through.
struct CountLines<R> {
    inner: R,
    lines: LineBreaks,
}

impl<R: Read> Read for CountLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.lines.0.borrow_mut();
        let start = state.offset;
        for (i, byte) in buf[..n].iter().enumerate() {
            if *byte == b'\n' {
                state.pending.push_back(start + i as u64);
            }
        }
        state.offset += n as u64;
        Ok(n)
    }
}

/// Skips a leading UTF-8 byte order mark.
struct SkipBom<R> {
    inner: R,
    checked: bool,
}

impl<R: Read> SkipBom<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            checked: false,
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.checked {
            return self.inner.read(buf);
        }
        self.checked = true;
        let mut head = [0u8; 3];
        let mut filled = 0;
        while filled < 3 {
            let n = self.inner.read(&mut head[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        let start = if head[..filled] == *b"\xEF\xBB\xBF" {
            3
        } else {
            0
        };
        let rest = &head[start..filled];
        if rest.is_empty() {
            // Only the mark so far: reading on (returning 0 would mean the end of the file).
            return self.inner.read(buf);
        }
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        if n < rest.len() {
            // A caller's buffer under 3 bytes: hand the remaining head bytes over one by one.
            return Err(io::Error::other("read buffer too small"));
        }
        Ok(n)
    }
}

/// Decodes Shift_JIS to UTF-8 while reading.
struct ShiftJisReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> ShiftJisReader<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            decoder: encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for ShiftJisReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[self.start..self.end], buf, self.eof);
            self.start += read;
            if written > 0 || (self.eof && self.start == self.end) {
                return Ok(written);
            }
            if buf.len() < 4 {
                return Err(io::Error::other("read buffer too small"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;
    use std::io::Write as _;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Col {
        Code,
        Name,
    }

    fn recognise(h: &str) -> Option<Col> {
        match h {
            "code" | "得意先コード" => Some(Col::Code),
            "name" | "得意先名" => Some(Col::Name),
            _ => None,
        }
    }

    type Rows = Vec<(usize, String, String)>;

    fn rows_of(bytes: &[u8]) -> anyhow::Result<(Format, Rows)> {
        let mut file = tempfile::NamedTempFile::new()?;
        file.write_all(bytes)?;
        let format = sniff(file.path())?;
        let mut rows = Vec::new();
        read(
            file.path(),
            format,
            recognise,
            &[(Col::Code, "code"), (Col::Name, "name")],
            |layout, row, cells| {
                let at = |c| layout.index(c).map_or("", |i| cells.cell(i)).to_owned();
                rows.push((row, at(Col::Code), at(Col::Name)));
                true
            },
        )?;
        Ok((format, rows))
    }

    #[test]
    fn utf8_with_bom_and_shift_jis_read_the_same_rows_with_spreadsheet_row_numbers()
    -> anyhow::Result<()> {
        let text = "得意先コード,得意先名\nC1,甲病院\n\nC2, 乙薬局 \n";
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let (format, utf8) = rows_of(&with_bom)?;
        assert_eq!(format, Format::CsvUtf8);
        let want = vec![
            (2, "C1".to_owned(), "甲病院".to_owned()),
            (4, "C2".to_owned(), "乙薬局".to_owned()),
        ];
        assert_eq!(utf8, want);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let (format, decoded) = rows_of(&sjis)?;
        assert_eq!(format, Format::CsvShiftJis);
        assert_eq!(decoded, want);
        Ok(())
    }

    #[test]
    fn a_long_shift_jis_file_decodes_across_buffer_boundaries() -> anyhow::Result<()> {
        let mut text = String::from("code,name\n");
        for i in 0..20_000 {
            let _ = writeln!(text, "C{i},医療法人社団 第{i}病院");
        }
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (_, rows) = rows_of(&sjis)?;
        assert_eq!(rows.len(), 20_000);
        assert_eq!(rows[19_999].2, "医療法人社団 第19999病院");
        Ok(())
    }

    #[test]
    fn a_file_without_the_headings_is_refused_naming_them() {
        let error = rows_of(b"a,b\n1,2\n").err().map(|e| e.to_string());
        assert!(error.is_some());
        let Err(ServiceError::Invalid(problems)) = ({
            let mut file = tempfile::NamedTempFile::new().expect("temp file");
            file.write_all(b"a,b\n1,2\n").expect("write");
            read(
                file.path(),
                Format::CsvUtf8,
                recognise,
                &[(Col::Code, "code"), (Col::Name, "name")],
                |_, _, _| true,
            )
        }) else {
            panic!("expected a refusal")
        };
        assert!(problems[0].message.contains("code, name"), "{problems:?}");
    }
}
