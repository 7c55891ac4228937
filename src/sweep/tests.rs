//! Tests of the sweep's settings.

use super::*;

#[test]
fn parses_ranges_lists_and_steps() {
    let s = Setting::parse("plan.crews=1..6").expect("parses");
    assert_eq!(s.param, Param::Crews);
    assert_eq!(s.values, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let s = Setting::parse("plan.crews=1,2,4,8").expect("parses");
    assert_eq!(s.values, vec![1.0, 2.0, 4.0, 8.0]);
    let s = Setting::parse("threats.east-dc.fire.rate_per_year=0.1..0.5:0.1").expect("parses");
    assert_eq!(s.param, Param::ThreatRate("east-dc.fire".to_string()));
    assert_eq!(s.values, vec![0.1, 0.2, 0.3, 0.4, 0.5]);
    let s = Setting::parse("services.db.backup.interval=1h..4h:30m").expect("parses");
    assert_eq!(s.param, Param::BackupInterval("db".to_string()));
    assert_eq!(s.values.len(), 7);
    assert_eq!(s.label(1.5), "1.5h");
    let s = Setting::parse("services.db.rto=2h,4h,1d").expect("parses");
    assert_eq!(s.values, vec![2.0, 4.0, 24.0]);
    let s = Setting::parse("services.db.failover.success=0.5..1:0.25").expect("parses");
    assert_eq!(s.values, vec![0.5, 0.75, 1.0]);
    let s = Setting::parse("plan.annual_cost=250000").expect("parses");
    assert_eq!(s.values, vec![250000.0]);
}

/// Every template of `fields::nearest_path` is a parameter `--set` takes,
/// and a misspelt path gets the one meant, its id kept.
#[test]
fn a_misspelt_path_gets_the_nearest_parameter() {
    // Both lists: the second was not checked.
    for t in fields::TEMPLATES.iter().chain(&fields::EXTRA_TEMPLATES) {
        let path = t.replace("<id>", "east.db");
        assert!(Param::parse(&path).is_ok(), "{path}");
        // Each one a parameter the message's list of supported ones names.
        let tail = t.rsplit("<id>.").next().unwrap_or(t);
        assert!(SUPPORTED.contains(tail), "{t} is not in SUPPORTED");
    }
    for (bad, meant) in [
        ("plan.crew", "plan.crews"),
        (
            "services.core.db.failover.sucess",
            "services.core.db.failover.success",
        ),
        ("service.db.rto", "services.db.rto"),
        ("threats.fire.rate_per_yer", "threats.fire.rate_per_year"),
        ("services.db.failure.mtfb", "services.db.failure.mtbf"),
    ] {
        let msg = Param::parse(bad).expect_err(bad);
        assert!(
            msg.contains(&format!("did you mean {meant}?")),
            "{bad}: {msg}"
        );
    }
    let msg = Param::parse("zzzz").expect_err("zzzz");
    assert!(!msg.contains("did you mean"), "{msg}");
}

#[test]
fn rejects_bad_settings_with_the_supported_paths() {
    for (bad, needle) in [
        ("plan.crew=1..3", "plan.crews, plan.annual_cost"),
        ("crews", "PATH=VALUES"),
        ("plan.crews=", "no values"),
        ("plan.crews=0..3", "whole number"),
        ("plan.crews=1.5", "whole number"),
        ("plan.crews=5..1", "backwards"),
        ("plan.crews=1..5:0", "step must be > 0"),
        ("plan.crews=1..100000", "at most"),
        ("services.db.rto=1h..8h", "needs a step"),
        ("services.db.rto=4", "no unit"),
        ("services.db.failover.success=0.5,1.5", "probability"),
        ("threats.x.rate_per_year=-1", "negative"),
        ("threats.x.rate_per_year=1e300", "more than the 1000000"),
        (
            "threats.x.rate_per_year=1..2e6:1e6",
            "more than the 1000000",
        ),
        ("threats.x.rate_per_year=a,b", "not a number"),
        ("services..rto=4h", "unknown parameter"),
    ] {
        let msg = Setting::parse(bad).expect_err(bad).to_string();
        assert!(msg.contains(needle), "{bad}: {msg}");
    }
}
