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
