//! The recovery curve of a drill: the share of revenue capacity restored
//! over the hours after the threat, as the median drill (line) and the
//! 10–90% band of drills, with the median times at which every business
//! function is back at its MBCO and fully back marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{self, hours_short, percent_short};
use super::{draw_err, font, Chart, BLUE, GREEN, GREY, LABEL_SIZE, PURPLE, SKY, TICK_SIZE};

#[derive(Debug, Clone)]
pub struct RecoveryCurve {
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
        let x1 = self.hours[n - 1].max(f64::MIN_POSITIVE);
        let (title_style, title_text) = axis::title_fit(area, &self.title);
        let mut chart = ChartBuilder::on(area)
            .caption(&title_text, title_style)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d((0.0..x1 * 1.01).step(axis::hour_step(x1, 10)), 0.0..1.05)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("time after the threat")
            .y_desc(format!("capacity restored (share of {})", self.weighting))
            .axis_desc_style(font(LABEL_SIZE))
            .label_style(font(TICK_SIZE))
            .x_labels(12)
            .x_label_formatter(&|x| hours_short(*x))
            .y_label_formatter(&|y| {
                if *y <= 1.0 + 1e-9 {
                    percent_short(*y)
                } else {
                    String::new()
                }
            })
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.25))
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
        chart
            .draw_series(LineSeries::new(
                pts(&self.p50),
                ShapeStyle::from(&BLUE).stroke_width(3),
            ))
            .map_err(draw_err)?
            .label("median drill")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 30, y)], BLUE.stroke_width(3)));
        let marks = [
            (
                self.mbco_p50,
                GREEN,
                "every business function at its MBCO (median)",
            ),
            (
                self.business_p50,
                PURPLE,
                "every business function back (median)",
            ),
        ];
        for (t, colour, label) in marks {
            let Some(t) = t.filter(|t| *t > 0.0 && *t <= x1) else {
                continue;
            };
            let style = ShapeStyle::from(&colour).stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new([(t, 0.0), (t, 1.0)], 10, 6, style))
                .map_err(draw_err)?
                .label(format!("{label}: {}", hours_short(t)))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 30, y)], style));
        }
        axis::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
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
        };
        assert!(super::super::render(&c).is_ok());
        let none = RecoveryCurve { hours: vec![], ..c };
        assert!(super::super::render(&none)
            .expect("renders")
            .svg
            .contains("No drill"));
    }
}
