//! The ministry's real list 「医療用医薬品供給状況」 through `import supply-list`'s service, on both
//! databases: two editions in order, the counts by ⑫ and ⑨⑩ equal the file's, codes that are not
//! YJ codes kept as 未収載, the day's six changes in those drugs' histories with the edition date,
//! and a repeated edition changing nothing.

use std::collections::HashMap;
use std::io::BufReader;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use supplywatch::db::entity::{product, supply_status_report};
use supplywatch::services::audit::Actor;
use supplywatch::services::supply_list::{self, ImportSummary, ListEntry};
use supplywatch::services::table_file::{Format, TableLimits};
use supplywatch_tests::{TestApp, backends, shared_data};

/// Reads and checks one shared edition (`xlsx` or `csv`).
fn edition(day: &str, ext: &str) -> anyhow::Result<Option<(Vec<ListEntry>, Option<NaiveDate>)>> {
    let Some(path) = shared_data::supply_list(day, ext)? else {
        return Ok(None);
    };
    let format = if ext == "xlsx" {
        Format::Xlsx
    } else {
        Format::CsvUtf8
    };
    let file = supply_list::read_list(
        BufReader::new(std::fs::File::open(&path)?),
        format,
        &TableLimits::default(),
    )?;
    let entries = supply_list::check(&file)
        .map_err(|p| anyhow::anyhow!("{} problems, first {:?}", p.len(), p.first()))?;
    Ok(Some((entries, file.edition)))
}

async fn import(
    app: &TestApp,
    entries: &[ListEntry],
    day: NaiveDate,
) -> anyhow::Result<ImportSummary> {
    Ok(supply_list::import(
        &app.db,
        entries,
        day,
        "list.xlsx",
        &Actor::system("test"),
        chrono::Utc::now(),
        &|_| {},
    )
    .await?)
}

/// ⑫ counts, ⑨ 対象 and ⑩ A/B/C of the edition's CSV, counted from its cells as written.
/// Drugs by ⑫ (①–⑤), ⑨ 対象, and by ⑩ category.
type Counts = ([usize; 5], usize, HashMap<String, usize>);

fn csv_counts(day: &str) -> anyhow::Result<Option<Counts>> {
    let Some(path) = shared_data::supply_list(day, "csv")? else {
        return Ok(None);
    };
    let file = supply_list::read_list(
        BufReader::new(std::fs::File::open(&path)?),
        Format::CsvUtf8,
        &TableLimits::default(),
    )?;
    let mut shipping = [0; 5];
    let mut basic = 0;
    let mut stable = HashMap::new();
    for row in &file.rows {
        let first = row
            .status
            .shipping_status
            .chars()
            .next()
            .unwrap_or_default();
        let index = ['①', '②', '③', '④', '⑤']
            .iter()
            .position(|c| *c == first)
            .ok_or_else(|| anyhow::anyhow!("⑫ {}", row.status.shipping_status))?;
        shipping[index] += 1;
        basic += usize::from(row.master[8].starts_with('1'));
        if !row.master[9].is_empty() {
            *stable.entry(row.master[9].clone()).or_insert(0) += 1;
        }
    }
    Ok(Some((shipping, basic, stable)))
}

#[tokio::test]
async fn two_real_editions_import_in_order_and_a_repeated_edition_changes_nothing()
-> anyhow::Result<()> {
    let (Some((first, first_day)), Some((second, second_day)), Some(counts)) = (
        edition("2026-08-17", "xlsx")?,
        edition("2026-08-18", "xlsx")?,
        csv_counts("2026-08-18")?,
    ) else {
        return Ok(());
    };
    let (Some((again, _)), Some(day_17)) = (edition("2026-08-18", "csv")?, first_day) else {
        anyhow::bail!("the 08-18 CSV or the 08-17 title is missing");
    };
    let day_18 = second_day.ok_or_else(|| anyhow::anyhow!("no edition in the title"))?;
    assert_eq!(
        day_17,
        NaiveDate::from_ymd_opt(2026, 8, 17).unwrap_or_default()
    );
    assert_eq!(
        day_18,
        NaiveDate::from_ymd_opt(2026, 8, 18).unwrap_or_default()
    );
    let (shipping, basic, stable) = counts;
    // The README's figures for 08-18: 通常 ≈ 14,540, 供給停止 ≈ 880, 自社 ≈ 480, 他社品 ≈ 420, その他 ≈ 73.
    assert_eq!(shipping, [14_538, 479, 416, 74, 879]);
    for backend in backends()? {
        let app = TestApp::spawn_empty(&backend).await?;
        let name = backend.name();
        let one = import(&app, &first, day_17).await?;
        assert_eq!(
            (one.rows, one.products_created, one.reports),
            (16_385, 16_385, 16_385),
            "{name}"
        );
        assert!(
            one.makers_created > 400,
            "{name}: {} makers",
            one.makers_created
        );

        let two = import(&app, &second, day_18).await?;
        assert_eq!(
            two.by_shipping, shipping,
            "{name}: counts by ⑫ equal the file's"
        );
        // One drug new to the list, nine whose ⑫–⑳ changed.
        assert_eq!((two.products_created, two.reports), (1, 10), "{name}");

        let three = import(&app, &again, day_18).await?;
        assert_eq!(
            (
                three.products_created,
                three.products_updated,
                three.makers_created,
                three.reports
            ),
            (0, 0, 0, 0),
            "{name}: the same edition again (as CSV) changes nothing"
        );

        let drugs = product::Entity::find().count(&app.db).await?;
        assert_eq!(drugs, 16_386, "{name}");
        let all = product::Entity::find().all(&app.db).await?;
        let not_yj = all.iter().filter(|p| p.code.len() != 12).count();
        assert_eq!(not_yj, 404, "{name}: X00000… codes kept as they are");
        let gas = all
            .iter()
            .find(|p| p.code == "X00110")
            .ok_or_else(|| anyhow::anyhow!("X00110 missing"))?;
        assert_eq!(gas.listed_on, None, "{name}: 薬価基準未収載");
        assert_eq!(
            all.iter()
                .filter(|p| p.list_product_class.as_deref() == Some("6：未収載医薬品"))
                .count(),
            821,
            "{name}"
        );
        assert_eq!(
            all.iter().filter(|p| p.basic_drug).count(),
            basic,
            "{name}: ⑨"
        );
        for (category, count) in &stable {
            let stored = all
                .iter()
                .filter(|p| p.stable_supply_category.as_deref() == Some(category.as_str()))
                .count();
            assert_eq!(stored, *count, "{name}: ⑩ {category}");
        }

        six_moves_are_in_their_histories(&app, &all, day_17, day_18).await?;
    }
    Ok(())
}

/// The day's move from ①通常出荷 to ⑤供給停止, in each drug's history with the edition date.
async fn six_moves_are_in_their_histories(
    app: &TestApp,
    all: &[product::Model],
    day_17: NaiveDate,
    day_18: NaiveDate,
) -> anyhow::Result<()> {
    let name = app.backend.name();
    for code in [
        "2190104F1121",
        "2619702Q1191",
        "2649705X1164",
        "2649708X1206",
        "3179517G1035",
        "6132401D4214",
    ] {
        let drug = all
            .iter()
            .find(|p| p.code == code)
            .ok_or_else(|| anyhow::anyhow!("{code} missing"))?;
        let reports = supply_status_report::Entity::find()
            .filter(supply_status_report::Column::ProductId.eq(drug.id))
            .order_by_asc(supply_status_report::Column::Id)
            .all(&app.db)
            .await?;
        let history: Vec<(NaiveDate, &str, &str)> = reports
            .iter()
            .map(|r| (r.reported_on, r.shipping_status.code(), r.source.as_str()))
            .collect();
        assert_eq!(
            history,
            vec![
                (day_17, "1", "ministry_list"),
                (day_18, "5", "ministry_list")
            ],
            "{name}: {code}"
        );
        assert_eq!(
            reports[1].shipping_changed_on,
            Some(day_18),
            "{name}: ⑬ as the ministry gave it"
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_edition_over_the_price_list_rewrites_only_the_lists_columns_of_existing_drugs()
-> anyhow::Result<()> {
    let Some((entries, _)) = edition("2026-08-14", "csv")? else {
        return Ok(());
    };
    let day = NaiveDate::from_ymd_opt(2026, 8, 14).unwrap_or_default();
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let before: HashMap<String, product::Model> = product::Entity::find()
            .all(&app.db)
            .await?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect();
        let listed: Vec<&ListEntry> = entries
            .iter()
            .filter(|e| before.contains_key(&e.code))
            .collect();
        assert!(
            listed.len() > 10,
            "{name}: the demo's drugs are on the list"
        );

        let summary = import(&app, &entries, day).await?;
        assert!(
            summary.products_updated > 10 && summary.products_updated <= listed.len(),
            "{name}: {summary:?}"
        );
        assert_eq!(
            summary.products_created,
            entries.len() - listed.len(),
            "{name}"
        );
        let after: HashMap<String, product::Model> = product::Entity::find()
            .all(&app.db)
            .await?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect();
        for entry in listed {
            let (old, new) = (&before[&entry.code], &after[&entry.code]);
            assert_eq!(
                (new.id, new.name.as_str(), new.maker_name.as_deref()),
                (old.id, entry.name.as_str(), Some(entry.maker_name.as_str())),
                "{name}: {} takes ⑥⑦ of the list",
                entry.code
            );
            assert_eq!(
                (new.listed_on, new.basic_drug, &new.stable_supply_category),
                (entry.listed_on, entry.basic_drug, &entry.stable_supply),
                "{name}: {} takes ⑨⑩⑪",
                entry.code
            );
            assert_eq!(
                (&new.price, &new.edition, new.created_at),
                (&old.price, &old.edition, old.created_at),
                "{name}: {} keeps the price list's own columns",
                entry.code
            );
        }
        let again = import(&app, &entries, day).await?;
        assert_eq!(again.products_updated, 0, "{name}");
    }
    Ok(())
}
