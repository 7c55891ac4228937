//! What the `bcdr trend` charts share: one or more series over the runs
//! (a categorical x axis labelled by the runs' labels), each point with an
//! optional 95% interval drawn as a whisker. Each trend chart is a file of
//! its own that fills a [`Series`] chart.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{clip_label, column_label, money_short};
use super::frame;
use super::{
    draw_err, font, Chart, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, TICK_SIZE, TITLE_SIZE, VERMILION,
};

/// Colours of successive series.
pub(crate) const COLOURS: [RGBColor; 6] = [BLUE, VERMILION, GREEN, ORANGE, PURPLE, SKY];

/// How the y values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YFormat {
    Money,
    Fraction,
    /// A ratio, 1 marked as the limit.
    Ratio,
}

/// A value with an optional 95% interval (low, high).
pub(crate) type Point = (f64, Option<(f64, f64)>);

/// One line: a name and one optional value (and interval) per run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub name: String,
    pub points: Vec<Option<Point>>,
    /// Dashed (a reference, such as an accepted limit).
    pub dashed: bool,
}

/// Lines over the runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    pub title: String,
    pub y_desc: String,
    pub y_format: YFormat,
    /// One label per run.
    pub labels: Vec<String>,
    pub lines: Vec<Line>,
    /// What the chart says in place of a plot when no line has a point.
    pub empty: &'static str,
    /// Whether a chart of one line has a legend too: a line's name is
    /// news when it says which appetite point, service or threat it is,
    /// not when it repeats the title ("RTO attainment").
    pub legend_for_one: bool,
}

impl Chart for Series {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        if self
            .lines
            .iter()
            .all(|l| l.points.iter().all(Option::is_none))
        {
            return super::axis::empty(area, &self.title, self.empty);
        }
        let n = self.labels.len().max(1);
        let values = || {
            self.lines.iter().flat_map(|l| {
                l.points.iter().flatten().flat_map(|(v, ci)| {
                    let (lo, hi) = ci.unwrap_or((*v, *v));
                    [*v, lo, hi]
                })
            })
        };
        let hi = values().fold(0.0f64, f64::max);
        let lo = values().fold(0.0f64, f64::min);
        let (y0, y1) = match self.y_format {
            YFormat::Fraction => (0.0, 1.05),
            YFormat::Ratio => (0.0, (hi.max(1.0)) * 1.15),
            YFormat::Money => (lo * 1.1, if hi > lo { hi * 1.15 } else { lo + 1.0 }),
        };
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, font(TITLE_SIZE))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)
            .map_err(draw_err)?;
        let x_fmt = |x: &f64| column_label(*x, 18, |i| self.labels.get(i).cloned());
        let y_fmt = |y: &f64| match self.y_format {
            YFormat::Money => money_short(*y),
            YFormat::Fraction => super::axis::percent_tick(*y),
            YFormat::Ratio => format!("{y:.2}"),
        };
        frame::mesh(&mut chart, frame::Grid::Full)
            .x_labels(n.min(12))
            .y_desc(self.y_desc.as_str())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .map_err(draw_err)?;
        if self.y_format == YFormat::Ratio {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(-0.5, 1.0), (n as f64 - 0.5, 1.0)],
                    GREY.stroke_width(2),
                )))
                .map_err(draw_err)?;
        }
        for (k, line) in self.lines.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let pts: Vec<(f64, f64)> = line
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.map(|(v, _)| (i as f64, v.clamp(y0, y1))))
                .collect();
            let width = if line.dashed { 1 } else { 3 };
            // A run without a value is a gap, not a line across it: the
            // line is drawn in pieces of consecutive runs.
            let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
            for &(x, y) in &pts {
                match pieces.last_mut() {
                    Some(piece) if piece.last().is_some_and(|&(px, _)| x - px == 1.0) => {
                        piece.push((x, y));
                    }
                    _ => pieces.push(vec![(x, y)]),
                }
            }
            for (j, piece) in pieces.into_iter().enumerate() {
                let drawn = chart
                    .draw_series(LineSeries::new(piece, colour.stroke_width(width)))
                    .map_err(draw_err)?;
                if j == 0 {
                    drawn
                        .label(clip_label(&line.name, 28))
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                        });
                }
            }
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 5, colour.filled())))
                .map_err(draw_err)?;
            let whiskers: Vec<(f64, f64, f64)> = line
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let (_, ci) = (*p)?;
                    let (a, b) = ci?;
                    Some((i as f64, a.clamp(y0, y1), b.clamp(y0, y1)))
                })
                .collect();
            chart
                .draw_series(whiskers.iter().map(|&(x, a, b)| {
                    PathElement::new(vec![(x, a), (x, b)], colour.stroke_width(2))
                }))
                .map_err(draw_err)?;
        }
        if self.lines.len() > 1 || (self.legend_for_one && !self.lines.is_empty()) {
            chart
                .configure_series_labels()
                .label_font(font(TICK_SIZE))
                .background_style(WHITE.mix(0.85))
                .border_style(GREY)
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A series with no point says why in place of an empty plot.
    #[test]
    fn a_series_with_no_point_says_why() {
        let s = Series {
            name: "trend_appetite".to_string(),
            title: "Risk appetite per review".to_string(),
            y_desc: "ratio".to_string(),
            y_format: YFormat::Ratio,
            labels: vec!["Q1".to_string(), "Q2".to_string()],
            lines: vec![],
            empty: "No run has a risk appetite to follow",
            legend_for_one: true,
        };
        let r = super::super::render(&s).expect("renders");
        assert!(r.svg.contains("No run has a risk appetite to follow"));
    }
}
