//! `backtest-forecast`: the list-based forecast replayed on real history — an edition of the
//! ministry's list (read and checked by the list's own reader) and a file of its recorded changes
//! (`date,yj_code,field,from_value,to_value,change_kind,hinmei,seibun,maker,kikaku`, field
//! `shukka` for ⑫) in, one row `date,yj_code,score,reasons` per drug warned per day out.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use crate::domain::ProductClass;
use crate::domain::forecast::knock_on_list::ListDrug;
use crate::domain::forecast::replay::{Change, Day, replay};
use crate::domain::supply_status::ministry::{self, key};
use crate::services::supply_list::{self, read::edition_in_file_name};
use crate::services::table_file::{self, Cells, Format, TableLimits};
use crate::services::{FieldProblem, ServiceError};

/// The replay of `transitions` from the edition in `list`. Blocking.
pub fn run(
    list: &Path,
    transitions: &Path,
    horizon_days: u32,
    limits: &TableLimits,
) -> Result<Vec<Day>, ServiceError> {
    let (drugs, edition) = read_edition(list, limits)?;
    let changes = read_changes(transitions, limits)?;
    Ok(replay(edition, drugs, &changes, horizon_days))
}

/// The drugs of an edition and its date (the title row, else the file name).
pub fn read_edition(
    path: &Path,
    limits: &TableLimits,
) -> Result<(Vec<ListDrug>, NaiveDate), ServiceError> {
    let format = table_file::sniff(path)?;
    let source = std::fs::File::open(path)
        .map_err(|e| ServiceError::Internal(format!("Failed to open the list: {e}")))?;
    let file = supply_list::read_list(std::io::BufReader::new(source), format, limits)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let edition = file
        .edition
        .or_else(|| edition_in_file_name(&name))
        .ok_or_else(|| {
            invalid(
                "list",
                "版の日付がわかりません（表題の「令和８年８月14日現在」かファイル名の日付）",
            )
        })?;
    let entries = supply_list::check(&file).map_err(ServiceError::Invalid)?;
    let drugs = entries
        .into_iter()
        .map(|e| ListDrug {
            code: e.code,
            name: e.name,
            maker: e.maker_name,
            shipping: e.status.shipping_status,
            shipping_changed_on: e.shipping_changed_on,
            volume: e.status.volume_status,
            generic_or_long_listed: matches!(
                e.product_class,
                Some(ProductClass::Generic | ProductClass::LongListed)
            ),
        })
        .collect();
    Ok((drugs, edition))
}

/// The recorded changes, found by their headings; every unreadable row named at once.
pub fn read_changes(path: &Path, limits: &TableLimits) -> Result<Vec<Change>, ServiceError> {
    let mut columns: Vec<String> = Vec::new();
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    table_file::read_file_rows(path, Format::CsvUtf8, limits, |number, row| {
        if columns.is_empty() {
            columns = (0..row.width()).map(|i| key(row.cell(i))).collect();
            return Ok(true);
        }
        if row.is_blank() {
            return Ok(true);
        }
        let cells = Named {
            columns: &columns,
            cells: row.to_strings(),
        };
        match change(&cells) {
            Ok(c) => changes.push(c),
            Err(message) => {
                problems.push(FieldProblem::new("transitions", "row", message).at_row(number));
            }
        }
        Ok(true)
    })?;
    for needed in ["date", "yj_code", "field", "from_value", "to_value"] {
        if !columns.iter().any(|c| c == needed) {
            return Err(invalid(
                "transitions",
                &format!("列「{needed}」がありません"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(ServiceError::Invalid(problems))
    }
}

/// A row's cells by their column's heading.
struct Named<'a> {
    columns: &'a [String],
    cells: Vec<String>,
}

impl Named<'_> {
    fn get(&self, name: &str) -> &str {
        self.columns
            .iter()
            .position(|c| c == name)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }
}

fn change(row: &Named<'_>) -> Result<Change, String> {
    let cell = |name: &str| row.get(name);
    let date = supply_list::parse_date(cell("date"))
        .ok_or_else(|| format!("date「{}」は日付ではありません", cell("date")))?;
    let code = key(cell("yj_code"));
    if code.is_empty() {
        return Err("yj_code が空欄です".into());
    }
    let shipping = if cell("field") == "shukka" {
        let status = |text: &str| ministry::shipping_status(text).map_err(|e| e.message);
        let from = cell("from_value");
        let from = if from.is_empty() {
            None
        } else {
            Some(status(from)?)
        };
        Some((from, status(cell("to_value"))?))
    } else {
        None
    };
    let volume = if cell("field") == "ryo" {
        let status = |text: &str| {
            if text.is_empty() {
                Ok(None)
            } else {
                ministry::volume_status(text)
                    .map(Some)
                    .map_err(|e| e.message)
            }
        };
        Some((status(cell("from_value"))?, status(cell("to_value"))?))
    } else {
        None
    };
    Ok(Change {
        date,
        code,
        shipping,
        volume,
        added: cell("change_kind") == "added",
        name: cell("hinmei").to_owned(),
        maker: cell("maker").to_owned(),
    })
}

/// Writes the days as CSV: `date,yj_code,score,reasons` (reasons joined by 「／」).
pub fn write_csv(days: &[Day], out: impl Write) -> Result<usize, ServiceError> {
    let mut writer = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| ServiceError::Internal(format!("Failed to write the list: {e}"));
    writer
        .write_record(["date", "yj_code", "score", "reasons"])
        .map_err(failed)?;
    let mut rows = 0;
    for day in days {
        for w in &day.warnings {
            writer
                .write_record([
                    day.date.to_string(),
                    w.code.clone(),
                    format!("{:.4}", w.score),
                    w.reasons.join("／"),
                ])
                .map_err(failed)?;
            rows += 1;
        }
    }
    writer
        .flush()
        .map_err(|e| ServiceError::Internal(format!("Failed to write the list: {e}")))?;
    Ok(rows)
}

fn invalid(field: &str, message: &str) -> ServiceError {
    ServiceError::invalid(FieldProblem::new(field, "invalid", message))
}
