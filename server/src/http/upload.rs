//! Reading a multipart upload: the `file` part (size-limited) and any text fields beside it.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use super::error::AppError;
use crate::services::{FieldProblem, ServiceError};

/// Largest accepted file: a national file of 16,000 rows is about 2 MB as XLSX.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// An uploaded file and the form's other fields.
#[derive(Debug, Default)]
pub struct Upload {
    /// The file's name as sent.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Other text fields (e.g. the form token).
    pub fields: HashMap<String, String>,
}

/// Reads the whole multipart body; a missing or oversized `file` part is a 422 naming `file`.
pub async fn read(mut payload: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let mut found = false;
    while let Some(part) = payload.next().await {
        let mut part =
            part.map_err(|e| AppError::bad_request(format!("マルチパート形式を読めません: {e}")))?;
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk
                .map_err(|e| AppError::bad_request(format!("アップロードを読めません: {e}")))?;
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(ServiceError::invalid(FieldProblem::new(
                    "file",
                    "too_large",
                    format!(
                        "ファイルが大きすぎます（上限 {} MB）",
                        MAX_FILE_BYTES / 1024 / 1024
                    ),
                ))
                .into());
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            found = true;
            upload.file_name = file_name.unwrap_or_default();
            upload.bytes = bytes;
        } else {
            upload
                .fields
                .insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    if !found || upload.bytes.is_empty() {
        return Err(ServiceError::invalid(FieldProblem::new(
            "file",
            "required",
            "アップロードするファイル（file）を指定してください",
        ))
        .into());
    }
    Ok(upload)
}

/// Largest purchase-history file: a wholesaler's national month is ≈4 million rows (≈200 MB).
pub const MAX_LARGE_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// An uploaded file written to a temporary file on disk as it arrives.
#[derive(Debug)]
pub struct FileUpload {
    /// The file's name as sent.
    pub file_name: String,
    /// Where its bytes are; removed when dropped.
    pub file: tempfile::NamedTempFile,
    /// Other text fields (e.g. the form token).
    pub fields: HashMap<String, String>,
}

/// Streams the `file` part to disk (never whole in memory); a missing, empty or oversized file
/// is a 422 naming `file`.
pub async fn read_to_file(mut payload: Multipart) -> Result<FileUpload, AppError> {
    use tokio::io::AsyncWriteExt as _;

    let failed = |e: std::io::Error| {
        AppError::from(ServiceError::Internal(format!(
            "Failed to store the upload on disk: {e}"
        )))
    };
    let mut fields = HashMap::new();
    let mut found: Option<(String, tempfile::NamedTempFile, u64)> = None;
    while let Some(part) = payload.next().await {
        let mut part =
            part.map_err(|e| AppError::bad_request(format!("マルチパート形式を読めません: {e}")))?;
        let name = part.name().unwrap_or_default().to_owned();
        if name != "file" {
            let mut bytes = Vec::new();
            while let Some(chunk) = part.next().await {
                let chunk = chunk
                    .map_err(|e| AppError::bad_request(format!("アップロードを読めません: {e}")))?;
                if bytes.len() + chunk.len() > 64 * 1024 {
                    return Err(AppError::bad_request(format!("項目 {name} が長すぎます")));
                }
                bytes.extend_from_slice(&chunk);
            }
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            continue;
        }
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .to_owned();
        let temp = tempfile::NamedTempFile::new().map_err(failed)?;
        let mut writer = tokio::io::BufWriter::with_capacity(
            1 << 20,
            tokio::fs::File::from_std(temp.reopen().map_err(failed)?),
        );
        let mut size = 0u64;
        while let Some(chunk) = part.next().await {
            let chunk = chunk
                .map_err(|e| AppError::bad_request(format!("アップロードを読めません: {e}")))?;
            size += chunk.len() as u64;
            if size > MAX_LARGE_FILE_BYTES {
                return Err(ServiceError::invalid(FieldProblem::new(
                    "file",
                    "too_large",
                    format!(
                        "ファイルが大きすぎます（上限 {} GB）。月や得意先で分けてアップロードしてください",
                        MAX_LARGE_FILE_BYTES >> 30
                    ),
                ))
                .into());
            }
            writer.write_all(&chunk).await.map_err(failed)?;
        }
        writer.flush().await.map_err(failed)?;
        found = Some((file_name, temp, size));
    }
    match found {
        Some((file_name, file, size)) if size > 0 => Ok(FileUpload {
            file_name,
            file,
            fields,
        }),
        _ => Err(ServiceError::invalid(FieldProblem::new(
            "file",
            "required",
            "アップロードするファイル（file）を指定してください",
        ))
        .into()),
    }
}
