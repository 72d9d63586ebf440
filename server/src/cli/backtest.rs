//! `backtest-forecast`: the early-warning forecast replayed on a real edition and its recorded
//! changes, written as CSV (no database needed).

use std::path::{Path, PathBuf};

use anyhow::Context;
use supplywatch::services::early_warning::backtest;
use supplywatch::services::table_file::TableLimits;

use super::explain;

pub(super) async fn run(
    list: &Path,
    transitions: &Path,
    out: &Path,
    horizon: u32,
    limits: &TableLimits,
) -> anyhow::Result<()> {
    let (list, transitions, limits): (PathBuf, PathBuf, TableLimits) = (
        list.to_path_buf(),
        transitions.to_path_buf(),
        limits.clone(),
    );
    let days =
        tokio::task::spawn_blocking(move || backtest::run(&list, &transitions, horizon, &limits))
            .await
            .context("The replay stopped")?
            .map_err(explain)?;
    let file = std::fs::File::create(out)
        .with_context(|| format!("Failed to create {}", out.display()))?;
    let rows = backtest::write_csv(&days, std::io::BufWriter::new(file)).map_err(explain)?;
    let (first_day, last_day) = (days.first(), days.last());
    println!(
        "早期警戒の再現: {}〜{} の {}日、警戒 {rows}行を {} に書き出しました",
        first_day.map(|d| d.date.to_string()).unwrap_or_default(),
        last_day.map(|d| d.date.to_string()).unwrap_or_default(),
        days.len(),
        out.display()
    );
    Ok(())
}
