//! The dashboard's charts by name (`status-trend`, `status-mix`, `reasons`) as SVG or PNG, and
//! the chart font: read once at run time from `SUPPLYWATCH_CHART_FONT` or the usual Noto CJK
//! paths (Debian `fonts-noto-cjk`), never compiled in.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use supplywatch_reports::charts::{self, Bar, ChartFormat};

use super::{Dashboard, DashboardCache};

/// Where the font is looked for when `SUPPLYWATCH_CHART_FONT` is unset (face 0 of the Debian
/// collection is Noto Sans CJK JP).
pub const DEFAULT_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
];

/// The charts there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartName {
    /// Weekly 限定出荷 and 供給停止, counts and shares.
    StatusTrend,
    /// Drugs by ⑫.
    StatusMix,
    /// Short drugs by reason group.
    Reasons,
}

impl ChartName {
    /// Reads a chart's URL name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "status-trend" => Some(Self::StatusTrend),
            "status-mix" => Some(Self::StatusMix),
            "reasons" => Some(Self::Reasons),
            _ => None,
        }
    }

    /// The URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StatusTrend => "status-trend",
            Self::StatusMix => "status-mix",
            Self::Reasons => "reasons",
        }
    }
}

/// Why a chart is not there.
#[derive(Debug, thiserror::Error)]
pub enum ChartFailure {
    /// No font with Japanese glyphs could be read; the message says where it was looked for.
    #[error("{0}")]
    NoFont(String),
    /// plotters or the PNG encoder failed.
    #[error("Failed to draw the chart: {0}")]
    Draw(#[from] charts::ChartError),
}

static FONT: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Loads and registers the chart font once; later calls return the first outcome.
pub fn ensure_font(configured: Option<&Path>) -> Result<&'static Path, ChartFailure> {
    let outcome = FONT.get_or_init(|| {
        let candidates: Vec<PathBuf> = configured.map_or_else(
            || DEFAULT_FONTS.iter().map(PathBuf::from).collect(),
            |p| vec![p.to_path_buf()],
        );
        for path in &candidates {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            // Registered once for the life of the process: plotters keeps fonts as 'static.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            return match charts::register_font(bytes) {
                Ok(()) => {
                    tracing::info!(font = %path.display(), "chart font loaded");
                    Ok(path.clone())
                }
                Err(e) => Err(format!("{}: {e}", path.display())),
            };
        }
        let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        Err(format!(
            "グラフ用の日本語フォントが見つかりません（{}）。fonts-noto-cjk を入れるか SUPPLYWATCH_CHART_FONT を設定してください",
            looked.join("、")
        ))
    });
    match outcome {
        Ok(path) => Ok(path.as_path()),
        Err(message) => {
            tracing::error!(%message, "no chart font");
            Err(ChartFailure::NoFont(message.clone()))
        }
    }
}

/// Draws chart `name` of `dashboard`, from the cache when drawn before for the same data.
pub fn render(
    cache: &DashboardCache,
    dashboard: &Dashboard,
    name: ChartName,
    format: ChartFormat,
    font: Option<&Path>,
) -> Result<Arc<Vec<u8>>, ChartFailure> {
    ensure_font(font)?;
    let version = dashboard.version.clone();
    let key = format!("{}|{:?}|{:?}", name.as_str(), format, dashboard.filter);
    if let Some(found) = cache.artifact(&version, &key) {
        return Ok(found);
    }
    let bytes = Arc::new(draw(dashboard, name, format)?);
    cache.put_artifact(version, key, bytes.clone());
    Ok(bytes)
}

/// Draws without the cache (the weekly summary, tests).
pub fn draw(
    dashboard: &Dashboard,
    name: ChartName,
    format: ChartFormat,
) -> Result<Vec<u8>, charts::ChartError> {
    let bars = |counts: &[super::Count]| -> Vec<Bar> {
        counts
            .iter()
            .map(|c| Bar {
                label: c.label.clone(),
                value: c.value,
                tone: c.tone,
            })
            .collect()
    };
    match name {
        ChartName::StatusTrend => charts::status_trend(&dashboard.trend, format),
        ChartName::StatusMix => {
            charts::bars("出荷対応の状況（⑫）", &bars(&dashboard.shipping), format)
        }
        ChartName::Reasons => charts::bars(
            "限定出荷・供給停止の理由（⑭）",
            &bars(&dashboard.reasons),
            format,
        ),
    }
}
