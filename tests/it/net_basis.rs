//! With insurance, the commands that weigh plans (`compare`, `sweep`,
//! `tornado`, `importance`, `explain`, `trend`) weigh them by the loss
//! borne, net of insurance, as `run` judges the risk appetite: a change of
//! policy shows in a comparison, and each figure equals the net loss of a
//! plain run on the same trials. Without insurance their files are as
//! before (no new field).

use std::path::Path;

use serde_json::Value;

use crate::common::{assert_close, bcdr, read_json, write};

/// A loss event of rate 2 and fixed cost 1000 under a policy with the
/// given deductible and a premium of 100: each occurrence recovers
/// 1000 − deductible.
fn insured(deductible: f64) -> String {
    format!(
        r#"Scenario(name: "insured", horizon: "1y",
        services: [Service(id: "shop", failure: (mtbf: "2000h", repair: Fixed("4h")),
            revenue_per_hour: 500)],
        threats: [LossEvent(id: "claim", rate_per_year: 2, cost: Fixed(1000))],
        insurance: [Policy(id: "cyber", covers: ["claim"], deductible: {deductible},
            premium: 100)])"#
    )
}

/// The same scenario without its policy.
fn uninsured() -> String {
    let text = insured(200.0).replace(
        r#"insurance: [Policy(id: "cyber", covers: ["claim"], deductible: 200,
            premium: 100)]"#,
        "",
    );
    assert!(!text.contains("Policy"), "the policy is removed");
    text
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `bcdr run`'s summary of `scenario` at `trials` trials, seed 1.
fn run(dir: &Path, scenario: &Path, trials: u64) -> Value {
    let out = dir.join(format!(
        "run-{}",
        scenario.file_stem().expect("stem").to_string_lossy()
    ));
    bcdr()
        .args(["run", "-q", "--trials", &trials.to_string(), "--out"])
        .arg(&out)
        .arg(scenario)
        .assert()
        .success();
    read_json(&out.join("summary.json"))
}

/// Run `command` with `args` into `dir/name`; its JSON `file`.
fn review(dir: &Path, args: &[&str], out: &str, file: &str) -> Value {
    let out = dir.join(out);
    bcdr().args(args).arg("--out").arg(&out).assert().success();
    read_json(&out.join(file))
}

/// Two policies that differ only in their deductible: the gross loss is
/// the same trial by trial, so a gross comparison would see no
/// difference. Net, each claim recovers 800 under A and 500 under B, so
/// B loses 300 more per claim: ΔL = L_A − L_B = −300·N, mean −600.
#[test]
fn compare_weighs_two_policies_by_the_net_loss() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = write(dir.path(), "a.ron", &insured(200.0));
    let b = write(dir.path(), "b.ron", &insured(500.0));
    let trials = 4000u64;
    let c = review(
        dir.path(),
        &[
            "compare",
            "-q",
            "--trials",
            &trials.to_string(),
            a.to_str().expect("utf-8"),
            b.to_str().expect("utf-8"),
        ],
        "cmp",
        "compare.json",
    );
    let d = &c["difference"];
    assert_close("ΔEAL", num(&d["mean"]), -600.0, 4.0 * num(&d["std_error"]));
    assert!(num(&d["std_error"]) > 0.0);
    // Every trial with a claim costs B more; none costs it less.
    assert_eq!(num(&d["probability_b_loses_less"]), 0.0);
    // Each side is its plain run's net loss, its gross beside it.
    for (side, file) in [("a", &a), ("b", &b)] {
        let s = run(dir.path(), file, trials);
        assert_eq!(
            num(&c[side]["expected_annual_loss"]),
            num(&s["annual_loss_net"]["mean"]),
            "{side}"
        );
        assert_eq!(
            num(&c[side]["expected_annual_loss_gross"]),
            num(&s["annual_loss"]["mean"]),
            "{side}"
        );
    }
    let md = std::fs::read_to_string(dir.path().join("cmp/compare.md")).expect("compare.md");
    assert!(md.contains("Losses are net of insurance"), "{md}");
}

/// `tornado`, `importance` and `sweep` on an insured scenario start from
/// the net loss of the plain run, and say so; `explain` from an insured
/// plan to an uninsured one charges the change of settings with what the
/// policy recovered less its premium.
#[test]
fn the_review_commands_weigh_the_net_loss() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "insured.ron", &insured(200.0));
    let path = file.to_str().expect("utf-8");
    let trials = 2000u64;
    let t = trials.to_string();
    let net = num(&run(dir.path(), &file, trials)["annual_loss_net"]["mean"]);
    let tr = review(
        dir.path(),
        &["tornado", "-q", "--trials", &t, path],
        "tor",
        "tornado.json",
    );
    assert_eq!(num(&tr["base_expected_annual_loss"]), net);
    assert_eq!(tr["net_of_insurance"], true);
    let im = review(
        dir.path(),
        &["importance", "-q", "--trials", &t, path],
        "imp",
        "importance.json",
    );
    assert_eq!(num(&im["expected_annual_loss"]), net);
    assert_eq!(im["net_of_insurance"], true);
    let sw = review(
        dir.path(),
        &[
            "sweep",
            "-q",
            "--set",
            "services.shop.revenue_per_hour=500",
            "--trials",
            &t,
            path,
        ],
        "sw",
        "sweep.json",
    );
    assert_eq!(num(&sw["points"][0]["loss"]["mean"]), net);
    assert_eq!(sw["net_of_insurance"], true);
    // Uninsured NEW: the settings step removes the policy, so the year
    // loses what it recovered (800 a claim, 2 claims a year) and saves the
    // premium (100): +1500 expected, paired.
    let plain = write(dir.path(), "plain.ron", &uninsured());
    assert!(!std::fs::read_to_string(&plain)
        .expect("plain")
        .contains("Policy"));
    let ex = review(
        dir.path(),
        &[
            "explain",
            "-q",
            "--trials",
            &t,
            path,
            plain.to_str().expect("utf-8"),
        ],
        "exp",
        "explain.json",
    );
    assert_eq!(num(&ex["old_expected_annual_loss"]), net);
    assert_eq!(ex["net_of_insurance"], true);
    let total = &ex["total"];
    assert_close(
        "insurance removed",
        num(&total["mean"]),
        1500.0,
        4.0 * num(&total["std_error"]),
    );
    // `trend` over the insured run and the uninsured one: the first is
    // net (its appetite is judged on it), the second as before.
    run(dir.path(), &plain, trials);
    let tr = review(
        dir.path(),
        &[
            "trend",
            "-q",
            dir.path().join("run-insured").to_str().expect("utf-8"),
            dir.path().join("run-plain").to_str().expect("utf-8"),
        ],
        "trend",
        "trend.json",
    );
    let runs = tr["runs"].as_array().expect("runs");
    assert_eq!(num(&runs[0]["expected_annual_loss"]), net);
    assert_eq!(runs[0]["net_of_insurance"], true);
    assert!(runs[1].get("net_of_insurance").is_none());
    assert!(tr["steps"][0]["changed"]
        .as_array()
        .expect("changed")
        .contains(&Value::from("insurance")));
    let md = std::fs::read_to_string(dir.path().join("trend/report.md")).expect("report.md");
    assert!(md.contains("(net)"), "{md}");
}

/// Without insurance, nothing says "net" and no new field appears.
#[test]
fn without_insurance_the_files_have_no_net_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = uninsured();
    let file = write(dir.path(), "plain.ron", &text);
    let path = file.to_str().expect("utf-8");
    let c = review(
        dir.path(),
        &["compare", "-q", "--trials", "300", path, path],
        "cmp",
        "compare.json",
    );
    assert!(c["a"].get("expected_annual_loss_gross").is_none());
    let tr = review(
        dir.path(),
        &["tornado", "-q", "--trials", "300", path],
        "tor",
        "tornado.json",
    );
    assert!(tr.get("net_of_insurance").is_none());
    let md = std::fs::read_to_string(dir.path().join("cmp/compare.md")).expect("compare.md");
    assert!(!md.contains("net of insurance"));
}

/// A sweep of drills weighs each drill's loss before insurance (a premium
/// is a year's): one claim costs 1000 whatever the policy, and the files
/// say so; without insurance they say nothing of it.
#[test]
fn a_sweep_of_drills_says_its_loss_is_before_insurance() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "insured.ron", &insured(200.0));
    let plain = write(dir.path(), "plain.ron", &uninsured());
    for (scenario, insured) in [(&file, true), (&plain, false)] {
        let out = if insured { "sw-insured" } else { "sw-plain" };
        let sw = review(
            dir.path(),
            &[
                "sweep",
                "-q",
                "--threat",
                "claim",
                "--set",
                "services.shop.revenue_per_hour=500,600",
                "--trials",
                "200",
                scenario.to_str().expect("utf-8"),
            ],
            out,
            "sweep.json",
        );
        assert!(sw.get("net_of_insurance").is_none());
        assert_eq!(num(&sw["points"][0]["loss"]["mean"]), 1000.0);
        let md = std::fs::read_to_string(dir.path().join(out).join("report.md")).expect("md");
        if insured {
            assert_eq!(sw["gross_of_insurance"], true);
            assert!(md.contains("before insurance"), "{md}");
        } else {
            assert!(sw.get("gross_of_insurance").is_none());
            assert!(!md.contains("insurance"), "{md}");
        }
    }
}

/// The charts of a loss net of insurance say so, as the reports and the
/// screens do (a chart goes on a slide without its report): compare's two,
/// sweep's, tornado's, importance's and explain's; without insurance
/// none says it.
#[test]
fn the_charts_of_a_net_loss_say_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = write(dir.path(), "a.ron", &insured(200.0));
    let b = write(dir.path(), "b.ron", &insured(500.0));
    let plain = write(dir.path(), "plain.ron", &uninsured());
    let (a, b, plain) = (
        a.to_str().expect("utf-8"),
        b.to_str().expect("utf-8"),
        plain.to_str().expect("utf-8"),
    );
    let svg = |out: &str, chart: &str| {
        std::fs::read_to_string(dir.path().join(out).join(format!("{chart}.svg")))
            .unwrap_or_else(|e| panic!("{out}/{chart}.svg: {e}"))
    };
    let go = |args: &[&str], out: &str| {
        bcdr()
            .args(args)
            .args(["-q", "--trials", "200", "--out"])
            .arg(dir.path().join(out))
            .assert()
            .success();
    };
    for (file, net) in [(a, true), (plain, false)] {
        let tag = if net { "net" } else { "plain" };
        go(&["compare", file, b], &format!("cmp-{tag}"));
        let set = "services.shop.revenue_per_hour=500,600";
        go(&["sweep", "--set", set, file], &format!("sw-{tag}"));
        go(&["tornado", file], &format!("tor-{tag}"));
        go(&["importance", file], &format!("imp-{tag}"));
        go(&["explain", file, file], &format!("exp-{tag}"));
        for (out, chart) in [
            ("cmp", "compare_loss_exceedance"),
            ("cmp", "compare_difference"),
            ("sw", "sweep_loss"),
            ("tor", "tornado"),
            ("imp", "importance"),
            ("exp", "waterfall"),
        ] {
            let text = svg(&format!("{out}-{tag}"), chart);
            // plain vs B (insured) is still net on B's side.
            let expect = net || out == "cmp";
            assert_eq!(
                text.contains("net of insurance"),
                expect,
                "{out}-{tag}/{chart}.svg"
            );
        }
        // The swept service's loss is gross (a policy pays occurrences,
        // not services) beside the net results: its column says so.
        let md = std::fs::read_to_string(dir.path().join(format!("sw-{tag}/report.md")))
            .expect("report.md");
        let head = md
            .lines()
            .rfind(|l| l.contains("| availability |"))
            .expect("the service table");
        assert_eq!(head.contains("before insurance"), net, "{head}");
    }
}
