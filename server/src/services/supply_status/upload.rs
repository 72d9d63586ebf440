//! Reading an uploaded status file — the API's CSV header, or the ministry's list in its current
//! layout (①–⑳) or the 2025 one (①–⑱), its headings read by the same rules as `import
//! supply-list` — as CSV (UTF-8, BOM or Shift_JIS) or XLSX into rows to validate. Nothing is
//! stored here.

use std::collections::HashMap;

use super::StatusRow;
use crate::domain::supply_status::StatusInput;
use crate::services::supply_list::ListColumn;
use crate::services::table_file::{self, TableLimits};
use crate::services::{FieldProblem, ServiceError};

/// The template's headings: the ministry's list's own words where it has the column (⑤, ⑫,
/// ⑭, ⑮, ⑰, ⑥), so that a maker reads them as the list it fills in; the upload recognises each
/// (see [`Column::recognise`]), and an error names the column by these words.
pub const TEMPLATE_HEADINGS: [&str; 8] = [
    "⑤YJコード",
    "⑫出荷対応の状況",
    "⑭限定出荷／供給停止の理由",
    "原因医薬品のコード",
    "⑮限定出荷の解除見込み／供給停止の解消見込み",
    "解消見込み月（YYYY-MM）",
    "⑰出荷量の状況",
    "⑥品名",
];

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    ProductCode,
    ShippingStatus,
    Reason,
    CausingProductCode,
    ResolutionOutlook,
    ResolutionMonth,
    VolumeStatus,
    /// The list's ⑯ free text (a month in it is read).
    ResolutionNote,
    /// ⑱.
    ImprovementTiming,
    /// ⑲.
    ImprovementPercent,
    /// ⑥ or ⑦: checked against the master (they identify the drug with ⑤).
    Master(&'static str),
}

impl Column {
    /// The API field name used in error messages.
    fn field(self) -> &'static str {
        match self {
            Self::ProductCode => "product_code",
            Self::ShippingStatus => "shipping_status",
            Self::Reason => "reason",
            Self::CausingProductCode => "causing_product_code",
            Self::ResolutionOutlook => "resolution_outlook",
            Self::ResolutionMonth => "resolution_month",
            Self::VolumeStatus => "volume_status",
            Self::ResolutionNote => "resolution_note",
            Self::ImprovementTiming => "improvement_timing",
            Self::ImprovementPercent => "improvement_percent",
            Self::Master(label) => label,
        }
    }

    /// Recognises a heading: the API's names, or the ministry's list's, by the same rules as
    /// `import supply-list` (見込み時期 — today's ⑯, the 2025 ⑮ — is free text with a month).
    fn recognise(heading: &str) -> Option<Self> {
        let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
        Some(match h.as_str() {
            "product_code" => Self::ProductCode,
            "shipping_status" => Self::ShippingStatus,
            "reason" => Self::Reason,
            "causing_product_code" => Self::CausingProductCode,
            "resolution_outlook" => Self::ResolutionOutlook,
            "resolution_month" => Self::ResolutionMonth,
            "volume_status" => Self::VolumeStatus,
            "resolution_note" => Self::ResolutionNote,
            "improvement_timing" => Self::ImprovementTiming,
            "improvement_percent" => Self::ImprovementPercent,
            _ if h.contains("YJコード") || h == "薬価基準収載医薬品コード" => {
                Self::ProductCode
            }
            _ if h.contains("原因医薬品") => Self::CausingProductCode,
            // The template's own heading (the list has no such column; its ⑯ is free text).
            _ if h.starts_with("解消見込み月") => Self::ResolutionMonth,
            _ => match ListColumn::recognise(&h)? {
                ListColumn::Master(5) => Self::ProductCode,
                ListColumn::Master(6) => Self::Master("⑥品名"),
                ListColumn::Master(7) => Self::Master("⑦製造販売業者名"),
                ListColumn::Shipping => Self::ShippingStatus,
                ListColumn::Reason => Self::Reason,
                ListColumn::Outlook => Self::ResolutionOutlook,
                ListColumn::Note => Self::ResolutionNote,
                ListColumn::Volume => Self::VolumeStatus,
                ListColumn::Timing => Self::ImprovementTiming,
                ListColumn::Percent => Self::ImprovementPercent,
                ListColumn::Master(_)
                | ListColumn::ShippingChangedOn
                | ListColumn::OtherChangedOn
                | ListColumn::Changed => return None,
            },
        })
    }
}

/// The rows of a file and the heading of each field's column (for error messages).
#[derive(Debug)]
pub struct ParsedFile {
    /// One row per non-empty data line.
    pub rows: Vec<StatusRow>,
    /// Heading in the file for each API field name.
    pub headings: HashMap<String, String>,
}

impl ParsedFile {
    /// Adds the file's column headings to problems found later.
    pub fn label(&self, error: ServiceError) -> ServiceError {
        match error {
            ServiceError::Invalid(problems) => ServiceError::Invalid(
                problems
                    .into_iter()
                    .map(|mut p| {
                        p.column = self.headings.get(&p.field).cloned().or(p.column);
                        p
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Reads XLSX or CSV (UTF-8 or Shift_JIS) through the shared table reader under `limits`.
/// Blocking: run it on the blocking pool.
pub fn parse(bytes: &[u8], limits: &TableLimits) -> Result<ParsedFile, ServiceError> {
    rows_from_table(&table_file::read_table(bytes, limits)?)
}

/// [`parse`] on the blocking pool: a file is never read on a request thread.
pub async fn parse_on_pool(
    bytes: Vec<u8>,
    limits: TableLimits,
) -> Result<ParsedFile, ServiceError> {
    tokio::task::spawn_blocking(move || parse(&bytes, &limits))
        .await
        .map_err(|e| ServiceError::Internal(format!("The file check stopped: {e}")))?
}

/// Cells as text, with each row's number in the file.
type Table = Vec<(usize, Vec<String>)>;

/// Finds the heading row (the first with a product-code column, within the first 20 rows) and
/// turns each following non-empty row into a [`StatusRow`].
fn rows_from_table(table: &Table) -> Result<ParsedFile, ServiceError> {
    let header_index = table
        .iter()
        .take(20)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| Column::recognise(c) == Some(Column::ProductCode))
        })
        .ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "product_code",
                "missing_column",
                "見出し行に医薬品コードの列（「⑤YJコード」など）がありません",
            ))
        })?;
    let (_, headings) = &table[header_index];
    let columns: Vec<Option<Column>> = headings.iter().map(|h| Column::recognise(h)).collect();
    if !columns.contains(&Some(Column::ShippingStatus)) {
        return Err(ServiceError::invalid(FieldProblem::new(
            "shipping_status",
            "missing_column",
            "見出し行に出荷対応の状況の列（「⑫出荷対応の状況」など）がありません",
        )));
    }
    let heading_of: HashMap<String, String> = columns
        .iter()
        .zip(headings)
        .filter_map(|(c, h)| Some((c.as_ref()?.field().to_owned(), h.clone())))
        .collect();
    let mut rows = Vec::new();
    for (row_number, cells) in table.iter().skip(header_index + 1) {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let mut row = StatusRow {
            row: Some(*row_number),
            ..StatusRow::default()
        };
        let mut input = StatusInput::default();
        for (column, value) in columns.iter().zip(cells) {
            let value = value.clone();
            match column {
                Some(Column::ProductCode) => row.product_code = value,
                Some(Column::ShippingStatus) => input.shipping_status = value,
                Some(Column::Reason) => input.reason = value,
                Some(Column::CausingProductCode) => input.causing_product_code = value,
                Some(Column::ResolutionOutlook) => input.resolution_outlook = value,
                Some(Column::ResolutionMonth) => input.resolution_month = value,
                Some(Column::VolumeStatus) => input.volume_status = value,
                Some(Column::ResolutionNote) => input.resolution_note = value,
                Some(Column::ImprovementTiming) => input.improvement_timing = value,
                Some(Column::ImprovementPercent) => input.improvement_percent = value,
                Some(Column::Master(label)) => row.master_columns.push((label, value)),
                None => {}
            }
        }
        row.input = input;
        rows.push(row);
    }
    Ok(ParsedFile {
        rows,
        headings: heading_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_japanese_headings_are_each_recognised_as_their_column() {
        let found: Vec<Option<&str>> = TEMPLATE_HEADINGS
            .iter()
            .map(|h| Column::recognise(h).map(Column::field))
            .collect();
        assert_eq!(
            found,
            [
                Some("product_code"),
                Some("shipping_status"),
                Some("reason"),
                Some("causing_product_code"),
                Some("resolution_outlook"),
                Some("resolution_month"),
                Some("volume_status"),
                Some("⑥品名"),
            ]
        );
    }

    #[test]
    fn the_api_csv_header_is_read_row_by_row() -> Result<(), ServiceError> {
        let file = "product_code,shipping_status,reason,causing_product_code,resolution_outlook,resolution_month,volume_status\n2171022F5180,2,3,,あり,2027-03,B\n\n2171022F6128,1,,,,,A\n";
        let parsed = parse(file.as_bytes(), &TableLimits::default())?;
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].row, Some(2));
        assert_eq!(
            parsed.rows[1].row,
            Some(4),
            "row numbers count the blank line"
        );
        assert_eq!(parsed.rows[0].input.resolution_month, "2027-03");
        assert_eq!(parsed.rows[1].input.shipping_status, "1");
        Ok(())
    }

    #[test]
    fn the_ministrys_headings_are_recognised_and_master_columns_kept() -> Result<(), ServiceError> {
        let file = "①薬剤区分,⑤YJコード,⑥品名,⑫出荷対応の状況,⑬限定出荷／供給停止の理由,⑯出荷量の状況\n内用薬,2171022F5180,アムロジピン錠１０ｍｇ「サワイ」,2. 限定出荷（自社の事情）,3,B\n";
        let parsed = parse(file.as_bytes(), &TableLimits::default())?;
        let row = &parsed.rows[0];
        assert_eq!(row.product_code, "2171022F5180");
        assert_eq!(row.input.shipping_status, "2. 限定出荷（自社の事情）");
        assert_eq!(
            row.master_columns.len(),
            1,
            "⑥ identifies the drug; ① is not checked"
        );
        assert_eq!(
            parsed.headings.get("reason").map(String::as_str),
            Some("⑬限定出荷／供給停止の理由")
        );
        Ok(())
    }

    #[test]
    fn a_file_without_a_code_column_is_refused() {
        let error = parse("name,status\nx,1\n".as_bytes(), &TableLimits::default())
            .expect_err("no code column");
        assert!(matches!(error, ServiceError::Invalid(p) if p[0].code == "missing_column"));
    }
}
