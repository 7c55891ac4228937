//! `importance`: the services with the largest risk reduction worth, one
//! bar each with its paired 95% interval as a whisker.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::review::importance::Importance;
use crate::stats::period::Period;

use super::frame;
use super::{draw_err, Chart, GREY, VERMILION};

/// Most services drawn.
pub(crate) const MAX_BARS: usize = 15;

pub(crate) struct ImportanceChart {
    pub x_desc: String,
    /// (service, worth, 95% interval), largest first.
    pub bars: Vec<(String, f64, [f64; 2])>,
}

impl ImportanceChart {
    pub(crate) fn new(im: &Importance) -> ImportanceChart {
        ImportanceChart {
            x_desc: format!(
                "{} saved if the service never failed ({}), paired 95% CI",
                super::net_of_insurance(
                    &Period::of(im.horizon_hours).expected_loss(),
                    im.net_of_insurance
                ),
                im.currency
            ),
            bars: im
                .services
                .iter()
                .filter_map(|s| {
                    let d = s.risk_reduction_worth?;
                    Some((
                        s.name.clone().unwrap_or_else(|| s.id.clone()),
                        d.mean,
                        d.ci95,
                    ))
                })
                .take(MAX_BARS)
                .collect(),
        }
    }
}

impl Chart for ImportanceChart {
    fn name(&self) -> &str {
        "importance"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self.bars.len().max(1);
        let hi = self
            .bars
            .iter()
            .map(|b| b.2[1].max(b.1))
            .fold(0.0f64, f64::max);
        // A worth of a fraction of a unit (money in `EUR million`) keeps
        // its scale; only no worth at all gets an axis of 1.
        let hi = if hi > 0.0 { hi } else { 1.0 } * 1.1;
        let lo = self
            .bars
            .iter()
            .map(|b| b.2[0].min(0.0))
            .fold(0.0f64, f64::min)
            * 1.1;
        let labels: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let mut chart = frame::money_bars(
            area,
            "Risk reduction worth per service",
            (&self.x_desc, lo..hi),
            &labels,
            (300, 34),
        )?;
        for (k, (_, v, ci)) in self.bars.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (v.clamp(lo, hi), y + 0.35)],
                    VERMILION.mix(0.85).filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(ci[0].clamp(lo, hi), y), (ci[1].clamp(lo, hi), y)],
                    GREY.stroke_width(3),
                )))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worths of a fraction of a unit (money in `EUR million`) fill the
    /// axis: it was at least 1 unit wide, so 0.17 drew a sliver.
    #[test]
    fn small_worths_fill_the_axis() {
        let chart = ImportanceChart {
            x_desc: "saved (EUR million)".into(),
            bars: vec![("db".into(), 0.17, [0.15, 0.19])],
        };
        let svg = super::super::render(&chart).expect("renders").svg;
        let width: f64 = svg
            .lines()
            .find(|l| l.contains("<rect") && l.contains("fill=\"#D55E00\""))
            .and_then(|l| l.split(" width=\"").nth(1))
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("the bar");
        // The plot is about 940 pixels wide: 0.17 of 0.21 is ~760.
        assert!(width > 500.0, "{width}");
        let none = ImportanceChart {
            bars: vec![("db".into(), 0.0, [0.0, 0.0])],
            ..chart
        };
        super::super::render(&none).expect("renders");
    }
}
