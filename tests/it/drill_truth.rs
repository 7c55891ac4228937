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
