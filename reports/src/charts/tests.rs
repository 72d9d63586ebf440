use super::*;

fn font_bytes() -> Option<&'static [u8]> {
    let path = std::env::var("SUPPLYWATCH_CHART_FONT")
        .unwrap_or_else(|_| "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc".to_owned());
    let bytes = std::fs::read(path).ok()?;
    Some(Box::leak(bytes.into_boxed_slice()))
}

fn points() -> Vec<TrendPoint> {
    (0..12)
        .map(|i| TrendPoint {
            week_ending: chrono::NaiveDate::from_ymd_opt(2026, 9, 4).unwrap_or_default()
                + chrono::Duration::weeks(i),
            drugs: 1_000,
            limited: 150 + u32::try_from(i).unwrap_or(0) * 3,
            stopped: 20,
        })
        .collect()
}

#[test]
fn the_trend_is_svg_with_japanese_labels_and_a_wide_png() -> Result<(), ChartError> {
    let Some(bytes) = font_bytes() else {
        eprintln!("note: no CJK font installed; chart rendering not exercised");
        return Ok(());
    };
    register_font(bytes)?;
    let svg = String::from_utf8(status_trend(&points(), ChartFormat::Svg)?).unwrap_or_default();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
    assert!(svg.contains("限定出荷") && svg.contains("2026-09-04"));
    let png = status_trend(&points(), ChartFormat::Png)?;
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
        SIZE.0
    );
    // Kept for a person to look at.
    let _ = std::fs::write(std::env::temp_dir().join("supplywatch-trend.png"), &png);
    Ok(())
}

#[test]
fn bars_carry_each_label_and_count() -> Result<(), ChartError> {
    let Some(bytes) = font_bytes() else {
        return Ok(());
    };
    register_font(bytes)?;
    let svg = bars(
        "出荷対応の状況",
        &[
            Bar {
                label: "通常出荷".into(),
                value: 812,
                tone: "normal",
            },
            Bar {
                label: "供給停止".into(),
                value: 37,
                tone: "stopped",
            },
        ],
        ChartFormat::Svg,
    )?;
    let png = bars(
        "出荷対応の状況",
        &[
            Bar {
                label: "通常出荷".into(),
                value: 812,
                tone: "normal",
            },
            Bar {
                label: "限定出荷（他社品の影響）".into(),
                value: 120,
                tone: "limited",
            },
            Bar {
                label: "供給停止".into(),
                value: 37,
                tone: "stopped",
            },
        ],
        ChartFormat::Png,
    )?;
    let _ = std::fs::write(std::env::temp_dir().join("supplywatch-bars.png"), &png);
    let svg = String::from_utf8(svg).unwrap_or_default();
    assert!(svg.contains("通常出荷") && svg.contains("812") && svg.contains("37"));
    Ok(())
}

#[test]
fn a_share_is_of_all_listed_drugs() {
    let p = TrendPoint {
        week_ending: chrono::NaiveDate::default(),
        drugs: 200,
        limited: 30,
        stopped: 10,
    };
    assert!((p.short_share() - 20.0).abs() < 1e-9);
    assert!(TrendPoint { drugs: 0, ..p }.short_share().abs() < 1e-9);
}
