//! The critical path of a drill: for each service, the share of drills in
//! which its recovery gated the last business function (it is on the
//! chain of dependencies that came back last), and the share in which its
//! own restore was the last step of that chain: the bottleneck to speed up.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{self, percent_short, Key};
use super::frame;
use super::{draw_err, Chart, BLUE, VERMILION};

/// At most this many rows.
pub(crate) const MAX_ROWS: usize = 20;

#[derive(Debug, Clone)]
pub(crate) struct CriticalPath {
    pub title: String,
    /// (service, share of drills on the path, share as the bottleneck),
    /// most often on the path first.
    pub entries: Vec<(String, f64, f64)>,
}

impl Chart for CriticalPath {
    fn name(&self) -> &str {
        "critical_path"
    }

    fn size(&self) -> (u32, u32) {
        frame::rows_size(self.entries.len(), MAX_ROWS, 30)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let rows = &self.entries[..self.entries.len().min(MAX_ROWS)];
        if rows.is_empty() {
            return axis::empty(
                area,
                &self.title,
                "No service went down in these drills: there is no critical path.",
            );
        }
        axis::header(
            area,
            &self.title,
            &[
                (Key::Bar(BLUE), "on the critical path"),
                (
                    Key::Bar(VERMILION),
                    "its recovery is the last step (bottleneck)",
                ),
            ],
        )?;
        let n = rows.len();
        let mut chart = frame::rows(area, 150)
            .build_cartesian_2d(0.0..1.0, -0.6..(n as f64 - 0.4))
            .map_err(draw_err)?;
        frame::mesh(&mut chart, frame::Grid::Rows)
            .x_desc("share of drills")
            .x_label_formatter(&|x| axis::percent_tick(*x))
            .draw()
            .map_err(draw_err)?;
        let labels = axis::clip_all(&rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), 24);
        for (i, (_, on, last)) in rows.iter().enumerate() {
            let label = &labels[i];
            let y = (n - 1 - i) as f64;
            chart
                .draw_series([
                    Rectangle::new(
                        [(0.0, y - 0.34), (on.clamp(0.0, 1.0), y + 0.34)],
                        BLUE.filled(),
                    ),
                    Rectangle::new(
                        [(0.0, y - 0.14), (last.clamp(0.0, 1.0), y + 0.14)],
                        VERMILION.filled(),
                    ),
                ])
                .map_err(draw_err)?;
            axis::row_ends(
                area,
                [
                    chart.backend_coord(&(0.0, y)),
                    chart.backend_coord(&(on.clamp(0.0, 1.0), y)),
                ],
                label,
                &format!("{} / {}", percent_short(*on), percent_short(*last)),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_and_without_entries() {
        let c = CriticalPath {
            title: "t".into(),
            entries: vec![("db".into(), 1.0, 0.7), ("app".into(), 0.3, 0.3)],
        };
        assert!(super::super::render(&c).is_ok());
        let none = CriticalPath {
            title: "t".into(),
            entries: vec![],
        };
        assert!(super::super::render(&none)
            .expect("renders")
            .svg
            .contains("no critical path"));
    }
}
