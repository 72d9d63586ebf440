//! Backups with restore checks, on every configured database: a backup taken while reports keep
//! arriving restores into an empty database with every report acknowledged before it, `verify`
//! finds the manifest's counts and checksums, a tampered restore fails verification, a restore
//! refuses a database that is not empty, and the nightly job keeps the newest N.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};
use supplywatch::db::entity::supply_status_report;
use supplywatch::services::ServiceError;
use supplywatch::services::backup;
use supplywatch_tests::backends::FreshDatabase;
use supplywatch_tests::{Backend, TestApp, backends};
use tokio::sync::Mutex;

/// A drug of maker2's.
async fn maker_drug(app: &TestApp, token: &str) -> anyhow::Result<String> {
    let me = app.get_json("/api/v1/me", token).await?;
    let org = me["organization"]["id"].as_i64().unwrap_or_default();
    let products = app
        .get_json(
            &format!("/api/v1/products?maker_id={org}&per_page=100"),
            token,
        )
        .await?;
    products["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["kind"] == "drug"))
        .and_then(|i| i["code"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("maker2 has no drug"))
}

/// Deletes one report from a restored database: `verify` names its table's count and checksum.
async fn a_lost_report_is_found(
    restored: &sea_orm::DatabaseConnection,
    receipt: &str,
) -> anyhow::Result<()> {
    restored
        .execute(Statement::from_string(
            restored.get_database_backend(),
            format!("DELETE FROM supply_status_reports WHERE receipt_number = '{receipt}'"),
        ))
        .await?;
    let findings = backup::verify(restored).await?;
    let broken: Vec<&str> = findings
        .iter()
        .filter(|f| !f.ok)
        .map(|f| f.what.as_str())
        .collect();
    assert_eq!(
        broken,
        [
            "supply_status_reports の行数",
            "supply_status_reports のチェックサム"
        ],
        "{findings:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_every_acknowledged_report() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("maker2@demo.example").await?;
        let code = maker_drug(&app, &token).await?;
        let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for _ in 0..3 {
            let (client, url, token, code) = (
                app.client.clone(),
                app.url("/api/v1/supply-status-reports"),
                token.clone(),
                code.clone(),
            );
            let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
            writers.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let response = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"product_code": code, "shipping_status": "1", "volume_status": "A"}))
                        .send()
                        .await?;
                    if response.status() == StatusCode::CREATED {
                        let body: Value = response.json().await?;
                        if let Some(receipt) = body["receipt_number"].as_str() {
                            acknowledged.lock().await.push(receipt.to_owned());
                        }
                    }
                }
                Ok::<_, anyhow::Error>(())
            }));
        }
        while acknowledged.lock().await.len() < 20 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let before: Vec<String> = acknowledged.lock().await.clone();
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("under-load.swbackup");
        let outcome =
            backup::create(&app.db, app.database_url(), &file, chrono::Utc::now()).await?;
        // Writing went on during the backup.
        let during = acknowledged.lock().await.len();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        stop.store(true, Ordering::SeqCst);
        for writer in writers {
            writer.await??;
        }
        let total = acknowledged.lock().await.len();
        assert!(
            total > before.len(),
            "reports kept arriving ({total} > {})",
            before.len()
        );
        assert!(
            outcome.bytes > 0
                && outcome
                    .manifest
                    .tables
                    .contains_key("supply_status_reports")
        );

        let target = FreshDatabase::create(&backend).await?;
        let manifest = backup::restore(&target.url, &file, chrono::Utc::now()).await?;
        assert_eq!(manifest, outcome.manifest);
        let restored = supplywatch::db::connect(&target.url).await?;
        let findings = backup::verify(&restored).await?;
        assert!(findings.iter().all(|f| f.ok), "{findings:?}");
        assert!(
            findings.len() > 20,
            "integrity, every table, two checksums: {findings:?}"
        );
        let receipts: std::collections::HashSet<String> = supply_status_report::Entity::find()
            .all(&restored)
            .await?
            .into_iter()
            .map(|r| r.receipt_number)
            .collect();
        let missing: Vec<&String> = before.iter().filter(|r| !receipts.contains(*r)).collect();
        assert!(missing.is_empty(), "{} lost {missing:?}", backend.name());
        let live = supply_status_report::Entity::find()
            .all(&app.db)
            .await?
            .len();
        assert!(
            receipts.len() <= live && receipts.len() >= before.len(),
            "{} restored, {live} live, {during} acknowledged when the backup ended",
            receipts.len()
        );

        a_lost_report_is_found(&restored, &before[0]).await?;
        restored.close().await.ok();

        // The live database is not empty: a restore into it is refused and changes nothing.
        let refused = backup::restore(app.database_url(), &file, chrono::Utc::now()).await;
        assert!(
            matches!(refused, Err(ServiceError::Conflict(_))),
            "{refused:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_nightly_backup_keeps_the_newest_n() -> anyhow::Result<()> {
    for backend in backends()? {
        the_nightly_backup_keeps_the_newest_n_on(backend).await?;
    }
    Ok(())
}

async fn the_nightly_backup_keeps_the_newest_n_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("notes.txt"), "not a backup")?;
    let start = chrono::Utc::now();
    let mut written = Vec::new();
    for day in 0..4 {
        let now = start + chrono::Duration::days(day);
        let (outcome, removed) =
            backup::nightly(&app.db, app.database_url(), dir.path(), 2, now).await?;
        written.push(outcome.path);
        assert_eq!(removed.len(), usize::from(day >= 2), "day {day}");
    }
    let mut left: Vec<String> = std::fs::read_dir(dir.path())?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let newest: Vec<String> = written[2..]
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    assert_eq!(
        left,
        ["notes.txt".to_owned(), newest[0].clone(), newest[1].clone()]
    );
    Ok(())
}
