//! The round trip of the ministry's list: two real editions imported, then the public CSV and
//! XLSX give back the 08-18 list row for row (after NFKC and whitespace removal), in the
//! ministry's layout — the XLSX read back with calamine: sheet 供給状況一覧表, the title in row 1,
//! the 21 headings in row 2, ⑪⑬⑳ as date cells — and a frozen publication likewise.

use std::collections::HashMap;
use std::io::{BufReader, Cursor};

use anyhow::Context as _;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use supplywatch::jobs::Job;
use supplywatch::services::audit::Actor;
use supplywatch::services::supply_list;
use supplywatch::services::table_file::{Format, TableLimits};
use supplywatch_reports::ministry_list::HEADINGS;
use supplywatch_tests::{TestApp, backends, shared_data};
use unicode_normalization::UnicodeNormalization;

/// As the contract compares: NFKC, no whitespace, dates as `YYYY-MM-DD`.
fn norm(text: &str) -> String {
    let s: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    match NaiveDate::parse_from_str(&s.replace('/', "-"), "%Y-%m-%d") {
        Ok(day) => day.to_string(),
        Err(_) => s,
    }
}

/// The headings of a list, and its rows by ⑤, each its first 20 cells normalised.
type List = (Vec<String>, HashMap<String, Vec<String>>);

/// Reads a list written as CSV.
fn csv_rows(text: &str) -> anyhow::Result<List> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut records = reader.records();
    let headings = records
        .next()
        .ok_or_else(|| anyhow::anyhow!("no headings"))??
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = HashMap::new();
    for record in records {
        let record = record?;
        let cells: Vec<String> = (0..20).map(|i| norm(record.get(i).unwrap_or(""))).collect();
        rows.insert(record[4].to_owned(), cells);
    }
    Ok((headings, rows))
}

async fn import_edition(app: &TestApp, day: &str) -> anyhow::Result<bool> {
    let Some(path) = shared_data::supply_list(day, "xlsx")? else {
        return Ok(false);
    };
    let file = supply_list::read_list(
        BufReader::new(std::fs::File::open(path)?),
        Format::Xlsx,
        &TableLimits::default(),
    )?;
    let entries = supply_list::check(&file).map_err(|p| anyhow::anyhow!("{:?}", p.first()))?;
    let edition = file.edition.ok_or_else(|| anyhow::anyhow!("no title"))?;
    supply_list::import(
        &app.db,
        &entries,
        edition,
        "list.xlsx",
        &Actor::system("test"),
        chrono::Utc::now(),
        &|_| {},
    )
    .await?;
    Ok(true)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.date().to_string())
            .unwrap_or_default(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn the_public_csv_and_xlsx_give_back_the_ministrys_list_row_for_row() -> anyhow::Result<()> {
    let Some(want_path) = shared_data::supply_list("2026-08-18", "csv")? else {
        return Ok(());
    };
    let (want_headings, want) = csv_rows(&std::fs::read_to_string(want_path)?)?;
    assert_eq!(
        want_headings, HEADINGS,
        "our headings are the ministry's, verbatim"
    );
    for backend in backends()? {
        let app = TestApp::spawn_empty(&backend).await?;
        let name = backend.name();
        for day in ["2026-08-17", "2026-08-18"] {
            assert!(import_edition(&app, day).await?);
        }
        let csv = app
            .client
            .get(app.url("/api/v1/public/supply-status?format=csv"))
            .send()
            .await?
            .text()
            .await?;
        let (headings, got) = csv_rows(&csv)?;
        assert_eq!(headings, HEADINGS, "{name}");
        assert_eq!(got.len(), want.len(), "{name}: one row per drug, no more");
        let differing: Vec<&String> = want
            .iter()
            .filter(|(code, row)| got.get(*code) != Some(row))
            .map(|(c, _)| c)
            .collect();
        assert!(
            differing.is_empty(),
            "{name}: {} rows differ, e.g. {:?} {:?} {:?}",
            differing.len(),
            differing.first(),
            differing.first().and_then(|c| got.get(*c)),
            differing.first().and_then(|c| want.get(*c))
        );
        let new_marks = csv.lines().filter(|l| l.ends_with(",New")).count();
        assert_eq!(
            new_marks, 10,
            "{name}: the drugs the 08-18 edition changed are New"
        );

        xlsx_gives_back(&app, &want).await?;

        // A frozen publication is the same list.
        Job::WeeklyPublication.run(&app.jobs()?).await?;
        let list: serde_json::Value = app
            .client
            .get(app.url("/api/v1/public/publications"))
            .send()
            .await?
            .json()
            .await?;
        let url = list["items"][0]["csv_url"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let frozen = app.client.get(app.url(&url)).send().await?.text().await?;
        let (frozen_headings, frozen_rows) = csv_rows(&frozen)?;
        assert_eq!(frozen_headings, HEADINGS, "{name}");
        assert_eq!(
            frozen_rows, got,
            "{name}: the publication freezes the same rows"
        );
        an_edition_is_frozen_as_of_its_day(&app).await?;
    }
    Ok(())
}

/// What the national seed does after loading an edition: its day's publication, frozen as of
/// 17:00 Japan time, with the week's counts by ⑫ when the day is a Friday; once only.
async fn an_edition_is_frozen_as_of_its_day(app: &TestApp) -> anyhow::Result<()> {
    use supplywatch::services::publication::publish_edition;
    let friday = NaiveDate::from_ymd_opt(2026, 8, 14).context("a date")?;
    let actor = Actor::system("test");
    let (frozen, created) = publish_edition(&app.db, &actor, friday).await?;
    assert!(created);
    assert_eq!(frozen.week_ending, friday);
    assert_eq!(
        frozen.published_at.to_rfc3339(),
        "2026-08-14T08:00:00+00:00"
    );
    let trend = frozen
        .trend
        .context("a Friday's publication keeps the week's counts")?;
    // The statuses are the 08-18 edition's (the README's counts of that day).
    assert_eq!(
        [
            trend.shipping1,
            trend.shipping2,
            trend.shipping3,
            trend.shipping4,
            trend.shipping5
        ],
        [14_538, 479, 416, 74, 879]
    );
    let (again, created) = publish_edition(&app.db, &actor, friday).await?;
    assert!(!created, "a day is published once");
    assert_eq!(again.id, frozen.id);
    Ok(())
}

/// The public XLSX, read back with calamine: the sheet, the title, the headings, the rows and
/// the date cells.
async fn xlsx_gives_back(app: &TestApp, want: &HashMap<String, Vec<String>>) -> anyhow::Result<()> {
    let name = app.backend.name();
    let bytes = app
        .client
        .get(app.url("/api/v1/public/supply-status?format=xlsx"))
        .send()
        .await?
        .bytes()
        .await?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec()))?;
    assert_eq!(book.sheet_names(), vec!["供給状況一覧表".to_owned()]);
    let sheet = book.worksheet_range("供給状況一覧表")?;
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let title = cell_text(&rows[0][0]);
    assert!(
        title.starts_with("医療用医薬品供給状況（令和") && title.ends_with("現在）"),
        "{title}"
    );
    let heading_row: Vec<String> = rows[1].iter().map(cell_text).collect();
    assert_eq!(heading_row, HEADINGS, "{name}: headings in row 2");
    assert_eq!(rows.len() - 2, want.len(), "{name}: data from row 3");
    let mut dates = 0;
    for row in &rows[2..] {
        let cells: Vec<String> = (0..20)
            .map(|i| norm(&row.get(i).map(cell_text).unwrap_or_default()))
            .collect();
        assert_eq!(
            Some(&cells),
            want.get(&cells[4]),
            "{name}: XLSX row {}",
            cells[4]
        );
        for i in [10, 12, 19] {
            match row.get(i) {
                Some(Data::DateTime(_)) => dates += 1,
                Some(Data::Empty | Data::String(_)) | None => {}
                Some(other) => anyhow::bail!("{name}: column {i} holds {other:?}"),
            }
        }
    }
    assert!(
        dates > 16_386 + 15_000,
        "{name}: ⑪⑬⑳ are date cells ({dates})"
    );

    Ok(())
}
