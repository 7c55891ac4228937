//! Teams with skills (DESIGN-2 B4) in a fixed drill: back-at times.

use super::*;
use crate::sim::compile::SimPlan;
use crate::stats::Accumulator;

/// A fire destroys five services, each restored in exactly 10 h.
fn fire(plan: &str) -> String {
    format!(
        r#"Scenario(name: "teams", sites: [Site(id: "dc")], services: [
        Service(id: "db1", site: "dc", tags: ["database"], backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "db2", site: "dc", tags: ["database"], backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "net1", site: "dc", tags: ["network"], backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "net2", site: "dc", tags: ["network"], backup: (interval: "1h", restore: Fixed("10h"))),
        Service(id: "app", site: "dc", backup: (interval: "1h", restore: Fixed("10h"))),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.1, targets: [Site("dc")])], {plan})"#
    )
}

/// Each service's back-at time (its last `Up`) in one drill of the fire.
fn back_at(text: &str) -> Vec<f64> {
    let model = crate::scenario::parse_str(text).expect("valid");
    let plan = SimPlan::compile(&model);
    let mut trial = Trial::new(&plan);
    trial.set_recording(true);
    let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
    trial.run(&plan, Mode::Drill(0), 1, 0, &mut acc);
    let mut back = vec![f64::NAN; plan.n_services];
    for r in trial.records() {
        if r.mark == Mark::Up {
            back[r.svc as usize] = r.t;
        }
    }
    back
}

#[test]
fn each_team_recovers_its_skills_in_priority_order() {
    // One crew alone: five restores one after the other, in priority
    // order (db2, net2, then arrival).
    let one = back_at(&fire(r#"plan: Plan(crews: 1, priority: ["db2", "net2"])"#));
    assert_eq!(one, vec![30.0, 10.0, 40.0, 20.0, 50.0]);
    // A DBA team and a network team of one crew each, and one crew for
    // the rest: three queues side by side, each in priority order.
    let teams = back_at(&fire(
        r#"plan: Plan(crews: 1, priority: ["db2", "net2"], teams: [
            (id: "dba", crews: 1, skills: [Tag("database")]),
            (id: "network", crews: 1, skills: [Tag("network"), Service("db1")]),
        ])"#,
    ));
    // db1 matches both teams: it goes to the first (dba).
    assert_eq!(teams, vec![20.0, 10.0, 20.0, 10.0, 10.0]);
    // A team of two crews takes both of its jobs at once.
    let two = back_at(&fire(
        r#"plan: Plan(crews: 1, teams: [(id: "dba", crews: 2, skills: [Tier(Application)])])"#,
    ));
    // Every service is of tier Application: all five go to the team, two
    // at a time in arrival order; the plan's crew has nothing to do.
    assert_eq!(two, vec![10.0, 10.0, 20.0, 20.0, 30.0]);
}
