//! What the terminal says: help for every argument, money written one
//! way, plurals, "did you mean" for a mistyped `--threat`.

use crate::common::{bcdr, scenario};

/// The commands, each with the `--help` text of its arguments.
const COMMANDS: [&str; 12] = [
    "validate",
    "graph",
    "run",
    "compare",
    "merge",
    "sweep",
    "drill",
    "trend",
    "explain",
    "tornado",
    "importance",
    "generate",
];

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// `<SCENARIO>` had no help text in most commands.
#[test]
fn every_positional_argument_has_help_text() {
    for command in COMMANDS {
        let help = stdout(&bcdr().args([command, "--help"]).assert().success());
        let mut lines = help
            .lines()
            .skip_while(|l| !l.starts_with("Arguments:"))
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            .peekable();
        while let Some(line) = lines.next() {
            let line = line.trim();
            assert!(line.starts_with('<'), "{command}: {line:?}");
            let name_only = !line.contains("  ");
            // Long help puts the text on the next line.
            let text = if name_only {
                lines.next().map(str::trim).unwrap_or("")
            } else {
                line.split_once("  ").map_or("", |(_, t)| t.trim())
            };
            assert!(
                !text.is_empty(),
                "{command}: {line} has no help text\n{help}"
            );
        }
    }
}

#[test]
fn validate_counts_in_words() {
    let out = stdout(
        &bcdr()
            .arg("validate")
            .arg(scenario("hospital.ron"))
            .assert()
            .success(),
    );
    assert!(
        out.contains("2 sites, 27 services, 1 group, 7 threats"),
        "{out}"
    );
}

#[test]
fn one_planning_warning_is_one_warning() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("one.ron");
    std::fs::write(&path, crate::pack::SCENARIO).expect("written");
    let out = stdout(&bcdr().arg("validate").arg(&path).assert().success());
    assert!(
        out.contains("1 planning warning:") || out.contains("planning warnings:"),
        "{out}"
    );
    assert!(!out.contains("(s)"), "{out}");
}

#[test]
fn a_mistyped_drill_threat_gets_a_suggestion() {
    let a = bcdr()
        .args(["drill", "--threat", "ransomwar", "--trials", "10"])
        .arg(scenario("regional-bank.ron"))
        .assert()
        .failure()
        .code(2);
    let err = stderr(&a);
    assert!(
        err.contains(
            "--threat \"ransomwar\": no threat with this id; did you mean \"ransomware\"?"
        ),
        "{err}"
    );
}

/// Money is "EUR 1,234,567" on the terminal too.
#[test]
fn the_run_summary_writes_money_currency_first() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = stdout(
        &bcdr()
            .arg("run")
            .arg(scenario("regional-bank.ron"))
            .args(["--trials", "300", "--out"])
            .arg(dir.path())
            .assert()
            .success(),
    );
    let line = out
        .lines()
        .find(|l| l.contains("expected annual loss"))
        .expect("a headline");
    assert!(line.contains("loss  EUR "), "{line}");
    assert!(!line.contains(" EUR ("), "{line}");
}

/// Compare wrote "1,234 EUR" and signed zeros ("+0", "-0.00").
#[test]
fn compare_writes_money_currency_first_and_no_signed_zero() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let a = bcdr()
        .arg("compare")
        .arg(scenario("ransomware-mutable.ron"))
        .arg(scenario("ransomware-immutable.ron"))
        .args(["--trials", "300", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let screen = stdout(&a);
    let line = screen
        .lines()
        .find(|l| l.contains("expected annual loss"))
        .expect("a headline");
    assert!(line.contains("A EUR ") && line.contains("B EUR "), "{line}");
    let md = std::fs::read_to_string(dir.path().join("compare.md")).expect("compare.md");
    for bad in [
        "| +0 |",
        "| -0 |",
        "-0.00",
        "+0.00",
        "EUR +0 ",
        "EUR -0 ",
        " EUR a year",
    ] {
        assert!(!md.contains(bad), "{bad:?} in\n{md}");
    }
    assert!(md.contains("| EUR "), "{md}");
}

/// The sweep table writes money as the run does.
#[test]
fn sweep_writes_money_currency_first() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = stdout(
        &bcdr()
            .arg("sweep")
            .arg(scenario("regional-bank.ron"))
            .args(["--set", "plan.crews=1,2", "--trials", "200", "--out"])
            .arg(dir.path())
            .assert()
            .success(),
    );
    assert!(out.contains("over 2 values of"), "{out}");
    assert!(out.contains("EUR "), "{out}");
}

/// The syntax error shown in the documentation is what `validate` prints.
#[test]
fn the_documented_syntax_error_is_the_real_one() {
    let root = crate::common::root();
    let mut docs = vec![root.join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        docs.extend(dir.filter_map(|e| e.ok().map(|e| e.path())));
    }
    let head = "error: invalid scenario scenarios/invalid/bare-duration.ron";
    let shown: Vec<String> = docs
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .find_map(|text| {
            let start = text.find(head)?;
            let block = &text[start..];
            let end = block.find("```")?;
            Some(block[..end].lines().map(str::to_string).collect())
        })
        .expect("the documentation shows the bare-duration error");
    let a = bcdr()
        .current_dir(&root)
        .args(["validate", "scenarios/invalid/bare-duration.ron"])
        .assert()
        .failure();
    let real: Vec<String> = stderr(&a).lines().map(str::to_string).collect();
    assert_eq!(shown, real);
}

/// `run --fail-on appetite` wrote the breached loss as "EUR 100000".
#[test]
fn the_appetite_gate_writes_money_one_way() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(scenario("tutorial.ron"))
        .expect("the tutorial")
        .replace("probability: 0.10)", "probability: 0.001)");
    let file = dir.path().join("strict.ron");
    std::fs::write(&file, text).expect("write the scenario");
    let a = bcdr()
        .arg("run")
        .arg(&file)
        .args(["--trials", "300", "-q", "--fail-on", "appetite", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(err.contains("losing more than EUR 100,000 has"), "{err}");
    assert!(err.contains("per year, above"), "{err}");
    // Probabilities as the reports write them, percentages: "0.4420" and
    // "0.0010" read as a different scale from the report's "44.2%".
    assert!(err.contains("above the 0.1% accepted"), "{err}");
    assert!(!err.contains("(net of insurance)"), "{err}");
    // Over a two-year horizon the probability is per trial of two years.
    let text = std::fs::read_to_string(&file)
        .expect("the strict tutorial")
        .replace(r#"horizon: "1y""#, r#"horizon: "2y""#);
    std::fs::write(&file, text).expect("write the scenario");
    let a = bcdr()
        .arg("run")
        .arg(&file)
        .args(["--trials", "300", "-q", "--fail-on", "appetite", "--out"])
        .arg(dir.path().join("out2"))
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(err.contains("per 2y, above"), "{err}");
    assert!(!err.contains("per year"), "{err}");
    // With insurance the appetite is judged on the net loss, and says so.
    let text = std::fs::read_to_string(scenario("insurer-dr-site.ron"))
        .expect("the insurer")
        .replace(
            "(loss: 500000, probability: 0.02)",
            "(loss: 500000, probability: 0.0001)",
        );
    let file = dir.path().join("strict-insurer.ron");
    std::fs::write(&file, text).expect("write the scenario");
    let a = bcdr()
        .arg("run")
        .arg(&file)
        .args(["--trials", "300", "-q", "--fail-on", "appetite", "--out"])
        .arg(dir.path().join("out3"))
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(
        err.contains(" (net of insurance) has a simulated chance of "),
        "{err}"
    );
}

/// The note of a comparison whose plans cost the same wrote the cost as
/// "plan.annual_cost (1400000)".
#[test]
fn compare_writes_the_plan_cost_in_its_note_one_way() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = scenario("regional-bank.ron");
    let text = std::fs::read_to_string(&file).expect("the bank");
    assert!(
        text.contains("annual_cost: 1400000"),
        "the bundled plan cost moved"
    );
    bcdr()
        .arg("compare")
        .arg(&file)
        .arg(&file)
        .args(["--trials", "100", "-q", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let md = std::fs::read_to_string(dir.path().join("report.md")).expect("report.md");
    assert!(md.contains("plan.annual\\_cost (EUR 1,400,000)"), "{md}");
}
