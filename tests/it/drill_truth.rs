//! `bcdr drill` tells the truth: the critical path only through hard
//! dependencies of a business function. (How the drill report draws crew
//! work, lost services and the recovery curve is tested inside the crate,
//! `src/report/drill_truth_tests.rs`: the charts are crate-private.)

use bcdr::app::{drill_results, drill_threat, DrillResults};

use crate::common::engine::SEED;

fn drill(text: &str, threat: &str, trials: u64) -> DrillResults {
    let model =
        bcdr::scenario::parse_str(text).unwrap_or_else(|e| panic!("test scenario invalid: {e}"));
    let index = drill_threat(&model, threat).expect("a drillable threat");
    drill_results(&model, index, None, None, SEED, 0..trials, Some(2), None)
        .expect("the drill runs")
}

/// `biz` hard-depends on `db`; `email` is only a soft dependency of it.
/// A site disaster takes `db` down in every drill; an outage of `email`
/// alone (no business function goes down) must name nothing.
const SOFT: &str = include_str!("drill-soft.ron");

#[test]
fn critical_path_never_names_a_soft_dependency() {
    let r = drill(SOFT, "mail-down", 200);
    let email = r
        .drill
        .services
        .iter()
        .find(|s| s.id == "email")
        .expect("email");
    assert_eq!(email.hit, 1.0, "the outage takes email down in every drill");
    assert_eq!(r.drill.business.as_ref().expect("business").hit, 0.0);
    assert!(
        r.drill.critical_path.is_empty(),
        "no business function went down, so no critical path: {:?}",
        r.drill.critical_path
    );
    let r = drill(SOFT, "fire", 200);
    let mut ids: Vec<&str> = r
        .drill
        .critical_path
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["biz", "db"]);
    // The bottleneck ends every path: its shares add up to the drills in
    // which a business function went down.
    let bottleneck: f64 = r.drill.critical_path.iter().map(|e| e.bottleneck).sum();
    assert!((bottleneck - 1.0).abs() < 1e-12, "{bottleneck}");
}

fn shares(r: &DrillResults) -> Vec<(&str, f64, f64)> {
    r.drill
        .services
        .iter()
        .map(|s| (s.id.as_str(), s.critical_path, s.bottleneck))
        .collect()
}

/// Regression: what a restore requires gates its start even when a hard
/// dependency that does not hold the restore comes back later. Unlimited
/// crews, restores not in dependency order: `backup-srv` is back at 2 h,
/// `db`'s restore runs from then to 5 h, `net` is back at 4 h (before
/// `db`, so it gates nothing). A faster `backup-srv` brings `shop` back
/// sooner; the path stopped at `db` and never named it.
#[test]
fn a_requirement_that_held_the_restore_is_on_the_path_whatever_came_back_later() {
    let text = r#"Scenario(name: "req", sites: [Site(id: "dc")], services: [
        Service(id: "net", site: "dc", backup: (rebuild: Fixed("4h"))),
        Service(id: "backup-srv", site: "dc", backup: (rebuild: Fixed("2h"))),
        Service(id: "db", site: "dc", depends_on: ["net"],
                backup: (interval: "4h", restore: Fixed("3h"), requires: ["backup-srv"])),
        Service(id: "shop", tier: Business, depends_on: ["db"], revenue_per_hour: 1000),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])])"#;
    let r = drill(text, "fire", 20);
    assert_eq!(
        shares(&r),
        [
            ("net", 0.0, 0.0),
            ("backup-srv", 1.0, 1.0),
            ("db", 1.0, 0.0),
            ("shop", 1.0, 0.0)
        ]
    );
}

/// Regression: a crew freed at the instant a dependency comes back. One
/// crew takes `z` first (priority) from 0 to 2 h, then `y`'s rebuild, from
/// 2 h to 5 h; `x` fails over and is back at 2 h too. Restores do not wait
/// for dependencies, so `y` waited for the crew, not for `x`: a faster
/// switchover changes nothing, and `y`'s rebuild is the bottleneck (the
/// path used to step on to `x`). When restores wait for their
/// dependencies, `x` held `y` back as well, and is named.
#[test]
fn a_dependency_back_as_the_crew_frees_up_holds_only_a_restore_that_waits_for_it() {
    let text = |order: bool| {
        format!(
            r#"Scenario(name: "tie", sites: [Site(id: "dc"), Site(id: "dr")], services: [
        Service(id: "x", site: "dc", failover: (site: "dr", switchover: Fixed("2h"))),
        Service(id: "z", site: "dc", backup: (rebuild: Fixed("2h"))),
        Service(id: "y", site: "dc", depends_on: ["x"], backup: (rebuild: Fixed("3h"))),
        Service(id: "biz", tier: Business, depends_on: ["y"], revenue_per_hour: 100),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])],
    plan: Plan(crews: 1, priority: ["z", "y"], restore_in_dependency_order: {order}))"#
        )
    };
    let r = drill(&text(false), "fire", 20);
    let b = r.drill.business.as_ref().expect("business");
    assert_eq!(b.recovery_hours.max, 5.0);
    assert_eq!(
        shares(&r),
        [
            ("x", 0.0, 0.0),
            ("z", 0.0, 0.0),
            ("y", 1.0, 1.0),
            ("biz", 1.0, 0.0)
        ]
    );
    let r = drill(&text(true), "fire", 20);
    assert_eq!(
        shares(&r),
        [
            ("x", 1.0, 1.0),
            ("z", 0.0, 0.0),
            ("y", 1.0, 0.0),
            ("biz", 1.0, 0.0)
        ]
    );
}

/// Regression: two restores that end at the same instant both gate the
/// business, whatever order `depends_on` lists them in (the first listed
/// used to be the whole path and the bottleneck, the other never named);
/// so do two business functions back at the same instant.
#[test]
fn services_back_at_the_same_instant_are_all_on_the_path() {
    let text = |deps: &str| {
        format!(
            r#"Scenario(name: "ties", sites: [Site(id: "dc")], services: [
        Service(id: "a", site: "dc", backup: (rebuild: Fixed("5h"))),
        Service(id: "b", site: "dc", backup: (rebuild: Fixed("5h"))),
        Service(id: "c", site: "dc", backup: (rebuild: Fixed("1h"))),
        Service(id: "biz", tier: Business, depends_on: [{deps}], revenue_per_hour: 100),
        Service(id: "biz2", tier: Business, depends_on: ["b"], revenue_per_hour: 100),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])])"#
        )
    };
    for deps in [r#""a", "b", "c""#, r#""c", "b", "a""#] {
        let r = drill(&text(deps), "fire", 10);
        assert_eq!(
            shares(&r),
            [
                ("a", 1.0, 1.0),
                ("b", 1.0, 1.0),
                ("c", 0.0, 0.0),
                ("biz", 1.0, 0.0),
                ("biz2", 1.0, 0.0)
            ],
            "depends_on: [{deps}]"
        );
    }
    // The reading names both bottlenecks, not the first of them.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("ties.ron");
    std::fs::write(&scenario, text(r#""a", "b""#)).expect("the scenario is written");
    let out = dir.path().join("out");
    crate::common::bcdr()
        .args(["drill", "--threat", "fire", "--trials", "10", "-q", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(
        md.contains("is most often `a` and `b` (100.0% of the drills each)."),
        "{md}"
    );
}

/// Ransomware enters `ws` and reaches `ad`, which `erp` and so `sales`
/// need, in half of the attacks; in the other half no business function
/// stops.
const RANSOM: &str = r#"Scenario(name: "rw", sites: [Site(id: "dc")], services: [
    Service(id: "ad", site: "dc", backup: (interval: "24h", restore: Fixed("4h"))),
    Service(id: "ws", site: "dc", depends_on: ["ad"], backup: (rebuild: Fixed("1h"))),
    Service(id: "erp", site: "dc", depends_on: ["ad"], backup: (interval: "12h", restore: Fixed("8h"))),
    Service(id: "sales", kind: Function, tier: Business, depends_on: ["erp"],
            revenue_per_hour: 1000, mbco: 0.5),
], threats: [Ransomware(id: "rw", rate_per_year: 0.5, entry: ["ws"],
    spread: (probability: 0.5, time: Fixed("1h")), dwell: Fixed("10h"),
    detection: Exponential(mean: "20h"))])"#;

/// Regression: the MBCO time counts 0 for the drills in which no business
/// function falls below its MBCO, as the last business function's time
/// does for those in which none stops; the reading, the headline and the
/// screen gave its median "in half of the drills where that happens
/// (100.0% of the drills)" without saying that half of them were zeros.
#[test]
fn the_mbco_time_says_how_many_drills_count_zero() {
    // An e-mail outage degrades `biz` to 50%, below its MBCO (full
    // capacity, none set), though `biz` never stops.
    let r = drill(SOFT, "mail-down", 20);
    assert_eq!(r.drill.business.as_ref().expect("business").hit, 0.0);
    let m = r.drill.mbco.as_ref().expect("an MBCO");
    assert_eq!((m.below, m.reached), (1.0, 1.0));
    assert_eq!(m.hours.as_ref().expect("reached").p50, 2.0);

    let n = 2000;
    let r = drill(RANSOM, "rw", n);
    let b = r.drill.business.as_ref().expect("business");
    let m = r.drill.mbco.as_ref().expect("an MBCO");
    // `sales` falls to 0, below its 50% MBCO, exactly when it stops.
    assert_eq!(m.below, b.hit);
    let se = (0.25f64 / n as f64).sqrt();
    assert!((b.hit - 0.5).abs() <= 4.0 * se, "{}", b.hit);
    assert_eq!(m.reached, 1.0);
    let h = m.hours.as_ref().expect("reached");
    assert_eq!(h.mean, b.recovery_hours.mean, "0 where nothing fell");

    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("rw.ron");
    std::fs::write(&scenario, RANSOM).expect("the scenario is written");
    let out = dir.path().join("out");
    let assert = crate::common::bcdr()
        .args(["drill", "--threat", "rw", "--trials", "400", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let d: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("drill.json")).expect("drill.json"))
            .expect("json");
    let below = d["mbco"]["below"].as_f64().expect("mbco.below");
    let zeros = bcdr::fmt::pct(1.0 - below);
    let screen = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let said =
        format!("(0 in the {zeros} of drills in which no business function falls below its MBCO)");
    assert!(screen.contains(&said), "{screen}");
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let said = format!(
        "in {} of the drills. Counting 0 for the {zeros} in which none does, every business \
         function is back at its MBCO after",
        bcdr::fmt::pct(below)
    );
    assert!(md.contains(&said), "{md}");
    assert!(
        md.contains("(drills where reached; 0 when none falls below it)"),
        "{md}"
    );
}

/// `db` runs at dc-1 and keeps its backups at dc-1 too, `files` at dc-2;
/// `archive` keeps them off site.
const BURNT: &str = r#"Scenario(name: "burnt", sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    services: [
        Service(id: "db", site: "dc-1", rpo: "4h",
            backup: (interval: "24h", restore: Fixed("6h"), rebuild: Fixed("20h"), site: "dc-1")),
        Service(id: "files", site: "dc-2",
            backup: (interval: "24h", restore: Fixed("6h"), site: "dc-2")),
        Service(id: "archive", site: "dc-1", backup: (interval: "24h", restore: Fixed("6h"))),
    ],
    threats: [
        Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc-1")]),
        Disaster(id: "corrupt", rate_per_year: 0.1, targets: [Site("dc-1")], replicated: true),
    ])"#;

/// A drill starts at the disaster, so a service whose backups burn with
/// it reads no data lost there: the drill says which backups it destroys
/// (on the screen, in drill.json and in the report) instead of letting
/// "RPO met" stand unexplained; a disaster that destroys none says
/// nothing.
#[test]
fn a_drill_names_the_backups_its_disaster_destroys() {
    let r = drill(BURNT, "fire", 50);
    assert_eq!(r.drill.backups_destroyed, vec!["db".to_string()]);
    let db = r.drill.services.iter().find(|s| s.id == "db").expect("db");
    assert_eq!(db.hit, 1.0);
    assert_eq!(db.data_lost, 0.0, "what the note explains");
    let r = drill(BURNT, "corrupt", 50);
    assert!(r.drill.backups_destroyed.is_empty());

    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("burnt.ron");
    std::fs::write(&scenario, BURNT).expect("the scenario is written");
    for (threat, named) in [("fire", true), ("corrupt", false)] {
        let out = dir.path().join(threat);
        let assert = crate::common::bcdr()
            .args(["drill", "--threat", threat, "--trials", "20", "--out"])
            .arg(&out)
            .arg(&scenario)
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        let json = std::fs::read_to_string(out.join("drill.json")).expect("drill.json");
        let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
        assert_eq!(
            stdout.contains("backups destroyed             db: a service also hit is rebuilt"),
            named,
            "{stdout}"
        );
        assert_eq!(json.contains("\"backups_destroyed\""), named, "{json}");
        assert_eq!(
            md.contains("Backups destroyed: this disaster"),
            named,
            "{md}"
        );
    }
}

/// A service whose backups burn and that has no rebuild is not rebuilt: it
/// stays down to the end of the drill, and the note says so rather than
/// promising a rebuild.
#[test]
fn the_backups_note_does_not_promise_a_rebuild_there_is_not() {
    let text = BURNT.replace(r#", rebuild: Fixed("20h")"#, "");
    let r = drill(&text, "fire", 20);
    let db = r.drill.services.iter().find(|s| s.id == "db").expect("db");
    assert_eq!(db.not_recovered, Some(1.0), "{db:?}");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("burnt.ron");
    std::fs::write(&scenario, &text).expect("the scenario is written");
    let out = dir.path().join("out");
    let assert = crate::common::bcdr()
        .args(["drill", "--threat", "fire", "--trials", "20", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    for text in [&stdout, &md] {
        assert!(text.contains("without a rebuild"), "{text}");
    }
}
