//! The loss exceedance curve: for each annual loss, the probability that a
//! year loses more than that. Both axes are logarithmic so the 1-in-100
//! tail is as readable as the typical year. VaR 95 and VaR 99 are marked on
//! the curve, and the board's risk appetite, when the scenario gives one,
//! is drawn as points joined by a line: where the curve runs above them the
//! risk is outside appetite.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::stats::period::Period;

use super::axis::{self, decades, money_short};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREEN, GREY, TICK_SIZE, VERMILION};

/// What the chart needs; built from the run's histogram and summary.
#[derive(Debug, Clone)]
pub(crate) struct LossExceedance {
    pub scenario: String,
    pub currency: String,
    pub trials: u64,
    /// (loss, probability that a year loses more), ascending in loss, as
    /// `LogHist::exceedance` gives it.
    pub curve: Vec<(f64, f64)>,
    /// Probability that a year loses anything.
    pub probability_of_loss: f64,
    pub var95: f64,
    pub var99: f64,
    /// (loss, acceptable probability of exceeding it), from the scenario.
    pub appetite: Vec<(f64, f64)>,
    /// With insurance: the net loss's curve and probability of any net
    /// loss, drawn beside the gross one.
    pub net: Option<(Vec<(f64, f64)>, f64)>,
    /// What a loss is for: a year, or one trial of another horizon.
    pub period: Period,
}

impl LossExceedance {
    /// The curve as steps: (loss, P(a year loses more than this)),
    /// positive losses and probabilities only.
    fn steps(&self) -> Vec<(f64, f64)> {
        steps(&self.curve, self.probability_of_loss)
    }
}

/// A curve (as `LogHist::exceedance` gives it, with the probability of
/// any loss) as steps.
fn steps(curve: &[(f64, f64)], probability_of_loss: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(curve.len() * 2);
    let mut before = probability_of_loss;
    for &(x, p) in curve {
        if x <= 0.0 || before <= 0.0 {
            before = p;
            continue;
        }
        out.push((x, before));
        if p > 0.0 {
            out.push((x, p));
        }
        before = p;
    }
    out
}

impl Chart for LossExceedance {
    fn name(&self) -> &str {
        "loss_exceedance"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let p = &self.period;
        let title = if p.is_year() {
            format!("Annual loss exceedance — {}", self.scenario)
        } else {
            format!("Loss exceedance per {} — {}", p.span(), self.scenario)
        };
        let steps = self.steps();
        let net = self
            .net
            .as_ref()
            .map(|(curve, p)| self::steps(curve, *p))
            .unwrap_or_default();
        if steps.is_empty() && net.is_empty() {
            return axis::empty(
                area,
                &title,
                &format!(
                    "No simulated {} lost anything ({} trials):\nthere is no curve to draw.",
                    p.noun(),
                    self.trials
                ),
            );
        }
        let losses = steps
            .iter()
            .chain(&net)
            .map(|s| s.0)
            .chain(self.appetite.iter().map(|a| a.0))
            .chain([self.var95, self.var99])
            .filter(|x| *x > 0.0);
        let (lo, hi) = losses.fold((f64::MAX, 0f64), |(a, b), x| (a.min(x), b.max(x)));
        let (x0, x1) = axis::round_log_range(lo / 1.2, hi * 1.2);
        let p_min = steps
            .iter()
            .chain(&net)
            .map(|s| s.1)
            .chain(self.appetite.iter().map(|a| a.1))
            .filter(|p| *p > 0.0)
            .fold(1.0f64, f64::min)
            .min(1.0 / self.trials.max(1) as f64);
        let (y0, _) = decades(p_min, p_min);

        let x_desc = format!("{} ({}, log scale)", p.loss(), self.currency);
        let mut chart = frame::titled(area, &title)
            .y_label_area_size(110)
            .build_cartesian_2d(
                (x0..x1)
                    .log_scale()
                    .with_key_points(axis::log_ticks(x0, x1, 12)),
                (y0..1.0)
                    .log_scale()
                    .with_key_points(axis::log_ticks(y0, 1.0, 12)),
            )
            .map_err(draw_err)?;
        frame::mesh(&mut chart, frame::Grid::Faint)
            .x_desc(x_desc)
            .y_desc(format!("probability a {} loses more than this", p.noun()))
            .x_label_formatter(&|x| money_short(*x))
            .y_label_formatter(&|p| axis::percent_tick(*p))
            .draw()
            .map_err(draw_err)?;

        chart
            .draw_series(LineSeries::new(
                steps.iter().copied(),
                ShapeStyle::from(&BLUE).stroke_width(3),
            ))
            .map_err(draw_err)?
            .label(format!(
                "{} ({} trials)",
                if self.net.is_some() {
                    "gross loss, simulated"
                } else {
                    "simulated"
                },
                crate::fmt::count(self.trials as f64)
            ))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], BLUE.stroke_width(3)));
        if self.net.is_some() {
            chart
                .draw_series(LineSeries::new(
                    net.iter().copied(),
                    ShapeStyle::from(&GREEN).stroke_width(3),
                ))
                .map_err(draw_err)?
                .label("net loss: gross − insurance recoveries + premiums")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], GREEN.stroke_width(3)));
        }

        // VaR markers: where the curve crosses 1 in 20 and 1 in 100.
        let c = self.currency.as_str();
        // With insurance the markers are the gross curve's.
        let (var95, var99) = if self.net.is_some() {
            ("VaR 95 (gross)", "VaR 99 (gross)")
        } else {
            ("VaR 95", "VaR 99")
        };
        for (v, p, label) in [(self.var95, 0.05, var95), (self.var99, 0.01, var99)] {
            if v <= 0.0 || p < y0 {
                continue;
            }
            let v = v.clamp(x0, x1);
            chart
                .draw_series([
                    PathElement::new([(x0, p), (v, p)], GREY.stroke_width(1)),
                    PathElement::new([(v, y0), (v, p)], GREY.stroke_width(1)),
                ])
                .map_err(draw_err)?;
            chart
                .draw_series([Circle::new((v, p), 7, BLUE.filled())])
                .map_err(draw_err)?;
            let at = axis::relative(area, chart.backend_coord(&(v, p)));
            axis::text(
                area,
                &format!("{label}: {c} {}", money_short(v)),
                (at.0 + 12, at.1 - 14),
                font(TICK_SIZE),
                (HPos::Left, VPos::Bottom),
            )?;
        }

        if !self.appetite.is_empty() {
            let mut pts: Vec<(f64, f64)> = self
                .appetite
                .iter()
                .map(|&(l, p)| (l.clamp(x0, x1), p.clamp(y0, 1.0)))
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart
                .draw_series(LineSeries::new(
                    pts.iter().copied(),
                    ShapeStyle::from(&VERMILION).stroke_width(2),
                ))
                .map_err(draw_err)?
                // With insurance the verdict is the net curve's: the gross
                // curve above the line is no breach.
                .label(if self.net.is_some() {
                    "risk appetite (judged on the net loss)"
                } else {
                    "risk appetite"
                })
                .legend(|(x, y)| {
                    PathElement::new([(x, y), (x + 30, y)], VERMILION.stroke_width(2))
                });
            chart
                .draw_series(
                    pts.iter()
                        .map(|&p| TriangleMarker::new(p, 9, VERMILION.filled())),
                )
                .map_err(draw_err)?;
        }

        axis::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HOURS_PER_YEAR;

    fn chart(curve: Vec<(f64, f64)>, p_loss: f64) -> LossExceedance {
        LossExceedance {
            scenario: "test".into(),
            currency: "EUR".into(),
            trials: 10,
            curve,
            probability_of_loss: p_loss,
            var95: 500.0,
            var99: 900.0,
            appetite: vec![(100.0, 0.5), (1000.0, 0.01)],
            net: None,
            period: Period::of(HOURS_PER_YEAR),
        }
    }

    #[test]
    fn steps_start_at_the_probability_of_any_loss() {
        let c = chart(vec![(100.0, 0.3), (500.0, 0.1), (900.0, 0.0)], 0.5);
        assert_eq!(
            c.steps(),
            vec![
                (100.0, 0.5),
                (100.0, 0.3),
                (500.0, 0.3),
                (500.0, 0.1),
                (900.0, 0.1)
            ]
        );
    }

    #[test]
    fn renders_and_degenerate_data_gives_a_note() {
        let r = super::super::render(&chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4));
        assert!(r.is_ok());
        let empty = super::super::render(&chart(vec![], 0.0)).expect("renders");
        assert!(empty.svg.contains("No simulated year lost anything"));
        // With insurance both curves are drawn, with a legend.
        let mut insured = chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4);
        insured.net = Some((vec![(50.0, 1.0), (60.0, 0.2), (450.0, 0.0)], 1.0));
        let r = super::super::render(&insured).expect("renders");
        assert!(r.svg.contains("gross loss, simulated"));
        assert!(r.svg.contains("net loss: gross"));
        // The appetite is judged on the net curve, and the legend says so:
        // a gross curve above the line read as a breach that was not one.
        assert!(r.svg.contains("risk appetite (judged on the net loss)"));
        let gross =
            super::super::render(&chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4)).expect("renders");
        assert!(gross.svg.contains("risk appetite") && !gross.svg.contains("judged on"));
    }

    #[test]
    fn a_year_is_annual_and_a_two_year_horizon_says_per_2y() {
        let year =
            super::super::render(&chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4)).expect("renders");
        assert!(year.svg.contains("Annual loss exceedance — test"));
        assert!(year.svg.contains("annual loss (EUR, log scale)"));
        assert!(year.svg.contains("probability a year loses more than this"));
        let mut two = chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4);
        two.period = Period::of(2.0 * HOURS_PER_YEAR);
        let r = super::super::render(&two).expect("renders");
        assert!(r.svg.contains("Loss exceedance per 2y — test"), "{}", r.svg);
        assert!(r.svg.contains("loss per 2y (EUR, log scale)"));
        assert!(r.svg.contains("probability a trial loses more than this"));
        assert!(!r.svg.contains("nnual") && !r.svg.contains("a year"));
        two.curve = vec![];
        two.probability_of_loss = 0.0;
        let empty = super::super::render(&two).expect("renders");
        assert!(empty.svg.contains("No simulated trial lost anything"));
    }
}
