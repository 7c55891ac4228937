//! Planning warnings: the gaps a continuity reviewer would raise, found by
//! `bcdr validate` without failing it.

use bcdr::scenario::{planning_warnings, Warning};

use crate::common;
use crate::validate::{model, BANK};

fn warnings(text: &str) -> Vec<Warning> {
    planning_warnings(&model(text))
}

fn one_warning(text: &str) -> Warning {
    let found = warnings(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().expect("one")
}

#[test]
fn a_sound_plan_has_no_warnings() {
    let found = warnings(
        r#"Scenario(name: "sound", sites: [Site(id: "a"), Site(id: "b")], services: [
            Service(id: "db", site: "a", rto: "2h", rpo: "1h", mtpd: "1d",
                backup: (interval: "30m", restore: Fixed("1h"))),
            Service(id: "web-1", site: "a", rto: "4h", depends_on: ["db"]),
            Service(id: "web-2", site: "b", rto: "4h", depends_on: ["db"]),
            Service(id: "shop", rto: "4h", depends_on: ["web"], revenue_per_hour: 1000),
        ], groups: [Group(id: "web", members: ["web-1", "web-2"], need: 1)],
        threats: [Disaster(id: "fire", rate_per_year: 0.01, targets: [Site("a")])])"#,
    );
    // web-1 and web-2 have no backup, but the group needs only one of them.
    assert_eq!(found, [], "{found:#?}");
}

#[test]
fn warns_when_an_rto_is_shorter_than_a_hard_dependency_rto() {
    let w = one_warning(
        r#"Scenario(name: "x", services: [
            Service(id: "db", rto: "8h"),
            Service(id: "app", rto: "2h", depends_on: ["db"]),
        ])"#,
    );
    assert_eq!(w.path, r#"services[1] "app".rto"#);
    assert!(
        w.message
            .starts_with(r#"RTO 2h is shorter than the 8h RTO of its hard dependency "db""#),
        "{w}"
    );
    assert!(
        w.message.contains(r#"bring the RTO of "db" down to 2h"#),
        "{w}"
    );
}

#[test]
fn the_rto_gap_is_found_through_services_without_an_rto() {
    let w = one_warning(
        r#"Scenario(name: "x", services: [
            Service(id: "storage", rto: "12h"),
            Service(id: "db", depends_on: ["storage"]),
            Service(id: "app", rto: "2h", depends_on: ["db"]),
        ])"#,
    );
    assert_eq!(w.path, r#"services[2] "app".rto"#);
    assert!(
        w.message
            .contains(r#"the 12h RTO of "storage", which its hard dependency "db" needs"#),
        "{w}"
    );
}

#[test]
fn the_rto_gap_follows_groups_to_their_members() {
    // 2 of 3 needed: the group is back once the second fastest member is.
    let text = |rtos: [&str; 3]| {
        format!(
            r#"Scenario(name: "x", services: [
                Service(id: "api-1", rto: "{}"), Service(id: "api-2", rto: "{}"),
                Service(id: "api-3", rto: "{}"),
                Service(id: "app", rto: "4h", depends_on: ["api"]),
            ], groups: [Group(id: "api", members: ["api-1", "api-2", "api-3"], need: 2)])"#,
            rtos[0], rtos[1], rtos[2]
        )
    };
    let w = one_warning(&text(["1h", "8h", "24h"]));
    assert_eq!(w.path, r#"services[3] "app".rto"#);
    assert!(
        w.message
            .contains(r#"the 8h its hard dependency "api" needs to have 2 of its 3 members back"#),
        "{w}"
    );
    assert!(w.message.contains(r#"set by the RTO of "api-2""#), "{w}");
    // One slow member does not hold a 2-of-3 group back.
    assert_eq!(warnings(&text(["1h", "2h", "24h"])), []);
}

#[test]
fn warns_when_an_rto_is_not_below_the_mtpd() {
    let w =
        one_warning(r#"Scenario(name: "x", services: [Service(id: "a", rto: "1d", mtpd: "24h")])"#);
    assert_eq!(w.path, r#"services[0] "a".rto"#);
    assert!(
        w.message.contains("RTO 24h is not below the MTPD 24h"),
        "{w}"
    );
    assert!(w.message.contains("set the RTO below the MTPD"), "{w}");
}

#[test]
fn warns_when_no_backup_meets_the_rpo() {
    let w = one_warning(r#"Scenario(name: "x", services: [Service(id: "a", rpo: "1h")])"#);
    assert_eq!(w.path, r#"services[0] "a".rpo"#);
    assert!(w.message.contains("there is no backup"), "{w}");
    assert!(w.message.contains("interval of at most 1h"), "{w}");

    let w = one_warning(
        r#"Scenario(name: "x", services: [Service(id: "a", rpo: "15m",
            backup: (interval: "1h", restore: Fixed("2h")))])"#,
    );
    assert!(
        w.message
            .contains("backups run every 1h, so a restore can lose up to 1h of data"),
        "{w}"
    );
    assert!(w.message.contains("back up at least every 15m"), "{w}");

    let rebuild_only = one_warning(
        r#"Scenario(name: "x", services: [Service(id: "a", rpo: "1h", backup: (rebuild: Fixed("2h")))])"#,
    );
    assert!(rebuild_only.message.contains("there is no backup"));
}

/// db at site a fails over to b, losing `lag` of data at each switchover
/// (`extra` goes into the failover, `threats` after the fire at a).
fn failover_rpo(lag: &str, extra: &str, threats: &str) -> String {
    format!(
        r#"Scenario(name: "x", sites: [Site(id: "a"), Site(id: "b")], services: [
            Service(id: "db", site: "a", rpo: "10m",
                failover: (site: "b", switchover: Fixed("10m"), replication: {lag}{extra})),
        ], threats: [Disaster(id: "fire", rate_per_year: 1, targets: [Site("a")]){threats}])"#
    )
}

/// A failover that meets every threat that damages the service meets the
/// RPO without a backup: each disaster at a fails over losing exactly the
/// 10m lag (the run's rpo_breached is 0).
#[test]
fn an_rpo_met_by_failover_needs_no_backup() {
    for lag in [
        "Asynchronous(lag: Fixed(\"10m\"))",
        "Asynchronous(lag: Pert(min: \"1m\", mode: \"2m\", max: \"10m\"))",
        "Synchronous",
    ] {
        let found = warnings(&failover_rpo(lag, "", ""));
        assert_eq!(found, [], "{lag}: {found:#?}");
    }
    // What leaves it to a restore brings the warning back, naming it.
    let lag = "Asynchronous(lag: Fixed(\"10m\"))";
    for (extra, threats, why) in [
        (
            ", success: 0.9",
            "",
            "its failover works only with probability 0.9",
        ),
        (
            "",
            r#", Ransomware(id: "rw", rate_per_year: 1, entry: ["db"],
                spread: (probability: 0.2, time: Fixed("1h")),
                dwell: Fixed("1d"), detection: Fixed("1w"))"#,
            r#"ransomware "rw" can encrypt it"#,
        ),
        (
            "",
            r#", Disaster(id: "bad", rate_per_year: 1, targets: [Service("db")], replicated: true)"#,
            r#"the replicated disaster "bad" is never failed over"#,
        ),
        (
            "",
            r#", Disaster(id: "quake", rate_per_year: 1, targets: [Site("b")])"#,
            r#"the disaster "quake" hits its failover site "b""#,
        ),
        (
            "",
            r#", Disaster(id: "zap", rate_per_year: 1, targets: [Service("db")])"#,
            r#"the disaster "zap" can strike it again once it has failed over"#,
        ),
        (
            "",
            r#", Outage(id: "cut", rate_per_year: 1, targets: [Site("b")], duration: Fixed("1h"))"#,
            r#"the outage "cut" can have its failover site "b" down"#,
        ),
    ] {
        let found = warnings(&failover_rpo(lag, extra, threats));
        let w = common::warning_at(&found, r#""db".rpo"#);
        assert!(w.contains("there is no backup, and "), "{w}");
        assert!(w.contains(why), "{w}");
        assert!(w.contains("interval of at most 10m"), "{w}");
    }
}

#[test]
fn warns_when_a_replication_lag_can_exceed_the_rpo() {
    let w = one_warning(&failover_rpo("Asynchronous(lag: Fixed(\"11m\"))", "", ""));
    assert_eq!(w.path, r#"services[0] "db".rpo"#);
    assert!(
        w.message
            .contains(r#"replication to the failover site "b" is asynchronous"#),
        "{w}"
    );
    assert!(w.message.contains("can lose up to 11m of data"), "{w}");
    assert!(
        w.message.contains(
            "use replication: Synchronous or a lag of at most 10m, or accept an RPO of 11m"
        ),
        "{w}"
    );
    // An exponential lag has no upper bound: it is judged by its 99th
    // percentile, 4.6 × its mean: within 10m for a mean of 1m (it exceeds
    // 10m once in 22 000 switchovers), not for a mean of 3m (13.8m).
    let exponential = |mean: &str| {
        failover_rpo(
            &format!("Asynchronous(lag: Exponential(mean: \"{mean}\"))"),
            "",
            "",
        )
    };
    assert_eq!(warnings(&exponential("1m")), []);
    let w = one_warning(&exponential("3m"));
    assert!(w.message.contains("in more than 1% of switchovers"), "{w}");
    assert!(w.message.contains("the lag's 99th percentile is 13"), "{w}");
    assert!(
        w.message
            .contains("a lag whose 99th percentile is at most 10m"),
        "{w}"
    );
    // Nothing ever fails it over (an outage, no invoke_after): no switchover,
    // nothing lost.
    let outage = |extra: &str| {
        failover_rpo("Asynchronous(lag: Fixed(\"1h\"))", extra, "").replace(
            r#"Disaster(id: "fire", rate_per_year: 1, targets: [Site("a")])"#,
            r#"Outage(id: "cut", rate_per_year: 1, targets: [Site("a")], duration: Fixed("2h"))"#,
        )
    };
    assert_eq!(warnings(&outage("")), []);
    // With `invoke_after` the outage fails it over.
    let w = one_warning(&outage(r#", invoke_after: "1h""#));
    assert!(w.message.contains("can lose up to 1h of data"), "{w}");
}

const STRANDED: &str = r#"Scenario(name: "x", sites: [Site(id: "east"), Site(id: "west")], services: [
    Service(id: "db", site: "east"),
    Service(id: "shop", site: "west", depends_on: ["db"], revenue_per_hour: 1000),
], threats: [Disaster(id: "fire", rate_per_year: 0.01, targets: [Site("east")])])"#;

#[test]
fn warns_when_a_disaster_leaves_revenue_without_a_way_back() {
    let w = one_warning(STRANDED);
    assert_eq!(w.path, r#"services[1] "shop""#);
    assert!(w.message.contains("earns USD 1,000 an hour"), "{w}");
    assert!(
        w.message
            .contains(r#"it needs "db", which "fire" destroys with no way back"#),
        "{w}"
    );
    assert!(w.message.contains(r#"give "db" a backup"#), "{w}");

    let direct = one_warning(
        r#"Scenario(name: "x", services: [Service(id: "shop", revenue_per_hour: 5)],
            threats: [Disaster(id: "fire", rate_per_year: 0.01, targets: [Service("shop")])])"#,
    );
    assert!(
        direct
            .message
            .contains(r#""fire" destroys it and it has no way back"#),
        "{direct}"
    );
    // Regression (found by an independent check): no revenue, but costs
    // that grow with the outage (an MTPD penalty, impact steps) warn too;
    // a service whose staying down costs nothing more does not.
    for costs in [
        r#"mtpd: "1000h", mtpd_penalty: 1"#,
        r#"impact: [(after: "2000h", cost: 10)]"#,
    ] {
        let w = one_warning(&format!(
            r#"Scenario(name: "x", services: [Service(id: "gone", {costs})],
            threats: [Disaster(id: "d", rate_per_year: 1, targets: [Service("gone")])])"#
        ));
        assert!(
            w.message.contains("costs more the longer it is down")
                && w.message
                    .contains(r#""d" destroys it and it has no way back"#),
            "{w}"
        );
    }
    assert_eq!(
        warnings(
            r#"Scenario(name: "x", services: [Service(id: "gone", cost_per_outage: 5)],
            threats: [Disaster(id: "d", rate_per_year: 1, targets: [Service("gone")])])"#
        ),
        []
    );
}

#[test]
fn a_recovery_path_closes_the_gap() {
    let with = |db: &str| STRANDED.replace(r#"Service(id: "db", site: "east")"#, db);
    for db in [
        r#"Service(id: "db", site: "east", backup: (interval: "1h", restore: Fixed("4h")))"#,
        r#"Service(id: "db", site: "east", backup: (rebuild: Fixed("1d")))"#,
        r#"Service(id: "db", site: "east", failover: (site: "west", switchover: Fixed("5m")))"#,
    ] {
        assert_eq!(warnings(&with(db)), [], "{db}");
    }
    // A failover into a site the same disaster destroys is no way back.
    let both = with(
        r#"Service(id: "db", site: "east", failover: (site: "west", switchover: Fixed("5m")))"#,
    )
    .replace(
        r#"targets: [Site("east")]"#,
        r#"targets: [Site("east"), Site("west")]"#,
    );
    let found = warnings(&both);
    assert_eq!(found.len(), 1, "{found:#?}");
    // Found by an independent check: a service that fails over needs its
    // standby's dependencies (DESIGN-2 A1), not the home one the disaster
    // destroys; with `invoke_after`, any cause moves it. A standby that
    // needs the home dependency, or a switchover that requires it, is
    // stuck all the same.
    let standby = |failover: &str, hit: &str| {
        format!(
            r#"Scenario(name: "x", sites: [Site(id: "dc1"), Site(id: "dc2")], services: [
            Service(id: "net1", site: "dc1"),
            Service(id: "net2", site: "dc2"),
            Service(id: "db", site: "{hit}", depends_on: ["net1"], revenue_per_hour: 100,
                failover: (site: "dc2", switchover: Fixed("30m"){failover})),
        ],
        threats: [Disaster(id: "fire1", rate_per_year: 0.5, targets: [Site("dc1")])])"#
        )
    };
    for (failover, hit) in [
        (r#", depends_on: ["net2"]"#, "dc1"),
        (r#", depends_on: ["net2"], invoke_after: "1h""#, "dc3"),
    ] {
        let text = standby(failover, hit).replace(
            r#"Site(id: "dc2")]"#,
            r#"Site(id: "dc2"), Site(id: "dc3")]"#,
        );
        assert_eq!(warnings(&text), [], "{failover}");
    }
    for failover in [
        "",
        r#", depends_on: ["net1"]"#,
        r#", depends_on: ["net2"], requires: ["net1"]"#,
    ] {
        let found = warnings(&standby(failover, "dc1"));
        assert!(
            found.iter().any(|w| w.message.contains("no way back")),
            "{failover}: {found:#?}"
        );
    }
    // A replicated disaster keeps its targets from failing over, not a
    // service that depends on them and fails over by `invoke_after`.
    let replicated = r#"Scenario(name: "rep", sites: [Site(id: "dc1"), Site(id: "dc2")],
        services: [
            Service(id: "db", site: "dc1"),
            Service(id: "app", site: "dc1", depends_on: ["db"], revenue_per_hour: 100,
                failover: (site: "dc2", switchover: Fixed("10m"), invoke_after: "1h",
                    depends_on: [])),
        ],
        threats: [Disaster(id: "corrupt", rate_per_year: 0.1, targets: [Service("db")],
            replicated: true)])"#;
    assert!(
        !warnings(replicated)
            .iter()
            .any(|w| w.message.contains("no way back")),
        "{:#?}",
        warnings(replicated)
    );
    // Without `invoke_after`, a service the disaster does not hit stays
    // at home and waits for its home dependency.
    let text = standby(r#", depends_on: ["net2"]"#, "dc3").replace(
        r#"Site(id: "dc2")]"#,
        r#"Site(id: "dc2"), Site(id: "dc3")]"#,
    );
    assert!(warnings(&text)
        .iter()
        .any(|w| w.message.contains("no way back")));
    // A threat that never happens, or a service that earns nothing, is no gap.
    assert_eq!(
        warnings(&STRANDED.replace("rate_per_year: 0.01", "rate_per_year: 0")),
        []
    );
    assert_eq!(
        warnings(&STRANDED.replace(", revenue_per_hour: 1000", "")),
        []
    );
}

#[test]
fn warns_when_ransomware_can_spread_to_revenue_without_backups() {
    let text = |segmented: bool| {
        format!(
            r#"Scenario(name: "x", services: [
                Service(id: "email", backup: (rebuild: Fixed("4h"))),
                Service(id: "files", depends_on: ["email"], segmented: {segmented},
                    backup: (interval: "1d", restore: Fixed("8h"))),
                Service(id: "erp", depends_on: ["files"], revenue_per_hour: 100),
            ], threats: [Ransomware(id: "crypto", rate_per_year: 0.3, entry: ["email"],
                spread: (probability: 0.2, time: Fixed("1h")),
                dwell: Fixed("1d"), detection: Fixed("1w"))])"#
        )
    };
    let w = one_warning(&text(false));
    assert_eq!(w.path, r#"services[2] "erp""#);
    assert!(w.message.contains(r#""crypto" encrypts it"#), "{w}");
    assert!(
        w.message
            .contains("a backup (interval and restore) or a rebuild"),
        "{w}"
    );
    // Segmentation stops the spread before it reaches erp.
    assert_eq!(warnings(&text(true)), []);
}

#[test]
fn warns_when_a_group_has_no_real_redundancy() {
    let w = one_warning(
        r#"Scenario(name: "x", sites: [Site(id: "east")], services: [
            Service(id: "api-1", site: "east"), Service(id: "api-2", site: "east"),
        ], groups: [Group(id: "api", members: ["api-1", "api-2"], need: 1)])"#,
    );
    assert_eq!(w.path, r#"groups[0] "api".members"#);
    assert!(
        w.message.contains(r#"all 2 members run at site "east""#),
        "{w}"
    );
    assert!(
        w.message.contains("place members at different sites"),
        "{w}"
    );

    let w = one_warning(
        r#"Scenario(name: "x", services: [Service(id: "api-1"), Service(id: "api-2")],
            groups: [Group(id: "api", members: ["api-1", "api-2"], need: 2)])"#,
    );
    assert_eq!(w.path, r#"groups[0] "api".need"#);
    assert!(w.message.contains("no redundancy; lower need to 1"), "{w}");
}

#[test]
fn warnings_come_check_by_check_in_file_order() {
    let m = model(
        r#"Scenario(name: "x", services: [
            Service(id: "shop", rto: "1h", mtpd: "1h", rpo: "1h", depends_on: ["db"],
                revenue_per_hour: 10),
            Service(id: "db", rto: "4h", mtpd: "4h", rpo: "1h"),
        ], groups: [Group(id: "pair", members: ["shop", "db"], need: 2)],
        threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Service("db")])])"#,
    );
    let first = planning_warnings(&m);
    assert_eq!(first, planning_warnings(&m));
    let paths: Vec<&str> = first.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            r#"services[0] "shop".rto"#, // shorter than the RTO of db
            r#"services[0] "shop".rto"#, // not below the MTPD
            r#"services[1] "db".rto"#,
            r#"services[0] "shop".rpo"#,
            r#"services[1] "db".rpo"#,
            r#"services[0] "shop""#, // db has no way back from the fire
            r#"groups[0] "pair".need"#,
        ],
        "{first:#?}"
    );
}

#[test]
fn the_complete_scenario_has_only_the_ransomware_gap() {
    let found = planning_warnings(&model(BANK));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, r#"services[9] "payments""#);
    assert!(found[0].message.contains(r#""ransomware" encrypts it"#));
}

#[test]
fn validate_prints_warnings_and_exits_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("stranded.ron");
    std::fs::write(&path, STRANDED).expect("writes");
    let out = common::bcdr()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("bcdr runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("valid"), "{stdout}");
    assert!(stdout.contains("warning: services[1] \"shop\""), "{stdout}");
}

/// A premium and an aggregate limit are a year's and apply once per trial
/// (a trial is a year): a two-year horizon is warned of, a one-year one and
/// a policy with neither are not.
#[test]
fn warns_of_a_yearly_premium_over_a_horizon_that_is_not_a_year() {
    let scenario = |horizon: &str, policy: &str| {
        format!(
            r#"Scenario(name: "x", horizon: "{horizon}", services: [Service(id: "db")],
            threats: [LossEvent(id: "breach", rate_per_year: 0.5, cost: Fixed(1000))],
            insurance: [{policy}])"#
        )
    };
    let w = one_warning(&scenario("2y", r#"Policy(id: "cyber", premium: 500)"#));
    assert_eq!(w.path, r#"insurance[0] "cyber""#);
    assert!(
        w.message.starts_with("its premium is paid once per trial"),
        "{w}"
    );
    assert!(w.message.contains(r#"set horizon: "1y""#), "{w}");
    let w = one_warning(&scenario(
        "6mo",
        r#"Policy(id: "cyber", aggregate_limit: 5000, premium: 500)"#,
    ));
    assert!(
        w.message
            .starts_with("its premium and aggregate limit apply"),
        "{w}"
    );
    for (horizon, policy) in [
        (
            "1y",
            r#"Policy(id: "cyber", aggregate_limit: 5000, premium: 500)"#,
        ),
        ("2y", r#"Policy(id: "cyber", deductible: 100, limit: 5000)"#),
    ] {
        assert_eq!(
            warnings(&scenario(horizon, policy)),
            [],
            "{horizon} {policy}"
        );
    }
}

/// The risk appetite is judged per trial: over a two-year horizon its
/// probabilities are read per two years, which validate warns of, naming
/// the fix; a one-year horizon, or no appetite, is not warned of.
#[test]
fn warns_of_a_risk_appetite_over_a_horizon_that_is_not_a_year() {
    let scenario = |horizon: &str, appetite: &str| {
        format!(
            r#"Scenario(name: "x", horizon: "{horizon}", services: [Service(id: "db")],
            threats: [LossEvent(id: "breach", rate_per_year: 0.5, cost: Fixed(1000))],
            risk_appetite: [{appetite}])"#
        )
    };
    let w = one_warning(&scenario("2y", "(loss: 500, probability: 0.1)"));
    assert_eq!(w.path, "risk_appetite");
    assert!(
        w.message
            .starts_with("its probabilities are read per trial, and a trial of this scenario runs"),
        "{w}"
    );
    assert!(w.message.contains("give them per horizon"), "{w}");
    assert!(w.message.contains(r#"set horizon: "1y""#), "{w}");
    for (horizon, appetite) in [("1y", "(loss: 500, probability: 0.1)"), ("2y", "")] {
        assert_eq!(
            warnings(&scenario(horizon, appetite)),
            [],
            "{horizon} {appetite}"
        );
    }
}

/// A soft dependency of a service that earns nothing and is not a
/// business function changes no figure (degradation is not passed on to
/// its dependants): found in the bundled online retailer, whose storefront
/// degraded on the cache to no effect. One that earns revenue, a Business
/// service, and a scenario whose every service is a business function are
/// not warned.
#[test]
fn warns_of_a_soft_dependency_that_counts_nowhere() {
    let scenario = |app: &str, shop_tier: &str| {
        format!(
            r#"Scenario(name: "x", services: [
            Service(id: "cache"),
            Service(id: "app", {app} degrades_on: [(service: "cache", capacity: 0.7)]),
            Service(id: "shop", tier: {shop_tier}, depends_on: ["app"], revenue_per_hour: 100),
        ])"#
        )
    };
    let w = one_warning(&scenario("", "Business"));
    assert_eq!(w.path, r#"services[1] "app".degrades_on"#);
    assert!(
        w.message
            .contains(r#"it degrades on "cache", but it earns no revenue"#),
        "{}",
        w.message
    );
    assert!(
        w.message
            .contains("make the services that need it degrade on it themselves"),
        "{}",
        w.message
    );
    // Without a Business tier the business functions are the services
    // with revenue: still not "app".
    assert_eq!(one_warning(&scenario("", "Application")).path, w.path);
    assert_eq!(warnings(&scenario("revenue_per_hour: 10,", "Business")), []);
    assert_eq!(warnings(&scenario("tier: Business,", "Business")), []);
    // No revenue and no Business tier: every service is a business
    // function, whose capacity a drill's time to MBCO counts.
    let none = r#"Scenario(name: "x", services: [Service(id: "cache"),
        Service(id: "app", degrades_on: [(service: "cache", capacity: 0.7)])])"#;
    assert_eq!(warnings(none), []);
}

/// Two directory servers at dc-1 behind a 1-of-2 group, each restored
/// only once the backup tool is up, which logs on through the group: a
/// fire at dc-1 destroys both, and neither restore can ever start.
/// Validation accepts the requirement (it is not down whenever one
/// server is); the warning says what waits on what.
const CIRCULAR: &str = r#"Scenario(name: "circ", sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    groups: [Group(id: "identity", members: ["ad-1", "ad-2"], need: 1)],
    services: [
        Service(id: "ad-1", site: "dc-1",
            backup: (interval: "24h", restore: Fixed("4h"), requires: ["backup-app"])),
        Service(id: "ad-2", site: "SITE2",
            backup: (interval: "24h", restore: Fixed("4h"), requires: ["backup-app"])),
        Service(id: "backup-app", site: "dc-2", depends_on: ["identity"]),
    ],
    threats: [Disaster(id: "fire", rate_per_year: 0.5, targets: [Site("dc-1")])])"#;

#[test]
fn recoveries_that_wait_on_each_other_for_ever_are_named() {
    let found: Vec<Warning> = warnings(&CIRCULAR.replace("SITE2", "dc-1"))
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, r#"services[0] "ad-1".backup.requires"#);
    for part in [
        r#"when "fire" destroys "ad-1", "ad-2" together"#,
        r#""ad-1" on "backup-app"; "ad-2" on "backup-app""#,
        "stay down to the end of the trial",
    ] {
        assert!(found[0].message.contains(part), "{}", found[0].message);
    }
    // The engine agrees: a drill of the fire never brings ad-1 back.
    let model = model(&CIRCULAR.replace("SITE2", "dc-1"));
    let fire = bcdr::app::drill_threat(&model, "fire").expect("a threat");
    let r = bcdr::app::drill_results(&model, fire, None, None, 1, 0..20, Some(1), None)
        .expect("the drill runs");
    let ad1 = r
        .drill
        .services
        .iter()
        .find(|s| s.id == "ad-1")
        .expect("ad-1");
    assert_eq!(ad1.not_recovered, Some(1.0));

    // With ad-2 at dc-2 the group survives the fire: the tool stays up and
    // ad-1's restore starts.
    assert!(warnings(&CIRCULAR.replace("SITE2", "dc-2"))
        .iter()
        .all(|w| !w.path.ends_with("requires")));
    // Two services that each require the other, destroyed together.
    let mutual = r#"Scenario(name: "m", sites: [Site(id: "a")], services: [
        Service(id: "x", site: "a", backup: (rebuild: Fixed("1h"), requires: ["y"])),
        Service(id: "y", site: "a", backup: (rebuild: Fixed("1h"), requires: ["x"])),
        Service(id: "z", site: "a", backup: (rebuild: Fixed("1h"), requires: ["x"])),
    ], threats: [Disaster(id: "flood", rate_per_year: 1, targets: [Site("a")])])"#;
    let w: Vec<Warning> = warnings(mutual)
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].message.contains(r#"destroys "x", "y", "z" together"#)
            && w[0].message.contains(r#""z" on "x""#),
        "{}",
        w[0].message
    );
    // A disaster that destroys only one of them leaves the other to come
    // back, and then the first.
    let one = mutual.replace(r#"targets: [Site("a")]"#, r#"targets: [Service("x")]"#);
    assert!(warnings(&one).iter().all(|w| !w.path.ends_with("requires")));
}

/// The classic ransomware deadlock: the directory's restore needs the
/// backup server, whose rebuild needs the directory to log on. An attack
/// that can reach both can leave both down for good (the engine agrees:
/// some drills never recover); an attack that cannot reach the backup
/// server cannot.
#[test]
fn a_ransomware_attack_that_can_encrypt_both_ends_of_a_wait_is_named() {
    let text = r#"Scenario(name: "rw", sites: [Site(id: "dc-1")], services: [
        Service(id: "ad", site: "dc-1",
            backup: (interval: "24h", restore: Fixed("4h"), requires: ["backup-server"])),
        Service(id: "backup-server", site: "dc-1", SEGMENTED
            backup: (rebuild: Fixed("8h"), requires: ["ad"])),
        Service(id: "erp", site: "dc-1", depends_on: ["ad", "backup-server"],
            revenue_per_hour: 1000, backup: (interval: "24h", restore: Fixed("4h"))),
    ], threats: [Ransomware(id: "rw", rate_per_year: 0.2, entry: ["erp"],
        spread: (probability: 0.5, time: Fixed("1h")), dwell: Fixed("10d"),
        detection: Fixed("30d"))])"#;
    let open = text.replace("SEGMENTED", "");
    let w: Vec<Warning> = warnings(&open)
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].path, r#"services[0] "ad".backup.requires"#);
    assert!(
        w[0].message
            .contains(r#"when "rw" can encrypt "ad", "backup-server" together"#)
            && w[0]
                .message
                .contains(r#""ad" on "backup-server"; "backup-server" on "ad""#),
        "{}",
        w[0].message
    );
    let model = model(&open);
    let rw = bcdr::app::drill_threat(&model, "rw").expect("a threat");
    let r = bcdr::app::drill_results(&model, rw, None, None, 1, 0..200, Some(1), None)
        .expect("the drill runs");
    let ad = r.drill.services.iter().find(|s| s.id == "ad").expect("ad");
    assert!(ad.not_recovered.is_some_and(|p| p > 0.0), "{ad:?}");

    let segmented = text.replace("SEGMENTED", "segmented: true,");
    assert!(warnings(&segmented)
        .iter()
        .all(|w| !w.path.ends_with("requires")));
}

/// A failover that can fail (success below 1) does not make the wait go
/// away: in the drills where it succeeds, the switchover waits for what it
/// `requires` and the backups are never tried (the engine leaves both down
/// in 9 drills of 10 here); in those where it fails, the restore waits for
/// what `backup.requires` names. And a restore from backups the disaster
/// destroyed with their site is no way back: such a service without a
/// rebuild stays down whatever it requires, so it is not named as waiting.
#[test]
fn a_failover_that_can_fail_still_leaves_its_recovery_waiting() {
    // y first: the engine decides x's switchover once both are down.
    let fo = r#"Scenario(name: "fo", sites: [Site(id: "a"), Site(id: "b")], services: [
        Service(id: "y", site: "a", backup: (rebuild: Fixed("1h"), requires: ["x"])),
        Service(id: "x", site: "a",
            failover: (site: "b", success: 0.9, switchover: Fixed("1h"), requires: ["y"]),
            backup: (interval: "24h", restore: Fixed("4h"))),
    ], threats: [Disaster(id: "flood", rate_per_year: 1, targets: [Site("a")])])"#;
    let w: Vec<Warning> = warnings(fo)
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].message.contains(r#"destroys "y", "x" together"#)
            && w[0].message.contains(r#""x" on "y""#)
            && w[0].message.contains("can stay down"),
        "{}",
        w[0].message
    );
    let m = model(fo);
    let flood = bcdr::app::drill_threat(&m, "flood").expect("a threat");
    let r = bcdr::app::drill_results(&m, flood, None, None, 1, 0..200, Some(1), None)
        .expect("the drill runs");
    let x = r.drill.services.iter().find(|s| s.id == "x").expect("x");
    assert!(x.not_recovered.is_some_and(|p| p > 0.5), "{x:?}");
    // The other way round: the switchover needs nothing, the restore
    // waits on y, which waits on x (the drills whose failover fails).
    let back = fo.replace(r#", requires: ["y"]),"#, "),").replace(
        r#"restore: Fixed("4h"))"#,
        r#"restore: Fixed("4h"), requires: ["y"])"#,
    );
    let w: Vec<Warning> = warnings(&back)
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    // A failover that cannot fail brings x back, and then y.
    assert!(warnings(&back.replace("0.9", "1"))
        .iter()
        .all(|w| !w.path.ends_with("requires")));

    // Backups kept at the site that burns, no rebuild: z never comes back,
    // whatever it requires; only w, which waits on it, is named waiting.
    let lost = r#"Scenario(name: "l", sites: [Site(id: "a")], services: [
        Service(id: "z", site: "a",
            backup: (interval: "24h", restore: Fixed("4h"), site: "a", requires: ["w"])),
        Service(id: "w", site: "a", backup: (rebuild: Fixed("1h"), requires: ["z"])),
    ], threats: [Disaster(id: "fire", rate_per_year: 1, targets: [Site("a")])])"#;
    let w: Vec<Warning> = warnings(lost)
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].message.contains(r#""w" on "z""#) && !w[0].message.contains(r#""z" on"#),
        "{}",
        w[0].message
    );
}

/// A ring of 20 rebuilds, each requiring the next, destroyed by one fire:
/// none can start. The warning names the first few and how many more, not
/// every service (a ring of 20 000 wrote them all).
#[test]
fn a_long_wait_names_a_few_and_counts_the_rest() {
    let n = 20;
    let services: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"Service(id: "s{i}", site: "a", backup: (rebuild: Fixed("1h"), requires: ["s{}"]))"#,
                (i + 1) % n
            )
        })
        .collect();
    let text = format!(
        r#"Scenario(name: "ring", sites: [Site(id: "a")], services: [{}],
        threats: [Disaster(id: "fire", rate_per_year: 1, targets: [Site("a")])])"#,
        services.join(",\n")
    );
    let w: Vec<Warning> = warnings(&text)
        .into_iter()
        .filter(|w| w.path.ends_with("requires"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    let m = &w[0].message;
    assert!(
        m.contains(
            r#"destroys "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", and 12 more together"#
        ),
        "{m}"
    );
    assert!(m.contains(r#""s7" on "s8"; and 12 more)"#), "{m}");
    assert!(!m.contains(r#""s19""#), "{m}");
}
