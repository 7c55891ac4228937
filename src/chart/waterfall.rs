//! `waterfall`: `bcdr explain`'s steps from OLD's expected annual loss to
//! NEW's, one floating bar per change (up: vermilion, down: green) with
//! its paired 95% interval as a whisker at the bar's end.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::review::explain::Explain;

use super::axis::{self, column_label, money_short};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREEN, GREY, TICK_SIZE, TITLE_SIZE, VERMILION};

/// Most steps drawn one by one; the rest are summed into one bar.
pub(crate) const MAX_BARS: usize = 14;

/// The longest label a bar keeps (longer ones are cut, told apart).
const LABEL_CHARS: usize = 24;

pub(crate) struct Waterfall {
    pub title: String,
    pub y_desc: String,
    /// (label, start, end, optional half-width of the 95% interval, total?)
    pub bars: Vec<(String, f64, f64, Option<f64>, bool)>,
}

impl Waterfall {
    pub(crate) fn new(e: &Explain) -> Waterfall {
        let mut bars = vec![(
            "OLD".to_string(),
            0.0,
            e.old_expected_annual_loss,
            None,
            true,
        )];
        let mut level = e.old_expected_annual_loss;
        for (k, s) in e.steps.iter().enumerate() {
            if k + 1 == MAX_BARS && e.steps.len() > MAX_BARS {
                let rest: f64 = e.steps[k..].iter().map(|s| s.contribution.mean).sum();
                bars.push((
                    format!("{} more", e.steps.len() - k),
                    level,
                    level + rest,
                    None,
                    false,
                ));
                break;
            }
            let c = &s.contribution;
            bars.push((
                s.label.clone(),
                level,
                level + c.mean,
                Some(c.ci95[1] - c.mean),
                false,
            ));
            level += c.mean;
        }
        bars.push((
            "NEW".to_string(),
            0.0,
            e.new_expected_annual_loss,
            None,
            true,
        ));
        let what = super::net_of_insurance(&e.period().expected_loss(), e.net_of_insurance);
        Waterfall {
            title: format!("Why the {what} moved"),
            y_desc: format!("{what} ({})", e.currency),
            bars,
        }
    }
}

impl Chart for Waterfall {
    fn name(&self) -> &str {
        "waterfall"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self.bars.len();
        // Steps are often small next to the totals: the axis spans the
        // levels the bars reach (totals included at their top), not 0.
        let ends = || {
            self.bars.iter().flat_map(|b| {
                let h = b.3.unwrap_or(0.0);
                if b.4 {
                    vec![b.2]
                } else {
                    vec![b.1, b.2 - h, b.2 + h]
                }
            })
        };
        let hi = ends().fold(f64::NEG_INFINITY, f64::max);
        let lo = ends().fold(f64::INFINITY, f64::min);
        // Nothing moved (every step 0): a span of a tenth of the level, so
        // that the axis's ticks differ at three significant digits.
        let span = if hi > lo {
            hi - lo
        } else {
            hi.abs().max(1.0) * 0.1
        };
        let y1 = hi + 0.3 * span;
        let y0 = if lo >= 0.0 {
            (lo - 0.6 * span).max(0.0)
        } else {
            lo - 0.3 * span
        };
        // Labels of up to LABEL_CHARS characters side by side while they fit (about
        // 9 pixels a character at the tick size); more bars than that get
        // their labels turned upright, in a deeper label area, instead of
        // overprinting each other.
        let width = area.dim_in_pixel().0 as usize;
        let upright = n * LABEL_CHARS * 9 > width.saturating_sub(140);
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, font(TITLE_SIZE))
            .margin(20)
            .x_label_area_size(if upright { 230 } else { 70 })
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)
            .map_err(draw_err)?;
        let labels = axis::clip_all(
            &self.bars.iter().map(|b| b.0.clone()).collect::<Vec<_>>(),
            LABEL_CHARS,
        );
        // Upright labels are drawn below, each from the axis down.
        let x_fmt = |x: &f64| {
            if upright {
                String::new()
            } else {
                column_label(*x, LABEL_CHARS, |i| labels.get(i).cloned())
            }
        };
        frame::mesh(&mut chart, frame::Grid::Full)
            .x_labels(n)
            .y_desc(if y0 > 0.0 {
                format!("{} (axis not from 0)", self.y_desc)
            } else {
                self.y_desc.clone()
            })
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|y| money_short(*y))
            .draw()
            .map_err(draw_err)?;
        if upright {
            for (k, label) in labels.iter().enumerate() {
                let at = axis::relative(area, chart.backend_coord(&(k as f64, y0)));
                axis::text(
                    area,
                    label,
                    (at.0, at.1 + 10),
                    font(TICK_SIZE).transform(FontTransform::Rotate270),
                    (HPos::Right, VPos::Center),
                )?;
            }
        }
        for (k, (_, a, b, half, total)) in self.bars.iter().enumerate() {
            let colour = if *total {
                BLUE
            } else if b >= a {
                VERMILION
            } else {
                GREEN
            };
            let x = k as f64;
            let (start, value) = (*a, *b);
            let (a, b) = (a.clamp(y0, y1), b.clamp(y0, y1));
            // On an axis that does not start at 0 a total's bar would be
            // read by its height, which is not its value: a total is a
            // level, drawn as a thick mark at it.
            let (lo, hi) = if *total && y0 > 0.0 {
                let mark = 0.006 * (y1 - y0);
                (b - mark, b + mark)
            } else {
                (a.min(b), a.max(b))
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.35, lo), (x + 0.35, hi)],
                    colour.filled(),
                )))
                .map_err(draw_err)?;
            // Each bar says its value: a total its level, a step its
            // change.
            let label = if *total {
                money_short(value)
            } else {
                crate::fmt::signed(value - start, money_short)
            };
            let top = axis::relative(area, chart.backend_coord(&(x, hi)));
            axis::text(
                area,
                &label,
                (top.0, top.1 - 8),
                font(TICK_SIZE),
                (HPos::Center, VPos::Bottom),
            )?;
            if let Some(h) = half {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, (b - h).clamp(y0, y1)), (x, (b + h).clamp(y0, y1))],
                        GREY.stroke_width(2),
                    )))
                    .map_err(draw_err)?;
            }
        }
        Ok(())
    }
}
