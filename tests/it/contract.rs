//! The language reference documents exactly what the parser accepts: every
//! field of every struct of `src/scenario/raw.rs` has a row in the table of
//! its section of docs/scenario-language.md, and every row names a field
//! the parser accepts.

use std::collections::BTreeSet;

use crate::common::{bcdr, root};

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of `struct NAME { ... }` or of the enum variant `NAME { ... }`
/// in raw.rs, up to its closing brace.
fn body<'a>(raw: &'a str, opening: &str) -> &'a str {
    let at = raw
        .find(opening)
        .unwrap_or_else(|| panic!("raw.rs has no {opening:?}"));
    let rest = &raw[at + opening.len()..];
    let end = rest.find("\n}").map_or(usize::MAX, |e| e);
    let end = end.min(rest.find("\n    },").unwrap_or(usize::MAX));
    &rest[..end]
}

/// The field names declared in a struct or variant body.
fn fields(body: &str) -> BTreeSet<String> {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("pub ").or(Some(l)))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The first-column names of the tables of the section that starts at
/// `heading` (up to the next heading of any level).
fn documented(doc: &str, heading: &str) -> BTreeSet<String> {
    let at = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/scenario-language.md has no {heading:?}"));
    let rest = &doc[at + heading.len() + 2..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    rest[..end]
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` |").map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn the_language_reference_documents_every_field_the_parser_accepts() {
    let raw = read("src/scenario/raw.rs");
    let doc = read("docs/scenario-language.md");
    let triggers: BTreeSet<String> = ["triggers".to_string()].into();
    let sections: [(&str, &str, &BTreeSet<String>); 15] = [
        ("pub struct Scenario {", "## `Scenario`", &BTreeSet::new()),
        ("pub struct Site {", "## `Site`", &BTreeSet::new()),
        ("pub struct Service {", "## `Service`", &BTreeSet::new()),
        (
            "pub struct Failure {",
            "## `Failure` (the `failure:` field)",
            &BTreeSet::new(),
        ),
        (
            "pub struct Backup {",
            "## `Backup` (the `backup:` field)",
            &BTreeSet::new(),
        ),
        (
            "pub struct Failover {",
            "## `Failover` (the `failover:` field)",
            &BTreeSet::new(),
        ),
        ("pub struct Group {", "## `Group`", &BTreeSet::new()),
        ("pub struct Policy {", "## `insurance`", &BTreeSet::new()),
        ("pub struct Plan {", "## `Plan`", &BTreeSet::new()),
        // `triggers` has its own table, under "Threats that travel together".
        (
            "    Outage {",
            "### `Outage`: temporarily unavailable",
            &triggers,
        ),
        ("    Disaster {", "### `Disaster`: destroyed", &triggers),
        (
            "    Ransomware {",
            "### `Ransomware`: compromised, then encrypted",
            &triggers,
        ),
        (
            "    LossEvent {",
            "### `LossEvent`: a cost, no outage",
            &triggers,
        ),
        (
            "pub struct RawTrigger {",
            "### Threats that travel together",
            &BTreeSet::new(),
        ),
        (
            "pub struct RevenueProfile {",
            "## `Service`",
            &BTreeSet::new(),
        ),
    ];
    let mut problems = Vec::new();
    for (opening, heading, elsewhere) in sections {
        let accepted = fields(body(&raw, opening));
        let listed = documented(&doc, heading);
        if opening.contains("RawTrigger") {
            // One row, `triggers`, says `(threat: id, probability: p, delay: ...)`.
            let row = doc
                .lines()
                .find(|l| l.starts_with("| `triggers` |"))
                .unwrap_or("");
            for f in &accepted {
                if !row.contains(&format!("{f}:")) {
                    problems.push(format!("{heading}: triggers' `{f}` is not in its row"));
                }
            }
            continue;
        }
        if opening.contains("RevenueProfile") {
            let row = doc
                .lines()
                .find(|l| l.starts_with("| `revenue_profile` |"))
                .unwrap_or("");
            for f in &accepted {
                if !row.contains(&format!("{f}:")) {
                    problems.push(format!("revenue_profile's `{f}` is not in its row"));
                }
            }
            continue;
        }
        assert!(accepted.len() >= 2, "{opening}: read no fields from raw.rs");
        for f in accepted.difference(&listed) {
            if !elsewhere.contains(f) {
                problems.push(format!(
                    "{heading}: the parser accepts `{f}`, the table has no row for it"
                ));
            }
        }
        for f in listed.difference(&accepted) {
            problems.push(format!(
                "{heading}: the table documents `{f}`, which the parser refuses"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A small estate with a description, in two versions.
const DESCRIBED: &str = r#"Scenario(
    name: "Described", description: "Two services; the words every report opens with.",
    services: [
        Service(id: "db", failure: (mtbf: "500h", repair: Fixed("4h"))),
        Service(id: "shop", depends_on: ["db"], revenue_per_hour: 1000, rto: "2h"),
    ],
)"#;

/// DESIGN-2 D: every report (run, drill, compare, sweep, trend, explain,
/// tornado) opens with the scenario's description. tornado, explain and
/// importance left it out.
#[test]
fn tornado_explain_and_importance_reports_give_the_description() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    let old = dir.join("old.ron");
    let new = dir.join("new.ron");
    std::fs::write(&old, DESCRIBED).expect("write old");
    std::fs::write(
        &new,
        DESCRIBED
            .replace("1000", "1500")
            .replace("the words", "the new words"),
    )
    .expect("write new");
    let runs: [(&str, Vec<&std::ffi::OsStr>); 3] = [
        ("tornado", vec![old.as_os_str()]),
        ("importance", vec![old.as_os_str()]),
        ("explain", vec![old.as_os_str(), new.as_os_str()]),
    ];
    for (command, files) in runs {
        let out = dir.join(command);
        bcdr()
            .arg(command)
            .args(files)
            .args(["--trials", "50", "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        for report in ["report.md", "report.html"] {
            let text = std::fs::read_to_string(out.join(report)).expect("the report");
            assert!(
                text.contains("Two services; the words every report opens with."),
                "{command} {report} has no description:\n{text}"
            );
            if command == "explain" {
                assert!(
                    text.contains("Two services; the new words every report opens with."),
                    "{command} {report} has not NEW's description:\n{text}"
                );
            }
        }
    }
}
