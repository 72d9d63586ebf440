//! The reference data in `../shared/data` (the real price list), found beside the repository.

use std::path::PathBuf;

/// The shared data folder: `SUPPLYWATCH_SHARED_DATA` or `../shared/data`.
fn dir() -> PathBuf {
    std::env::var_os("SUPPLYWATCH_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    )
}

/// One real edition of the ministry's list 「医療用医薬品供給状況」 (`day` as `2026-08-18`,
/// `extension` `xlsx` or `csv`), if present; missing is a failure under `CI=true`.
pub fn supply_list(day: &str, extension: &str) -> anyhow::Result<Option<PathBuf>> {
    let file = dir().join(format!("mhlw-supply/iyakuhinkyoukyu_{day}.{extension}"));
    if file.exists() {
        Ok(Some(file))
    } else if crate::in_ci() {
        anyhow::bail!(
            "CI=true but the ministry's list is missing at {}",
            file.display()
        )
    } else {
        eprintln!(
            "note: {} not found; skipping the ministry-list test",
            file.display()
        );
        Ok(None)
    }
}

/// The real price list of 2025-07-16, if present: `SUPPLYWATCH_SHARED_DATA` or `../shared/data`.
/// Missing is a failure under `CI=true`, a skip otherwise (a clone without `shared/`).
pub fn price_list() -> anyhow::Result<Option<PathBuf>> {
    let dir = std::env::var_os("SUPPLYWATCH_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    );
    let file = dir.join("nhi_price_list_20250716.csv");
    if file.exists() {
        Ok(Some(file))
    } else if crate::in_ci() {
        anyhow::bail!(
            "CI=true but the price list is missing at {}",
            file.display()
        )
    } else {
        eprintln!(
            "note: {} not found; skipping the real price-list test",
            file.display()
        );
        Ok(None)
    }
}
