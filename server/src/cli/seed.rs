//! `seed`: the demo set, or the national-scale history.

use std::path::PathBuf;

use secrecy::ExposeSecret;
use supplywatch::seeding::demo as demo_set;
use supplywatch::seeding::national;
use supplywatch::services::audit::Actor;
use supplywatch::services::table_file::TableLimits;
use supplywatch::settings::Settings;

use super::explain;

pub(super) async fn demo(
    db: &sea_orm::DatabaseConnection,
    settings: &Settings,
) -> anyhow::Result<()> {
    let loaded = demo_set::load_if_empty(db, settings.demo_password.clone(), chrono::Utc::now())
        .await
        .map_err(explain)?;
    match loaded {
        None => println!("デモデータ: 既に利用者がいるため読み込みませんでした"),
        Some(accounts) => {
            println!("デモデータを読み込みました。デモアカウント（パスワードは共通）:");
            for (email, role) in &accounts.accounts {
                println!("  {email:<28} {role}");
            }
            println!("  パスワード: {}", accounts.password.expose_secret());
        }
    }
    Ok(())
}

pub(super) async fn national(
    db: &sea_orm::DatabaseConnection,
    file: &PathBuf,
    until: Option<chrono::NaiveDate>,
    seed: u64,
) -> anyhow::Result<()> {
    super::import::price_list(db, file, None, &TableLimits::default()).await?;
    let until = until
        .unwrap_or_else(|| supplywatch::services::publication::week_ending(chrono::Utc::now()));
    println!("全国規模の供給状況の履歴を生成しています（{until} までの3年間、seed {seed}）…");
    let started = std::time::Instant::now();
    let summary = national::seed(
        db,
        until,
        seed,
        &Actor::system("seed national"),
        chrono::Utc::now(),
    )
    .await
    .map_err(explain)?;
    println!(
        "{}品目・{}件の報告と{}週分の集計を保存しました（{} 〜 {}、{:.1}秒）",
        summary.products,
        summary.reports,
        summary.weeks,
        summary.span.0,
        summary.span.1,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The national set from real data: the price list, then each edition of the ministry's list in
/// order (statuses recorded as the ministry gave them, only what changed between editions), each
/// frozen as its day's publication; nothing simulated. Refuses a database that holds reports.
pub(super) async fn national_editions(
    db: &sea_orm::DatabaseConnection,
    price_list: &PathBuf,
    editions: &[PathBuf],
    settings: &Settings,
) -> anyhow::Result<()> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use supplywatch::db::entity::supply_status_report;
    if supply_status_report::Entity::find().count(db).await? > 0 {
        anyhow::bail!(
            "供給状況報告が既にあるため、全国規模のデータは読み込みません（空のデータベースで実行してください）"
        );
    }
    super::import::price_list(db, price_list, None, &settings.table_limits).await?;
    let actor = Actor::system("seed national");
    for file in editions {
        let edition = super::import::supply_list(db, file, None, &settings.table_limits).await?;
        let (publication, _) =
            supplywatch::services::publication::publish_edition(db, &actor, edition)
                .await
                .map_err(explain)?;
        println!(
            "{edition} の公表（{}品目）を保存しました",
            publication.row_count
        );
    }
    Ok(())
}

pub(super) async fn national_allocation(
    db: &sea_orm::DatabaseConnection,
    settings: &Settings,
    until: Option<chrono::NaiveDate>,
    seed: u64,
    products: usize,
) -> anyhow::Result<()> {
    let until = until
        .unwrap_or_else(|| supplywatch::services::publication::week_ending(chrono::Utc::now()));
    let password = settings
        .demo_password
        .as_ref()
        .map_or_else(demo_set::random_password, |p| p.expose_secret().to_owned());
    println!(
        "全国規模の配分データ（卸60社・得意先・限定出荷{products}品目の販売実績・出荷数量）を生成しています…"
    );
    let started = std::time::Instant::now();
    let summary = national::allocation::seed(
        db,
        until,
        seed,
        products,
        &password,
        &Actor::system("seed national"),
        chrono::Utc::now(),
        |done, name, rows| println!("  卸 {done:>2}/60 {name}: 販売実績 {rows} 行"),
    )
    .await
    .map_err(explain)?;
    println!(
        "卸{}社・得意先{}件・販売実績{}行（基準月 {}）と{}品目の出荷数量（対象月 {}）を保存しました（{:.1}秒）",
        summary.wholesalers,
        summary.customers,
        summary.purchases,
        supplywatch::services::allocation::values::month_text(summary.baseline_month),
        summary.products.len(),
        supplywatch::services::allocation::values::month_text(summary.target_month),
        started.elapsed().as_secs_f64()
    );
    println!(
        "  卸のアカウント: w01@wholesaler.national.example 〜 w60@…（パスワード: {password}）"
    );
    Ok(())
}
