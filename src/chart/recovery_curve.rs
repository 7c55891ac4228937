//! The recovery curve of a drill: the share of revenue capacity restored
//! over the hours after the threat, as the median drill (line) and the
//! 10–90% band of drills, with the median times at which every business
//! function is back at its MBCO and fully back marked.
//!
//! The time axis ends a little after the last change of any of the three
//! lines (a service lost for good stops changing the share when it goes
//! down, so it does not stretch the axis); the line is drawn as separate
//! straight segments between the points where it changes, so the drawing
//! rises and falls exactly where the data does (no joins that overshoot).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{self, hours_short};
use super::frame;
use super::{draw_err, Chart, BLUE, GREEN, PURPLE, SKY};

#[derive(Debug, Clone)]
pub(crate) struct RecoveryCurve {
    pub title: String,
    /// What the share weighs ("revenue", "business services", "services").
    pub weighting: String,
    /// The time grid (hours) and the share restored at each point.
    pub hours: Vec<f64>,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
    /// Median hours until every Business-tier service is back at its MBCO.
    pub mbco_p50: Option<f64>,
    /// Median hours until the last Business-tier service is back.
    pub business_p50: Option<f64>,
    /// In the median drill a business function is still down at the
    /// horizon (then `business_p50` is not drawn).
    pub business_not_recovered: bool,
}

impl Chart for RecoveryCurve {
    fn name(&self) -> &str {
        "recovery_curve"
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self
            .hours
            .len()
            .min(self.p10.len())
            .min(self.p50.len())
            .min(self.p90.len());
        if n < 2 {
            return axis::empty(area, &self.title, "No drill was run.");
        }
        let x1 = self.fitted_end(n);
        let mut chart = frame::titled(area, &self.title)
            .y_label_area_size(100)
            .build_cartesian_2d((0.0..x1 * 1.01).step(axis::hour_step(x1, 10)), 0.0..1.05)
            .map_err(draw_err)?;
        // The curve is known at its grid points only: a rise between two
        // is drawn as a straight ramp, so the axis says how far apart
        // they are and each point is marked.
        let step = self.hours[1] - self.hours[0];
        frame::mesh(&mut chart, frame::Grid::Faint)
            .x_desc(format!(
                "time after the threat (each drill's share read every {}: a rise between \
                 two readings is drawn as a ramp)",
                hours_short(step)
            ))
            .y_desc(format!("capacity restored (share of {})", self.weighting))
            .x_labels(12)
            .x_label_formatter(&|x| hours_short(*x))
            .y_label_formatter(&|y| {
                if *y <= 1.0 + 1e-9 {
                    axis::percent_tick(*y)
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(draw_err)?;
        let pts = |v: &[f64]| -> Vec<(f64, f64)> {
            (0..n)
                .map(|k| (self.hours[k], v[k].clamp(0.0, 1.0)))
                .collect()
        };
        let band: Vec<(f64, f64)> = pts(&self.p90)
            .into_iter()
            .chain(pts(&self.p10).into_iter().rev())
            .collect();
        chart
            .draw_series([Polygon::new(band, SKY.mix(0.35).filled())])
            .map_err(draw_err)?
            .label("10–90% of drills")
            .legend(|(x, y)| Rectangle::new([(x, y - 7), (x + 30, y + 7)], SKY.mix(0.35).filled()));
        let line = ShapeStyle::from(&BLUE).stroke_width(3);
        let kept = corners(&pts(&self.p50));
        chart
            .draw_series(
                kept.windows(2)
                    .map(|w| PathElement::new(vec![w[0], w[1]], line)),
            )
            .map_err(draw_err)?
            .label("median drill")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], BLUE.stroke_width(3)));
        chart
            .draw_series(
                pts(&self.p50)
                    .into_iter()
                    .filter(|p| p.0 <= x1 * 1.01)
                    .map(|p| Circle::new(p, 3, BLUE.filled())),
            )
            .map_err(draw_err)?;
        // At the same time, the two marks would hide one another: one
        // mark, both named.
        let same = self.mbco_p50.is_some() && self.mbco_p50 == self.business_p50;
        let marks = [
            (
                self.mbco_p50.filter(|_| !same),
                GREEN,
                "every business function at its MBCO (median)",
            ),
            (
                self.business_p50,
                PURPLE,
                if same {
                    "every business function at its MBCO and back (median)"
                } else {
                    "every business function back (median)"
                },
            ),
        ];
        for (t, colour, label) in marks {
            let Some(t) = t.filter(|t| *t > 0.0) else {
                continue;
            };
            if t > x1 {
                // Past the fitted axis: said in the legend, not drawn.
                chart
                    .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
                    .map_err(draw_err)?
                    .label(format!("{label}: {} (off the chart)", hours_short(t)))
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 30, y)], colour.stroke_width(2))
                    });
                continue;
            }
            let style = ShapeStyle::from(&colour).stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new([(t, 0.0), (t, 1.0)], 10, 6, style))
                .map_err(draw_err)?
                .label(format!("{label}: {}", hours_short(t)))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 30, y)], style));
        }
        if self.business_not_recovered {
            chart
                .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
                .map_err(draw_err)?
                .label("every business function back: not within the horizon (median drill)")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], PURPLE.stroke_width(2)));
        }
        axis::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}

impl RecoveryCurve {
    /// The end of the time axis: the grid point after the last change of
    /// any line, with a margin, never past the grid.
    pub(crate) fn fitted_end(&self, n: usize) -> f64 {
        let grid_end = self.hours[n - 1].max(f64::MIN_POSITIVE);
        let changes = |v: &[f64]| (1..n).rev().find(|&k| v[k] != v[k - 1]);
        let last = [&self.p10, &self.p50, &self.p90]
            .iter()
            .filter_map(|v| changes(v))
            .max();
        match last {
            Some(k) => (self.hours[(k + 1).min(n - 1)] * 1.15)
                .min(grid_end)
                .max(f64::MIN_POSITIVE),
            None => grid_end,
        }
    }
}

/// The points where a polyline changes direction: the first, the last, and
/// every point whose neighbours are not on one straight line with it.
pub(crate) fn corners(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for (i, &p) in pts.iter().enumerate() {
        if i == 0 || i + 1 == pts.len() {
            out.push(p);
            continue;
        }
        let (a, c) = (out[out.len() - 1], pts[i + 1]);
        let cross = (p.0 - a.0) * (c.1 - a.1) - (p.1 - a.1) * (c.0 - a.0);
        if cross.abs() > 1e-12 * (1.0 + (c.0 - a.0).abs()) {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_handles_no_grid() {
        let c = RecoveryCurve {
            title: "t".into(),
            weighting: "revenue".into(),
            hours: vec![0.0, 1.0, 2.0],
            p10: vec![0.0, 0.2, 1.0],
            p50: vec![0.0, 0.5, 1.0],
            p90: vec![0.0, 0.9, 1.0],
            mbco_p50: Some(1.0),
            business_p50: Some(2.0),
            business_not_recovered: false,
        };
        assert!(super::super::render(&c).is_ok());
        let none = RecoveryCurve {
            hours: vec![],
            ..c.clone()
        };
        assert!(super::super::render(&none)
            .expect("renders")
            .svg
            .contains("No drill"));
    }

    #[test]
    fn corners_keep_the_shape_and_axis_fits_the_changes() {
        let pts = [(0.0, 0.0), (1.0, 0.5), (2.0, 1.0), (3.0, 1.0), (4.0, 1.0)];
        assert_eq!(corners(&pts), vec![(0.0, 0.0), (2.0, 1.0), (4.0, 1.0)]);
        // The drawn points are a subset of the data: no new minimum or
        // maximum, so a monotone curve stays monotone.
        let c = RecoveryCurve {
            title: "t".into(),
            weighting: "revenue".into(),
            hours: (0..=100).map(f64::from).collect(),
            p10: (0..=100).map(|k| if k < 10 { 0.5 } else { 1.0 }).collect(),
            p50: vec![1.0; 101],
            p90: vec![1.0; 101],
            mbco_p50: Some(5.0),
            business_p50: Some(90.0),
            business_not_recovered: true,
        };
        let end = c.fitted_end(101);
        assert!((end - 11.0 * 1.15).abs() < 1e-9, "{end}");
        let svg = super::super::render(&c).expect("renders").svg;
        assert!(svg.contains("off the chart"));
        assert!(svg.contains("not within the horizon"));
    }
}
