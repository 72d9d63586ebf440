//! The reference data in `../shared/data` (the real price list), found beside the repository.

use std::path::PathBuf;

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
