//! A Pareto chart of the expected annual loss by service or by threat:
//! one bar per item, largest first, and the cumulative share of the total
//! as a line on the top axis, so "these three cause 80%" reads at a glance.
//! Bars are horizontal so that ids stay horizontal text on a projector.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::stats::period::Period;

use super::axis::{self, money_short, Key};
use super::frame;
use super::{draw_err, font, Chart, BLUE, HEIGHT, TICK_SIZE, VERMILION, WIDTH};

/// Bars drawn at most; the rest are summed into one "others" bar.
pub(crate) const MAX_BARS: usize = 15;

#[derive(Debug, Clone)]
pub(crate) struct Pareto {
    /// File stem: `loss_by_service`, `loss_by_threat`.
    pub name: String,
    pub title: String,
    pub currency: String,
    /// What the items are, for the axis and the note: "service", "threat".
    pub item: String,
    /// (label, expected annual loss), any order.
    pub items: Vec<(String, f64)>,
    /// What a loss is for: a year, or one trial of another horizon.
    pub period: Period,
}

impl Pareto {
    /// Largest first, at most [`MAX_BARS`] with the rest summed into an
    /// "others" bar; with the cumulative share after each bar.
    pub(crate) fn bars(&self) -> Vec<(String, f64, f64)> {
        let mut items: Vec<(String, f64)> = self
            .items
            .iter()
            .filter(|(_, v)| *v > 0.0 && v.is_finite())
            .cloned()
            .collect();
        items.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let total: f64 = items.iter().map(|i| i.1).sum();
        if items.len() > MAX_BARS {
            let rest = items.split_off(MAX_BARS - 1);
            let sum = rest.iter().map(|i| i.1).sum();
            items.push((format!("{} other {}s", rest.len(), self.item), sum));
        }
        let mut cumulative = 0.0;
        items
            .into_iter()
            .map(|(l, v)| {
                cumulative += v;
                (l, v, if total > 0.0 { cumulative / total } else { 0.0 })
            })
            .collect()
    }
}

impl Chart for Pareto {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let bars = self.bars();
        if bars.is_empty() {
            return axis::empty(
                area,
                &self.title,
                &format!("No {} has an expected loss above zero.", self.item),
            );
        }
        let n = bars.len();
        let top = bars.iter().map(|b| b.1).fold(0.0, f64::max);
        let x1 = axis::zero_to(top) * 1.12;
        let y_range = -0.6..(n as f64 - 0.4);
        let p = &self.period;
        let x_desc = format!("{} ({})", p.expected_loss(), self.currency);
        let bar_label = if p.is_year() {
            format!("expected annual loss per {}", self.item)
        } else {
            format!("{} of each {}", p.expected_loss(), self.item)
        };
        // The share of what: the sum of the bars (a service's loss
        // leaves out threats' response costs and loss events).
        let share_label = format!("cumulative share of the {}s' total (top axis)", self.item);
        axis::header(
            area,
            &self.title,
            &[
                (Key::Bar(BLUE), &bar_label),
                (Key::Line(VERMILION, 3), &share_label),
            ],
        )?;
        let mut chart = ChartBuilder::on(area)
            .margin(20)
            .margin_top(axis::HEADER - 20)
            .margin_right(50)
            .x_label_area_size(70)
            .top_x_label_area_size(40)
            .y_label_area_size(260)
            .build_cartesian_2d(0.0..x1, y_range.clone())
            .map_err(draw_err)?
            .set_secondary_coord(0.0..1.0, y_range);
        frame::mesh(&mut chart, frame::Grid::Rows)
            .x_desc(x_desc)
            .x_label_formatter(&|x| money_short(*x))
            .draw()
            .map_err(draw_err)?;
        chart
            .configure_secondary_axes()
            .label_style(font(TICK_SIZE).color(&VERMILION))
            .x_labels(6)
            .x_label_formatter(&|p| axis::percent_tick(*p))
            .y_labels(0)
            .draw()
            .map_err(draw_err)?;

        let half = 0.35;
        let y_of = |i: usize| (n - 1 - i) as f64;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let y = y_of(i);
                Rectangle::new([(0.0, y - half), (b.1.min(x1), y + half)], BLUE.filled())
            }))
            .map_err(draw_err)?;
        let line: Vec<(f64, f64)> = bars
            .iter()
            .enumerate()
            .map(|(i, b)| (b.2.clamp(0.0, 1.0), y_of(i)))
            .collect();
        chart
            .draw_secondary_series(LineSeries::new(
                line.iter().copied(),
                ShapeStyle::from(&VERMILION).stroke_width(3),
            ))
            .map_err(draw_err)?;
        chart
            .draw_secondary_series(line.iter().map(|&p| Circle::new(p, 5, VERMILION.filled())))
            .map_err(draw_err)?;

        let c = self.currency.as_str();
        let labels = axis::clip_all(&bars.iter().map(|b| b.0.clone()).collect::<Vec<_>>(), 24);
        for (i, (_, value, _)) in bars.iter().enumerate() {
            let label = &labels[i];
            let y = y_of(i);
            axis::row_ends(
                area,
                [
                    chart.backend_coord(&(0.0, y)),
                    chart.backend_coord(&(value.min(x1), y)),
                ],
                label,
                &format!("{c} {}", money_short(*value)),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pareto(items: Vec<(String, f64)>) -> Pareto {
        Pareto {
            name: "loss_by_service".into(),
            title: "Loss by service".into(),
            currency: "EUR".into(),
            item: "service".into(),
            items,
            period: Period::of(crate::model::HOURS_PER_YEAR),
        }
    }

    #[test]
    fn bars_are_sorted_cumulative_and_capped() {
        let items = (0..20).map(|i| (format!("s{i}"), i as f64)).collect();
        let bars = pareto(items).bars();
        assert_eq!(bars.len(), MAX_BARS);
        assert_eq!(bars[0].0, "s19");
        assert_eq!(bars[MAX_BARS - 1].0, "5 other services");
        // s0 (zero) is dropped; s1..s5 are summed: 15.
        assert_eq!(bars[MAX_BARS - 1].1, 15.0);
        assert!((bars[MAX_BARS - 1].2 - 1.0).abs() < 1e-12);
        assert!(bars.windows(2).all(|w| w[0].2 <= w[1].2));
    }

    #[test]
    fn renders_and_handles_all_zero() {
        assert!(super::super::render(&pareto(vec![("a".into(), 3.0), ("b".into(), 1.0)])).is_ok());
        let r = super::super::render(&pareto(vec![("a".into(), 0.0)])).expect("renders");
        assert!(r.svg.contains("No service"));
    }
}
