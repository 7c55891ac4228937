//! Graphviz DOT export of the dependency graph.

use std::fmt::Write;

use petgraph::visit::EdgeRef;

use super::{capacity_label, edge_style, group_label, tier_fill, GROUP_FILL, NODE_STROKE};
use crate::model::{EdgeKind, Model, NodeRef};

const FONT: &str = "Helvetica,Arial,sans-serif";

/// Graphviz DOT text of the dependency graph.
///
/// Services are rounded boxes labelled with their id and tier and filled with
/// the tier's colour; k-of-n groups are grey hexagons labelled
/// "id (need k of n)". Edges run from a dependent to what it depends on:
/// hard dependencies solid, soft ones dotted and labelled with the capacity
/// the dependent keeps, group membership dashed. `rankdir=TB` puts
/// dependencies below their dependents, so the infrastructure ends up at the
/// bottom, as in the SVG.
///
/// Node names are the scenario ids, quoted and escaped, so the file stays
/// readable and editable by hand. Nodes come in model order (services, then
/// groups) and edges in graph order: the same model gives the same text.
///
/// # Complexity
/// O(V + E) time and output size.
#[must_use]
pub fn dot(model: &Model) -> String {
    let graph = &model.graph.graph;
    let mut out = String::with_capacity(128 + 96 * (graph.node_count() + graph.edge_count()));
    // Writing into a String cannot fail: the fmt::Results below are ignored.
    let _ = writeln!(
        out,
        "// Dependency graph written by bcdr: arrows point from a service to what it depends on."
    );
    let _ = writeln!(out, "// Render with: dot -Tsvg graph.dot -o graph.svg");
    let _ = writeln!(out, "digraph {} {{", quote(&model.name));
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname={}, fontsize=16, rankdir=TB, nodesep=0.3, ranksep=0.6];",
        quote(&model.name),
        quote(FONT)
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", color={}, fontname={}, fontsize=11];",
        quote(NODE_STROKE),
        quote(FONT)
    );
    let _ = writeln!(
        out,
        "  edge [fontname={}, fontsize=9, arrowsize=0.7];",
        quote(FONT)
    );

    for node in graph.node_weights() {
        let _ = match *node {
            NodeRef::Service(s) => match model.services.get(s.index()) {
                Some(service) => {
                    let label = format!("{}\n{}", service.id, service.tier.label());
                    let _ = write!(
                        out,
                        "  {} [label={}, fillcolor={}",
                        quote(&service.id),
                        quote(&label),
                        quote(tier_fill(service.tier))
                    );
                    match &service.name {
                        Some(name) => writeln!(out, ", tooltip={}];", quote(name)),
                        None => writeln!(out, "];"),
                    }
                }
                None => Ok(()),
            },
            NodeRef::Group(g) => match model.groups.get(g.index()) {
                Some(group) => writeln!(
                    out,
                    "  {} [label={}, shape=hexagon, style=filled, fillcolor={}];",
                    quote(&group.id),
                    quote(&group_label(&group.id, group.need, group.members.len())),
                    quote(GROUP_FILL)
                ),
                None => Ok(()),
            },
        };
    }

    for edge in graph.edge_references() {
        let (Some(&from), Some(&to)) = (
            graph.node_weight(edge.source()),
            graph.node_weight(edge.target()),
        ) else {
            continue;
        };
        let (from, to) = (node_id(model, from), node_id(model, to));
        let weight = edge.weight();
        let style = edge_style(weight.kind);
        let _ = write!(
            out,
            "  {} -> {} [style={}, color={}",
            quote(from),
            quote(to),
            style.dot_style,
            quote(style.colour)
        );
        let _ = if weight.kind == EdgeKind::Soft {
            let label = capacity_label(weight.capacity);
            let tooltip = format!("{from} keeps {label} of its capacity while {to} is down");
            writeln!(
                out,
                ", fontcolor={}, label={}, tooltip={}];",
                quote(style.colour),
                quote(&label),
                quote(&tooltip)
            )
        } else {
            writeln!(out, "];")
        };
    }
    out.push_str("}\n");
    out
}

/// The id of a node, or "?" for a reference outside the model (which
/// validation rules out; the export still must not panic on it).
fn node_id(model: &Model, node: NodeRef) -> &str {
    let id = match node {
        NodeRef::Service(s) => model.services.get(s.index()).map(|s| s.id.as_str()),
        NodeRef::Group(g) => model.groups.get(g.index()).map(|g| g.id.as_str()),
    };
    id.unwrap_or("?")
}

/// A DOT double-quoted string.
///
/// Inside quotes Graphviz only unescapes `\"`; a backslash stays a backslash
/// and in labels starts an escape (`\n`, `\l`, `\N`...). Doubling every
/// backslash keeps it literal in labels and keeps the quoting injective in
/// node names (two different ids never become the same node). Line breaks
/// become `\n`, which labels render as a centred line break.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::{bank, generated, ModelBuilder};
    use crate::model::Tier;

    /// The quoted strings of a DOT text, unescaped as Graphviz reads them,
    /// after checking that every quote is closed and the braces balance.
    fn tokens(dot: &str) -> Vec<String> {
        let mut strings = Vec::new();
        let mut depth = 0i32;
        let mut chars = dot.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    let mut s = String::new();
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') => match chars.next() {
                                Some('"') => s.push('"'),
                                Some('\\') => s.push('\\'),
                                Some('n') => s.push('\n'),
                                Some(other) => panic!("unexpected escape \\{other} in {dot}"),
                                None => panic!("unterminated escape"),
                            },
                            Some(other) => s.push(other),
                            None => panic!("unterminated string in {dot}"),
                        }
                    }
                    strings.push(s);
                }
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0, "unbalanced braces");
        }
        assert_eq!(depth, 0, "unbalanced braces");
        strings
    }

    fn line_for<'a>(dot: &'a str, start: &str) -> &'a str {
        dot.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line starting with {start} in\n{dot}"))
    }

    #[test]
    fn every_service_is_a_node_filled_by_tier() {
        let model = bank();
        let dot = dot(&model);
        assert!(dot.starts_with("//"));
        assert!(dot.contains("digraph \"Regional bank\" {"));
        assert!(dot.contains("rankdir=TB"));
        for s in &model.services {
            let line = line_for(&dot, &format!("\"{}\" [", s.id));
            assert!(
                line.contains(&format!("label=\"{}\\n{}\"", s.id, s.tier.label())),
                "{line}"
            );
            assert!(
                line.contains(&format!("fillcolor=\"{}\"", tier_fill(s.tier))),
                "{line}"
            );
        }
    }

    #[test]
    fn groups_are_hexagons_labelled_with_their_quorum() {
        let dot = dot(&bank());
        let line = line_for(&dot, "\"api-cluster\" [");
        assert!(line.contains("shape=hexagon"), "{line}");
        assert!(
            line.contains("label=\"api-cluster (need 2 of 3)\""),
            "{line}"
        );
        assert!(
            line.contains(&format!("fillcolor=\"{GROUP_FILL}\"")),
            "{line}"
        );
    }

    #[test]
    fn every_edge_has_the_style_of_its_kind() {
        let model = bank();
        let dot = dot(&model);
        assert_eq!(dot.matches(" -> ").count(), model.graph.graph.edge_count());
        let hard = line_for(&dot, "\"payments\" -> \"core-db\"");
        assert!(hard.contains("style=solid"), "{hard}");
        assert!(!hard.contains("label="), "{hard}");
        let soft = line_for(&dot, "\"payments\" -> \"fraud-scoring\"");
        assert!(soft.contains("style=dotted"), "{soft}");
        assert!(soft.contains("label=\"80%\""), "{soft}");
        for m in ["api-1", "api-2", "api-3"] {
            let member = line_for(&dot, &format!("\"api-cluster\" -> \"{m}\""));
            assert!(member.contains("style=dashed"), "{member}");
        }
        // Dependent first: nothing points up from the network.
        assert!(!dot.contains("\"network\" -> "));
    }

    #[test]
    fn ids_are_escaped() {
        let tricky = "say \"hi\" \\ back\nslash";
        let model = ModelBuilder::new("a \"quoted\" \\ name")
            .service(tricky, Tier::Application)
            .service("plain", Tier::Infrastructure)
            .hard(tricky, "plain")
            .build();
        let dot = dot(&model);
        assert!(dot.contains("\"say \\\"hi\\\" \\\\ back\\nslash\" -> \"plain\""));
        let strings = tokens(&dot);
        assert!(strings.iter().any(|s| s == tricky));
        assert!(strings.iter().any(|s| s == "a \"quoted\" \\ name"));
        // Exactly one node statement and one edge line per element.
        assert_eq!(dot.lines().filter(|l| l.contains(" -> ")).count(), 1);
    }

    #[test]
    fn output_is_well_formed_for_a_large_graph() {
        let model = generated(300);
        let dot = dot(&model);
        let strings = tokens(&dot);
        for s in &model.services {
            assert!(strings.contains(&s.id));
        }
        assert_eq!(dot.matches(" -> ").count(), model.graph.graph.edge_count());
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(dot(&bank()), dot(&bank()));
        assert_eq!(dot(&generated(200)), dot(&generated(200)));
    }
}
