//! `bcdr drill` draws the truth (moved from `tests/it/drill_truth.rs`,
//! whose data checks stay there: the Gantt and the recovery curve are
//! crate-private): crew work drawn over the drills that had it, a service
//! lost for good drawn as not recovered without stretching the axis, a
//! wait for the only crew drawn as such, and a recovery curve drawn
//! without overshoot.

use crate::app::{drill_results, drill_threat, DrillResults};
use crate::chart::gantt::{axis_end, Task, CREW, CREW_WAIT, DEPS};
use crate::chart::recovery_curve::corners;

/// The integration tests' seed (`tests/it/common.rs`, `engine::SEED`).
const SEED: u64 = 20261121;

fn drill(text: &str, threat: &str, trials: u64) -> DrillResults {
    let model =
        crate::scenario::parse_str(text).unwrap_or_else(|e| panic!("test scenario invalid: {e}"));
    let index = drill_threat(&model, threat).expect("a drillable threat");
    drill_results(&model, index, None, None, SEED, 0..trials, Some(2), None)
        .expect("the drill runs")
}

/// `biz` hard-depends on `db`; `email` is only a soft dependency of it.
/// A site disaster takes `db` down in every drill; an outage of `email`
/// alone (no business function goes down) must name nothing.
const SOFT: &str = include_str!("../../tests/it/drill-soft.ron");

/// Ransomware hits `app` with a 40% spread: the crew rebuilds `app` in
/// about 40% of the drills, less than half. Its timeline must still be
/// the crew's, with the share.
const PARTIAL: &str = r#"Scenario(name: "partial", services: [
    Service(id: "entry", backup: (rebuild: Fixed("1h"))),
    Service(id: "app", depends_on: ["entry"], backup: (rebuild: Fixed("2h"))),
    Service(id: "biz", tier: Business, depends_on: ["app"], revenue_per_hour: 100),
    Service(id: "saas", tier: Business, revenue_per_hour: 50),
], threats: [
    Ransomware(id: "rw", rate_per_year: 1.0, entry: ["entry", "saas"],
        spread: (probability: 0.4, time: Fixed("1h")),
        dwell: Fixed("1d"), detection: Fixed("30d")),
])"#;

#[test]
fn crew_work_is_drawn_over_the_drills_that_had_it_and_lost_services_are_not_recovered() {
    let r = drill(PARTIAL, "rw", 2000);
    let app = r
        .drill
        .services
        .iter()
        .find(|s| s.id == "app")
        .expect("app");
    let share = app.crew_job.expect("app is hit");
    assert!(
        share > 0.3 && share < 0.5,
        "crew on app in {share} of its hits"
    );
    let tl = app.timeline.as_ref().expect("a timeline");
    assert_eq!(tl.basis, "crew job");
    let (start, done) = (
        tl.job_start.expect("job start"),
        tl.job_done.expect("job done"),
    );
    // Fixed 2 h rebuild: the median job lasts 2 h (to the histogram's
    // accuracy) and the service is back when it ends.
    assert!(
        (done - start - 2.0).abs() < 0.05 * 2.0 + 0.05,
        "{start} {done}"
    );
    assert!(tl.back >= done - 1e-9);
    // `saas` has no way back: encrypted without a backup, down at the
    // horizon in every drill.
    let saas = r
        .drill
        .services
        .iter()
        .find(|s| s.id == "saas")
        .expect("saas");
    assert_eq!(saas.not_recovered, Some(1.0));
    // The engine closes capacity at the horizon: that is not a recovery,
    // so the curve does not run to the horizon nor climb back at its end.
    let c = &r.drill.recovery_curve;
    let horizon = r.drill.horizon_hours;
    assert!(
        *c.hours.last().expect("grid") < horizon / 10.0,
        "{:?}",
        c.hours.last()
    );
    assert!(c.p50.last().is_some_and(|p| *p < 1.0), "{:?}", c.p50.last());
    // The drill report's Gantt draws it as not recovered without
    // stretching the axis past the others.
    let tasks = super::drill::gantt_tasks(&r.drill, &super::names::Names::default());
    let rows: Vec<&Task> = tasks.iter().collect();
    let end = axis_end(&rows);
    assert!(
        end < 24.0 * 10.0,
        "the axis ends at {end} h, not at the horizon"
    );
    let lost = rows.iter().find(|t| t.label == "saas").expect("saas row");
    assert_eq!(lost.back_label(), "not recovered");
    let app_row = rows.iter().find(|t| t.label == "app").expect("app row");
    assert!(
        app_row.back_label().contains('%'),
        "{}",
        app_row.back_label()
    );
}

/// Ransomware encrypts `app`, `db` and `stor` (which `db` needs); one
/// crew, restores not held in dependency order, taken app, db, stor: `db`
/// waits 0–2 h for the crew (restoring `app`), is restored 2–6 h, and is
/// back when `stor` is, at 56 h.
const ONE_CREW: &str = r#"Scenario(name: "one crew", services: [
    Service(id: "stor", backup: (interval: "1h", restore: Fixed("50h"))),
    Service(id: "app", backup: (interval: "1h", restore: Fixed("2h"))),
    Service(id: "db", depends_on: ["stor"], backup: (interval: "1h", restore: Fixed("4h"))),
    Service(id: "biz", tier: Business, depends_on: ["app", "db"], revenue_per_hour: 100),
], threats: [
    Ransomware(id: "rw", rate_per_year: 0.5, entry: ["app"],
        attack_paths: [(from: "app", to: "db"), (from: "app", to: "stor")],
        spread: (probability: 1.0, time: Fixed("0h")),
        dwell: Fixed("1h"), detection: Fixed("100d")),
], plan: Plan(crews: 1, restore_in_dependency_order: false, priority: ["app", "db", "stor"]))"#;

#[test]
fn a_restore_waiting_for_the_only_crew_is_not_drawn_as_waiting_for_dependencies() {
    let r = drill(ONE_CREW, "rw", 50);
    let tasks = super::drill::gantt_tasks(&r.drill, &super::names::Names::default());
    let row = |id: &str| tasks.iter().find(|t| t.label == id).expect("a row");
    let db = row("db");
    assert_eq!((db.deps_back, db.job), (56.0, Some((2.0, 6.0))));
    assert_eq!(
        db.segments(),
        vec![(0.0, 2.0, CREW_WAIT), (2.0, 6.0, CREW), (6.0, 56.0, DEPS)]
    );
    // `stor` needs nothing: it waits 0–6 h for the crew.
    assert_eq!(
        row("stor").segments(),
        vec![(0.0, 6.0, CREW_WAIT), (6.0, 56.0, CREW)]
    );
}

#[test]
fn the_drawn_curve_keeps_the_data_monotone() {
    let r = drill(SOFT, "fire", 500);
    let c = &r.drill.recovery_curve;
    let pts: Vec<(f64, f64)> = c.hours.iter().copied().zip(c.p50.iter().copied()).collect();
    let drawn = corners(&pts);
    // Every drawn point is a data point, and the data is non-decreasing
    // after a disaster, so the drawn line is too.
    assert!(drawn.iter().all(|p| pts.contains(p)));
    assert!(c.p50.windows(2).all(|w| w[1] >= w[0]), "{:?}", c.p50);
    assert!(drawn.windows(2).all(|w| w[1].1 >= w[0].1));
}

/// `db`'s restore requires `backup-srv` (back at 2 h) and `db` needs
/// `net` (back at 4 h); unlimited crews, restores not in dependency order
/// (`ORDER` off) or in it, or one crew taking `z` first (`CREWS`).
const HELD: &str = r#"Scenario(name: "held", sites: [Site(id: "dc")], services: [
    Service(id: "net", site: "dc", backup: (rebuild: Fixed("4h"))),
    Service(id: "backup-srv", site: "dc", backup: (rebuild: Fixed("2h"))),
    Service(id: "db", site: "dc", depends_on: ["net"],
            backup: (interval: "4h", restore: Fixed("3h"), requires: ["backup-srv"])),
    Service(id: "shop", tier: Business, depends_on: ["db"], revenue_per_hour: 1000),
], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])]
PLAN)"#;

/// Regression: a restore held back by what it requires was drawn as
/// waiting for a crew whenever a dependency came back after it started
/// (with unlimited crews: there was no crew to wait for); and one that
/// started, not in dependency order, as a crew freed up exactly when a
/// dependency came back was drawn as waiting for that dependency.
#[test]
fn the_wait_before_a_job_is_for_what_held_it_then_for_a_crew() {
    let segments = |plan: &str, id: &str| {
        let r = drill(&HELD.replace("PLAN", plan), "fire", 20);
        let tasks = super::drill::gantt_tasks(&r.drill, &super::names::Names::default());
        tasks
            .iter()
            .find(|t| t.label == id)
            .expect("a row")
            .segments()
    };
    // Held by `backup-srv` until 2 h; restored 2–5 h; `net` back at 4 h.
    assert_eq!(segments("", "db"), vec![(0.0, 2.0, DEPS), (2.0, 5.0, CREW)]);
    // In dependency order it waits for `net` too: 0–4 h, restored 4–7 h.
    assert_eq!(
        segments(", plan: Plan(restore_in_dependency_order: true)", "db"),
        vec![(0.0, 4.0, DEPS), (4.0, 7.0, CREW)]
    );
    // One crew: `net` (most revenue at risk) 0–4 h, `backup-srv` 4–6 h,
    // `db` 6–9 h. `backup-srv` waited for the crew, not for `net`, which
    // it does not need; `db` for `backup-srv`, back when it started.
    assert_eq!(
        segments(", plan: Plan(crews: 1)", "backup-srv"),
        vec![(0.0, 4.0, CREW_WAIT), (4.0, 6.0, CREW)]
    );
    assert_eq!(
        segments(", plan: Plan(crews: 1)", "db"),
        vec![(0.0, 6.0, DEPS), (6.0, 9.0, CREW)]
    );
    // One crew takes `z` 0–2 h, then `y` 2–5 h; `x`, which `y` needs,
    // is back from its switchover at 2 h too. Its restore does not wait
    // for `x`: it waited for the crew.
    let tie = r#"Scenario(name: "tie", sites: [Site(id: "dc"), Site(id: "dr")], services: [
        Service(id: "x", site: "dc", failover: (site: "dr", switchover: Fixed("2h"))),
        Service(id: "z", site: "dc", backup: (rebuild: Fixed("2h"))),
        Service(id: "y", site: "dc", depends_on: ["x"], backup: (rebuild: Fixed("3h"))),
        Service(id: "biz", tier: Business, depends_on: ["y"], revenue_per_hour: 100),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])],
    plan: Plan(crews: 1, priority: ["z", "y"]))"#;
    let r = drill(tie, "fire", 20);
    let tasks = super::drill::gantt_tasks(&r.drill, &super::names::Names::default());
    let y = tasks.iter().find(|t| t.label == "y").expect("a row");
    assert_eq!(y.segments(), vec![(0.0, 2.0, CREW_WAIT), (2.0, 5.0, CREW)]);
}
