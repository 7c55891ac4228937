//! `compare_loss_exceedance`: both plans' loss exceedance curves on one
//! chart, money on a log axis and the probability of exceeding it on a log
//! axis, so the 1-in-100 year tail is as readable as the body.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::model::HOURS_PER_YEAR;
use crate::stats::period::Period;
use crate::stats::LogHist;

use super::axis::money_short;
use super::frame;
use super::{draw_err, font, Chart, BLUE, LABEL_SIZE, ORANGE, TITLE_SIZE};

/// Line width of the two curves.
const STROKE: u32 = 3;

/// The staircase of a loss exceedance curve: (loss, P(annual loss > loss))
/// for the positive losses, starting at P(loss > 0).
fn staircase(h: &LogHist) -> Vec<(f64, f64)> {
    let n = h.count() as f64;
    let mut out = Vec::new();
    if n == 0.0 {
        return out;
    }
    let mut above: u64 = h.buckets().iter().filter(|b| b.1 > 0.0).map(|b| b.2).sum();
    for (lo, hi, c) in h.buckets() {
        if hi <= 0.0 {
            continue;
        }
        let v = 0.5 * (lo + hi);
        out.push((v, above as f64 / n));
        above -= c;
        if above > 0 {
            out.push((v, above as f64 / n));
        }
    }
    out
}

/// Two loss exceedance curves, A and B, overlaid.
pub(crate) struct ExceedanceOverlay {
    pub a_label: String,
    pub b_label: String,
    pub a: Vec<(f64, f64)>,
    pub b: Vec<(f64, f64)>,
    pub currency: String,
    pub trials: u64,
    /// What a loss is for: a year unless [`ExceedanceOverlay::per`] says.
    pub period: Period,
    /// The losses are net of insurance ([`ExceedanceOverlay::net`]).
    pub net: bool,
    /// The risk appetite of either scenario, (loss, probability accepted)
    /// ([`ExceedanceOverlay::appetite`]): both curves are judged on it.
    pub appetite: Vec<(f64, f64)>,
}

impl ExceedanceOverlay {
    pub(crate) fn new(
        a_label: &str,
        b_label: &str,
        a: &LogHist,
        b: &LogHist,
        currency: &str,
    ) -> ExceedanceOverlay {
        ExceedanceOverlay {
            a_label: a_label.to_string(),
            b_label: b_label.to_string(),
            a: staircase(a),
            b: staircase(b),
            currency: currency.to_string(),
            trials: a.count().max(b.count()),
            period: Period::of(HOURS_PER_YEAR),
            net: false,
            appetite: Vec::new(),
        }
    }

    /// The risk appetite to draw over both curves (each point once).
    pub(crate) fn appetite(self, appetite: Vec<(f64, f64)>) -> ExceedanceOverlay {
        ExceedanceOverlay { appetite, ..self }
    }

    /// The chart for losses over `period` (a trial of the horizon).
    pub(crate) fn per(self, period: Period) -> ExceedanceOverlay {
        ExceedanceOverlay { period, ..self }
    }

    /// The chart of losses net of insurance when `net`: its axis says so.
    pub(crate) fn net(self, net: bool) -> ExceedanceOverlay {
        ExceedanceOverlay { net, ..self }
    }
}

impl Chart for ExceedanceOverlay {
    fn name(&self) -> &str {
        "compare_loss_exceedance"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // The appetite's losses are on the axis too, so that a point left
        // or right of every simulated loss is still drawn.
        let all = || {
            self.a
                .iter()
                .chain(&self.b)
                .chain(self.appetite.iter().filter(|p| p.0 > 0.0))
        };
        let x_min = all().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let x_max = all().map(|p| p.0).fold(0.0, f64::max);
        let (x_min, x_max) = if x_min.is_finite() && x_max > 0.0 {
            (x_min / 1.5, (x_max * 1.5).max(x_min * 10.0))
        } else {
            (1.0, 10.0)
        };
        let y_min = (0.5 / self.trials.max(1) as f64).min(1.0);
        let caption = "Loss exceedance: plan A and plan B (common random numbers)";
        let mut chart = ChartBuilder::on(area)
            .caption(caption, font(TITLE_SIZE))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d((x_min..x_max).log_scale(), (y_min..1.0).log_scale())
            .map_err(draw_err)?;
        let x_fmt = |x: &f64| money_short(*x);
        let y_fmt = |p: &f64| super::axis::percent_tick(*p);
        frame::mesh(&mut chart, frame::Grid::Full)
            .x_desc(format!(
                "{} ({}), log scale",
                super::net_of_insurance(&self.period.loss(), self.net),
                self.currency
            ))
            .y_desc(format!(
                "probability a {} loses more than this",
                self.period.noun()
            ))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .map_err(draw_err)?;
        if self.a.is_empty() && self.b.is_empty() {
            let style = font(LABEL_SIZE);
            area.draw(&Text::new(
                "no trial lost anything under either plan",
                (200, 300),
                style,
            ))
            .map_err(draw_err)?;
            return Ok(());
        }
        // Equal curves (two plans that lose the same in every trial) draw
        // B over A: the legend says A is under it.
        let a_label = if self.a == self.b {
            format!(
                "{} (under {}: the curves coincide)",
                self.a_label, self.b_label
            )
        } else {
            self.a_label.clone()
        };
        for (points, label, colour) in [(&self.a, &a_label, BLUE), (&self.b, &self.b_label, ORANGE)]
        {
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    colour.stroke_width(STROKE),
                ))
                .map_err(draw_err)?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(STROKE))
                });
        }
        super::loss_exceedance::appetite_line(
            &mut chart,
            &self.appetite,
            ((x_min, x_max), (y_min, 1.0)),
            self.net,
        )?;
        super::axis::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staircase_starts_at_the_probability_of_any_loss() {
        let mut h = LogHist::new(7);
        h.add_n(0.0, 6);
        h.add(100.0);
        h.add(1000.0);
        h.add(1000.0);
        h.add(5000.0);
        let s = staircase(&h);
        assert_eq!(s.first().map(|p| p.1), Some(0.4));
        assert!(s.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 >= w[1].1));
        assert!(s.iter().all(|p| p.1 > 0.0));
    }

    #[test]
    fn renders() {
        let mut a = LogHist::new(7);
        let mut b = LogHist::new(7);
        for i in 1..200 {
            a.add(f64::from(i) * 1000.0);
            b.add(f64::from(i) * 700.0);
        }
        let chart = ExceedanceOverlay::new("A: base", "B: hot site", &a, &b, "EUR");
        let r = super::super::render(&chart).expect("renders");
        assert!(r.svg.contains("hot site"));
        let empty = ExceedanceOverlay::new("A", "B", &LogHist::new(7), &LogHist::new(7), "EUR");
        assert!(super::super::render(&empty).is_ok());
        // Two plans that lose the same: B's curve hides A's, and the
        // legend says so; distinct curves say nothing of it.
        assert!(!r.svg.contains("the same curve as B"));
        let same = ExceedanceOverlay::new("A: base", "B: base again", &a, &a, "EUR");
        let r = super::super::render(&same).expect("renders");
        assert!(r
            .svg
            .contains("A: base (under B: base again: the curves coincide)"));
    }

    /// The comparison judges both plans on the risk appetite: the chart
    /// draws it (a point beyond every simulated loss included), and says
    /// when it is judged on the net loss; without one it draws none.
    #[test]
    fn the_risk_appetite_is_drawn_over_both_curves() {
        let mut a = LogHist::new(7);
        for i in 1..200 {
            a.add(f64::from(i) * 1000.0);
        }
        let plain = ExceedanceOverlay::new("A", "B", &a, &a, "EUR");
        let r = super::super::render(&plain).expect("renders");
        assert!(!r.svg.contains("risk appetite"));
        assert!(!r.svg.contains(">\n10M\n<"));
        let points = vec![(50_000.0, 0.5), (10_000_000.0, 0.01)];
        let with = ExceedanceOverlay::new("A", "B", &a, &a, "EUR").appetite(points.clone());
        let r = super::super::render(&with).expect("renders");
        assert!(r.svg.contains(">\nrisk appetite\n<"));
        // The far point widens the axis: a 10M tick is drawn.
        assert!(r.svg.contains(">\n10M\n<"));
        let net = ExceedanceOverlay::new("A", "B", &a, &a, "EUR")
            .net(true)
            .appetite(points);
        let r = super::super::render(&net).expect("renders");
        assert!(r.svg.contains("risk appetite (judged on the net loss)"));
    }
}
