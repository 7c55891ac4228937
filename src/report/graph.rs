//! The dependency graph as Graphviz DOT, as a standalone SVG and as that
//! SVG rasterised to PNG (`png.rs`).
//!
//! Both drawings share one visual vocabulary, defined here once: a fill
//! colour per [`Tier`], a distinct shape for k-of-n groups, and a line style
//! per [`EdgeKind`] (hard solid, soft dotted with the capacity kept, group
//! membership dashed). Edges run from a dependent to what it depends on, so
//! arrows point down towards the infrastructure.
//!
//! The DOT file is for people who have Graphviz; the SVG needs nothing: it is
//! laid out here by a small layered (Sugiyama-style) algorithm in
//! `layout.rs`, so `bcdr graph` works on a machine without external tools.
//! Both outputs are pure functions of the model: the same model gives the
//! same bytes.

mod dot;
mod layout;
mod png;
mod summary;
mod svg;

pub use dot::dot;
pub use png::png;
pub use summary::SUMMARY_ABOVE;
pub use svg::svg;

use crate::model::{EdgeKind, Tier};

/// Fill of [`Tier::Infrastructure`] nodes (Okabe–Ito sky blue).
pub const INFRASTRUCTURE_FILL: &str = "#56B4E9";
/// Fill of [`Tier::Platform`] nodes (Okabe–Ito bluish green).
pub const PLATFORM_FILL: &str = "#009E73";
/// Fill of [`Tier::Application`] nodes (Okabe–Ito orange).
pub const APPLICATION_FILL: &str = "#E69F00";
/// Fill of [`Tier::Business`] nodes (Okabe–Ito reddish purple).
pub const BUSINESS_FILL: &str = "#CC79A7";
/// Fill of k-of-n groups: neutral, so the shape and not a colour tells
/// them apart from services.
pub const GROUP_FILL: &str = "#EEEEEE";
/// Outline of nodes and colour of their text.
pub const NODE_STROKE: &str = "#333333";
/// Colour of hard-dependency edges.
pub const HARD_EDGE: &str = "#333333";
/// Colour of soft-dependency edges and of their capacity labels
/// (Okabe–Ito blue).
pub const SOFT_EDGE: &str = "#0072B2";
/// Colour of group-membership edges.
pub const MEMBER_EDGE: &str = "#777777";

/// Every tier, in the order legends list them (bottom of the stack first).
pub const TIERS: [Tier; 4] = [
    Tier::Infrastructure,
    Tier::Platform,
    Tier::Application,
    Tier::Business,
];

/// The fill colour of a tier's nodes.
///
/// The palette is Okabe and Ito's, chosen because its colours stay distinct
/// under the common colour-vision deficiencies; all four keep black text
/// readable (contrast above 6:1).
#[must_use]
pub fn tier_fill(tier: Tier) -> &'static str {
    match tier {
        Tier::Infrastructure => INFRASTRUCTURE_FILL,
        Tier::Platform => PLATFORM_FILL,
        Tier::Application => APPLICATION_FILL,
        Tier::Business => BUSINESS_FILL,
    }
}

/// How an edge kind is drawn, shared by the DOT and the SVG so the two never
/// disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EdgeStyle {
    /// Short name, used as an SVG class and in marker ids.
    name: &'static str,
    /// Graphviz `style`.
    dot_style: &'static str,
    /// SVG `stroke-dasharray`; `None` for a solid line.
    dash: Option<&'static str>,
    colour: &'static str,
    /// What the legend calls it.
    legend: &'static str,
}

/// Every edge kind, in the order legends list them.
const EDGE_KINDS: [EdgeKind; 3] = [EdgeKind::Hard, EdgeKind::Soft, EdgeKind::Member];

fn edge_style(kind: EdgeKind) -> EdgeStyle {
    match kind {
        EdgeKind::Hard => EdgeStyle {
            name: "hard",
            dot_style: "solid",
            dash: None,
            colour: HARD_EDGE,
            legend: "hard dependency",
        },
        EdgeKind::Soft => EdgeStyle {
            name: "soft",
            dot_style: "dotted",
            dash: Some("2 3"),
            colour: SOFT_EDGE,
            legend: "soft dependency (capacity kept)",
        },
        EdgeKind::Member => EdgeStyle {
            name: "member",
            dot_style: "dashed",
            dash: Some("6 4"),
            colour: MEMBER_EDGE,
            legend: "group member",
        },
    }
}

/// The label of a soft edge: the capacity the dependent keeps while the
/// dependency is down, as a percentage (planners read "80%" faster than
/// "0.8"). Whole percentages print without decimals.
fn capacity_label(capacity: f64) -> String {
    if !capacity.is_finite() {
        return "?".to_string();
    }
    let percent = capacity * 100.0;
    let rounded = (percent * 10.0).round() / 10.0;
    if (rounded - rounded.round()).abs() < 1e-9 {
        format!("{:.0}%", rounded.round())
    } else {
        format!("{rounded:.1}%")
    }
}

/// The label of a group: "id (need k of n)".
fn group_label(id: &str, need: u32, members: usize) -> String {
    format!("{id} (need {need} of {members})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_labels_are_percentages() {
        assert_eq!(capacity_label(0.8), "80%");
        assert_eq!(capacity_label(0.0), "0%");
        assert_eq!(capacity_label(1.0), "100%");
        assert_eq!(capacity_label(0.125), "12.5%");
        assert_eq!(capacity_label(f64::NAN), "?");
    }

    #[test]
    fn every_tier_has_its_own_colour() {
        let mut fills: Vec<&str> = TIERS.iter().map(|&t| tier_fill(t)).collect();
        fills.push(GROUP_FILL);
        fills.sort_unstable();
        fills.dedup();
        assert_eq!(fills.len(), TIERS.len() + 1);
    }

    #[test]
    fn edge_kinds_are_drawn_differently() {
        let styles: Vec<EdgeStyle> = EDGE_KINDS.iter().map(|&k| edge_style(k)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a.dot_style, b.dot_style);
                assert_ne!(a.dash, b.dash);
            }
        }
    }
}
