//! Charts of the dashboard drawn with plotters: the weekly trend of 限定出荷 and 供給停止, and
//! labelled bar charts (status mix, reasons), as SVG (inline in pages) or PNG (downloads).
//!
//! Pure: data in, bytes out. Text is measured with a font that the caller registers once with
//! [`register_font`] (plotters' pure-Rust `ab_glyph` backend measures labels even for SVG); the
//! SVG carries its labels as `<text>` elements, the PNG has them rasterised from that font.

mod bars;
mod trend;

use std::sync::atomic::{AtomicBool, Ordering};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

pub use bars::{Bar, bars};
pub use trend::{TrendPoint, status_trend};

/// The font family every chart asks for; the registered font answers it.
const FAMILY: &str = "sans-serif";

static FONT_READY: AtomicBool = AtomicBool::new(false);

/// Width and height of the trend chart, in pixels (PNG) or user units (SVG).
pub const SIZE: (u32, u32) = (960, 480);

/// Width and height of the bar charts (shown half-width on the dashboard).
pub const BARS_SIZE: (u32, u32) = (720, 340);

/// What a chart is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// `image/svg+xml`, text as `<text>` elements.
    Svg,
    /// `image/png`, text rasterised from the registered font.
    Png,
}

impl ChartFormat {
    /// Reads a file extension: `svg` or `png`.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "svg" => Some(Self::Svg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }

    /// The content type of the written bytes.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Svg => "image/svg+xml; charset=utf-8",
            Self::Png => "image/png",
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// No font with Japanese glyphs was registered: labels cannot be measured or drawn.
    #[error("no chart font is registered (a font with Japanese glyphs is needed)")]
    NoFont,
    /// The bytes given as a font are not an OpenType/TrueType font (or collection).
    #[error("the chart font is not a readable OpenType or TrueType font")]
    InvalidFont,
    /// plotters failed while drawing.
    #[error("Failed to draw the chart: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("Failed to encode the PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

/// Registers the font used by every chart (face 0 of a collection; Noto Sans CJK JP in Debian's
/// `NotoSansCJK-Regular.ttc`). Call once; later calls replace it.
pub fn register_font(bytes: &'static [u8]) -> Result<(), ChartError> {
    plotters::style::register_font(FAMILY, FontStyle::Normal, bytes)
        .map_err(|_| ChartError::InvalidFont)?;
    FONT_READY.store(true, Ordering::Release);
    Ok(())
}

/// Whether a font was registered.
pub fn has_font() -> bool {
    FONT_READY.load(Ordering::Acquire)
}

/// Something drawn the same way on any plotters backend.
pub(crate) trait Paint {
    /// Draws on `root`.
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static;

    /// The canvas size.
    fn size(&self) -> (u32, u32) {
        SIZE
    }
}

/// Draws `chart` on an SVG or a PNG canvas of its size.
pub(crate) fn render(format: ChartFormat, chart: &impl Paint) -> Result<Vec<u8>, ChartError> {
    if !has_font() {
        return Err(ChartError::NoFont);
    }
    match format {
        ChartFormat::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
                chart.paint(&root)?;
                root.present().map_err(draw_error)?;
            }
            Ok(text.into_bytes())
        }
        ChartFormat::Png => {
            let (w, h) = chart.size();
            let mut pixels = vec![0_u8; (w as usize) * (h as usize) * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
                chart.paint(&root)?;
                root.present().map_err(draw_error)?;
            }
            encode_png(&pixels, (w, h))
        }
    }
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(out)
}

/// plotters' drawing errors, as text.
#[expect(
    clippy::needless_pass_by_value,
    reason = "used as `map_err(draw_error)`, which passes the error by value"
)]
pub(crate) fn draw_error<E: std::error::Error + Send + Sync>(
    error: plotters::drawing::DrawingAreaErrorKind<E>,
) -> ChartError {
    ChartError::Draw(error.to_string())
}

/// A font description of `size` points in the registered family.
pub(crate) fn font(size: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), f64::from(size), FontStyle::Normal)
}

/// The palette: 通常 green, 限定 amber, 停止 red, others blue/grey (as the status badges).
pub(crate) mod palette {
    use plotters::style::RGBColor;

    /// 通常出荷.
    pub const NORMAL: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
    /// 限定出荷.
    pub const LIMITED: RGBColor = RGBColor(0xef, 0x8f, 0x00);
    /// 供給停止.
    pub const STOPPED: RGBColor = RGBColor(0xc6, 0x28, 0x28);
    /// Shares and neutral bars.
    pub const NEUTRAL: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
    /// Grid lines and unreported items.
    pub const GREY: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);
}

#[cfg(test)]
mod tests;
