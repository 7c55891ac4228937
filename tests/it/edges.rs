//! Numbers at the edges (issue 12): exact thresholds and durations, honest
//! tails. Each test names the boundary it pins; tolerances are derived
//! from the run's own standard errors.

use crate::common::assert_close as close;
use crate::common::engine::*;

/// Standard errors allowed between simulation and closed form.
const Z: f64 = 4.0;

/// A service that fails every 100 h exactly and is repaired in exactly
/// `repair`, against an RTO and MTPD of `limit`, over `horizon`.
fn fixed_repair(repair: &str, limit: &str, horizon: &str) -> String {
    format!(
        r#"Scenario(name: "edge", horizon: "{horizon}", services: [
            Service(id: "a", failure: (ttf: Fixed("100h"), repair: Fixed("{repair}")),
                rto: "{limit}", mtpd: "{limit}", mtpd_penalty: 1000, revenue_per_hour: 10),
        ])"#
    )
}

#[test]
fn an_outage_of_exactly_the_rto_meets_it_and_does_not_breach_the_mtpd() {
    // Issue 12: a fixed 4 h repair against RTO = MTPD = 4 h gave RTO met
    // 0, MTPD breached 1 and a penalty, because (t + 4) − t came out above
    // 4. Units that are not whole binary fractions of an hour too.
    for (repair, hours) in [("4h", 4.0), ("10m", 1.0 / 6.0), ("7s", 7.0 / 3600.0)] {
        let run = annual(&fixed_repair(repair, repair, "1y"), 50);
        let s = &run.summary.services[0];
        assert!(s.outages.mean > 80.0, "{repair}: {}", s.outages.mean);
        assert_eq!(s.rto_met, Some(1.0), "{repair}: RTO met");
        assert_eq!(s.mtpd_breached, Some(0.0), "{repair}: MTPD breached");
        // No penalty: the loss is the lost revenue alone.
        let expected = s.outages.mean * hours * 10.0;
        // Times are on a grid of 2⁻³⁰ h: each outage within half a tick.
        let ticks = s.outages.mean * 10.0 * 0.5f64.powi(31);
        close(repair, s.loss.mean, expected, ticks + expected * 1e-12);
    }
    // One second more than the limit misses it and breaches, every time.
    let run = annual(&fixed_repair("14401s", "4h", "1y"), 20);
    let s = &run.summary.services[0];
    assert_eq!(s.rto_met, Some(0.0));
    assert_eq!(s.mtpd_breached, Some(1.0));
}

#[test]
fn a_repair_ending_exactly_at_the_horizon_has_ended() {
    // Fails at 100 h, repaired at 104 h = the horizon: it ended within the
    // RTO. At a horizon of 103 h it is still open: not met.
    let run = annual(&fixed_repair("4h", "4h", "104h"), 10);
    let s = &run.summary.services[0];
    assert_eq!(s.outages.mean, 1.0);
    assert_eq!(s.rto_met, Some(1.0));
    assert_eq!(s.downtime_hours.mean, 4.0);
    let run = annual(&fixed_repair("4h", "4h", "103h"), 10);
    let s = &run.summary.services[0];
    assert_eq!(s.rto_met, Some(0.0));
    assert_eq!(s.downtime_hours.mean, 3.0);
    assert_eq!(s.mtpd_breached, Some(0.0));
}

#[test]
fn the_appetite_counts_losses_just_above_its_point() {
    // Issue 12: a fixed 1 000 000 response cost (plus a little lost
    // revenue) at 0.1 a year against (loss: 1000000, probability: 0.05)
    // was "0.5%: within appetite"; the truth is 1 − e^−0.1 = 9.5%.
    let text = r#"Scenario(name: "appetite", horizon: "1y",
        sites: [Site(id: "dc")],
        services: [Service(id: "a", site: "dc", revenue_per_hour: 100,
            backup: (rebuild: Fixed("24h")))],
        threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")],
            response_cost: Fixed(1000000))],
        risk_appetite: [(loss: 1000000, probability: 0.05)],
    )"#;
    let n = 20_000;
    let run = annual(text, n);
    let check = &run.summary.risk_appetite[0];
    let p = 1.0 - (-0.1f64).exp();
    let se = (p * (1.0 - p) / n as f64).sqrt();
    close("P(loss > 1 000 000)", check.simulated, p, Z * se);
    assert!(!check.within, "outside appetite");
    // The count is exact: it equals the trials that lost more.
    let counted = run.acc.appetite[0].trials;
    assert_eq!(check.simulated, counted as f64 / n as f64);
    // Every row of the exceedance curve is exact at its loss.
    let p95 = run.summary.annual_loss.p95;
    assert!(p95 > 1_000_000.0, "{p95}");
}

#[test]
fn expected_shortfall_when_var_is_zero() {
    // Issue 12: rare large losses (p95 = 0) gave tvar_95 = the mean loss.
    // A loss year is rarer than 5% (1 − e^−0.04 = 3.9%), so the worst 5%
    // of years hold every loss: ES95 = E[L] / 0.05 = 600 000 · 0.04 / 0.05.
    let text = r#"Scenario(name: "rare", horizon: "1y", services: [Service(id: "a")],
        threats: [LossEvent(id: "breach", rate_per_year: 0.04, cost: Fixed(600000))])"#;
    let run = annual(text, 40_000);
    let a = &run.summary.annual_loss;
    assert_eq!(a.p95, 0.0);
    let mean = &run.acc.annual_loss;
    close(
        "ES95",
        a.tvar_95,
        mean.mean() / 0.05,
        Z * mean.std_error() / 0.05,
    );
    close(
        "ES95 closed form",
        a.tvar_95,
        480_000.0,
        Z * mean.std_error() / 0.05,
    );
    assert!(a.tvar_95 > 10.0 * a.mean);
}

#[test]
fn an_atom_is_its_own_quantile() {
    // Issue 12: exactly 10 000 in every loss year was reported as p95 =
    // 10 016. P(L ≥ 10 000) = 18% and P(L > 10 000) = 1.8%, so p95 and
    // p90 are the atom itself.
    let text = r#"Scenario(name: "atom", horizon: "1y", services: [Service(id: "a")],
        threats: [LossEvent(id: "fine", rate_per_year: 0.2, cost: Fixed(10000))])"#;
    let run = annual(text, 10_000);
    let a = &run.summary.annual_loss;
    assert_eq!(a.p90, 10_000.0);
    assert_eq!(a.p95, 10_000.0);
    assert_eq!(a.p50, 0.0);
}

/// Outages of exactly 4 h, once a year on average: each outage lasts 4 h
/// (but the few that overlap or reach the horizon), and a year's downtime is
/// 4 h times a Poisson count. Every per-service quantile is then an atom:
/// outage p50 = p90 = p99 = 4 h (it read 4.0625 h, the bucket's midpoint,
/// past a 4 h RTO), downtime p50 = 4 h (P(N ≤ 0) = 0.37, P(N ≤ 1) = 0.74)
/// and p90 = 8 h (0.92). The p99, 16 h (P(N ≤ 3) = 0.981, P(N ≤ 4) =
/// 0.996), shares its bucket with the rare years of five outages, two of
/// which overlap: there it is read within the bucket's 1/32.
#[test]
fn fixed_outages_read_exactly_in_the_per_service_quantiles() {
    let text = r#"Scenario(name: "atoms", sites: [Site(id: "a")],
        services: [Service(id: "db", site: "a", rto: "4h", revenue_per_hour: 100)],
        threats: [Outage(id: "power", rate_per_year: 1.0, targets: [Site("a")],
                         duration: Fixed("4h"))])"#;
    let run = annual(text, 20_000);
    let s = &run.summary.services[0];
    let o = &s.outage_duration_hours;
    assert_eq!((o.p50, o.p90, o.p99), (4.0, 4.0, 4.0));
    let d = &s.downtime_hours;
    assert_eq!((d.p50, d.p90), (4.0, 8.0));
    assert!((16.0..=16.5).contains(&d.p99), "{}", d.p99);
}

#[test]
fn an_outage_pauses_the_failure_clock() {
    // Issue 12: the clock runs only while the service is itself up. Fixed
    // 43.8 h outages at 100 a year stop it for an expected B hours of the
    // year (a Poisson boolean model started empty), so it fails
    // (8760 − B) / MTBF times a year (repairs of one second aside).
    let text = r#"Scenario(name: "pause", horizon: "1y",
        services: [Service(id: "a", failure: (mtbf: "100h", repair: Fixed("1s")))],
        threats: [Outage(id: "cut", rate_per_year: 100, targets: [Service("a")],
            duration: Fixed("43.8h"))])"#;
    let run = annual(text, 8_000);
    let (h, d) = (8760.0f64, 43.8f64);
    let l = 100.0 / h;
    let q = 1.0 - (-l * d).exp();
    let blocked = (h - d) * q + d - q / l;
    let expected = (h - blocked) / 100.0;
    let failures = &run.acc.causes[0].occurrences;
    close(
        "failures a year",
        failures.mean(),
        expected,
        Z * failures.std_error() + 0.01,
    );
    // Without the pause it would be about 87.6.
    assert!(failures.mean() < 60.0);
}

#[test]
fn what_cannot_be_simulated_is_refused_with_the_fix() {
    let cases = [
        (
            r#"threats: [LossEvent(id: "x", rate_per_year: Uniform(min: 1e12, max: 2e12), cost: Fixed(1))]"#,
            "rate_per_year",
            "Pert(",
        ),
        (
            r#"threats: [LossEvent(id: "x", rate_per_year: LogNormal(median: 1, p90: 1000), cost: Fixed(1))]"#,
            "rate_per_year",
            "1-in-a-billion",
        ),
    ];
    for (threats, field, fix) in cases {
        let text = format!(
            r#"Scenario(name: "bad", horizon: "1y", services: [Service(id: "a")], {threats})"#
        );
        let err = bcdr::scenario::parse_str(&text).expect_err("refused");
        let msg = err.to_string();
        assert!(msg.contains(field) && msg.contains(fix), "{msg}");
    }
    for failure in [
        r#"(mtbf: "0.001s", repair: Fixed("1h"))"#,
        r#"(ttf: Fixed("0h"), repair: Fixed("0h"))"#,
    ] {
        let text = format!(
            r#"Scenario(name: "bad", horizon: "1y", services: [Service(id: "a", failure: {failure})])"#
        );
        let err = bcdr::scenario::parse_str(&text).expect_err("refused");
        let msg = err.to_string();
        assert!(
            msg.contains("services[0]") && msg.contains("mtbf: \"2000h\""),
            "{msg}"
        );
    }
    // At the cap itself it is accepted: a failure every 31.5 s on average.
    let text = r#"Scenario(name: "ok", horizon: "1y", services: [Service(id: "a",
        failure: (mtbf: "31.536s", repair: Fixed("1s")))])"#;
    bcdr::scenario::parse_str(text).expect("at the cap");
}

#[test]
fn a_trial_that_breaks_the_event_budget_fails_the_run_naming_its_cause() {
    use bcdr::sim::{self, Mode, SimPlan};
    let text = r#"Scenario(name: "busy", horizon: "1y", services: [
        Service(id: "calm", failure: (mtbf: "1y", repair: Fixed("1h"))),
        Service(id: "flaky", failure: (mtbf: "1h", repair: Fixed("1m"))),
    ])"#;
    let model = bcdr::scenario::parse_str(text).expect("valid");
    let mut plan = SimPlan::compile(&model);
    plan.event_budget = 5_000;
    for threads in [1, 2] {
        let err = sim::simulate(&plan, Mode::Annual, SEED, 0..1000, Some(threads), None)
            .expect_err("over budget");
        let msg = err.to_string();
        assert!(
            msg.contains("\"flaky\"") && msg.contains("5000 events"),
            "{msg}"
        );
        assert!(msg.contains("mtbf"), "{msg}");
    }
    // The review loop's runs report the same breach, the lowest trial's,
    // whatever the threads.
    let first = sim::simulate(&plan, Mode::Annual, SEED, 0..1000, Some(1), None)
        .expect_err("over budget")
        .to_string();
    for threads in [1, 2] {
        let err =
            bcdr::review::losses(&plan, SEED, 0..1000, Some(threads)).expect_err("over budget");
        assert_eq!(err.to_string(), first, "{threads} threads");
    }
    // Within the budget it runs.
    plan.event_budget = 1_000_000;
    sim::simulate(&plan, Mode::Annual, SEED, 0..10, None, None).expect("within budget");
}

/// Found by an independent check: loss events are booked at once, not
/// queued, so a chain of them in which each sets off the next twice
/// escaped the budget and ran for ever (2⁶⁰ occurrences). Their triggers
/// are held to the same budget, and the message names the chain.
#[test]
fn a_chain_of_triggered_loss_events_is_held_to_the_event_budget() {
    use bcdr::sim::{self, Mode, SimPlan};
    let chain: Vec<String> = (0..60)
        .map(|i| {
            format!(
                r#"LossEvent(id: "f{i}", rate_per_year: {}, cost: Fixed(1),
                triggers: [(threat: "f{n}", probability: 1), (threat: "f{n}", probability: 1)])"#,
                if i == 0 { 1 } else { 0 },
                n = i + 1
            )
        })
        .chain(std::iter::once(
            r#"LossEvent(id: "f60", rate_per_year: 0, cost: Fixed(1))"#.to_string(),
        ))
        .collect();
    let text = format!(
        r#"Scenario(name: "chain", services: [Service(id: "a")], threats: [{}])"#,
        chain.join(", ")
    );
    let model = bcdr::scenario::parse_str(&text).expect("valid");
    let mut plan = SimPlan::compile(&model);
    plan.event_budget = 5_000;
    for threads in [1, 2] {
        let msg = sim::simulate(&plan, Mode::Annual, SEED, 0..100, Some(threads), None)
            .expect_err("over budget")
            .to_string();
        assert!(
            msg.contains("set off by the triggers of") && msg.contains("probability"),
            "{msg}"
        );
    }
    // A short chain within the budget books every occurrence: 1 + 2 + 4.
    let short = text.replace(r#"(threat: "f3", probability: 1), "#, "");
    let short = short.replace(r#"(threat: "f3", probability: 1)"#, "");
    let summary = annual(&short, 200).summary;
    let occ = |id: &str| {
        summary
            .threats
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.occurrences.mean)
            .expect(id)
    };
    let f0 = occ("f0");
    assert!(f0 > 0.5, "{f0}");
    assert_eq!(occ("f1"), 2.0 * f0);
    assert_eq!(occ("f2"), 4.0 * f0);
    assert_eq!(occ("f3"), 0.0);
}

/// Found by the extreme-scenario audit: a threat's occurrences are all
/// drawn when the trial starts, so a rate at the cap (10^6 a year) over a
/// long horizon queued 10^9 events (or, for a loss event with insurance,
/// recorded 10^9 occurrences) before the budget was ever looked at: the
/// run took 20 GB and was killed. The occurrences drawn are held to the
/// budget as they are drawn, and the message names the threat.
#[test]
fn a_threat_whose_occurrences_break_the_event_budget_fails_before_queueing_them() {
    use bcdr::sim::{self, Mode, SimPlan};
    for (threat, insured) in [
        (
            r#"Outage(id: "storm", rate_per_year: 1000000, targets: [Service("a")], duration: Fixed("1s"))"#,
            "",
        ),
        (
            r#"LossEvent(id: "storm", rate_per_year: 1000000, cost: Fixed(1))"#,
            "",
        ),
        (
            r#"LossEvent(id: "storm", rate_per_year: 1000000, cost: Fixed(1))"#,
            r#"insurance: [Policy(id: "p", deductible: 0.5)],"#,
        ),
    ] {
        let text = format!(
            r#"Scenario(name: "storm", horizon: "1y", services: [Service(id: "a")],
            threats: [{threat}], {insured})"#
        );
        let model = bcdr::scenario::parse_str(&text).expect("valid");
        let mut plan = SimPlan::compile(&model);
        plan.event_budget = 5_000;
        for threads in [1, 2] {
            let msg = sim::simulate(&plan, Mode::Annual, SEED, 0..4, Some(threads), None)
                .expect_err("over budget")
                .to_string();
            assert!(
                msg.contains("threat \"storm\" occurred")
                    && msg.contains("lower threats[0] \"storm\".rate_per_year"),
                "{threat}: {msg}"
            );
            // Stopped while drawing: the 5 001st occurrence of a rate of
            // 10^6 a year comes about 44 hours in, not at the horizon's
            // end (where a loss event, booked at once, used to be let through).
            let hours: f64 = msg
                .split(" hours into")
                .next()
                .and_then(|h| h.rsplit(' ').next())
                .and_then(|h| h.parse().ok())
                .expect("hours in the message");
            assert!((30.0..60.0).contains(&hours), "{threat}: {msg}");
        }
        // Within the budget it runs.
        plan.event_budget = 10_000_000;
        sim::simulate(&plan, Mode::Annual, SEED, 0..1, Some(1), None).expect("within budget");
    }
}

#[test]
fn a_drill_rebuilt_in_exactly_the_rto_meets_it() {
    let text = r#"Scenario(name: "drill", horizon: "1y", sites: [Site(id: "dc")],
        services: [
            Service(id: "db", site: "dc", backup: (rebuild: Fixed("24h")), rto: "24h", mtpd: "24h"),
            Service(id: "app", depends_on: ["db"], rto: "1d", mtpd: "1d"),
        ],
        threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])])"#;
    let run = drill(text, "fire", 50);
    for s in &run.summary.services {
        assert_eq!(s.rto_met, Some(1.0), "{}", s.id);
        assert_eq!(s.mtpd_breached, Some(0.0), "{}", s.id);
        assert_eq!(s.outage_duration_hours.p99, 24.0, "{}", s.id);
    }
}

/// Durations whose parts add up to the target: a 10-minute outage and a
/// 10-minute restart against a 20-minute RTO, MTPD and impact step. Each
/// part rounds to the tick grid on its own (10 minutes up, 20 minutes
/// down), so the sum came out a tick past the target: RTO missed, MTPD
/// breached and its penalty charged in every year with an outage.
#[test]
fn parts_that_add_up_to_the_rto_meet_it() {
    let text = r#"Scenario(name: "parts", currency: "EUR", sites: [Site(id: "dc")],
        services: [Service(id: "app", site: "dc", revenue_per_hour: 60, restart: Fixed("10m"),
            rto: "20m", mtpd: "20m", mtpd_penalty: 1000, impact: [(after: "20m", cost: 500)])],
        threats: [Outage(id: "cut", rate_per_year: 1, targets: [Site("dc")], duration: Fixed("10m"))])"#;
    let run = annual(text, 2000);
    let s = &run.summary.services[0];
    assert!(s.outages.mean > 0.5, "{}", s.outages.mean);
    assert_eq!(s.rto_met, Some(1.0));
    assert_eq!(s.mtpd_breached, Some(0.0));
    // Each outage: 20 minutes of revenue (20) and the step (500), no
    // penalty; within the grid's rounding of the parts.
    let per = 20.0 + 500.0;
    close(
        "loss",
        s.loss.mean,
        s.outages.mean * per,
        s.outages.mean * 1e-6,
    );
    // A drill: one crew rebuilds two services of 10 minutes each, one
    // after the other (the second is back at 20 minutes); a failover
    // invoked after 10 minutes with a 10-minute switchover.
    let text = r#"Scenario(name: "queue", sites: [Site(id: "dc1"), Site(id: "dc2")],
        services: [
            Service(id: "app", site: "dc1", revenue_per_hour: 60,
                failover: (site: "dc2", switchover: Fixed("10m"), invoke_after: "10m"),
                rto: "20m", mtpd: "20m", mtpd_penalty: 1000),
            Service(id: "q", site: "dc1", backup: (rebuild: Fixed("10m")), rto: "20m"),
            Service(id: "r", site: "dc1", backup: (rebuild: Fixed("10m")), rto: "20m"),
        ],
        threats: [Outage(id: "cut", rate_per_year: 1, targets: [Site("dc1")], duration: Fixed("1h")),
            Disaster(id: "fire", rate_per_year: 1, targets: [Service("q"), Service("r")])],
        plan: Plan(crews: 1))"#;
    let cut = drill(text, "cut", 20);
    let app = cut
        .summary
        .services
        .iter()
        .find(|s| s.id == "app")
        .expect("app");
    assert_eq!(app.rto_met, Some(1.0));
    assert_eq!(app.mtpd_breached, Some(0.0));
    let fire = drill(text, "fire", 20);
    for id in ["q", "r"] {
        let s = fire.summary.services.iter().find(|s| s.id == id).expect(id);
        assert_eq!(s.rto_met, Some(1.0), "{id}");
    }
}

/// Data lost that adds up to the RPO meets it: a 10-minute replication lag
/// against a 10-minute RPO (10 minutes is not a whole number of ticks).
#[test]
fn data_lost_of_exactly_the_rpo_meets_it() {
    let text = r#"Scenario(name: "lag", sites: [Site(id: "dc1"), Site(id: "dc2")],
        services: [Service(id: "db", site: "dc1", rpo: "10m",
            failover: (site: "dc2", switchover: Fixed("5m"),
                replication: Asynchronous(lag: Fixed("10m"))))],
        threats: [Disaster(id: "fire", rate_per_year: 1, targets: [Site("dc1")])])"#;
    let fire = drill(text, "fire", 20);
    let db = &fire.summary.services[0];
    assert_eq!(db.rpo_breached, Some(0.0), "{db:?}");
}

/// Nine 10-minute repairs at 60 an hour: a loss of exactly 90 a trial on
/// paper, 90.000000168 on the tick grid (10 minutes is not a whole number
/// of ticks). Found by an independent check: the year counted as losing
/// more than an appetite point of 90 (outside appetite, `--fail-on
/// appetite` failed), a deductible of 10 paid a crumb of each outage, and
/// an aggregate limit of 90 counted as cut.
fn ten_minute_repairs(extra: &str) -> String {
    format!(
        r#"Scenario(name: "paper", horizon: "1000h",
        services: [Service(id: "app", revenue_per_hour: 60,
            failure: (ttf: Fixed("100h"), repair: Fixed("10m")))], {extra})"#
    )
}

#[test]
fn a_loss_equal_on_paper_to_a_money_threshold_meets_it() {
    let appetite = "risk_appetite: [(loss: 89.99, probability: 1), (loss: 90, probability: 0.5)]";
    let run = annual(&ten_minute_repairs(appetite), 4);
    let loss = run.summary.annual_loss.max;
    close("the trial's loss", loss, 90.0, 1e-6);
    let [below, at] = &run.summary.risk_appetite[..] else {
        panic!("two points")
    };
    // A hundredth below the loss is exceeded; the loss itself is not.
    assert_eq!((below.simulated, below.within), (1.0, true));
    assert_eq!((at.simulated, at.within), (0.0, true));
    let policies = [
        // (policy, recovered, aggregate exhausted)
        (r#"Policy(id: "p", deductible: 10)"#, Some(0.0), 0.0),
        (r#"Policy(id: "p", aggregate_limit: 90)"#, None, 0.0),
        (r#"Policy(id: "p", aggregate_limit: 89.99)"#, None, 1.0),
        (r#"Policy(id: "p", deductible: 9.99)"#, None, 0.0),
    ];
    for (policy, recovered, exhausted) in policies {
        let text = ten_minute_repairs(&format!("insurance: [{policy}]"));
        let p = &annual(&text, 2).summary.insurance[0];
        assert_eq!(p.aggregate_exhausted, exhausted, "{policy}");
        if let Some(r) = recovered {
            assert_eq!(p.recovered.mean, r, "{policy}");
        } else {
            assert!(p.recovered.mean > 0.05, "{policy}: {}", p.recovered.mean);
        }
    }
}

/// The slack that lets a loss equal a threshold on paper is never more
/// than half a unit: nine outages of 111,111,111.9 lose 1,000,000,007.1,
/// which reads (and is) more than an appetite point of 1,000,000,000 (a
/// relative slack alone, 10 at that point, called it within), as is a
/// point a unit below the loss; one at the loss is not.
#[test]
fn the_money_slack_is_at_most_half_a_unit() {
    let text = |point: f64| {
        format!(
            r#"Scenario(name: "large", horizon: "1000h",
            services: [Service(id: "app", cost_per_outage: 111111111.9,
                failure: (ttf: Fixed("100h"), repair: Fixed("1h")))],
            risk_appetite: [(loss: {point}, probability: 0.5)])"#
        )
    };
    let loss = 9.0 * 111_111_111.9;
    for (point, simulated) in [
        (1e9, 1.0),
        (loss - 1.0, 1.0),
        (loss, 0.0),
        (loss + 1.0, 0.0),
    ] {
        let run = annual(&text(point), 2);
        assert_eq!(run.summary.annual_loss.max, loss);
        let a = &run.summary.risk_appetite[0];
        assert_eq!(a.simulated, simulated, "point {point}");
    }
}

/// Every trial loses the same 47 (a 4 h repair at 10 an hour and an
/// impact step of 7): every statistic of the annual loss is 47. The
/// expected shortfall of two trials came out 47.000000000000014, above
/// the worst year.
#[test]
fn every_statistic_of_a_constant_loss_is_that_loss() {
    let text = r#"Scenario(name: "const", horizon: "150h", services: [Service(id: "a",
        revenue_per_hour: 10, impact: [(after: "4h", cost: 7)],
        failure: (ttf: Fixed("100h"), repair: Fixed("4h")))])"#;
    for trials in [1, 2, 3, 7, 256, 257] {
        let a = annual(text, trials).summary.annual_loss;
        let all = [
            a.mean, a.p50, a.p90, a.p95, a.p99, a.tvar_95, a.tvar_99, a.max,
        ];
        assert_eq!(all, [47.0; 8], "{trials} trials");
    }
}

/// One trial has no standard error. Found by an independent check:
/// `compare --trials 1` said "the whole 95% interval is above zero" of a
/// zero-width interval, `sweep` gave each value one, and `trend` of two
/// one-trial runs called a change of 200 significant. `compare` and
/// `sweep` now refuse one trial, as `explain`, `tornado` and `importance`
/// do; `trend` shows a one-trial run with no interval and no verdict.
#[test]
fn one_trial_gives_no_interval_and_no_verdict() {
    use crate::common::{bcdr, read_json, write};
    let dir = tempfile::tempdir().expect("temp dir");
    let text = |rate: &str| {
        format!(
            r#"Scenario(name: "one", services: [Service(id: "a")],
            threats: [LossEvent(id: "fine", rate_per_year: {rate}, cost: Fixed(100))])"#
        )
    };
    let a = write(dir.path(), "a.ron", &text("0.7"));
    let b = write(dir.path(), "b.ron", &text("0.2"));
    let refused = |args: &[&str]| {
        let out = bcdr()
            .args(args)
            .args(["--trials", "1", "-q", "--out"])
            .arg(dir.path().join("x"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.contains("--trials must be at least 2"), "{err}");
    };
    let (a_s, b_s) = (a.to_str().expect("utf-8"), b.to_str().expect("utf-8"));
    refused(&["compare", a_s, b_s]);
    refused(&["sweep", a_s, "--set", "threats.fine.rate_per_year=0.2,0.7"]);
    // More shards than trials: refused, in words that count.
    let out = bcdr()
        .args(["run", a_s, "--trials", "1", "--shard", "0/3", "-q", "--out"])
        .arg(dir.path().join("s"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("3 shards for 1 trial would") && err.contains("use at most 1 shard\n"),
        "{err}"
    );
    // Two trials are enough for both.
    bcdr()
        .args(["compare", a_s, b_s, "--trials", "2", "-q", "--out"])
        .arg(dir.path().join("c2"))
        .assert()
        .success();
    // Two runs of one trial whose losses differ (seeds 1 and 2: 200 and 0).
    let mut runs = Vec::new();
    for seed in ["1", "2"] {
        let out = dir.path().join(format!("run-{seed}"));
        bcdr()
            .args([
                "run", a_s, "--trials", "1", "--seed", seed, "-q", "--label", seed, "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        runs.push(out);
    }
    let losses: Vec<f64> = runs
        .iter()
        .map(|r| {
            read_json(&r.join("summary.json"))["annual_loss"]["mean"]
                .as_f64()
                .expect("mean")
        })
        .collect();
    assert_ne!(
        losses[0], losses[1],
        "the two runs must differ for the check to mean anything"
    );
    let trend = dir.path().join("trend");
    let screen = bcdr()
        .arg("trend")
        .args(&runs)
        .arg("--out")
        .arg(&trend)
        .output()
        .expect("runs");
    assert!(screen.status.success());
    let screen = String::from_utf8_lossy(&screen.stdout).to_string();
    assert!(
        screen.contains("not judged") && !screen.contains("significant"),
        "{screen}"
    );
    assert!(
        screen.contains("one trial: no confidence interval"),
        "{screen}"
    );
    let step = &read_json(&trend.join("trend.json"))["steps"][0];
    assert!(step["delta"].is_null(), "{step}");
    assert!(step["changed"]
        .as_array()
        .expect("list")
        .iter()
        .any(|c| c == "one_trial"));
}
