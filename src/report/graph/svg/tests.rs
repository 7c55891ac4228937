//! The SVG graph: well-formed, escaped, laid out, and the same bytes every
//! time.

use super::*;
use crate::model::testutil::{bank, generated, ModelBuilder};

fn parse(svg: &str) -> roxmltree::Document<'_> {
    match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("not well-formed XML: {e}\n{svg}"),
    }
}

fn has_class(node: &roxmltree::Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

/// The node groups of a document, with their data-id.
fn node_elements<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "node"))
        .collect()
}

fn edge_elements<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("path") && has_class(n, "edge"))
        .collect()
}

/// Top edge of a node's box, from its rect or its hexagon.
fn top_of(node: &roxmltree::Node<'_, '_>) -> f64 {
    for child in node.children() {
        if child.has_tag_name("rect") {
            return child
                .attribute("y")
                .and_then(|y| y.parse().ok())
                .unwrap_or(f64::NAN);
        }
        if child.has_tag_name("polygon") {
            let first = child.attribute("points").unwrap_or("");
            return first
                .split([' ', ','])
                .nth(1)
                .and_then(|y| y.parse().ok())
                .unwrap_or(f64::NAN);
        }
    }
    f64::NAN
}

#[test]
fn one_element_per_node_and_edge() {
    let model = bank();
    let svg = svg(&model);
    let doc = parse(&svg);
    let root = doc.root_element();
    assert!(root.has_tag_name("svg"));
    let width: f64 = root
        .attribute("width")
        .and_then(|w| w.parse().ok())
        .unwrap_or(0.0);
    let height: f64 = root
        .attribute("height")
        .and_then(|h| h.parse().ok())
        .unwrap_or(0.0);
    assert!(width > 100.0 && height > 100.0);
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {} {}", num(width), num(height)).as_str())
    );

    let nodes = node_elements(&doc);
    assert_eq!(nodes.len(), model.services.len() + model.groups.len());
    let ids: Vec<&str> = nodes
        .iter()
        .filter_map(|n| n.attribute("data-id"))
        .collect();
    for s in &model.services {
        assert!(ids.contains(&s.id.as_str()), "{} missing", s.id);
    }
    let group = nodes
        .iter()
        .find(|n| n.attribute("data-id") == Some("api-cluster"))
        .unwrap_or_else(|| panic!("no group node"));
    assert!(has_class(group, "group"));
    assert!(group.children().any(|c| c.has_tag_name("polygon")));
    assert!(group
        .descendants()
        .any(|c| c.text() == Some("api-cluster (need 2 of 3)")));

    let edges = edge_elements(&doc);
    assert_eq!(edges.len(), model.graph.graph.edge_count());
    let count = |class: &str| edges.iter().filter(|e| has_class(e, class)).count();
    assert_eq!(
        (count("hard"), count("soft"), count("member")),
        (6 + 3, 1, 3)
    );
    for e in &edges {
        let d = e.attribute("d").unwrap_or("");
        assert!(d.starts_with('M'), "{d}");
        assert!(e.attribute("marker-end").is_some());
    }
    for e in edges.iter().filter(|e| has_class(e, "soft")) {
        assert_eq!(e.attribute("stroke-dasharray"), Some("2 3"));
    }
    assert!(doc
        .descendants()
        .any(|n| has_class(&n, "edge-label") && n.text() == Some("80%")));
}

#[test]
fn nodes_are_filled_by_tier() {
    let model = bank();
    let svg = svg(&model);
    let doc = parse(&svg);
    for node in node_elements(&doc) {
        let id = node.attribute("data-id").unwrap_or("");
        if let Some(s) = model.services.iter().find(|s| s.id == id) {
            let rect = node.children().find(|c| c.has_tag_name("rect"));
            assert_eq!(
                rect.and_then(|r| r.attribute("fill")),
                Some(tier_fill(s.tier))
            );
        }
    }
}

#[test]
fn title_and_legend_are_there() {
    let svg = svg(&bank());
    let doc = parse(&svg);
    let title = doc.descendants().find(|n| has_class(n, "title"));
    assert_eq!(title.and_then(|t| t.text()), Some("Regional bank"));
    let legend: Vec<String> = doc
        .descendants()
        .filter(|n| has_class(n, "legend"))
        .flat_map(|l| l.descendants())
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    for tier in TIERS {
        assert!(legend.iter().any(|t| t == tier.label()));
    }
    for kind in EDGE_KINDS {
        assert!(legend.iter().any(|t| t == edge_style(kind).legend));
    }
    assert!(legend.iter().any(|t| t == "k-of-n group"));
}

#[test]
fn dependencies_are_drawn_below_dependents() {
    let model = bank();
    let svg = svg(&model);
    let doc = parse(&svg);
    let top = |id: &str| {
        node_elements(&doc)
            .iter()
            .find(|n| n.attribute("data-id") == Some(id))
            .map(top_of)
            .unwrap_or(f64::NAN)
    };
    for edge in model.graph.graph.raw_edges() {
        let from = model.node_id(model.graph.graph[edge.source()]);
        let to = model.node_id(model.graph.graph[edge.target()]);
        assert!(top(from) < top(to), "{from} is not above {to}");
    }
}

#[test]
fn ids_are_escaped() {
    let tricky = "a&b <c> \"d\" 'e'\u{1}\nf";
    let model = ModelBuilder::new("R&D <lab> \"x\" 'y'")
        .service(tricky, Tier::Business)
        .service("db", Tier::Infrastructure)
        .group("g&<", &["db"], 1)
        .hard(tricky, "g&<")
        .build();
    let svg = svg(&model);
    let doc = parse(&svg);
    let ids: Vec<&str> = node_elements(&doc)
        .iter()
        .filter_map(|n| n.attribute("data-id"))
        .collect();
    assert!(ids.contains(&"a&b <c> \"d\" 'e'\u{FFFD}\nf"));
    assert!(ids.contains(&"g&<"));
    let title = doc.descendants().find(|n| has_class(n, "title"));
    assert_eq!(title.and_then(|t| t.text()), Some("R&D <lab> \"x\" 'y'"));
    assert_eq!(edge_elements(&doc).len(), 2);
}

#[test]
fn long_labels_are_cut_with_an_ellipsis() {
    let long = "a-service-with-a-very-long-identifier-indeed";
    let model = ModelBuilder::new("Long")
        .service(long, Tier::Application)
        .build();
    let svg = svg(&model);
    let doc = parse(&svg);
    let node = node_elements(&doc).into_iter().next();
    let label = node
        .and_then(|n| n.children().find(|c| c.has_tag_name("text")))
        .and_then(|t| t.text())
        .unwrap_or("");
    assert_eq!(label.chars().count(), LABEL_CHARS);
    assert!(label.ends_with('…'));
    // The full id stays in the hover title and the data attribute.
    let title = node
        .and_then(|n| n.children().find(|c| c.has_tag_name("title")))
        .and_then(|t| t.text())
        .unwrap_or("");
    assert!(title.starts_with(long));
    assert_eq!(truncate("short", 5), "short");
    assert_eq!(truncate("ünïcödé", 4), "ünï…");
}

#[test]
fn large_graphs_stay_readable_in_size() {
    let model = generated(1000);
    let svg = svg(&model);
    let doc = parse(&svg);
    assert_eq!(node_elements(&doc).len(), 1000);
    assert_eq!(edge_elements(&doc).len(), model.graph.graph.edge_count());
    let root = doc.root_element();
    let dim = |a: &str| {
        root.attribute(a)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::INFINITY)
    };
    let (w, h) = (dim("width"), dim("height"));
    assert!(w < 12_000.0 && h < 12_000.0, "{w} x {h}");
    assert!(svg.len() < 4_000_000, "{} bytes", svg.len());
}

#[test]
fn an_empty_model_is_still_a_drawing() {
    let model = ModelBuilder::new("Empty").build();
    let svg = svg(&model);
    let doc = parse(&svg);
    assert!(node_elements(&doc).is_empty());
    assert!(doc.descendants().any(|n| has_class(&n, "empty")));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(svg(&bank()), svg(&bank()));
    assert_eq!(svg(&generated(300)), svg(&generated(300)));
}

#[test]
fn numbers_are_short_and_stable() {
    assert_eq!(num(12.0), "12");
    assert_eq!(num(12.04), "12");
    assert_eq!(num(12.06), "12.1");
    assert_eq!(num(-0.01), "0");
    assert_eq!(num(-3.5), "-3.5");
    assert_eq!(num(f64::NAN), "0");
    assert_eq!(num(-0.5), "-0.5");
    assert_eq!(num(-0.04), "0");
    // The same text as formatting the float, over a sweep of values.
    for k in -20_000..20_000 {
        let x = f64::from(k) * 0.037;
        let tenths = (x * 10.0).round();
        let float = if tenths == 0.0 {
            "0".to_string()
        } else if tenths % 10.0 == 0.0 {
            format!("{:.0}", tenths / 10.0)
        } else {
            format!("{:.1}", tenths / 10.0)
        };
        assert_eq!(num(x), float, "{x}");
    }
}
