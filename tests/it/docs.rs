//! The documentation quotes the current code: the README's tutorial (its
//! scenario, what `validate` and `run` print, the report's reading), its
//! example chart, and every link between the pages.
//!
//! When one of these fails after a change that moves a figure on purpose,
//! paste the new output (printed by the failing assertion) into the README,
//! and reread the sentences around it.

use std::path::Path;

use crate::common::{bcdr, root, scenario};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn readme() -> String {
    read(&root().join("README.md"))
}

/// The fenced code block right after `<!-- tutorial: NAME -->`, without its
/// fences and without a leading `$ command` line.
fn block(readme: &str, name: &str) -> String {
    let marker = format!("<!-- tutorial: {name} -->\n");
    let at = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no {marker:?}"));
    let rest = &readme[at + marker.len()..];
    assert!(
        rest.starts_with("```"),
        "{marker:?} is not followed by a code block"
    );
    let body = &rest[rest.find('\n').expect("fence line") + 1..];
    let body = &body[..body.find("\n```").expect("closing fence") + 1];
    body.lines()
        .filter(|line| !line.starts_with("$ "))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The tutorial's first version: the bundled file without the lines that
/// step 3 adds.
fn first_version(readme: &str) -> String {
    let first = block(readme, "scenario");
    let fix = block(readme, "fix");
    let tutorial = read(&scenario("tutorial.ron"));
    let added: Vec<&str> = fix
        .lines()
        .filter(|line| *line != "..." && !first.lines().any(|f| f == *line))
        .collect();
    assert!(!added.is_empty(), "step 3 adds nothing");
    for line in &added {
        assert!(
            tutorial.lines().any(|t| t == *line),
            "step 3 adds {line:?}, which scenarios/tutorial.ron does not have"
        );
    }
    let without: String = tutorial
        .lines()
        .filter(|line| !added.contains(line))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(
        without, first,
        "the README's step 1 is scenarios/tutorial.ron without the lines of step 3"
    );
    first
}

/// Run `bcdr ARGS` in `dir`; its standard output.
fn stdout_in(dir: &Path, args: &[&str]) -> String {
    let out = bcdr()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("bcdr runs");
    assert!(
        out.status.success(),
        "bcdr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn tutorial_validate_output_is_current() {
    let readme = readme();
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("first.ron"), first_version(&readme)).expect("written");
    let printed = stdout_in(tmp.path(), &["validate", "first.ron"]);
    assert_eq!(
        printed,
        block(&readme, "validate"),
        "step 2 of the README's tutorial is stale; `bcdr validate` now prints:\n{printed}"
    );
    // After step 3 the warnings are gone.
    let fixed = stdout_in(&root(), &["validate", "scenarios/tutorial.ron"]);
    assert!(fixed.ends_with("no planning warnings\n"), "{fixed}");
}

#[test]
fn tutorial_run_output_and_reading_are_current() {
    let readme = readme();
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::copy(scenario("tutorial.ron"), tmp.path().join("first.ron")).expect("copied");
    let printed = stdout_in(tmp.path(), &["run", "first.ron"]);
    assert_eq!(
        printed,
        block(&readme, "run"),
        "step 4 of the README's tutorial is stale; `bcdr run first.ron` now prints:\n{printed}"
    );

    let report = read(&tmp.path().join("outputs/first/report.md"));
    let start = readme
        .find("<!-- tutorial: report -->\n")
        .expect("README quotes the report");
    let end = start + readme[start..].find("<!-- tutorial: end -->").expect("end");
    let quoted: Vec<&str> = readme[start..end]
        .lines()
        .filter_map(|line| line.strip_prefix("> "))
        .collect();
    assert!(quoted.len() >= 3, "the README quotes the reading");
    for line in quoted {
        assert!(
            report.lines().any(|r| r == line),
            "step 5 of the README's tutorial quotes a line report.md no longer has:\n{line}\n\
             report.md now reads:\n{report}"
        );
    }
}

#[test]
fn example_chart_is_current() {
    let tmp = tempfile::tempdir().expect("tempdir");
    bcdr()
        .args(["run", "--trials", "20000", "--quiet", "--out"])
        .arg(tmp.path())
        .arg(scenario("regional-bank.ron"))
        .assert()
        .success();
    let drawn = std::fs::read(tmp.path().join("loss_exceedance.png")).expect("written");
    let committed =
        std::fs::read(root().join("outputs/example-loss-exceedance.png")).expect("committed");
    assert!(
        drawn == committed,
        "outputs/example-loss-exceedance.png is stale: copy loss_exceedance.png of \
         `bcdr run scenarios/regional-bank.ron --trials 20000` over it"
    );
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces to
/// hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown page (headings outside code blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.push(slug(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn every_link_between_the_pages_resolves() {
    let mut pages = vec![root().join("README.md"), root().join("outputs/README.md")];
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/ exists") {
        pages.push(entry.expect("readable").path());
    }
    let mut checked = 0;
    for page in &pages {
        let text = read(page);
        let dir = page.parent().expect("in a folder");
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').expect("closed link")];
            if target.starts_with("http") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target, None),
            };
            let linked = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            assert!(
                linked.exists(),
                "{}: link to {target}: no such file",
                page.display()
            );
            if let Some(anchor) = anchor {
                assert!(
                    anchors(&read(&linked)).iter().any(|a| a == anchor),
                    "{}: link to {target}: no such heading",
                    page.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} links found");
}

#[test]
fn tutorial_trend_output_is_current() {
    let readme = readme();
    let tmp = tempfile::tempdir().expect("tempdir");
    let tutorial = read(&scenario("tutorial.ron"));
    let second = tutorial.replace("revenue_per_hour: 1500", "revenue_per_hour: 1800");
    assert_ne!(second, tutorial, "step 7 raises revenue_per_hour: 1500");
    std::fs::write(tmp.path().join("first.ron"), &tutorial).expect("written");
    std::fs::write(tmp.path().join("second.ron"), second).expect("written");
    let marker = "<!-- tutorial: trend -->\n";
    let at = readme.find(marker).expect("README has the trend step");
    let commands: Vec<Vec<&str>> = readme[at..]
        .lines()
        .skip(2)
        .take_while(|l| !l.starts_with("```"))
        .filter_map(|l| l.strip_prefix("$ cargo run --release -- "))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(commands.len(), 3, "two labelled runs and the trend");
    let mut printed = String::new();
    for args in &commands {
        printed = stdout_in(tmp.path(), args);
    }
    assert_eq!(
        printed,
        block(&readme, "trend"),
        "step 7 of the README's tutorial is stale; `bcdr trend` now prints:\n{printed}"
    );
}

/// The README is a guide for planners (issue 13): the reference material
/// lives in docs/.
#[test]
fn the_readme_is_a_guide_of_at_most_500_lines() {
    let lines = readme().lines().count();
    assert!(
        lines <= 500,
        "README.md has {lines} lines: move reference material to docs/ (see its Further reading)"
    );
}

/// No source file over 900 lines, tests included (issue 13), and no page
/// of `docs/` either, so that each can be read in one sitting.
#[test]
fn no_source_file_is_over_900_lines() {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable folder") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        walk(&root.join(dir), "rs", &mut files);
    }
    walk(&root.join("docs"), "md", &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let name = p
                .strip_prefix(&root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let n = read(p).lines().count();
            (n > 900).then(|| format!("{name}: {n}"))
        })
        .collect();
    assert!(long.is_empty(), "files over 900 lines: {long:?}");
}
