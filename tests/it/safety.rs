//! Outputs that are safe to open: CSV cells that a spreadsheet would run
//! as formulas are neutralised, Markdown reports let no id, name or file
//! name break out of its place, and `validate` refuses control characters
//! in ids and names.

use std::path::Path;

use crate::common::bcdr;
use crate::shards::fails_with;

/// Ids and names carrying injection payloads (all valid: no control
/// characters).
const HOSTILE: &str = r#"Scenario(
    name: "Shop <img src=x onerror=alert(1)> `x` *bold* [link](http://e.vil)",
    currency: "EUR",
    sites: [Site(id: "dc")],
    services: [
        Service(id: "=cmd|' /C calc'!A0", site: "dc", tier: Infrastructure,
                failure: (mtbf: "500h", repair: Fixed("5h")), rto: "2h"),
        Service(id: "+SUM(1)", depends_on: ["=cmd|' /C calc'!A0"], tier: Business,
                revenue_per_hour: 1000, rto: "4h"),
        Service(id: "@evil`</code><script>x</script>", depends_on: ["+SUM(1)"],
                revenue_per_hour: 10, rto: "1h"),
        Service(id: "-2+3", depends_on: ["+SUM(1)"], revenue_per_hour: 10),
        Service(id: "-5", revenue_per_hour: 10),
    ],
    threats: [
        Outage(id: "=HYPERLINK(\"http://e.vil\",\"x\")", rate_per_year: 2.0,
               targets: [Site("dc")], duration: Fixed("3h")),
        LossEvent(id: "| pipe | `tick`", rate_per_year: 1.0, cost: Fixed(100)),
    ],
)"#;

fn cells(csv: &str) -> Vec<String> {
    // First column of each data row (the ids), unquoted.
    csv.lines()
        .skip(1)
        .map(|l| {
            let Some(rest) = l.strip_prefix('"') else {
                return l.split(',').next().unwrap_or("").to_string();
            };
            let mut cell = String::new();
            let mut chars = rest.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                cell.push(c);
            }
            cell
        })
        .collect()
}

/// Every `<` of Markdown text that CommonMark would read as the start of
/// raw HTML: outside code spans and fenced blocks, and not escaped.
fn raw_html(md: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fence: Option<usize> = None;
    for line in md.lines() {
        let ticks = line.chars().take_while(|&c| c == '`').count();
        if ticks >= 3 {
            match fence {
                None => fence = Some(ticks),
                Some(f) if ticks >= f && line.trim_end().len() == ticks => fence = None,
                Some(_) => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 2,
                '`' => {
                    let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                    // The closing run of the same length, if any.
                    let mut j = i + run;
                    let mut close = None;
                    while j < chars.len() {
                        let r = chars[j..].iter().take_while(|&&c| c == '`').count();
                        if r == run {
                            close = Some(j + r);
                            break;
                        }
                        j += r.max(1);
                    }
                    i = close.unwrap_or(i + run);
                }
                '<' => {
                    found.push(line.to_string());
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    found
}

#[test]
fn csv_cells_are_neutralised_and_reports_escaped() {
    let dir = tempfile::tempdir().expect("a folder");
    // A file name that would close the Reproduce fence and open HTML.
    let scenario = dir.path().join("a```\n<b>x.ron");
    std::fs::write(&scenario, HOSTILE).expect("written");
    let out = dir.path().join("out");
    bcdr()
        .args(["run", "-q", "--trials", "50", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);

    // Every chart and the graph stay well-formed XML.
    for e in std::fs::read_dir(&out).expect("readable") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "svg") {
            let text = std::fs::read_to_string(&p).expect("UTF-8");
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
    }
    let services = cells(&read("services.csv"));
    assert_eq!(
        services,
        [
            "'=cmd|' /C calc'!A0",
            "'+SUM(1)",
            "'@evil`</code><script>x</script>",
            "'-2+3",
            "-5"
        ]
    );
    let threats = cells(&read("threats.csv"));
    assert!(threats.contains(&"'=HYPERLINK(\"http://e.vil\",\"x\")".to_string()));
    for cell in services.iter().chain(&threats) {
        assert!(
            !cell.starts_with(['=', '+', '@', '\t', '\r'])
                && (cell == "-5" || !cell.starts_with('-')),
            "{cell}"
        );
    }

    let md = read("report.md");
    assert_eq!(raw_html(&md), Vec::<String>::new(), "report.md");
    // The id with a backtick sits in a code span two backticks wide.
    assert!(md.contains("``@evil`</code><script>x</script>``"), "{md}");
    // The Reproduce block's fence is longer than the file name's ```.
    let fence = md
        .lines()
        .rev()
        .find(|l| l.starts_with("```"))
        .expect("a fence");
    assert_eq!(fence, "````", "{md}");

    // compare.md escapes the names, ids and file names too.
    let cmp = dir.path().join("cmp");
    bcdr()
        .args(["compare", "-q", "--trials", "50", "--out"])
        .arg(&cmp)
        .arg(&scenario)
        .arg(&scenario)
        .assert()
        .success();
    let md = std::fs::read_to_string(cmp.join("compare.md")).expect("compare.md");
    assert_eq!(raw_html(&md), Vec::<String>::new(), "compare.md");
    assert!(md.contains("\\| pipe \\|"), "{md}");
    let svc = std::fs::read_to_string(cmp.join("compare_services.csv")).expect("csv");
    assert!(cells(&svc).iter().all(|c| !c.starts_with('=')));

    // sweep.csv's labels and sweep_services.csv's ids too.
    let sw = dir.path().join("sw");
    bcdr()
        .args([
            "sweep",
            "-q",
            "--trials",
            "20",
            "--set",
            "plan.annual_cost=0,1",
            "--out",
        ])
        .arg(&sw)
        .arg(&scenario)
        .assert()
        .success();
    let rows = std::fs::read_to_string(sw.join("sweep_services.csv")).expect("csv");
    assert!(rows.contains(",'=cmd|' /C calc'!A0,"), "{rows}");
}

fn validate_fails(text: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().expect("a folder");
    let p = dir.path().join("s.ron");
    std::fs::write(&p, text).expect("written");
    let mut cmd = bcdr();
    cmd.arg("validate").arg(&p);
    let err = fails_with(cmd, needles[0]);
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in {err}");
    }
    // Nothing raw reaches the terminal.
    assert!(!err.contains('\u{1b}') && !err.contains('\0'), "{err:?}");
}

#[test]
fn validate_refuses_control_characters_in_ids_and_names() {
    validate_fails(
        r#"Scenario(name: "x\u{1b}]0;owned\u{7}", services: [Service(id: "a")])"#,
        &[
            "name: the name contains the control character U+001B (ESC)",
            "remove it",
        ],
    );
    validate_fails(
        r#"Scenario(name: "x", services: [Service(id: "a\u{0}b")])"#,
        &[r#"services[0] "a\0b".id: the id contains the control character U+0000 (NUL)"#],
    );
    validate_fails(
        r#"Scenario(name: "x", sites: [Site(id: "dc", name: "line\nbreak")], services: [Service(id: "a", site: "dc")])"#,
        &[r#"sites[0] "dc".name"#, "U+000A (line break)"],
    );
    validate_fails(
        r#"Scenario(name: "x", services: [Service(id: "a", tags: ["t\u{1b}[2J"])], threats: [LossEvent(id: "t\u{202e}", rate_per_year: 1, cost: Fixed(1))])"#,
        &[
            r#".tags[0]: the tag contains"#,
            "U+202E (a bidirectional override)",
        ],
    );
    // A description may span lines.
    let dir = tempfile::tempdir().expect("a folder");
    let p = dir.path().join("s.ron");
    std::fs::write(
        &p,
        "Scenario(name: \"x\", description: \"two\\nlines\\tand a tab\", services: [Service(id: \"a\")])",
    )
    .expect("written");
    bcdr().arg("validate").arg(&p).assert().success();
}

#[test]
fn a_tier_starting_with_a_digit_lists_the_tiers() {
    let err = {
        let dir = tempfile::tempdir().expect("a folder");
        let p = dir.path().join("s.ron");
        std::fs::write(
            &p,
            r#"Scenario(name: "x", services: [Service(id: "a", tier: 3Business)])"#,
        )
        .expect("written");
        let mut cmd = bcdr();
        cmd.arg("validate").arg(Path::new(&p));
        fails_with(cmd, "did you mean `tier: Business`?")
    };
    assert!(!err.contains("r#"), "{err}");
    assert!(
        err.contains("Infrastructure, Platform, Application, Business"),
        "{err}"
    );
}
