//! `bcdr compare`: common random numbers, the paired driver and the
//! comparison files.

use std::path::Path;

use bcdr::sim::compare::simulate_pair;
use bcdr::sim::{self, Mode, SimPlan, Trial};
use bcdr::stats::Accumulator;

use crate::common::{bcdr, read_json, write};
use crate::shards::fails_with;

/// Standard errors allowed between two estimates (a correct engine fails
/// a given check with probability under 1e-4).
const Z: f64 = 4.0;

/// Plan A: one recovery crew, no failover.
const PLAN_A: &str = r#"Scenario(
    name: "Shop, plan A", currency: "EUR", horizon: "1y",
    sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    services: [
        Service(id: "network", tier: Infrastructure, site: "dc-1",
                failure: (mtbf: "2000h", repair: Exponential(mean: "2h")),
                backup: (rebuild: Exponential(mean: "12h"))),
        Service(id: "db", tier: Platform, site: "dc-1", depends_on: ["network"],
                failure: (mtbf: "3000h", repair: Triangular(min: "1h", mode: "3h", max: "12h")),
                backup: (interval: "4h", restore: Uniform(min: "6h", max: "18h")),
                rto: "4h", rpo: "1h", data_loss_cost_per_hour: 2000),
        Service(id: "shop", tier: Business, site: "dc-1", depends_on: ["db"],
                failure: (mtbf: "1500h", repair: Exponential(mean: "1h")),
                backup: (interval: "24h", restore: Exponential(mean: "8h")),
                revenue_per_hour: 10000, cost_per_outage: 500, rto: "2h", mtpd: "24h"),
    ],
    threats: [
        Outage(id: "power", rate_per_year: 1.0, targets: [Site("dc-1")], duration: Exponential(mean: "3h")),
        Disaster(id: "fire", rate_per_year: 0.2, targets: [Site("dc-1")]),
        LossEvent(id: "breach", rate_per_year: 0.1, cost: Uniform(min: 10000, max: 200000)),
    ],
    plan: Plan(crews: 1, annual_cost: 50000),
)"#;

/// Plan B: the same estate with three crews and failover to dc-2.
fn plan_b() -> String {
    PLAN_A
        .replace("plan A", "plan B")
        .replace(
            "crews: 1, annual_cost: 50000",
            "crews: 3, annual_cost: 120000",
        )
        .replace(
            r#"backup: (rebuild: Exponential(mean: "12h"))),"#,
            r#"backup: (rebuild: Exponential(mean: "12h")),
               failover: (site: "dc-2", switchover: Fixed("5m"), success: 0.95)),"#,
        )
        .replace(
            r#"restore: Exponential(mean: "8h")),"#,
            r#"restore: Exponential(mean: "8h")),
               failover: (site: "dc-2", switchover: Fixed("15m"), success: 0.9),"#,
        )
}

fn plan(text: &str) -> SimPlan {
    let model = bcdr::scenario::parse_str(text).unwrap_or_else(|e| panic!("invalid: {e}"));
    SimPlan::compile(&model)
}

/// Sample moments of one series: mean, variance (n − 1), and the
/// standard error of that variance, √((m₄ − s⁴)/n), the asymptotic
/// distribution-free form.
fn variance_with_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = x.iter().map(|v| (v - mean).powi(4)).sum::<f64>() / n;
    (var, ((m4 - var * var).max(0.0) / n).sqrt())
}

/// Sample covariance and its standard error, √(Var[(a − ā)(b − b̄)]/n).
fn covariance_with_se(a: &[f64], b: &[f64]) -> (f64, f64) {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let prods: Vec<f64> = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).collect();
    let cov = prods.iter().sum::<f64>() / (n - 1.0);
    let mp = prods.iter().sum::<f64>() / n;
    let var_p = prods.iter().map(|p| (p - mp).powi(2)).sum::<f64>() / (n - 1.0);
    (cov, (var_p / n).sqrt())
}

/// The variance of the difference of two plans is Var A + Var B − 2 Cov.
/// With independent streams Cov = 0; with common random numbers the plans
/// share every failure and attack, Cov is large and positive, and the
/// difference's variance shrinks. Every tolerance below is Z standard
/// errors of the sample statistics, estimated from the same samples.
#[test]
fn common_random_numbers_shrink_the_variance_of_the_difference() {
    let (pa, pb) = (plan(PLAN_A), plan(&plan_b()));
    let n = 3000u64;
    let seed = 11;
    let (mut ta, mut tb) = (Trial::new(&pa), Trial::new(&pb));
    let (mut acc_a, mut acc_b) = (
        Accumulator::new(pa.n_services, pa.threats.len()),
        Accumulator::new(pb.n_services, pb.threats.len()),
    );
    let mut la = Vec::new();
    let mut lb_crn = Vec::new();
    let mut lb_ind = Vec::new();
    for t in 0..n {
        la.push(ta.run(&pa, Mode::Annual, seed, t, &mut acc_a));
        lb_crn.push(tb.run(&pb, Mode::Annual, seed, t, &mut acc_b));
        lb_ind.push(tb.run(&pb, Mode::Annual, seed + 1, t, &mut acc_b));
    }
    let d_crn: Vec<f64> = la.iter().zip(&lb_crn).map(|(a, b)| a - b).collect();
    let d_ind: Vec<f64> = la.iter().zip(&lb_ind).map(|(a, b)| a - b).collect();
    let (v_crn, se_crn) = variance_with_se(&d_crn);
    let (v_ind, se_ind) = variance_with_se(&d_ind);
    assert!(
        v_crn + Z * se_crn < v_ind - Z * se_ind,
        "Var(A−B) with CRN {v_crn} ± {se_crn} is not below independent {v_ind} ± {se_ind}"
    );

    // Var(A − B) = Var A + Var B − 2 Cov(A, B), sample for sample.
    let (va, _) = variance_with_se(&la);
    let (vb, _) = variance_with_se(&lb_crn);
    let (cov, se_cov) = covariance_with_se(&la, &lb_crn);
    let identity = va + vb - 2.0 * cov;
    assert!(
        (identity - v_crn).abs() <= 1e-9 * v_crn.max(1.0),
        "{identity} vs {v_crn}"
    );
    assert!(cov - Z * se_cov > 0.0, "CRN covariance {cov} ± {se_cov}");
    // Independent streams: no covariance beyond sampling error.
    let (cov_ind, se_ind_cov) = covariance_with_se(&la, &lb_ind);
    assert!(
        cov_ind.abs() <= Z * se_ind_cov,
        "independent covariance {cov_ind} ± {se_ind_cov}"
    );

    // The paired driver accumulates exactly these differences, on any
    // thread count, and each of its sides is a plain run.
    let crn =
        simulate_pair(&pa, &pb, Mode::Annual, [seed, seed], 0..n, Some(3), None).expect("runs");
    let ind = simulate_pair(
        &pa,
        &pb,
        Mode::Annual,
        [seed, seed + 1],
        0..n,
        Some(1),
        None,
    )
    .expect("runs");
    let rel = |x: f64, y: f64| (x - y).abs() / y.abs().max(1.0);
    assert!(rel(crn.diff.sum.variance(), v_crn) < 1e-6);
    assert!(rel(ind.diff.sum.variance(), v_ind) < 1e-6);
    let mean_crn = d_crn.iter().sum::<f64>() / n as f64;
    assert!(rel(crn.diff.sum.mean(), mean_crn) < 1e-6);
    let b_less = d_crn.iter().filter(|d| **d > 0.0).count() as u64;
    assert_eq!(crn.diff.positive(), b_less);
    let plain = sim::simulate(&pa, Mode::Annual, seed, 0..n, Some(2), None).expect("runs");
    assert_eq!(crn.a, plain);
    let single =
        simulate_pair(&pa, &pb, Mode::Annual, [seed, seed], 0..n, Some(1), None).expect("runs");
    assert_eq!(single, crn, "thread count changed the paired result");
}

/// Regression: when plan B loses more, the mean difference is negative,
/// and it must read back as such (exact sums once returned about zero for
/// any negative total). Swapping the plans negates every paired
/// difference, so it negates the mean exactly.
#[test]
fn a_worse_plan_b_gives_a_negative_difference() {
    let (pa, pb) = (plan(PLAN_A), plan(&plan_b()));
    let ab = simulate_pair(&pa, &pb, Mode::Annual, [5, 5], 0..1500, None, None).expect("runs");
    let ba = simulate_pair(&pb, &pa, Mode::Annual, [5, 5], 0..1500, None, None).expect("runs");
    let forward = ab.diff.sum.mean();
    assert!(
        forward > 0.0,
        "plan B (failover, three crews) loses less: {forward}"
    );
    assert_eq!(ba.diff.sum.mean(), -forward);
    assert_eq!(ba.diff.sum.std_error(), ab.diff.sum.std_error());
    // ... and equals the difference of the two sides' expected losses.
    let eal = |acc: &Accumulator| acc.annual_loss.mean();
    assert!((ba.diff.sum.mean() - (eal(&ba.a) - eal(&ba.b))).abs() < 1e-6 * forward);
}

/// A plan compared with itself differs in nothing: every trial's
/// difference is exactly zero, and so is every per-service change.
#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let p = plan(PLAN_A);
    let pair = simulate_pair(&p, &p, Mode::Annual, [3, 3], 0..700, None, None).expect("runs");
    assert_eq!(pair.diff.ties, 700);
    assert_eq!(pair.diff.count(), 700);
    assert_eq!(pair.diff.sum.sum(), 0.0);
    assert_eq!(pair.a, pair.b);

    let dir = tempfile::tempdir().expect("temp dir");
    let a = write(dir.path(), "shop.ron", PLAN_A);
    let out = dir.path().join("self");
    bcdr()
        .args(["compare", "--trials", "700", "--seed", "3", "-q", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&a)
        .assert()
        .success();
    let c = read_json(&out.join("compare.json"));
    let d = &c["difference"];
    for field in ["mean", "std_error", "p5", "p50", "p95", "min", "max"] {
        assert_eq!(d[field].as_f64(), Some(0.0), "difference.{field}");
    }
    assert_eq!(d["mean_ci95"], serde_json::json!([0.0, 0.0]));
    assert_eq!(d["probability_b_loses_less"].as_f64(), Some(0.0));
    assert_eq!(d["probability_a_loses_less"].as_f64(), Some(0.0));
    assert_eq!(d["probability_equal"].as_f64(), Some(1.0));
    assert_eq!(d["correlation"].as_f64(), Some(1.0));
    assert!(d["variance_reduction_vs_independent"].is_null());
    let r = &c["return_on_plan"];
    assert_eq!(r["delta_eal"].as_f64(), Some(0.0));
    assert!(r["rosi"].is_null(), "equal costs: ROSI undefined");
    assert!(r["note"].as_str().is_some_and(|n| n.contains("same")));
    let services = c["services"].as_array().expect("services");
    assert_eq!(services.len(), 3);
    for s in services {
        assert_eq!(s["present_in"], "both");
        for (k, v) in s["change"].as_object().expect("a change") {
            assert!(
                v.is_null() || v.as_f64() == Some(0.0),
                "{}: change.{k} = {v}",
                s["id"]
            );
        }
    }
    for t in c["threats"].as_array().expect("threats") {
        assert_eq!(t["change"]["loss"].as_f64(), Some(0.0), "{}", t["id"]);
        assert_eq!(t["change"]["occurrences"].as_f64(), Some(0.0));
    }
}

/// Two plans whose insured losses are equal on paper: a fine of 50 000 or
/// 60 000, both inside the policy's layer (20 000 deductible, 100 000
/// limit), so each year nets to the same revenue lost + 20 000 + premium.
/// In floating point the two nets can come out some ulps apart (the
/// revenue lost is added to different fines before the recovery is taken
/// off): ties, not years in which one plan loses less.
#[test]
fn insured_losses_equal_on_paper_tie() {
    let scenario = |fine: u32| {
        format!(
            r#"Scenario(name: "fine {fine}", services: [
            Service(id: "shop", revenue_per_hour: 1234.567,
                failure: (mtbf: "500h", repair: Exponential(mean: "3h")))],
            threats: [LossEvent(id: "fine", rate_per_year: 0.8, cost: Fixed({fine}))],
            insurance: [Policy(id: "cover", covers: ["fine"], deductible: 20000,
                limit: 100000, premium: 1000)])"#
        )
    };
    let (a, b) = (plan(&scenario(50_000)), plan(&scenario(60_000)));
    let n = 4000;
    let pair = simulate_pair(&a, &b, Mode::Annual, [5, 5], 0..n, None, None).expect("runs");
    assert_eq!(pair.diff.ties, n, "every year ties");
    assert_eq!(pair.diff.sum.sum(), 0.0);
    // Without the tie rule, some years of the pair differ by rounding.
    let (mut ta, mut tb) = (Trial::new(&a), Trial::new(&b));
    let (mut acc_a, mut acc_b) = (a.accumulator(), b.accumulator());
    let noisy = (0..n)
        .filter(|&t| {
            let la = ta.run(&a, Mode::Annual, 5, t, &mut acc_a);
            let lb = tb.run(&b, Mode::Annual, 5, t, &mut acc_b);
            la != lb
        })
        .count();
    assert!(noisy > 0, "the rounding this test is about did not happen");
}

/// Each side's summary.json is the summary `bcdr run` writes for it with
/// the same seed and trials; services and threats are matched by id.
#[test]
fn compare_writes_both_sides_and_matches_by_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = write(dir.path(), "a.ron", PLAN_A);
    // B adds a monitoring service and drops the breach threat.
    let b_text = plan_b()
        .replace(
            r#"        Service(id: "shop","#,
            r#"        Service(id: "monitoring", site: "dc-2", failure: (mtbf: "500h", repair: Fixed("1h"))),
        Service(id: "shop","#,
        )
        .replace(
            r#"LossEvent(id: "breach", rate_per_year: 0.1, cost: Uniform(min: 10000, max: 200000)),"#,
            "",
        );
    let b = write(dir.path(), "b.ron", &b_text);
    let out = dir.path().join("cmp");
    bcdr()
        .args(["compare", "--trials", "1500", "--seed", "5", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let run_a = dir.path().join("run-a");
    bcdr()
        .args(["run", "--trials", "1500", "--seed", "5", "-q", "--out"])
        .arg(&run_a)
        .arg(&a)
        .assert()
        .success();
    let bytes = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert_eq!(
        bytes(&out.join("a/summary.json")),
        bytes(&run_a.join("summary.json"))
    );
    for f in [
        "compare.md",
        "compare_services.csv",
        "compare_threats.csv",
        "compare_difference.csv",
        "compare_loss_exceedance.png",
        "compare_loss_exceedance.svg",
        "compare_difference.png",
        "compare_difference.svg",
        "b/summary.json",
        "b/services.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }

    let c = read_json(&out.join("compare.json"));
    let find = |list: &str, id: &str| {
        c[list]
            .as_array()
            .and_then(|v| v.iter().find(|x| x["id"] == id).cloned())
            .unwrap_or_else(|| panic!("{list} {id} missing"))
    };
    let mon = find("services", "monitoring");
    assert_eq!(mon["present_in"], "only_b");
    assert!(mon["a"].is_null() && mon["change"].is_null());
    let breach = find("threats", "breach");
    assert_eq!(breach["present_in"], "only_a");
    let db = find("services", "db");
    let change = db["change"]["loss"].as_f64().expect("db loss change");
    let (la, lb) = (
        db["a"]["loss"].as_f64().expect("a"),
        db["b"]["loss"].as_f64().expect("b"),
    );
    assert_eq!(change, lb - la);

    // ΔEAL agrees with the two sides' means (up to the fixed-point
    // rounding of each sum), and ROSI follows from it and the costs.
    let d = &c["difference"];
    let ea = c["a"]["expected_annual_loss"].as_f64().expect("EAL A");
    let eb = c["b"]["expected_annual_loss"].as_f64().expect("EAL B");
    let mean = d["mean"].as_f64().expect("mean");
    assert!(
        (mean - (ea - eb)).abs() < 1e-6 * ea.max(1.0),
        "{mean} vs {ea} - {eb}"
    );
    let r = &c["return_on_plan"];
    assert_eq!(r["delta_cost"].as_f64(), Some(70_000.0));
    let rosi = r["rosi"].as_f64().expect("B costs more: ROSI defined");
    assert!((rosi - (mean - 70_000.0) / 70_000.0).abs() < 1e-12);
    let p_sum: f64 = [
        "probability_b_loses_less",
        "probability_a_loses_less",
        "probability_equal",
    ]
    .iter()
    .map(|k| d[*k].as_f64().expect("probability"))
    .sum();
    assert!((p_sum - 1.0).abs() < 1e-12);
    let (p5, p50, p95) = (
        d["p5"].as_f64().expect("p5"),
        d["p50"].as_f64().expect("p50"),
        d["p95"].as_f64().expect("p95"),
    );
    assert!(p5 <= p50 && p50 <= p95);
}

#[test]
fn compare_refuses_different_horizons() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = write(dir.path(), "a.ron", PLAN_A);
    let b = write(
        dir.path(),
        "b.ron",
        &PLAN_A.replace(r#"horizon: "1y""#, r#"horizon: "2y""#),
    );
    let out = dir.path().join("never");
    let mut cmd = bcdr();
    cmd.args(["compare", "--trials", "10", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b);
    fails_with(cmd, "same horizon");
    assert!(!out.exists());
}

/// Two plans over a two-year horizon: the screen, compare.md, the report
/// and the charts say what period a loss is for ("per 2y", "trials"),
/// never "annual" or "of years". (The plan's cost stays a year's, and so
/// do the net benefit and ROSI sentences built on it.)
#[test]
fn a_two_year_horizon_compares_losses_per_2y() {
    let dir = tempfile::tempdir().expect("temp dir");
    let two = |text: &str| text.replace(r#"horizon: "1y""#, r#"horizon: "2y""#);
    let a = write(dir.path(), "a.ron", &two(PLAN_A));
    let b = write(dir.path(), "b.ron", &two(&plan_b()));
    let out = dir.path().join("out");
    let assert = bcdr()
        .args(["compare", "--trials", "500", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let screen = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for want in [
        "  expected loss per 2y   A EUR ",
        "  difference A - B       EUR ",
        " per 2y (95% CI ",
        "  per 2y, A - B          p5 ",
        " of trials, more in ",
    ] {
        assert!(screen.contains(want), "{want:?} not in\n{screen}");
    }
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);
    let md = read("compare.md");
    for want in [
        "- Expected loss per 2y: A EUR ",
        "## Loss per 2y",
        "| expected loss per 2y |",
        "| 1-in-100 trial loss (p99) |",
        "loss/2y A",
    ] {
        assert!(md.contains(want), "{want:?} not in compare.md");
    }
    let report = read("report.md");
    assert!(report.contains("## Loss per 2y"), "{report}");
    // The horizon as the run says it, not "730d".
    assert!(report.contains("500 paired trials of 2y each"), "{report}");
    assert!(report.contains("| Expected loss per 2y |"), "{report}");
    for (file, text) in [("compare.md", &md), ("report.md", &report)] {
        for not in [
            "Expected annual loss",
            "Annual loss",
            "of years",
            "1-in-100 year",
        ] {
            assert!(!text.contains(not), "{not:?} in {file}");
        }
    }
    let lec = read("compare_loss_exceedance.svg");
    assert!(lec.contains("loss per 2y (EUR), log scale"), "{lec}");
    assert!(lec.contains("probability a trial loses more than this"));
    let diff = read("compare_difference.svg");
    assert!(diff.contains("Difference in loss per 2y, A − B"), "{diff}");
    assert!(diff.contains("share of trials"));
    // The plans' costs are a year's: over two years, twice the difference
    // of their annual costs comes off the loss B saves.
    let c = read_json(&out.join("compare.json"));
    let cost = |side: &str| c[side]["annual_cost"].as_f64().expect("annual_cost");
    let r = &c["return_on_plan"];
    let delta_cost = r["delta_cost"].as_f64().expect("delta_cost");
    assert_eq!(delta_cost, 2.0 * (cost("b") - cost("a")));
    assert_eq!(
        r["net_benefit"].as_f64(),
        Some(r["delta_eal"].as_f64().expect("delta_eal") - delta_cost)
    );
    assert!(!screen.contains(" a year"), "{screen}");
}
