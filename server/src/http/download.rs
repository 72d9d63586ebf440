//! File downloads: a body with its type and an `attachment` file name; CSV that opens in Excel.

use actix_web::HttpResponse;
use actix_web::http::header;

use crate::services::ServiceError;

/// Content type of XLSX files.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Content type of the CSV files (UTF-8 with BOM).
pub const CSV: &str = "text/csv; charset=utf-8";

/// `bytes` offered for download as `file_name`.
pub fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes)
}

/// A CSV download (UTF-8 with BOM) of `rows` under `header_row`.
pub fn csv<R, F>(
    file_name: &str,
    header_row: &[&str],
    rows: R,
) -> Result<HttpResponse, ServiceError>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let bytes = supplywatch_reports::csv_excel::write(header_row, rows)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(attachment(CSV, file_name, bytes))
}
