//! Features that interact, against answers worked out by hand.
//!
//! Each scenario combines several features (hard and soft dependencies,
//! nested groups, revenue profiles and impact steps, insurance layers,
//! failover with crews, teams, DR invocation, triggers, ransomware
//! retention) so that a rule that is right on its own but wrong in
//! combination shows. Fixed durations give exact answers (on the clock's
//! grid, so within 1e-6); random ones are checked within `Z` standard
//! errors of the run's own accumulators, or of the closed form's variance.

use crate::common::engine::*;
use crate::common::{assert_close, bcdr, read_json, write};

const Z: f64 = 4.0;

fn threat_loss(run: &Run, id: &str) -> (f64, f64) {
    let t = run
        .summary
        .threats
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no threat {id}"));
    (t.occurrences.mean, t.loss.mean)
}

/// `pay` hard-depends on `db` and soft-depends on `fraud` (capacity 0.5).
/// fraud is down [100, 110), [210, 220), … (9 repairs), db [105, 115),
/// [220, 230), … (8 repairs) over 1 000 h. pay loses 100 an hour while db
/// is down (80 h, 8 outages at 7 each) and 50 an hour while only fraud is
/// (90 h less the 5 h under db's first outage): 8 000 + 56 + 4 250.
const HARD_SOFT: &str = r#"Scenario(name: "hard+soft", horizon: "1000h", services: [
    Service(id: "fraud", failure: (ttf: Fixed("100h"), repair: Fixed("10h"))),
    Service(id: "db", failure: (ttf: Fixed("105h"), repair: Fixed("10h"))),
    Service(id: "pay", tier: Business, depends_on: ["db"], degrades_on: [(service: "fraud", capacity: 0.5)],
        revenue_per_hour: 100, cost_per_outage: 7),
] INSURANCE)"#;

#[test]
fn a_degraded_service_loses_by_capacity_only_while_it_is_functional() {
    let run = annual(&HARD_SOFT.replace(" INSURANCE", ""), 3);
    let pay = &run.summary.services[2];
    assert_eq!(pay.downtime_hours.mean, 80.0);
    assert_eq!(pay.outages.mean, 8.0);
    assert_close("pay", pay.loss.mean, 8_000.0 + 56.0 + 4_250.0, 1e-6);
    // Split by the failing service: db's outages, fraud's degradation.
    assert_close(
        "db",
        run.acc.services[1].failure_origin_loss.mean(),
        8_056.0,
        1e-6,
    );
    assert_close(
        "fraud",
        run.acc.services[0].failure_origin_loss.mean(),
        4_250.0,
        1e-6,
    );
}

/// The same year under a layered programme. Occurrences in time order:
/// fraud's first repair costs 250 (5 h degraded before db goes down), its
/// others 500; each of db's costs 1 007. The first policy pays
/// min(max(x − 400, 0), 300): 0, then 300 (db) and 100 (fraud) alternately,
/// until its 2 000 aggregate cuts the 12th occurrence (db at 680 h). The
/// second, above it, pays at most 50 of what is left of each of the 17.
#[test]
fn a_layered_programme_pays_each_occurrence_in_time_order() {
    let text = HARD_SOFT.replace(
        " INSURANCE",
        r#", insurance: [
        Policy(id: "p1", covers: ["random-failures"], deductible: 400, limit: 300,
               aggregate_limit: 2000, premium: 100),
        Policy(id: "p2", limit: 50)]"#,
    );
    let run = annual(&text, 3);
    let s = &run.summary;
    assert_close("gross", s.annual_loss.mean, 12_306.0, 1e-6);
    assert_eq!(s.insurance[0].recovered.mean, 2_000.0);
    assert_eq!(s.insurance[0].aggregate_exhausted, 1.0);
    assert_eq!(s.insurance[1].recovered.mean, 17.0 * 50.0);
    assert_eq!(s.insurance[1].aggregate_exhausted, 0.0);
    let net = s.annual_loss_net.as_ref().expect("insured");
    assert_close("net", net.mean, 12_306.0 - 2_850.0 + 100.0, 1e-6);
}

/// A 1-of-2 group of a 2-of-3 group and `w`, with soft dependencies on the
/// inner group (0.25) and on `w` (0.5) that multiply. On the fixed
/// schedules x is down [100, 120), [220, 240), [340, 360), …; y [110, 130),
/// [240, 260), …; z [300, 350), [650, 700); w [230, 270), [500, 540),
/// [770, 810). Two of x, y, z are down only in [110, 120) and [340, 350),
/// both while w is up: the outer group never fails, and `app` loses 75 an
/// hour for 20 h and 50 an hour for w's 120 h.
#[test]
fn soft_dependencies_on_nested_groups_multiply() {
    let text = r#"Scenario(name: "groups", horizon: "1000h", services: [
        Service(id: "x", failure: (ttf: Fixed("100h"), repair: Fixed("20h"))),
        Service(id: "y", failure: (ttf: Fixed("110h"), repair: Fixed("20h"))),
        Service(id: "z", failure: (ttf: Fixed("300h"), repair: Fixed("50h"))),
        Service(id: "w", failure: (ttf: Fixed("230h"), repair: Fixed("40h"))),
        Service(id: "app", tier: Business, depends_on: ["outer"],
            degrades_on: [(service: "g", capacity: 0.25), (service: "w", capacity: 0.5)],
            revenue_per_hour: 100, cost_per_outage: 3),
    ], groups: [
        Group(id: "g", members: ["x", "y", "z"], need: 2),
        Group(id: "outer", members: ["g", "w"], need: 1),
    ])"#;
    let run = annual(text, 2);
    let app = &run.summary.services[4];
    assert_eq!(app.downtime_hours.mean, 0.0);
    assert_close("app", app.loss.mean, 20.0 * 75.0 + 120.0 * 50.0, 1e-6);
    let w = run.acc.services[3].failure_origin_loss.mean();
    assert_close("w's degradation", w, 120.0 * 50.0, 1e-6);
}

/// `biz` needs `a` and `b` and soft-depends on `s`, under a weekday profile
/// (0 before 08:00, 2 from 08:00 to 20:00, 0.5 after; weekends 1), with
/// impact steps at 8 h and 10 h and a 7 h MTPD. Its outages: [50, 58)
/// (a, then b; 8 h: one step and the penalty), [106, 116) (10 h: both
/// steps and the penalty), [162, 168) and [170, 174) (Sunday night and
/// Monday 02:00, too short for either). Lost revenue, hour by hour: 5 900.
#[test]
fn profile_steps_and_penalties_on_a_dependant_with_merged_outages() {
    let hours = [vec![0.0; 8], vec![2.0; 12], vec![0.5; 4]].concat();
    let list: Vec<String> = hours.iter().map(f64::to_string).collect();
    let text = format!(
        r#"Scenario(name: "profile", horizon: "200h", services: [
        Service(id: "a", failure: (ttf: Fixed("50h"), repair: Fixed("6h"))),
        Service(id: "b", failure: (ttf: Fixed("54h"), repair: Fixed("4h"))),
        Service(id: "s", failure: (ttf: Fixed("60h"), repair: Fixed("30h"))),
        Service(id: "biz", tier: Business, depends_on: ["a", "b"], degrades_on: [(service: "s", capacity: 0.5)],
            revenue_per_hour: 100, cost_per_outage: 10, mtpd: "7h", mtpd_penalty: 300, rto: "8h",
            revenue_profile: (hours: [{}]),
            impact: [(after: "8h", cost: 1000), (after: "10h", cost: 5000)]),
    ])"#,
        list.join(", ")
    );
    let run = annual(&text, 2);
    let biz = &run.summary.services[3];
    assert_eq!(biz.outages.mean, 4.0);
    assert_eq!(
        biz.rto_met,
        Some(0.75),
        "8 h meets an 8 h RTO; 10 h does not"
    );
    let steps = 1_000.0 + 6_000.0 + 2.0 * 300.0;
    assert_close("biz", biz.loss.mean, 5_900.0 + 40.0 + steps, 1e-6);
    // a started the first three outages (their steps are a's); b only
    // the last, on a Monday at 02:00 (factor 0): its fixed cost.
    let b = run.acc.services[1].failure_origin_loss.mean();
    assert_close("b", b, 10.0, 1e-6);
}

/// Over a two-year horizon the second year starts on a Tuesday, in
/// January again. A 2 h outage from 10:00 on day 369 (Saturday 5 January
/// of year 2) costs (weekend 4 + 0.5) × January 3; one from 10:00 on day
/// 364 (Monday 31 December) (2 + 1) × 0.25, and the next one of that
/// service, at 22:00 on day 728 (Monday 30 December of year 2), 2 × 0.25.
#[test]
fn a_two_year_horizon_restarts_the_months_and_runs_on_the_weekdays() {
    let mut hours = vec!["1".to_string(); 24];
    hours[10] = "2".into();
    let mut weekend = vec!["0.5".to_string(); 24];
    weekend[10] = "4".into();
    let months = "3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.25";
    let profile = format!(
        "revenue_profile: (hours: [{}], weekend: [{}], months: [{months}])",
        hours.join(", "),
        weekend.join(", ")
    );
    let text = format!(
        r#"Scenario(name: "two years", horizon: "2y", services: [
        Service(id: "a", failure: (ttf: Fixed("8866h"), repair: Fixed("2h"))),
        Service(id: "b", failure: (ttf: Fixed("8746h"), repair: Fixed("2h"))),
        Service(id: "biz", depends_on: ["a"], revenue_per_hour: 100, {profile}),
        Service(id: "biz2", depends_on: ["b"], revenue_per_hour: 100, {profile}),
    ])"#
    );
    let run = annual(&text, 2);
    assert_close(
        "year 2, Saturday",
        run.summary.services[2].loss.mean,
        1_350.0,
        1e-6,
    );
    assert_close(
        "two Mondays in December",
        run.summary.services[3].loss.mean,
        125.0,
        1e-6,
    );
}

/// A fire destroys two databases, each failing over (1 h) with probability
/// p = 0.6, else restored in 10 h by the one crew, one after the other.
/// The business needs both: E = p²·1 + 2p(1 − p)·10 + (1 − p)²·20. db1
/// replicates asynchronously (30 min lost per switchover) and is backed up
/// every 4 h: data lost p·0.5 + (1 − p)·2, and more than its 1 h RPO only
/// after a restore that loses more than 1 h: (1 − p)·3/4.
#[test]
fn failed_failovers_queue_for_the_crew() {
    let text = r#"Scenario(name: "dr crews", sites: [Site(id: "east"), Site(id: "west")], services: [
        Service(id: "db1", site: "east", backup: (interval: "4h", restore: Fixed("10h")),
            failover: (site: "west", switchover: Fixed("1h"), success: 0.6,
                replication: Asynchronous(lag: Fixed("30m"))), rpo: "1h"),
        Service(id: "db2", site: "east", backup: (interval: "4h", restore: Fixed("10h")),
            failover: (site: "west", switchover: Fixed("1h"), success: 0.6)),
        Service(id: "app", tier: Business, depends_on: ["db1", "db2"], revenue_per_hour: 1000),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("east")])],
    plan: Plan(crews: 1))"#;
    let n = 20_000;
    let run = drill(text, "fire", n);
    let p: f64 = 0.6;
    let cases = [
        (0, p + (1.0 - p) * 10.0),
        (1, p + (1.0 - p) * (p * 10.0 + (1.0 - p) * 20.0)),
        (
            2,
            p * p + 2.0 * p * (1.0 - p) * 10.0 + (1.0 - p).powi(2) * 20.0,
        ),
    ];
    for (i, want) in cases {
        let d = &run.acc.services[i].outage_duration;
        assert_close(&format!("outage {i}"), d.mean(), want, Z * d.std_error());
    }
    let dl = &run.acc.services[0].data_loss;
    assert_close(
        "data lost",
        dl.mean(),
        p * 0.5 + (1.0 - p) * 2.0,
        Z * dl.std_error(),
    );
    let q = (1.0 - p) * 0.75;
    let breached = run.summary.services[0].rpo_breached.expect("an RPO");
    assert_close("RPO", breached, q, Z * (q * (1.0 - q) / n as f64).sqrt());
}

/// A DBA team of one crew repairs three databases, the plan's one crew two
/// other machines: two finite-source queues side by side, E[units down] =
/// Σ n·pₙ with pₙ ∝ Π (N − i + 1)λ / (min(i, c)μ). Pooled, the five would
/// share two crews and the figures would differ.
#[test]
fn teams_are_separate_finite_source_queues() {
    let text = r#"Scenario(name: "teams queue", horizon: "20y", services: [
        Service(id: "m1", tags: ["db"], failure: (mtbf: "50h", repair: Exponential(mean: "10h"))),
        Service(id: "m2", tags: ["db"], failure: (mtbf: "50h", repair: Exponential(mean: "10h"))),
        Service(id: "m3", tags: ["db"], failure: (mtbf: "50h", repair: Exponential(mean: "10h"))),
        Service(id: "n1", failure: (mtbf: "20h", repair: Exponential(mean: "10h"))),
        Service(id: "n2", failure: (mtbf: "20h", repair: Exponential(mean: "10h"))),
    ], plan: Plan(crews: 1, teams: [(id: "dba", crews: 1, skills: [Tag("db")])]))"#;
    let run = annual(text, 300);
    let down = |n: usize, l: f64| {
        let mut p = vec![1.0];
        for i in 1..=n {
            let prev = p[i - 1];
            p.push(prev * (n - i + 1) as f64 * l / (i.min(1) as f64 * 0.1));
        }
        let z: f64 = p.iter().sum();
        p.iter()
            .enumerate()
            .map(|(k, pk)| k as f64 * pk / z)
            .sum::<f64>()
    };
    let h = 20.0 * 8760.0;
    for (range, want) in [(0..3, down(3, 0.02)), (3..5, down(2, 0.05))] {
        let svcs = &run.acc.services[range];
        let got: f64 = svcs.iter().map(|s| s.downtime.mean()).sum::<f64>() / h;
        let se: f64 = svcs.iter().map(|s| s.downtime.std_error()).sum::<f64>() / h;
        assert_close("E[units down]", got, want, Z * se);
    }
}

/// One crew; a and b both fail at 100 h. a (more revenue) is repaired
/// first, but at 102 h its DR invocation cancels the repair and frees the
/// crew for b (102–112); a runs at west from 103 h, fails there at 203 h
/// (a new time to failure from the move) and is repaired in 203–213 h;
/// b, failing at 212 h, waits for the crew until 213 h.
#[test]
fn an_invocation_frees_the_crew_of_the_repair_it_cancels() {
    let text = r#"Scenario(name: "invoke frees crew", horizon: "300h",
    sites: [Site(id: "east"), Site(id: "west")], services: [
        Service(id: "a", site: "east", failure: (ttf: Fixed("100h"), repair: Fixed("10h")),
            revenue_per_hour: 100, failover: (site: "west", switchover: Fixed("1h"), invoke_after: "2h")),
        Service(id: "b", site: "east", failure: (ttf: Fixed("100h"), repair: Fixed("10h")),
            revenue_per_hour: 10),
    ], plan: Plan(crews: 1))"#;
    let run = annual(text, 2);
    assert_eq!(run.summary.services[0].downtime_hours.mean, 13.0);
    assert_eq!(run.summary.services[1].downtime_hours.mean, 23.0);
    // A failed invocation leaves the repair running: as without failover.
    let run = annual(&text.replace("invoke_after", "success: 0, invoke_after"), 2);
    assert_eq!(run.summary.services[0].downtime_hours.mean, 20.0);
    assert_eq!(run.summary.services[1].downtime_hours.mean, 30.0);
}

/// Backups every 12 h, compromised during a 10 h dwell and kept 16 h: the
/// last clean one is 10 h + U(0, 12 h) old at the encryption, so it is
/// still kept (restore, 2 h) with probability 1/2, else the service is
/// rebuilt (100 h); the data lost is 16 h on average either way, and more
/// than the 20 h RPO with probability 1/6.
#[test]
fn retention_splits_restores_and_rebuilds_by_the_age_of_the_clean_backup() {
    let text = r#"Scenario(name: "retention", services: [
        Service(id: "files", backup: (interval: "12h", restore: Fixed("2h"), rebuild: Fixed("100h"),
            retention: "16h"), rpo: "20h"),
    ], threats: [
        Ransomware(id: "rw", rate_per_year: 1.0, entry: ["files"],
            spread: (probability: 0.5, time: Fixed("1h")),
            dwell: Fixed("10h"), detection: Fixed("1000h"), backup_compromise: 1),
    ])"#;
    let n = 20_000;
    let run = drill(text, "rw", n);
    let s = &run.acc.services[0];
    let o = &s.outage_duration;
    assert_close("outage", o.mean(), 51.0, Z * 49.0 / (n as f64).sqrt());
    let dl = &s.data_loss;
    assert_close(
        "data lost",
        dl.mean(),
        16.0,
        Z * 12.0 / (12.0 * n as f64).sqrt(),
    );
    let q = 1.0 / 6.0;
    let breached = run.summary.services[0].rpo_breached.expect("an RPO");
    assert_close("RPO", breached, q, Z * (q * (1.0 - q) / n as f64).sqrt());
}

/// Loss per occurrence of `threat`, and how many occurred.
fn per_occurrence(run: &Run, threat: &str) -> (f64, f64) {
    let (occ, loss) = threat_loss(run, threat);
    (loss / occ, occ)
}

/// Each occurrence below lasts a fixed time but for the few cut by the
/// horizon or overlapping another (an occurrence within a day of one
/// another or of the year's end: about 2 of the 2 000 at these rates):
/// 0.1 h per occurrence would take 36 of them.
const FEW: f64 = 0.1;

/// A fire at east moves `db` to west (1 h), and sets off an outage of west
/// 10 h later: the moved service is hit there, and restarts after it as it
/// would at home (30 min): 5.5 h per outage. It came back at once, without
/// its restart, after an outage of its failover site.
#[test]
fn a_moved_service_restarts_after_an_outage_of_its_failover_site() {
    let text = r#"Scenario(name: "moved", sites: [Site(id: "east"), Site(id: "west")], services: [
        Service(id: "net-e", site: "east", backup: (rebuild: Fixed("100h"))),
        Service(id: "net-w", site: "west"),
        Service(id: "db", site: "east", depends_on: ["net-e"], restart: Fixed("30m"),
            backup: (interval: "1h", restore: Fixed("8h")),
            failover: (site: "west", switchover: Fixed("1h"), depends_on: ["net-w"])),
        Service(id: "app", kind: Function, depends_on: ["db"], revenue_per_hour: 1),
    ], threats: [
        Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("east")],
            triggers: [(threat: "west-power", probability: 1, delay: Fixed("10h"))]),
        Outage(id: "west-power", rate_per_year: 0, targets: [Site("west")], duration: Fixed("5h")),
    ])"#;
    let run = annual(text, 20_000);
    let (west, n) = per_occurrence(&run, "west-power");
    assert!(n > 0.09, "{n}");
    assert_close("outage of the failover site", west, 5.5, FEW);
    let (fire, _) = per_occurrence(&run, "fire");
    assert_close("the switchover", fire, 1.0, FEW);
    // Hit there by id as well as by site: stopped twice, restarts once.
    let both = text.replace(
        r#"targets: [Site("west")]"#,
        r#"targets: [Site("west"), Service("db")]"#,
    );
    let run = annual(&both, 20_000);
    assert_close(
        "by site and id",
        per_occurrence(&run, "west-power").0,
        5.5,
        FEW,
    );
}

/// An outage (with a 1 h restart) sets off a disaster of the same service
/// 5 h in: the outage keeps its 5 h, the disaster the rest. With a 20 h
/// restore and a 10 h outage the service is back at 25 h; with a 10 h
/// restore and a 30 h outage, at 31 h: the restore is done, but the outage
/// still stops it, and it restarts after it.
#[test]
fn a_destruction_during_an_outage_ends_with_whichever_is_later() {
    let text = r#"Scenario(name: "outage then fire", services: [
        Service(id: "db", restart: Fixed("1h"), backup: (interval: "1h", restore: Fixed("RESTh")),
            revenue_per_hour: 1),
    ], threats: [
        Outage(id: "power", rate_per_year: 0.1, targets: [Service("db")], duration: Fixed("DURh"),
            triggers: [(threat: "fire", probability: 1, delay: Fixed("5h"))]),
        Disaster(id: "fire", rate_per_year: 0, targets: [Service("db")]),
    ])"#;
    for (restore, outage, back) in [("20", "10", 25.0), ("10", "30", 31.0)] {
        let run = annual(
            &text.replace("REST", restore).replace("DUR", outage),
            20_000,
        );
        let (power, _) = per_occurrence(&run, "power");
        assert_close("the outage's part", power, 5.0, FEW);
        let (fire, _) = per_occurrence(&run, "fire");
        assert_close("the disaster's part", fire, back - 5.0, FEW);
    }
}

/// Three machines fail every 100 h and take 10 h to repair. With one crew
/// they queue at the first failure (a 100–110, b –120, c –130) and then
/// stay staggered: over 1 000 h a is down 90 h, b 100 h (its last repair
/// ends at the horizon), c 100 h; with three crews each is down 90 h.
/// `compare` gives ΔL = 2 000 in every trial, and with plan B costing
/// 8 760 a year (1 000 over the 1 000 h horizon) a net benefit of 1 000,
/// ROSI 1.
#[test]
fn compare_of_a_fixed_schedule_is_exact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = |crews: u32, cost: u32| {
        format!(
            r#"Scenario(name: "crews {crews}", horizon: "1000h", services: [
            Service(id: "a", failure: (ttf: Fixed("100h"), repair: Fixed("10h")), revenue_per_hour: 100),
            Service(id: "b", failure: (ttf: Fixed("100h"), repair: Fixed("10h")), revenue_per_hour: 100),
            Service(id: "c", failure: (ttf: Fixed("100h"), repair: Fixed("10h")), revenue_per_hour: 100),
        ], plan: Plan(crews: {crews}, annual_cost: {cost}))"#
        )
    };
    let a = write(dir.path(), "a.ron", &plan(1, 0));
    let b = write(dir.path(), "b.ron", &plan(3, 8760));
    let out = dir.path().join("out");
    bcdr()
        .args(["compare", "--trials", "7", "-q", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let c = read_json(&out.join("compare.json"));
    let d = &c["difference"];
    assert_eq!(
        (d["mean"].as_f64(), d["min"].as_f64()),
        (Some(2000.0), Some(2000.0))
    );
    assert_eq!(d["probability_b_loses_less"].as_f64(), Some(1.0));
    let r = &c["return_on_plan"];
    assert_eq!(r["delta_cost"].as_f64(), Some(1000.0));
    assert_eq!(r["net_benefit"].as_f64(), Some(1000.0));
    assert_eq!(r["rosi"].as_f64(), Some(1.0));
    let down: Vec<(f64, f64)> = c["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| {
            let h = |side: &str| s[side]["downtime_hours"].as_f64().unwrap_or(f64::NAN);
            (h("a"), h("b"))
        })
        .collect();
    assert_eq!(down, [(90.0, 90.0), (100.0, 90.0), (100.0, 90.0)]);
}

/// A fire destroys four services, each restored in 10 h. By revenue at
/// risk (the own revenue and that of everything that hard-depends on it)
/// one crew takes s2 (1 000 + 300), s3 (500), s4 (300), then s1 (0): the
/// drill loses 1 000·10 + 500·20 + 300·30. Two crews: s2 and s3, then s4
/// and s1: 10 000 + 5 000 + 6 000; three or more: s4 back at 10 h too.
#[test]
fn a_sweep_of_crews_prices_the_restore_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"Scenario(name: "order", sites: [Site(id: "dc")], services: [
        Service(id: "s1", site: "dc", backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "s2", site: "dc", backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "s3", site: "dc", backup: (interval: "1h", restore: Fixed("10h")), revenue_per_hour: 500),
        Service(id: "s4", site: "dc", backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "biz1", kind: Function, depends_on: ["s2"], revenue_per_hour: 1000),
        Service(id: "biz2", kind: Function, depends_on: ["s4", "s2"], revenue_per_hour: 300),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])], plan: Plan(crews: 1))"#;
    let path = write(dir.path(), "order.ron", text);
    let out = dir.path().join("out");
    bcdr()
        .args([
            "sweep",
            "--set",
            "plan.crews=1..4",
            "--threat",
            "fire",
            "--trials",
            "3",
            "-q",
        ])
        .arg("--out")
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    let s = read_json(&out.join("sweep.json"));
    let losses: Vec<f64> = s["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["loss"]["mean"].as_f64().unwrap_or(f64::NAN))
        .collect();
    assert_eq!(losses, [29_000.0, 21_000.0, 18_000.0, 18_000.0]);
}
