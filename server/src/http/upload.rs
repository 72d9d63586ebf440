//! Reading a multipart upload: the `file` part (size-limited) and a few short text fields beside
//! it, under the upload limits — parts per request, text-field size, uploads running at once per
//! user and bytes spooled to disk by all uploads together.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use actix_multipart::{Field, Multipart};
use futures_util::StreamExt;

use super::error::AppError;
use crate::services::{FieldProblem, ServiceError};

/// Largest accepted file held in memory: a national file of 16,000 rows is about 2 MB as XLSX.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Largest purchase-history file: a wholesaler's national month is ≈4 million rows (≈200 MB).
pub const MAX_LARGE_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Parts a multipart body may have (the file, the form token and a few more).
pub const MAX_PARTS: usize = 8;

/// Bytes of a text field beside the file.
pub const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// The upload limits shared by every request of a server.
#[derive(Debug)]
pub struct UploadGate {
    per_user: usize,
    disk_budget: u64,
    running: Mutex<HashMap<i32, usize>>,
    spooled: AtomicU64,
}

impl UploadGate {
    /// At most `per_user` uploads at once per user, and `disk_budget` bytes spooled by all.
    pub fn new(per_user: usize, disk_budget: u64) -> Self {
        Self {
            per_user,
            disk_budget,
            running: Mutex::default(),
            spooled: AtomicU64::new(0),
        }
    }

    /// Lets one more upload of `user_id` in, or refuses (429) while the user has enough running.
    pub fn enter(self: &Arc<Self>, user_id: i32) -> Result<UploadTurn, AppError> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let count = running.entry(user_id).or_default();
        if *count >= self.per_user {
            return Err(ServiceError::Busy {
                message: format!(
                    "同時に実行できるアップロードは{}件までです。前のアップロードが終わってからもう一度お試しください",
                    self.per_user
                ),
                retry_after: 10,
            }
            .into());
        }
        *count += 1;
        Ok(UploadTurn {
            gate: Arc::clone(self),
            user_id,
        })
    }

    /// Reserves `bytes` more of the disk budget, or refuses (429) when it is spent.
    fn reserve(&self, bytes: u64) -> Result<(), AppError> {
        let before = self.spooled.fetch_add(bytes, Ordering::SeqCst);
        if before.saturating_add(bytes) > self.disk_budget {
            self.spooled.fetch_sub(bytes, Ordering::SeqCst);
            return Err(ServiceError::Busy {
                message: "サーバーが受け付け中のアップロードで一杯です。しばらくしてからもう一度お試しください".into(),
                retry_after: 60,
            }
            .into());
        }
        Ok(())
    }

    fn release(&self, bytes: u64) {
        self.spooled.fetch_sub(bytes, Ordering::SeqCst);
    }
}

/// One running upload of a user; the place is given back when dropped.
#[derive(Debug)]
pub struct UploadTurn {
    gate: Arc<UploadGate>,
    user_id: i32,
}

impl Drop for UploadTurn {
    fn drop(&mut self) {
        let mut running = self
            .gate
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = running.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                running.remove(&self.user_id);
            }
        }
    }
}

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

fn unreadable(e: &dyn std::fmt::Display) -> AppError {
    AppError::bad_request(format!("アップロードを読めません: {e}"))
}

fn too_large(message: String) -> AppError {
    ServiceError::TooLarge(vec![FieldProblem::new("file", "max_file_bytes", message)]).into()
}

fn missing_file() -> AppError {
    ServiceError::invalid(FieldProblem::new(
        "file",
        "required",
        "アップロードするファイル（file）を指定してください",
    ))
    .into()
}

/// Reads and drops what is left of a refused body, up to 1 MB, so that the client (still
/// sending) can read the refusal instead of a reset connection.
async fn drain(payload: &mut Multipart) {
    let mut left: usize = 1 << 20;
    while let Some(Ok(mut part)) = payload.next().await {
        while let Some(Ok(chunk)) = part.next().await {
            left = left.saturating_sub(chunk.len());
            if left == 0 {
                return;
            }
        }
    }
}

/// The next part, refused past [`MAX_PARTS`].
async fn next_part(payload: &mut Multipart, parts: &mut usize) -> Result<Option<Field>, AppError> {
    let Some(part) = payload.next().await else {
        return Ok(None);
    };
    *parts += 1;
    if *parts > MAX_PARTS {
        drop(part);
        drain(payload).await;
        return Err(AppError::bad_request(format!(
            "マルチパートの項目が多すぎます（上限 {MAX_PARTS} 個）"
        )));
    }
    part.map(Some)
        .map_err(|e| AppError::bad_request(format!("マルチパート形式を読めません: {e}")))
}

/// A text field, refused past [`MAX_TEXT_FIELD_BYTES`].
async fn text_field(part: &mut Field, name: &str) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|e| unreadable(&e))?;
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
            return Err(AppError::bad_request(format!(
                "項目 {name} が長すぎます（上限 {} KB）",
                MAX_TEXT_FIELD_BYTES / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Reads the whole multipart body into memory; a missing file is a 422 naming `file`, one past
/// [`MAX_FILE_BYTES`] a 413.
pub async fn read(mut payload: Multipart, _turn: &UploadTurn) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let (mut found, mut parts) = (false, 0);
    while let Some(mut part) = next_part(&mut payload, &mut parts).await? {
        let name = part.name().unwrap_or_default().to_owned();
        if name != "file" || found {
            let text = text_field(&mut part, &name).await;
            drop(part);
            if text.is_err() {
                drain(&mut payload).await;
            }
            upload.fields.insert(name, text?);
            continue;
        }
        upload.file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned)
            .unwrap_or_default();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| unreadable(&e))?;
            if upload.bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(too_large(format!(
                    "ファイルが大きすぎます（上限 {} MB）",
                    MAX_FILE_BYTES / 1024 / 1024
                )));
            }
            upload.bytes.extend_from_slice(&chunk);
        }
        found = true;
    }
    if !found || upload.bytes.is_empty() {
        return Err(missing_file());
    }
    Ok(upload)
}

/// An uploaded file written to a temporary file on disk as it arrives.
#[derive(Debug)]
pub struct FileUpload {
    /// The file's name as sent.
    pub file_name: String,
    /// Where its bytes are; removed when dropped.
    pub file: tempfile::NamedTempFile,
    /// Other text fields (e.g. the form token).
    pub fields: HashMap<String, String>,
    /// Its share of the disk budget, held only to be given back when dropped.
    _spooled: Spooled,
}

/// Bytes of the disk budget held by one spooled file.
#[derive(Debug)]
struct Spooled {
    gate: Arc<UploadGate>,
    bytes: u64,
}

impl Drop for Spooled {
    fn drop(&mut self) {
        self.gate.release(self.bytes);
    }
}

/// Streams the `file` part to disk (never whole in memory) within the disk budget; a missing or
/// empty file is a 422 naming `file`, one past [`MAX_LARGE_FILE_BYTES`] a 413.
pub async fn read_to_file(
    mut payload: Multipart,
    turn: &UploadTurn,
) -> Result<FileUpload, AppError> {
    use tokio::io::AsyncWriteExt as _;

    let failed = |e: std::io::Error| {
        AppError::from(ServiceError::Internal(format!(
            "Failed to store the upload on disk: {e}"
        )))
    };
    let mut fields = HashMap::new();
    let mut found: Option<(String, tempfile::NamedTempFile, Spooled)> = None;
    let mut parts = 0;
    while let Some(mut part) = next_part(&mut payload, &mut parts).await? {
        let name = part.name().unwrap_or_default().to_owned();
        if name != "file" || found.is_some() {
            let text = text_field(&mut part, &name).await;
            drop(part);
            if text.is_err() {
                drain(&mut payload).await;
            }
            fields.insert(name, text?);
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
        let mut spooled = Spooled {
            gate: Arc::clone(&turn.gate),
            bytes: 0,
        };
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| unreadable(&e))?;
            let size = chunk.len() as u64;
            if spooled.bytes + size > MAX_LARGE_FILE_BYTES {
                return Err(too_large(format!(
                    "ファイルが大きすぎます（上限 {} GB）。月や得意先で分けてアップロードしてください",
                    MAX_LARGE_FILE_BYTES >> 30
                )));
            }
            turn.gate.reserve(size)?;
            spooled.bytes += size;
            writer.write_all(&chunk).await.map_err(failed)?;
        }
        writer.flush().await.map_err(failed)?;
        found = Some((file_name, temp, spooled));
    }
    match found {
        Some((file_name, file, spooled)) if spooled.bytes > 0 => Ok(FileUpload {
            file_name,
            file,
            fields,
            _spooled: spooled,
        }),
        _ => Err(missing_file()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_past_the_concurrent_uploads_waits_and_gets_the_place_back() {
        let gate = Arc::new(UploadGate::new(2, 1024));
        let first = gate.enter(7);
        let second = gate.enter(7);
        assert!(first.is_ok() && second.is_ok());
        assert!(gate.enter(7).is_err(), "a third upload of the same user");
        assert!(gate.enter(8).is_ok(), "another user is not held up");
        drop(first);
        assert!(gate.enter(7).is_ok(), "the place comes back");
    }

    #[test]
    fn the_disk_budget_is_shared_and_given_back() {
        let gate = Arc::new(UploadGate::new(2, 1000));
        assert!(gate.reserve(600).is_ok());
        assert!(gate.reserve(600).is_err(), "past the budget");
        let held = Spooled {
            gate: Arc::clone(&gate),
            bytes: 600,
        };
        drop(held);
        assert!(gate.reserve(1000).is_ok());
    }
}
