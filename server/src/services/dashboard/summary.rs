//! The weekly summary for ministry meetings: this week's national figures as XLSX with the
//! trend chart, in the manner of the ministry's 供給状況報告集計.

use std::path::Path;

use supplywatch_reports::charts::ChartFormat;
use supplywatch_reports::weekly_summary::{Cell, Table, WeeklySummary};

use super::charts::{self, ChartName};
use super::{BreakdownRow, Count, Dashboard, share};
use crate::domain::dates::{era_date, iso_and_era};
use crate::services::ServiceError;

/// The file name of the summary of `dashboard`'s day.
pub fn file_name(dashboard: &Dashboard) -> String {
    format!("supply-summary-{}.xlsx", dashboard.as_of.format("%Y-%m-%d"))
}

/// The summary of `dashboard` as XLSX bytes (the chart is left out, with a note, when no font).
pub fn write(dashboard: &Dashboard, font: Option<&Path>) -> Result<Vec<u8>, ServiceError> {
    let (chart_png, chart_note) = match charts::ensure_font(font)
        .map_err(|e| e.to_string())
        .and_then(|_| {
            charts::draw(dashboard, ChartName::StatusTrend, ChartFormat::Png)
                .map_err(|e| e.to_string())
        }) {
        Ok(png) => (Some(png), None),
        Err(why) => {
            tracing::warn!(%why, "the weekly summary goes out without its chart");
            (None, Some(format!("グラフは作成できませんでした（{why}）")))
        }
    };
    let summary = WeeklySummary {
        title: "医療用医薬品の供給状況（集計）".to_owned(),
        subtitle: format!(
            "{} 現在　対象 {} 品目（薬価基準収載品目）　出典：各社の供給状況報告（SupplyWatch）",
            iso_and_era(dashboard.as_of),
            dashboard.drugs
        ),
        tables: vec![
            counts_table("出荷対応の状況（⑫）", &dashboard.shipping),
            counts_table("出荷量の状況（⑰）", &dashboard.volume),
            breakdown_table("製品区分別", &dashboard.by_class),
            breakdown_table("薬剤区分別", &dashboard.by_category),
            counts_table(
                "限定出荷・供給停止の理由（⑭、割合は限定出荷・供給停止の品目に対して）",
                &dashboard.reasons,
            ),
        ],
        chart_png,
        chart_note,
        series: series(dashboard),
    };
    supplywatch_reports::weekly_summary::write_xlsx(&summary)
        .map_err(|e| ServiceError::Internal(format!("Failed to write the weekly summary: {e}")))
}

fn counts_table(title: &str, counts: &[Count]) -> Table {
    Table {
        title: title.to_owned(),
        header: vec!["区分".into(), "品目数".into(), "割合".into()],
        rows: counts
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(c.label.clone()),
                    Cell::Count(c.value),
                    Cell::Percent(c.share),
                ]
            })
            .collect(),
    }
}

fn breakdown_table(title: &str, rows: &[BreakdownRow]) -> Table {
    Table {
        title: title.to_owned(),
        header: [
            "区分",
            "品目数",
            "通常出荷",
            "限定出荷",
            "供給停止",
            "未報告",
            "限定・停止の割合",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.label.clone()),
                    Cell::Count(r.total.value),
                    Cell::Count(r.normal.value),
                    Cell::Count(r.limited.value),
                    Cell::Count(r.stopped.value),
                    Cell::Count(r.unreported.value),
                    Cell::Percent(share(r.limited.value + r.stopped.value, r.total.value)),
                ]
            })
            .collect(),
    }
}

fn series(dashboard: &Dashboard) -> Table {
    Table {
        title: "限定出荷・供給停止の推移（公表週ごと）".to_owned(),
        header: [
            "週（金曜日）",
            "和暦",
            "品目数",
            "限定出荷",
            "供給停止",
            "限定出荷の割合",
            "供給停止の割合",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: dashboard
            .trend
            .iter()
            .rev()
            .map(|p| {
                let drugs = u64::from(p.drugs);
                vec![
                    Cell::Text(p.week_ending.format("%Y-%m-%d").to_string()),
                    Cell::Text(era_date(p.week_ending)),
                    Cell::Count(drugs),
                    Cell::Count(u64::from(p.limited)),
                    Cell::Count(u64::from(p.stopped)),
                    Cell::Percent(share(u64::from(p.limited), drugs)),
                    Cell::Percent(share(u64::from(p.stopped), drugs)),
                ]
            })
            .collect(),
    }
}
