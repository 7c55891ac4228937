//! `tornado`: the change of the expected annual loss when each parameter
//! moves down (orange) and up (blue), largest swing at the top.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::review::tornado::Tornado;
use crate::stats::period::Period;

use super::frame;
use super::{draw_err, Chart, BLUE, GREY, ORANGE};

/// Most parameters drawn.
pub(crate) const MAX_BARS: usize = 15;

pub(crate) struct TornadoChart {
    pub title: String,
    pub x_desc: String,
    /// (path, change at low, change at high), largest swing first.
    pub bars: Vec<(String, f64, f64)>,
}

impl TornadoChart {
    pub(crate) fn new(t: &Tornado) -> TornadoChart {
        let p = Period::of(t.horizon_hours);
        TornadoChart {
            title: p.reword(&format!(
                "What moves the expected annual loss (each parameter ±{:.0}%)",
                t.vary * 100.0
            )),
            x_desc: p.reword(&format!(
                "change of the expected annual loss ({}); orange: parameter down, blue: up",
                t.currency
            )),
            bars: t
                .bars
                .iter()
                .take(MAX_BARS)
                .map(|b| (b.path.clone(), b.delta_low.mean, b.delta_high.mean))
                .collect(),
        }
    }
}

impl Chart for TornadoChart {
    fn name(&self) -> &str {
        "tornado"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self.bars.len().max(1);
        let m = self
            .bars
            .iter()
            .map(|b| b.1.abs().max(b.2.abs()))
            .fold(0.0f64, f64::max)
            .max(1.0)
            * 1.1;
        let labels: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let mut chart =
            frame::money_bars(area, &self.title, (&self.x_desc, -m..m), &labels, (380, 44))?;
        // Row 0 (the largest) at the top.
        let row = |k: usize| (n - 1 - k) as f64;
        for (k, (_, lo, hi)) in self.bars.iter().enumerate() {
            let y = row(k);
            for (v, colour) in [(*lo, ORANGE), (*hi, BLUE)] {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.35), (v.clamp(-m, m), y + 0.35)],
                        colour.mix(0.85).filled(),
                    )))
                    .map_err(draw_err)?;
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                GREY.stroke_width(2),
            )))
            .map_err(draw_err)?;
        Ok(())
    }
}
