//! `import nhi-price-list`: a new edition of the price list, with a progress bar.

use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use supplywatch::services::audit::Actor;
use supplywatch::services::price_list;

use super::explain;

pub(super) async fn price_list(
    db: &sea_orm::DatabaseConnection,
    file: &PathBuf,
    edition: Option<String>,
    limits: &supplywatch::services::table_file::TableLimits,
) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(file).with_context(|| format!("Failed to read {}", file.display()))?;
    let file_name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let edition = edition
        .or_else(|| price_list::edition_from_file_name(&file_name))
        .unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
    let rows = match price_list::parse::parse_with(&bytes, limits) {
        Ok(rows) => rows,
        Err(problems) => {
            eprintln!(
                "{} を取り込めません。{}件の誤りがあり、何も変更していません:",
                file.display(),
                problems.len()
            );
            for p in &problems {
                let row = p.row.map_or_else(String::new, |r| format!("{r}行目 "));
                eprintln!("  {row}[{}] {}", p.field, p.message);
            }
            bail!("the price list was refused: {} problems", problems.len());
        }
    };
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 行 ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("取り込み中");
    let progress = |done: usize| bar.set_position(done as u64);
    let actor = Actor::system("import nhi-price-list");
    let summary = price_list::import(
        db,
        &rows,
        &edition,
        &file_name,
        &actor,
        chrono::Utc::now(),
        &progress,
    )
    .await
    .map_err(explain)?;
    bar.finish_with_message("完了");
    println!(
        "薬価基準 {edition} 版: {}行（新規 {}、更新 {}、新たに登録した製造販売業者 {}）",
        summary.rows, summary.created, summary.updated, summary.makers_created
    );
    Ok(())
}
