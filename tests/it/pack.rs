//! `bcdr run` writes the review pack: every chart (PNG and SVG), the
//! dependency graph, `report.md` and a self-contained `report.html`, with
//! the numbers of `summary.json`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{bcdr, files, read_json};

/// Small, but with every part of the pack: RTOs, an RPO no backup meets
/// (a planning warning), an MTPD, a risk appetite, a loss event, random
/// failures, an outage and a disaster. Only distributions whose sampling
/// needs no special function.
pub(crate) const SCENARIO: &str = r#"Scenario(
    name: "Pack test <shop> & co",
    currency: "EUR",
    horizon: "1y",
    sites: [Site(id: "dc")],
    services: [
        Service(id: "net", tier: Infrastructure, site: "dc",
                failure: (mtbf: "2000h", repair: Exponential(mean: "3h")),
                backup: (rebuild: Fixed("24h")), rto: "2h"),
        Service(id: "db", tier: Platform, site: "dc", depends_on: ["net"],
                failure: (mtbf: "3000h", repair: Triangular(min: "1h", mode: "2h", max: "8h")),
                backup: (interval: "4h", restore: Uniform(min: "4h", max: "12h")),
                rto: "4h", rpo: "1h", data_loss_cost_per_hour: 500),
        Service(id: "shop_front", tier: Business, depends_on: ["db"], revenue_per_hour: 2000,
                cost_per_outage: 100, rto: "2h", mtpd: "24h", mbco: 0.5),
    ],
    threats: [
        Outage(id: "power", rate_per_year: 1.0, targets: [Site("dc")], duration: Exponential(mean: "4h")),
        Disaster(id: "fire", rate_per_year: 0.05, targets: [Site("dc")]),
        LossEvent(id: "fraud", rate_per_year: 0.5, cost: Uniform(min: 1000, max: 50000)),
    ],
    risk_appetite: [(loss: 50000, probability: 0.5), (loss: 500000, probability: 0.01)],
    plan: Plan(crews: 1),
)"#;

/// The charts of a run.
pub(crate) const RUN_CHARTS: [&str; 7] = [
    "loss_exceedance",
    "loss_histogram",
    "outage_vs_rto",
    "loss_by_service",
    "loss_by_threat",
    "loss_by_failing_service",
    "convergence",
];

/// Write `text` as a scenario in a fresh folder and run `bcdr run` on it
/// quietly; the folder (kept alive by the guard) and the output folder.
pub(crate) fn run(text: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("pack.ron");
    std::fs::write(&scenario, text).expect("the scenario is written");
    let out = dir.path().join("out");
    bcdr()
        .arg("run")
        .arg(&scenario)
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    (dir, out)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the output folder exists")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// Check every chart, the graph and the reports of a pack folder.
pub(crate) fn check_pack(out: &Path, charts: &[&str]) -> (String, String) {
    for chart in charts {
        let (w, h) = files::png(&out.join(format!("{chart}.png")));
        assert!(w >= 1280 && h >= 720, "{chart}: {w}×{h}");
        files::svg(&out.join(format!("{chart}.svg")));
    }
    files::svg(&out.join("graph.svg"));
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    files::self_contained_html(&html);
    // Each chart is in the page, as the very PNG written next to it.
    for chart in charts {
        let png = std::fs::read(out.join(format!("{chart}.png"))).expect("png");
        let uri = format!("data:image/png;base64,{}", crate::common::base64(&png));
        assert!(html.contains(&uri), "{chart} is not inline in report.html");
        assert!(
            md.contains(&format!("]({chart}.png)")),
            "{chart} not in report.md"
        );
    }
    assert!(html.contains("<svg"), "the graph is inline");
    (md, html)
}

#[test]
fn run_writes_every_chart_and_report() {
    let (_guard, out) = run(SCENARIO, &["--trials", "3000", "--seed", "7"]);
    let mut expected: Vec<String> = [
        "summary.json",
        "services.csv",
        "threats.csv",
        "loss_exceedance.csv",
        "summary.xlsx",
        "graph.dot",
        "graph.svg",
        "graph.png",
        "report.md",
        "report.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in RUN_CHARTS {
        expected.push(format!("{c}.png"));
        expected.push(format!("{c}.svg"));
    }
    expected.sort();
    assert_eq!(
        names(&out),
        expected,
        "exactly the pack, no temporary files"
    );
    let (md, html) = check_pack(&out, &RUN_CHARTS);
    // Escaped, not interpreted.
    assert!(html.contains("Pack test &lt;shop&gt; &amp; co"));
    assert!(md.starts_with("# Pack test \\<shop\\> & co: annual risk review"));
    // The planning warning of `validate` (db's RPO) and the command.
    assert!(md.contains("rpo"), "{md}");
    assert!(md.contains("--trials 3000 --seed 7"), "{md}");
    // The appetite line is on the exceedance chart.
    let svg = files::svg(&out.join("loss_exceedance.svg"));
    assert!(svg.contains("risk appetite"));
}

/// Parse the numbers back out of report.md and find them in summary.json,
/// each to the precision it is printed with.
#[test]
fn report_numbers_are_the_summary_numbers() {
    let (_guard, out) = run(SCENARIO, &["--trials", "2000", "--seed", "3"]);
    let s = read_json(&out.join("summary.json"));
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let num = |v: &Value| v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    let close = |what: &str, got: f64, want: f64, tol: f64| {
        assert!(
            (got - want).abs() <= tol * (1.0 + 1e-9),
            "{what}: report {got}, summary {want}"
        );
    };

    let a = &s["annual_loss"];
    let headline = files::md_table(&md, "Headline");
    let row = |label: &str| {
        headline
            .iter()
            .find(|r| r[0].starts_with(label))
            .unwrap_or_else(|| panic!("no headline row {label}"))
            .clone()
    };
    let money_pair = |cell: &str| {
        let (lo, hi) = cell.split_once(" to ").expect("an interval");
        (files::money(lo), files::money(hi))
    };
    for (label, key) in [
        ("Expected annual loss", "mean"),
        ("Median year", "p50"),
        ("1-in-10 year", "p90"),
        ("1-in-20 year", "p95"),
        ("1-in-100 year", "p99"),
        ("Mean of the worst 5%", "tvar_95"),
        ("Mean of the worst 1%", "tvar_99"),
        ("Worst simulated year", "max"),
    ] {
        close(label, files::money(&row(label)[1]), num(&a[key]), 0.5);
    }
    let (lo, hi) = money_pair(&row("Expected annual loss")[2]);
    close("mean CI low", lo, num(&a["mean_ci95"][0]), 0.5);
    close("mean CI high", hi, num(&a["mean_ci95"][1]), 0.5);
    let (lo, hi) = money_pair(&row("1-in-100 year")[2]);
    close("p99 CI low", lo, num(&a["p99_ci95"][0]), 0.5);
    close("p99 CI high", hi, num(&a["p99_ci95"][1]), 0.5);
    close(
        "P(loss)",
        files::pct(&row("Probability that a year loses")[1]),
        num(&a["probability_of_loss"]),
        0.0005,
    );

    let services = files::md_table(&md, "Services");
    let listed = s["services"].as_array().expect("services");
    assert_eq!(services.len(), listed.len());
    for (r, x) in services.iter().zip(listed) {
        assert_eq!(r[0], x["id"].as_str().expect("id"));
        close(
            "availability",
            files::pct(&r[2]),
            num(&x["availability"]),
            5e-7,
        );
        close(
            "outages",
            r[3].parse().expect("a count"),
            num(&x["outages"]["mean"]),
            5e-4,
        );
        for (i, q) in [(4, "p50"), (5, "p90"), (6, "p99")] {
            let (h, tol) = files::hours(&r[i]);
            close(q, h, num(&x["outage_duration_hours"][q]), tol);
        }
        match x["rto_met"].as_f64() {
            Some(m) => close("rto met", files::pct(&r[8]), m, 0.0005),
            None => assert_eq!(r[8], "–"),
        }
        match x["mtpd_breached"].as_f64() {
            Some(m) => close("mtpd", files::pct(&r[10]), m, 0.0005),
            None => assert_eq!(r[10], "–"),
        }
        let (h, tol) = files::hours(&r[12]);
        close("data loss", h, num(&x["data_loss_hours"]["mean"]), tol);
        close("loss", files::money(&r[13]), num(&x["loss"]["mean"]), 0.5);
    }

    let threats = files::md_table(&md, "Threats");
    let mut listed: Vec<&serde_json::Value> =
        s["threats"].as_array().expect("threats").iter().collect();
    assert_eq!(threats.len(), listed.len());
    // The report lists them largest expected loss first (ties in file
    // order).
    listed.sort_by(|a, b| num(&b["loss"]["mean"]).total_cmp(&num(&a["loss"]["mean"])));
    for (r, x) in threats.iter().zip(listed) {
        assert_eq!(r[0], x["id"].as_str().expect("id"));
        let occ: f64 = r[2].parse().expect("a count");
        close("occurrences", occ, num(&x["occurrences"]["mean"]), 5e-4);
        close(
            "threat loss",
            files::money(&r[3]),
            num(&x["loss"]["mean"]),
            0.5,
        );
        close(
            "share",
            files::pct(&r[4]),
            num(&x["loss"]["mean"]) / num(&a["mean"]),
            0.0005,
        );
    }

    // The reading's risk-appetite sentences.
    let appetite = s["risk_appetite"].as_array().expect("risk_appetite");
    assert_eq!(appetite.len(), 2);
    for ap in appetite {
        let line = md
            .lines()
            .find(|l| {
                l.contains("Risk appetite")
                    && l.contains(&bcdr::fmt::money("EUR", num(&ap["loss"])))
            })
            .expect("an appetite sentence per point");
        let pcts: Vec<f64> = line
            .split_whitespace()
            .filter(|w| w.ends_with('%') || w.ends_with("%:"))
            .map(|w| files::pct(w.trim_end_matches(':')))
            .collect();
        close("accepted", pcts[0], num(&ap["accepted"]), 0.0005);
        close("simulated", pcts[1], num(&ap["simulated"]), 0.0005);
        let within = ap["within"].as_bool().expect("a bool");
        assert_eq!(line.contains("**within appetite**"), within, "{line}");
    }
}

/// Nothing ever happens, one trial, no RTO: every chart is still written,
/// with a note where there is nothing to draw.
#[test]
fn degenerate_runs_draw_notes_instead_of_charts() {
    let quiet = r#"Scenario(name: "Nothing happens", services: [Service(id: "a")])"#;
    let (_guard, out) = run(quiet, &["--trials", "1"]);
    check_pack(&out, &RUN_CHARTS);
    let svg = |c: &str| files::svg(&out.join(format!("{c}.svg")));
    assert!(svg("loss_exceedance").contains("No simulated year lost anything"));
    assert!(svg("loss_histogram").contains("No simulated year lost anything"));
    assert!(svg("outage_vs_rto").contains("No service in this scenario has an RTO"));
    assert!(svg("loss_by_service").contains("No service has an expected loss"));
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("No simulated year lost anything in 1 trial."));

    // A service with an RTO that never goes down, and a few trials.
    let calm = r#"Scenario(name: "Calm", services: [Service(id: "a", rto: "1h")])"#;
    let (_guard, out) = run(calm, &["--trials", "3"]);
    check_pack(&out, &RUN_CHARTS);
    assert!(files::svg(&out.join("outage_vs_rto.svg")).contains("had an outage in 3 trials"));
}

#[test]
fn pack_is_byte_identical_on_one_and_two_threads() {
    // One scenario file (its path is in the reproduce command), two runs.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("pack.ron");
    std::fs::write(&scenario, SCENARIO).expect("the scenario is written");
    let out = |threads: &str| {
        let out = dir.path().join(format!("out-{threads}"));
        bcdr()
            .arg("run")
            .arg(&scenario)
            .args(["--trials", "1500", "--quiet", "--threads", threads, "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (out("1"), out("2"));
    assert_eq!(names(&one), names(&two));
    for name in names(&one) {
        let a = std::fs::read(one.join(&name)).expect("file");
        let b = std::fs::read(two.join(&name)).expect("file");
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
}
