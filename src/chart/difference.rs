//! `compare_difference`: the histogram of the per-year difference in loss
//! ΔL = L_A − L_B (right of zero: plan B lost less), with the mean and the
//! 5th and 95th percentiles marked.
//!
//! The accumulator keeps log-spaced buckets; for a readable picture they
//! are re-binned into equal-width bars over the central 99% of the
//! non-zero differences. Years with exactly equal losses (frequent under
//! common random numbers) would dwarf every other bar, so they are stated
//! in the caption instead of drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::model::HOURS_PER_YEAR;
use crate::stats::diff::DiffAcc;
use crate::stats::period::Period;

use super::axis::{money_short as money, percent_short as percent};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREY, SKY, TITLE_SIZE, VERMILION};

/// Number of bars.
const BARS: usize = 50;

pub(crate) struct DifferenceHistogram {
    /// (bar start, bar end, share of all trials).
    pub bars: Vec<(f64, f64, f64)>,
    pub equal_share: f64,
    pub mean: f64,
    pub p5: f64,
    pub p95: f64,
    pub currency: String,
    /// What a loss is for: a year unless [`DifferenceHistogram::per`] says.
    pub period: Period,
    /// The losses are net of insurance ([`DifferenceHistogram::net`]).
    pub net: bool,
}

impl DifferenceHistogram {
    pub(crate) fn new(d: &DiffAcc, currency: &str) -> DifferenceHistogram {
        let n = d.count().max(1) as f64;
        let q = |p: f64| d.quantile(p).unwrap_or(0.0);
        // The central 99% of the non-zero differences, by rank.
        let (n_neg, ties) = (d.negative(), d.ties);
        let nonzero = d.count() - ties;
        let rank = |p: f64| {
            let r = (p * nonzero as f64).ceil().max(1.0) as u64;
            if r <= n_neg {
                r
            } else {
                r + ties
            }
        };
        let (mut lo, mut hi) = if nonzero == 0 {
            (-1.0, 1.0)
        } else {
            (
                d.value_at_rank(rank(0.005)).unwrap_or(0.0),
                d.value_at_rank(rank(0.995)).unwrap_or(0.0),
            )
        };
        lo = lo.min(0.0);
        hi = hi.max(0.0);
        if hi - lo <= 0.0 {
            hi = lo + 1.0;
        }
        let width = (hi - lo) / BARS as f64;
        let mut counts = vec![0u64; BARS];
        for (a, b, c) in d.buckets() {
            if a == 0.0 && b == 0.0 {
                continue;
            }
            let mid = 0.5 * (a + b);
            if mid < lo || mid > hi {
                continue;
            }
            let i = (((mid - lo) / width) as usize).min(BARS - 1);
            counts[i] += c;
        }
        DifferenceHistogram {
            bars: counts
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let x = lo + i as f64 * width;
                    (x, x + width, c as f64 / n)
                })
                .collect(),
            equal_share: ties as f64 / n,
            mean: d.sum.mean(),
            p5: q(0.05),
            p95: q(0.95),
            currency: currency.to_string(),
            period: Period::of(HOURS_PER_YEAR),
            net: false,
        }
    }

    /// The chart for losses over `period` (a trial of the horizon).
    pub(crate) fn per(self, period: Period) -> DifferenceHistogram {
        DifferenceHistogram { period, ..self }
    }

    /// The chart of losses net of insurance when `net`: its axis says so.
    pub(crate) fn net(self, net: bool) -> DifferenceHistogram {
        DifferenceHistogram { net, ..self }
    }
}

impl Chart for DifferenceHistogram {
    fn name(&self) -> &str {
        "compare_difference"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let x0 = self.bars.first().map_or(-1.0, |b| b.0);
        let x1 = self.bars.last().map_or(1.0, |b| b.1);
        let top = self.bars.iter().map(|b| b.2).fold(0.0, f64::max);
        let top = if top > 0.0 { top * 1.15 } else { 1.0 };
        let caption = format!(
            "Difference in {}, A − B (equal in {} of {}, not drawn)",
            self.period.loss(),
            percent(self.equal_share),
            self.period.nouns()
        );
        let mut chart = ChartBuilder::on(area)
            .caption(caption, font(TITLE_SIZE))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, 0.0..top)
            .map_err(draw_err)?;
        let x_fmt = |x: &f64| money(*x);
        let y_fmt = |p: &f64| super::axis::percent_tick(*p);
        frame::mesh(&mut chart, frame::Grid::Full)
            .disable_x_mesh()
            .x_desc(format!(
                "loss of A − loss of B{} ({}): right of 0, B loses less (central 99% shown)",
                if self.net { ", net of insurance" } else { "" },
                self.currency
            ))
            .y_desc(format!("share of {}", self.period.nouns()))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(
                self.bars
                    .iter()
                    .filter(|b| b.2 > 0.0)
                    .map(|&(a, b, h)| Rectangle::new([(a, 0.0), (b, h)], SKY.mix(0.8).filled())),
            )
            .map_err(draw_err)?;
        let cur = if self.currency.is_empty() {
            String::new()
        } else {
            format!("{} ", self.currency)
        };
        let marks = [
            (0.0, GREY, "zero".to_string()),
            (self.mean, BLUE, format!("mean {}{}", cur, money(self.mean))),
            (self.p5, VERMILION, format!("p5 {}{}", cur, money(self.p5))),
            (
                self.p95,
                VERMILION,
                format!("p95 {}{}", cur, money(self.p95)),
            ),
        ];
        for (x, colour, label) in marks {
            if x < x0 || x > x1 {
                continue;
            }
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, top)],
                    colour.stroke_width(2),
                )))
                .map_err(draw_err)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                });
        }
        super::axis::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_cover_the_non_zero_differences() {
        let mut d = DiffAcc::new();
        for i in -100..300 {
            d.add(f64::from(i) * 10.0);
        }
        let h = DifferenceHistogram::new(&d, "EUR");
        assert_eq!(h.bars.len(), BARS);
        let drawn: f64 = h.bars.iter().map(|b| b.2).sum();
        // Everything but the tie and the 1% of tails outside the axis.
        assert!(drawn > 0.97 && drawn < 1.0, "{drawn}");
        assert!((h.equal_share - 1.0 / 400.0).abs() < 1e-12);
        assert!(super::super::render(&h).is_ok());
    }

    #[test]
    fn all_ties_render() {
        let mut d = DiffAcc::new();
        (0..5).for_each(|_| d.add(0.0));
        let h = DifferenceHistogram::new(&d, "EUR");
        assert_eq!(h.equal_share, 1.0);
        assert!(super::super::render(&h).is_ok());
    }
}
