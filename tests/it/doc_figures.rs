//! Claims of the docs about the bundled scenarios, computed here from the
//! scenarios and the code: how many parameters `tornado` moves (the
//! review-loop page) and which fields and forms of the language the bundled
//! files use (the README). A scenario or engine change that moves one fails
//! here until the page says the new value.

use std::collections::BTreeSet;

use crate::common::root;

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text with every run of white space made one space, so that a
/// sentence matches however the page wraps it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file names of `scenarios/*.ron`, sorted.
fn bundled() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .map(|e| {
            e.expect("readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "bundled scenarios: {names:?}");
    names
}

#[test]
fn tornado_parameter_counts_in_the_review_loop_page_are_current() {
    use bcdr::review::tornado::moves;
    let counts: Vec<(usize, String)> = bundled()
        .into_iter()
        .map(|name| {
            let model = bcdr::scenario::load(&root().join("scenarios").join(&name))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (moves(&model, 0.25).len(), name)
        })
        .collect();
    let min = counts.iter().map(|c| c.0).min().expect("scenarios");
    let max = counts.iter().map(|c| c.0).max().expect("scenarios");
    let doc = one_line(&read("docs/review-loop.md"));
    let quoted = format!("the bundled scenarios move {min} to {max};");
    assert!(
        doc.contains(&quoted),
        "docs/review-loop.md should say {quoted:?} (tornado parameters per file: {counts:?})"
    );

    let text = bcdr::sim::generate::layered(1000, 1).expect("generates");
    let model = bcdr::scenario::parse_str(&text).expect("a generated estate is valid");
    let n = moves(&model, 0.25).len();
    let about = (n + 50) / 100 * 100;
    let quoted = format!(
        "a generated 1 000-service estate has about {} {:03},",
        about / 1000,
        about % 1000
    );
    assert!(
        doc.contains(&quoted),
        "docs/review-loop.md should say {quoted:?} ({n} parameters)"
    );
}

/// The bundled scenarios without their `//` comments.
fn bundled_text() -> String {
    bundled()
        .iter()
        .map(|name| read(&format!("scenarios/{name}")))
        .flat_map(|text| {
            text.lines()
                .map(|l| l.split_once("//").map_or(l, |(code, _)| code).to_string())
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `field:` is written in `text` (not as the end of a longer name).
fn writes_field(text: &str, field: &str) -> bool {
    text.match_indices(field).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + field.len()..].trim_start();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && after.starts_with(':')
    })
}

/// The field names raw.rs declares (`name: Type` lines of structs and
/// enum variants).
fn raw_fields(raw: &str) -> BTreeSet<String> {
    raw.lines()
        .map(str::trim)
        .map(|l| l.strip_prefix("pub ").unwrap_or(l))
        .filter_map(|l| l.split_once(": ").map(|(name, _)| name))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The fields of the struct that field `field` of raw.rs holds a list of
/// (`pub teams: Vec<RawTeam>` gives the fields of `RawTeam`).
fn inner_fields(raw: &str, field: &str) -> BTreeSet<String> {
    let decl = format!("pub {field}: Vec<");
    let at = raw
        .find(&decl)
        .unwrap_or_else(|| panic!("raw.rs has no {decl:?}"));
    let rest = &raw[at + decl.len()..];
    let ty = &rest[..rest.find('>').expect("closed")];
    let opening = format!("pub struct {ty} {{");
    let at = raw
        .find(&opening)
        .unwrap_or_else(|| panic!("raw.rs has no {opening:?}"));
    let body = &raw[at + opening.len()..];
    raw_fields(&body[..body.find("\n}").expect("closed struct")])
}

/// The variants of `pub enum NAME` in raw.rs.
fn variants(raw: &str, name: &str) -> Vec<String> {
    let opening = format!("pub enum {name}");
    let at = raw
        .find(&opening)
        .unwrap_or_else(|| panic!("raw.rs has no {opening:?}"));
    let body = &raw[at..];
    let body = &body[body.find('{').expect("opens") + 1..body.find("\n}").expect("closes")];
    body.lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| l.chars().take_while(char::is_ascii_alphanumeric).collect())
        .collect()
}

#[test]
fn the_readme_names_what_the_bundled_scenarios_leave_out() {
    let readme = one_line(&read("README.md"));
    let lead = "Together they use every distribution, threat and target, and every field but ";
    let at = readme
        .find(lead)
        .unwrap_or_else(|| panic!("the README no longer says {lead:?}"));
    let rest = &readme[at + lead.len()..];
    let named: BTreeSet<String> = rest[..rest.find(" (").expect("the list ends")]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|path| path.rsplit('.').next().expect("a name").to_string())
        .collect();
    assert!(!named.is_empty(), "no field named in {rest:?}");

    let raw = read("src/scenario/raw.rs");
    let text = bundled_text();
    // The fields inside a left-out one (a team's `skills`) go unused with it.
    let inner: BTreeSet<String> = named.iter().flat_map(|f| inner_fields(&raw, f)).collect();
    for field in raw_fields(&raw) {
        let used = writes_field(&text, &field);
        if named.contains(&field) {
            assert!(
                !used,
                "a bundled scenario now uses `{field}`: drop it from the README's list of \
                 fields they leave out"
            );
        } else if !inner.contains(&field) {
            assert!(
                used,
                "no bundled scenario uses `{field}`: the README says they use every field but \
                 {named:?}"
            );
        }
    }
    for (kind, form) in [
        ("RawDist", "distribution"),
        ("Threat", "threat"),
        ("Target", "target"),
    ] {
        for variant in variants(&raw, kind) {
            // A target is `Site("dc-1")` or `Tier(Platform)`, not `Site(id: ..)`.
            let written = text.match_indices(&format!("{variant}(")).any(|(at, _)| {
                let next = text[at + variant.len() + 1..].chars().next();
                form != "target" || next.is_some_and(|c| c == '"' || c.is_ascii_uppercase())
            });
            assert!(
                written,
                "no bundled scenario uses the {form} `{variant}`, which the README says they all use"
            );
        }
    }
}
