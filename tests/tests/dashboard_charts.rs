//! The dashboard's charts (SVG with Japanese text, PNG wide enough to print) and the weekly
//! summary workbook with its chart image.

use reqwest::StatusCode;
use supplywatch_tests::{Backend, TestApp, backends};

fn png_width(bytes: &[u8]) -> Option<u32> {
    (bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"))
        .then(|| u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]))
}

fn has_cjk_font() -> bool {
    std::path::Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists()
}

#[tokio::test]
async fn every_chart_is_drawn_as_svg_with_japanese_labels_and_as_a_wide_png() -> anyhow::Result<()>
{
    if !has_cjk_font() && !supplywatch_tests::in_ci() {
        eprintln!("note: fonts-noto-cjk not installed; skipping the chart test");
        return Ok(());
    }
    for backend in backends()? {
        charts_on(backend).await?;
    }
    Ok(())
}

async fn charts_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let ministry = app.token("ministry@demo.example").await?;
    for (name, label) in [
        ("status-trend", "限定出荷"),
        ("status-mix", "通常出荷"),
        ("reasons", "原材料"),
    ] {
        let svg = app
            .get(&format!("/api/v1/dashboard/charts/{name}.svg"), &ministry)
            .await?;
        assert_eq!(svg.status(), StatusCode::OK, "{name}.svg");
        let text = svg.text().await?;
        assert!(
            text.contains("<svg") && text.contains(label),
            "{name}.svg lacks {label}"
        );
        let png = app
            .get(&format!("/api/v1/dashboard/charts/{name}.png"), &ministry)
            .await?;
        assert_eq!(png.status(), StatusCode::OK, "{name}.png");
        let bytes = png.bytes().await?;
        assert!(png_width(&bytes).is_some_and(|w| w >= 600), "{name}.png");
        let dir =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("chart-{name}.png")), &bytes)?;
    }
    let unknown = app
        .get("/api/v1/dashboard/charts/pie.svg", &ministry)
        .await?;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let wrong_format = app
        .get("/api/v1/dashboard/charts/status-trend.gif", &ministry)
        .await?;
    assert_eq!(wrong_format.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn the_weekly_summary_is_a_workbook_with_the_trend_chart() -> anyhow::Result<()> {
    for backend in backends()? {
        weekly_summary_on(&backend).await?;
    }
    Ok(())
}

async fn weekly_summary_on(backend: &Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(backend).await?;
    let ministry = app.token("ministry@demo.example").await?;
    let response = app
        .get("/api/v1/dashboard/weekly-summary.xlsx", &ministry)
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(disposition.contains("supply-summary-"), "{disposition}");
    let bytes = response.bytes().await?;
    assert!(bytes.starts_with(b"PK"), "an XLSX package");
    let has = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
    summary_workbook_agrees_with_the_dashboard(&app, &ministry, &bytes).await?;
    if has_cjk_font() {
        assert!(
            has(b"xl/media/image1.png"),
            "the trend chart is in the workbook"
        );
    }
    let maker = app.token("maker@demo.example").await?;
    let refused = app
        .get("/api/v1/dashboard/weekly-summary.xlsx", &maker)
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    Ok(())
}

/// The summary read back as Excel opens it: both sheets, and on 集計 every count of ⑫ and ⑰
/// equal to the dashboard's, as a number, with its share as a fraction.
async fn summary_workbook_agrees_with_the_dashboard(
    app: &TestApp,
    ministry: &str,
    bytes: &[u8],
) -> anyhow::Result<()> {
    let sheets = supplywatch_tests::xlsx::sheets(bytes)?;
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["集計", "推移"]);
    let (totals, series) = (&sheets[0], &sheets[1]);
    assert_eq!(totals.cell(0, 0), "医療用医薬品の供給状況（集計）");
    let dashboard = app.get_json("/api/v1/dashboard", ministry).await?;
    let drugs = dashboard["drugs_total"].as_u64().unwrap_or(u64::MAX);
    assert!(
        totals.cell(1, 0).contains(&format!("対象 {drugs} 品目")),
        "{} against the dashboard's {drugs}",
        totals.cell(1, 0)
    );
    for (title, counts) in [
        ("出荷対応の状況（⑫）", "shipping_status_counts"),
        ("出荷量の状況（⑰）", "volume_status_counts"),
    ] {
        let top = totals
            .rows
            .iter()
            .position(|r| r[0] == title)
            .unwrap_or_else(|| panic!("no table {title} on 集計"));
        assert_eq!(totals.rows[top + 1][..3], ["区分", "品目数", "割合"]);
        let rows: Vec<&Vec<String>> = totals.rows[top + 2..]
            .iter()
            .take_while(|r| !r[0].is_empty())
            .collect();
        let mut on_sheet: Vec<u64> = rows
            .iter()
            .map(|r| r[1].parse())
            .collect::<Result<_, _>>()?;
        let mut in_json: Vec<u64> = dashboard[counts]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(_, n)| n.as_u64())
            .collect();
        on_sheet.sort_unstable();
        in_json.sort_unstable();
        in_json.retain(|n| *n > 0 || on_sheet.contains(n));
        on_sheet.retain(|n| *n > 0 || in_json.contains(n));
        assert_eq!(
            on_sheet, in_json,
            "{title}: counts as numbers, as the dashboard has them"
        );
        for row in rows {
            let (count, share): (f64, f64) = (row[1].parse()?, row[2].parse()?);
            #[expect(clippy::cast_precision_loss, reason = "a handful of demo drugs")]
            let expected = count / drugs as f64;
            assert!(
                (share - expected).abs() < 1e-3,
                "{title} {}: share {share}",
                row[0]
            );
        }
    }
    assert_eq!(series.cell(2, 0), "週（金曜日）");
    let weeks = dashboard["trend"].as_array().map_or(0, Vec::len);
    assert_eq!(
        series
            .rows
            .iter()
            .skip(3)
            .filter(|r| !r[0].is_empty())
            .count(),
        weeks,
        "one row a week on 推移"
    );
    Ok(())
}
