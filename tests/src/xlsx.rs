//! Reading back the workbooks SupplyWatch writes, with calamine (as Excel would open them): each
//! sheet's name and its cells as text, numbers in their shortest form (`7`, not `7.0`).

use std::io::Cursor;

use anyhow::Context;
use calamine::{Data, Reader, Xlsx};

/// One sheet: its name and its rows of cells as text (from A1; empty cells are `""`).
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Rows from the first, cells from column A.
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The first row whose first non-empty cell is `label`, if any.
    pub fn row_starting(&self, label: &str) -> Option<&[String]> {
        self.rows
            .iter()
            .find(|r| r.iter().find(|c| !c.is_empty()).is_some_and(|c| c == label))
            .map(Vec::as_slice)
    }

    /// The cell at (row, column), both from 0; `""` when outside the sheet.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .map_or("", String::as_str)
    }
}

/// A cell as text: strings as they are, numbers without a needless `.0`, dates as `YYYY-MM-DD`.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map_or_else(|| d.to_string(), |t| t.date().to_string()),
        other => other.to_string(),
    }
}

/// Every sheet of a workbook, in order. Fails when the bytes are not a workbook Excel can open.
pub fn sheets(bytes: &[u8]) -> anyhow::Result<Vec<Sheet>> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes.to_vec())).context("not an XLSX workbook")?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .with_context(|| format!("sheet {name} cannot be read"))?;
        // Rows from A1 even when the sheet's first cell is further in.
        let (top, left) = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows = vec![Vec::new(); top];
        for row in range.rows() {
            let mut cells = vec![String::new(); left];
            cells.extend(row.iter().map(cell_text));
            rows.push(cells);
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}
