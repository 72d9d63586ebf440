//! Schema changes that move stored data: purchases kept one row per customer before migration 8
//! are packed per (product, month, wholesaler) without losing a quantity, and unpacked again by
//! its `down` — on SQLite and PostgreSQL.

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use sea_orm_migration::MigratorTrait;
use supplywatch::db::migration::Migrator;
use supplywatch::db::packed::{self, Purchase};
use supplywatch_tests::backends;
use supplywatch_tests::backends::FreshDatabase;

const AT: &str = "'2026-12-02T00:00:00Z'";

async fn run(db: &sea_orm::DatabaseConnection, sql: &str) -> anyhow::Result<()> {
    db.execute(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(())
}

/// (product, month, wholesaler, customer, quantity) of every stored purchase, in key order.
async fn rows(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Vec<[i64; 5]>> {
    let found = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT product_id, month, wholesaler_id, customer_id, quantity FROM purchases \
             ORDER BY product_id, month, wholesaler_id, customer_id",
        ))
        .await?;
    found
        .iter()
        .map(|r| {
            Ok([
                i64::from(r.try_get_by_index::<i32>(0)?),
                i64::from(r.try_get_by_index::<i32>(1)?),
                i64::from(r.try_get_by_index::<i32>(2)?),
                i64::from(r.try_get_by_index::<i32>(3)?),
                r.try_get_by_index::<i64>(4)?,
            ])
        })
        .collect()
}

/// Two wholesalers, two products, four customers and `rows` as schema 7 stored them.
async fn store_rows_of_schema_7(
    db: &sea_orm::DatabaseConnection,
    before: &[[i64; 5]],
) -> anyhow::Result<()> {
    for (kind, name) in [("wholesaler", "卸A"), ("wholesaler", "卸B")] {
        run(db, &format!("INSERT INTO organizations (kind, name, created_at) VALUES ('{kind}', '{name}', {AT})")).await?;
    }
    for code in ["2171022F5180", "2171022F5075"] {
        run(db, &format!(
            "INSERT INTO products (code, kind, name, pharmacopoeia, narcotic, basic_drug, search_text, created_at, updated_at) \
             VALUES ('{code}', 'drug', '{code}', false, false, false, '{code}', {AT}, {AT})"
        )).await?;
    }
    for (wholesaler, code) in [(1, "C1"), (1, "C2"), (2, "C1"), (1, "C3")] {
        run(db, &format!(
            "INSERT INTO customers (wholesaler_id, code, name, created_at, updated_at) VALUES ({wholesaler}, '{code}', '{code}', {AT}, {AT})"
        )).await?;
    }
    for (i, [p, m, w, c, q]) in before.iter().enumerate() {
        run(db, &format!(
            "INSERT INTO purchases (product_id, month, wholesaler_id, customer_id, quantity, upload_id) VALUES ({p}, {m}, {w}, {c}, {q}, {})",
            10 + i
        )).await?;
    }

    Ok(())
}

#[tokio::test]
async fn purchases_stored_one_row_per_customer_are_packed_and_unpacked_without_loss()
-> anyhow::Result<()> {
    for backend in backends()? {
        let fresh = FreshDatabase::create(&backend).await?;
        let db = Database::connect(fresh.url.as_str()).await?;
        Migrator::up(&db, Some(7)).await?;
        let before: Vec<[i64; 5]> = vec![
            [1, 202_412, 1, 1, 40],
            [1, 202_412, 1, 2, 0],
            [1, 202_412, 1, 4, 9_000_000_000],
            [1, 202_412, 2, 3, 7],
            [1, 202_501, 1, 1, 5],
            [2, 202_412, 1, 2, 11],
        ];
        store_rows_of_schema_7(&db, &before).await?;

        Migrator::up(&db, None).await?;
        let packs = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                "SELECT product_id, month, wholesaler_id, customers, quantity, purchases, upload_id \
                 FROM purchase_packs ORDER BY product_id, month, wholesaler_id",
            ))
            .await?;
        let mut keys = Vec::new();
        for pack in &packs {
            let key: (i32, i32, i32) = (
                pack.try_get_by_index(0)?,
                pack.try_get_by_index(1)?,
                pack.try_get_by_index(2)?,
            );
            let bytes: Vec<u8> = pack.try_get_by_index(5)?;
            let purchases = packed::purchases::unpack(&bytes)?;
            let count: i32 = pack.try_get_by_index(3)?;
            let total: i64 = pack.try_get_by_index(4)?;
            assert_eq!(usize::try_from(count)?, purchases.len());
            assert_eq!(
                u64::try_from(total)?,
                purchases.iter().map(|p| p.quantity).sum::<u64>()
            );
            if key == (1, 202_412, 1) {
                let p = |customer_id, quantity| Purchase {
                    customer_id,
                    quantity,
                };
                assert_eq!(purchases, [p(1, 40), p(2, 0), p(4, 9_000_000_000)]);
                let upload: i32 = pack.try_get_by_index(6)?;
                assert_eq!(
                    upload,
                    12,
                    "{}: the newest upload of the pack's rows",
                    backend.name()
                );
            }
            keys.push(key);
        }
        assert_eq!(
            keys,
            [
                (1, 202_412, 1),
                (1, 202_412, 2),
                (1, 202_501, 1),
                (2, 202_412, 1)
            ],
            "{}",
            backend.name()
        );
        let gone = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                match db.get_database_backend() {
                    DbBackend::Postgres => {
                        "SELECT 1 FROM information_schema.tables WHERE table_name = 'purchases'"
                    }
                    _ => "SELECT 1 FROM sqlite_master WHERE name = 'purchases'",
                },
            ))
            .await?;
        assert!(
            gone.is_empty(),
            "{}: the row table is dropped",
            backend.name()
        );

        // Back to schema 7: every migration after it undone (later ones may have been added).
        let after_seven = u32::try_from(Migrator::migrations().len())? - 7;
        Migrator::down(&db, Some(after_seven)).await?;
        assert_eq!(rows(&db).await?, before, "{}", backend.name());
        db.close().await?;
    }
    Ok(())
}

/// (lead time, reasons) of every stored substitute answer, in id order; the lead time column is
/// named as the schema at hand names it.
async fn answers(
    db: &sea_orm::DatabaseConnection,
    lead_column: &str,
) -> anyhow::Result<Vec<(Option<i32>, Option<String>)>> {
    let found = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT {lead_column}, not_possible_reason FROM substitute_responses ORDER BY id"
            ),
        ))
        .await?;
    found
        .iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect()
}

#[tokio::test]
async fn lead_times_stored_in_whole_months_become_tenths_and_come_back() -> anyhow::Result<()> {
    for backend in backends()? {
        let fresh = FreshDatabase::create(&backend).await?;
        let db = Database::connect(fresh.url.as_str()).await?;
        // Every migration before the one that moves lead times to tenths (later ones, e.g. the
        // wholesaler's answer, are undone with it below).
        let migrations = Migrator::migrations();
        let before_tenths = u32::try_from(
            migrations
                .iter()
                .position(|m| m.name() == "m20261205_131000_substitute_answer_tenths_and_relay")
                .ok_or_else(|| anyhow::anyhow!("no tenths migration"))?,
        )?;
        let after_tenths = u32::try_from(migrations.len())? - before_tenths;
        Migrator::up(&db, Some(before_tenths)).await?;
        run(&db, &format!("INSERT INTO organizations (kind, name, created_at) VALUES ('manufacturer', '東和薬品', {AT})")).await?;
        run(&db, &format!(
            "INSERT INTO products (code, kind, name, pharmacopoeia, narcotic, basic_drug, search_text, created_at, updated_at) \
             VALUES ('2171022F5180', 'drug', 'x', false, false, false, 'x', {AT}, {AT})"
        )).await?;
        run(&db, &format!(
            "INSERT INTO substitute_requests (event_key, kind, product_id, organization_id, created_at) \
             VALUES ('case:1:information:1', 'information', 1, 1, {AT})"
        )).await?;
        for (lead, reason) in [("2", "NULL"), ("0", "NULL"), ("NULL", "'staff'")] {
            run(&db, &format!(
                "INSERT INTO substitute_responses (request_id, organization_id, lead_time_months, not_possible_reason, submitted_at) \
                 VALUES (1, 1, {lead}, {reason}, {AT})"
            )).await?;
        }

        Migrator::up(&db, None).await?;
        assert_eq!(
            answers(&db, "lead_time_tenths").await?,
            [
                (Some(20), None),
                (Some(0), None),
                (None, Some("staff".into()))
            ],
            "{}",
            backend.name()
        );
        // What the new schema allows: 1.5 months and two reasons; `down` rounds up and keeps one.
        run(&db, &format!(
            "INSERT INTO substitute_responses (request_id, organization_id, lead_time_tenths, not_possible_reason, relayed_to_members, submitted_at) \
             VALUES (1, 1, 15, 'raw_materials,staff', NULL, {AT})"
        )).await?;
        Migrator::down(&db, Some(after_tenths)).await?;
        assert_eq!(
            answers(&db, "lead_time_months").await?,
            [
                (Some(2), None),
                (Some(0), None),
                (None, Some("staff".into())),
                (Some(2), Some("raw_materials".into()))
            ],
            "{}",
            backend.name()
        );
        db.close().await?;
    }
    Ok(())
}
