//! Restores as planners write them (DESIGN-2 A2, A3): a replicated
//! disaster is restored, not failed over; backups lost with their site
//! lead to the rebuild; a restore that requires a service waits for it.
//!
//! Tolerances: fixed durations give exact outages (on the clock's grid of
//! 2^-30 h, so within 1e-6 h); means of random draws are within `Z`
//! standard errors of the run's own accumulators, proportions within `Z`
//! √(p(1−p)/n).

use bcdr::app::{drill_results, drill_threat, DrillResults};
use bcdr::stats::ServiceDrill;

use crate::common::assert_close;
use crate::common::engine::*;

const Z: f64 = 4.0;

/// The database runs at dc-1 on its own; its backups are `backup`, its
/// failover `failover` (`""` for none). The backup server runs at dc-1
/// and is rebuilt in 10 h; the Business-tier app needs the database.
fn estate(backup: &str, failover: &str, threats: &str) -> String {
    format!(
        r#"Scenario(name: "restore", horizon: "1y",
    sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    services: [
        Service(id: "backup-server", site: "dc-1", backup: (rebuild: Fixed("10h"))),
        Service(id: "db", site: "dc-1", backup: {backup} {failover},
            rto: "8h", data_loss_cost_per_hour: 100),
        Service(id: "app", tier: Business, depends_on: ["db"], revenue_per_hour: 1000),
    ],
    threats: [{threats}])"#
    )
}

const DB: usize = 1;
const FAILOVER: &str = r#", failover: (site: "dc-2", switchover: Fixed("1h"))"#;
/// Restore in 6 h (meets the 8 h RTO), rebuild in 50 h (misses it).
fn backup(extra: &str) -> String {
    format!(r#"(interval: "24h", restore: Fixed("6h"), rebuild: Fixed("50h"){extra})"#)
}

fn drill_of(text: &str, threat: &str, trials: u64) -> DrillResults {
    let model = bcdr::scenario::parse_str(text).unwrap_or_else(|e| panic!("invalid: {e}"));
    let index = drill_threat(&model, threat).expect("a drillable threat");
    drill_results(&model, index, None, None, SEED, 0..trials, None, None).expect("the drill runs")
}

fn service<'a>(r: &'a DrillResults, id: &str) -> &'a ServiceDrill {
    r.drill
        .services
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no service {id}"))
}

/// A replicated disaster is restored (6 h, losing the time since the last
/// backup: Uniform(0, 24 h), mean 12 h); the same disaster not replicated
/// fails over (1 h, no data lost).
#[test]
fn a_replicated_disaster_is_restored_not_failed_over() {
    let threats = r#"Disaster(id: "corrupt", rate_per_year: 1, targets: [Service("db")], replicated: true),
        Disaster(id: "fire", rate_per_year: 1, targets: [Service("db")])"#;
    let text = estate(&backup(""), FAILOVER, threats);
    let run = drill(&text, "corrupt", 4000);
    let db = &run.acc.services[DB];
    assert_close("the restore", db.downtime.mean(), 6.0, 1e-6);
    assert_eq!(db.rto_met, 4000);
    let loss = &db.data_loss;
    assert_close(
        "data since the last backup",
        loss.mean(),
        12.0,
        Z * loss.std_error(),
    );
    let run = drill(&text, "fire", 100);
    let db = &run.acc.services[DB];
    assert_close("the switchover", db.downtime.mean(), 1.0, 1e-6);
    assert_eq!(db.data_loss.mean(), 0.0);
}

/// Backups at the site that burns are gone with it: the restore becomes
/// the 50 h rebuild. Kept at dc-2, they survive and the restore takes 6 h.
#[test]
fn backups_lost_with_their_site_lead_to_the_rebuild() {
    let fire = r#"Disaster(id: "fire", rate_per_year: 1, targets: [Site("dc-1")])"#;
    for (site, hours) in [("dc-1", 50.0), ("dc-2", 6.0)] {
        let text = estate(&backup(&format!(", site: \"{site}\"")), "", fire);
        let run = drill(&text, "fire", 50);
        assert_close(
            &format!("backups at {site}"),
            run.acc.services[DB].downtime.mean(),
            hours,
            1e-6,
        );
    }
}

/// The data lost when the backups are gone is everything since the start
/// of the trial. With a rebuild longer than the horizon only the first
/// fire (at T ~ Exp(λ = 1 a year)) counts: E[T; T < H] =
/// (1 − e^{−λH}(1 + λH)) / λ = 8760 h · (1 − 2/e).
#[test]
fn data_lost_with_the_backups_is_everything_since_the_start() {
    let fire = r#"Disaster(id: "fire", rate_per_year: 1, targets: [Site("dc-1")])"#;
    let b = r#"(interval: "24h", restore: Fixed("6h"), rebuild: Fixed("2y"), site: "dc-1")"#;
    let run = annual(&estate(b, "", fire), 6000);
    let loss = &run.acc.services[DB].data_loss;
    let expected = 8760.0 * (1.0 - 2.0 / std::f64::consts::E);
    assert_close("E[T; T < H]", loss.mean(), expected, Z * loss.std_error());
}

/// Backups taken after the loss are usable again. A fire at dc-2 destroys
/// the backups kept there (the database, at dc-1, runs on); a corruption
/// of the database follows after d = 12 h: a backup was taken in between
/// with probability d / 24 h = 1/2, and then it is restored (6 h, meets
/// the RTO), else rebuilt (50 h).
///
/// When the fire destroys the database too (backups at its own site), only
/// backups taken after it is back count: rebuilt at T + 50 h, corrupted at
/// T + 62 h, restored with probability 12/24 again; the rebuild after the
/// fire never meets the RTO, so a quarter of its outages do.
#[test]
fn backups_taken_after_the_service_is_back_are_usable_again() {
    for (site, delay, p) in [("dc-2", "12h", 0.5), ("dc-1", "62h", 0.25)] {
        let threats = format!(
            r#"Disaster(id: "fire", rate_per_year: 0.2, targets: [Site("{site}")],
                triggers: [(threat: "corrupt", probability: 1, delay: Fixed("{delay}"))]),
            Disaster(id: "corrupt", rate_per_year: 0, targets: [Service("db")], replicated: true)"#
        );
        let text = estate(&backup(&format!(", site: \"{site}\"")), "", &threats);
        let run = annual(&text, 20_000);
        let db = &run.acc.services[DB];
        let n = db.outages as f64;
        assert!(n > 2000.0, "{n} outages");
        let met = db.rto_met as f64 / n;
        assert_close(
            &format!("restored share, backups at {site}"),
            met,
            p,
            Z * (p * (1.0 - p) / n).sqrt(),
        );
    }
}

/// A restore under way when its backups burn becomes a rebuild. A
/// corruption of the database (restored in 6 h from dc-2) sets off a fire
/// at dc-2 after d: with d = 1 h the restore is dropped for the 50 h
/// rebuild, an outage of 51 h that never meets the 8 h RTO; with d = 7 h
/// the restore was done and every outage meets it.
#[test]
fn a_restore_whose_backups_burn_becomes_a_rebuild() {
    for (delay, all_met) in [("1h", false), ("7h", true)] {
        let threats = format!(
            r#"Disaster(id: "corrupt", rate_per_year: 0.2, targets: [Service("db")], replicated: true,
                triggers: [(threat: "fire", probability: 1, delay: Fixed("{delay}"))]),
            Disaster(id: "fire", rate_per_year: 0, targets: [Site("dc-2")])"#
        );
        let text = estate(&backup(r#", site: "dc-2""#), "", &threats);
        let run = annual(&text, 5000);
        let db = &run.acc.services[DB];
        assert!(db.outages > 500, "{} outages", db.outages);
        if all_met {
            assert_eq!(db.rto_met, db.outages, "restored in 6 h");
        } else {
            assert_eq!(db.rto_met, 0, "rebuilt: 51 h");
            // Each whole outage is the hour before the fire plus the
            // rebuild (those cut by the horizon are shorter).
            let longest = db.outage_hist.quantile(1.0).expect("outages");
            assert_close("1 h + the rebuild", longest, 51.0, 1e-6);
        }
    }
}

/// A restore that requires the backup server waits for it: the fire
/// destroys both; the server is rebuilt in 10 h, so the database is back at
/// exactly 10 + 6 h. The drill shows the wait (its dependencies are back at
/// 10 h, its restore starts then) and the critical path runs through the
/// database to the backup server.
#[test]
fn a_restore_that_requires_a_service_waits_for_it() {
    let fire = r#"Disaster(id: "fire", rate_per_year: 1, targets: [Site("dc-1")])"#;
    let waits = estate(
        &backup(r#", site: "dc-2", requires: ["backup-server"]"#),
        "",
        fire,
    );
    let run = drill(&waits, "fire", 50);
    assert_close(
        "server's rebuild + restore",
        run.acc.services[DB].downtime.mean(),
        16.0,
        1e-6,
    );
    let r = drill_of(&waits, "fire", 200);
    let db = service(&r, "db");
    let t = db.timeline.as_ref().expect("a timeline");
    assert_eq!(t.deps_back, 10.0, "{t:?}");
    assert_eq!(t.job_start, Some(10.0), "{t:?}");
    assert_eq!(t.back, 16.0, "{t:?}");
    assert_eq!(service(&r, "app").critical_path, 1.0);
    assert_eq!(db.critical_path, 1.0);
    assert_eq!(db.bottleneck, 0.0);
    assert_eq!(service(&r, "backup-server").bottleneck, 1.0);

    // Without the requirement it restores at once: 6 h, its own pace.
    let free = estate(&backup(r#", site: "dc-2""#), "", fire);
    let r = drill_of(&free, "fire", 200);
    let db = service(&r, "db");
    assert_eq!(db.timeline.as_ref().map(|t| t.back), Some(6.0));
    assert_eq!(db.bottleneck, 1.0);
    assert_eq!(service(&r, "backup-server").critical_path, 0.0);
}

/// One crew: the requirement holds no crew while it waits, so the server's
/// rebuild takes it first and the restore follows; the answer is the same
/// 16 h. A group counts when `need` of its members are back.
#[test]
fn a_waiting_restore_holds_no_crew_and_groups_count() {
    let fire = r#"Disaster(id: "fire", rate_per_year: 1, targets: [Site("dc-1")])"#;
    let text = estate(
        &backup(r#", site: "dc-2", requires: ["backup-server"]"#),
        "",
        fire,
    )
    .replace("threats: [", "plan: Plan(crews: 1), threats: [");
    let run = drill(&text, "fire", 20);
    assert_close("one crew", run.acc.services[DB].downtime.mean(), 16.0, 1e-6);
    let text = estate(
        &backup(r#", site: "dc-2", requires: ["servers"]"#),
        "",
        fire,
    )
    .replace(
        "threats: [",
        r#"groups: [Group(id: "servers", members: ["backup-server", "backup-server-2"], need: 1)],
        threats: ["#,
    )
    .replace(
        r#"Service(id: "app""#,
        r#"Service(id: "backup-server-2", site: "dc-1", backup: (rebuild: Fixed("4h"))),
        Service(id: "app""#,
    );
    let run = drill(&text, "fire", 20);
    assert_close(
        "the first server back",
        run.acc.services[DB].downtime.mean(),
        10.0,
        1e-6,
    );
}

/// Same bytes on one and two threads with every new field in use.
#[test]
fn deterministic_across_threads() {
    let threats = r#"Disaster(id: "fire", rate_per_year: 2, targets: [Site("dc-1")],
            triggers: [(threat: "corrupt", probability: 0.5, delay: Exponential(mean: "2d"))]),
        Disaster(id: "corrupt", rate_per_year: 3, targets: [Service("db")], replicated: true)"#;
    let text = estate(
        &backup(r#", site: "dc-1", requires: ["backup-server"]"#),
        FAILOVER,
        threats,
    );
    let model = bcdr::scenario::parse_str(&text).expect("valid");
    let plan = bcdr::sim::SimPlan::compile(&model);
    let run = |threads| {
        bcdr::sim::simulate(
            &plan,
            bcdr::sim::Mode::Annual,
            SEED,
            0..3000,
            Some(threads),
            None,
        )
        .expect("runs")
    };
    let (one, two) = (run(1), run(2));
    assert!(one == two, "1 and 2 threads differ");
    assert!(one.services[DB].data_loss.mean() > 0.0);
}

/// Bad input names the field path and the fix.
#[test]
fn bad_backup_fields_name_the_path() {
    for (extra, path, says) in [
        (r#", site: "dc-3""#, "\"db\".backup.site", "dc-1"),
        (
            r#", requires: ["backup-srv"]"#,
            "\"db\".backup.requires[0]",
            "backup-server",
        ),
        (
            r#", requires: ["db"]"#,
            "\"db\".backup.requires[0]",
            "itself",
        ),
        (
            r#", requires: ["app"]"#,
            "\"db\".backup.requires[0]",
            "wait for ever",
        ),
    ] {
        let text = estate(&backup(extra), "", "");
        let err = bcdr::scenario::parse_str(&text)
            .expect_err(extra)
            .to_string();
        assert!(err.contains(path) && err.contains(says), "{extra}: {err}");
    }
    let text = estate(r#"(rebuild: Fixed("5h"), site: "dc-2")"#, "", "");
    let err = bcdr::scenario::parse_str(&text).expect_err("no interval");
    assert!(
        err.to_string().contains("\"db\".backup.site") && err.to_string().contains("interval"),
        "{err}"
    );
}

/// The planning warnings name the fix in the scenario's own ids.
#[test]
fn warnings_for_backups_at_home_and_a_replicated_disaster_without_backups() {
    let threats = r#"Disaster(id: "corrupt", rate_per_year: 1,
        targets: [Service("db"), Service("app")], replicated: true)"#;
    let b = r#"(interval: "24h", restore: Fixed("6h"), site: "dc-1")"#;
    let model = bcdr::scenario::parse_str(&estate(b, FAILOVER, threats)).expect("valid");
    let warnings = bcdr::scenario::planning_warnings(&model);
    let text_of = |path: &str| crate::common::warning_at(&warnings, path);
    let home = text_of("\"db\".backup.site");
    assert!(
        home.contains("\"dc-1\"") && home.contains("site: \"dc-2\"") && home.contains("rebuild"),
        "{home}"
    );
    let replicated = text_of("threats[0] \"corrupt\".replicated");
    assert!(
        replicated.contains("\"app\"") && !replicated.contains("\"db\""),
        "{replicated}"
    );
    // The app earns revenue and the failover does not save it.
    let stranded = text_of("\"app\"");
    assert!(stranded.contains("standby"), "{stranded}");

    // Off site, or with a rebuild, the backups raise nothing.
    for b in [
        r#"(interval: "24h", restore: Fixed("6h"), site: "dc-2")"#,
        r#"(interval: "24h", restore: Fixed("6h"), rebuild: Fixed("2d"), site: "dc-1")"#,
    ] {
        let model = bcdr::scenario::parse_str(&estate(b, FAILOVER, "")).expect("valid");
        let warnings = bcdr::scenario::planning_warnings(&model);
        assert!(
            !warnings.iter().any(|w| w.path.contains("backup")),
            "{warnings:?}"
        );
    }
}
