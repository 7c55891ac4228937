//! The equality tests that pin the trial's bytes: its outages against the
//! plain definition, the fused booking against the list booking, batches
//! absorbed at any time.

use super::*;
use crate::sim::compile::SimPlan;
use crate::sim::intervals::{at_least, normal_form, union_many, Iv};
use crate::stats::Accumulator;

/// An estate with every way down can travel: nested groups, a group
/// above services above a group, soft dependencies, fixed and random
/// restarts (identical segments across a site, and near-identical
/// ones), failover and restores after a disaster, frequent failures.
const ESTATE: &str = r#"Scenario(name: "reference", horizon: "1y",
    sites: [Site(id: "a"), Site(id: "b")],
    services: [
        Service(id: "net", site: "a", failure: (mtbf: "900h", repair: Exponential(mean: "6h")), restart: Fixed("10m")),
        Service(id: "x", site: "a", depends_on: ["net"], failure: (mtbf: "300h", repair: Exponential(mean: "20h")), restart: Fixed("10m")),
        Service(id: "y", site: "b", failure: (mtbf: "300h", repair: Exponential(mean: "20h")), restart: LogNormal(median: "20m", p90: "1h")),
        Service(id: "z", site: "a", failure: (mtbf: "300h", repair: Exponential(mean: "20h")), restart: Fixed("10m"),
            backup: (interval: "4h", restore: Exponential(mean: "12h"))),
        Service(id: "db", site: "a", depends_on: ["pair"], failure: (mtbf: "700h", repair: Fixed("3h")),
            failover: (site: "b", switchover: Fixed("1h"), success: 0.7),
            backup: (interval: "1h", restore: Fixed("8h")), restart: Fixed("10m")),
        Service(id: "cache", site: "b", failure: (mtbf: "200h", repair: Fixed("2h"))),
        Service(id: "app", site: "a", depends_on: ["cluster", "db"], degrades_on: [(service: "cache", capacity: 0.5)],
            revenue_per_hour: 100, failure: (mtbf: "500h", repair: Exponential(mean: "4h")), restart: Fixed("10m")),
        Service(id: "web", depends_on: ["app", "net"], degrades_on: [(service: "pair", capacity: 0.9)], revenue_per_hour: 10),
        Service(id: "top", depends_on: ["web", "cluster"], revenue_per_hour: 5),
    ],
    groups: [
        Group(id: "pair", members: ["y", "cache"], need: 1),
        Group(id: "cluster", members: ["x", "y", "z", "pair"], need: 3),
    ],
    threats: [
        Outage(id: "power-a", rate_per_year: 6, targets: [Site("a")], duration: Fixed("3h")),
        Outage(id: "power-b", rate_per_year: 6, targets: [Site("b")], duration: LogNormal(median: "2h", p90: "6h")),
        Disaster(id: "fire", rate_per_year: 1, targets: [Site("a")]),
    ],
    plan: Plan(crews: 2, restore_in_dependency_order: true),
)"#;

/// Outages (chains of touching intervals) as (start, end) pairs.
fn chains(ivs: &[Iv]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for x in ivs {
        match out.last_mut() {
            Some(last) if last.1 == x.start => last.1 = x.end,
            _ => out.push((x.start, x.end)),
        }
    }
    out
}

/// The engine's outages must equal those of the plain definition,
/// computed from the trial's own segments: a service is down while it
/// or any hard dependency is, a group while too few members are up.
#[test]
fn outages_match_the_definition_on_a_reference_estate() {
    let model = crate::scenario::parse_str(ESTATE).expect("valid");
    let plan = SimPlan::compile(&model);
    let mut trial = Trial::new(&plan);
    trial.set_recording(true);
    let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
    let mut outages = 0;
    for k in 0..300 {
        trial.run(&plan, Mode::Annual, 11, k, &mut acc);
        // The definition, list by list in dependency order.
        let mut down: Vec<Vec<Iv>> = vec![Vec::new(); plan.node_count()];
        for &node in &plan.order {
            let i = node as usize;
            let deps = plan.hard_deps.row(i);
            let mut out = Vec::new();
            if i < plan.n_services {
                let normal = normal_form(
                    trial
                        .own
                        .segs
                        .iter()
                        .filter(|s| s.svc as usize == i && s.iv.end > s.iv.start)
                        .map(|s| s.iv)
                        .collect(),
                );
                let mut lists: Vec<&[Iv]> = vec![&normal];
                lists.extend(deps.iter().map(|&d| down[d as usize].as_slice()));
                union_many(&lists, &mut out);
            } else {
                let members: Vec<&[Iv]> =
                    deps.iter().map(|&d| down[d as usize].as_slice()).collect();
                at_least(&members, plan.threshold[i], &mut Vec::new(), &mut out);
            }
            down[i] = out;
        }
        for (svc, list) in down.iter().enumerate().take(plan.n_services) {
            let mut recorded: Vec<(f64, f64)> = Vec::new();
            for r in trial.records().iter().filter(|r| r.svc as usize == svc) {
                match r.mark {
                    Mark::Down => recorded.push((r.t, plan.horizon)),
                    Mark::Up => recorded.last_mut().expect("down before up").1 = r.t,
                    _ => {}
                }
            }
            recorded.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Stretches still open end just past the horizon.
            let expected: Vec<(f64, f64)> = chains(list)
                .into_iter()
                .map(|(a, b)| (a, b.min(plan.horizon)))
                .collect();
            assert_eq!(recorded, expected, "trial {k}, service {svc}");
            outages += recorded.len();
        }
    }
    trial.finish(&plan, &mut acc);
    // The estate is busy enough for the comparison to mean something.
    assert!(outages > 300 * 9 * 5, "{outages}");
}

/// Outage-duration and downtime histograms are the same whether the
/// 8-bit batches are absorbed after every trial or once per chunk.
#[test]
fn histograms_do_not_depend_on_when_batches_are_absorbed() {
    // "busy" has ~21 000 outages a trial and "frantic" ~88 000, so their
    // 8-bit counts wrap and carry into the histograms many times a
    // trial.
    let src = r#"Scenario(name: "busy", horizon: "1y",
        sites: [Site(id: "a")],
        services: [
            Service(id: "busy", site: "a", failure: (mtbf: "20m", repair: Exponential(mean: "5m"))),
            Service(id: "frantic", site: "a", failure: (mtbf: "5m", repair: Exponential(mean: "1m"))),
            Service(id: "top", depends_on: ["busy"], revenue_per_hour: 1),
        ],
        plan: Plan(crews: 3),
    )"#;
    let model = crate::scenario::parse_str(src).expect("valid");
    let plan = SimPlan::compile(&model);
    let trials = 5;
    let run = |absorb_each_trial: bool| {
        let mut trial = Trial::new(&plan);
        let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
        for k in 0..trials {
            trial.run(&plan, Mode::Annual, 3, k, &mut acc);
            if absorb_each_trial {
                trial.finish(&plan, &mut acc);
            }
        }
        trial.finish(&plan, &mut acc);
        acc
    };
    let (once, each) = (run(false), run(true));
    // Many more outages than an 8-bit count holds, in every trial.
    let (busy, frantic) = (&once.services[0], &once.services[1]);
    assert!(busy.outages > 256 * 50 * trials, "{}", busy.outages);
    assert!(frantic.outages > 256 * 250 * trials, "{}", frantic.outages);
    for (i, (a, b)) in once.services.iter().zip(&each.services).enumerate() {
        assert_eq!(a.outages, b.outages, "service {i}");
        assert_eq!(a.outage_hist.count(), a.outages, "service {i}");
        assert!(a.outage_hist == b.outage_hist, "service {i}");
        assert_eq!(a.downtime_hist.count(), trials, "service {i}");
        assert!(a.downtime_hist == b.downtime_hist, "service {i}");
    }
}

/// The reference estate with `fields` on `net`, a service booked fused
/// whose outages a disaster splits into touching segments of two causes.
fn earning_net(fields: &str) -> String {
    const NET: &str = r#"Service(id: "net", site: "a","#;
    let earning = ESTATE.replace(NET, &format!("{NET} {fields}"));
    assert_ne!(earning, ESTATE);
    earning
}

/// The fused booking ([`fused::book_row`]) books exactly what the
/// list-then-book path does, bit for bit, on the reference estate and
/// on a generated one, with either form of rows.
#[test]
fn fused_booking_matches_booking_the_list() {
    let generated = crate::sim::generate::layered(200, 5).expect("valid");
    // With lost revenue on a service booked fused, whose outages a
    // disaster splits into touching segments of two causes.
    let earning = earning_net("revenue_per_hour: 1,");
    assert_ne!(earning, ESTATE);
    // With a revenue profile and impact steps (DESIGN-2 B3) on a service
    // booked fused and on one degraded by a soft dependency.
    let timed = earning
        .replace(
            r#"revenue_per_hour: 1,"#,
            r#"revenue_per_hour: 1, revenue_profile: (hours: [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0], months: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4]), impact: [(after: "2h", cost: 10), (after: "1d", cost: 100)],"#,
        )
        .replace(
            r#"revenue_per_hour: 100,"#,
            r#"revenue_per_hour: 100, revenue_profile: (weekend: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 3]),"#,
        );
    assert_eq!(timed.matches("revenue_profile").count(), 2);
    // A service booked late (its revenue degraded by soft dependencies)
    // with no group below it, and soft dependencies (kept lists) none of
    // which has a group below it: booked from their rows when fused.
    const TOP: &str = r#"Service(id: "top","#;
    let degraded = ESTATE.replace(
        TOP,
        &format!(
            r#"Service(id: "shop", depends_on: ["net"], degrades_on: [(service: "cache", capacity: 0.5), (service: "x", capacity: 0.8), (service: "z", capacity: 0.9)],
            revenue_per_hour: 50, cost_per_outage: 7, rto: "2h", mtpd: "1d", mtpd_penalty: 300),
        {TOP}"#
        ),
    );
    assert_ne!(degraded, ESTATE);
    // Insured: every segment's loss charged to its occurrence too.
    let insured = generated.trim_end().trim_end_matches(')').trim_end().trim_end_matches(',').to_string()
        + ",\n insurance: [Policy(id: \"p\", deductible: 1000, aggregate_limit: 300000, premium: 7)],\n)";
    for (name, src, trials) in [
        ("timed", timed.as_str(), 1000),
        ("earning", earning.as_str(), 1000),
        ("reference", ESTATE, 300),
        ("degraded", degraded.as_str(), 1000),
        ("generated", generated.as_str(), 100),
        ("insured", insured.as_str(), 100),
    ] {
        let model = crate::scenario::parse_str(src).expect("valid");
        let plan = SimPlan::compile(&model);
        // Some services take the fused path.
        assert!((0..plan.n_services).any(|i| !plan.keep_list[i]));
        if name == "degraded" {
            // A late one, and kept ones, without groups below them.
            let at = |id: &str| model.services.iter().position(|x| x.id == id).unwrap();
            assert!(plan.book_late[at("shop")] && plan.keep_list[at("x")]);
        }
        let run = |fused: bool, form: fused::Form| {
            annual_trials(&plan, 7, trials, |trial| {
                trial.fused = fused;
                trial.rows.force = Some(form);
            })
        };
        // With each form of rows (`fused::Form`): bits and sparse.
        for form in [fused::Form::Bits, fused::Form::Sparse] {
            let (fused, plain) = (run(true, form), run(false, form));
            assert_eq!(fused.net.is_some(), name == "insured");
            if let Some(net) = &fused.net {
                assert!(net.policies[0].recovered.sum() > 0.0, "{name}");
            }
            assert!(fused == plain, "{name}, {form:?}");
        }
    }
}

/// Skipping the booking of a trial in which nothing was down
/// ([`Trial::nothing_down`]) changes no figure: the accumulators are equal
/// with and without the skip, on an estate whose quiet years have loss
/// events, groups, soft dependencies, kept lists and data-loss costs, on
/// a FAIR-style line with nothing but a loss event, and on the busy
/// reference estate.
#[test]
fn skipping_quiet_trials_changes_nothing() {
    let quiet = r#"Scenario(name: "quiet", horizon: "1y",
        sites: [Site(id: "a"), Site(id: "b")],
        services: [
            Service(id: "net", site: "a", failure: (mtbf: "60000h", repair: Exponential(mean: "6h"))),
            Service(id: "db", site: "b", depends_on: ["net"], failure: (mtbf: "90000h", repair: Fixed("3h")),
                backup: (interval: "1h", restore: Fixed("8h")), data_loss_cost_per_hour: 50),
            Service(id: "cache", site: "b", failure: (mtbf: "90000h", repair: Fixed("2h"))),
            Service(id: "app", site: "a", depends_on: ["db", "pair"], degrades_on: [(service: "cache", capacity: 0.5)],
                revenue_per_hour: 100, cost_per_outage: 10, rto: "1h", mtpd: "1d", mtpd_penalty: 1000),
        ],
        groups: [Group(id: "pair", members: ["net", "cache"], need: 1)],
        threats: [
            Outage(id: "power-b", rate_per_year: 0.2, targets: [Site("b")], duration: Fixed("3h"),
                response_cost: Pert(min: 10, mode: 20, max: 90)),
            LossEvent(id: "breach", rate_per_year: Pert(min: 0.1, mode: 0.5, max: 2.0),
                cost: Pert(min: 10000, mode: 50000, max: 500000)),
        ],
        plan: Plan(crews: 1),
    )"#;
    let fair = r#"Scenario(name: "fair", horizon: "1y",
        services: [Service(id: "business", tier: Business)],
        threats: [LossEvent(id: "loss-event", rate_per_year: Pert(min: 0.1, mode: 0.5, max: 2.0),
            cost: Pert(min: 10000, mode: 50000, max: 500000))],
    )"#;
    for (name, src, trials) in [
        ("quiet", quiet, 2000),
        ("fair", fair, 2000),
        ("reference", ESTATE, 100),
    ] {
        let model = crate::scenario::parse_str(src).expect("valid");
        let plan = SimPlan::compile(&model);
        let run = |skip: bool| {
            let mut trial = Trial::new(&plan);
            trial.skip_quiet = skip;
            let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
            let mut quiet_trials = 0;
            for k in 0..trials {
                trial.run(&plan, Mode::Annual, 5, k, &mut acc);
                quiet_trials += u64::from(trial.nothing_down(&plan));
            }
            trial.finish(&plan, &mut acc);
            (acc, quiet_trials)
        };
        let ((skipped, quiet_trials), (booked, _)) = (run(true), run(false));
        assert!(skipped == booked, "{name}");
        match name {
            "reference" => assert_eq!(quiet_trials, 0),
            "fair" => assert_eq!(quiet_trials, trials),
            // Both kinds: the comparison covers quiet trials after busy ones.
            _ => assert!(
                quiet_trials > trials / 4 && quiet_trials < trials,
                "{quiet_trials}"
            ),
        }
        assert!(skipped.annual_loss.sum() > 0.0, "{name}");
    }
}

/// Runs `trials` annual trials of `src` and returns the accumulator.
fn annual(src: &str, trials: u64) -> Accumulator {
    let model = crate::scenario::parse_str(src).expect("valid");
    annual_trials(&SimPlan::compile(&model), 5, trials, |_| {})
}

/// The split of random failures' loss by the service whose failure
/// started the outage adds up to random failures' loss: to the rounding
/// of each trial's per-service sums (a relative 1e-9), on the reference
/// estate (groups, soft dependencies, data loss, failovers), one with
/// lost revenue on a fast-booked service, and a generated one.
#[test]
fn failure_split_by_origin_adds_up_to_random_failures_loss() {
    let generated = crate::sim::generate::layered(200, 5).expect("valid");
    let earning = earning_net("revenue_per_hour: 1, cost_per_outage: 50,");
    for (name, src) in [
        ("reference", ESTATE),
        ("earning", earning.as_str()),
        ("generated", generated.as_str()),
    ] {
        let acc = annual(src, 300);
        let total = acc.causes[FAILURES as usize].loss.sum();
        let split: f64 = acc
            .services
            .iter()
            .map(|s| s.failure_origin_loss.sum())
            .sum();
        assert!(total > 0.0, "{name}");
        assert!(
            (split - total).abs() <= 1e-9 * total,
            "{name}: split {split} vs random failures {total}"
        );
        assert!(acc.check(0..300).is_ok(), "{name}");
    }
}

/// Only `a` fails at random; `b` depends on it and loses the money: all
/// of random failures' loss is charged to `a`.
#[test]
fn failure_loss_is_charged_to_the_failing_service() {
    let src = r#"Scenario(name: "two", horizon: "1y",
        services: [
            Service(id: "a", failure: (mtbf: "500h", repair: Exponential(mean: "5h")), revenue_per_hour: 10),
            Service(id: "b", depends_on: ["a"], revenue_per_hour: 100, cost_per_outage: 1000),
        ],
    )"#;
    let acc = annual(src, 200);
    let total = acc.causes[FAILURES as usize].loss.sum();
    let (a, b) = (&acc.services[0], &acc.services[1]);
    assert!(total > 0.0);
    assert!(b.loss.sum() > a.loss.sum());
    assert_eq!(b.failure_origin_loss.sum(), 0.0);
    assert!((a.failure_origin_loss.sum() - total).abs() <= 1e-9 * total);
}

/// The deep form of "functional now" (an explicit stack, used past
/// `DEEP` calls) gives the recursive form's value for every node and
/// every combination of services down on the reference estate.
#[test]
fn functional_now_on_a_stack_matches_the_recursion() {
    let model = crate::scenario::parse_str(ESTATE).expect("valid");
    let plan = SimPlan::compile(&model);
    let s = plan.n_services;
    let n = plan.node_count();
    for mask in 0u32..(1 << s) {
        let own: Vec<u32> = (0..s).map(|i| (mask >> i) & 1).collect();
        let mut a = own::Memo::new(n);
        let mut b = own::Memo::new(n);
        for node in 0..n as u32 {
            a.next_epoch();
            b.next_epoch();
            assert_eq!(
                a.functional_now(&plan, &own, node),
                b.functional_deep(&plan, &own, node),
                "node {node}, services down {mask:b}"
            );
        }
    }
}
