//! `bcdr sweep`: one parameter over several values, common random numbers.

use serde_json::Value;

use crate::common::{bcdr, read_json, write};
use crate::shards::fails_with;

/// Standard errors allowed between simulation and closed form.
const Z: f64 = 4.0;

/// A site disaster destroys four services, each restored from backup in
/// Exp(10 h); the business function needs all four. No priorities, no
/// dependency order: nothing can invert priorities.
const SITE_FIRE: &str = r#"Scenario(name: "dc fire", sites: [Site(id: "dc")], services: [
    Service(id: "s1", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
    Service(id: "s2", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
    Service(id: "s3", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
    Service(id: "s4", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
    Service(id: "biz", tier: Business, depends_on: ["s1", "s2", "s3", "s4"], rto: "24h",
            revenue_per_hour: 1000),
], threats: [Disaster(id: "fire", rate_per_year: 0.01, targets: [Site("dc")])],
   plan: Plan(crews: 1))"#;

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// With c crews and n = 4 simultaneous Exp(m) restores, the business
/// function is back after the last restore: E = Σ_{k=1..n} m / min(c, k)
/// (while k restores remain, min(c, k) run at once and the next
/// completion comes after Exp(m / min(c, k))).
///
/// Under common random numbers each service's restore takes the same time
/// at every crew count, and with independent jobs taken in a fixed order
/// every job starts no later with more crews, so the outage is
/// non-increasing trial by trial: the means must be non-increasing
/// exactly, not just within noise.
#[test]
fn more_crews_never_lengthen_the_restore_of_a_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write(dir.path(), "fire.ron", SITE_FIRE);
    let out = dir.path().join("sweep");
    let trials = 4000;
    bcdr()
        .args([
            "sweep",
            "--set",
            "plan.crews=1..4",
            "--threat",
            "fire",
            "-q",
        ])
        .args(["--trials", &trials.to_string(), "--service", "biz", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let r = read_json(&out.join("sweep.json"));
    assert_eq!(r["parameter"], "plan.crews");
    assert_eq!(r["mode"], "drill");
    let points = r["points"].as_array().expect("points");
    assert_eq!(points.len(), 4);
    let m = 10.0;
    let mut last = f64::INFINITY;
    for (i, p) in points.iter().enumerate() {
        let c = i + 1;
        assert_eq!(num(&p["value"]), c as f64);
        let biz = p["services"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["id"] == "biz"))
            .expect("biz");
        assert_eq!(num(&biz["outages"]), 1.0, "one outage per drill");
        let d = &biz["outage_duration_hours"];
        let (mean, se) = (num(&d["mean"]), num(&d["std_error"]));
        assert!(
            mean <= last,
            "crews {c}: {mean} h after {last} h with fewer crews"
        );
        last = mean;
        let expected: f64 = (1..=4).map(|k| m / c.min(k) as f64).sum();
        assert!(
            (mean - expected).abs() <= Z * se,
            "crews {c}: simulated {mean} h, closed form {expected} h, tolerance {}",
            Z * se
        );
        // The loss is the revenue lost while biz is down.
        assert!((num(&p["loss"]["mean"]) - 1000.0 * mean).abs() < 1e-6 * 1000.0 * mean);
    }
    for f in [
        "sweep.csv",
        "sweep_services.csv",
        "sweep_loss.png",
        "sweep_loss.svg",
        "sweep_rto.png",
        "sweep_rto.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let csv = String::from_utf8(std::fs::read(out.join("sweep.csv")).expect("csv")).expect("utf8");
    assert_eq!(csv.lines().count(), 5, "a header and one row per value");
}

/// A sweep point is the run of the scenario edited to that value: the
/// sweep changes the validated model exactly as editing the file would.
#[test]
fn a_sweep_point_equals_a_run_of_the_edited_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = SITE_FIRE.replace("rate_per_year: 0.01", "rate_per_year: 2.0");
    let scenario = write(dir.path(), "fire.ron", &text);
    let edited = write(
        dir.path(),
        "fire3.ron",
        &text.replace("crews: 1", "crews: 3"),
    );
    let out = dir.path().join("sweep");
    bcdr()
        .args([
            "sweep",
            "--set",
            "plan.crews=1,3",
            "-q",
            "--trials",
            "800",
            "--seed",
            "9",
        ])
        .arg("--out")
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let run = dir.path().join("run");
    bcdr()
        .args(["run", "-q", "--trials", "800", "--seed", "9", "--out"])
        .arg(&run)
        .arg(&edited)
        .assert()
        .success();
    let r = read_json(&out.join("sweep.json"));
    let s = read_json(&run.join("summary.json"));
    let p = &r["points"][1];
    assert_eq!(num(&p["value"]), 3.0);
    assert_eq!(p["loss"]["mean"], s["annual_loss"]["mean"]);
    assert_eq!(p["loss"]["p99"], s["annual_loss"]["p99"]);
    for (a, b) in p["services"]
        .as_array()
        .expect("services")
        .iter()
        .zip(s["services"].as_array().expect("services"))
    {
        assert_eq!(a["availability"], b["availability"]);
        assert_eq!(a["rto_met"], b["rto_met"]);
    }
    // More crews, less loss, here trial by trial as above.
    assert!(num(&r["points"][1]["loss"]["mean"]) <= num(&r["points"][0]["loss"]["mean"]));
}

#[test]
fn bad_settings_are_refused_with_the_supported_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write(dir.path(), "fire.ron", SITE_FIRE);
    let out = dir.path().join("never");
    for (args, needle) in [
        (
            vec!["--set", "plan.crew=1..3"],
            "plan.crews, plan.annual_cost, threats.<id>.rate_per_year",
        ),
        (vec!["--set", "plan.crews"], "PATH=VALUES"),
        (vec!["--set", "plan.crews=3..1"], "backwards"),
        (vec!["--set", "plan.crews=0,1"], "whole number of crews"),
        (
            vec!["--set", "threats.fire.rate_per_year=0.1..0.5:0"],
            "step must be > 0",
        ),
        (
            vec!["--set", "threats.fires.rate_per_year=1,2"],
            "did you mean \"fire\"",
        ),
        (
            vec!["--set", "services.bizz.rto=2h,4h"],
            "did you mean \"biz\"",
        ),
        (vec!["--set", "services.biz.rto=2,4"], "has no unit"),
        (
            vec!["--set", "services.biz.failover.success=0.5,1"],
            "has no failover",
        ),
        (
            vec!["--set", "services.biz.backup.interval=1h,2h"],
            "has no backup",
        ),
        (
            vec!["--set", "services.s1.backup.interval=0h,2h"],
            "is not > 0",
        ),
        (
            vec!["--set", "plan.crews=1,2", "--threat", "flood"],
            "unknown threat \"flood\"",
        ),
        (
            vec!["--set", "plan.crews=1,2", "--service", "nope"],
            "unknown service \"nope\"",
        ),
        // Found by an independent check: values beyond what a scenario
        // file may hold are refused before anything runs.
        (
            vec!["--set", "threats.fire.rate.scale=1,1e9"],
            "threats.fire.rate_per_year: it can reach 1.000e7 events a year",
        ),
    ] {
        let mut cmd = bcdr();
        cmd.args(["sweep", "-q", "--trials", "10", "--out"])
            .arg(&out)
            .arg(&scenario)
            .args(&args);
        fails_with(cmd, needle);
        assert!(!out.exists());
    }
}

/// A mean time to failure scaled to nothing is refused as the scenario
/// file would refuse it (it had run, and reported a loss out of order).
#[test]
fn a_sweep_may_not_scale_failures_past_what_can_be_simulated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write(
        dir.path(),
        "flaky.ron",
        r#"Scenario(name: "flaky", services: [Service(id: "db",
            failure: (mtbf: "2000h", repair: Fixed("1h")), revenue_per_hour: 10)])"#,
    );
    let out = dir.path().join("never");
    for values in ["0,1", "1e-300,1", "1,1e-9"] {
        let mut cmd = bcdr();
        cmd.args(["sweep", "-q", "--trials", "10", "--out"])
            .arg(&out)
            .arg(&scenario)
            .args(["--set", &format!("services.db.failure.ttf.scale={values}")]);
        fails_with(cmd, "services.db.failure.ttf: a mean time to failure of");
        assert!(!out.exists());
    }
    bcdr()
        .args(["sweep", "-q", "--trials", "10", "--out"])
        .arg(&out)
        .arg(&scenario)
        .args(["--set", "services.db.failure.ttf.scale=0.5,1"])
        .assert()
        .success();
}

/// A money parameter's unit names the scenario's currency ("EUR per
/// year"), not the word "currency", in sweep.json and on the chart's axis.
#[test]
fn a_money_parameter_is_in_the_scenarios_currency() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sweep");
    bcdr()
        .args(["sweep", "--set", "plan.annual_cost=1000000,2000000", "-q"])
        .args(["--trials", "200", "--out"])
        .arg(&out)
        .arg(crate::common::scenario("regional-bank.ron"))
        .assert()
        .success();
    let r = read_json(&out.join("sweep.json"));
    assert_eq!(r["unit"], "EUR per year");
    let charts: Vec<String> = std::fs::read_dir(&out)
        .expect("the sweep's folder")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "svg").then(|| std::fs::read_to_string(path).ok())?
        })
        .collect();
    assert!(!charts.is_empty());
    assert!(charts.iter().all(|svg| !svg.contains("currency per")));
    assert!(charts.iter().any(|svg| svg.contains("EUR per year")));
    // The plan's cost moves no loss (common random numbers: the same
    // trials at every value): the reading says so, not "lowest at the
    // first value, highest at the last".
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let means: Vec<f64> = r["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| num(&p["loss"]["mean"]))
        .collect();
    assert!(means.windows(2).all(|w| w[0] == w[1]), "{means:?}");
    assert!(md.contains("is the same at every value"), "{md}");
    assert!(!md.contains("is lowest at"), "{md}");
}
