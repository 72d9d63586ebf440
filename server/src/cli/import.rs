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

/// `import supply-list`: an edition of the ministry's list, checked whole, then stored in one
/// transaction with a progress bar. Returns the edition's date.
pub(super) async fn supply_list(
    db: &sea_orm::DatabaseConnection,
    file: &std::path::Path,
    edition: Option<chrono::NaiveDate>,
    limits: &supplywatch::services::table_file::TableLimits,
) -> anyhow::Result<chrono::NaiveDate> {
    use supplywatch::services::{supply_list, table_file};
    let started = std::time::Instant::now();
    let path = file.to_path_buf();
    let limits = limits.clone();
    let list = tokio::task::spawn_blocking(move || {
        let format = table_file::sniff(&path)?;
        let source = std::fs::File::open(&path).map_err(|e| {
            supplywatch::services::ServiceError::Internal(format!("Failed to open the file: {e}"))
        })?;
        supply_list::read_list(std::io::BufReader::new(source), format, &limits)
    })
    .await
    .context("The file reader stopped")?
    .map_err(explain)?;
    let file_name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let edition = edition
        .or(list.edition)
        .or_else(|| supply_list::read::edition_in_file_name(&file_name))
        .unwrap_or_else(|| {
            chrono::Utc::now()
                .with_timezone(&chrono_tz::Asia::Tokyo)
                .date_naive()
        });
    let entries = match supply_list::check(&list) {
        Ok(entries) => entries,
        Err(problems) => {
            eprintln!(
                "{} を取り込めません。{}件の誤りがあり、何も変更していません:",
                file.display(),
                problems.len()
            );
            for p in problems.iter().take(200) {
                let row = p.row.map_or_else(String::new, |r| format!("{r}行目 "));
                let column = p
                    .column
                    .as_deref()
                    .map_or_else(String::new, |c| format!("「{c}」"));
                eprintln!("  {row}{column}[{}] {}", p.field, p.message);
            }
            bail!("the list was refused: {} problems", problems.len());
        }
    };
    let bar = ProgressBar::new(entries.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 行 ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("取り込み中");
    let progress = |done: usize| bar.set_position(done as u64);
    let actor = Actor::system("import supply-list");
    let summary = supply_list::import(
        db,
        &entries,
        edition,
        &file_name,
        &actor,
        chrono::Utc::now(),
        &progress,
    )
    .await
    .map_err(explain)?;
    bar.finish_with_message("完了");
    let [normal, own, others, other, stopped] = summary.by_shipping;
    println!(
        "医療用医薬品供給状況 {edition} 版: {}品目（新規 {}、更新 {}、新たに登録した製造販売業者 {}、状況が変わった品目 {}）",
        summary.rows,
        summary.products_created,
        summary.products_updated,
        summary.makers_created,
        summary.reports
    );
    println!(
        "⑫ 通常出荷 {normal}、限定出荷（自社の事情） {own}、限定出荷（他社品の影響） {others}、限定出荷（その他） {other}、供給停止 {stopped}（{:.1} 秒）",
        started.elapsed().as_secs_f64()
    );
    Ok(edition)
}
