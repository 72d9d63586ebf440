//! A horizontal bar chart with a Japanese label and a count on each bar (status mix, reasons).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{BARS_SIZE, ChartError, ChartFormat, Paint, draw_error, font, palette, render};

/// One bar: its label, its count and its colour role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Japanese label, shown left of the bar.
    pub label: String,
    /// The count.
    pub value: u64,
    /// `normal`, `limited`, `stopped` or anything else (neutral).
    pub tone: &'static str,
}

struct Bars<'a> {
    title: &'a str,
    bars: &'a [Bar],
}

/// `bars` (top to bottom) under `title`, as SVG or PNG.
pub fn bars(title: &str, bars: &[Bar], format: ChartFormat) -> Result<Vec<u8>, ChartError> {
    render(format, &Bars { title, bars })
}

fn colour(tone: &str) -> RGBColor {
    match tone {
        "normal" => palette::NORMAL,
        "limited" => palette::LIMITED,
        "stopped" => palette::STOPPED,
        "none" => palette::GREY,
        _ => palette::NEUTRAL,
    }
}

impl Paint for Bars<'_> {
    fn size(&self) -> (u32, u32) {
        BARS_SIZE
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(draw_error)?;
        let n = self.bars.len().max(1);
        #[expect(
            clippy::cast_precision_loss,
            reason = "counts of products fit an f64 exactly"
        )]
        let top = self.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
        #[expect(clippy::cast_precision_loss, reason = "a handful of bars")]
        let rows = n as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(self.title, font(22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(215)
            .build_cartesian_2d(0.0..top * 1.18, rows..0.0)
            .map_err(draw_error)?;
        let labels: Vec<&str> = self.bars.iter().map(|b| b.label.as_str()).collect();
        let label = |y: &f64| {
            let index = y - 0.5;
            let rounded = index.round();
            if (index - rounded).abs() > 0.01 || rounded < 0.0 {
                return String::new();
            }
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a non-negative whole bar index"
            )]
            let i = rounded as usize;
            labels.get(i).map(|s| (*s).to_owned()).unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .y_labels(n * 2 + 1)
            .y_label_formatter(&label)
            .x_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-6 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            })
            .x_desc("品目数")
            .label_style(font(18))
            .axis_desc_style(font(18))
            .draw()
            .map_err(draw_error)?;
        let at = |i: usize| {
            #[expect(clippy::cast_precision_loss, reason = "a handful of bars")]
            let y = i as f64;
            y
        };
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                #[expect(clippy::cast_precision_loss, reason = "counts of products")]
                let v = b.value as f64;
                Rectangle::new(
                    [(0.0, at(i) + 0.18), (v, at(i) + 0.82)],
                    colour(b.tone).filled(),
                )
            }))
            .map_err(draw_error)?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                #[expect(clippy::cast_precision_loss, reason = "counts of products")]
                let v = b.value as f64;
                Text::new(format!(" {}", b.value), (v, at(i) + 0.3), font(18))
            }))
            .map_err(draw_error)?;
        Ok(())
    }
}
