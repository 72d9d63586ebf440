//! `backup --out FILE`, `restore --from FILE` (into an empty database) and `verify`.

use std::path::Path;

use anyhow::Context;
use supplywatch::services::backup;
use supplywatch::settings::Settings;

use super::{explain, redact};

/// Backs up the configured database (migrated first, as the server would be).
pub(super) async fn create(settings: &Settings, out: &Path) -> anyhow::Result<()> {
    let db = supplywatch::db::connect(&settings.database_url)
        .await
        .with_context(|| {
            format!(
                "Failed to open the database {}",
                redact(&settings.database_url)
            )
        })?;
    supplywatch::db::migrate(&db)
        .await
        .context("Failed to migrate the database")?;
    let outcome = backup::create(&db, &settings.database_url, out, chrono::Utc::now())
        .await
        .map_err(explain)?;
    let rows: u64 = outcome.manifest.tables.values().sum();
    println!(
        "バックアップしました: {}（{} バイト、{} テーブル、{rows} 行）",
        outcome.path.display(),
        outcome.bytes,
        outcome.manifest.tables.len()
    );
    Ok(())
}

/// Restores into the configured database, which must be empty (not migrated first).
pub(super) async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<()> {
    let manifest = backup::restore(&settings.database_url, from, chrono::Utc::now())
        .await
        .map_err(explain)?;
    println!(
        "{} に復元しました（{} 時点のバックアップ）。supplywatch verify で確認してください",
        redact(&settings.database_url),
        manifest
            .taken_at
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .format("%Y-%m-%d %H:%M:%S")
    );
    Ok(())
}

/// Verifies the configured (restored) database against its backup's manifest; fails on any
/// mismatch.
pub(super) async fn verify(settings: &Settings) -> anyhow::Result<()> {
    let db = supplywatch::db::connect(&settings.database_url)
        .await
        .with_context(|| {
            format!(
                "Failed to open the database {}",
                redact(&settings.database_url)
            )
        })?;
    let findings = backup::verify(&db).await.map_err(explain)?;
    for f in &findings {
        println!(
            "{} {}: {}",
            if f.ok { "OK  " } else { "不一致" },
            f.what,
            f.detail
        );
    }
    let bad = findings.iter().filter(|f| !f.ok).count();
    anyhow::ensure!(bad == 0, "検証に失敗しました: {bad} 件の不一致があります");
    println!("検証しました: {} 項目すべて一致", findings.len());
    Ok(())
}
