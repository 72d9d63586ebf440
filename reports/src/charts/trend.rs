//! The weekly trend of 限定出荷 and 供給停止: stacked bars of counts, and a line of their share
//! of all listed drugs on the right axis (like the ministry's 推移 chart).

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{ChartError, ChartFormat, Paint, draw_error, font, palette, render};

/// The counts of one published week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendPoint {
    /// The Friday of the week.
    pub week_ending: NaiveDate,
    /// Listed drugs that week (the denominator of the shares).
    pub drugs: u32,
    /// ⑫ = 2, 3 or 4.
    pub limited: u32,
    /// ⑫ = 5.
    pub stopped: u32,
}

impl TrendPoint {
    /// (限定出荷 + 供給停止) ÷ drugs, in percent.
    pub fn short_share(&self) -> f64 {
        if self.drugs == 0 {
            0.0
        } else {
            f64::from(self.limited + self.stopped) * 100.0 / f64::from(self.drugs)
        }
    }
}

struct Trend<'a> {
    points: &'a [TrendPoint],
}

/// The trend of `points` (oldest first) as SVG or PNG.
pub fn status_trend(points: &[TrendPoint], format: ChartFormat) -> Result<Vec<u8>, ChartError> {
    render(format, &Trend { points })
}

impl Paint for Trend<'_> {
    #[expect(
        clippy::too_many_lines,
        reason = "one chart drawn top to bottom: axes, two bar series, the share line, the legend"
    )]
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
    where
        DB::ErrorType: 'static,
    {
        let points = self.points;
        root.fill(&WHITE).map_err(draw_error)?;
        let title = "限定出荷・供給停止の推移（週次）";
        if points.is_empty() {
            root.titled(title, font(24)).map_err(draw_error)?;
            root.draw_text(
                "公表済みの週がまだありません",
                &TextStyle::from(font(18)).color(&palette::GREY),
                (330, 230),
            )
            .map_err(draw_error)?;
            return Ok(());
        }
        let n = points.len();
        let top = points
            .iter()
            .map(|p| p.limited + p.stopped)
            .max()
            .unwrap_or(0)
            .max(1);
        let share_top = points
            .iter()
            .map(TrendPoint::short_share)
            .fold(0.0_f64, f64::max)
            .max(1.0);
        #[expect(clippy::cast_precision_loss, reason = "a few hundred weeks")]
        let x_range = -0.6..(n as f64 - 0.4);
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(24))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .right_y_label_area_size(64)
            .build_cartesian_2d(x_range.clone(), 0.0..f64::from(top) * 1.15)
            .map_err(draw_error)?
            .set_secondary_coord(x_range, 0.0..share_top * 1.25);
        let label = |x: &f64| {
            // Labels sit on whole weeks only.
            let rounded = x.round();
            if (x - rounded).abs() > 0.01 || rounded < 0.0 {
                return String::new();
            }
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a non-negative whole week index"
            )]
            let index = rounded as usize;
            points
                .get(index)
                .map(|p| p.week_ending.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.min(7))
            .x_label_formatter(&label)
            .y_desc("品目数")
            // Counts are whole: fractional ticks stay unlabelled.
            .y_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-6 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            })
            .label_style(font(16))
            .axis_desc_style(font(16))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_error)?;
        chart
            .configure_secondary_axes()
            .y_desc("割合（%）")
            .label_style(font(16))
            .axis_desc_style(font(16))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .draw()
            .map_err(draw_error)?;
        let half = if n > 60 { 0.5 } else { 0.38 };
        let at = |i: usize| {
            #[expect(clippy::cast_precision_loss, reason = "a few hundred weeks")]
            let x = i as f64;
            x
        };
        chart
            .draw_series(points.iter().enumerate().map(|(i, p)| {
                Rectangle::new(
                    [(at(i) - half, 0.0), (at(i) + half, f64::from(p.limited))],
                    palette::LIMITED.filled(),
                )
            }))
            .map_err(draw_error)?
            .label("限定出荷（品目数）")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 6), (x + 14, y + 6)], palette::LIMITED.filled())
            });
        chart
            .draw_series(points.iter().enumerate().map(|(i, p)| {
                let base = f64::from(p.limited);
                Rectangle::new(
                    [
                        (at(i) - half, base),
                        (at(i) + half, base + f64::from(p.stopped)),
                    ],
                    palette::STOPPED.filled(),
                )
            }))
            .map_err(draw_error)?
            .label("供給停止（品目数）")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 6), (x + 14, y + 6)], palette::STOPPED.filled())
            });
        chart
            .draw_secondary_series(LineSeries::new(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (at(i), p.short_share())),
                palette::NEUTRAL.stroke_width(3),
            ))
            .map_err(draw_error)?
            .label("限定出荷＋供給停止の割合（%・右軸）")
            .legend(|(x, y)| {
                PathElement::new([(x, y), (x + 14, y)], palette::NEUTRAL.stroke_width(3))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(palette::GREY)
            .label_font(font(16))
            .draw()
            .map_err(draw_error)?;
        Ok(())
    }
}
