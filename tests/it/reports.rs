//! Every command has a report: `compare` and `sweep` write report.md and
//! report.html in the run's style, with the scenario's description and
//! display names; compare judges both plans against the risk appetite;
//! sweeping a backup interval shows data loss against the RPO; the new
//! sweep parameters move the numbers as their closed forms say.

use std::path::{Path, PathBuf};

use bcdr::sweep::{DurationField, Param, ServiceMoney, Setting, ThreatDuration, ThreatProb};
use serde_json::Value;

use crate::common::{bcdr, scenario};

/// Standard errors allowed between simulation and closed form.
const Z: f64 = 4.0;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes the scenario");
    path
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).expect("valid JSON")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Outages of 10 h at EUR 1,000 an hour: EUR 10,000 each. The board
/// accepts a 10% chance of losing more than EUR 100,000 in a year, that is
/// of 11 or more outages. A: Poisson(50) outages a year, so
/// P(N ≥ 11) = 1 − 1.5e-11; B: Poisson(0.5), P(N ≥ 11) ≈ 1e-13.
fn plan(rate: f64, cost: u32) -> String {
    format!(
        r#"Scenario(name: "Plan at {rate}", description: "Shop with outages at {rate} a year.",
        currency: "EUR", services: [
            Service(id: "shop", name: "Web shop", revenue_per_hour: 1000),
        ], threats: [
            Outage(id: "cuts", rate_per_year: {rate}, targets: [Service("shop")],
                   duration: Fixed("10h")),
        ], risk_appetite: [(loss: 100000, probability: 0.10)],
        plan: Plan(annual_cost: {cost}))"#
    )
}

#[test]
fn compare_judges_each_plan_against_the_appetite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = write(dir.path(), "a.ron", &plan(50.0, 0));
    let b = write(dir.path(), "b.ron", &plan(0.5, 1000));
    let out = dir.path().join("cmp");
    bcdr()
        .args(["compare", "--trials", "2000", "--quiet", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let md = read(&out.join("report.md"));
    let html = read(&out.join("report.html"));
    assert!(
        md.contains("Yes: plan B brings the estate within the risk appetite"),
        "{md}"
    );
    // The chances in the table are each side's own summary's.
    for (side, verdict) in [("a", "outside"), ("b", "within")] {
        let s = json(&out.join(side).join("summary.json"));
        let ap = &s["risk_appetite"][0];
        let want = if side == "a" { 1.0 } else { 0.0 };
        assert_eq!(num(&ap["simulated"]), want, "side {side}");
        assert_eq!(ap["within"].as_bool(), Some(verdict == "within"));
    }
    assert!(md.contains(
        "| a 10.0% chance a year of losing more than EUR 100,000 | 100.0% | outside | 0.0% | within |"
    ), "{md}");
    // Descriptions, display names, the run's style, the reproduce line.
    for text in [&md, &html] {
        assert!(text.contains("Shop with outages at 50 a year."));
        assert!(text.contains("Shop with outages at 0.5 a year."));
        assert!(text.contains("Web shop"));
        assert!(text.contains("bcdr compare"));
    }
    assert!(html.contains("<style>") && html.contains("data:image/png;base64,"));
    assert!(html.contains("@page{size:A4 landscape"));
}

#[test]
fn compare_of_the_bundled_pair_names_both_verdicts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cmp");
    bcdr()
        .args(["compare", "--trials", "500", "--quiet", "--out"])
        .arg(&out)
        .arg(scenario("ransomware-mutable.ron"))
        .arg(scenario("ransomware-immutable.ron"))
        .assert()
        .success();
    let md = read(&out.join("report.md"));
    assert!(md.contains("## Risk appetite: does plan B bring us within it?"));
    let verdicts = ["Yes: plan B", "Both plans are within", "No: plan B"];
    assert!(verdicts.iter().any(|v| md.contains(v)), "{md}");
    assert!(out.join("report.html").exists());
    assert!(
        out.join("compare.md").exists(),
        "compare.md is still written"
    );
}

/// A fire destroys the database at time zero; it comes back from the last
/// backup, so it loses the time since that backup: Uniform(0, I) with the
/// backup interval I. Mean I/2; with a 3 h RPO, P(loss > 3 h) =
/// max(0, 1 − 3/I).
const FIRE: &str = r#"Scenario(name: "fire", description: "One database in one room.",
    sites: [Site(id: "dc")], services: [
    Service(id: "db", name: "Customer database", site: "dc", rpo: "3h", revenue_per_hour: 1000,
            backup: (interval: "4h", restore: Exponential(mean: "10h"))),
], threats: [Disaster(id: "fire", rate_per_year: 0.01, targets: [Site("dc")])])"#;

fn sweep(dir: &Path, set: &str, trials: u64) -> (Value, String) {
    let file = write(dir, "fire.ron", FIRE);
    let out = dir.join(set.replace(['=', ','], "_"));
    bcdr()
        .args(["sweep", "--threat", "fire", "--quiet", "--trials"])
        .arg(trials.to_string())
        .args(["--set", set, "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    assert!(out.join("report.html").exists());
    (json(&out.join("sweep.json")), read(&out.join("report.md")))
}

#[test]
fn sweeping_a_backup_interval_shows_data_loss_against_the_rpo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 4000;
    let (s, md) = sweep(dir.path(), "services.db.backup.interval=2h,4h,8h", n);
    for p in s["points"].as_array().expect("points") {
        let i = num(&p["value"]);
        let db = &p["services"][0];
        let lost = &db["data_loss_hours"];
        let (mean, se) = (num(&lost["mean"]), num(&lost["std_error"]));
        assert!(
            (mean - i / 2.0).abs() <= Z * se + 1e-9,
            "interval {i}: data lost {mean} ± {se}, expected {}",
            i / 2.0
        );
        assert_eq!(num(&db["rpo_hours"]), 3.0);
        let above = num(&db["data_loss_above_rpo"]);
        let want = (1.0 - 3.0 / i).max(0.0);
        let tol = Z * (want * (1.0 - want) / n as f64).sqrt() + 0.01;
        assert!(
            (above - want).abs() <= tol,
            "interval {i}: {above} vs {want}"
        );
    }
    assert!(md.contains("One database in one room."));
    assert!(md.contains("## Service Customer database"));
    assert!(md.contains("| above RPO |"), "{md}");
    assert!(md.contains("against its 3h RPO"), "{md}");
}

/// The share of drills losing more than the RPO is counted drill by drill,
/// not read off the histogram: with a 3.03 h RPO and a 3.05 h interval,
/// the losses from 3 h to 3.05 h share one histogram bucket with the RPO
/// inside it, which read them all as within it (0%), where 1 − 3.03/3.05
/// ≈ 0.66% are above.
#[test]
fn data_lost_above_the_rpo_is_counted_exactly_near_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(
        dir.path(),
        "fire.ron",
        &FIRE.replace(r#"rpo: "3h""#, r#"rpo: "3.03h""#),
    );
    let out = dir.path().join("out");
    let n = 20_000;
    bcdr()
        .args(["sweep", "--threat", "fire", "--quiet", "--trials"])
        .arg(n.to_string())
        .args(["--set", "services.db.backup.interval=3.05h", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let s = json(&out.join("sweep.json"));
    let db = &s["points"][0]["services"][0];
    let above = num(&db["data_loss_above_rpo"]);
    let want = 1.0 - 3.03 / 3.05;
    let tol = Z * (want * (1.0 - want) / n as f64).sqrt();
    assert!(
        above > 0.0 && (above - want).abs() <= tol,
        "{above} vs {want} ± {tol}"
    );
}

/// Setting the median of an Exponential restore to v makes its mean
/// v / ln 2; the loss of a drill is EUR 1,000 an hour of that outage.
#[test]
fn sweeping_a_restore_median_scales_the_distribution() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (s, md) = sweep(dir.path(), "services.db.backup.restore=5h,10h", 4000);
    for p in s["points"].as_array().expect("points") {
        let v = num(&p["value"]);
        let (mean, se) = (num(&p["loss"]["mean"]), num(&p["loss"]["std_error"]));
        let want = 1000.0 * v / std::f64::consts::LN_2;
        assert!(
            (mean - want).abs() <= Z * se,
            "median {v}: loss {mean} ± {se}, expected {want}"
        );
    }
    assert!(md.contains("the median of the distribution; its shape is kept"));
}

#[test]
fn every_new_sweep_path_parses_and_is_checked_against_the_scenario() {
    let cases = [
        (
            "services.db.backup.restore=1h,2h",
            Param::Median("db".into(), DurationField::Restore),
        ),
        (
            "services.db.backup.rebuild=1h,2h",
            Param::Median("db".into(), DurationField::Rebuild),
        ),
        (
            "services.db.failover.switchover=5m,15m",
            Param::Median("db".into(), DurationField::Switchover),
        ),
        (
            "services.db.failure.repair=1h,2h",
            Param::Median("db".into(), DurationField::Repair),
        ),
        (
            "services.db.failure.mtbf=100h,1000h",
            Param::Mtbf("db".into()),
        ),
        (
            "services.db.spread_probability=0..1:0.5",
            Param::ServiceSpread("db".into()),
        ),
        (
            "services.db.revenue_per_hour=0,1000",
            Param::ServiceMoney("db".into(), ServiceMoney::RevenuePerHour),
        ),
        (
            "threats.rw.detection=1d,10d",
            Param::ThreatMedian("rw".into(), ThreatDuration::Detection),
        ),
        (
            "threats.rw.dwell=1d,10d",
            Param::ThreatMedian("rw".into(), ThreatDuration::Dwell),
        ),
        (
            "threats.rw.backup_compromise=0,0.5,1",
            Param::ThreatProbability("rw".into(), ThreatProb::BackupCompromise),
        ),
        (
            "threats.rw.spread.probability=0.1,0.9",
            Param::ThreatProbability("rw".into(), ThreatProb::Spread),
        ),
    ];
    for (text, want) in cases {
        let s = Setting::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(s.param, want, "{text}");
    }
    assert!(Setting::parse("threats.rw.backup_compromise=1.5").is_err());
    // A ransomware parameter on a threat that is not ransomware.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "fire.ron", FIRE);
    let out = bcdr()
        .args([
            "sweep",
            "--trials",
            "10",
            "--quiet",
            "--set",
            "threats.fire.detection=1d,2d",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("not a Ransomware threat"),
        "{err}"
    );
    // A duration the service does not have.
    let out = bcdr()
        .args([
            "sweep",
            "--trials",
            "10",
            "--quiet",
            "--set",
            "services.db.backup.rebuild=1h",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("has no backup.rebuild"),
        "{err}"
    );
}

/// The bundled bank: run and drill reports open with the description and
/// list services by display name.
#[test]
fn run_and_drill_reports_show_the_description_and_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (cmd, extra) in [("run", vec![]), ("drill", vec!["--threat", "ransomware"])] {
        let out = dir.path().join(cmd);
        bcdr()
            .arg(cmd)
            .arg(scenario("regional-bank.ron"))
            .args(extra)
            .args(["--trials", "300", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        let md = read(&out.join("report.md"));
        assert!(
            md.contains("Regional retail bank: core banking, payments"),
            "{cmd}"
        );
        assert!(md.contains("| Core banking database |"), "{cmd}: {md}");
        let html = read(&out.join("report.html"));
        assert!(html.contains("<table class=\"wide\">"), "{cmd}");
    }
}
