//! Ransomware against closed forms: spread, first passage, the detection
//! race, compromised backups and segmentation.
//!
//! Tolerances are Z standard errors. Where the accumulator keeps only a
//! count (services compromised per attack), the standard error is bounded
//! by Popoviciu's inequality, Var X ≤ (max − min)²/4, which needs no
//! estimate and can only make the test stricter than it looks.

use crate::common::assert_close;
use crate::common::engine::*;

const Z: f64 = 4.0;

/// A chain s0 → s1 → … of `n` services with the given attack paths.
fn chain(n: usize, p: f64, spread_time: &str, dwell: &str, detection: &str, paths: bool) -> String {
    let mut services = String::new();
    for i in 0..n {
        let deps = if i > 0 && !paths {
            format!("depends_on: [\"s{}\"], ", i - 1)
        } else {
            String::new()
        };
        services.push_str(&format!(
            "Service(id: \"s{i}\", {deps}backup: (interval: \"1h\", restore: Fixed(\"1h\"))),\n"
        ));
    }
    let attack_paths = if paths {
        let p: Vec<String> = (1..n)
            .map(|i| format!("(from: \"s{}\", to: \"s{i}\")", i - 1))
            .collect();
        format!("attack_paths: [{}],", p.join(", "))
    } else {
        String::new()
    };
    format!(
        r#"Scenario(name: "chain", services: [{services}], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["s0"], {attack_paths}
            spread: (probability: {p}, time: {spread_time}),
            dwell: {dwell}, detection: {detection}),
    ])"#
    )
}

#[test]
fn spread_along_a_chain_reaches_a_geometric_sum() {
    // Entry at the end of a 5-chain spreading over dependency edges (both
    // directions; only forward is new): E[reach] = Σ_{k=0..4} p^k.
    let n = 20_000;
    let p: f64 = 0.6;
    let run = drill(
        &chain(
            5,
            p,
            "Fixed(\"1h\")",
            "Fixed(\"1000h\")",
            "Fixed(\"2000h\")",
            false,
        ),
        "rw",
        n,
    );
    let expected: f64 = (0..5).map(|k| p.powi(k)).sum();
    let got = run
        .threat("rw")
        .services_compromised_per_attack
        .unwrap_or(f64::NAN);
    assert_close("chain reach", got, expected, Z * 2.0 / (n as f64).sqrt());
    // Not detected in time: everything compromised is encrypted.
    assert_eq!(run.threat("rw").services_encrypted_per_attack, Some(got));
    assert_eq!(run.threat("rw").contained_fraction, Some(0.0));
}

#[test]
fn spread_over_a_tree_reaches_sum_of_bp_powers() {
    // Binary tree of depth 3 (15 nodes) along explicit attack paths:
    // E[reach] = Σ_{k=0..3} (b·p)^k.
    let (b, p, depth) = (2usize, 0.4f64, 3u32);
    let nodes = (1usize << (depth + 1)) - 1;
    let services: String = (0..nodes)
        .map(|i| format!("Service(id: \"t{i}\"),"))
        .collect();
    let paths: Vec<String> = (1..nodes)
        .map(|i| format!("(from: \"t{}\", to: \"t{i}\")", (i - 1) / b))
        .collect();
    let text = format!(
        r#"Scenario(name: "tree", services: [{services}], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["t0"], attack_paths: [{}],
            spread: (probability: {p}, time: Fixed("1h")), dwell: Fixed("1000h"), detection: Fixed("2000h")),
    ])"#,
        paths.join(", ")
    );
    let n = 20_000;
    let run = drill(&text, "rw", n);
    let expected: f64 = (0..=depth as i32).map(|k| (b as f64 * p).powi(k)).sum();
    let got = run
        .threat("rw")
        .services_compromised_per_attack
        .unwrap_or(f64::NAN);
    let se_bound = (nodes as f64 - 1.0) / 2.0 / (n as f64).sqrt();
    assert_close("tree reach", got, expected, Z * se_bound);
}

#[test]
fn first_passage_along_exponential_edges_is_erlang() {
    // p = 1, 4 edges of rate β = 1/10 h, encryption at τ = 30 h: node j is
    // compromised by τ iff Erlang(j, β) ≤ τ, so
    // E[compromised] = 1 + Σ_{j=1..4} P(Erlang(j, β) ≤ τ).
    let n = 20_000;
    let run = drill(
        &chain(
            5,
            1.0,
            "Exponential(mean: \"10h\")",
            "Fixed(\"30h\")",
            "Fixed(\"1000h\")",
            true,
        ),
        "rw",
        n,
    );
    let (beta, tau) = (0.1f64, 30.0f64);
    let erlang_cdf = |j: i32| {
        let x = beta * tau;
        let mut term = 1.0;
        let mut sum = 0.0;
        for k in 0..j {
            if k > 0 {
                term *= x / k as f64;
            }
            sum += term;
        }
        1.0 - (-x).exp() * sum
    };
    let expected = 1.0 + (1..=4).map(erlang_cdf).sum::<f64>();
    let got = run
        .threat("rw")
        .services_compromised_per_attack
        .unwrap_or(f64::NAN);
    assert_close("first passage", got, expected, Z * 2.0 / (n as f64).sqrt());
}

#[test]
fn detection_race_contains_with_probability_d_over_a_plus_d() {
    // Exponential dwell (mean 5 d) against exponential detection (mean
    // 10 d): P(detection first) = d / (a + d) = 1/3.
    let n = 20_000;
    let run = drill(
        &chain(
            3,
            0.5,
            "Fixed(\"1h\")",
            "Exponential(mean: \"5d\")",
            "Exponential(mean: \"10d\")",
            false,
        ),
        "rw",
        n,
    );
    let p = 1.0 / 3.0;
    let got = run.threat("rw").contained_fraction.unwrap_or(f64::NAN);
    assert_close(
        "P(contained)",
        got,
        p,
        Z * (p * (1.0 - p) / n as f64).sqrt(),
    );
}

fn backup_scenario(compromise: f64, immutable: bool, retention: &str) -> String {
    format!(
        r#"Scenario(name: "backups", services: [
        Service(id: "files", backup: (interval: "12h", restore: Fixed("2h"), rebuild: Fixed("100h"),
                immutable: {immutable} {retention}), data_loss_cost_per_hour: 100),
    ], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["files"],
            spread: (probability: 0.5, time: Fixed("1h")),
            dwell: Fixed("48h"), detection: Fixed("1000h"),
            backup_compromise: {compromise}, response_cost: Fixed(5000)),
    ])"#
    )
}

#[test]
fn data_loss_with_and_without_compromised_backups() {
    let n = 20_000;
    let (t, dwell) = (12.0f64, 48.0f64);
    let var_u = t * t / 12.0;
    // Clean backups: U(0, T), mean T/2.
    let clean = drill(&backup_scenario(0.0, false, ""), "rw", n);
    let dl = clean.acc.services[0].data_loss.mean();
    assert_close("clean", dl, t / 2.0, Z * (var_u / n as f64).sqrt());
    // Always compromised: back to the last backup before the compromise,
    // dwell hours earlier: T/2 + dwell.
    let hit = drill(&backup_scenario(1.0, false, ""), "rw", n);
    let dl = hit.acc.services[0].data_loss.mean();
    assert_close(
        "compromised",
        dl,
        t / 2.0 + dwell,
        Z * (var_u / n as f64).sqrt(),
    );
    // Half the time: T/2 + q·dwell, variance Var U + dwell²·q(1 − q).
    let half = drill(&backup_scenario(0.5, false, ""), "rw", n);
    let dl = half.acc.services[0].data_loss.mean();
    let var = var_u + dwell * dwell * 0.25;
    assert_close(
        "half",
        dl,
        t / 2.0 + 0.5 * dwell,
        Z * (var / n as f64).sqrt(),
    );
    // Immutable backups cannot be compromised.
    let immutable = drill(&backup_scenario(1.0, true, ""), "rw", n);
    let dl = immutable.acc.services[0].data_loss.mean();
    assert_close("immutable", dl, t / 2.0, Z * (var_u / n as f64).sqrt());
    // Under common random numbers the immutable plan loses less in every
    // comparison, not just on average.
    assert!(immutable.summary.services[0].loss.mean < hit.summary.services[0].loss.mean);
    // The response cost is paid per attack and attributed to the threat.
    let rw = hit.threat("rw");
    assert_close(
        "threat loss",
        rw.loss.mean,
        5000.0 + 100.0 * hit.acc.services[0].data_loss.mean(),
        1e-6,
    );
}

#[test]
fn retention_shorter_than_the_dwell_forces_a_rebuild() {
    // Backups older than the 24 h retention are gone; the last clean one
    // is at least 48 h old, so the service is rebuilt (100 h).
    let run = drill(
        &backup_scenario(1.0, false, ", retention: \"24h\""),
        "rw",
        200,
    );
    assert_eq!(run.summary.services[0].outage_duration_hours.mean, 100.0);
    let restored = drill(
        &backup_scenario(0.0, false, ", retention: \"24h\""),
        "rw",
        200,
    );
    assert_eq!(restored.summary.services[0].outage_duration_hours.mean, 2.0);
}

#[test]
fn segmentation_blocks_spread() {
    let open = chain(
        3,
        1.0,
        "Fixed(\"1h\")",
        "Fixed(\"100h\")",
        "Fixed(\"1000h\")",
        false,
    );
    let run = drill(&open, "rw", 100);
    assert_eq!(run.threat("rw").services_compromised_per_attack, Some(3.0));
    let segmented = open.replace(
        "Service(id: \"s1\",",
        "Service(id: \"s1\", segmented: true,",
    );
    let run = drill(&segmented, "rw", 100);
    assert_eq!(run.threat("rw").services_compromised_per_attack, Some(1.0));
    // s2 still goes down with its dependency, but it is not encrypted: it
    // loses no data and needs no restore.
    assert_eq!(run.threat("rw").services_encrypted_per_attack, Some(1.0));
    assert_eq!(
        run.summary.services[2].data_loss_hours.mean, 0.0,
        "s2 is never reached"
    );
    // Hardening lowers the probability into one service only.
    let hardened = open.replace(
        "Service(id: \"s1\",",
        "Service(id: \"s1\", spread_probability: 0.0,",
    );
    let run = drill(&hardened, "rw", 100);
    assert_eq!(run.threat("rw").services_compromised_per_attack, Some(1.0));
}

#[test]
fn a_contained_attack_can_take_services_offline_for_clean_up() {
    let text = chain(
        2,
        1.0,
        "Fixed(\"1h\")",
        "Fixed(\"10h\")",
        "Fixed(\"3h\")",
        false,
    )
    .replace(
        "detection: Fixed(\"3h\")",
        "detection: Fixed(\"3h\"), containment_outage: Fixed(\"5h\")",
    );
    let run = drill(&text, "rw", 10);
    let rw = run.threat("rw");
    assert_eq!(rw.contained_fraction, Some(1.0));
    assert_eq!(rw.services_encrypted_per_attack, Some(0.0));
    assert_eq!(run.summary.services[0].outage_duration_hours.mean, 5.0);
    assert_eq!(run.summary.services[0].data_loss_hours.mean, 0.0);
}

#[test]
fn immutable_backups_and_segmentation_lose_less_data_under_common_random_numbers() {
    let run = |file: &str| {
        let model = bcdr::scenario::load(&crate::common::scenario(file))
            .expect("bundled scenario is valid");
        let plan = bcdr::sim::SimPlan::compile(&model);
        let acc = bcdr::sim::simulate(&plan, bcdr::sim::Mode::Annual, SEED, 0..3000, None, None)
            .expect("runs");
        bcdr::stats::Summary::build(&model, SEED, &acc)
    };
    let (mutable, immutable) = (
        run("ransomware-mutable.ron"),
        run("ransomware-immutable.ron"),
    );
    let lost = |s: &bcdr::stats::Summary| {
        s.services
            .iter()
            .map(|x| x.data_loss_hours.mean)
            .sum::<f64>()
    };
    assert!(
        lost(&immutable) < lost(&mutable),
        "{} vs {}",
        lost(&immutable),
        lost(&mutable)
    );
    // Same attacks in both (common random numbers): the same occurrences.
    let attacks = |s: &bcdr::stats::Summary| {
        s.threats
            .iter()
            .find(|t| t.id == "ransomware")
            .map(|t| t.occurrences.mean)
    };
    assert_eq!(attacks(&immutable), attacks(&mutable));
    let encrypted = |s: &bcdr::stats::Summary| {
        s.threats
            .iter()
            .find(|t| t.id == "ransomware")
            .and_then(|t| t.services_encrypted_per_attack)
    };
    assert!(encrypted(&immutable) < encrypted(&mutable));
}

/// The planning warnings and the simulator spread along the same edges: a
/// k-of-n group is no shortcut from one member to another. Here the only
/// way from `m1` to `m2` runs through `app`, which is segmented, so `m2` is
/// never encrypted, and no warning says it would be (one did, when the
/// warnings walked the group's node).
#[test]
fn a_group_is_no_shortcut_for_spread_in_warnings_or_simulation() {
    let text = r#"Scenario(name: "pair", services: [
        Service(id: "m1", backup: (rebuild: Fixed("1h"))),
        Service(id: "m2", revenue_per_hour: 100),
        Service(id: "app", depends_on: ["pair"], segmented: true, backup: (rebuild: Fixed("1h"))),
    ], groups: [Group(id: "pair", members: ["m1", "m2"], need: 1)],
    threats: [Ransomware(id: "rw", rate_per_year: 1, entry: ["m1"],
        spread: (probability: 1, time: Fixed("1h")), dwell: Fixed("1d"), detection: Fixed("30d"))])"#;
    let model = bcdr::scenario::parse_str(text).expect("valid");
    let warnings = bcdr::scenario::planning_warnings(&model);
    assert!(warnings.is_empty(), "{warnings:?}");
    let run = drill(text, "rw", 50);
    assert_eq!(run.threat("rw").services_encrypted_per_attack, Some(1.0));
    assert_eq!(run.summary.services[1].outages.mean, 0.0, "m2 stays up");

    // Without the segmentation, the attack reaches m2 through app, and the
    // warning says m2 has no way back.
    let open = text.replace("segmented: true, ", "");
    let model = bcdr::scenario::parse_str(&open).expect("valid");
    let warnings = bcdr::scenario::planning_warnings(&model);
    assert!(
        warnings
            .iter()
            .any(|w| w.to_string().contains("\"rw\" encrypts it")),
        "{warnings:?}"
    );
    let run = drill(&open, "rw", 50);
    assert_eq!(run.threat("rw").services_encrypted_per_attack, Some(3.0));
}
