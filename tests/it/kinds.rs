//! DESIGN-2 A4–A6: what ransomware can encrypt (service kinds, attack
//! paths between targets), drills of the attack that succeeds, and
//! `rpo_breached`, against closed forms.
//!
//! Tolerances are `Z` standard errors of the estimate (√(p(1−p)/N) for a
//! proportion, the run's own exact sums for a mean).

use bcdr::app::{drill_results, drill_threat, DrillResults};
use bcdr::error::{Error, ScenarioError};
use bcdr::sim::Outcome;
use bcdr::stats::ServiceDrill;

use crate::common::engine::{annual, drill, Run, SEED};
use crate::common::{assert_close, bcdr, read_json, write};

const Z: f64 = 4.0;

fn svc<'a>(run: &'a Run, id: &str) -> &'a bcdr::stats::ServiceSummary {
    let s = run.summary.services.iter().find(|s| s.id == id);
    s.expect("service in summary")
}

/// An attack that always deploys (dwell 10 h, detection 100 h) from `a`
/// along dependency edges with probability 1. `f` depends on `a` and `b`,
/// `x` on `a`, `y` on `x`; the kinds of `f` and `x` are given.
fn estate(f_kind: &str, x_kind: &str) -> String {
    format!(
        r#"Scenario(name: "kinds", services: [
        Service(id: "a", backup: (rebuild: Fixed("1h"))),
        Service(id: "b", backup: (rebuild: Fixed("1h"))),
        Service(id: "f", kind: {f_kind}, depends_on: ["a", "b"]),
        Service(id: "x", kind: {x_kind}, depends_on: ["a"]),
        Service(id: "y", depends_on: ["x"], backup: (rebuild: Fixed("1h"))),
    ], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["a"],
            spread: (probability: 1.0, time: Fixed("1h")),
            dwell: Fixed("10h"), detection: Fixed("100h")),
    ])"#
    )
}

/// A Function is never encrypted nor a spread hop: from `a`, the attack
/// reaches `x` and `y` but not `b` (only through `f`); an External (`x`)
/// is compromised and spread continues from it, but it is not encrypted.
/// Exactly 3 compromised and 2 encrypted per attack, against 5 and 5 when
/// both are Systems.
#[test]
fn a_function_is_never_encrypted_nor_a_hop_and_an_external_is_not_encrypted() {
    let run = drill(&estate("Function", "External"), "rw", 200);
    let t = run.threat("rw");
    assert_eq!(t.services_compromised_per_attack, Some(3.0));
    assert_eq!(t.services_encrypted_per_attack, Some(2.0));
    assert_eq!(t.contained_fraction, Some(0.0));
    // The Function goes down with what it depends on, but loses no data
    // and needs no crew.
    assert_eq!(svc(&run, "f").downtime_hours.mean, 1.0);
    assert_eq!(svc(&run, "b").downtime_hours.mean, 0.0);

    let systems = drill(&estate("System", "System"), "rw", 200);
    let t = systems.threat("rw");
    assert_eq!(t.services_compromised_per_attack, Some(5.0));
    assert_eq!(t.services_encrypted_per_attack, Some(5.0));
}

/// `attack_paths` ends may be targets: `(from: "ad", to: Tag("windows"))`
/// stands for ad → each windows service, and `(from: Tag("windows"), to:
/// Tag("windows"))` for every ordered pair of two of them; the Function
/// tagged windows is in neither. With probability 1, an attack from `ad`
/// compromises ad and the three windows systems, never the linux one.
#[test]
fn attack_paths_between_targets_stand_for_every_pair() {
    let text = r#"Scenario(name: "paths", sites: [Site(id: "dc-1")], services: [
        Service(id: "ad", tier: Infrastructure, site: "dc-1"),
        Service(id: "w1", tags: ["windows"], site: "dc-1"),
        Service(id: "w2", tags: ["windows"]),
        Service(id: "w3", tags: ["windows"]),
        Service(id: "l1", tags: ["linux"]),
        Service(id: "desk", kind: Function, tags: ["windows"], depends_on: ["w1"]),
    ], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["ad"],
            attack_paths: [(from: "ad", to: Tag("windows")),
                           (from: Tag("windows"), to: Tag("windows")),
                           (from: Tier(Infrastructure), to: Site("dc-1"))],
            spread: (probability: 1.0, time: Fixed("1h")),
            dwell: Fixed("10h"), detection: Fixed("100h")),
    ])"#;
    let model = bcdr::scenario::parse_str(text).expect("valid");
    let bcdr::model::ThreatKind::Ransomware(r) = &model.threats[0].kind else {
        panic!("ransomware")
    };
    let id = |s: &str| model.service_id(s).expect("a service");
    let mut want = vec![
        (id("ad"), id("w1")),
        (id("ad"), id("w2")),
        (id("ad"), id("w3")),
    ];
    for a in ["w1", "w2", "w3"] {
        for b in ["w1", "w2", "w3"] {
            if a != b {
                want.push((id(a), id(b)));
            }
        }
    }
    want.sort_unstable();
    assert_eq!(model.attack_edges(r), want);

    let run = drill(text, "rw", 100);
    assert_eq!(run.threat("rw").services_compromised_per_attack, Some(4.0));
    assert_eq!(run.threat("rw").services_encrypted_per_attack, Some(4.0));
}

/// An `Outage` of a Function (staff unavailable) with fixed times gives the
/// exact downtime, to it and to what depends on it.
#[test]
fn an_outage_of_a_function_gives_the_exact_downtime() {
    let text = r#"Scenario(name: "pandemic", services: [
        Service(id: "ledger"),
        Service(id: "ops", kind: Function, depends_on: ["ledger"], restart: Fixed("2h")),
        Service(id: "branch", kind: Function, depends_on: ["ops"], revenue_per_hour: 100),
    ], threats: [
        Outage(id: "pandemic", rate_per_year: 1.0, targets: [Service("ops")],
            duration: Fixed("36h")),
    ])"#;
    let run = drill(text, "pandemic", 50);
    assert_eq!(svc(&run, "ops").downtime_hours.mean, 38.0);
    assert_eq!(svc(&run, "branch").downtime_hours.mean, 38.0);
    assert_eq!(svc(&run, "ledger").downtime_hours.mean, 0.0);
    assert_close("lost revenue", svc(&run, "branch").loss.mean, 3800.0, 1e-9);
}

/// A scenario's validation issues.
fn issues(text: &str) -> Vec<(String, String)> {
    match bcdr::scenario::parse_str(text) {
        Err(ScenarioError::Invalid(issues)) => {
            issues.into_iter().map(|i| (i.path, i.message)).collect()
        }
        other => panic!("expected issues, got {other:?}"),
    }
}

fn has(found: &[(String, String)], path: &str, words: &str) {
    assert!(
        found.iter().any(|(p, m)| p == path && m.contains(words)),
        "no issue at {path} saying {words:?}: {found:#?}"
    );
}

#[test]
fn bad_kinds_and_attack_paths_are_refused_by_field_path() {
    let found = issues(
        r#"Scenario(name: "bad", sites: [Site(id: "dc-1"), Site(id: "dc-2")], services: [
        Service(id: "app", site: "dc-1", tags: ["windows"]),
        Service(id: "payroll", kind: Function, site: "dc-1",
            failure: (mtbf: "1000h", repair: Fixed("1h")),
            backup: (interval: "24h", restore: Fixed("4h")),
            failover: (site: "dc-2", switchover: Fixed("1h"))),
    ], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["payroll"],
            attack_paths: [(from: "apq", to: Tag("windows")), (from: "app", to: Tag("widows")),
                           (from: Tag("windows"), to: "payroll"), (from: "app", to: Service("app"))],
            spread: (probability: 0.5, time: Fixed("1h")),
            dwell: Fixed("10h"), detection: Fixed("100h")),
        Disaster(id: "fire", rate_per_year: 0.1, targets: [Service("payroll")]),
    ])"#,
    );
    let p = r#"services[1] "payroll""#;
    has(&found, &format!("{p}.failure"), "is a Function");
    has(&found, &format!("{p}.backup"), "no data to back up");
    has(&found, &format!("{p}.failover"), "does not fail over");
    let t = r#"threats[0] "rw""#;
    has(&found, &format!("{t}.entry[0]"), "cannot be an entry");
    has(
        &found,
        &format!("{t}.attack_paths[0].from"),
        "did you mean \"app\"",
    );
    has(
        &found,
        &format!("{t}.attack_paths[1].to"),
        "did you mean \"windows\"",
    );
    has(
        &found,
        &format!("{t}.attack_paths[2].to"),
        "cannot be on an attack path",
    );
    has(&found, &format!("{t}.attack_paths[3]"), "to itself");
    has(&found, r#"threats[1] "fire".targets[0]"#, "Outage");
    assert_eq!(found.len(), 9, "{found:#?}");

    // An unknown kind is a syntax error that names the choices.
    let e = bcdr::scenario::parse_str(
        r#"Scenario(name: "x", services: [Service(id: "a", kind: Saas)])"#,
    )
    .expect_err("unknown kind");
    let message = e.to_string();
    assert!(message.contains("External"), "{message}");
}

/// The command line names the file and the field, and exits non-zero.
#[test]
fn validate_names_the_file_and_the_field() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = write(
        dir.path(),
        "bad.ron",
        r#"Scenario(name: "x", services: [
            Service(id: "hr", kind: Function, backup: (rebuild: Fixed("1h")))])"#,
    );
    let assert = bcdr().arg("validate").arg(&path).assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("bad.ron"), "{stderr}");
    assert!(stderr.contains(r#"services[0] "hr".backup"#), "{stderr}");
}

/// The warning about ransomware that leaves revenue with no way back
/// counts only what it encrypts: an External it enters is not.
#[test]
fn the_no_way_back_warning_respects_kinds() {
    let text = |kind: &str| {
        format!(
            r#"Scenario(name: "w", services: [
            Service(id: "saas", kind: {kind}, revenue_per_hour: 1000),
        ], threats: [
            Ransomware(id: "rw", rate_per_year: 1.0, entry: ["saas"],
                spread: (probability: 0.5, time: Fixed("1h")),
                dwell: Fixed("10h"), detection: Fixed("100h")),
        ])"#
        )
    };
    let warned = |kind: &str| {
        let model = bcdr::scenario::parse_str(&text(kind)).expect("valid");
        bcdr::scenario::planning_warnings(&model)
            .iter()
            .any(|w| w.message.contains("encrypts it and it has no way back"))
    };
    assert!(warned("System"));
    assert!(!warned("External"));
}

// ---------------------------------------------------------------------------
// A5: drills of the attack that succeeds

/// Dwell Exponential(mean 240 h), detection Exponential(mean 120 h): an
/// attack succeeds (detection ≥ dwell) with probability
/// (1/240)/(1/240 + 1/120) = 1/3, and the dwell of a succeeding attack is
/// the minimum of the two: Exponential with mean 1/(1/240 + 1/120) = 80 h.
const RACE: &str = r#"Scenario(name: "race", services: [
    Service(id: "files", backup: (interval: "24h", restore: Fixed("4h")), rpo: "30h"),
    Service(id: "shop", depends_on: ["files"], revenue_per_hour: 100),
], threats: [
    Ransomware(id: "rw", rate_per_year: 1.0, entry: ["files"],
        spread: (probability: 0.0, time: Fixed("1h")),
        dwell: Exponential(mean: "10d"), detection: Exponential(mean: "5d"),
        containment_outage: Fixed("2h")),
    Outage(id: "power", rate_per_year: 1.0, targets: [Service("files")], duration: Fixed("1h")),
])"#;

fn drill_of(
    text: &str,
    threat: &str,
    outcome: Option<Outcome>,
    n: u64,
    threads: usize,
) -> DrillResults {
    let model = bcdr::scenario::parse_str(text).expect("valid");
    let index = drill_threat(&model, threat).expect("drillable");
    drill_results(
        &model,
        index,
        outcome,
        None,
        SEED,
        0..n,
        Some(threads),
        None,
    )
    .expect("the drill runs")
}

fn drilled<'a>(r: &'a DrillResults, id: &str) -> &'a ServiceDrill {
    r.drill
        .services
        .iter()
        .find(|s| s.id == id)
        .expect("a service")
}

/// By default every drill of a ransomware threat encrypts, at time zero;
/// the dwell before it is the conditional one (mean 80 h, not 240 h).
#[test]
fn a_drill_of_the_succeeding_attack_encrypts_in_every_drill() {
    let n = 4000;
    let r = drill_of(RACE, "rw", None, n, 2);
    let a = r
        .drill
        .attack
        .as_ref()
        .expect("a ransomware drill says which");
    assert_eq!(a.outcome, "succeeding");
    assert_eq!(a.time_zero, "encryption");
    assert_eq!(a.encrypted, 1.0);
    assert_close(
        "chance of success",
        a.encrypt_chance,
        1.0 / 3.0,
        2.0 / 4096.0,
    );
    let files = drilled(&r, "files");
    assert_eq!(files.hit, 1.0);
    assert_eq!(files.down_at_hours_p50, Some(0.0));
    // Every drill restores in 4 h from time zero.
    assert_close(
        "outage",
        files.outage_hours.as_ref().expect("hit").mean,
        4.0,
        1e-9,
    );
    let dwell = r.drill_accumulator.dwell.clone();
    assert_eq!(dwell.count(), n);
    assert_close("mean dwell", dwell.mean(), 80.0, Z * dwell.std_error());
    // The data lost reaches back past the dwell to the last backup.
    let lost = files.data_loss_hours.as_ref().expect("data lost");
    assert_close(
        "data lost",
        lost.mean,
        12.0,
        Z * 24.0 / (12.0 * n as f64).sqrt(),
    );

    // --outcome all: today's mixture, a third of the drills encrypt.
    let all = drill_of(RACE, "rw", Some(Outcome::All), n, 2);
    let a = all.drill.attack.as_ref().expect("says which");
    assert_eq!(
        (a.outcome.as_str(), a.time_zero.as_str()),
        ("all", "initial access")
    );
    let se = (1.0 / 3.0 * 2.0 / 3.0 / n as f64).sqrt();
    assert_close("share encrypted", a.encrypted, 1.0 / 3.0, Z * se);

    // --outcome contained: none encrypts; each isolates for exactly 2 h.
    let contained = drill_of(RACE, "rw", Some(Outcome::Contained), 500, 2);
    let a = contained.drill.attack.as_ref().expect("says which");
    assert_eq!((a.outcome.as_str(), a.encrypted), ("contained", 0.0));
    let files = drilled(&contained, "files");
    assert_eq!(files.hit, 1.0);
    assert_close(
        "isolation",
        files.outage_hours.as_ref().expect("hit").mean,
        2.0,
        1e-9,
    );
    assert_eq!(files.data_lost, 0.0);
}

/// Same bytes on one thread and two.
#[test]
fn a_drill_of_the_succeeding_attack_is_deterministic_across_threads() {
    let one = drill_of(RACE, "rw", None, 3000, 1);
    let two = drill_of(RACE, "rw", None, 3000, 2);
    let bytes = |r: &DrillResults| serde_json::to_vec(&r.drill).expect("serialises");
    assert_eq!(bytes(&one), bytes(&two));
    assert_eq!(one.accumulator, two.accumulator);
}

#[test]
fn outcomes_that_cannot_happen_and_non_ransomware_are_refused() {
    let usage = |r: Result<DrillResults, Error>| match r {
        Err(Error::Usage(m)) => m,
        Err(e) => panic!("expected a usage error, got {e}"),
        Ok(_) => panic!("expected a usage error"),
    };
    let model = bcdr::scenario::parse_str(RACE).expect("valid");
    let power = drill_threat(&model, "power").expect("drillable");
    let m = usage(drill_results(
        &model,
        power,
        Some(Outcome::All),
        None,
        SEED,
        0..10,
        None,
        None,
    ));
    assert!(
        m.contains("--outcome all") && m.contains("\"power\" is an Outage"),
        "{m}"
    );

    // Detection always before the dwell ends: no attack succeeds. The
    // drill says so instead of searching forever.
    let sure = RACE
        .replace(r#"Exponential(mean: "10d")"#, r#"Fixed("10d")"#)
        .replace(
            r#"Exponential(mean: "5d")"#,
            r#"Uniform(min: "1d", max: "5d")"#,
        );
    let model = bcdr::scenario::parse_str(&sure).expect("valid");
    let rw = drill_threat(&model, "rw").expect("drillable");
    let m = usage(drill_results(
        &model,
        rw,
        None,
        None,
        SEED,
        0..10,
        None,
        None,
    ));
    assert!(
        m.contains("\"rw\"") && m.contains("always contained"),
        "{m}"
    );
    assert!(m.contains("--outcome contained"), "{m}");
    assert!(drill_results(
        &model,
        rw,
        Some(Outcome::Contained),
        None,
        SEED,
        0..10,
        None,
        None
    )
    .is_ok());
}

/// `bcdr drill --outcome`: the pack says which attacks it drilled.
#[test]
fn the_drill_command_takes_outcome_and_its_reports_say_which() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = write(dir.path(), "race.ron", RACE);
    for (outcome, words) in [
        (None, "the attacks that succeed"),
        (Some("all"), "every attack as drawn"),
        (Some("contained"), "the attacks that are contained"),
    ] {
        let out = dir
            .path()
            .join(format!("out-{}", outcome.unwrap_or("default")));
        let mut cmd = bcdr();
        cmd.args([
            "drill", "--threat", "rw", "--trials", "300", "--quiet", "--out",
        ])
        .arg(&out)
        .arg(&path);
        if let Some(o) = outcome {
            cmd.args(["--outcome", o]);
        }
        cmd.assert().success();
        let d = read_json(&out.join("drill.json"));
        assert_eq!(d["attack"]["outcome"], outcome.unwrap_or("succeeding"));
        // summary.json has rpo_breached for every service: null without
        // an RPO.
        let summary = read_json(&out.join("summary.json"));
        let services = summary["services"].as_array().expect("services");
        assert!(services[0]["rpo_breached"].is_number(), "{summary}");
        assert!(services[1]["rpo_breached"].is_null(), "{summary}");
        assert!(services[1]
            .as_object()
            .expect("an object")
            .contains_key("rpo_breached"));
        let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
        assert!(md.contains(words), "{md}");
        let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
        assert!(html.contains(words), "report.html lacks {words:?}");
    }
    // Not ransomware: the option is refused.
    let assert = bcdr()
        .args([
            "drill",
            "--threat",
            "power",
            "--outcome",
            "contained",
            "--quiet",
        ])
        .arg(&path)
        .assert()
        .failure()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("not Ransomware"), "{stderr}");
}

// ---------------------------------------------------------------------------
// A6: rpo_breached

/// Backups every 24 h at a uniform phase, an RPO of 6 h: a disaster at a
/// uniform time loses more than 6 h with probability 18/24. Disasters at
/// 2 a year, thinned: P(a trial breaches) = 1 − exp(−2 · 0.75).
#[test]
fn rpo_breached_matches_the_closed_form() {
    let text = r#"Scenario(name: "rpo", services: [
        Service(id: "db", backup: (interval: "24h", restore: Fixed("1h")), rpo: "6h"),
        Service(id: "web", depends_on: ["db"]),
    ], threats: [
        Disaster(id: "fire", rate_per_year: 2.0, targets: [Service("db")]),
    ])"#;
    let n = 20_000;
    let run = annual(text, n);
    let p = 1.0 - (-1.5f64).exp();
    let got = svc(&run, "db").rpo_breached.expect("an RPO");
    assert_close(
        "rpo_breached",
        got,
        p,
        Z * (p * (1.0 - p) / n as f64).sqrt(),
    );
    assert_eq!(svc(&run, "web").rpo_breached, None);
}

/// The run's report says it too (it was in `summary.json` only): the
/// reading names the service, its RPO and the share of years, as
/// `summary.json` has it; a service whose RPO is never breached is not
/// named.
#[test]
fn the_run_report_names_rpo_breaches() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = r#"Scenario(name: "rpo", services: [
        Service(id: "db", backup: (interval: "24h", restore: Fixed("1h")), rpo: "6h"),
        Service(id: "files", backup: (interval: "4h", restore: Fixed("1h")), rpo: "6h"),
    ], threats: [
        Disaster(id: "fire", rate_per_year: 2.0, targets: [Service("db"), Service("files")]),
    ])"#;
    let path = write(dir.path(), "rpo.ron", text);
    let out = dir.path().join("out");
    bcdr()
        .args(["run", "--trials", "2000", "--quiet", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    let summary = read_json(&out.join("summary.json"));
    let p = summary["services"][0]["rpo_breached"]
        .as_f64()
        .expect("db's share");
    assert!(p > 0.5, "{p}");
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let line = format!(
        "`db` loses more data than its 6h RPO in a restore or switchover in **{:.1}%** of years.",
        p * 100.0
    );
    assert!(md.contains(&line), "{line}\n{md}");
    assert!(!md.contains("`files` loses more data"), "{md}");
}

/// A switchover with a fixed replication lag of exactly the RPO meets it;
/// a minute longer than the RPO breaches it in every drill.
#[test]
fn a_lag_of_exactly_the_rpo_meets_it() {
    let text = |rpo: &str| {
        format!(
            r#"Scenario(name: "lag", sites: [Site(id: "dc-1"), Site(id: "dc-2")], services: [
            Service(id: "db", site: "dc-1", rpo: "{rpo}",
                failover: (site: "dc-2", switchover: Fixed("1h"),
                    replication: Asynchronous(lag: Fixed("4h")))),
        ], threats: [
            Disaster(id: "flood", rate_per_year: 1.0, targets: [Site("dc-1")]),
        ])"#
        )
    };
    assert_eq!(
        svc(&drill(&text("4h"), "flood", 100), "db").rpo_breached,
        Some(0.0)
    );
    assert_eq!(
        svc(&drill(&text("239m"), "flood", 100), "db").rpo_breached,
        Some(1.0)
    );
}
