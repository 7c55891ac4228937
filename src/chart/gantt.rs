//! The median recovery order of a drill as a Gantt chart: one row per
//! service that went down, in the order it comes back, with the median
//! times of each step: waiting for its hard dependencies (and for what its
//! restore requires, `backup.requires`) until they are back, waiting for a
//! crew (after that, or from the start when the job began before they were
//! back: restores not in dependency order), the crew's
//! restore, repair or rebuild, and the time down without a crew at work
//! (failover, switchover); the RTO (counted from when the service went
//! down) as a vermilion mark.
//!
//! Each time is the median over the drills of that step, taken on its own,
//! so the bars show the typical timeline, not one particular drill. A
//! service a crew worked on in some drills is drawn over those drills, and
//! the share is written next to it. A service that is still down at the
//! horizon in the median drill is drawn as "not recovered" and does not
//! stretch the time axis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, hours_short, Key};
use super::frame;
use super::{draw_err, font, Chart, BLUE, GREY, ORANGE, SKY, TICK_SIZE, VERMILION};

/// Light grey: waiting for a crew (dependencies back, or a job that does
/// not wait for them, and no crew at work).
const WAITING: RGBColor = RGBColor(200, 200, 200);
/// Pale vermilion: still down at the horizon.
const LOST: RGBColor = RGBColor(240, 190, 160);

/// At most this many rows: the services that come back last.
pub(crate) const MAX_ROWS: usize = 30;

/// A crew's bar is never drawn narrower than this share of the axis.
pub(crate) const MIN_BAR: f64 = 0.006;

/// Segment kinds of [`Task::segments`].
pub(crate) const CREW_WAIT: u8 = 0;
pub(crate) const CREW: u8 = 1;
pub(crate) const DEPS: u8 = 2;
pub(crate) const NO_CREW: u8 = 3;

/// One service's median timeline, hours after the threat.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Task {
    pub label: String,
    pub down: f64,
    /// When its hard dependencies, and what its restore requires, were
    /// back (the down time when none went down).
    pub deps_back: f64,
    /// When what held the job back (what a restore requires; with
    /// restores in dependency order, its dependencies) was back: the wait
    /// before the job is for that up to then, and for a crew after.
    /// `None`: the dependencies held it when they came back by its start.
    pub held: Option<f64>,
    /// A crew's job: start and end.
    pub job: Option<(f64, f64)>,
    /// Share of the drills hitting it in which a crew worked on it (the
    /// bar is over those drills).
    pub crew_share: Option<f64>,
    pub recovered: f64,
    /// When the bar is over the few drills in which a crew worked (under
    /// half): when it is back over all the drills (median), which the
    /// label gives first, as the report's table does.
    pub back_in_most: Option<f64>,
    /// Still down at the horizon in the median drill: the bar runs to the
    /// edge of the axis and `recovered` is not drawn.
    pub not_recovered: bool,
    pub rto: Option<f64>,
}

impl Task {
    /// The segments in time order, made monotone (medians of different
    /// steps need not be ordered): (from, to, kind), kind one of
    /// [`DEPS`], [`CREW_WAIT`], [`CREW`], [`NO_CREW`]. The chart draws
    /// [`Task::segments_to`] (a lost service runs to the axis end).
    #[cfg(test)]
    pub(crate) fn segments(&self) -> Vec<(f64, f64, u8)> {
        self.segments_to(self.recovered)
    }

    /// The segments with the service back at `end` (the axis end for a
    /// service not recovered).
    pub(crate) fn segments_to(&self, end: f64) -> Vec<(f64, f64, u8)> {
        let d = self.down.max(0.0);
        let r = end.max(d);
        let deps = self.deps_back.clamp(d, r);
        let v: Vec<(f64, f64, u8)> = match self.job {
            Some((s, e)) => {
                let s = s.clamp(d, r);
                let e = e.clamp(s, r);
                // Waiting for dependencies up to when they are back, then
                // for a crew; a job that started before they were back
                // (restores not held in dependency order) did not wait for
                // them: all its wait before the job is for a crew.
                let w = match self.held {
                    Some(h) => h.max(d).min(s),
                    None if deps <= s => deps,
                    None => d,
                };
                vec![(d, w, DEPS), (w, s, CREW_WAIT), (s, e, CREW), (e, r, DEPS)]
            }
            None => vec![(d, deps, DEPS), (deps, r, NO_CREW)],
        };
        v.into_iter().filter(|(a, b, _)| b > a).collect()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Gantt {
    pub title: String,
    /// In any order; drawn by recovery time, the last [`MAX_ROWS`].
    pub tasks: Vec<Task>,
}

impl Gantt {
    /// The rows drawn: by recovery then down time, the last ones kept;
    /// and how many were left out.
    pub(crate) fn rows(&self) -> (Vec<&Task>, usize) {
        let mut rows: Vec<&Task> = self.tasks.iter().collect();
        rows.sort_by(|a, b| {
            a.not_recovered
                .cmp(&b.not_recovered)
                .then(a.recovered.total_cmp(&b.recovered))
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
        frame::rows_size(self.tasks.len(), MAX_ROWS, 26)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (rows, left_out) = self.rows();
        if rows.is_empty() {
            return axis::empty(area, &self.title, "No service went down in these drills.");
        }
        let n = rows.len();
        let x1 = axis_end(&rows);
        let title = if left_out > 0 {
            format!(
                "{} (last {n} back; {left_out} more in the tables)",
                self.title
            )
        } else {
            self.title.clone()
        };
        // The legend lists the kinds drawn (and the RTO).
        let used = |kind: u8| {
            rows.iter().any(|t| {
                let end = if t.not_recovered {
                    x1
                } else {
                    t.recovered.min(x1)
                };
                t.segments_to(end).iter().any(|s| s.2 == kind)
            })
        };
        let mut keys: Vec<(Key, &str)> = [
            (DEPS, Key::Bar(ORANGE), "waiting for dependencies"),
            (CREW_WAIT, Key::Bar(WAITING), "waiting for a crew"),
            (CREW, Key::Bar(BLUE), "crew at work"),
            (NO_CREW, Key::Bar(SKY), "failover, no crew"),
        ]
        .into_iter()
        .filter(|(kind, _, _)| used(*kind))
        .map(|(_, key, label)| (key, label))
        .collect();
        if rows.iter().any(|t| t.not_recovered) {
            keys.push((Key::Bar(LOST), "not recovered"));
        }
        keys.push((Key::Tick(VERMILION), "RTO"));
        axis::header(area, &title, &keys)?;
        let mut chart = frame::rows(area, right_margin(area, &rows))
            .build_cartesian_2d(
                (0.0..x1).step(axis::hour_step(x1, 10)),
                -0.6..(n as f64 - 0.4),
            )
            .map_err(draw_err)?;
        frame::mesh(&mut chart, frame::Grid::Rows)
            .x_desc("time after the threat (medians over the drills; a crew at work over the drills in which one worked, their share in brackets)")
            .x_labels(12)
            .x_label_formatter(&|x| hours_short(*x))
            .draw()
            .map_err(draw_err)?;
        let colour = |kind: u8| match kind {
            CREW_WAIT => WAITING,
            CREW => BLUE,
            DEPS => ORANGE,
            _ => SKY,
        };
        let min_bar = x1 * MIN_BAR;
        let labels = axis::clip_all(
            &rows.iter().map(|t| t.label.clone()).collect::<Vec<_>>(),
            24,
        );
        for (i, task) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let end = if task.not_recovered {
                x1
            } else {
                task.recovered.min(x1)
            };
            let mut bars: Vec<Rectangle<(f64, f64)>> = Vec::new();
            for (a, b, kind) in task.segments_to(end) {
                let (a, b) = (a.min(x1), b.min(x1));
                // A not-recovered service's last stretch is drawn pale.
                let c = if task.not_recovered && kind != CREW && b >= x1 {
                    LOST
                } else {
                    colour(kind)
                };
                bars.push(Rectangle::new([(a, y - 0.32), (b, y + 0.32)], c.filled()));
            }
            // A short outage, or a short crew job, stays visible next to
            // long outages: drawn on top, at least MIN_BAR of the axis wide.
            let segments = task.segments_to(end);
            let short = |a: f64, b: f64| b - a < min_bar;
            let widened = |a: f64, c: RGBColor| {
                let (a, b) = visible(a, a, x1);
                Rectangle::new([(a, y - 0.32), (b, y + 0.32)], c.filled())
            };
            if let (Some(first), Some(last)) = (segments.first(), segments.last()) {
                if short(first.0, last.1) {
                    bars.push(widened(first.0, colour(last.2)));
                }
            }
            if let Some((a, b, _)) = segments.iter().find(|(_, _, k)| *k == CREW) {
                if short(*a, *b) {
                    bars.push(widened(*a, BLUE));
                }
            }
            chart.draw_series(bars).map_err(draw_err)?;
            if let Some(rto) = task.rto {
                let t = task.down + rto;
                if t <= x1 {
                    chart
                        .draw_series([PathElement::new(
                            [(t, y - 0.45), (t, y + 0.45)],
                            VERMILION.stroke_width(4),
                        )])
                        .map_err(draw_err)?;
                }
            }
            let left = axis::relative(area, chart.backend_coord(&(0.0, y)));
            axis::text(
                area,
                &labels[i],
                (left.0 - 12, left.1),
                font(TICK_SIZE),
                (HPos::Right, VPos::Center),
            )?;
            let right = axis::relative(area, chart.backend_coord(&(x1, y)));
            axis::text(
                area,
                &task.back_label(),
                (right.0 + 12, right.1),
                font(TICK_SIZE).color(if task.not_recovered {
                    &VERMILION
                } else {
                    &GREY
                }),
                (HPos::Left, VPos::Center),
            )?;
        }
        let top = axis::relative(area, chart.backend_coord(&(x1, n as f64 - 0.4)));
        axis::text(
            area,
            BACK_HEADER,
            (top.0 + 12, top.1 - 6),
            font(TICK_SIZE).color(&GREY),
            (HPos::Left, VPos::Bottom),
        )?;
        Ok(())
    }
}

/// The room right of the plot for the texts there ("back at (crew in)"
/// and each row's return time): the widest of them, its gap and a margin,
/// at least 190 pixels and at most half the chart, so that "1.2h; 5.21d
/// with a crew (5%)" is not cut at the edge of the image.
fn right_margin<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[&Task]) -> u32 {
    let style = font(TICK_SIZE);
    let widest = rows
        .iter()
        .map(|t| t.back_label())
        .chain(std::iter::once(BACK_HEADER.to_string()))
        .map(|l| {
            area.estimate_text_size(&l, &style)
                .map_or(l.chars().count() as u32 * TICK_SIZE * 3 / 5, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    (widest + 12 + 8).clamp(190, area.dim_in_pixel().0 / 2)
}

/// The heading of the column of return times.
const BACK_HEADER: &str = "back at (crew in)";

impl Task {
    /// The text right of the bar: when it is back, and how often a crew
    /// worked on it when not always.
    pub(crate) fn back_label(&self) -> String {
        let back = if self.not_recovered {
            "not recovered".to_string()
        } else {
            hours_short(self.recovered)
        };
        match (self.job, self.crew_share, self.back_in_most) {
            (Some(_), Some(c), Some(most)) if c < 0.5 => format!(
                "{}; {back} with a crew ({})",
                hours_short(most),
                axis::percent_short(c)
            ),
            (Some(_), Some(c), _) if c < 0.995 => {
                format!("{back} ({})", axis::percent_short(c))
            }
            _ => back,
        }
    }
}

/// The span drawn for a bar from `a` to `b` on an axis ending at `x1`: at
/// least [`MIN_BAR`] of the axis wide, inside the axis.
pub(crate) fn visible(a: f64, b: f64, x1: f64) -> (f64, f64) {
    let min = x1 * MIN_BAR;
    if b - a >= min {
        (a, b)
    } else {
        let a = a.min(x1 - min).max(0.0);
        (a, a + min)
    }
}

/// The end of the time axis: the recovered rows' return and RTO, and for
/// rows never recovered only what happened before (so one service lost
/// for good does not hide everyone else's recovery).
pub(crate) fn axis_end(rows: &[&Task]) -> f64 {
    let end = rows
        .iter()
        .map(|t| {
            if t.not_recovered {
                let job = t.job.map_or(0.0, |(s, e)| s.max(e));
                (t.down.max(t.deps_back).max(job)) * 1.25
            } else {
                t.recovered.max(t.down + t.rto.unwrap_or(0.0))
            }
        })
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    axis::zero_to(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(label: &str, job: Option<(f64, f64)>, recovered: f64) -> Task {
        Task {
            label: label.into(),
            down: 0.0,
            deps_back: 0.0,
            held: None,
            job,
            crew_share: Some(1.0),
            recovered,
            back_in_most: None,
            not_recovered: false,
            rto: Some(4.0),
        }
    }

    #[test]
    fn segments_are_monotone() {
        assert_eq!(
            task("a", Some((2.0, 5.0)), 6.0).segments(),
            vec![(0.0, 2.0, CREW_WAIT), (2.0, 5.0, CREW), (5.0, 6.0, DEPS)]
        );
        // Medians out of order are clamped.
        assert_eq!(
            task("b", Some((0.0, 7.0)), 6.0).segments(),
            vec![(0.0, 6.0, CREW)]
        );
        assert_eq!(task("c", None, 3.0).segments(), vec![(0.0, 3.0, NO_CREW)]);
        // Waiting for dependencies, then for a crew.
        let t = Task {
            deps_back: 1.0,
            ..task("d", Some((2.0, 5.0)), 6.0)
        };
        assert_eq!(
            t.segments(),
            vec![
                (0.0, 1.0, DEPS),
                (1.0, 2.0, CREW_WAIT),
                (2.0, 5.0, CREW),
                (5.0, 6.0, DEPS)
            ]
        );
        let t = Task {
            deps_back: 2.0,
            ..task("e", None, 3.0)
        };
        assert_eq!(t.segments(), vec![(0.0, 2.0, DEPS), (2.0, 3.0, NO_CREW)]);
    }

    #[test]
    fn a_job_started_before_its_dependencies_are_back_waited_for_a_crew() {
        // Restores not in dependency order, one crew: `db` waits 0–2 h for
        // the crew busy elsewhere, is restored 2–6 h, then waits for its
        // dependencies, back at 56 h. Its first 2 h are not dependencies.
        let db = Task {
            deps_back: 56.0,
            ..task("db", Some((2.0, 6.0)), 56.0)
        };
        assert_eq!(
            db.segments(),
            vec![(0.0, 2.0, CREW_WAIT), (2.0, 6.0, CREW), (6.0, 56.0, DEPS)]
        );
        // Dependencies back exactly when the crew starts: all dependencies.
        let t = Task {
            deps_back: 2.0,
            ..task("e", Some((2.0, 5.0)), 5.0)
        };
        assert_eq!(t.segments(), vec![(0.0, 2.0, DEPS), (2.0, 5.0, CREW)]);
        // Down later than the threat: the wait runs from when it went down.
        let t = Task {
            down: 1.0,
            deps_back: 9.0,
            ..task("f", Some((3.0, 4.0)), 9.0)
        };
        assert_eq!(
            t.segments(),
            vec![(1.0, 3.0, CREW_WAIT), (3.0, 4.0, CREW), (4.0, 9.0, DEPS)]
        );
    }

    #[test]
    fn a_short_rebuild_next_to_long_outages_stays_visible() {
        // A 2 h rebuild on a 30-day axis: 0.26% of it, under a pixel or
        // two; drawn at MIN_BAR.
        let x1 = axis_end(&[&task("long", Some((0.0, 720.0)), 720.0)]);
        let (a, b) = visible(50.0, 52.0, x1);
        assert_eq!(a, 50.0);
        assert!((b - a - x1 * MIN_BAR).abs() < 1e-9 && b - a > 2.0);
        // At the end of the axis it stays inside it; long bars are as is.
        let (a, b) = visible(x1, x1, x1);
        assert!(b <= x1 + 1e-9 && a < b);
        assert_eq!(visible(0.0, 100.0, x1), (0.0, 100.0));
    }

    #[test]
    fn not_recovered_does_not_stretch_the_axis_and_says_how_often() {
        let lost = Task {
            not_recovered: true,
            recovered: 8760.0,
            rto: None,
            ..task("saas", Some((1.0, 2.0)), 8760.0)
        };
        let fine = task("db", Some((2.0, 50.0)), 60.0);
        let x1 = axis_end(&[&lost, &fine]);
        assert!(x1 < 100.0, "{x1}");
        assert_eq!(lost.back_label(), "not recovered");
        let some = Task {
            crew_share: Some(0.455),
            ..task("vpn", Some((2.0, 4.0)), 6.0)
        };
        assert!(some.back_label().contains("(46%)"), "{}", some.back_label());
        // A crew in few drills: when it is back in most comes first.
        let few = Task {
            crew_share: Some(0.05),
            back_in_most: Some(0.05),
            ..task("db", Some((0.1, 3.9)), 3.97)
        };
        assert_eq!(few.back_label(), "3m; 3.97h with a crew (5%)");
        let g = Gantt {
            title: "t".into(),
            tasks: vec![lost, fine, some],
        };
        let svg = super::super::render(&g).expect("renders").svg;
        assert!(svg.contains("not recovered"));
    }

    /// The return time of a service a crew worked on in few drills
    /// ("1.2h; 5.21d with a crew (5%)") was cut at the image's right edge.
    #[test]
    fn the_longest_return_time_fits_in_the_image() {
        let few = Task {
            crew_share: Some(0.05),
            back_in_most: Some(1.2),
            ..task("Policy database", Some((1.0, 9.0)), 5.21 * 24.0)
        };
        let label = few.back_label();
        assert_eq!(label, "1.2h; 5.21d with a crew (5%)");
        let g = Gantt {
            title: "t".into(),
            tasks: vec![few, task("db", Some((2.0, 50.0)), 60.0)],
        };
        let svg = super::super::render(&g).expect("renders").svg;
        let at = svg
            .find(&format!("\n{label}\n"))
            .expect("the label is drawn");
        let start = svg[..at].rfind("<text").expect("in a text element");
        let attr = |name: &str| -> f64 {
            svg[start..at]
                .split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .expect("the attribute")
        };
        let (x, size) = (attr("x"), attr("font-size"));
        // DejaVu Sans averages well over half the font size per character.
        let width = label.chars().count() as f64 * size * 0.55;
        assert!(
            x + width <= f64::from(crate::chart::WIDTH),
            "the label runs from x = {x} to {} past the {} pixels of the image",
            x + width,
            crate::chart::WIDTH
        );
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
