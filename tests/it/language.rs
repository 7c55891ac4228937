//! The scenario language against its reference (docs/scenario-language.md):
//! what the reference says is refused is refused with the field path and
//! the fix, and what it allows is accepted.

use crate::common;

/// The validation error of `text`, or a panic naming `what` when it is valid.
fn refused(what: &str, text: &str) -> String {
    match bcdr::scenario::parse_str(text) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{what}: accepted, but the reference says it is refused"),
    }
}

fn accepted(what: &str, text: &str) {
    if let Err(e) = bcdr::scenario::parse_str(text) {
        panic!("{what}: refused, but the reference allows it: {e}");
    }
}

/// Two sites; "db" at dc-1 with `db_extra` fields; "app" hard-depends on
/// "db"; "ad-1", "ad-2" in the 1-of-2 group "identity"; "reports" only
/// degrades on "db"; "backup-app" depends on "identity".
fn estate(db_extra: &str) -> String {
    format!(
        r#"Scenario(name: "x", sites: [Site(id: "dc-1"), Site(id: "dc-2")], services: [
            Service(id: "db", site: "dc-1", revenue_per_hour: 100{db_extra}),
            Service(id: "app", site: "dc-1", depends_on: ["db"]),
            Service(id: "reports", site: "dc-1", revenue_per_hour: 1,
                degrades_on: [(service: "db", capacity: 0.5)]),
            Service(id: "ad-1", site: "dc-1"),
            Service(id: "ad-2", site: "dc-2"),
            Service(id: "backup-app", site: "dc-2", depends_on: ["identity"]),
            Service(id: "dr-dns", site: "dc-2"),
        ], groups: [Group(id: "identity", members: ["ad-1", "ad-2"], need: 1)])"#
    )
}

/// "`requires` must not name anything that depends on the service (it would
/// be down whenever the service is)": for a failover's `requires` as for a
/// backup's, since the switchover would wait for ever just the same.
#[test]
fn a_failover_that_requires_a_dependant_of_the_service_is_refused() {
    let text = estate(
        r#", failover: (site: "dc-2", switchover: Fixed("1h"), requires: ["dr-dns", "app"])"#,
    );
    let err = refused("failover.requires a dependant", &text);
    assert!(
        err.contains(r#"services[0] "db".failover.requires[1]"#)
            && err.contains(r#""app" depends on "db""#)
            && err.contains("remove this entry"),
        "{err}"
    );
}

/// What is down whenever the service is: a hard dependant, or a group that
/// cannot work without it. What only degrades on the service, or reaches it
/// through a group that other members keep working, is not: a restore of a
/// domain controller may well need the backup application that logs on
/// through either controller.
#[test]
fn requires_may_name_what_survives_without_the_service() {
    for (what, db_extra) in [
        (
            "backup.requires what only degrades on it",
            r#", backup: (interval: "1h", restore: Fixed("1h"), requires: ["reports"])"#,
        ),
        (
            "failover.requires what only degrades on it",
            r#", failover: (site: "dc-2", switchover: Fixed("1h"), requires: ["reports"])"#,
        ),
    ] {
        accepted(what, &estate(db_extra));
    }
    let group = estate("").replace(
        r#"Service(id: "ad-1", site: "dc-1")"#,
        r#"Service(id: "ad-1", site: "dc-1",
            backup: (interval: "24h", restore: Fixed("4h"), requires: ["backup-app"]),
            failover: (site: "dc-2", switchover: Fixed("1h"), requires: ["backup-app"]))"#,
    );
    accepted("requires a service that needs 1 of 2 members", &group);
    // The same group needing both members is down with "ad-1": refused.
    let both = group.replace("need: 1", "need: 2");
    let err = refused("requires a service that needs both members", &both);
    assert!(
        err.contains(r#"services[3] "ad-1".backup.requires[0]"#)
            && err.contains(r#"services[3] "ad-1".failover.requires[0]"#),
        "{err}"
    );
}

/// "A service without a site ... cannot fail over"; "must differ from the
/// service's own `site` (so the service needs a `site`)".
#[test]
fn a_failover_on_a_service_without_a_site_is_refused() {
    let text = estate("").replace(
        r#"Service(id: "app", site: "dc-1", depends_on: ["db"])"#,
        r#"Service(id: "app", depends_on: ["db"],
            failover: (site: "dc-2", switchover: Fixed("1h")))"#,
    );
    let err = refused("a failover without a home site", &text);
    assert!(
        err.contains(r#"services[1] "app".failover.site"#)
            && err.contains("no site")
            && err.contains("site: \"dc-1\""),
        "{err}"
    );
}

/// The CLI: the file, the field path, non-zero exit, no panic.
#[test]
fn the_cli_names_the_file_and_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = estate(r#", failover: (site: "dc-2", switchover: Fixed("1h"), requires: ["app"])"#);
    let path = common::write(dir.path(), "req.ron", &text);
    let out = common::bcdr()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("bcdr runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("req.ron") && stderr.contains("failover.requires[0]"));
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The reference writes some groups of fields in shorthand, `(id, threats:
/// [ids], multiplier: ...)`; a planner who writes the first value without
/// its name is told to name it, not to write a target.
#[test]
fn a_group_of_fields_without_its_first_name_is_told_the_name() {
    for (text, fix) in [
        (
            r#"sites: [("dc-1")], services: [Service(id: "a")]"#,
            r#"Site(id: "dc-1", ...)"#,
        ),
        (
            r#"services: [Service(id: "a"), Service(id: "b", revenue_per_hour: 1,
                degrades_on: [("a", 0.5)])]"#,
            r#"(service: "a", ...)"#,
        ),
        (
            r#"services: [Service(id: "a", revenue_per_hour: 1, impact: [("4h", 100)])]"#,
            r#"(after: "4h", ...)"#,
        ),
        (
            r#"services: [Service(id: "a")], threats: [
                LossEvent(id: "le", rate_per_year: 1, cost: Fixed(1), triggers: [("le2", 0.5)]),
                LossEvent(id: "le2", rate_per_year: 1, cost: Fixed(1))]"#,
            r#"(threat: "le2", ...)"#,
        ),
        (
            r#"services: [Service(id: "a")], threats: [LossEvent(id: "le", rate_per_year: 1,
                cost: Fixed(1))], common_factors: [("storm", threats: ["le"], multiplier: Fixed(1))]"#,
            r#"(id: "storm", ...)"#,
        ),
        (
            r#"services: [Service(id: "a", tags: ["db"])], plan: Plan(teams: [("dba", crews: 1,
                skills: [Tag("db")])])"#,
            r#"(id: "dba", ...)"#,
        ),
        (
            r#"services: [Service(id: "a")], insurance: [("cyber")]"#,
            r#"Policy(id: "cyber", ...)"#,
        ),
    ] {
        let text = format!("Scenario(name: \"x\", {text})");
        let err = refused(fix, &text);
        assert!(
            err.contains(fix) && err.contains("with their names"),
            "{fix}: {err}"
        );
        assert!(!err.contains("a target names its kind"), "{fix}: {err}");
        assert!(!err.contains("takes a distribution"), "{fix}: {err}");
    }
    // A string where a target belongs still gets the target's fix.
    let text = r#"Scenario(name: "x", services: [Service(id: "a")], threats: [
        Outage(id: "o", rate_per_year: 1, targets: ["a"], duration: Fixed("1h"))])"#;
    let err = refused("a bare target", text);
    assert!(err.contains(r#"`Service("a")`"#), "{err}");
}

/// A distribution's or a replication's parameters, or the first field of a
/// field's own group, written without their names: the fix names them, in
/// the form the planner wrote. Inside a service these were told to write
/// `Service(id: "30m", ...)`, and `spread: (0.5, ...)` the risk appetite's
/// `(loss: 0.5, probability: 0.01)`.
#[test]
fn a_form_without_its_parameter_names_is_told_them() {
    let base = r#"Scenario(name: "x", sites: [Site(id: "dc-1"), Site(id: "dc-2")],
    services: [Service(id: "db", site: "dc-1",
        failure: (mtbf: "8760h", repair: LogNormal(median: "30m", p90: "3h")),
        failover: (site: "dc-2", switchover: Fixed("1h"), replication: Asynchronous(lag: Fixed("5m"))))],
    threats: [Ransomware(id: "r", rate_per_year: 1, entry: ["db"],
        spread: (probability: 0.5, time: Exponential(mean: "1d")), dwell: Fixed("1d"), detection: Fixed("2d"),
        response_cost: Uniform(min: 1000, max: 5000))],
    plan: Plan(crews: 2))"#;
    accepted("the base", base);
    for (good, bad, path, fix) in [
        (
            r#"LogNormal(median: "30m", p90: "3h")"#,
            r#"LogNormal("30m", "3h")"#,
            r#"services[0] "db".failure.repair"#,
            r#"`LogNormal(median: "30m", p90: "3h")`, or `LogNormal(low: ..., high: ...)`"#,
        ),
        (
            r#"Asynchronous(lag: Fixed("5m"))"#,
            r#"Asynchronous("5m")"#,
            r#"services[0] "db".failover.replication"#,
            r#"`Asynchronous(lag: Fixed("5m"))`"#,
        ),
        (
            r#"Exponential(mean: "1d")"#,
            r#"Exponential("1d")"#,
            r#"threats[0] "r".spread.time"#,
            r#"`Exponential(mean: "1d")`"#,
        ),
        (
            "Uniform(min: 1000, max: 5000)",
            "Uniform(1000, 5000)",
            r#"threats[0] "r".response_cost"#,
            "`Uniform(min: 1000, max: 5000)`",
        ),
        (
            "(probability: 0.5,",
            "(0.5,",
            r#"threats[0] "r".spread"#,
            "`(probability: 0.5, ...)`",
        ),
        (
            r#"(mtbf: "8760h","#,
            r#"("8760h","#,
            r#"services[0] "db".failure"#,
            r#"`(mtbf: "8760h", ...)`"#,
        ),
        (
            "Plan(crews: 2)",
            "Plan(2)",
            "at plan)",
            "`Plan(crews: 2, ...)`",
        ),
    ] {
        let err = refused(bad, &base.replace(good, bad));
        assert!(err.contains(path) && err.contains(fix), "{bad}: {err}");
        assert!(!err.contains("Service(id:"), "{bad}: {err}");
        assert!(!err.contains("(loss:"), "{bad}: {err}");
    }
}

/// An RPO of 0 is allowed (durations are >= 0), and the warning that no
/// backup meets it must not suggest a backup interval of 0, which
/// `validate` refuses.
#[test]
fn a_zero_rpo_warning_suggests_a_fix_that_validates() {
    for backup in ["", r#", backup: (interval: "1h", restore: Fixed("2h"))"#] {
        let text = estate(&format!(r#", rpo: "0m"{backup}"#));
        let model = bcdr::scenario::parse_str(&text).expect("an RPO of 0 is valid");
        let warnings = bcdr::scenario::planning_warnings(&model);
        let message = common::warning_at(&warnings, r#""db".rpo"#);
        assert!(
            !message.contains(r#"interval: "0m""#) && !message.contains("every 0m"),
            "{backup}: {message}"
        );
        assert!(message.contains("Synchronous"), "{backup}: {message}");
    }
}

/// `rate_per_year` takes a number or a distribution, so it was parsed by
/// trying each; the distribution's parameters then went in by the order
/// their fields are declared, without their names, so `LogNormal(0.05,
/// 0.3)` passed as a median and a p90 where a planner may have meant a 90%
/// interval. Every form is refused there as it is everywhere else, with
/// its names; the named forms, a number and `Fixed` still pass.
#[test]
fn a_rate_without_its_parameter_names_is_told_them() {
    let text = |rate: &str| {
        format!(
            r#"Scenario(name: "x", services: [Service(id: "a", revenue_per_hour: 10)],
    threats: [LossEvent(id: "breach", rate_per_year: {rate}, cost: Fixed(100))])"#
        )
    };
    for good in [
        "0.5",
        "Fixed(0.5)",
        "Exponential(mean: 0.5)",
        "LogNormal(median: 0.05, p90: 0.3)",
        "LogNormal(low: 0.05, high: 0.3)",
        "Pert(min: 0.05, mode: 0.1, max: 0.3)",
        "Triangular(min: 0.05, mode: 0.1, max: 0.3)",
        "Uniform(min: 0.05, max: 0.3)",
        "Weibull(shape: 2, scale: 0.3)",
        "Empirical([0.1, 0.2])",
    ] {
        accepted(good, &text(good));
    }
    for (bad, fix) in [
        ("Exponential(0.5)", "`Exponential(mean: 0.5)`"),
        (
            "LogNormal(0.05, 0.3)",
            "`LogNormal(median: 0.05, p90: 0.3)`, or `LogNormal(low: ..., high: ...)`",
        ),
        (
            "Pert(0.05, 0.1, 0.3)",
            "`Pert(min: 0.05, mode: 0.1, max: 0.3)`",
        ),
        (
            "Triangular(0.05, 0.1, 0.3)",
            "`Triangular(min: 0.05, mode: 0.1, max: 0.3)`",
        ),
        ("Uniform(0.05, 0.3)", "`Uniform(min: 0.05, max: 0.3)`"),
        ("Weibull(2, 0.3)", "`Weibull(shape: 2, scale: 0.3)`"),
    ] {
        let err = refused(bad, &text(bad));
        assert!(
            err.contains(r#"threats[0] "breach".rate_per_year"#) && err.contains(fix),
            "{bad}: {err}"
        );
    }
}
