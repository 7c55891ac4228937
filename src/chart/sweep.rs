//! `sweep_loss` and `sweep_rto`: a result of `bcdr sweep` against the
//! swept parameter, one point per value, with its 95% confidence band
//! where there is one. Both charts share this one drawing: the line, the
//! points and the band.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::stats::period::Period;
use crate::stats::sweep::SweepResult;

use super::axis::money_short as money;
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREY, LABEL_SIZE, TITLE_SIZE};

/// How the y values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YFormat {
    Money,
    Fraction,
}

/// (value, metric, optional 95% band (low, high)).
pub(crate) type Point = (f64, f64, Option<(f64, f64)>);

/// One metric against the parameter.
pub(crate) struct SweepChart {
    pub name: String,
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub y_format: YFormat,
    /// Label only whole-number ticks (a count such as crews).
    pub integer_x: bool,
    /// (value, metric, optional 95% band), sorted by value.
    pub points: Vec<Point>,
}

impl SweepChart {
    /// Expected loss (annual, or per drill) with its 95% CI band.
    pub(crate) fn loss(r: &SweepResult) -> SweepChart {
        let what = match &r.threat {
            Some(t) if r.gross_of_insurance => format!("loss per drill of {t} before insurance"),
            Some(t) => format!("loss per drill of {t}"),
            None => super::net_of_insurance(
                &Period::of(r.horizon_hours).expected_loss(),
                r.net_of_insurance,
            ),
        };
        SweepChart {
            name: "sweep_loss".to_string(),
            title: format!("{} against {}", capitalise(&what), r.parameter),
            x_desc: format!("{} ({})", r.parameter, r.unit),
            y_desc: format!("{what} ({}), 95% CI band", r.currency),
            y_format: YFormat::Money,
            integer_x: r.unit == "crews",
            points: sorted(
                r.points
                    .iter()
                    .map(|p| {
                        (
                            p.value,
                            p.loss.mean,
                            Some((p.loss.mean_ci95[0], p.loss.mean_ci95[1])),
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// RTO attainment: of the chosen service (with its Wilson band), or
    /// the mean over services with an RTO.
    pub(crate) fn rto(r: &SweepResult) -> SweepChart {
        let idx = r
            .service
            .as_ref()
            .and_then(|id| r.points.first()?.services.iter().position(|s| &s.id == id));
        let y_desc = match &r.service {
            Some(id) => format!("outages of {id} ending within its RTO"),
            None => "outages ending within the RTO (mean over services)".to_string(),
        };
        SweepChart {
            name: "sweep_rto".to_string(),
            title: format!("RTO attainment against {}", r.parameter),
            x_desc: format!("{} ({})", r.parameter, r.unit),
            y_desc,
            y_format: YFormat::Fraction,
            integer_x: r.unit == "crews",
            points: sorted(
                r.points
                    .iter()
                    .filter_map(|p| {
                        let band = idx
                            .and_then(|i| p.services.get(i)?.rto_met_ci95)
                            .map(|[lo, hi]| (lo, hi));
                        p.rto_attainment.map(|y| (p.value, y, band))
                    })
                    .collect(),
            ),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn sorted(mut v: Vec<Point>) -> Vec<Point> {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}

impl Chart for SweepChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let xs = || self.points.iter().map(|p| p.0);
        let (mut x0, mut x1) = (
            xs().fold(f64::INFINITY, f64::min),
            xs().fold(f64::NEG_INFINITY, f64::max),
        );
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        let pad = if x1 > x0 { 0.05 * (x1 - x0) } else { 0.5 };
        let (x0, x1) = (x0 - pad, x1 + pad);
        let (y0, y1) = match self.y_format {
            YFormat::Fraction => (0.0, 1.05),
            YFormat::Money => {
                let hi = self
                    .points
                    .iter()
                    .map(|p| p.2.map_or(p.1, |b| b.1).max(p.1))
                    .fold(0.0, f64::max);
                let lo = self
                    .points
                    .iter()
                    .map(|p| p.2.map_or(p.1, |b| b.0).min(p.1))
                    .fold(0.0, f64::min);
                (lo, if hi > lo { hi * 1.1 } else { lo + 1.0 })
            }
        };
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, font(TITLE_SIZE))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;
        let x_fmt = |x: &f64| {
            if self.integer_x && *x != x.round() {
                return String::new();
            }
            let s = format!("{x:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let y_fmt = |y: &f64| match self.y_format {
            YFormat::Money => money(*y),
            YFormat::Fraction => super::axis::percent_tick(*y),
        };
        frame::mesh(&mut chart, frame::Grid::Full)
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .map_err(draw_err)?;
        if self.points.is_empty() {
            area.draw(&Text::new(
                "nothing to show: no service with an RTO had an outage",
                (200, 300),
                font(LABEL_SIZE),
            ))
            .map_err(draw_err)?;
            return Ok(());
        }
        let band: Vec<(f64, f64, f64)> = self
            .points
            .iter()
            .filter_map(|p| p.2.map(|(lo, hi)| (p.0, lo, hi)))
            .collect();
        if band.len() >= 2 {
            let outline: Vec<(f64, f64)> = band
                .iter()
                .map(|b| (b.0, b.2))
                .chain(band.iter().rev().map(|b| (b.0, b.1)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    BLUE.mix(0.18).filled(),
                )))
                .map_err(draw_err)?;
        } else {
            chart
                .draw_series(band.iter().map(|&(x, lo, hi)| {
                    PathElement::new(vec![(x, lo), (x, hi)], GREY.stroke_width(2))
                }))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(LineSeries::new(
                self.points.iter().map(|p| (p.0, p.1)),
                BLUE.stroke_width(3),
            ))
            .map_err(draw_err)?;
        chart
            .draw_series(
                self.points
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 6, BLUE.filled())),
            )
            .map_err(draw_err)?;
        Ok(())
    }
}
