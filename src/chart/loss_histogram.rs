//! The annual loss histogram: how the simulated years spread over loss
//! levels, on a log money axis with log-width bins (equal width on the
//! chart), so a long tail and a typical year share one picture. The mean,
//! VaR 95 and VaR 99 are marked; years without any loss cannot sit on a
//! log axis and are stated in a note instead.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::stats::period::Period;

use super::axis::{self, decades, money_short, percent_short};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREY, LABEL_SIZE, ORANGE, PURPLE, VERMILION};

#[derive(Debug, Clone)]
pub(crate) struct LossHistogram {
    pub scenario: String,
    pub currency: String,
    pub trials: u64,
    /// (lower bound, upper bound, count) as `LogHist::buckets` gives them;
    /// zeros as (0, 0, count).
    pub buckets: Vec<(f64, f64, u64)>,
    pub mean: f64,
    pub var95: f64,
    pub var99: f64,
    /// What a loss is for: a year, or one trial of another horizon.
    pub period: Period,
    /// The losses are before insurance, in a scenario that has some: the
    /// title, the note and the marks say so.
    pub gross: bool,
}

/// Log-width bins: (from, to, share of all years), and the share of years
/// with no loss.
fn bins(buckets: &[(f64, f64, u64)]) -> (Vec<(f64, f64, f64)>, f64) {
    let total: u64 = buckets.iter().map(|b| b.2).sum();
    if total == 0 {
        return (Vec::new(), 0.0);
    }
    let zeros: u64 = buckets.iter().filter(|b| b.1 <= 0.0).map(|b| b.2).sum();
    let positive: Vec<_> = buckets.iter().filter(|b| b.1 > 0.0).collect();
    let (Some(first), Some(last)) = (positive.first(), positive.last()) else {
        return (Vec::new(), zeros as f64 / total as f64);
    };
    let (lo, hi) = decades(first.0.max(f64::MIN_POSITIVE), last.1);
    let span = (hi / lo).log10().max(1.0);
    // About 50 bars in all, between 2 and 20 per decade.
    let per_decade = (50.0 / span).round().clamp(2.0, 20.0);
    let index = |x: f64| ((x / lo).log10() * per_decade).floor() as i64;
    let mut out: Vec<(f64, f64, f64)> = Vec::new();
    let mut current: Option<(i64, u64)> = None;
    let edge = |k: i64| lo * 10f64.powf(k as f64 / per_decade);
    for b in positive {
        let k = index((b.0 * b.1).sqrt());
        match current {
            Some((ck, c)) if ck == k => current = Some((ck, c + b.2)),
            Some((ck, c)) => {
                out.push((edge(ck), edge(ck + 1), c as f64 / total as f64));
                current = Some((k, b.2));
            }
            None => current = Some((k, b.2)),
        }
    }
    if let Some((ck, c)) = current {
        out.push((edge(ck), edge(ck + 1), c as f64 / total as f64));
    }
    (out, zeros as f64 / total as f64)
}

impl Chart for LossHistogram {
    fn name(&self) -> &str {
        "loss_histogram"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let p = &self.period;
        let gross = if self.gross { " (gross)" } else { "" };
        let title = format!(
            "{}{} — {}",
            p.reword("Annual loss distribution"),
            if self.gross { " before insurance" } else { "" },
            self.scenario
        );
        let (bars, zero_share) = bins(&self.buckets);
        if bars.is_empty() {
            return axis::empty(
                area,
                &title,
                &format!(
                    "No simulated {} lost anything{} ({} trials).",
                    p.noun(),
                    if self.gross { " before insurance" } else { "" },
                    self.trials
                ),
            );
        }
        let (x0, x1) = axis::round_log_range(
            bars.first().map_or(1.0, |b| b.0),
            bars.last().map_or(10.0, |b| b.1),
        );
        let top = bars.iter().map(|b| b.2).fold(0.0, f64::max);
        let y1 = axis::zero_to(top) * 1.15;
        let x_desc = format!(
            "{} ({}, log scale; bars of equal log width)",
            p.loss(),
            self.currency
        );
        let mut chart = frame::titled(area, &title)
            .y_label_area_size(100)
            .build_cartesian_2d(
                (x0..x1)
                    .log_scale()
                    .with_key_points(axis::log_ticks(x0, x1, 12)),
                0.0..y1,
            )
            .map_err(draw_err)?;
        frame::mesh(&mut chart, frame::Grid::Faint)
            .x_desc(x_desc)
            .y_desc(format!("share of simulated {}", p.nouns()))
            .x_label_formatter(&|x| money_short(*x))
            .y_label_formatter(&|p| axis::percent_tick(*p))
            .disable_x_mesh()
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(bars.iter().map(|&(a, b, s)| {
                Rectangle::new([(a.max(x0), 0.0), (b.min(x1), s)], BLUE.mix(0.75).filled())
            }))
            .map_err(draw_err)?;

        let c = self.currency.as_str();
        let marks = [
            (
                self.mean,
                ORANGE,
                format!("mean{gross} {c} {}", money_short(self.mean)),
            ),
            (
                self.var95,
                PURPLE,
                format!("VaR 95{gross} {c} {}", money_short(self.var95)),
            ),
            (
                self.var99,
                VERMILION,
                format!("VaR 99{gross} {c} {}", money_short(self.var99)),
            ),
        ];
        for (v, colour, label) in marks {
            if v <= 0.0 {
                continue;
            }
            let v = v.clamp(x0, x1);
            let style = ShapeStyle::from(&colour).stroke_width(3);
            chart
                .draw_series([PathElement::new([(v, 0.0), (v, y1)], style)])
                .map_err(draw_err)?
                .label(label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 30, y)], style));
        }
        axis::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        if zero_share > 0.0 {
            let at = axis::relative(area, chart.backend_coord(&(x0, y1)));
            axis::text(
                area,
                &format!(
                    "{} of {} lose nothing (not on the log axis)",
                    percent_short(zero_share),
                    p.nouns()
                ),
                (at.0 + 15, at.1 + 15),
                font(LABEL_SIZE).color(&GREY),
                (HPos::Left, VPos::Top),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_keep_every_year_and_report_zeros() {
        let buckets = vec![
            (0.0, 0.0, 5),
            (100.0, 101.0, 2),
            (102.0, 103.0, 1),
            (10_000.0, 10_100.0, 2),
        ];
        let (bars, zeros) = bins(&buckets);
        assert_eq!(zeros, 0.5);
        let total: f64 = bars.iter().map(|b| b.2).sum();
        assert!((total - 0.5).abs() < 1e-12);
        assert_eq!(bars.len(), 2);
        assert!(bars.iter().all(|b| b.0 < b.1));
        let (none, z) = bins(&[(0.0, 0.0, 3)]);
        assert!(none.is_empty());
        assert_eq!(z, 1.0);
    }
}
