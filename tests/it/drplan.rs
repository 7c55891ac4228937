//! The DR plan as planners write it (DESIGN-2 A1, A6): failover that
//! moves the service, DR invocation, asynchronous replication, switchovers
//! that wait, and the units `mo` and `q`, against closed forms.
//!
//! Tolerances: fixed durations give exact outages (on the clock's grid of
//! 2^-30 h, so within 1e-6 h); means of random draws are within `Z`
//! standard errors of the run's own accumulators.

use crate::common::assert_close;
use crate::common::engine::*;

const Z: f64 = 4.0;

/// Two data centres; the database runs at dc-1 on its VM cluster and fails
/// over to dc-2, where it runs on the DR cluster.
fn two_sites(failover: &str, threats: &str) -> String {
    format!(
        r#"Scenario(name: "insurer", horizon: "1y",
    sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    services: [
        Service(id: "vm", site: "dc-1", backup: (rebuild: Fixed("500h"))),
        Service(id: "vm-dr", site: "dc-2"),
        Service(id: "dns", site: "dc-2", backup: (rebuild: Fixed("5h"))),
        Service(id: "db", site: "dc-1", depends_on: ["vm"],
            backup: (interval: "24h", restore: Fixed("48h")),
            failover: {failover}, rto: "4h", data_loss_cost_per_hour: 100),
    ],
    threats: [{threats}])"#
    )
}

const FLOOD: &str = r#"Disaster(id: "flood", rate_per_year: 1, targets: [Site("dc-1")])"#;

/// The issue's insurer: without `failover.depends_on` the database keeps
/// needing the destroyed VM cluster after it fails over and stays down for
/// the rebuild; with it, its outage is the switchover.
#[test]
fn a_relocated_failover_outage_is_the_switchover() {
    let stays = two_sites(r#"(site: "dc-2", switchover: Fixed("2h"))"#, FLOOD);
    let run = drill(&stays, "flood", 50);
    let db = &run.acc.services[3];
    assert_close("without relocation", db.downtime.mean(), 500.0, 1e-6);
    assert_eq!(db.rto_met, 0);

    let moves = two_sites(
        r#"(site: "dc-2", switchover: Fixed("2h"), depends_on: ["vm-dr"])"#,
        FLOOD,
    );
    let run = drill(&moves, "flood", 50);
    let db = &run.acc.services[3];
    assert_close("relocated: the switchover", db.downtime.mean(), 2.0, 1e-6);
    assert_eq!(
        db.rto_met, 50,
        "a 2 h outage meets a 4 h RTO in every drill"
    );
}

/// Site threats follow the service: once at dc-2, a flood of dc-2 hits it
/// (it stays down: no failback), a flood of dc-1 no longer does.
#[test]
fn site_threats_follow_a_moved_service() {
    let text = two_sites(
        r#"(site: "dc-2", switchover: Fixed("2h"), depends_on: ["vm-dr"])"#,
        r#"Disaster(id: "flood", rate_per_year: 1, targets: [Site("dc-1")]),
           Outage(id: "dr-power", rate_per_year: 1, targets: [Site("dc-2")], duration: Fixed("10h"))"#,
    );
    let model = bcdr::scenario::parse_str(&text).expect("valid");
    let plan = bcdr::sim::SimPlan::compile(&model);
    assert_eq!(plan.dr.movers[1], vec![3], "db moves into dr-power's site");
    assert!(plan.dr.movers[0].is_empty());
}

/// An outage of fixed length D with `invoke_after` T < D: the disaster is
/// declared at T and the switchover S follows, so the outage is T + S.
#[test]
fn invocation_after_t_gives_t_plus_switchover() {
    let text = two_sites(
        r#"(site: "dc-2", switchover: Fixed("1h"), depends_on: ["vm-dr"], invoke_after: "3h")"#,
        r#"Outage(id: "power", rate_per_year: 1, targets: [Site("dc-1")], duration: Fixed("24h"))"#,
    );
    let run = drill(&text, "power", 50);
    let db = &run.acc.services[3];
    assert_close("T + switchover", db.downtime.mean(), 4.0, 1e-6);
    // With T >= D the outage ends first: no invocation.
    let late = text.replace("invoke_after: \"3h\"", "invoke_after: \"30h\"");
    let run = drill(&late, "power", 50);
    assert_close(
        "no invocation",
        run.acc.services[3].downtime.mean(),
        24.0,
        1e-6,
    );
}

/// An outage of exactly `invoke_after` ends as the invocation falls due:
/// the service is back, so DR is not invoked, whatever brings it back at
/// that instant (the end of an outage, a restart of no length, a restart
/// that adds up to T, a repair). It was invoked before for all but the
/// outage without a restart: the invocation, queued when the service went
/// down, came first among the instant's events.
#[test]
fn an_outage_of_exactly_invoke_after_does_not_invoke_whatever_its_cause() {
    let text = |restart: &str, outage: &str, repair: &str| {
        format!(
            r#"Scenario(name: "t", horizon: "150h",
    sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    services: [
        Service(id: "app", site: "dc-1", restart: Fixed("{restart}"),
            failure: (ttf: Fixed("100h"), repair: Fixed("{repair}")),
            failover: (site: "dc-2", switchover: Fixed("30m"), invoke_after: "2h")),
    ],
    threats: [Outage(id: "cut", rate_per_year: 0, targets: [Site("dc-1")], duration: Fixed("{outage}"))])"#
        )
    };
    for (restart, outage, expected) in [
        ("0h", "2h", 2.0),
        ("1h", "1h", 2.0),
        ("2h", "0h", 2.0),
        ("1h", "90m", 2.5),
    ] {
        let run = drill(&text(restart, outage, "1h"), "cut", 10);
        let app = &run.acc.services[0];
        assert_close(
            &format!("outage {outage} + restart {restart}"),
            app.downtime.mean(),
            expected,
            1e-6,
        );
    }
    // A random failure at 100 h repaired in exactly T: back at 102 h, not
    // switched over at 102.5 h; a longer repair is cut to T + switchover.
    for (repair, expected) in [("2h", 2.0), ("3h", 2.5)] {
        let run = annual(&text("0h", "1h", repair), 10);
        assert_close(
            &format!("repair {repair}"),
            run.acc.services[0].downtime.mean(),
            expected,
            1e-6,
        );
    }
}

/// A dependency at home that stays down is a cause too: the VM cluster's
/// outage takes the database down and DR is invoked after T.
#[test]
fn invocation_counts_a_dependency_at_home() {
    let text = two_sites(
        r#"(site: "dc-2", switchover: Fixed("1h"), depends_on: ["vm-dr"], invoke_after: "2h")"#,
        r#"Outage(id: "vm-down", rate_per_year: 1, targets: [Service("vm")], duration: Fixed("24h"))"#,
    );
    let run = drill(&text, "vm-down", 50);
    assert_close(
        "T + switchover",
        run.acc.services[3].downtime.mean(),
        3.0,
        1e-6,
    );
}

/// Asynchronous replication: the mean data lost per failover is the mean
/// lag, and it is costed at data_loss_cost_per_hour.
#[test]
fn mean_data_loss_per_asynchronous_failover_is_the_mean_lag() {
    let text = two_sites(
        r#"(site: "dc-2", switchover: Fixed("2h"), depends_on: ["vm-dr"],
            replication: Asynchronous(lag: Exponential(mean: "15m")))"#,
        FLOOD,
    );
    let run = drill(&text, "flood", 4000);
    let db = &run.acc.services[3];
    let loss = &db.data_loss;
    assert_close("mean lag", loss.mean(), 0.25, Z * loss.std_error());
    assert_close(
        "costed",
        db.loss.mean(),
        100.0 * loss.mean(),
        1e-9 * db.loss.mean().max(1.0),
    );
}

/// A switchover that requires DNS waits for it: the flood also destroys
/// DNS, rebuilt in 5 h, so the outage is 5 h + the 2 h switchover.
#[test]
fn a_switchover_waits_for_what_it_requires() {
    let text = two_sites(
        r#"(site: "dc-2", switchover: Fixed("2h"), depends_on: ["vm-dr"], requires: ["dns"])"#,
        r#"Disaster(id: "flood", rate_per_year: 1, targets: [Site("dc-1"), Service("dns")])"#,
    );
    let run = drill(&text, "flood", 20);
    assert_close(
        "wait + switchover",
        run.acc.services[3].downtime.mean(),
        7.0,
        1e-6,
    );
}

#[test]
fn months_and_quarters() {
    use bcdr::scenario::parse_hours;
    assert_eq!(parse_hours("1mo"), Ok(730.0));
    assert_eq!(parse_hours("1q"), Ok(2190.0));
    assert_eq!(parse_hours("12mo"), parse_hours("1y"));
    let text = r#"Scenario(name: "q", horizon: "1q", services: [Service(id: "a")])"#;
    let model = bcdr::scenario::parse_str(text).expect("valid");
    assert_eq!(model.horizon.get(), 2190.0);
}

/// Bad input names the field.
#[test]
fn unknown_ids_in_failover_fields_name_the_path() {
    for (field, path) in [
        ("depends_on: [\"vm-drr\"]", "failover.depends_on[0]"),
        ("requires: [\"dnss\"]", "failover.requires[0]"),
        ("invoke_after: \"0h\"", "failover.invoke_after"),
        ("depends_on: [\"db\"]", "failover.depends_on[0]"),
    ] {
        let text = two_sites(
            &format!(r#"(site: "dc-2", switchover: Fixed("2h"), {field})"#),
            FLOOD,
        );
        let err = bcdr::scenario::parse_str(&text)
            .expect_err(field)
            .to_string();
        assert!(err.contains(path), "{field}: {err}");
    }
}

/// The planning warnings name the fix in the scenario's ids.
#[test]
fn warnings_for_a_standby_at_home_and_a_late_invocation() {
    let text = two_sites(
        r#"(site: "dc-2", switchover: Fixed("2h"), invoke_after: "8h")"#,
        FLOOD,
    );
    let model = bcdr::scenario::parse_str(&text).expect("valid");
    let warnings = bcdr::scenario::planning_warnings(&model);
    let text_of = |path: &str| crate::common::warning_at(&warnings, path);
    let home = text_of("\"db\".failover");
    assert!(
        home.contains("\"vm\"") && home.contains("\"vm-dr\""),
        "{home}"
    );
    let late = text_of("\"db\".failover.invoke_after");
    assert!(late.contains("8h") && late.contains("4h"), "{late}");
    // Given standby dependencies at dc-2, neither applies.
    let fixed = text.replace(
        "invoke_after: \"8h\"",
        "invoke_after: \"1h\", depends_on: [\"vm-dr\"]",
    );
    let model = bcdr::scenario::parse_str(&fixed).expect("valid");
    let warnings = bcdr::scenario::planning_warnings(&model);
    assert!(
        !warnings.iter().any(|w| w.path.contains("failover")),
        "{warnings:?}"
    );
}

/// The bundled insurer pair: the same ids with and without the DR site, so
/// `bcdr compare` values the site trial by trial; with it, a flood costs
/// less.
#[test]
fn the_insurer_pair_values_the_dr_site() {
    let read = |name: &str| {
        std::fs::read_to_string(crate::common::scenario(name)).expect("bundled scenario")
    };
    let (with, without) = (read("insurer-dr-site.ron"), read("insurer-no-dr-site.ron"));
    let (a, b) = (drill(&without, "flood", 400), drill(&with, "flood", 400));
    let ids = |r: &Run| {
        r.model
            .services
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b), "same ids on both sides");
    let loss = |r: &Run| r.summary.annual_loss.mean;
    assert!(
        loss(&b) < 0.5 * loss(&a),
        "a flood with the DR site {} vs without {}",
        loss(&b),
        loss(&a)
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = crate::common::bcdr()
        .args(["compare"])
        .arg(crate::common::scenario("insurer-no-dr-site.ron"))
        .arg(crate::common::scenario("insurer-dr-site.ron"))
        .args(["--trials", "500", "--quiet", "--out"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A scenario without failovers compiles to an inert DR plan: no hook of
/// `trial::dr` runs, so its trials are the bytes they were before (checked
/// on every bundled scenario without a failover and on a generated
/// 1000-service estate against the binary before the change).
#[test]
fn without_failovers_the_dr_plan_is_inert() {
    for name in ["ransomware-mutable.ron", "ransomware-immutable.ron"] {
        let text = std::fs::read_to_string(crate::common::scenario(name)).expect("bundled");
        let plan = bcdr::sim::SimPlan::compile(&bcdr::scenario::parse_str(&text).expect("valid"));
        assert!(
            !plan.dr.any && !plan.dr.relocates && !plan.dr.invokes,
            "{name}"
        );
        assert!(plan.dr.movers.iter().all(Vec::is_empty), "{name}");
    }
}

/// A disaster damages its targets at one instant: a switchover that
/// requires another target waits for it whether the file lists that
/// target before or after the service. Before, the requirement was judged
/// as each target was damaged, so one listed later still counted as up and
/// x switched over in 1 h when listed first, while listed second it never
/// did: the results depended on the order of the file.
#[test]
fn a_switchover_requirement_hit_by_the_same_disaster_is_down_in_any_file_order() {
    let x = r#"Service(id: "x", site: "a", rto: "24h",
            failover: (site: "b", success: 1, switchover: Fixed("1h"), requires: ["y"]),
            backup: (interval: "24h", restore: Fixed("4h")))"#;
    let y = r#"Service(id: "y", site: "a", rto: "24h",
            backup: (rebuild: Fixed("1h"), requires: ["x"]))"#;
    let z = r#"Service(id: "y", site: "a", rto: "24h", backup: (rebuild: Fixed("2h")))"#;
    let scenario = |first: &str, second: &str| {
        format!(
            r#"Scenario(name: "fo", sites: [Site(id: "a"), Site(id: "b")],
            services: [{first}, {second}],
            threats: [Disaster(id: "flood", rate_per_year: 1, targets: [Site("a")])])"#
        )
    };
    let recovered = |text: &str| {
        let model = bcdr::scenario::parse_str(text).expect("valid");
        let flood = bcdr::app::drill_threat(&model, "flood").expect("a threat");
        let r = bcdr::app::drill_results(&model, flood, None, None, 1, 0..20, Some(1), None)
            .expect("the drill runs");
        let x = r.drill.services.iter().find(|s| s.id == "x").expect("x");
        (x.not_recovered, x.recovery_hours.as_ref().map(|q| q.p50))
    };
    // Each waits on the other: neither comes back, in either order.
    for text in [scenario(x, y), scenario(y, x)] {
        assert_eq!(recovered(&text).0, Some(1.0), "{text}");
    }
    // y rebuilt in 2 h without waiting: x switches over once y is back,
    // at 2 h + 1 h, in either order.
    for text in [scenario(x, z), scenario(z, x)] {
        let (lost, back) = recovered(&text);
        assert_eq!(lost, Some(0.0), "{text}");
        assert_eq!(back, Some(3.0), "{text}");
    }
}
