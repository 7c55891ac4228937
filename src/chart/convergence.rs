//! Convergence of the expected annual loss: the running mean after each
//! block of 1024 trials with its 95% confidence band (±1.96 standard
//! errors). A band that has narrowed and a line that has flattened say the
//! trial count was enough; a band still wide says run more.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::stats::{ExactSum, Z975 as Z};

use crate::stats::period::Period;

use super::axis::{self, money_short};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREY, LABEL_SIZE, SKY};

/// One point: trials so far, running mean, its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub trials: u64,
    pub mean: f64,
    pub std_error: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Convergence {
    pub scenario: String,
    pub currency: String,
    pub points: Vec<Point>,
    /// What a loss is for: a year, or one trial of another horizon.
    pub period: Period,
    /// The losses are before insurance, in a scenario that has some: the
    /// title says so.
    pub gross: bool,
}

/// Running means from the per-block sums of an accumulator (blocks in
/// index order; prefix sums are exact, so the last point equals the run's
/// mean and standard error).
pub(crate) fn running(blocks: &BTreeMap<u64, ExactSum>) -> Vec<Point> {
    let mut sum = ExactSum::default();
    blocks
        .values()
        .map(|b| {
            sum.merge(b);
            Point {
                trials: sum.count(),
                mean: sum.mean(),
                std_error: sum.std_error(),
            }
        })
        .collect()
}

impl Chart for Convergence {
    fn name(&self) -> &str {
        "convergence"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let p = &self.period;
        let title = format!(
            "Convergence of the {}{} — {}",
            p.expected_loss(),
            if self.gross { " before insurance" } else { "" },
            self.scenario
        );
        let Some(last) = self.points.last() else {
            return axis::empty(area, &title, "No trials were run.");
        };
        // Zoomed on the band, not from zero: the point is to see whether
        // the line has settled.
        let lower = self
            .points
            .iter()
            .map(|p| p.mean - Z * p.std_error)
            .fold(f64::MAX, f64::min);
        let upper = self
            .points
            .iter()
            .map(|p| p.mean + Z * p.std_error)
            .fold(f64::MIN, f64::max);
        let pad = if upper > lower {
            0.1 * (upper - lower)
        } else {
            (0.1 * upper.abs()).max(1.0)
        };
        let (lo, y1) = (lower - pad, upper + pad);
        let x1 = (last.trials as f64).max(1.0);
        let mut chart = frame::titled(area, &title)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x1 * 1.02, lo..y1)
            .map_err(draw_err)?;
        frame::mesh(&mut chart, frame::Grid::Faint)
            .x_desc("trials")
            .y_desc(format!("{} ({}, zoomed)", p.expected_loss(), self.currency))
            .x_label_formatter(&|x| money_short(*x))
            .y_label_formatter(&|y| money_short(*y))
            .draw()
            .map_err(draw_err)?;

        let upper: Vec<(f64, f64)> = self
            .points
            .iter()
            .map(|p| (p.trials as f64, (p.mean + Z * p.std_error).clamp(lo, y1)))
            .collect();
        let lower: Vec<(f64, f64)> = self
            .points
            .iter()
            .rev()
            .map(|p| (p.trials as f64, (p.mean - Z * p.std_error).clamp(lo, y1)))
            .collect();
        if self.points.len() > 1 {
            chart
                .draw_series([Polygon::new(
                    upper
                        .iter()
                        .chain(lower.iter())
                        .copied()
                        .collect::<Vec<_>>(),
                    SKY.mix(0.35).filled(),
                )])
                .map_err(draw_err)?
                .label("95% confidence band")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 30, y + 7)], SKY.mix(0.35).filled())
                });
            chart
                .draw_series(LineSeries::new(
                    self.points
                        .iter()
                        .map(|p| (p.trials as f64, p.mean.clamp(lo, y1))),
                    ShapeStyle::from(&BLUE).stroke_width(3),
                ))
                .map_err(draw_err)?
                .label("running mean")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], BLUE.stroke_width(3)));
        } else {
            let x = last.trials as f64;
            chart
                .draw_series([PathElement::new(
                    [
                        (x, (last.mean - Z * last.std_error).clamp(lo, y1)),
                        (x, (last.mean + Z * last.std_error).clamp(lo, y1)),
                    ],
                    SKY.stroke_width(4),
                )])
                .map_err(draw_err)?
                .label("95% confidence interval")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], SKY.stroke_width(4)));
            chart
                .draw_series([Circle::new((x, last.mean.clamp(lo, y1)), 7, BLUE.filled())])
                .map_err(draw_err)?
                .label("mean")
                .legend(|(x, y)| Circle::new((x + 15, y), 6, BLUE.filled()));
            let at = axis::relative(area, chart.backend_coord(&(0.0, y1)));
            axis::text(
                area,
                "One block of 1024 trials or fewer: run more trials to see the mean settle.",
                (at.0 + 15, at.1 + 15),
                font(LABEL_SIZE).color(&GREY),
                (HPos::Left, VPos::Top),
            )?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, last.mean), (x1 * 1.02, last.mean)],
                8,
                6,
                GREY.stroke_width(1),
            ))
            .map_err(draw_err)?;
        let c = &self.currency;
        let at = axis::relative(area, chart.backend_coord(&(x1, last.mean.clamp(lo, y1))));
        axis::text(
            area,
            &format!(
                "{c} {} ± {}",
                money_short(last.mean),
                money_short(Z * last.std_error)
            ),
            (at.0 - 10, at.1 - 12),
            font(LABEL_SIZE),
            (HPos::Right, VPos::Bottom),
        )?;
        axis::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_means_end_at_the_total() {
        let mut blocks = BTreeMap::new();
        let mut all = ExactSum::default();
        for b in 0..3u64 {
            let mut s = ExactSum::default();
            for i in 0..10 {
                let x = (b * 10 + i) as f64;
                s.add(x);
                all.add(x);
            }
            blocks.insert(b, s);
        }
        let pts = running(&blocks);
        assert_eq!(pts.len(), 3);
        assert_eq!(pts[0].trials, 10);
        assert_eq!(pts[0].mean, 4.5);
        assert_eq!(pts[2].mean, all.mean());
        assert_eq!(pts[2].std_error, all.std_error());
    }

    #[test]
    fn renders_one_point_and_none() {
        let one = Convergence {
            scenario: "s".into(),
            currency: "EUR".into(),
            points: vec![Point {
                trials: 1,
                mean: 0.0,
                std_error: 0.0,
            }],
            period: Period::of(crate::model::HOURS_PER_YEAR),
            gross: false,
        };
        assert!(super::super::render(&one).is_ok());
        let none = Convergence {
            points: vec![],
            ..one
        };
        assert!(super::super::render(&none).is_ok());
    }
}
