//! The parts of a workbook read before its sheet: which sheet comes first, the shared strings
//! (bounded in number and size) and which cell styles are dates.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::super::limits::{Budget, Limit, breach};
use super::Fail;

/// The workbook's first sheet and the parts it refers to.
#[derive(Debug, Default)]
pub(super) struct Book {
    /// The relationship id of the first sheet.
    pub(super) first_sheet: Option<String>,
    /// Dates count from 1904 (old Mac workbooks).
    pub(super) date1904: bool,
}

/// The value of attribute `name` (by local name), raw.
pub(super) fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().as_ref() == name).then(|| a.value.clone().into_owned()))
}

pub(super) fn workbook<B: BufRead>(xml: &mut Reader<B>) -> Result<Book, Fail> {
    let mut book = Book::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "workbookPr" => {
                    book.date1904 =
                        matches!(attribute(&e, "date1904").as_deref(), Some("1" | "true"));
                }
                "sheet" if book.first_sheet.is_none() => book.first_sheet = attribute(&e, "id"),
                _ => {}
            },
            Event::Eof => return Ok(book),
            _ => {}
        }
    }
}

/// The workbook's relationships: (id, type, target).
pub(super) fn relationships<B: BufRead>(
    xml: &mut Reader<B>,
) -> Result<Vec<(String, String, String)>, Fail> {
    let mut found = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if found.len() >= 10_000 {
                    return Err(Fail::Malformed("関係の定義が多すぎます"));
                }
                found.push((
                    attribute(&e, "Id").unwrap_or_default(),
                    attribute(&e, "Type").unwrap_or_default(),
                    attribute(&e, "Target").unwrap_or_default(),
                ));
            }
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// Text held back to back, each string's end noted: one allocation, not one a string.
#[derive(Debug, Default)]
pub(super) struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    /// String `index`, if there is one.
    pub(super) fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = index
            .checked_sub(1)
            .map_or(Some(0), |i| self.ends.get(i).copied())?;
        self.text.get(start..end)
    }
}

/// Appends an entity reference (`&amp;`, `&#x41;`) as its character.
pub(super) fn push_reference(out: &mut String, r: &BytesRef<'_>) -> Result<(), Fail> {
    if let Some(c) = r.resolve_char_ref()? {
        out.push(c);
        return Ok(());
    }
    out.push_str(match &**r {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return Err(Fail::Malformed("未定義の実体参照があります")),
    });
    Ok(())
}

/// Reads the shared strings, refusing a table that declares or holds more than the limit or a
/// string past the cell size.
pub(super) fn shared_strings<B: BufRead>(
    xml: &mut Reader<B>,
    budget: &mut Budget<'_>,
) -> Result<SharedStrings, Fail> {
    let limits = budget.limits();
    let mut strings = SharedStrings::default();
    let mut current = String::new();
    let (mut in_text, mut phonetic) = (false, false);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "sst" => {
                    let declared = attribute(&e, "uniqueCount")
                        .and_then(|n| n.parse::<u64>().ok())
                        .unwrap_or(0);
                    if declared > limits.max_shared_strings as u64 {
                        let what = format!("宣言された件数 {declared}");
                        return Err(breach(limits, Limit::SharedStrings, None, &what).into());
                    }
                }
                "si" => current.clear(),
                "rPh" => phonetic = true,
                "t" => in_text = !phonetic,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                current.clear();
                push_string(&mut strings, &current, budget)?;
            }
            Event::End(e) => match e.local_name().as_ref() {
                "si" => push_string(&mut strings, &current, budget)?,
                "rPh" => phonetic = false,
                "t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text => {
                current.push_str(&t.xml10_content());
                check_cell(&current, budget, None)?;
            }
            Event::GeneralRef(r) if in_text => {
                push_reference(&mut current, &r)?;
                check_cell(&current, budget, None)?;
            }
            Event::Eof => return Ok(strings),
            _ => {}
        }
    }
}

fn push_string(
    strings: &mut SharedStrings,
    text: &str,
    budget: &mut Budget<'_>,
) -> Result<(), Fail> {
    let limits = budget.limits();
    if strings.ends.len() >= limits.max_shared_strings {
        return Err(breach(limits, Limit::SharedStrings, None, "").into());
    }
    budget.tick(None)?;
    strings.text.push_str(&unescape_excel(text));
    strings.ends.push(strings.text.len());
    Ok(())
}

/// Refuses a cell's text once it is longer than the limit.
pub(super) fn check_cell(text: &str, budget: &Budget<'_>, row: Option<usize>) -> Result<(), Fail> {
    let limits = budget.limits();
    if text.len() > limits.max_cell_bytes {
        return Err(breach(limits, Limit::CellBytes, row, "").into());
    }
    if text.contains('\0') {
        return Err(Fail::Malformed("セルに NUL 文字があります"));
    }
    Ok(())
}

/// Excel's own escape of characters XML cannot hold: `_x000D_` is a carriage return.
pub(super) fn unescape_excel(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("_x") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let code = tail
            .get(2..6)
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok());
        if let Some(code) = code {
            out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            rest = &tail[7..];
        } else {
            out.push_str("_x");
            rest = &tail[2..];
        }
    }
    out.push_str(rest);
    out.into()
}

/// What a cell style's number format shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateStyle {
    /// Not a date: a number.
    Number,
    /// A date without its day (`yyyy/mm`, `mmm-yy`) or a time.
    Month,
    /// A date with its day.
    Day,
}

/// For each cell style (`s` of a cell), what its number format shows.
pub(super) fn date_styles<B: BufRead>(xml: &mut Reader<B>) -> Result<Vec<DateStyle>, Fail> {
    let mut custom: Vec<(u32, DateStyle)> = Vec::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    let id = attribute(&e, "numFmtId").and_then(|n| n.parse().ok());
                    let code = attribute(&e, "formatCode").unwrap_or_default();
                    if let Some(id) = id {
                        custom.push((id, is_date_format(&code)));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs => {
                    let id: u32 = attribute(&e, "numFmtId")
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                    let date = custom
                        .iter()
                        .find(|(c, _)| *c == id)
                        .map_or_else(|| is_builtin_date(id), |(_, d)| *d);
                    styles.push(date);
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Event::Eof => return Ok(styles),
            _ => {}
        }
    }
}

fn is_builtin_date(id: u32) -> DateStyle {
    match id {
        14..=16 | 22 | 27..=31 | 34..=36 | 50..=58 | 71..=76 | 78..=81 => DateStyle::Day,
        17..=21 | 32 | 33 | 45..=47 | 77 => DateStyle::Month,
        _ => DateStyle::Number,
    }
}

/// What a custom number format shows: a date or time when it has a d, m, y, h or s outside
/// quoted text, brackets and escapes; with its day when one of them is a d.
fn is_date_format(code: &str) -> DateStyle {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    let mut found = DateStyle::Number;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' if !quoted && !bracket => return DateStyle::Day,
            'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' if !quoted && !bracket => {
                found = DateStyle::Month;
            }
            _ => {}
        }
    }
    found
}
