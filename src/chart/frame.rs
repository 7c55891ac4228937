//! The frame every chart shares: its builder (margins, caption, label
//! areas) and its mesh (fonts, grid lines), so that the charts only say
//! what differs.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use std::ops::Range;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis;
use super::{draw_err, font, GREY, LABEL_SIZE, TICK_SIZE, TITLE_SIZE};

/// A chart with its title fitted above (see [`axis::title_fit`]), the
/// x-axis labels below and room on the right for the last tick label.
pub(crate) fn titled<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
) -> ChartBuilder<'a, 'b, DB> {
    let (title_style, title_text) = axis::title_fit(area, title);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(&title_text, title_style)
        .margin(20)
        .margin_right(40)
        .x_label_area_size(70);
    builder
}

/// A chart of rows below an [`axis::header`]: room for the row labels on
/// the left and `right` pixels for the values after the bars.
pub(crate) fn rows<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    right: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(20)
        .margin_top(axis::HEADER)
        .margin_right(right)
        .x_label_area_size(70)
        .y_label_area_size(260);
    builder
}

/// A chart of horizontal bars of money, one row per label, the first at
/// the top: the title above, the labels (cut to `chars` characters) in
/// `label_area` pixels on the left, `x` in money below, with its mesh
/// drawn.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn money_bars<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    (x_desc, x): (&str, Range<f64>),
    labels: &[String],
    (label_area, chars): (u32, usize),
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String> {
    let n = labels.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(title, font(TITLE_SIZE))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x, -0.5f64..(n as f64 - 0.5))
        .map_err(draw_err)?;
    let labels = axis::clip_all(labels, chars);
    let y_fmt = |y: &f64| axis::row_label(*y, n, chars, |i| labels.get(i).cloned());
    mesh(&mut chart, Grid::Full)
        .y_labels(n)
        .x_desc(x_desc)
        .x_label_formatter(&|x| axis::money_short(*x))
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(draw_err)?;
    Ok(chart)
}

/// The size of a chart of `rows` rows (at most `max`), `per_row` pixels
/// each: the usual size, taller when the rows need it.
pub(crate) fn rows_size(rows: usize, max: usize, per_row: u32) -> (u32, u32) {
    let rows = rows.min(max) as u32;
    (super::WIDTH, super::HEIGHT.max(200 + rows * per_row))
}

/// The grid of a chart's mesh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grid {
    /// plotters' own: every major and minor line.
    Full,
    /// The run's charts: no minor lines, the major ones light grey.
    Faint,
    /// A chart of [`rows`]: faint, and the rows label themselves, so no
    /// y labels and no horizontal lines.
    Rows,
}

/// The mesh of every chart: the axis descriptions and the tick labels in
/// the house fonts, on the given grid.
pub(crate) fn mesh<'a, 'b, X, Y, DB>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    grid: Grid,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = chart.configure_mesh();
    mesh.axis_desc_style(font(LABEL_SIZE))
        .label_style(font(TICK_SIZE));
    if grid != Grid::Full {
        mesh.light_line_style(WHITE.mix(0.0))
            .bold_line_style(GREY.mix(0.25));
    }
    if grid == Grid::Rows {
        mesh.y_labels(0).disable_y_mesh();
    }
    mesh
}

/// The size in pixels of the box [`axis::legend`] draws for `labels`, as
/// plotters lays it out.
///
/// # Errors
/// The font's error, as a message.
pub(crate) fn legend_size(labels: &[String]) -> Result<(i32, i32), String> {
    let style = font(TICK_SIZE);
    let mut text = MultiLineText::<_, &str>::new((0, 0), &style);
    for l in labels {
        text.push_line(l.as_str());
    }
    let (w, h) = text.estimate_dimension().map_err(draw_err)?;
    Ok((w + 45 + 2 * 10, h + 2 * 10))
}

/// Where [`axis::legend`] puts a box of `size` at `position` (a corner) of the
/// plotting area whose pixels are `plot`: ((left, top), (right, bottom)).
pub(crate) fn legend_box(
    position: SeriesLabelPosition,
    (w, h): (i32, i32),
    plot: &(std::ops::Range<i32>, std::ops::Range<i32>),
) -> ((i32, i32), (i32, i32)) {
    let (xs, ys) = plot;
    let left = match position {
        SeriesLabelPosition::UpperLeft | SeriesLabelPosition::LowerLeft => xs.start + 5,
        _ => xs.end - w - 5,
    };
    let top = match position {
        SeriesLabelPosition::LowerLeft | SeriesLabelPosition::LowerRight => ys.end - h - 5,
        _ => ys.start + 5,
    };
    ((left, top), (left + w, top + h))
}
