//! `bcdr validate` on every invalid fixture in `scenarios/invalid/`: exit
//! 2 with the file, the place (line and column, or the field path) and the
//! fix, never a panic; and every fixture has its test.

use std::path::Path;

use crate::common;

// ---------------------------------------------------------------------------
// Invalid fixtures, through the CLI

/// Run `bcdr validate scenarios/invalid/<fixture>` from the repository root
/// and check: exit code 2, nothing on stdout, stderr names the file and
/// holds every `expected` piece (the place and the fix), and no panic.
fn rejects(fixture: &str, expected: &[&str]) {
    let relative = Path::new("scenarios").join("invalid").join(fixture);
    let out = common::bcdr()
        .current_dir(common::root())
        .arg("validate")
        .arg(&relative)
        .output()
        .expect("bcdr runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{fixture} panicked:\n{stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "{fixture}:\n{stderr}");
    assert!(out.stdout.is_empty(), "{fixture} printed to stdout");
    assert!(
        stderr.contains(&relative.display().to_string()),
        "{fixture}: stderr does not name the file:\n{stderr}"
    );
    for piece in expected {
        assert!(
            stderr.contains(piece),
            "{fixture}: stderr lacks {piece:?}:\n{stderr}"
        );
    }
}

/// One test per fixture, and the list of fixtures the tests cover.
macro_rules! fixtures {
    ($($test:ident: $file:literal => [$($piece:expr),* $(,)?];)*) => {
        const FIXTURES: &[&str] = &[$($file),*];
        $(
            #[test]
            fn $test() {
                rejects($file, &[$($piece),*]);
            }
        )*
    };
}

fixtures! {
    insurance: "insurance.ron" => [
        r#"insurance[0] "cyber".covers[0]:"#,
        r#"unknown threat "data-breech"; did you mean "data-breach"?"#,
        r#"insurance[0] "cyber".covers[1]:"#,
        r#"did you mean "random-failures"?"#,
        r#"insurance[0] "cyber".deductible:"#,
        "-5000 is not an amount of money: use a number >= 0",
        r#"insurance[1] "cyber":"#,
        "duplicate policy id \"cyber\": insurance[0] already has it",
        r#"insurance[1] "cyber".limit:"#,
    ];
    empty: "empty.ron" => ["the file is empty", "`Scenario(`"];
    not_utf8: "not-utf8.ron" => ["line 3, column 15", "not valid UTF-8", "save it as UTF-8"];
    syntax: "syntax.ron" => ["line 6, column 9", "expected a comma `,`"];
    unclosed_string: "unclosed-string.ron" => ["line 5, column 21", "add the closing `\"`"];
    trailing_text: "trailing-text.ron" => ["line 5, column 2", "exactly one `Scenario(...)`"];
    unknown_field: "unknown-field.ron" => [
        "line 6, column 32",
        "unknown field `depend_on` in Service(...)",
        "did you mean `depends_on`?",
        "`degrades_on`",
    ];
    missing_field: "missing-field.ron" => [
        "line 5, column",
        "Group(...) is missing the field `need`",
        "add `need: ...`",
    ];
    unknown_variant: "unknown-variant.ron" => [
        "line 6, column 46",
        "unknown distribution `Normal`",
        "`Pert`",
    ];
    wrong_type: "wrong-type.ron" => [
        "line 4, column 44",
        r#"(at services[0] "core-db".rto)"#,
        "a duration is a string with its unit",
        r#"write `rto: "4h"`"#,
    ];
    bare_duration: "bare-duration.ron" => [
        "line 5, column 56",
        r#"(at services[0] "app".restart)"#,
        "not a bare duration",
        r#"write `restart: Fixed("10m")`"#,
        r#"    5 |         Service(id: "app", tier: Application, restart: "10m"),"#,
        "\n      |                                                        ^\n",
    ];
    quoted_enum: "quoted-enum.ron" => [
        "line 5, column 35",
        r#"(at services[0] "shop".tier)"#,
        "write `tier: Business` without the quotes",
        "\n      |                                   ^\n",
    ];
    unnamed_appetite: "unnamed-appetite.ron" => [
        "line 5, column 56",
        "(at risk_appetite[1])",
        "write `(loss: 2000000, probability: 0.10)`",
    ];
    percent: "percent.ron" => [
        "line 7, column 76",
        r#"(at services[0] "db".failover.success)"#,
        "a probability from 0 to 1",
        "write `success: 0.85`",
    ];
    digit_name: "digit-name.ron" => [
        "line 5, column 35",
        "`3Business` is not a name",
        "did you mean `tier: Business`?",
    ];
    bad_rate: "bad-rate.ron" => [
        "line 6, column",
        "rate_per_year must be a number of events per year",
        "Pert(min: 0.05, mode: 0.1, max: 0.4)",
    ];
    deep_nesting: "deep-nesting.ron" => ["line 5, column", "nested too deep", "unbalanced"];
    negative_rate: "negative-rate.ron" => [
        r#"threats[0] "breach".rate_per_year"#,
        "-0.5 is not a rate",
        "events per year (>= 0)",
    ];
    unknown_dependency: "unknown-dependency.ron" => [
        r#"services[1] "core-db".depends_on[0]"#,
        r#"unknown service or group "netwrk"; did you mean "network"?"#,
    ];
    unknown_site: "unknown-site.ron" => [
        r#"services[0] "core-db".failover.site"#,
        r#"unknown site "dc-wset"; did you mean "dc-west"?"#,
    ];
    unknown_tag: "unknown-tag.ron" => [
        r#"threats[0] "pci-audit-freeze".targets[0]"#,
        r#"no service has the tag "pci"; did you mean "pci-dss"?"#,
    ];
    unknown_priority: "unknown-priority.ron" => [
        "plan.priority[1]",
        r#"unknown service "coredb"; did you mean "core-db"?"#,
    ];
    unknown_attack_path: "unknown-attack-path.ron" => [
        r#"threats[0] "ransomware".attack_paths[0].to"#,
        r#"unknown service "fileshare"; did you mean "file-share"?"#,
    ];
    group_as_target: "group-as-target.ron" => [
        r#"threats[0] "bad-deploy".targets[0]"#,
        r#""api-cluster" is a group, not a service"#,
        "Tag(..)",
    ];
    duplicate_id: "duplicate-id.ron" => [
        r#"groups[0] "api".id"#,
        r#"duplicate id "api""#,
        r#"services[0] "api" already has it"#,
        "give each its own id",
    ];
    cycle: "cycle.ron" => [
        r#"services[0] "app".depends_on[0]"#,
        "dependency cycle app -> db -> storage -> app",
        "remove one of these dependencies",
    ];
    self_dependency: "self-dependency.ron" => [
        r#"services[0] "core-db".depends_on[0]"#,
        "depends on itself: remove this entry",
    ];
    depends_and_degrades: "depends-and-degrades.ron" => [
        r#"services[1] "payments".degrades_on[0].service"#,
        r#""fraud-scoring" is also in depends_on"#,
        "remove one",
    ];
    duplicate_member: "duplicate-member.ron" => [
        r#"groups[0] "api-cluster".members[2]"#,
        r#""api-1" is listed twice"#,
    ];
    group_own_member: "group-own-member.ron" => [
        r#"groups[0] "api-cluster".members[1]"#,
        "a group cannot be its own member: remove this entry",
    ];
    duplicate_dependency: "duplicate-dependency.ron" => [
        r#"services[1] "app".depends_on[1]"#,
        r#""db" is listed twice in depends_on: remove one"#,
    ];
    negative_duration: "negative-duration.ron" => [
        r#"services[0] "core-db".rto"#,
        r#""-2h" is negative"#,
        "is negative: write a duration of 0 or more, such as \"2h\"",
    ];
    bad_unit: "bad-unit.ron" => [
        r#"services[0] "core-db".rpo"#,
        r#"unknown unit "mins""#,
        "use s, m, h, d, w, mo, q or y",
    ];
    zero_horizon: "zero-horizon.ron" => ["horizon: the horizon must be longer than 0"];
    probability_range: "probability-range.ron" => [
        r#"services[0] "core-db".failover.success"#,
        "90 is not a probability",
        "a number from 0 to 1",
    ];
    capacity_range: "capacity-range.ron" => [
        r#"services[1] "payments".degrades_on[0].capacity"#,
        "capacity 80 is outside 0 to 1",
        "0.5 for half",
    ];
    mbco_range: "mbco-range.ron" => [
        r#"services[0] "payments".mbco"#,
        "MBCO 1.5 is outside 0 to 1",
    ];
    negative_money: "negative-money.ron" => [
        r#"services[0] "payments".revenue_per_hour"#,
        "-50000 is not an amount of money",
        "a number >= 0",
    ];
    need_too_large: "need-too-large.ron" => [
        r#"groups[0] "api-cluster".need"#,
        "need 4 is more than its 3 members",
        "use a number from 1 to 3",
    ];
    need_zero: "need-zero.ron" => [
        r#"groups[0] "api-cluster".need"#,
        "need is 0",
        "from 1 to 2",
    ];
    pert_order: "pert-order.ron" => [
        r#"services[0] "core-db".backup.restore"#,
        r#"Pert(min: "4h", mode: "2h", max: "16h")"#,
        "needs min <= mode <= max: put the values in order",
    ];
    lognormal_form: "lognormal-form.ron" => [
        r#"services[0] "core-db".failure.repair"#,
        "either median and p90, or low and high",
    ];
    failure_mtbf_and_ttf: "failure-mtbf-and-ttf.ron" => [
        r#"services[0] "disk-array".failure"#,
        "both mtbf and ttf: keep one",
    ];
    failure_without_lifetime: "failure-without-lifetime.ron" => [
        r#"services[0] "disk-array".failure"#,
        "add mtbf:",
    ];
    backup_without_restore: "backup-without-restore.ron" => [
        r#"services[0] "core-db".backup"#,
        "nothing says how long a restore takes",
        "add restore:",
    ];
    restore_without_interval: "restore-without-interval.ron" => [
        r#"services[0] "core-db".backup"#,
        "a restore without a backup interval",
        "add interval:",
    ];
    backup_no_way_back: "backup-no-way-back.ron" => [
        r#"services[0] "web".backup"#,
        "gives no way back",
        "rebuild",
    ];
    failover_own_site: "failover-own-site.ron" => [
        r#"services[0] "core-db".failover.site"#,
        r#"fails over to its own site "dc-east""#,
        "another site",
    ];
    zero_crews: "zero-crews.ron" => ["plan.crews", "crews is 0", "leave crews out for unlimited"];
    empty_entry: "empty-entry.ron" => [
        r#"threats[0] "ransomware".entry"#,
        "list the services an attacker can enter through",
    ];
    empty_targets: "empty-targets.ron" => [
        r#"threats[0] "power".targets"#,
        "the threat hits nothing",
        "Site(\"dc-east\")",
    ];
    appetite_range: "appetite-range.ron" => [
        "risk_appetite[0].probability",
        "0 is not an exceedance probability",
        "above 0 and at most 1",
    ];
    appetite_rising: "appetite-rising.ron" => [
        "risk_appetite[1].probability",
        "more than the 0.01 accepted for the smaller loss",
        "lower this probability",
    ];
    penalty_without_mtpd: "penalty-without-mtpd.ron" => [
        r#"services[0] "payments".mtpd_penalty"#,
        "add mtpd:",
    ];
    time_impact: "time-impact.ron" => [
        r#"services[0] "claims-line".revenue_profile.hours: hours has 23 factors: write 24, one per hour of the day"#,
        r#"services[0] "claims-line".revenue_profile.months[11]: -2 is not a revenue factor: use a number >= 0"#,
        r#"services[0] "claims-line".impact[1].after: "4h" is not later than impact[0]'s "1d": list the steps once each, in increasing order of after"#,
        r#"services[0] "claims-line".impact[2].cost: -5 is not an amount of money"#,
        r#"services[1] "web".revenue_profile: a revenue profile scales revenue_per_hour, which the service does not have: add revenue_per_hour"#,
    ];
    factor_threat_twice: "factor-threat-twice.ron" => [
        r#"common_factors[0] "active-crew".threats[2]: "breach" is listed twice in threats: remove one"#,
    ];
    no_services: "no-services.ron" => ["services: the scenario has no services", "add at least one"];
    many_problems: "many-problems.ron" => [
        "6 problems:",
        r#"services[0] "network".site: unknown site "dc-est"; did you mean "dc-east"?"#,
        r#"services[1] "core-db".depends_on[0]: unknown service or group "netwrk"; did you mean "network"?"#,
        r#"services[1] "core-db".rto: "4 hours" has an unknown unit "hours""#,
        r#"services[1] "core-db".mbco"#,
        r#"services[2] "core-db".id: duplicate id "core-db""#,
        r#"groups[0] "pair".need: need 2 is more than its only member"#,
    ];
}

#[test]
fn every_invalid_fixture_has_a_test_and_says_what_it_demonstrates() {
    let dir = common::root().join("scenarios").join("invalid");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("scenarios/invalid exists")
        .map(|e| {
            e.expect("readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".ron"))
        .collect();
    on_disk.sort();
    let mut tested: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(
        on_disk, tested,
        "every fixture needs a test, and only those"
    );
    assert!(on_disk.len() >= 20);
    for name in &on_disk {
        let bytes = std::fs::read(dir.join(name)).expect("readable");
        assert!(
            bytes.starts_with(b"// Demonstrates: "),
            "{name} does not start with a comment saying what it demonstrates"
        );
    }
}
