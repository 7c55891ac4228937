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

impl LossExceedance {
    /// The legend of the (gross) curve; with insurance, a gross curve with
    /// nothing to draw says so (its legend named a curve that was not
    /// there).
    fn curve_label(&self, empty: bool) -> String {
        let trials = crate::fmt::count(self.trials as f64);
        match (self.net.is_some(), empty) {
            (false, _) => format!("simulated ({trials} trials)"),
            (true, false) => format!("gross loss, simulated ({trials} trials)"),
            (true, true) => format!("gross loss: none in {trials} trials"),
        }
    }
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
        let appetite_from = self
            .appetite
            .iter()
            .map(|a| a.0)
            .filter(|x| *x > 0.0)
            .fold(f64::MAX, f64::min);
        let p_min = steps
            .iter()
            .chain(&net)
            .map(|s| s.1)
            .chain(self.appetite.iter().map(|a| a.1))
            .filter(|p| *p > 0.0)
            .fold(1.0f64, f64::min)
            .min(1.0 / self.trials.max(1) as f64);
        let (y0, _) = decades(p_min, p_min);
        let steps = reaching(dropped(steps, y0), appetite_from, x0);
        let net = reaching(dropped(net, y0), appetite_from, x0);

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
            .label(self.curve_label(steps.is_empty()))
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
            let text = format!("{label}: {c} {}", money_short(v));
            // Above right of the mark, or below left of it (under the
            // falling curve) where the image ends first: a VaR near the
            // axis's end was cut ("EUR 2.67…").
            let width = area
                .estimate_text_size(&text, &font(TICK_SIZE))
                .map_or(0, |(w, _)| w as i32);
            let (at, anchor) = if at.0 + 12 + width > area.dim_in_pixel().0 as i32 - 4 {
                ((at.0 - 12, at.1 + 10), (HPos::Right, VPos::Top))
            } else {
                ((at.0 + 12, at.1 - 14), (HPos::Left, VPos::Bottom))
            };
            axis::text(area, &text, at, font(TICK_SIZE), anchor)?;
        }

        appetite_line(
            &mut chart,
            &self.appetite,
            ((x0, x1), (y0, 1.0)),
            self.net.is_some(),
        )?;

        // The legend box is opaque: where a curve runs under its usual
        // place, it goes to the lower left, which a falling curve leaves
        // empty.
        let mut labels = vec![self.curve_label(steps.is_empty())];
        if self.net.is_some() {
            labels.push("net loss: gross − insurance recoveries + premiums".to_string());
        }
        if !self.appetite.is_empty() {
            labels.push(if self.net.is_some() {
                "risk appetite (judged on the net loss)".to_string()
            } else {
                "risk appetite".to_string()
            });
        }
        let curves: Vec<(i32, i32)> = steps
            .iter()
            .chain(&net)
            .map(|p| chart.backend_coord(p))
            .collect();
        let plot = chart.plotting_area().get_pixel_range();
        let (w, h) = frame::legend_size(&labels)?;
        let clear = |position: SeriesLabelPosition| {
            let box_ = frame::legend_box(position, (w, h), &plot);
            !crosses(&curves, box_)
        };
        let position = [
            SeriesLabelPosition::UpperRight,
            SeriesLabelPosition::LowerLeft,
        ]
        .into_iter()
        .find(|p| clear(p.clone()))
        .unwrap_or(SeriesLabelPosition::UpperRight);
        axis::legend(&mut chart, position)?;
        Ok(())
    }
}

/// The risk appetite, (loss, probability accepted) points, drawn as a
/// line with a triangle at each point, held to the plot `(x, y)` ranges;
/// with `net`, its legend says it is judged on the net loss (with
/// insurance the verdict is the net curve's: a gross curve above the line
/// is no breach). Nothing for an empty appetite. The one drawing of an
/// appetite, for [`LossExceedance`] and compare's overlay.
pub(super) fn appetite_line<DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'_, DB, CT>,
    appetite: &[(f64, f64)],
    ((x0, x1), (y0, y1)): ((f64, f64), (f64, f64)),
    net: bool,
) -> Result<(), String> {
    if appetite.is_empty() {
        return Ok(());
    }
    let mut pts: Vec<(f64, f64)> = appetite
        .iter()
        .map(|&(l, p)| (l.clamp(x0, x1), p.clamp(y0, y1)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    chart
        .draw_series(LineSeries::new(
            pts.iter().copied(),
            ShapeStyle::from(&VERMILION).stroke_width(2),
        ))
        .map_err(draw_err)?
        .label(if net {
            "risk appetite (judged on the net loss)"
        } else {
            "risk appetite"
        })
        .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], VERMILION.stroke_width(2)));
    chart
        .draw_series(
            pts.iter()
                .map(|&p| TriangleMarker::new(p, 9, VERMILION.filled())),
        )
        .map_err(draw_err)?;
    Ok(())
}

/// A curve that starts right of the smallest loss of the appetite, `from`,
/// or of one loss ([`dropped`]), carried left to the axis's edge `x0` at
/// its first probability (the probability of any loss: no year loses less
/// than the smallest loss simulated): without it, an appetite point left
/// of the curve's first loss had no curve above it, and a breach did not
/// show.
fn reaching(mut steps: Vec<(f64, f64)>, from: f64, x0: f64) -> Vec<(f64, f64)> {
    let one_loss = steps.len() > 1 && steps.iter().all(|s| s.0 == steps[0].0);
    if let Some(&(x, p)) = steps.first() {
        if (from < x || one_loss) && x0 < x {
            steps.insert(0, (x0, p));
        }
    }
    steps
}

/// A curve of one loss (every year that loses anything loses the same):
/// its drop to the axis's bottom `y0` drawn, since a line from a point to
/// itself draws nothing (the curve was invisible, with the VaR marks on
/// nothing). Other curves keep their last step, as usual.
fn dropped(mut steps: Vec<(f64, f64)>, y0: f64) -> Vec<(f64, f64)> {
    let last = steps.last().copied();
    if let Some((x, p)) = last {
        if steps.iter().all(|s| s.0 == x) && p > y0 {
            steps.push((x, y0));
        }
    }
    steps
}

/// Whether a polyline of pixel points (a step curve: each piece level or
/// upright) crosses the box ((left, top), (right, bottom)).
fn crosses(points: &[(i32, i32)], ((l, t), (r, b)): ((i32, i32), (i32, i32))) -> bool {
    let inside = |&(x, y): &(i32, i32)| l <= x && x <= r && t <= y && y <= b;
    points.iter().any(inside)
        || points.windows(2).any(|w| {
            let (a, c) = (w[0], w[1]);
            a.0.min(c.0) <= r && a.0.max(c.0) >= l && a.1.min(c.1) <= b && a.1.max(c.1) >= t
        })
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

    /// The blue polyline of the curve (the first of its colour) in an
    /// SVG, as pixel points.
    fn blue_curve(svg: &str) -> Vec<(i32, i32)> {
        let line = svg
            .lines()
            .find(|l| l.contains("<polyline") && l.contains("stroke=\"#0072B2\""))
            .expect("a curve");
        let points = line.split("points=\"").nth(1).expect("points");
        points
            .split_whitespace()
            .filter_map(|p| p.trim_end_matches('"').split_once(','))
            .filter_map(|(x, y)| Some((x.parse().ok()?, y.trim_end_matches("\"/>").parse().ok()?)))
            .collect()
    }

    #[test]
    fn a_curve_of_one_loss_is_drawn_and_reaches_the_appetite() {
        // Every year loses 5 000: the curve was one point, a line from it
        // to itself, so nothing showed, and the appetite point at 1 000
        // (breached: every year loses more) had no curve above it.
        let mut c = chart(vec![(5000.0, 0.0)], 1.0);
        c.trials = 2000;
        c.var95 = 5000.0;
        c.var99 = 5000.0;
        c.appetite = vec![(1000.0, 0.5), (5000.0, 0.1)];
        let r = super::super::render(&c).expect("renders");
        let curve = blue_curve(&r.svg);
        assert_eq!(curve.len(), 3, "{curve:?}");
        // Level at 100% from the axis's left edge to the loss, then down
        // to the axis's bottom.
        assert_eq!(curve[0].1, curve[1].1);
        assert!(curve[0].0 < curve[1].0);
        assert_eq!(curve[1].0, curve[2].0);
        assert!(curve[2].1 > curve[1].1 + 400);
        assert_eq!(
            dropped(vec![(5000.0, 1.0)], 1e-4),
            vec![(5000.0, 1.0), (5000.0, 1e-4)]
        );
        assert_eq!(
            reaching(vec![(5000.0, 1.0), (5000.0, 1e-4)], f64::MAX, 500.0),
            vec![(500.0, 1.0), (5000.0, 1.0), (5000.0, 1e-4)]
        );
        // An ordinary curve keeps its bytes: not carried left when no
        // appetite point lies left of it, its last step not dropped.
        let steps = vec![(100.0, 0.5), (100.0, 0.3), (500.0, 0.3)];
        assert_eq!(reaching(steps.clone(), 200.0, 50.0), steps);
        assert_eq!(dropped(steps.clone(), 1e-4), steps);
        // An appetite point left of the curve's first loss: the curve is
        // carried left to the axis's edge at the probability of any loss.
        assert_eq!(reaching(steps.clone(), 80.0, 50.0)[0], (50.0, 0.5));
    }

    /// The left edge of the legend box in an SVG.
    fn legend_x(svg: &str) -> i32 {
        let rect = svg
            .lines()
            .find(|l| l.contains("<rect") && l.contains("opacity=\"0.92\""))
            .expect("the legend box");
        rect.split("x=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("x")
    }

    #[test]
    fn the_legend_leaves_the_curves_visible_and_the_var_labels_fit() {
        // An insured run whose net curve runs level at 100% across the
        // plot: under the legend's usual upper-right place.
        let mut c = chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4);
        c.net = Some((vec![(50.0, 0.5), (2000.0, 0.0)], 1.0));
        let r = super::super::render(&c).expect("renders");
        assert!(legend_x(&r.svg) < 640, "the legend stayed over the curve");
        // Without a curve under it, it stays at the upper right.
        let plain =
            super::super::render(&chart(vec![(100.0, 0.3), (500.0, 0.0)], 0.4)).expect("renders");
        assert!(legend_x(&plain.svg) > 640);
        // A gross curve with nothing to draw says so in the legend.
        let mut zero = chart(vec![], 0.0);
        zero.net = Some((vec![(700.0, 0.0)], 1.0));
        let r = super::super::render(&zero).expect("renders");
        assert!(r.svg.contains("gross loss: none in 10 trials"), "{}", r.svg);
        // A VaR at the axis's right end is labelled left of its mark, not
        // cut at the image's edge.
        let mut far = chart(vec![(100.0, 0.3), (2_670_000.0, 0.0)], 0.4);
        far.var99 = 2_670_000.0;
        let r = super::super::render(&far).expect("renders");
        let label = r
            .svg
            .lines()
            .position(|l| l.contains("VaR 99: EUR 2.67M"))
            .expect("the VaR 99 label");
        let lines: Vec<&str> = r.svg.lines().take(label + 1).collect();
        let text = lines
            .iter()
            .rev()
            .find(|l| l.contains("<text"))
            .expect("text");
        assert!(text.contains("text-anchor=\"end\""), "{text}");
    }
}
