//! The median recovery order of a drill as a Gantt chart: one row per
//! service that went down, in the order it comes back, with the median
//! times of each step: waiting (down, no crew at work), the crew's restore,
//! repair or rebuild, and waiting for dependencies after it; the RTO
//! (counted from when the service went down) as a red mark.
//!
//! Each time is the median over the drills of that step, taken on its own,
//! so the bars show the typical timeline, not one particular drill.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, hours_short, Key};
use super::{
    draw_err, font, Chart, BLUE, GREY, HEIGHT, LABEL_SIZE, ORANGE, TICK_SIZE, VERMILION, WIDTH,
};

/// Light grey: down and no crew at work on it.
const WAITING: RGBColor = RGBColor(200, 200, 200);

/// At most this many rows: the services that come back last.
pub const MAX_ROWS: usize = 30;

/// One service's median timeline, hours after the threat.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub label: String,
    pub down: f64,
    /// A crew's job: start and end.
    pub job: Option<(f64, f64)>,
    pub recovered: f64,
    pub rto: Option<f64>,
}

impl Task {
    /// The segments in time order, made monotone (medians of different
    /// steps need not be ordered): (from, to, kind) with kind 0 = waiting,
    /// 1 = crew at work, 2 = waiting for dependencies.
    pub fn segments(&self) -> Vec<(f64, f64, u8)> {
        let d = self.down.max(0.0);
        let r = self.recovered.max(d);
        match self.job {
            Some((s, e)) => {
                let s = s.clamp(d, r);
                let e = e.clamp(s, r);
                [(d, s, 0), (s, e, 1), (e, r, 2)]
                    .into_iter()
                    .filter(|(a, b, _)| b > a)
                    .collect()
            }
            None if r > d => vec![(d, r, 2)],
            None => Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Gantt {
    pub title: String,
    /// In any order; drawn by recovery time, the last [`MAX_ROWS`].
    pub tasks: Vec<Task>,
}

impl Gantt {
    /// The rows drawn: by recovery then down time, the last ones kept;
    /// and how many were left out.
    pub fn rows(&self) -> (Vec<&Task>, usize) {
        let mut rows: Vec<&Task> = self.tasks.iter().collect();
        rows.sort_by(|a, b| {
            a.recovered
                .total_cmp(&b.recovered)
                .then(a.down.total_cmp(&b.down))
                .then(a.label.cmp(&b.label))
        });
        let left_out = rows.len().saturating_sub(MAX_ROWS);
        (rows.split_off(left_out), left_out)
    }
}

impl Chart for Gantt {
    fn name(&self) -> &str {
        "gantt"
    }

    fn size(&self) -> (u32, u32) {
        let rows = self.tasks.len().min(MAX_ROWS) as u32;
        (WIDTH, HEIGHT.max(200 + rows * 26))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (rows, left_out) = self.rows();
        if rows.is_empty() {
            return axis::empty(area, &self.title, "No service went down in these drills.");
        }
        let n = rows.len();
        let end = rows
            .iter()
            .map(|t| t.recovered.max(t.down + t.rto.unwrap_or(0.0)))
            .fold(0.0, f64::max);
        let x1 = axis::zero_to(end);
        let title = if left_out > 0 {
            format!(
                "{} (last {n} back; {left_out} more in the tables)",
                self.title
            )
        } else {
            self.title.clone()
        };
        axis::header(
            area,
            &title,
            &[
                (Key::Bar(WAITING), "down, no crew at work"),
                (Key::Bar(BLUE), "restore / repair / rebuild"),
                (Key::Bar(ORANGE), "waiting for dependencies or switchover"),
                (Key::Tick(VERMILION), "RTO"),
            ],
        )?;
        let mut chart = ChartBuilder::on(area)
            .margin(20)
            .margin_top(axis::HEADER)
            .margin_right(110)
            .x_label_area_size(70)
            .y_label_area_size(260)
            .build_cartesian_2d(
                (0.0..x1).step(axis::hour_step(x1, 10)),
                -0.6..(n as f64 - 0.4),
            )
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("time after the threat (medians over the drills)")
            .axis_desc_style(font(LABEL_SIZE))
            .label_style(font(TICK_SIZE))
            .x_labels(12)
            .x_label_formatter(&|x| hours_short(*x))
            .y_labels(0)
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.25))
            .draw()
            .map_err(draw_err)?;
        let colours = [WAITING, BLUE, ORANGE];
        for (i, task) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart
                .draw_series(task.segments().into_iter().map(|(a, b, kind)| {
                    Rectangle::new(
                        [(a.min(x1), y - 0.32), (b.min(x1), y + 0.32)],
                        colours[usize::from(kind)].filled(),
                    )
                }))
                .map_err(draw_err)?;
            if let Some(rto) = task.rto {
                let t = (task.down + rto).min(x1);
                chart
                    .draw_series([PathElement::new(
                        [(t, y - 0.45), (t, y + 0.45)],
                        VERMILION.stroke_width(4),
                    )])
                    .map_err(draw_err)?;
            }
            let left = axis::relative(area, chart.backend_coord(&(0.0, y)));
            axis::text(
                area,
                &axis::clip_label(&task.label, 24),
                (left.0 - 12, left.1),
                font(TICK_SIZE),
                (HPos::Right, VPos::Center),
            )?;
            let right = axis::relative(area, chart.backend_coord(&(x1, y)));
            axis::text(
                area,
                &hours_short(task.recovered),
                (right.0 + 12, right.1),
                font(TICK_SIZE).color(&GREY),
                (HPos::Left, VPos::Center),
            )?;
        }
        let top = axis::relative(area, chart.backend_coord(&(x1, n as f64 - 0.4)));
        axis::text(
            area,
            "back at",
            (top.0 + 12, top.1 - 6),
            font(TICK_SIZE).color(&GREY),
            (HPos::Left, VPos::Bottom),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(label: &str, job: Option<(f64, f64)>, recovered: f64) -> Task {
        Task {
            label: label.into(),
            down: 0.0,
            job,
            recovered,
            rto: Some(4.0),
        }
    }

    #[test]
    fn segments_are_monotone() {
        assert_eq!(
            task("a", Some((2.0, 5.0)), 6.0).segments(),
            vec![(0.0, 2.0, 0), (2.0, 5.0, 1), (5.0, 6.0, 2)]
        );
        // Medians out of order are clamped.
        assert_eq!(
            task("b", Some((0.0, 7.0)), 6.0).segments(),
            vec![(0.0, 6.0, 1)]
        );
        assert_eq!(task("c", None, 3.0).segments(), vec![(0.0, 3.0, 2)]);
    }

    #[test]
    fn rows_keep_the_last_back_and_render() {
        let g = Gantt {
            title: "t".into(),
            tasks: (0..40)
                .map(|i| task(&format!("s{i}"), Some((0.0, i as f64)), i as f64 + 1.0))
                .collect(),
        };
        let (rows, left_out) = g.rows();
        assert_eq!(left_out, 10);
        assert_eq!(rows[0].label, "s10");
        assert_eq!(rows[MAX_ROWS - 1].label, "s39");
        assert!(super::super::render(&g).is_ok());
        let empty = Gantt {
            title: "t".into(),
            tasks: vec![],
        };
        assert!(super::super::render(&empty).is_ok());
    }
}
