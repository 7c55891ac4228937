//! `bcdr graph`: the dependency graph as DOT and SVG files.

use crate::common::bcdr;

/// A small scenario in the file format of DESIGN.md: a hard chain, a soft
/// dependency and a k-of-n group.
const SCENARIO: &str = r#"#![enable(implicit_some)]
Scenario(
    name: "Graph <test> & \"bank\"",
    currency: "EUR",
    horizon: "1y",
    sites: [Site(id: "dc-east")],
    services: [
        Service(id: "network", site: "dc-east", tier: Infrastructure),
        Service(id: "api-1", tier: Platform, depends_on: ["network"]),
        Service(id: "api-2", tier: Platform, depends_on: ["network"]),
        Service(id: "core-db", tier: Application, depends_on: ["network"]),
        Service(id: "fraud-scoring", tier: Application, depends_on: ["core-db"]),
        Service(
            id: "payments", tier: Business,
            depends_on: ["core-db", "api-cluster"],
            degrades_on: [(service: "fraud-scoring", capacity: 0.8)],
            revenue_per_hour: 50000,
        ),
    ],
    groups: [
        Group(id: "api-cluster", members: ["api-1", "api-2"], need: 1),
    ],
)
"#;

#[test]

fn graph_writes_dot_and_svg() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("bank.ron");
    std::fs::write(&scenario, SCENARIO).expect("the scenario is written");
    let out = dir.path().join("out");

    let assert = bcdr()
        .arg("graph")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("graph.dot"), "{stdout}");
    assert!(stdout.contains("graph.svg"), "{stdout}");

    let dot = std::fs::read_to_string(out.join("graph.dot")).expect("graph.dot is written");
    assert!(
        dot.contains("digraph \"Graph <test> & \\\"bank\\\"\" {"),
        "{dot}"
    );
    for id in ["network", "core-db", "payments", "api-cluster"] {
        assert!(dot.contains(&format!("\"{id}\" [")), "{id} missing:\n{dot}");
    }
    assert!(dot.contains("\"payments\" -> \"fraud-scoring\""), "{dot}");
    assert!(dot.contains("label=\"80%\""), "{dot}");

    let svg = std::fs::read_to_string(out.join("graph.svg")).expect("graph.svg is written");
    let doc = roxmltree::Document::parse(&svg).expect("graph.svg is well-formed XML");
    let nodes = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split_whitespace().any(|w| w == "node"))
        })
        .count();
    assert_eq!(nodes, 7);
    assert!(svg.contains("Graph &lt;test&gt; &amp; &quot;bank&quot;"));

    // No temporary files are left behind.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("the output folder exists")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(names, ["graph.dot", "graph.png", "graph.svg"]);
    let png = std::fs::read(out.join("graph.png")).expect("graph.png is written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "graph.png is a PNG");
}
