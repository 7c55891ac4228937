//! Threats that travel together (DESIGN-2 B2) against closed forms.

use crate::common::assert_close;
use crate::common::engine::*;

/// Standard errors allowed between simulation and closed form.
const Z: f64 = 4.0;

fn occurrences(run: &Run, threat: &str) -> (f64, f64, f64) {
    let k = run.model.threat_id(threat).expect("threat").index() + 1;
    let o = &run.acc.causes[k].occurrences;
    (o.mean(), o.std_error(), o.variance())
}

#[test]
fn triggered_counts_are_the_parent_rate_times_the_probability() {
    // a (20 a year) sets off b with p = 0.3 and c with p = 0.5; b sets
    // off d with p = 0.4 (a chain), and an outage sets off e every time.
    let text = r#"Scenario(name: "triggers", horizon: "1y",
        services: [Service(id: "s", revenue_per_hour: 1)],
        threats: [
            LossEvent(id: "a", rate_per_year: 20, cost: Fixed(1),
                triggers: [(threat: "b", probability: 0.3), (threat: "c", probability: 0.5, delay: Fixed("0h"))]),
            LossEvent(id: "b", rate_per_year: 0, cost: Fixed(10), triggers: [(threat: "d", probability: 0.4)]),
            LossEvent(id: "c", rate_per_year: 1, cost: Fixed(100)),
            LossEvent(id: "d", rate_per_year: 0, cost: Fixed(1000)),
            Outage(id: "o", rate_per_year: 4, targets: [Service("s")], duration: Fixed("1h"),
                triggers: [(threat: "e", probability: 1)]),
            LossEvent(id: "e", rate_per_year: 0, cost: Fixed(1)),
        ])"#;
    let run = annual(text, 20_000);
    for (id, expected) in [
        ("a", 20.0),
        ("b", 20.0 * 0.3),
        ("c", 1.0 + 20.0 * 0.5),
        ("d", 20.0 * 0.3 * 0.4),
    ] {
        let (mean, se, _) = occurrences(&run, id);
        assert_close(id, mean, expected, Z * se);
    }
    // Every outage (4 a year) sets off e: the counts are equal trial by
    // trial, not only on average.
    let (o, ..) = occurrences(&run, "o");
    let (e, ..) = occurrences(&run, "e");
    assert_eq!(o, e);
}

#[test]
fn a_delay_past_the_horizon_drops_the_triggered_occurrence() {
    // A trigger 10 years later never happens within the year.
    let text = r#"Scenario(name: "late", horizon: "1y", services: [Service(id: "s")],
        threats: [
            LossEvent(id: "a", rate_per_year: 5, cost: Fixed(1),
                triggers: [(threat: "b", probability: 1, delay: Fixed("87600h"))]),
            LossEvent(id: "b", rate_per_year: 0, cost: Fixed(1)),
        ])"#;
    let run = annual(text, 500);
    assert_eq!(occurrences(&run, "b").0, 0.0);
}

#[test]
fn a_common_factor_makes_the_count_a_mixed_poisson() {
    // N | M ~ Poisson(M λ), M ~ Uniform(0, 2): E[N] = E[M] λ = λ and
    // Var[N] = E[M] λ + Var[M] λ² = λ + λ²/3.
    let text = r#"Scenario(name: "season", horizon: "1y", services: [Service(id: "s")],
        threats: [
            LossEvent(id: "storm", rate_per_year: 6, cost: Fixed(1)),
            LossEvent(id: "flood", rate_per_year: 3, cost: Fixed(1)),
        ],
        common_factors: [(id: "bad-season", threats: ["storm", "flood"], multiplier: Uniform(min: 0, max: 2))])"#;
    let run = annual(text, 40_000);
    for (id, l) in [("storm", 6.0), ("flood", 3.0)] {
        let (mean, se, var) = occurrences(&run, id);
        assert_close(id, mean, l, Z * se);
        let expected = l + l * l / 3.0;
        // The sample variance's relative SE is about sqrt((κ − 1)/n) with
        // a kurtosis κ below 4 here: under 1% at 40 000 trials.
        assert_close(&format!("{id} variance"), var, expected, 0.05 * expected);
    }
    // The two threats share one multiplier per trial: their counts
    // correlate, Cov = Var[M] λ₁ λ₂ = 6.
    let s = run.model.threat_id("storm").expect("storm").index() + 1;
    let f = run.model.threat_id("flood").expect("flood").index() + 1;
    let total_var =
        run.acc.causes[s].occurrences.variance() + run.acc.causes[f].occurrences.variance();
    // Var[N₁ + N₂] = Var[N₁] + Var[N₂] + 2 Cov: seen through the loss.
    let loss_var = run.acc.annual_loss.variance();
    assert_close(
        "covariance",
        (loss_var - total_var) / 2.0,
        6.0,
        0.15 * 6.0 + 1.0,
    );
}

#[test]
fn a_fixed_multiplier_of_one_changes_nothing() {
    let base = r#"Scenario(name: "same", horizon: "1y",
        services: [Service(id: "s", revenue_per_hour: 100, failure: (mtbf: "500h", repair: Exponential(mean: "5h")))],
        threats: [Outage(id: "o", rate_per_year: 3, targets: [Service("s")], duration: Exponential(mean: "4h"))]"#;
    let a = annual(&format!("{base})"), 300);
    let b = annual(
        &format!(r#"{base}, common_factors: [(id: "one", threats: ["o"], multiplier: Fixed(1))])"#),
        300,
    );
    assert_eq!(
        serde_json::to_string(&a.summary).expect("json"),
        serde_json::to_string(&b.summary).expect("json")
    );
}

/// Regression (found by an independent check): a multiplier of 1e10 on
/// a loss event made every trial draw 1e10 occurrences, a hang. A
/// multiplier that can draw more than the rate cap is refused by name;
/// one within it cannot scale a rate past the cap, which holds a year to
/// about a million occurrences.
#[test]
fn multipliers_cannot_scale_a_rate_past_the_cap() {
    for m in ["Fixed(1e10)", "LogNormal(median: 1, p90: 1e5)"] {
        let text = format!(
            r#"Scenario(name: "x", services: [Service(id: "a")],
            threats: [LossEvent(id: "e", rate_per_year: 1, cost: Fixed(1))],
            common_factors: [(id: "f", threats: ["e"], multiplier: {m})])"#
        );
        let err = bcdr::scenario::parse_str(&text)
            .expect_err("refused")
            .to_string();
        assert!(err.contains("common_factors[0] \"f\".multiplier"), "{err}");
        assert!(err.contains("LogNormal(median: 1, p90: 2)"), "{err}");
    }
    let run = annual(
        r#"Scenario(name: "x", services: [Service(id: "a")],
            threats: [LossEvent(id: "e", rate_per_year: 50, cost: Fixed(1))],
            common_factors: [(id: "f", threats: ["e"], multiplier: Fixed(1e6))])"#,
        3,
    );
    let (mean, _, _) = occurrences(&run, "e");
    assert_close("capped occurrences", mean, 1e6, 4.0 * (1e6f64 / 3.0).sqrt());
}

#[test]
fn trigger_cycles_are_refused_with_the_cycle_named() {
    let text = r#"Scenario(name: "loop", services: [Service(id: "s")],
        threats: [
            LossEvent(id: "a", rate_per_year: 1, cost: Fixed(1), triggers: [(threat: "b", probability: 0.5)]),
            LossEvent(id: "b", rate_per_year: 1, cost: Fixed(1), triggers: [(threat: "c", probability: 0.5)]),
            LossEvent(id: "c", rate_per_year: 1, cost: Fixed(1), triggers: [(threat: "a", probability: 0.5)]),
        ])"#;
    let err = bcdr::scenario::parse_str(text)
        .expect_err("a cycle")
        .to_string();
    assert!(err.contains("a → b → c → a"), "{err}");
    let text = r#"Scenario(name: "typo", services: [Service(id: "s")],
        threats: [LossEvent(id: "breach", rate_per_year: 1, cost: Fixed(1), triggers: [(threat: "braech", probability: 1.5)])],
        common_factors: [(id: "f", threats: ["x"], multiplier: Fixed(1))])"#;
    let err = bcdr::scenario::parse_str(text)
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("threats[0] \"breach\".triggers[0].threat"),
        "{err}"
    );
    assert!(err.contains("did you mean \"breach\""), "{err}");
    assert!(err.contains("triggers[0].probability"), "{err}");
    assert!(err.contains("common_factors[0] \"f\".threats[0]"), "{err}");
}

#[test]
fn team_errors_name_the_field_and_the_fix() {
    let text = r#"Scenario(name: "teams", services: [Service(id: "core-db", tags: ["database"])],
        plan: Plan(crews: 1, teams: [
            (id: "dba", crews: 0, skills: [Service("core-bd")]),
            (id: "dba", crews: 1, skills: []),
        ]))"#;
    let err = bcdr::scenario::parse_str(text)
        .expect_err("invalid")
        .to_string();
    for part in [
        "plan.teams[0] \"dba\".crews",
        "plan.teams[0] \"dba\".skills[0]",
        "did you mean \"core-db\"",
        "duplicate team id \"dba\"",
        "plan.teams[1] \"dba\".skills",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

/// A skill that matches no service was silently accepted (the team never
/// got a job), while the same `Tag(..)` in a threat's targets is an error.
#[test]
fn a_team_skill_that_matches_no_service_is_an_error() {
    let text = r#"Scenario(name: "teams", sites: [Site(id: "dc-1"), Site(id: "dc-2")],
        services: [Service(id: "core-db", site: "dc-1", tags: ["database", "pci"])],
        plan: Plan(crews: 1, teams: [
            (id: "dba", crews: 1, skills: [Tag("db")]),
            (id: "ops", crews: 1, skills: [Tag("databse"), Tier(Business), Site("dc-2")]),
        ]))"#;
    let err = bcdr::scenario::parse_str(text)
        .expect_err("invalid")
        .to_string();
    for part in [
        r#"plan.teams[0] "dba".skills[0]: no service has the tag "db": add tags: ["db"] to the services the team should recover, or use a known tag: "database", "pci""#,
        r#"plan.teams[1] "ops".skills[0]: no service has the tag "databse"; did you mean "database"?"#,
        r#"plan.teams[1] "ops".skills[1]: no service has the tier Business"#,
        r#"plan.teams[1] "ops".skills[2]: no service is at the site "dc-2""#,
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    // The skills that match a service are fine.
    let text = text.replace(r#"Tag("db")"#, r#"Tag("database")"#).replace(
        r#"Tag("databse"), Tier(Business), Site("dc-2")"#,
        r#"Tag("pci"), Tier(Application), Site("dc-1")"#,
    );
    bcdr::scenario::parse_str(&text).expect("valid");
}

/// A chain of loss events, each triggering the next: firing a trigger
/// called itself once per link, and 100 000 links overflowed the worker's
/// stack (`fatal runtime error: stack overflow, aborting`). Every link is
/// booked, once per occurrence of the first.
#[test]
fn a_long_chain_of_triggered_loss_events_does_not_overflow_the_stack() {
    const LINKS: usize = 100_000;
    let mut threats: Vec<String> = (0..LINKS - 1)
        .map(|i| {
            format!(
                r#"LossEvent(id: "l{i}", rate_per_year: {}, cost: Fixed(1), triggers: [(threat: "l{}", probability: 1)])"#,
                if i == 0 { 3 } else { 0 },
                i + 1
            )
        })
        .collect();
    threats.push(format!(
        r#"LossEvent(id: "l{}", rate_per_year: 0, cost: Fixed(1))"#,
        LINKS - 1
    ));
    let text = format!(
        r#"Scenario(name: "chain", services: [Service(id: "s")], threats: [{}])"#,
        threats.join(",\n")
    );
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("chain.ron");
    std::fs::write(&path, text).expect("written");
    let out = dir.path().join("out");
    let run = crate::common::bcdr()
        .args(["run", "-q", "--trials", "2", "--threads", "1", "--out"])
        .arg(&out)
        .arg(&path)
        .output()
        .expect("bcdr runs");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    let summary = crate::common::read_json(&out.join("summary.json"));
    let first = summary["threats"]
        .as_array()
        .expect("threats")
        .iter()
        .find(|t| t["id"] == "l0")
        .expect("l0")["occurrences"]["mean"]
        .as_f64()
        .expect("a mean");
    let loss = summary["annual_loss"]["mean"].as_f64().expect("a mean");
    assert!(first > 0.0, "{summary}");
    assert_eq!(
        loss,
        first * LINKS as f64,
        "each occurrence books every link"
    );
}
