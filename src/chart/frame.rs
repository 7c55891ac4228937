//! The frame every chart shares: its builder (margins, caption, label
//! areas) and its mesh (fonts, grid lines), so that the charts only say
//! what differs.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis;
use super::{font, GREY, LABEL_SIZE, TICK_SIZE};

/// A chart with its title fitted above (see [`axis::title_fit`]), the
/// x-axis labels below and room on the right for the last tick label.
pub fn titled<'a, 'b, DB: DrawingBackend>(
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
pub fn rows<'a, 'b, DB: DrawingBackend>(
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

/// The size of a chart of `rows` rows (at most `max`), `per_row` pixels
/// each: the usual size, taller when the rows need it.
pub fn rows_size(rows: usize, max: usize, per_row: u32) -> (u32, u32) {
    let rows = rows.min(max) as u32;
    (super::WIDTH, super::HEIGHT.max(200 + rows * per_row))
}

/// The mesh of every chart: the axis descriptions and the tick labels in
/// the house fonts.
pub fn mesh<'a, 'b, X, Y, DB>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = chart.configure_mesh();
    mesh.axis_desc_style(font(LABEL_SIZE))
        .label_style(font(TICK_SIZE));
    mesh
}

/// [`mesh`] with the faint grid of the run's charts: no minor lines, the
/// major ones light grey.
pub fn faint_mesh<'a, 'b, X, Y, DB>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = mesh(chart);
    mesh.light_line_style(WHITE.mix(0.0))
        .bold_line_style(GREY.mix(0.25));
    mesh
}

/// [`faint_mesh`] of a chart of [`rows`]: the rows label themselves, so
/// no y labels and no horizontal lines.
pub fn rows_mesh<'a, 'b, X, DB>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
) -> MeshStyle<'a, 'b, X, RangedCoordf64, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
{
    let mut mesh = faint_mesh(chart);
    mesh.y_labels(0).disable_y_mesh();
    mesh
}
