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
        let what = super::net_of_insurance(&p.expected_loss(), t.net_of_insurance);
        TornadoChart {
            title: format!(
                "What moves the {what} (each parameter ±{:.0}%)",
                t.vary * 100.0
            ),
            // Net of insurance, the legend is shorter so that the axis
            // title fits the chart's width.
            x_desc: format!(
                "change of the {what} ({}); orange: {}down, blue: up",
                t.currency,
                if t.net_of_insurance { "" } else { "parameter " }
            ),
            bars: t
                .bars
                .iter()
                .take(MAX_BARS)
                .map(|b| (b.path.clone(), b.delta_low.mean, b.delta_high.mean))
                .collect(),
        }
    }
}

/// The vertical extents, around a row's centre, of its down (orange) and
/// up (blue) bars. Ends on either side of 0 share the row's full height;
/// ends on the same side (both moves raise the loss, or both lower it)
/// split it, down above and up below: drawn over each other, the shorter
/// one was hidden, and a parameter whose both moves raise the loss read as
/// if moving it down changed nothing.
fn ends(lo: f64, hi: f64) -> ((f64, f64), (f64, f64)) {
    if lo * hi > 0.0 {
        ((0.0, 0.35), (-0.35, 0.0))
    } else {
        ((-0.35, 0.35), (-0.35, 0.35))
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
            .fold(0.0f64, f64::max);
        // A change of a fraction of a unit (money in `EUR million`) keeps
        // its scale; only nothing moved at all gets an axis of ±1.
        let m = if m > 0.0 { m } else { 1.0 } * 1.1;
        let labels: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let mut chart =
            frame::money_bars(area, &self.title, (&self.x_desc, -m..m), &labels, (380, 44))?;
        // Row 0 (the largest) at the top.
        let row = |k: usize| (n - 1 - k) as f64;
        for (k, (_, lo, hi)) in self.bars.iter().enumerate() {
            let y = row(k);
            for (v, colour, (bottom, top)) in [
                (*lo, ORANGE, ends(*lo, *hi).0),
                (*hi, BLUE, ends(*lo, *hi).1),
            ] {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y + bottom), (v.clamp(-m, m), y + top)],
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The filled bars of a tornado SVG: (x, y, width, height).
    fn bars(svg: &str) -> Vec<[f64; 4]> {
        svg.lines()
            .filter(|l| l.contains("<rect") && l.contains("opacity=\"0.85\""))
            .map(|l| {
                let at = |k: &str| -> f64 {
                    l.split(&format!(" {k}=\""))
                        .nth(1)
                        .and_then(|v| v.split('"').next())
                        .and_then(|v| v.parse().ok())
                        .expect("attribute")
                };
                [at("x"), at("y"), at("width"), at("height")]
            })
            .collect()
    }

    #[test]
    fn both_ends_show_when_they_move_the_loss_the_same_way() {
        let chart = TornadoChart {
            title: "t".into(),
            x_desc: "change (EUR)".into(),
            bars: vec![
                ("a.rate".into(), -6000.0, 6000.0),
                ("office-fire.rate".into(), 54.0, 247.0),
            ],
        };
        let r = super::super::render(&chart).expect("renders");
        let b = bars(&r.svg);
        assert_eq!(b.len(), 4, "{b:?}");
        // Opposite sides: both bars the row's full height.
        assert_eq!(b[0][3], b[1][3]);
        assert_eq!(b[0][1], b[1][1]);
        // Same side: the down bar (+54) above the up bar (+247), each half
        // the height, neither hidden under the other.
        let (down, up) = (b[2], b[3]);
        assert!(down[2] > 0.0 && up[2] > down[2]);
        assert!(down[1] + down[3] <= up[1] + 1.0, "{down:?} {up:?}");
        assert!(down[3] < b[0][3] * 0.6);
    }

    /// Changes of a fraction of a unit (money in `EUR million`) fill the
    /// axis: it was at least ±1 unit wide, so ±0.05 drew slivers.
    #[test]
    fn small_changes_fill_the_axis() {
        let chart = TornadoChart {
            title: "t".into(),
            x_desc: "change (EUR million)".into(),
            bars: vec![("a.rate".into(), -0.05, 0.03)],
        };
        let b = bars(&super::super::render(&chart).expect("renders").svg);
        assert_eq!(b.len(), 2, "{b:?}");
        // The plot is about 850 pixels wide: ±0.055 puts 0.05 at ~390.
        assert!(b[0][2] > 300.0, "{b:?}");
        // Nothing moved at all still draws an axis.
        let flat = TornadoChart {
            bars: vec![("a.rate".into(), 0.0, 0.0)],
            ..chart
        };
        super::super::render(&flat).expect("renders");
    }
}
