//! The backup file: a zip (stored, not compressed) holding `manifest.json` and the database
//! file (`database.sqlite` or `database.pgdump`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{Manifest, io_error};
use crate::services::ServiceError;

const MANIFEST: &str = "manifest.json";

fn zip_error(e: &zip::result::ZipError) -> ServiceError {
    ServiceError::Internal(format!("The backup file does not read as a backup: {e}"))
}

/// Writes the archive at `path`.
pub async fn write(path: &Path, manifest: &Manifest, database: &Path) -> Result<(), ServiceError> {
    let json = manifest.to_json()?;
    let (path, database) = (path.to_owned(), database.to_owned());
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::create(&path)
            .map_err(|e| io_error("Failed to create the backup", &e))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        zip.start_file(MANIFEST, options)
            .map_err(|e| zip_error(&e))?;
        zip.write_all(json.as_bytes())
            .map_err(|e| io_error("Failed to write the manifest", &e))?;
        let name = database
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("database")
            .to_owned();
        zip.start_file(name, options).map_err(|e| zip_error(&e))?;
        let mut source =
            std::fs::File::open(&database).map_err(|e| io_error("Failed to read the dump", &e))?;
        std::io::copy(&mut source, &mut zip)
            .map_err(|e| io_error("Failed to write the backup", &e))?;
        let mut inner = zip.finish().map_err(|e| zip_error(&e))?;
        inner
            .flush()
            .map_err(|e| io_error("Failed to write the backup", &e))?;
        inner
            .get_ref()
            .sync_all()
            .map_err(|e| io_error("Failed to flush the backup to disk", &e))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("The backup thread failed: {e}")))?
}

/// Reads the manifest and extracts the database file into `work`.
pub async fn read(path: &Path, work: &Path) -> Result<(Manifest, PathBuf), ServiceError> {
    let (path, work) = (path.to_owned(), work.to_owned());
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path)
            .map_err(|e| io_error(&format!("Failed to open {}", path.display()), &e))?;
        let mut zip =
            zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| zip_error(&e))?;
        let mut json = String::new();
        zip.by_name(MANIFEST)
            .map_err(|e| zip_error(&e))?
            .read_to_string(&mut json)
            .map_err(|e| io_error("Failed to read the manifest", &e))?;
        let manifest = Manifest::from_json(&json)?;
        let name = match manifest.backend.as_str() {
            "postgres" => "database.pgdump",
            _ => "database.sqlite",
        };
        let target = work.join(name);
        let mut entry = zip.by_name(name).map_err(|e| zip_error(&e))?;
        let mut out = std::fs::File::create(&target)
            .map_err(|e| io_error("Failed to extract the backup", &e))?;
        std::io::copy(&mut entry, &mut out)
            .map_err(|e| io_error("Failed to extract the backup", &e))?;
        Ok((manifest, target))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("The restore thread failed: {e}")))?
}
