//! `trend` and `explain` across what makes two runs or two scenarios
//! incomparable or hard to follow: another currency (each run in its own,
//! no verdict across; explain refuses), another scenario (named), changed
//! settings (named with their values), a missing or repeated folder.

use std::path::Path;

use bcdr::review::explain::{changes, EntityKind};
use bcdr::scenario;

use crate::common::{bcdr, read_json, write};

const TUTORIAL: &str = include_str!("../../scenarios/tutorial.ron");

/// The tutorial in US dollars (the same amounts).
fn in_usd() -> String {
    TUTORIAL.replace("currency: \"EUR\"", "currency: \"USD\"")
}

/// `bcdr run FILE --label LABEL --out OUT` in `dir`, 300 trials.
fn run(dir: &Path, file: &str, label: &str, seed: &str, out: &str) {
    bcdr()
        .current_dir(dir)
        .args(["run", file, "--trials", "300", "--seed", seed, "-q"])
        .args(["--label", label, "--out", out])
        .assert()
        .success();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn trend_shows_each_run_in_its_own_currency_and_no_verdict_across_a_change() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(dir, "usd.ron", &in_usd());
    write(dir, "eur.ron", TUTORIAL);
    run(dir, "usd.ron", "q1", "1", "q1");
    run(dir, "usd.ron", "q4", "2", "q4");
    run(dir, "eur.ron", "tut", "3", "tut");
    bcdr()
        .current_dir(dir)
        .args(["trend", "q1", "q4", "tut", "--out", "trend", "-q"])
        .assert()
        .success();
    let t = read_json(&dir.join("trend/trend.json"));
    let currencies: Vec<&str> = t["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["currency"].as_str().expect("a currency per run"))
        .collect();
    assert_eq!(currencies, ["USD", "USD", "EUR"]);
    assert_eq!(t["currency"], "EUR", "the latest run's");
    // USD → USD is compared; USD → EUR is not.
    assert!(t["steps"][0]["delta"]["mean"].is_number());
    assert_eq!(t["steps"][1]["delta"], serde_json::Value::Null);
    assert!(t["steps"][1]["changed"]
        .as_array()
        .expect("changed")
        .contains(&serde_json::json!("currency")));
    let md = read(&dir.join("trend/report.md"));
    let eur = bcdr::fmt::money(
        "EUR",
        t["runs"][2]["expected_annual_loss"].as_f64().expect("loss"),
    );
    assert!(
        md.contains(&format!(
            "| tut | Tutorial: a small travel agency | {eur} |"
        )),
        "{md}"
    );
    assert!(!md.contains(&bcdr::fmt::money(
        "USD",
        t["runs"][2]["expected_annual_loss"].as_f64().expect("loss")
    )));
    assert!(
        md.contains("Money in each run's own currency (USD, EUR)"),
        "{md}"
    );
    assert!(
        md.contains(
            "**q4 → tut**: expected annual loss not comparable (currency or horizon changed)."
        ),
        "{md}"
    );
    let step2 = md
        .lines()
        .find(|l| l.contains("**q4 → tut**"))
        .expect("step");
    assert!(!step2.contains("significant"), "{step2}");
    // The money charts draw the EUR run alone and say so; the appetite
    // ratio and RTO attainment have no currency.
    assert!(md.contains(
        "Only the runs in EUR, the latest run's currency, are drawn; left out: q1 (USD), q4 (USD)"
    ));
    let captions = md
        .lines()
        .filter(|l| l.starts_with('*') && l.contains("Only the runs in EUR"));
    assert_eq!(captions.count(), 4, "{md}");
    let csv = read(&dir.join("trend/trend.csv"));
    let last: Vec<&str> = csv
        .lines()
        .map(|l| l.rsplit(',').next().expect("cell"))
        .collect();
    assert_eq!(last, ["currency", "USD", "USD", "EUR"]);
    let tut = csv.lines().nth(3).expect("tut row");
    assert!(tut.ends_with(",,,,,scenario;seed;currency,EUR"), "{tut}");
    // One currency throughout: no per-run note, a verdict on every step.
    bcdr()
        .current_dir(dir)
        .args(["trend", "q1", "q4", "--out", "same", "-q"])
        .assert()
        .success();
    let md = read(&dir.join("same/report.md"));
    assert!(
        md.contains("Money in USD.") && !md.contains("Only the runs"),
        "{md}"
    );
}

#[test]
fn explain_refuses_two_currencies_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let plain = TUTORIAL.replace("    currency: \"EUR\",\n", "");
    write(dir, "e1.ron", &plain);
    write(dir, "ec.ron", TUTORIAL);
    let out = bcdr()
        .current_dir(dir)
        .args([
            "explain", "e1.ron", "ec.ron", "--trials", "200", "--out", "ex",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("e1.ron is in USD but ec.ron is in EUR")
            && stderr.contains("explain compares losses in one currency")
            && stderr.contains("convert the amounts in one file first"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(!dir.join("ex").exists());
    assert_eq!(
        std::fs::read_dir(dir).expect("dir").count(),
        2,
        "nothing written"
    );
}

#[test]
fn explain_names_the_settings_that_changed() {
    let old = scenario::parse_raw(TUTORIAL).expect("old");
    let policy = "Policy(id: \"cyber\", deductible: 5000, limit: 100000, premium: 2000)";
    let new_text = TUTORIAL
        .replace("horizon: \"1y\"", "horizon: \"2y\"")
        .replace(
            "    currency: \"EUR\",\n",
            &format!(
            "    currency: \"EUR\",\n    description: \"Next year\",\n    insurance: [{policy}],\n"
        ),
        );
    let new = scenario::parse_raw(&new_text).expect("new");
    let settings = |c: &[bcdr::review::explain::Change]| {
        c.iter()
            .find(|c| c.kind == EntityKind::Settings)
            .expect("a settings change")
            .clone()
    };
    let s = settings(&changes(&old, &new));
    assert_eq!(
        s.fields,
        [
            "description none → Next year",
            "horizon 1y → 2y — the loss is per horizon: doubling the horizon roughly doubles it",
            "insurance \"cyber\" added",
        ]
    );
    assert!(s
        .label()
        .starts_with("settings changed (description none → Next year, horizon"));
    // Back again: the policy removed, by id; a currency named with its values.
    let back = settings(&changes(&new, &old));
    assert!(back
        .fields
        .contains(&"insurance \"cyber\" removed".to_string()));
    let usd = scenario::parse_raw(&TUTORIAL.replace("currency: \"EUR\"", "currency: \"USD\""))
        .expect("usd");
    assert_eq!(
        settings(&changes(&old, &usd)).fields,
        ["currency EUR → USD"]
    );
    let quarter =
        scenario::parse_raw(&TUTORIAL.replace("horizon: \"1y\"", "horizon: \"3mo\"")).expect("3mo");
    let q = settings(&changes(&old, &quarter)).fields;
    assert_eq!(q.len(), 1);
    assert!(
        q[0].starts_with("horizon 1y → 3mo — the loss is per horizon: a horizon 0."),
        "{q:?}"
    );
    // A changed policy with the field that changed.
    let dearer =
        scenario::parse_raw(&new_text.replace("premium: 2000", "premium: 3000")).expect("dearer");
    assert_eq!(
        settings(&changes(&new, &dearer)).fields,
        ["insurance \"cyber\" changed (premium EUR 2,000 → EUR 3,000)"]
    );
}

#[test]
fn trend_names_the_scenario_of_each_run_and_a_change_of_scenario() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(dir, "a.ron", TUTORIAL);
    write(
        dir,
        "b.ron",
        &TUTORIAL.replace("Tutorial: a small travel agency", "regional-bank"),
    );
    run(dir, "a.ron", "q1", "1", "q1");
    run(dir, "b.ron", "q2", "1", "q2");
    // Without --label the hash is unknown, but the name still tells.
    bcdr()
        .current_dir(dir)
        .args(["run", "a.ron", "--trials", "300", "-q", "--out", "q3"])
        .assert()
        .success();
    bcdr()
        .current_dir(dir)
        .args(["trend", "q1", "q2", "q3", "--out", "trend", "-q"])
        .assert()
        .success();
    let t = read_json(&dir.join("trend/trend.json"));
    let step = |k: usize| &t["steps"][k];
    assert_eq!(step(0)["changed"], serde_json::json!(["scenario"]));
    let note = step(0)["notes"][0].as_str().expect("note");
    assert!(
        note.starts_with(
            "a different scenario: Tutorial: a small travel agency → regional-bank (file "
        ),
        "{note}"
    );
    assert_eq!(step(1)["changed"], serde_json::json!(["scenario"]));
    assert_eq!(
        step(1)["notes"][0],
        "a different scenario: regional-bank → Tutorial: a small travel agency"
    );
    let md = read(&dir.join("trend/report.md"));
    assert!(
        md.contains("| run | scenario | expected annual loss |"),
        "{md}"
    );
    assert!(md.contains("| q2 | regional-bank | EUR "), "{md}");
    assert!(md.contains("A different scenario: Tutorial"), "{md}");
}

#[test]
fn trend_refuses_a_missing_or_repeated_folder_and_writes_bcdr_lowercase() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(dir, "t.ron", TUTORIAL);
    run(dir, "t.ron", "q1", "1", "q1");
    run(dir, "t.ron", "q2", "1", "q2");
    let refused = |args: &[&str]| {
        let out = bcdr()
            .current_dir(dir)
            .arg("trend")
            .args(args)
            .args(["--out", "trend", "-q"])
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(!dir.join("trend").exists());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = refused(&["q1", "q9"]);
    assert!(e.contains("q9: no such folder"), "{e}");
    assert!(!e.contains("summary.json"), "{e}");
    let e = refused(&["q1", "q2", "./q1/"]);
    assert!(
        e.contains("./q1/: the same run folder is given twice"),
        "{e}"
    );
    // A drill's folder holds a summary.json too (of its loss per drill):
    // it was read as a run, and the step called the change significant.
    bcdr()
        .current_dir(dir)
        .args([
            "drill",
            "t.ron",
            "--threat",
            "office-fire",
            "--trials",
            "20",
            "-q",
        ])
        .args(["--out", "fire"])
        .assert()
        .success();
    let e = refused(&["q1", "fire"]);
    assert!(
        e.contains("fire: holds the results of bcdr drill (drill.json), not of bcdr run"),
        "{e}"
    );
    // A run by another bcdr version: the note keeps the tool's name as it is.
    let path = dir.join("q1/summary.json");
    let mut s = read_json(&path);
    s["bcdr_version"] = serde_json::json!("0.0.9");
    std::fs::write(&path, serde_json::to_vec_pretty(&s).expect("JSON")).expect("write");
    bcdr()
        .current_dir(dir)
        .args(["trend", "q1", "q2", "--out", "trend", "-q"])
        .assert()
        .success();
    let md = read(&dir.join("trend/report.md"));
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        md.contains(&format!(" bcdr 0.0.9 → {version}: a method change")),
        "{md}"
    );
    assert!(!md.contains("Bcdr"), "{md}");
}

/// A loss is per trial of the horizon: a run over two years and one over
/// one are not comparable, as two currencies are not (no difference, no
/// verdict), and the step says so.
#[test]
fn trend_gives_no_verdict_across_a_change_of_horizon() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    assert!(
        TUTORIAL.contains("horizon: \"1y\""),
        "the tutorial states its horizon"
    );
    write(dir, "one.ron", TUTORIAL);
    write(
        dir,
        "two.ron",
        &TUTORIAL.replace("horizon: \"1y\"", "horizon: \"2y\""),
    );
    run(dir, "one.ron", "q1", "1", "q1");
    run(dir, "two.ron", "q2", "1", "q2");
    bcdr()
        .current_dir(dir)
        .args(["trend", "q1", "q2", "--out", "trend", "-q"])
        .assert()
        .success();
    let t = read_json(&dir.join("trend/trend.json"));
    assert_eq!(t["schema_version"], 2);
    let step = &t["steps"][0];
    assert_eq!(step["delta"], serde_json::Value::Null);
    assert!(step["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .any(|c| c == "horizon"));
    let md = read(&dir.join("trend/report.md"));
    assert!(md.contains("The horizon changed (1y → 2y)"), "{md}");
    assert!(
        md.contains("not comparable (currency or horizon changed)"),
        "{md}"
    );
    // The money charts draw the runs of the latest horizon alone and say
    // so: a line from q1's loss per year to q2's per two years read as
    // the loss doubling.
    assert!(
        md.contains(
            "Only the runs per 2y, the latest run's horizon, are drawn; left out: q1 (per 1y)"
        ),
        "{md}"
    );
    for chart in ["trend_loss", "trend_var"] {
        let svg = read(&dir.join(format!("trend/{chart}.svg")));
        let points = svg.matches("<circle").count();
        let lines = if chart == "trend_var" { 2 } else { 1 };
        assert_eq!(points, lines, "{chart}: one point per line, q2's alone");
    }
    // RTO attainment has no money: both runs.
    let rto = read(&dir.join("trend/trend_rto.svg"));
    assert_eq!(rto.matches("<circle").count(), 2);
    // The appetite's chances are per trial: q1's per year is not on q2's
    // footing, so only q2's points are drawn.
    let points = t["runs"][1]["appetite"].as_array().expect("points").len();
    assert!(points > 0, "the tutorial has a risk appetite");
    let appetite = read(&dir.join("trend/trend_appetite.svg"));
    assert_eq!(appetite.matches("<circle").count(), points);
    // The runs table marks each loss with its horizon.
    assert!(md.contains("The runs have different horizons"), "{md}");
    assert!(md.contains(" per 1y |") && md.contains(" per 2y |"), "{md}");
}

/// A trend over an uninsured run and an insured one drew a gross loss and
/// a net one on one line, unmarked: the insured run's label now says
/// `(net)` and the axis says so; a trend of uninsured runs is as it was.
#[test]
fn trend_marks_the_runs_net_of_insurance() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let insured = TUTORIAL.replacen(
        "risk_appetite:",
        r#"insurance: [Policy(id: "cyber", premium: 2000)], risk_appetite:"#,
        1,
    );
    assert_ne!(insured, TUTORIAL);
    write(dir, "gross.ron", TUTORIAL);
    write(dir, "net.ron", &insured);
    run(dir, "gross.ron", "q1", "1", "q1");
    run(dir, "gross.ron", "q2", "2", "q2");
    run(dir, "net.ron", "q3", "3", "q3");
    for (runs, out, marked) in [
        (["q1", "q2"], "plain", false),
        (["q2", "q3"], "mixed", true),
    ] {
        bcdr()
            .current_dir(dir)
            .arg("trend")
            .args(runs)
            .args(["--out", out, "-q"])
            .assert()
            .success();
        for chart in ["trend_loss.svg", "trend_var.svg"] {
            let svg = read(&dir.join(out).join(chart));
            assert_eq!(svg.contains("q3 (net)"), marked, "{out}/{chart}");
            assert_eq!(
                svg.contains("net of insurance where marked"),
                marked,
                "{out}/{chart}"
            );
            assert!(!svg.contains("q2 (net)"), "{out}/{chart}");
        }
    }
}
