//! Standalone SVG drawing of the dependency graph, laid out in pure Rust.

use std::borrow::Cow;
use std::fmt::Write;

use petgraph::visit::EdgeRef;

use super::layout::{layout, Layout, Point, Spacing};
use super::summary::SUMMARY_ABOVE;
use super::{
    capacity_label, edge_style, group_label, tier_fill, EdgeStyle, EDGE_KINDS, GROUP_FILL,
    NODE_STROKE, SOFT_EDGE, TIERS,
};
use crate::model::{Edge, EdgeKind, Model, NodeRef, Tier};

/// Font of every text.
pub(super) const FONT: &str = "Helvetica, Arial, sans-serif";
/// Font size of node labels.
const FONT_SIZE: f64 = 12.0;
/// Estimated advance of one character at [`FONT_SIZE`], generous enough for
/// most Latin text so labels stay inside their boxes.
const CHAR_WIDTH: f64 = 7.0;
/// Estimated advance of one character of the 11 px legend.
const SMALL_CHAR_WIDTH: f64 = 6.2;
/// Offset from a box's centre to the text baseline (about 0.35 em): what
/// `dominant-baseline` would do, without relying on renderers supporting it.
const BASELINE: f64 = 4.0;
const NODE_HEIGHT: f64 = 28.0;
const TEXT_PADDING: f64 = 10.0;
const MIN_NODE_WIDTH: f64 = 56.0;
/// How far a group hexagon's points stick out beyond its text.
const HEX_INSET: f64 = 10.0;
pub(super) const MARGIN: f64 = 20.0;
/// Longest label, in characters, before it is cut with an ellipsis...
const LABEL_CHARS: usize = 28;
/// ...and in graphs of more than [`LARGE_GRAPH`] nodes, where width matters
/// more than complete names (the full id stays in the hover title).
const LARGE_LABEL_CHARS: usize = 16;
const LARGE_GRAPH: usize = 200;
/// Longest title, in characters.
const TITLE_CHARS: usize = 90;
/// Prefix of the marker ids, so the SVG can be inlined into an HTML page
/// next to other drawings without id clashes.
pub(super) const MARKER_PREFIX: &str = "bcdr-graph-arrow";

/// Bounds of [`row_limit`].
const MIN_ROW: usize = 12;
const MAX_ROW: usize = 32;

/// Gaps for graphs up to [`LARGE_GRAPH`] nodes: room for edge labels.
const SPACING: Spacing = Spacing {
    node_height: NODE_HEIGHT,
    row_gap: 56.0,
    node_gap: 24.0,
    dummy_gap: 6.0,
    max_row: MAX_ROW,
    port_span: 0.6,
    sweeps: 8,
    placement_rounds: 8,
};

/// Tighter gaps for large graphs.
const LARGE_SPACING: Spacing = Spacing {
    node_height: NODE_HEIGHT,
    row_gap: 44.0,
    node_gap: 14.0,
    dummy_gap: 3.0,
    max_row: MAX_ROW,
    port_span: 0.6,
    sweeps: 6,
    placement_rounds: 6,
};

/// A standalone SVG drawing of the dependency graph; above
/// [`SUMMARY_ABOVE`] nodes, its summary by tier and site (see `summary.rs`),
/// which links `graph.dot` for the full graph.
///
/// Services are rounded boxes filled with their tier's colour and labelled
/// with their id; k-of-n groups are grey hexagons labelled
/// "id (need k of n)". Dependencies sit below their dependents (layered
/// layout, see `layout.rs`) and edges are drawn as smooth curves with an
/// arrowhead at the dependency: hard solid, soft dotted with the capacity
/// kept, membership dashed. A title (the scenario's name) and a legend of
/// tiers and edge kinds head the drawing. Hovering a node or an edge shows
/// its full description, as labels longer than 28 characters (16 in graphs
/// of more than 200 nodes) are cut with an ellipsis.
///
/// The result is well-formed XML with `width`, `height` and `viewBox`; every
/// id is escaped. It is a pure function of the model: no hashing, no clock.
///
/// # Complexity
/// That of the layout: O(S·(V + D + E)·log(V + D)) with S sweeps and D
/// dummy points for edges spanning several rows; output size O(V + D + E).
#[must_use]
pub fn svg(model: &Model) -> String {
    if model.graph.graph.node_count() > SUMMARY_ABOVE {
        return super::summary::svg(model);
    }
    let nodes = Nodes::of(model);
    let graph = &model.graph.graph;
    let edges: Vec<(usize, usize, Edge)> = graph
        .edge_references()
        .map(|e| (e.source().index(), e.target().index(), *e.weight()))
        .collect();
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(u, v, _)| (u, v)).collect();
    // Validation guarantees a DAG; should a cycle slip through, node order
    // still gives a drawing (the layout draws backward edges straight).
    let order: Vec<usize> = match model.graph.dependencies_first() {
        Ok(order) => order
            .into_iter()
            .map(|node| model.graph.index(node).index())
            .collect(),
        Err(_) => (0..nodes.len()).collect(),
    };
    let mut spacing = if nodes.len() > LARGE_GRAPH {
        LARGE_SPACING
    } else {
        SPACING
    };
    spacing.max_row = row_limit(nodes.len());
    let placed = layout(&nodes.widths, &pairs, &order, &spacing);
    render(model, &nodes, &edges, &placed)
}

/// The most nodes in one row: about twice the square root of the node
/// count, so a graph with a few flat, wide layers wraps them into a drawing
/// closer to a page than to a ribbon; at least [`MIN_ROW`] so small graphs
/// never wrap, at most [`MAX_ROW`] so a thousand-node graph stays a few
/// thousand pixels wide.
fn row_limit(nodes: usize) -> usize {
    let root = (nodes as f64).sqrt();
    ((2.0 * root).ceil() as usize).clamp(MIN_ROW, MAX_ROW)
}

/// What each node of the graph shows, by node index.
struct Nodes {
    ids: Vec<String>,
    labels: Vec<String>,
    titles: Vec<String>,
    /// `None` for a group.
    tiers: Vec<Option<Tier>>,
    widths: Vec<f64>,
}

impl Nodes {
    fn of(model: &Model) -> Nodes {
        let graph = &model.graph.graph;
        let limit = if graph.node_count() > LARGE_GRAPH {
            LARGE_LABEL_CHARS
        } else {
            LABEL_CHARS
        };
        let mut nodes = Nodes {
            ids: Vec::with_capacity(graph.node_count()),
            labels: Vec::with_capacity(graph.node_count()),
            titles: Vec::with_capacity(graph.node_count()),
            tiers: Vec::with_capacity(graph.node_count()),
            widths: Vec::with_capacity(graph.node_count()),
        };
        for node in graph.node_weights() {
            let (id, label, title, tier) = match *node {
                NodeRef::Service(s) => match model.services.get(s.index()) {
                    Some(s) => {
                        let title = match &s.name {
                            Some(name) => format!("{} ({name}) — {}", s.id, s.tier.label()),
                            None => format!("{} — {}", s.id, s.tier.label()),
                        };
                        let label = truncate(&s.id, limit).into_owned();
                        (s.id.clone(), label, title, Some(s.tier))
                    }
                    None => missing(),
                },
                NodeRef::Group(g) => match model.groups.get(g.index()) {
                    Some(g) => {
                        let members = g.members.len();
                        let label = group_label(&truncate(&g.id, limit), g.need, members);
                        let title = format!(
                            "{} — k-of-n group: works while {} of its {members} members work",
                            g.id, g.need
                        );
                        (g.id.clone(), label, title, None)
                    }
                    None => missing(),
                },
            };
            let text = label.chars().count() as f64 * CHAR_WIDTH + 2.0 * TEXT_PADDING;
            let inset = if tier.is_none() { 2.0 * HEX_INSET } else { 0.0 };
            nodes.widths.push(text.max(MIN_NODE_WIDTH) + inset);
            nodes.ids.push(id);
            nodes.labels.push(label);
            nodes.titles.push(title);
            nodes.tiers.push(tier);
        }
        nodes
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// A node reference outside the model: validation rules it out, but the
/// drawing must not panic on it.
fn missing() -> (String, String, String, Option<Tier>) {
    let q = "?".to_string();
    (q.clone(), q.clone(), q, Some(Tier::Application))
}

fn render(model: &Model, nodes: &Nodes, edges: &[(usize, usize, Edge)], placed: &Layout) -> String {
    let title = truncate(&model.name, TITLE_CHARS);
    let services = model.services.len();
    let groups = model.groups.len();
    let subtitle = format!(
        "{services} service{}, {groups} group{}, {} edge{} · arrows point from a service to what it depends on",
        plural(services),
        plural(groups),
        edges.len(),
        plural(edges.len())
    );
    let legend = Legend::new();

    let title_y = MARGIN + 16.0;
    let subtitle_y = title_y + 20.0;
    let legend_y = subtitle_y + 24.0;
    let graph_top = legend_y + 26.0;
    let header_width = (title.chars().count() as f64 * 9.5)
        .max(subtitle.chars().count() as f64 * SMALL_CHAR_WIDTH)
        .max(legend.width);
    let content_width = placed.width.max(header_width);
    let width = (content_width + 2.0 * MARGIN).ceil();
    let graph_height = if nodes.len() == 0 {
        NODE_HEIGHT
    } else {
        placed.height
    };
    let height = (graph_top + graph_height + MARGIN).ceil();
    let graph_left = MARGIN + (content_width - placed.width) / 2.0;

    let mut out = String::with_capacity(2048 + 400 * (nodes.len() + edges.len()));
    // Writing into a String cannot fail: the fmt::Results below are ignored.
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="{fs}">"#,
        w = num(width),
        h = num(height),
        fs = num(FONT_SIZE)
    );
    write_heading(
        &mut out,
        ("Dependency graph", &model.name),
        (&title, title_y),
        (&subtitle, subtitle_y),
    );
    legend.write(&mut out, MARGIN, legend_y);

    let _ = writeln!(
        out,
        r#"<g class="graph" transform="translate({},{})">"#,
        num(graph_left),
        num(graph_top)
    );
    if nodes.len() == 0 {
        let _ = writeln!(
            out,
            r##"<text class="empty" x="0" y="{}" fill="#555555">no services</text>"##,
            num(NODE_HEIGHT / 2.0 + BASELINE)
        );
    }
    write_edges(&mut out, nodes, edges, placed);
    write_nodes(&mut out, nodes, placed);
    out.push_str("</g>\n</svg>\n");
    out
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// One arrowhead marker per edge kind: SVG 1.1 markers cannot take the
/// colour of the line they end.
/// The head of a graph picture after the `<svg>` tag: the tooltip
/// (`what: name`), the definitions, the white background, then the title
/// and the subtitle at their heights.
pub(super) fn write_heading(
    out: &mut String,
    (what, name): (&str, &str),
    (title, title_y): (&str, f64),
    (subtitle, subtitle_y): (&str, f64),
) {
    let _ = writeln!(out, "<title>{what}: {}</title>", escape(name));
    write_defs(out);
    let _ = writeln!(
        out,
        r##"<rect class="background" width="100%" height="100%" fill="#FFFFFF"/>"##
    );
    let _ = writeln!(
        out,
        r##"<text class="title" x="{}" y="{}" font-size="16" font-weight="bold" fill="#000000">{}</text>"##,
        num(MARGIN),
        num(title_y),
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<text class="subtitle" x="{}" y="{}" font-size="11" fill="#555555">{}</text>"##,
        num(MARGIN),
        num(subtitle_y),
        escape(subtitle)
    );
}

pub(super) fn write_defs(out: &mut String) {
    out.push_str("<defs>\n");
    for kind in EDGE_KINDS {
        let style = edge_style(kind);
        let _ = writeln!(
            out,
            r#"<marker id="{MARKER_PREFIX}-{}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="{}"/></marker>"#,
            style.name, style.colour
        );
    }
    out.push_str("</defs>\n");
}

/// Stroke attributes of an edge kind.
pub(super) fn stroke(style: &EdgeStyle) -> String {
    let mut s = format!(
        r#"fill="none" stroke="{}" stroke-width="1.3""#,
        style.colour
    );
    if let Some(dash) = style.dash {
        let _ = write!(s, r#" stroke-dasharray="{dash}""#);
    }
    s
}

fn write_edges(out: &mut String, nodes: &Nodes, edges: &[(usize, usize, Edge)], placed: &Layout) {
    out.push_str("<g class=\"edges\">\n");
    let mut labels = String::new();
    for (k, &(u, v, edge)) in edges.iter().enumerate() {
        let Some(points) = placed.paths.get(k).filter(|p| p.len() >= 2) else {
            continue;
        };
        let style = edge_style(edge.kind);
        let (from, to) = (
            nodes.ids.get(u).map_or("?", String::as_str),
            nodes.ids.get(v).map_or("?", String::as_str),
        );
        let what = match edge.kind {
            EdgeKind::Hard => format!("{from} depends on {to}"),
            EdgeKind::Soft => format!(
                "{from} degrades without {to}: keeps {} of its capacity",
                capacity_label(edge.capacity)
            ),
            EdgeKind::Member => format!("{to} is a member of {from}"),
        };
        let _ = writeln!(
            out,
            r#"<path class="edge {name}" d="{d}" {stroke} marker-end="url(#{MARKER_PREFIX}-{name})"><title>{title}</title></path>"#,
            name = style.name,
            d = path_data(points),
            stroke = stroke(&style),
            title = escape(&what)
        );
        if edge.kind == EdgeKind::Soft {
            // In the gap below the dependent, where the edge is still close
            // to the service that degrades.
            let (a, b) = (points[0], points[1]);
            let _ = writeln!(
                labels,
                r##"<text class="edge-label" x="{}" y="{}" text-anchor="middle" font-size="10" fill="{SOFT_EDGE}" stroke="#FFFFFF" stroke-width="3" paint-order="stroke">{}</text>"##,
                num((a.x + b.x) / 2.0),
                num((a.y + b.y) / 2.0 + 3.0),
                escape(&capacity_label(edge.capacity))
            );
        }
    }
    out.push_str("</g>\n");
    if !labels.is_empty() {
        out.push_str("<g class=\"edge-labels\">\n");
        out.push_str(&labels);
        out.push_str("</g>\n");
    }
}

/// SVG path data through `points`: a cubic curve between rows with
/// vertical tangents at both ends (so consecutive pieces join smoothly and
/// arrows come straight down), a straight line down through a row.
fn path_data(points: &[Point]) -> String {
    let mut d = String::with_capacity(24 * points.len());
    let Some(first) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{},{}", num(first.x), num(first.y));
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if (a.x - b.x).abs() < 0.05 {
            let _ = write!(d, " L{},{}", num(b.x), num(b.y));
        } else {
            let mid = num((a.y + b.y) / 2.0);
            let _ = write!(
                d,
                " C{},{mid} {},{mid} {},{}",
                num(a.x),
                num(b.x),
                num(b.x),
                num(b.y)
            );
        }
    }
    d
}

fn write_nodes(out: &mut String, nodes: &Nodes, placed: &Layout) {
    out.push_str("<g class=\"nodes\">\n");
    for i in 0..nodes.len() {
        let Some(&centre) = placed.centres.get(i) else {
            continue;
        };
        let w = nodes.widths[i];
        let (x0, y0) = (centre.x - w / 2.0, centre.y - NODE_HEIGHT / 2.0);
        let kind = if nodes.tiers[i].is_some() {
            "service"
        } else {
            "group"
        };
        let _ = write!(
            out,
            r#"<g class="node {kind}" data-id="{}"><title>{}</title>"#,
            escape(&nodes.ids[i]),
            escape(&nodes.titles[i])
        );
        match nodes.tiers[i] {
            Some(tier) => {
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" rx="5" fill="{}" stroke="{NODE_STROKE}"/>"#,
                    num(x0),
                    num(y0),
                    num(w),
                    num(NODE_HEIGHT),
                    tier_fill(tier)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r#"<polygon points="{}" fill="{GROUP_FILL}" stroke="{NODE_STROKE}"/>"#,
                    hexagon(x0, y0, w, NODE_HEIGHT)
                );
            }
        }
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#000000">{}</text></g>"##,
            num(centre.x),
            num(centre.y + BASELINE),
            escape(&nodes.labels[i])
        );
    }
    out.push_str("</g>\n");
}

/// Points of a flat-topped hexagon filling the box, pointed left and right.
fn hexagon(x0: f64, y0: f64, w: f64, h: f64) -> String {
    let inset = HEX_INSET.min(w / 2.0);
    let (x1, y1, ym) = (x0 + w, y0 + h, y0 + h / 2.0);
    [
        (x0 + inset, y0),
        (x1 - inset, y0),
        (x1, ym),
        (x1 - inset, y1),
        (x0 + inset, y1),
        (x0, ym),
    ]
    .iter()
    .map(|&(x, y)| format!("{},{}", num(x), num(y)))
    .collect::<Vec<_>>()
    .join(" ")
}

/// The legend row: one swatch per tier, the group shape, one line sample
/// per edge kind.
pub(super) struct Legend {
    entries: Vec<(LegendMark, String)>,
    pub(super) width: f64,
}

#[derive(Clone, Copy)]
enum LegendMark {
    Tier(Tier),
    Group,
    Edge(EdgeKind),
}

/// Width of a legend mark, the gap after it and the gap after its text.
const SWATCH: f64 = 14.0;
const LINE_SAMPLE: f64 = 30.0;
const MARK_GAP: f64 = 5.0;
const ENTRY_GAP: f64 = 16.0;

impl Legend {
    pub(super) fn new() -> Legend {
        let mut entries: Vec<(LegendMark, String)> = TIERS
            .iter()
            .map(|&t| (LegendMark::Tier(t), t.label().to_string()))
            .collect();
        entries.push((LegendMark::Group, "k-of-n group".to_string()));
        for kind in EDGE_KINDS {
            entries.push((LegendMark::Edge(kind), edge_style(kind).legend.to_string()));
        }
        let width = entries
            .iter()
            .map(|(mark, text)| Self::entry_width(*mark, text))
            .sum::<f64>()
            - ENTRY_GAP;
        Legend { entries, width }
    }

    fn mark_width(mark: LegendMark) -> f64 {
        match mark {
            LegendMark::Tier(_) => SWATCH,
            LegendMark::Group => SWATCH + 8.0,
            LegendMark::Edge(_) => LINE_SAMPLE,
        }
    }

    fn entry_width(mark: LegendMark, text: &str) -> f64 {
        Self::mark_width(mark)
            + MARK_GAP
            + text.chars().count() as f64 * SMALL_CHAR_WIDTH
            + ENTRY_GAP
    }

    /// Draw the legend with its vertical centre at `y`.
    pub(super) fn write(&self, out: &mut String, left: f64, y: f64) {
        out.push_str("<g class=\"legend\" font-size=\"11\">\n");
        let mut x = left;
        for (mark, text) in &self.entries {
            let _ = write!(out, r#"<g class="legend-item">"#);
            let top = y - SWATCH / 2.0;
            match *mark {
                LegendMark::Tier(tier) => {
                    let _ = write!(
                        out,
                        r#"<rect x="{}" y="{}" width="{SWATCH}" height="{SWATCH}" rx="3" fill="{}" stroke="{NODE_STROKE}"/>"#,
                        num(x),
                        num(top),
                        tier_fill(tier)
                    );
                }
                LegendMark::Group => {
                    let _ = write!(
                        out,
                        r#"<polygon points="{}" fill="{GROUP_FILL}" stroke="{NODE_STROKE}"/>"#,
                        hexagon(x, top, Self::mark_width(*mark), SWATCH)
                    );
                }
                LegendMark::Edge(kind) => {
                    let style = edge_style(kind);
                    let _ = write!(
                        out,
                        r#"<line class="legend-edge {}" x1="{}" y1="{}" x2="{}" y2="{}" {} marker-end="url(#{MARKER_PREFIX}-{})"/>"#,
                        style.name,
                        num(x),
                        num(y),
                        num(x + LINE_SAMPLE),
                        num(y),
                        stroke(&style),
                        style.name
                    );
                }
            }
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" fill="#000000">{}</text></g>"##,
                num(x + Self::mark_width(*mark) + MARK_GAP),
                num(y + BASELINE),
                escape(text)
            );
            x += Self::entry_width(*mark, text);
        }
        out.push_str("</g>\n");
    }
}

/// `text` cut to at most `max` characters, the last one an ellipsis when
/// anything was cut.
pub(super) fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// Text escaped for XML content and attribute values.
///
/// Besides the five markup characters, line breaks and tabs become
/// character references (attribute values would otherwise fold them into
/// spaces), and characters XML 1.0 forbids even as references (most ASCII
/// control characters, U+FFFE, U+FFFF) become U+FFFD, so that any id yields
/// a well-formed document.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, without a trailing ".0": short,
/// stable text (no `-0`, no exponent, no NaN).
///
/// Written from the whole number of tenths with integer formatting: the
/// same text as formatting the float to one decimal, a fraction of the
/// cost (a large graph has tens of thousands of coordinates).
pub(super) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    let tenths = (x * 10.0).round();
    if tenths.abs() >= 1e15 {
        // Beyond any drawing; floats format it the same, exactly.
        return format!("{:.0}", tenths / 10.0);
    }
    let t = tenths as i64;
    let (whole, tenth) = (t / 10, (t % 10).abs());
    match (tenth, t < 0 && whole == 0) {
        (0, _) => whole.to_string(),
        (_, true) => format!("-0.{tenth}"),
        (_, false) => format!("{whole}.{tenth}"),
    }
}

#[cfg(test)]
mod tests;
