//! The dependency graph of a large estate, summarised: services grouped by
//! tier and site, edges between groups with their counts.
//!
//! A drawing of every service stops being readable long before it stops
//! being drawable, and its size grows with every edge routed through every
//! row it crosses (20 000 services made a 597 MB SVG). Above
//! [`SUMMARY_ABOVE`] nodes, [`super::svg`] draws this summary instead: one
//! box per (tier, site) that has services, one box for all k-of-n groups,
//! and one arrow per (dependent box, dependency box, edge kind) labelled
//! with how many edges it stands for. Its size depends on the number of
//! tiers and sites, not on the estate: O(V + E) time to count, a few
//! kilobytes to draw. The full graph stays in `graph.dot`, which the
//! drawing names and links.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::svg::{
    escape, num, plural, stroke, truncate, write_heading, Legend, FONT, MARGIN, MARKER_PREFIX,
};
use super::{edge_style, tier_fill, EDGE_KINDS, GROUP_FILL, NODE_STROKE};
use crate::model::{EdgeKind, Model, NodeRef, Tier};

/// Graphs of more nodes (services and groups) than this are drawn as the
/// summary. A thousand boxes already make a drawing several screens wide
/// that a reader searches rather than reads; up to here the full drawing is
/// unchanged.
pub const SUMMARY_ABOVE: usize = 1_000;

const BOX_WIDTH: f64 = 190.0;
const BOX_HEIGHT: f64 = 46.0;
const COLUMN_GAP: f64 = 90.0;
const ROW_GAP: f64 = 110.0;
/// Longest site or scenario name shown, in characters.
const NAME_CHARS: usize = 22;
const TITLE_CHARS: usize = 90;

/// The row of a tier (from the top: business first, so arrows point down
/// towards the infrastructure), or of the k-of-n groups (last).
fn row_of(tier: Option<Tier>) -> usize {
    match tier {
        Some(Tier::Business) => 0,
        Some(Tier::Application) => 1,
        Some(Tier::Platform) => 2,
        Some(Tier::Infrastructure) => 3,
        None => 4,
    }
}

fn kind_index(kind: EdgeKind) -> usize {
    match kind {
        EdgeKind::Hard => 0,
        EdgeKind::Soft => 1,
        EdgeKind::Member => 2,
    }
}

/// A box of the summary: a row (tier, or the groups) and a column (a site,
/// or "no site" after the sites).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Cell {
    row: usize,
    column: usize,
}

/// The SVG summary of `model`'s dependency graph (see the module docs).
#[must_use]
pub(super) fn svg(model: &Model) -> String {
    let graph = &model.graph.graph;
    let sites = model.sites.len();
    // The cell of every node, by node index.
    let cells: Vec<Cell> = graph
        .node_weights()
        .map(|node| match *node {
            NodeRef::Service(s) => match model.services.get(s.index()) {
                Some(s) => Cell {
                    row: row_of(Some(s.tier)),
                    column: s.site.map_or(sites, |site| (site.0 as usize).min(sites)),
                },
                None => Cell {
                    row: 1,
                    column: sites,
                },
            },
            NodeRef::Group(_) => Cell { row: 4, column: 0 },
        })
        .collect();
    let mut counts: BTreeMap<Cell, usize> = BTreeMap::new();
    for &cell in &cells {
        *counts.entry(cell).or_default() += 1;
    }
    let mut links: BTreeMap<(Cell, Cell, usize), usize> = BTreeMap::new();
    let mut edge_count = 0usize;
    for e in graph.raw_edges() {
        let (from, to) = (cells[e.source().index()], cells[e.target().index()]);
        *links
            .entry((from, to, kind_index(e.weight.kind)))
            .or_default() += 1;
        edge_count += 1;
    }

    // Columns in use, left to right; groups sit in the first.
    let used: Vec<usize> = {
        let mut c: Vec<usize> = counts
            .keys()
            .filter(|c| c.row < 4)
            .map(|c| c.column)
            .collect();
        c.sort_unstable();
        c.dedup();
        if c.is_empty() {
            c.push(0);
        }
        c
    };
    let x_of = |column: usize| -> f64 {
        let slot = used.iter().position(|&c| c == column).unwrap_or(0);
        slot as f64 * (BOX_WIDTH + COLUMN_GAP)
    };
    let rows_used: Vec<usize> = {
        let mut r: Vec<usize> = counts.keys().map(|c| c.row).collect();
        r.dedup();
        r
    };
    let y_of = |row: usize| -> f64 {
        let slot = rows_used.iter().position(|&r| r == row).unwrap_or(0);
        slot as f64 * (BOX_HEIGHT + ROW_GAP)
    };
    let drawing_width = used.len() as f64 * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP + 2.0 * 60.0;
    let drawing_height = rows_used.len().max(1) as f64 * (BOX_HEIGHT + ROW_GAP) - ROW_GAP;

    let title = format!(
        "{} — summary by tier and site",
        truncate(&model.name, TITLE_CHARS)
    );
    let (services, groups) = (model.services.len(), model.groups.len());
    let subtitle = format!(
        "{services} service{}, {groups} group{}, {edge_count} edge{}, too many to draw one by one: \
         one box per tier and site, one arrow per kind of edge between two boxes, labelled with its count",
        plural(services),
        plural(groups),
        plural(edge_count)
    );
    let legend = Legend::new();
    let title_y = MARGIN + 16.0;
    let subtitle_y = title_y + 20.0;
    let link_y = subtitle_y + 18.0;
    let legend_y = link_y + 24.0;
    let top = legend_y + 40.0;
    let header = (subtitle.chars().count() as f64 * 6.2).max(legend.width);
    let width = (drawing_width.max(header) + 2.0 * MARGIN).ceil();
    let height = (top + drawing_height + 40.0 + MARGIN).ceil();
    let left = MARGIN + 60.0;

    let mut out = String::with_capacity(16 * 1024);
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="12">"#,
        w = num(width),
        h = num(height),
    );
    write_heading(
        &mut out,
        ("Dependency graph (summary)", &model.name),
        (&title, title_y),
        (&subtitle, subtitle_y),
    );
    let _ = writeln!(
        out,
        r##"<a class="full-graph" href="graph.dot" xlink:href="graph.dot"><text x="{}" y="{}" font-size="11" fill="#0072B2" text-decoration="underline">Every service and edge: graph.dot (Graphviz; for example sfdp -Tsvg graph.dot)</text></a>"##,
        num(MARGIN),
        num(link_y)
    );
    legend.write(&mut out, MARGIN, legend_y);
    let _ = writeln!(
        out,
        r#"<g class="graph summary" transform="translate({},{})">"#,
        num(left),
        num(top)
    );

    // Ports: the arrows leaving a box spread along its bottom edge (or its
    // top, for a dependency higher up), those arriving along its top.
    let mut outgoing: BTreeMap<Cell, Vec<usize>> = BTreeMap::new();
    let mut incoming: BTreeMap<Cell, Vec<usize>> = BTreeMap::new();
    let link_list: Vec<((Cell, Cell, usize), usize)> = links.into_iter().collect();
    for (k, &((from, to, _), _)) in link_list.iter().enumerate() {
        if from != to {
            outgoing.entry(from).or_default().push(k);
            incoming.entry(to).or_default().push(k);
        }
    }
    let port = |list: Option<&Vec<usize>>, k: usize| -> f64 {
        let list = list.map_or(&[][..], Vec::as_slice);
        let i = list.iter().position(|&j| j == k).unwrap_or(0);
        BOX_WIDTH * (i as f64 + 1.0) / (list.len() as f64 + 1.0)
    };

    out.push_str("<g class=\"edges\">\n");
    let mut labels = String::new();
    let mut placed = Placed::default();
    let mut loops: BTreeMap<Cell, usize> = BTreeMap::new();
    for (k, &((from, to, kind), count)) in link_list.iter().enumerate() {
        let style = edge_style(EDGE_KINDS[kind]);
        let thickness = 1.0 + (count as f64).log2().max(0.0) * 0.45;
        let stroke_attrs = stroke(&style).replace(
            r#"stroke-width="1.3""#,
            &format!(r#"stroke-width="{}""#, num(thickness)),
        );
        let (path, at) = if from == to {
            // A loop on the box's right side.
            let n = loops.entry(from).or_default();
            let reach = 28.0 + 16.0 * *n as f64;
            *n += 1;
            let (x, y) = (x_of(from.column) + BOX_WIDTH, y_of(from.row));
            (
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    num(x),
                    num(y + 12.0),
                    num(x + reach),
                    num(y - 10.0),
                    num(x + reach),
                    num(y + BOX_HEIGHT + 10.0),
                    num(x),
                    num(y + BOX_HEIGHT - 12.0)
                ),
                Label::Fixed(x + reach * 0.75 + 4.0, y + BOX_HEIGHT / 2.0),
            )
        } else {
            let down = y_of(to.row) >= y_of(from.row);
            let x1 = x_of(from.column) + port(outgoing.get(&from), k);
            let x2 = x_of(to.column) + port(incoming.get(&to), k);
            let (y1, y2) = if down {
                (y_of(from.row) + BOX_HEIGHT, y_of(to.row))
            } else {
                (y_of(from.row), y_of(to.row) + BOX_HEIGHT)
            };
            let bend = if down { 50.0 } else { -50.0 };
            (
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    num(x1),
                    num(y1),
                    num(x1),
                    num(y1 + bend),
                    num(x2),
                    num(y2 - bend),
                    num(x2),
                    num(y2)
                ),
                Label::Along([(x1, y1), (x1, y1 + bend), (x2, y2 - bend), (x2, y2)]),
            )
        };
        let (lx, ly) = placed.place(at, &count.to_string());
        let _ = writeln!(
            out,
            r#"<path class="edge {}" d="{path}" {stroke_attrs} marker-end="url(#{MARKER_PREFIX}-{})"><title>{} edge{} of kind {}</title></path>"#,
            style.name,
            style.name,
            count,
            plural(count),
            style.legend
        );
        let _ = writeln!(
            labels,
            r##"<text class="edge-count" x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}" stroke="#FFFFFF" stroke-width="3" paint-order="stroke">{count}</text>"##,
            num(lx),
            num(ly),
            style.colour
        );
    }
    out.push_str(&labels);
    out.push_str("</g>\n<g class=\"nodes\">\n");

    for (&cell, &n) in &counts {
        let (x, y) = (x_of(cell.column), y_of(cell.row));
        let (fill, head, what) = if cell.row == 4 {
            (GROUP_FILL, "k-of-n groups".to_string(), "group")
        } else {
            let tier = match cell.row {
                0 => Tier::Business,
                1 => Tier::Application,
                2 => Tier::Platform,
                _ => Tier::Infrastructure,
            };
            let site = model.sites.get(cell.column).map_or_else(
                || "no site".to_string(),
                |s| truncate(&s.id, NAME_CHARS).into_owned(),
            );
            (
                tier_fill(tier),
                format!("{} · {site}", tier.label()),
                "service",
            )
        };
        let _ = writeln!(
            out,
            r##"<g class="node"><title>{}: {n} {what}{}</title><rect x="{}" y="{}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="{fill}" stroke="{NODE_STROKE}"/><text x="{}" y="{}" text-anchor="middle" fill="#000000">{}</text><text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#000000">{n} {what}{}</text></g>"##,
            escape(&head),
            plural(n),
            num(x),
            num(y),
            num(x + BOX_WIDTH / 2.0),
            num(y + 19.0),
            escape(&head),
            num(x + BOX_WIDTH / 2.0),
            num(y + 35.0),
            plural(n)
        );
    }
    out.push_str("</g>\n</g>\n</svg>\n");
    out
}

/// Where an edge's count goes: a fixed point (a loop's), or on its
/// curve (a cubic Bézier's control points).
enum Label {
    Fixed(f64, f64),
    Along([(f64, f64); 4]),
}

/// The counts placed so far, as boxes, so that no two overlap: edges
/// between the same layers that cross in the middle (a → b beside b → a)
/// would otherwise put their counts at one point, one hiding the other.
#[derive(Default)]
struct Placed(Vec<[f64; 4]>);

impl Placed {
    /// Where to write `text` for an edge: on the curve at the first point
    /// (t = 0.25, 0.75, 0.35, 0.65, 0.2, 0.8, 0.5, 0.15, 0.85: near its
    /// ends first, clear of the middle where arrows between two layers
    /// cross) where it overlaps no count placed before; the middle if
    /// none is free.
    /// Returns the text's anchor (its centre, on the baseline).
    fn place(&mut self, at: Label, text: &str) -> (f64, f64) {
        // 11-pixel digits, a 3-pixel halo.
        let (w, h) = (6.6 * text.chars().count() as f64 + 6.0, 15.0);
        let spot = |t: f64| match at {
            Label::Fixed(x, y) => (x, y),
            Label::Along(p) => {
                let u = 1.0 - t;
                let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                (
                    a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
                    a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1 + 4.0,
                )
            }
        };
        // The text's box, from its top (baseline − height + descent) down.
        let rect = |(x, y): (f64, f64)| [x - w / 2.0, y - h + 3.0, x + w / 2.0, y + 3.0];
        let free = |b: [f64; 4], placed: &[[f64; 4]]| {
            placed
                .iter()
                .all(|r| b[2] <= r[0] || b[0] >= r[2] || b[3] <= r[1] || b[1] >= r[3])
        };
        let tries = [0.25, 0.75, 0.35, 0.65, 0.2, 0.8, 0.5, 0.15, 0.85];
        let (x, y) = tries
            .iter()
            .map(|&t| spot(t))
            .find(|&p| free(rect(p), &self.0))
            .unwrap_or_else(|| spot(0.5));
        self.0.push(rect((x, y)));
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estate(services: usize) -> Model {
        let text = crate::sim::generate::layered(services, 7).expect("generates");
        crate::scenario::parse_str(&text).expect("valid")
    }

    /// Sums the numbers at the start of the texts of elements of `class`.
    fn total(doc: &roxmltree::Document, class: &str, child: usize) -> usize {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .map(|n| {
                let text = if child == 0 {
                    n.text().unwrap_or("")
                } else {
                    n.children()
                        .filter(|c| c.has_tag_name("text"))
                        .nth(child)
                        .and_then(|c| c.text())
                        .unwrap_or("")
                };
                text.split(' ')
                    .next()
                    .unwrap_or("")
                    .parse::<usize>()
                    .expect("a count")
            })
            .sum()
    }

    #[test]
    fn large_estates_get_the_summary_and_it_accounts_for_everything() {
        let model = estate(SUMMARY_ABOVE + 200);
        let drawing = super::super::svg(&model);
        let doc = roxmltree::Document::parse(&drawing).expect("well-formed");
        assert!(drawing.contains("summary by tier and site"));
        assert!(drawing.contains(r#"href="graph.dot""#));
        // Every service in one box, every edge in one arrow's count.
        assert_eq!(total(&doc, "node", 1), model.services.len());
        assert_eq!(total(&doc, "edge-count", 0), model.graph.graph.edge_count());
        assert!(drawing.len() < 64 * 1024, "{} bytes", drawing.len());
        // A pure function of the model.
        assert_eq!(drawing, super::super::svg(&model));
    }

    /// Arrows a → b and b → a between two layers cross at their middle:
    /// counts written there overlapped, one hiding the other (9 arrows
    /// between two layers showed 5 counts). Every count is drawn clear of
    /// every other, each on its own arrow.
    #[test]
    fn no_edge_count_hides_another() {
        let model = estate(SUMMARY_ABOVE + 2000);
        let drawing = super::super::svg(&model);
        let doc = roxmltree::Document::parse(&drawing).expect("well-formed");
        let boxes: Vec<[f64; 4]> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("edge-count"))
            .map(|n| {
                let at = |a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
                let (x, y) = (at("x").expect("x"), at("y").expect("y"));
                let w = 6.6 * n.text().unwrap_or("").chars().count() as f64;
                [x - w / 2.0, y - 11.0, x + w / 2.0, y]
            })
            .collect();
        let arrows = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("path")
                    && n.attribute("class").is_some_and(|c| c.starts_with("edge "))
            })
            .count();
        assert!(
            boxes.len() >= 9 && boxes.len() == arrows,
            "{} of {arrows}",
            boxes.len()
        );
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
                assert!(apart, "counts at {a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn small_estates_keep_the_full_drawing() {
        let model = estate(SUMMARY_ABOVE);
        assert!(model.graph.graph.node_count() <= SUMMARY_ABOVE);
        let drawing = super::super::svg(&model);
        assert!(!drawing.contains("summary by tier and site"));
    }
}
