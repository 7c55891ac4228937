//! A duration per row (service) against its target: the median to p90 as a
//! thick bar, p90 to p99 as a thin line, the target (RTO or RPO) as a red
//! mark, and the probability of missing it printed at the right. Rows come
//! sorted worst first. One chart type, three files: outage duration against
//! RTO in a run, and in a drill the recovery time against RTO and the data
//! lost against RPO.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, hours_short, percent_short, Key};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREY, SKY, TICK_SIZE, VERMILION};

/// At most this many rows, so labels stay readable on a projector.
pub(crate) const MAX_ROWS: usize = 25;
/// Right margin: the column of percentages.
const RIGHT: u32 = 130;

/// One row: quantiles in hours, the target, and the probability of
/// missing it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub label: String,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub target: Option<f64>,
    /// Probability of missing the target (what "misses" means is in the
    /// chart's `miss_label`).
    pub miss: Option<f64>,
}

#[derive(Debug, Clone)]
pub(crate) struct AgainstTarget {
    /// File stem.
    pub name: String,
    pub title: String,
    /// Axis description, with the unit.
    pub x_desc: String,
    /// Legend text of the target mark: "RTO", "RPO".
    pub target_label: String,
    /// Heading of the column of percentages on the right: "miss RTO".
    pub miss_label: String,
    /// Worst first; at most [`MAX_ROWS`] are drawn.
    pub rows: Vec<Row>,
    /// Why there may be nothing to draw.
    pub empty_note: String,
    /// Said under the title when rows were left out.
    pub left_out: usize,
}

impl AgainstTarget {
    /// The chart of `rows` against `target` ("RTO", "RPO"), worst first
    /// (see [`worst_first`]). When nothing is drawn, it says that no
    /// service has the target if none of them does (`with_target` is 0),
    /// `otherwise` if not.
    pub(crate) fn new(
        (name, title): (&str, String),
        x_desc: &str,
        target: &str,
        with_target: usize,
        otherwise: String,
        rows: Vec<Row>,
    ) -> AgainstTarget {
        let (rows, left_out) = worst_first(rows);
        AgainstTarget {
            name: name.into(),
            title,
            x_desc: x_desc.into(),
            target_label: target.into(),
            miss_label: format!("miss {target}"),
            rows,
            empty_note: if with_target == 0 {
                format!("No service in this scenario has an {target}.")
            } else {
                otherwise
            },
            left_out,
        }
    }
}

/// Sort rows worst first (probability of missing, then p99) and keep the
/// first [`MAX_ROWS`]; returns the rows and how many were left out.
pub(crate) fn worst_first(mut rows: Vec<Row>) -> (Vec<Row>, usize) {
    rows.sort_by(|a, b| {
        b.miss
            .unwrap_or(0.0)
            .total_cmp(&a.miss.unwrap_or(0.0))
            .then(b.p99.total_cmp(&a.p99))
            .then(a.label.cmp(&b.label))
    });
    let left_out = rows.len().saturating_sub(MAX_ROWS);
    rows.truncate(MAX_ROWS);
    (rows, left_out)
}

impl Chart for AgainstTarget {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        frame::rows_size(self.rows.len(), MAX_ROWS, 26)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let rows = &self.rows[..self.rows.len().min(MAX_ROWS)];
        if rows.is_empty() {
            return axis::empty(area, &self.title, &self.empty_note);
        }
        let values = rows
            .iter()
            .flat_map(|r| [r.p50, r.p90, r.p99, r.target.unwrap_or(0.0)])
            .filter(|v| *v > 0.0 && v.is_finite());
        let (lo, hi) = values.fold((f64::MAX, 0f64), |(a, b), v| (a.min(v), b.max(v)));
        let (x0, x1, ticks) = if hi > 0.0 {
            axis::hour_axis(lo / 1.15, hi * 1.15)
        } else {
            axis::hour_axis(1.0, 1.0)
        };
        let n = rows.len();
        let caption = if self.left_out > 0 {
            format!(
                "{} (worst {n}; {} more in the tables)",
                self.title, self.left_out
            )
        } else {
            self.title.clone()
        };
        axis::header(
            area,
            &caption,
            &[
                (Key::Bar(BLUE), "median to p90"),
                (Key::Line(SKY, 3), "p90 to p99"),
                (Key::Tick(VERMILION), &self.target_label),
            ],
        )?;
        let mut chart = frame::rows(area, RIGHT)
            .build_cartesian_2d(
                (x0..x1).log_scale().with_key_points(ticks),
                -0.6..(n as f64 - 0.4),
            )
            .map_err(draw_err)?;
        frame::mesh(&mut chart, frame::Grid::Rows)
            .x_desc(self.x_desc.as_str())
            .x_label_formatter(&|x| hours_short(*x))
            .draw()
            .map_err(draw_err)?;

        let (_, plot_h) = chart.plotting_area().dim_in_pixel();
        let row_px = plot_h as f64 / n as f64;
        let bar = ((row_px * 0.5) as u32).clamp(4, 22);
        let clamp = |v: f64| v.clamp(x0, x1);

        let bar_style = ShapeStyle::from(&BLUE).stroke_width(bar);
        let tail_style = ShapeStyle::from(&SKY).stroke_width(3);
        let target_style = ShapeStyle::from(&VERMILION).stroke_width(4);

        let labels = axis::clip_all(
            &rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>(),
            24,
        );
        for (i, r) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let (a, b, c) = (clamp(r.p50), clamp(r.p90), clamp(r.p99));
            chart
                .draw_series([
                    PathElement::new([(b, y), (c, y)], tail_style),
                    PathElement::new([(a, y), (b, y)], bar_style),
                ])
                .map_err(draw_err)?;
            // A median equal to the p90 (outages all alike) would leave
            // no bar at all: it is drawn as a square of the bar's width.
            let (pa, pb) = (
                chart.backend_coord(&(a, y)).0,
                chart.backend_coord(&(b, y)).0,
            );
            if (pb - pa).unsigned_abs() < bar / 2 {
                let at = axis::relative(area, chart.backend_coord(&(a, y)));
                let half = (bar / 2) as i32;
                area.draw(&Rectangle::new(
                    [(at.0 - half, at.1 - half), (at.0 + half, at.1 + half)],
                    BLUE.filled(),
                ))
                .map_err(draw_err)?;
            }
            if let Some(t) = r.target.filter(|t| *t > 0.0) {
                let t = clamp(t);
                chart
                    .draw_series([PathElement::new(
                        [(t, y - 0.42), (t, y + 0.42)],
                        target_style,
                    )])
                    .map_err(draw_err)?;
            }
            let left = axis::relative(area, chart.backend_coord(&(x0, y)));
            axis::text(
                area,
                &labels[i],
                (left.0 - 12, left.1),
                font(TICK_SIZE),
                (HPos::Right, VPos::Center),
            )?;
            if let Some(m) = r.miss {
                let right = axis::relative(area, chart.backend_coord(&(x1, y)));
                let colour = if m > 0.0 { VERMILION } else { GREY };
                axis::text(
                    area,
                    &percent_short(m),
                    (right.0 + 12, right.1),
                    font(TICK_SIZE).color(&colour),
                    (HPos::Left, VPos::Center),
                )?;
            }
        }
        let top_right = axis::relative(area, chart.backend_coord(&(x1, n as f64 - 0.4)));
        axis::text(
            area,
            &self.miss_label,
            (top_right.0 + 12, top_right.1 - 6),
            font(TICK_SIZE).color(&GREY),
            (HPos::Left, VPos::Bottom),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, miss: f64, p99: f64) -> Row {
        Row {
            label: label.into(),
            p50: 0.0,
            p90: 1.0,
            p99,
            target: Some(2.0),
            miss: Some(miss),
        }
    }

    #[test]
    fn worst_first_sorts_and_truncates() {
        let rows: Vec<Row> = (0..30)
            .map(|i| row(&format!("s{i}"), (i % 5) as f64 / 10.0, i as f64))
            .collect();
        let (rows, left_out) = worst_first(rows);
        assert_eq!(rows.len(), MAX_ROWS);
        assert_eq!(left_out, 5);
        assert_eq!(rows[0].label, "s29");
        assert!(rows.windows(2).all(|w| w[0].miss >= w[1].miss));
    }

    #[test]
    fn renders_with_zero_quantiles_and_without_rows() {
        let chart = AgainstTarget {
            name: "t".into(),
            title: "t".into(),
            x_desc: "hours".into(),
            target_label: "RTO".into(),
            miss_label: "miss".into(),
            rows: vec![row("a", 0.5, 3.0), row("b", 0.0, 0.0)],
            empty_note: "nothing".into(),
            left_out: 0,
        };
        assert!(super::super::render(&chart).is_ok());
        let empty = AgainstTarget {
            rows: vec![],
            ..chart
        };
        let r = super::super::render(&empty).expect("renders");
        assert!(r.svg.contains("nothing"));
    }
}
