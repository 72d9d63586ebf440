//! The dashboard's charts (SVG with Japanese text, PNG wide enough to print) and the weekly
//! summary workbook with its chart image.

use reqwest::StatusCode;
use supplywatch_tests::{TestApp, backends};

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
    let app = TestApp::spawn(&backends()?.remove(0)).await?;
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
    let app = TestApp::spawn(&backends()?.remove(0)).await?;
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
    assert!(has(b"xl/worksheets/sheet2.xml"), "集計 and 推移 sheets");
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
