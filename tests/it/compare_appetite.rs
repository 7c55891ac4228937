//! `compare` judges both plans on every appetite point of either scenario
//! as `run` judges a scenario on its own: the share of years that lose
//! strictly more than the point, counted trial by trial (not read off a
//! histogram, which interpolates inside a bucket).

use crate::common::{bcdr, read_json, write};

/// Fifty claims a year of a lognormal cost: the annual loss is dense
/// around its mean, so a bucket of the loss histogram that holds the
/// point holds a few percent of the years.
fn scenario(name: &str, median: f64, points: &[f64]) -> String {
    let appetite: Vec<String> = points
        .iter()
        .map(|p| format!("(loss: {p}, probability: 0.5)"))
        .collect();
    format!(
        r#"Scenario(name: "{name}", horizon: "1y", currency: "EUR",
        services: [Service(id: "shop", failure: (mtbf: "2000h", repair: Fixed("4h")),
            revenue_per_hour: 10)],
        threats: [LossEvent(id: "claim", rate_per_year: 50,
            cost: LogNormal(median: {median}, p90: {p90}))],
        risk_appetite: [{}])"#,
        appetite.join(", "),
        p90 = median * 3.0
    )
}

#[test]
fn compare_counts_each_appetite_point_as_run_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (pa, pb) = (70_000.0, 90_000.0);
    let a = write(dir.path(), "a.ron", &scenario("a", 1000.0, &[pa]));
    let b = write(dir.path(), "b.ron", &scenario("b", 1200.0, &[pb]));
    let out = dir.path().join("cmp");
    bcdr()
        .args(["compare", "-q", "--trials", "20000", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let report = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    // Each side run on its own with both points: the exact shares.
    let mut exact = [Vec::new(), Vec::new()];
    for (k, (name, median)) in [("a", 1000.0), ("b", 1200.0)].into_iter().enumerate() {
        let file = write(
            dir.path(),
            &format!("{name}-both.ron"),
            &scenario(name, median, &[pa, pb]),
        );
        let run = dir.path().join(format!("run-{name}"));
        bcdr()
            .args(["run", "-q", "--trials", "20000", "--out"])
            .arg(&run)
            .arg(&file)
            .assert()
            .success();
        let summary = read_json(&run.join("summary.json"));
        let points = summary["risk_appetite"].as_array().expect("points");
        exact[k] = points
            .iter()
            .map(|p| p["simulated"].as_f64().expect("share"))
            .collect::<Vec<f64>>();
    }
    for (i, point) in [pa, pb].iter().enumerate() {
        let money = format!("EUR {},000", point / 1000.0);
        let row = report
            .lines()
            .find(|l| l.contains("chance a year of losing more than") && l.contains(&money))
            .unwrap_or_else(|| panic!("no row for {money} in\n{report}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let want = [&exact[0], &exact[1]].map(|e| format!("{:.1}%", e[i] * 100.0));
        assert_eq!(
            [cells[2], cells[4]],
            [want[0].as_str(), want[1].as_str()],
            "{row}"
        );
    }
}

/// The percentage in a text of a line that holds `key`, after `key`:
/// "… the simulated chance is 1.57%: …" → "1.57".
fn pct_after<'a>(line: &'a str, key: &str) -> &'a str {
    let rest = &line[line.find(key).unwrap_or_else(|| panic!("{key} in {line}")) + key.len()..];
    let end = rest.find('%').unwrap_or_else(|| panic!("a % in {rest}"));
    &rest[..end]
}

/// Regression (found by an independent check of the statistics): an
/// appetite point whose accepted chance is a hair below the simulated
/// one read "accepts a 1.6% chance …; the simulated chance is 1.6%:
/// outside appetite", and `--fail-on appetite` said "a simulated chance
/// of 1.6% per year, above the 1.6% accepted": the board's own figure
/// (1.55%) misquoted, and the verdict unreadable from the numbers. The
/// accepted chance now reads as given and each chance judged against it
/// differently from it when it differs.
#[test]
fn an_appetite_verdict_reads_from_its_numbers() {
    let dir = tempfile::tempdir().expect("temp dir");
    // First the simulated chance of the point, whatever it is.
    let probe = write(dir.path(), "probe.ron", &scenario("p", 1000.0, &[70_000.0]));
    let first = dir.path().join("first");
    let args = ["run", "-q", "--trials", "4000", "--seed", "3", "--out"];
    bcdr().args(args).arg(&first).arg(&probe).assert().success();
    let simulated = read_json(&first.join("summary.json"))["risk_appetite"][0]["simulated"]
        .as_f64()
        .expect("a simulated chance");
    assert!(simulated > 0.01 && simulated < 0.99, "{simulated}");
    // An accepted chance of four decimals just below it: one decimal of a
    // percent rounds both to one figure, but the point is breached.
    let accepted = ((simulated * 1e4).ceil() - 1.0) / 1e4;
    let text = scenario("p", 1000.0, &[70_000.0])
        .replace("probability: 0.5", &format!("probability: {accepted}"));
    assert_ne!(text, scenario("p", 1000.0, &[70_000.0]));
    let file = write(dir.path(), "tight.ron", &text);
    let out = dir.path().join("tight");
    let gate = bcdr()
        .args(args)
        .arg(&out)
        .args(["--fail-on", "appetite"])
        .arg(&file)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&gate.get_output().stderr).to_string();
    let line = stderr
        .lines()
        .find(|l| l.contains("risk appetite breached"))
        .unwrap_or_else(|| panic!("no breach in {stderr}"));
    let (sim, acc) = (pct_after(line, "chance of "), pct_after(line, "above the "));
    let report = std::fs::read_to_string(out.join("report.md")).expect("report");
    let reading = report
        .lines()
        .find(|l| l.contains("the board accepts"))
        .expect("an appetite line");
    assert!(reading.contains("outside appetite"), "{reading}");
    for (acc, sim, text) in [
        (acc, sim, line),
        (
            pct_after(reading, "accepts a "),
            pct_after(reading, "chance is "),
            reading,
        ),
    ] {
        let (a, s): (f64, f64) = (
            acc.parse().expect("a number"),
            sim.parse().expect("a number"),
        );
        assert!(
            (a - accepted * 100.0).abs() < 1e-9,
            "{accepted} as {acc}: {text}"
        );
        assert!(s > a, "{text}");
        // The simulated chance to the decimals written.
        let decimals = sim.split('.').nth(1).map_or(0, str::len) as i32;
        let half_digit = 0.5 * 10f64.powi(-decimals) + 1e-12;
        assert!((s - simulated * 100.0).abs() <= half_digit, "{text}");
    }
}
