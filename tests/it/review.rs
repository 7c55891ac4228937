//! The quarterly review loop (issue 17): trend significance, the explain
//! waterfall's exact sum, tornado bars against sweep endpoints, importance
//! on a 2-of-3 quorum against its closed form, and the CI gates' exit
//! codes.

use bcdr::review::explain::{explain, EntityKind, ExplainRun};
use bcdr::review::importance::{importance, ImportanceRun};
use bcdr::review::tornado::{tornado, TornadoRun};
use bcdr::scenario;
use bcdr::sim::{self, Mode, SimPlan};
use bcdr::stats::Summary;
use bcdr::sweep::{self, Setting, SweepRun};

use crate::common::{assert_close, bcdr, integrate, p_up, read_json, scenario as bundled, write};

const TUTORIAL: &str = include_str!("../../scenarios/tutorial.ron");

/// The expected annual loss `bcdr run` reports for `text`.
fn run_mean(text: &str, seed: u64, trials: u64) -> f64 {
    let m = scenario::parse_str(text).expect("valid");
    let acc = sim::simulate(
        &SimPlan::compile(&m),
        Mode::Annual,
        seed,
        0..trials,
        None,
        None,
    )
    .expect("runs");
    Summary::build(&m, seed, &acc).annual_loss.mean
}

/// NEW for the explain test: a second crew, a better failover, a CRM and
/// its database added (the CRM listed first, so it cannot stand alone), the
/// fire removed, a CRM outage added, a stricter appetite.
fn tutorial_next_quarter() -> String {
    TUTORIAL
        .replace("plan: Plan(crews: 1)", "plan: Plan(crews: 2)")
        .replace("success: 0.9,", "success: 0.99,")
        .replace(
            "    ],\n    threats: [",
            "        Service(id: \"crm\", tier: Business, depends_on: [\"crm-db\"], revenue_per_hour: 300),\n        Service(id: \"crm-db\", tier: Platform, site: \"cloud\", failure: (mtbf: \"2000h\", repair: Exponential(mean: \"3h\"))),\n    ],\n    threats: [\n        Outage(id: \"crm-bug\", rate_per_year: 4, targets: [Service(\"crm\")], duration: Exponential(mean: \"2h\")),",
        )
        .replace(
            "        Disaster(id: \"office-fire\", rate_per_year: 0.02, targets: [Site(\"office\")],\n            response_cost: Pert(min: 10000, mode: 30000, max: 100000)),\n",
            "",
        )
        .replace("probability: 0.10)", "probability: 0.05)")
}

#[test]
fn explain_contributions_add_up_exactly_to_the_total() {
    let new_text = tutorial_next_quarter();
    assert_ne!(new_text, TUTORIAL);
    let (old, new) = (
        scenario::parse_raw(TUTORIAL).expect("old parses"),
        scenario::parse_raw(&new_text).expect("new parses"),
    );
    scenario::parse_str(&new_text).expect("new validates");
    let (seed, trials) = (7, 1500);
    let e = explain(
        &old,
        &new,
        &ExplainRun {
            old_file: "old.ron",
            new_file: "new.ron",
            seed,
            trials,
            threads: None,
        },
        None,
    )
    .expect("explains");
    // Entity by entity, in NEW's order; the CRM waits for its database.
    let labels: Vec<&str> = e.steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "service \"booking-db\" changed (failover)",
            "service \"crm\" added + service \"crm-db\" added",
            "threat \"crm-bug\" added",
            "threat \"office-fire\" removed",
            "appetite changed",
            "plan changed (crews 1 → 2)",
        ]
    );
    assert!(e
        .steps
        .iter()
        .all(|s| s.changes.iter().all(|c| c.kind != EntityKind::Order)));
    // Exactly, in fixed-point units...
    let sum: i128 = e
        .steps
        .iter()
        .map(|s| s.exact_units.parse::<i128>().expect("integer"))
        .sum();
    assert_eq!(sum, e.total_exact_units.parse::<i128>().expect("integer"));
    // ... and in money to rounding.
    let f: f64 = e.steps.iter().map(|s| s.contribution.mean).sum();
    assert_close(
        "sum of contributions",
        f,
        e.total.mean,
        1e-9 * e.total.mean.abs().max(1.0),
    );
    // The ends are what `bcdr run` gives for each file.
    assert_eq!(e.old_expected_annual_loss, run_mean(TUTORIAL, seed, trials));
    assert_eq!(
        e.new_expected_annual_loss,
        run_mean(&new_text, seed, trials)
    );
    assert_close(
        "total change",
        e.total.mean,
        e.new_expected_annual_loss - e.old_expected_annual_loss,
        1e-6,
    );
    // The appetite changes no loss: exactly 0, with a zero-width interval.
    let appetite = &e.steps[4].contribution;
    assert_eq!((appetite.mean, appetite.std_error), (0.0, 0.0));
    // The last step's loss is NEW's.
    assert_eq!(
        e.steps.last().map(|s| s.expected_annual_loss),
        Some(e.new_expected_annual_loss)
    );
}

/// A changed entry names the fields that changed, with their values when
/// both are plain (a planner reads what moved the loss, not only where).
#[test]
fn explain_names_the_fields_that_changed() {
    let new_text = SMALL
        .replace("revenue_per_hour: 1000", "revenue_per_hour: 1250.5")
        .replace(
            r#"depends_on: ["db"], revenue_per_hour"#,
            r#"depends_on: ["db"], name: "Web shop", revenue_per_hour"#,
        )
        .replace(
            r#"rto: "4h"),
    ],"#,
            r#"rto: "2h"),
    ],"#,
        );
    let (old, new) = (
        scenario::parse_raw(SMALL).expect("old parses"),
        scenario::parse_raw(&new_text).expect("new parses"),
    );
    let changes = bcdr::review::explain::changes(&old, &new);
    let labels: Vec<String> = changes.iter().map(|c| c.label()).collect();
    assert_eq!(
        labels,
        [
            r#"service "shop" changed (name none → Web shop, rto 4h → 2h, revenue_per_hour EUR 1,000 → EUR 1,250.5)"#
        ]
    );
    // A name with a quote in it would show Debug's escapes: named alone.
    let quoted = SMALL.replace(
        r#"depends_on: ["db"], revenue_per_hour"#,
        r#"depends_on: ["db"], name: "a\"b", revenue_per_hour"#,
    );
    let new = scenario::parse_raw(&quoted).expect("parses");
    let labels: Vec<String> = bcdr::review::explain::changes(&old, &new)
        .iter()
        .map(|c| c.label())
        .collect();
    assert_eq!(labels, [r#"service "shop" changed (name)"#]);
    // The plan's fields too (found by an independent check: "plan
    // changed" named nothing).
    let new = scenario::parse_raw(&SMALL.replace("crews: 2", "crews: 3")).expect("parses");
    let labels: Vec<String> = bcdr::review::explain::changes(&old, &new)
        .iter()
        .map(|c| c.label())
        .collect();
    assert_eq!(labels, ["plan changed (crews 2 → 3)"]);
}

const SMALL: &str = r#"Scenario(name: "small", currency: "EUR", horizon: "1y",
    sites: [Site(id: "dc")],
    services: [
        Service(id: "db", site: "dc", failure: (mtbf: "1000h", repair: Exponential(mean: "6h")), rto: "4h"),
        Service(id: "shop", depends_on: ["db"], revenue_per_hour: 1000, cost_per_outage: 200, rto: "4h"),
    ],
    threats: [Outage(id: "power", rate_per_year: 2, targets: [Site("dc")], duration: LogNormal(median: "1h", p90: "6h"))],
    plan: Plan(crews: 2),
)"#;

/// A rate of 0.3 and a failover success of 0.95 moved by 25% read
/// "0.22499999999999998 → 0.375" and "0.7124999999999999 → 1" in the
/// tornado's report; the ends are now the decimals a person writes, and
/// `sweep --set` with them as written gives the bar's ends exactly.
#[test]
fn tornado_ends_are_the_decimals_a_person_writes() {
    let text = r#"Scenario(name: "tidy", horizon: "1y",
    sites: [Site(id: "dc"), Site(id: "dr")],
    services: [
        Service(id: "db", site: "dc", failure: (mtbf: "1000h", repair: Exponential(mean: "6h")),
            failover: (site: "dr", switchover: Fixed("1h"), success: 0.95), rto: "4h"),
        Service(id: "shop", depends_on: ["db"], revenue_per_hour: 1000, rto: "4h"),
    ],
    threats: [Disaster(id: "fire", rate_per_year: 0.3, targets: [Site("dc")])],
)"#;
    let model = scenario::parse_str(text).expect("valid");
    let t = tornado(
        &model,
        &TornadoRun {
            vary: 0.25,
            seed: 1,
            trials: 200,
            threads: None,
        },
        None,
    )
    .expect("tornado");
    for (path, low, high) in [
        ("threats.fire.rate_per_year", "0.225", "0.375"),
        ("services.db.failover.success", "0.7125", "1"),
    ] {
        let bar = t
            .bars
            .iter()
            .find(|b| b.path == path)
            .unwrap_or_else(|| panic!("no bar {path}"));
        assert_eq!(
            (bar.low_label.as_str(), bar.high_label.as_str()),
            (low, high),
            "{path}"
        );
        let typed = Setting::parse(&format!("{path}={low},{high}")).expect("parses");
        assert_eq!(typed.values, vec![bar.low, bar.high], "{path}");
    }
}

#[test]
fn a_tornado_bar_equals_the_matching_sweep_endpoints() {
    let model = scenario::parse_str(SMALL).expect("valid");
    let (seed, trials) = (3, 1000);
    let t = tornado(
        &model,
        &TornadoRun {
            vary: 0.25,
            seed,
            trials,
            threads: None,
        },
        None,
    )
    .expect("tornado");
    assert_eq!(t.base_expected_annual_loss, run_mean(SMALL, seed, trials));
    // Largest swing first.
    assert!(t.bars.windows(2).all(|w| w[0].swing >= w[1].swing));
    for (path, values) in [
        ("threats.power.rate_per_year", "1.5,2.5"),
        ("services.db.failure.repair.scale", "0.75,1.25"),
        ("services.shop.revenue_per_hour", "750,1250"),
        ("plan.crews", "1,3"),
    ] {
        let bar = t
            .bars
            .iter()
            .find(|b| b.path == path)
            .unwrap_or_else(|| panic!("no bar {path}"));
        let setting = Setting::parse(&format!("{path}={values}")).expect("parses");
        assert_eq!(setting.values, vec![bar.low, bar.high], "{path}");
        let s = sweep::run(
            &model,
            &SweepRun {
                setting: &setting,
                threat: None,
                service: None,
                seed,
                trials,
                threads: None,
            },
            None,
        )
        .expect("sweeps");
        assert_eq!(bar.loss_low, s.points[0].loss.mean, "{path} low");
        assert_eq!(bar.loss_high, s.points[1].loss.mean, "{path} high");
        assert_eq!(
            bar.rto_attainment_low, s.points[0].rto_attainment,
            "{path} RTO low"
        );
        // The change is the paired mean: the sweep point minus the base.
        assert_close(
            &format!("{path} delta high"),
            bar.delta_high.mean,
            s.points[1].loss.mean - t.base_expected_annual_loss,
            1e-6,
        );
    }
    // Revenue is linear: ±25% revenue moves the revenue part by ±25%.
    let rev = t
        .bars
        .iter()
        .find(|b| b.path == "services.shop.revenue_per_hour")
        .expect("bar");
    assert_close(
        "revenue symmetric",
        rev.delta_low.mean,
        -rev.delta_high.mean,
        1e-6,
    );
}

/// `bcdr importance` of scenario `text` with seed 1.
pub(crate) fn importance_of(
    text: &str,
    trials: u64,
    top: usize,
) -> bcdr::review::importance::Importance {
    let model = scenario::parse_str(text).expect("valid");
    let opts = ImportanceRun {
        seed: 1,
        trials,
        threads: None,
        top,
    };
    importance(&model, &opts, None).expect("importance")
}

/// Regression (found by a newcomer's read): a service that only soft
/// dependants need scored 0 in the screening and was never measured on an
/// estate large enough to screen. The portal takes 80% of the shop's
/// revenue while down: it now ranks above a failing service of little
/// revenue, and its worth is measured, positive, with `--top 1`.
#[test]
fn screening_counts_the_revenue_soft_dependants_lose() {
    let text = r#"Scenario(name: "soft", currency: "EUR", horizon: "1y", services: [
        Service(id: "portal", failure: (mtbf: "500h", repair: Fixed("10h"))),
        Service(id: "batch", failure: (mtbf: "500h", repair: Fixed("10h")), revenue_per_hour: 10),
        Service(id: "shop", degrades_on: [(service: "portal", capacity: 0.2)], revenue_per_hour: 1000),
    ])"#;
    let im = importance_of(text, 500, 1);
    let portal = im
        .services
        .iter()
        .find(|s| s.id == "portal")
        .expect("portal");
    let batch = im.services.iter().find(|s| s.id == "batch").expect("batch");
    assert!(portal.rrw_score > batch.rrw_score, "{portal:?} {batch:?}");
    let worth = portal.risk_reduction_worth.expect("measured");
    assert!(worth.mean > 0.0, "{worth:?}");
    assert!(batch.risk_reduction_worth.is_none());
}

#[test]
fn importance_on_a_two_of_three_quorum_matches_its_closed_form() {
    let text = r#"Scenario(name: "quorum", currency: "EUR", horizon: "1y", services: [
        Service(id: "x", failure: (mtbf: "100h", repair: Exponential(mean: "25h"))),
        Service(id: "y", failure: (mtbf: "100h", repair: Exponential(mean: "25h"))),
        Service(id: "z", failure: (mtbf: "100h", repair: Exponential(mean: "25h"))),
        Service(id: "app", depends_on: ["quorum"], revenue_per_hour: 1000),
    ], groups: [Group(id: "quorum", members: ["x", "y", "z"], need: 2)])"#;
    let im = importance_of(text, 2000, 4);
    let (l, m, r) = (0.01, 0.04, 1000.0);
    // Member x never down: the quorum is up unless y and z are both down.
    // RRW = R ∫ [P(quorum down) − (1 − p)²] = R ∫ 2p(1 − p)².
    let rrw = r * integrate(8760.0, |t| {
        let p = p_up(l, m, t);
        2.0 * p * (1.0 - p).powi(2)
    });
    // Member x down all year: the quorum needs y and z.
    // RAW = R ∫ [(1 − p²) − P(quorum down)] = R ∫ 2p²(1 − p).
    let raw = r * integrate(8760.0, |t| {
        let p = p_up(l, m, t);
        2.0 * p * p * (1.0 - p)
    });
    // Stationary: A = 0.8, Birnbaum importance 2A(1 − A) = 0.32 of the
    // year's revenue is RRW + RAW.
    assert_close(
        "RRW + RAW ≈ Birnbaum",
        (rrw + raw) / (r * 8760.0),
        0.32,
        0.005,
    );
    for id in ["x", "y", "z"] {
        let s = im.services.iter().find(|s| s.id == id).expect("member");
        let (a, b) = (
            s.risk_reduction_worth.expect("measured"),
            s.risk_achievement_worth.expect("measured"),
        );
        assert_close(&format!("{id} RRW"), a.mean, rrw, 4.0 * a.std_error);
        assert_close(&format!("{id} RAW"), b.mean, raw, 4.0 * b.std_error);
        assert!(
            a.std_error < 0.05 * rrw && b.std_error < 0.05 * raw,
            "{a:?} {b:?}"
        );
    }
    // `app` never fails and is never hit itself: its RRW is exactly 0; down
    // all year it loses the whole year's revenue that it earns now.
    let app = im.services.iter().find(|s| s.id == "app").expect("app");
    let a = app.risk_reduction_worth.expect("measured");
    assert_eq!((a.mean, a.std_error), (0.0, 0.0));
    let up = 8760.0
        - integrate(8760.0, |t| {
            let p = p_up(l, m, t);
            1.0 - (3.0 * p * p - 2.0 * p * p * p)
        });
    let b = app.risk_achievement_worth.expect("measured");
    assert_close("app RAW", b.mean, r * up, 4.0 * b.std_error + 1.0);
}

#[test]
fn trend_names_what_changed_and_whether_the_loss_moved_significantly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let q2 = write(dir, "q2.ron", TUTORIAL);
    let q3 = write(
        dir,
        "q3.ron",
        &TUTORIAL.replace("revenue_per_hour: 1500", "revenue_per_hour: 3000"),
    );
    let run = |file: &std::path::Path, label: &str, seed: &str, out: &str| {
        bcdr()
            .current_dir(dir)
            .args([
                "run",
                file.to_str().expect("utf-8"),
                "--trials",
                "2000",
                "--seed",
                seed,
                "-q",
            ])
            .args(["--label", label, "--out", out])
            .assert()
            .success();
    };
    run(&q2, "2026-Q2", "1", "q2");
    run(&q2, "2026-Q2-reseeded", "2", "q2b");
    run(&q3, "2026-Q3", "2", "q3");
    let s = read_json(&dir.join("q2/summary.json"));
    assert_eq!(s["label"], "2026-Q2");
    let hash = s["scenario_hash"].as_str().expect("hash");
    assert_eq!(
        hash,
        format!(
            "sha256:{}",
            bcdr::review::hash::sha256_hex(TUTORIAL.as_bytes())
        )
    );
    bcdr()
        .current_dir(dir)
        .args(["trend", "q2", "q2b", "q3", "--out", "trend", "-q"])
        .assert()
        .success();
    let t = read_json(&dir.join("trend/trend.json"));
    let runs = t["runs"].as_array().expect("runs");
    let steps = t["steps"].as_array().expect("steps");
    assert_eq!(runs.len(), 3);
    assert_eq!(steps[0]["changed"], serde_json::json!(["seed"]));
    assert_eq!(steps[1]["changed"], serde_json::json!(["scenario"]));
    for (k, st) in steps.iter().enumerate() {
        let (a, b) = (&runs[k], &runs[k + 1]);
        let f = |v: &serde_json::Value| v.as_f64().expect("number");
        let se = f(&a["std_error"]).hypot(f(&b["std_error"]));
        assert_close(
            "independent SEs add in quadrature",
            f(&st["delta"]["std_error"]),
            se,
            1e-9 * se,
        );
        let mean = f(&b["expected_annual_loss"]) - f(&a["expected_annual_loss"]);
        assert_close("delta", f(&st["delta"]["mean"]), mean, 1e-6);
        let excludes_zero =
            (mean - 1.959_963_984_540_054 * se > 0.0) || (mean + 1.959_963_984_540_054 * se < 0.0);
        assert_eq!(st["delta"]["significant"].as_bool(), Some(excludes_zero));
    }
    // Doubling the revenue moves the loss far beyond the noise; a new seed
    // alone does not.
    assert_eq!(steps[1]["delta"]["significant"], true);
    assert_eq!(steps[0]["delta"]["significant"], false);
    for f in [
        "trend.csv",
        "report.md",
        "report.html",
        "trend_loss.png",
        "trend_appetite.svg",
        "trend_rto.png",
    ] {
        assert!(dir.join("trend").join(f).exists(), "{f}");
    }
    // A folder that is not a run's output is named, with the fix.
    std::fs::create_dir_all(dir.join("graph")).expect("a folder");
    let assert = bcdr()
        .current_dir(dir)
        .args(["trend", "q2", "graph", "--out", "trend2", "-q"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("graph: not the output folder of bcdr run (it has no summary.json)"),
        "{stderr}"
    );
    assert!(!dir.join("trend2").exists());
}

#[test]
fn ci_gates_exit_1_on_a_breach_or_a_denied_warning_and_2_on_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let strict = write(
        dir,
        "strict.ron",
        &TUTORIAL.replace("probability: 0.10)", "probability: 0.001)"),
    );
    let lax = write(
        dir,
        "lax.ron",
        &TUTORIAL.replace("probability: 0.10)", "probability: 0.9)"),
    );
    let gate = |file: &std::path::Path| {
        bcdr()
            .current_dir(dir)
            .args([
                "run",
                file.to_str().expect("utf-8"),
                "--trials",
                "500",
                "-q",
                "--fail-on",
                "appetite",
            ])
            .assert()
    };
    gate(&strict)
        .code(1)
        .stderr(predicates::str::contains("risk appetite breached"));
    gate(&lax).code(0);
    // Without --fail-on a breach is a result, not a failure.
    bcdr()
        .current_dir(dir)
        .args(["run", "strict.ron", "--trials", "500", "-q"])
        .assert()
        .code(0);
    let invalid = bundled("invalid/many-problems.ron");
    gate(&invalid).code(2);

    write(
        dir,
        "warned.ron",
        r#"Scenario(name: "w", services: [Service(id: "a", rto: "4h", mtpd: "2h")])"#,
    );
    let validate = |args: &[&str]| bcdr().current_dir(dir).arg("validate").args(args).assert();
    validate(&["warned.ron"]).code(0);
    validate(&["warned.ron", "--deny-warnings"]).code(1);
    validate(&[
        bundled("tutorial.ron").to_str().expect("utf-8"),
        "--deny-warnings",
    ])
    .code(0);
    let out = validate(&["warned.ron", "--format", "json"])
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["valid"], true);
    let w = &v["warnings"][0];
    assert_eq!(w["path"], "services[0] \"a\".rto");
    assert_eq!(w["fix"], "set the RTO below the MTPD");
    validate(&["warned.ron", "--format", "json", "--deny-warnings"]).code(1);
    let out = validate(&[invalid.to_str().expect("utf-8"), "--format", "json"])
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["valid"], false);
    let errors = v["errors"].as_array().expect("errors");
    assert!(errors.len() > 3);
    for e in errors {
        assert!(
            e["path"].is_string() && e["message"].is_string() && e.get("fix").is_some(),
            "{e}"
        );
    }
}

#[test]
fn a_run_without_label_keeps_its_summary() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(dir, "t.ron", TUTORIAL);
    for (out, label) in [("plain", None), ("labelled", Some("2026-Q3"))] {
        let mut c = bcdr();
        c.current_dir(dir)
            .args(["run", "t.ron", "--trials", "300", "-q", "--out", out]);
        if let Some(l) = label {
            c.args(["--label", l]);
        }
        c.assert().success();
    }
    let plain = std::fs::read_to_string(dir.join("plain/summary.json")).expect("read");
    assert!(!plain.contains("\"label\"") && !plain.contains("scenario_hash"));
    let mut labelled = read_json(&dir.join("labelled/summary.json"));
    let o = labelled.as_object_mut().expect("object");
    o.remove("label");
    o.remove("scenario_hash");
    assert_eq!(
        labelled,
        serde_json::from_str::<serde_json::Value>(&plain).expect("JSON")
    );
}

#[test]
fn review_commands_write_their_packs_and_agree_across_thread_counts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(dir, "small.ron", SMALL);
    write(
        dir,
        "next.ron",
        &SMALL
            .replace("plan: Plan(crews: 2)", "plan: Plan(crews: 1)")
            .replace("rate_per_year: 2,", "rate_per_year: 3,"),
    );
    let go = |args: &[&str], threads: &str, out: &str| {
        bcdr()
            .current_dir(dir)
            .args(args)
            .args(["--trials", "400", "--threads", threads, "--out", out, "-q"])
            .assert()
            .success();
    };
    for (cmd, files) in [
        (
            vec!["explain", "small.ron", "next.ron"],
            vec![
                "explain.json",
                "explain.csv",
                "waterfall.png",
                "waterfall.svg",
            ],
        ),
        (
            vec!["tornado", "small.ron"],
            vec!["tornado.json", "tornado.csv", "tornado.png", "tornado.svg"],
        ),
        (
            vec!["importance", "small.ron"],
            vec![
                "importance.json",
                "importance_services.csv",
                "importance_controls.csv",
            ],
        ),
    ] {
        // A folder per command: one command's results are never written
        // over another's.
        let (one, two) = (format!("{}-one", cmd[0]), format!("{}-two", cmd[0]));
        go(&cmd, "1", &one);
        go(&cmd, "2", &two);
        for f in files.iter().chain(&["report.md", "report.html"]) {
            let (a, b) = (
                std::fs::read(dir.join(&one).join(f)),
                std::fs::read(dir.join(&two).join(f)),
            );
            assert_eq!(
                a.expect(f),
                b.expect(f),
                "{cmd:?} {f}: 1 and 2 threads differ"
            );
        }
        let html = std::fs::read_to_string(dir.join(&one).join("report.html")).expect("html");
        crate::common::files::self_contained_html(&html);
    }
    let e = read_json(&dir.join("explain-one/explain.json"));
    let steps: Vec<&str> = e["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["label"].as_str().expect("label"))
        .collect();
    assert_eq!(
        steps,
        [
            "threat \"power\" changed (rate_per_year 2 → 3)",
            "plan changed (crews 2 → 1)"
        ]
    );
}

/// One trial has no standard error: explain, tornado and importance refuse
/// it (with one, every change read "significant"), and write nothing.
#[test]
fn review_commands_need_two_trials() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = bundled("tutorial.ron");
    let new = write(dir.path(), "next.ron", &tutorial_next_quarter());
    for (k, args) in [
        vec![
            "explain".into(),
            old.display().to_string(),
            new.display().to_string(),
        ],
        vec!["tornado".into(), old.display().to_string()],
        vec!["importance".into(), old.display().to_string()],
    ]
    .into_iter()
    .enumerate()
    {
        let out = dir.path().join(format!("out{k}"));
        bcdr()
            .args(&args)
            .args(["--trials", "1", "-q", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "--trials must be at least 2: a standard error",
            ));
        assert!(!out.exists(), "{args:?}");
    }
}

/// The crews control of a plan of two crews read "1 crews instead of 2".
#[test]
fn the_crews_control_is_written_in_good_english() {
    let removed = |crews: u32| {
        let im = importance_of(
            &SMALL.replace("crews: 2", &format!("crews: {crews}")),
            50,
            2,
        );
        im.controls
            .iter()
            .find(|c| c.control == "crews")
            .map(|c| c.removed.clone())
            .expect("a crews control")
    };
    assert_eq!(removed(2), "1 crew instead of 2");
    assert_eq!(removed(3), "2 crews instead of 3");
}

/// Two runs of `file` in `dir`, labelled q1 and q2 (200 trials each),
/// and their trend in `dir/trend`.
fn two_reviews_and_trend(dir: &std::path::Path, file: &std::path::Path) {
    for q in ["q1", "q2"] {
        bcdr()
            .current_dir(dir)
            .args([
                "run",
                file.to_str().expect("utf-8"),
                "--trials",
                "200",
                "-q",
            ])
            .args(["--label", q, "--out", q])
            .assert()
            .success();
    }
    bcdr()
        .current_dir(dir)
        .args(["trend", "q1", "q2", "--out", "trend", "-q"])
        .assert()
        .success();
}

/// The legend of `trend_appetite` cut "losing more than EUR 1,000,000" to
/// "losing more than EUR 1,000,…", so two points of EUR 1 M and EUR 5 M
/// read the same; each point's amount is now written whole.
#[test]
fn the_trend_appetite_legend_names_each_point_whole() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let file = write(
        dir,
        "q.ron",
        &TUTORIAL.replace(
            "risk_appetite: [(loss: 100000, probability: 0.10)]",
            "risk_appetite: [(loss: 1000000, probability: 0.10), (loss: 5000000, probability: 0.01)]",
        ),
    );
    two_reviews_and_trend(dir, &file);
    let svg = std::fs::read_to_string(dir.join("trend/trend_appetite.svg")).expect("svg");
    for point in ["EUR 1,000,000", "EUR 5,000,000"] {
        assert!(
            svg.contains(&format!("more than {point}")),
            "{point} is cut"
        );
    }
}

/// A trend chart of one line had no legend: the tutorial's one appetite
/// point was drawn as a ratio without saying which point (EUR 100,000?),
/// and a lone service or threat line without its id. They name it now;
/// the services' and threats' "a gap" note is in the title, where it no
/// longer runs the height of the y axis.
#[test]
fn a_trend_chart_of_one_line_names_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let file = write(dir, "q.ron", TUTORIAL);
    two_reviews_and_trend(dir, &file);
    let read = |f: &str| std::fs::read_to_string(dir.join("trend").join(f)).expect("svg");
    assert!(
        read("trend_appetite.svg").contains("more than EUR 100,000"),
        "the one appetite point is not named"
    );
    let services = read("trend_services.svg");
    assert!(
        services.contains("Services that lose most, per review (a gap: not in its top five)"),
        "{services}"
    );
    assert!(!services.contains("a gap where outside"), "{services}");
}
