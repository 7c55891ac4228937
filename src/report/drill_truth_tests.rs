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
