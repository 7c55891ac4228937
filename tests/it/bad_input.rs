//! Bad input found by mutating the bundled scenarios and the command
//! line: each case exits 2 with a message that names the file, the field
//! path and the fix in the user's own terms, never a panic.

use std::path::{Path, PathBuf};

use crate::common::{bcdr, scenario};

/// The tutorial scenario with `from` replaced by `to` (once), written
/// into `dir`.
fn tutorial_with(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(scenario("tutorial.ron")).expect("the tutorial");
    assert!(text.contains(from), "{from:?} is not in the tutorial");
    let path = dir.join("mutated.ron");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("written");
    path
}

/// `bcdr validate` of the mutated tutorial: its stderr, after checking
/// that it failed with status 2, named the file and did not panic.
fn refused(from: &str, to: &str) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = tutorial_with(dir.path(), from, to);
    let out = bcdr()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("bcdr runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{from} -> {to}: {err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A huge number was echoed with its 309 digits (`1e308` as
/// `100000…000`); it is written back as the user wrote it.
#[test]
fn huge_and_tiny_numbers_are_echoed_as_written() {
    let err = refused("probability: 0.10)]", "probability: 1e308)]");
    assert!(
        err.contains("risk_appetite[0].probability: 1e308 is not an exceedance probability"),
        "{err}"
    );
    assert!(!err.contains("00000000000000000000"), "{err}");
    let err = refused("success: 0.9", "success: 1e308");
    assert!(
        err.contains("failover.success: 1e308 is not a probability"),
        "{err}"
    );
    let err = refused("max: 100000)", "max: 1e-320)");
    assert!(err.contains("max: 1e-320"), "{err}");
    assert!(!err.contains("00000000000000000000"), "{err}");
}

/// A number past what a float holds (`1e400`) became infinity and was
/// misreported: a duration "is not a number followed by a unit" (as
/// `"1e308y"`, past a float in hours, it was too large), money
/// "is not an amount of money: use a number >= 0", a Weibull shape "must be
/// greater than 0". Each now says the number is too large.
#[test]
fn numbers_past_a_float_are_called_too_large() {
    let err = refused(r#"rto: "4h", rpo"#, r#"rto: "1e400h", rpo"#);
    assert!(
        err.contains(r#".rto: "1e400h" is too large to be a duration: check the number"#),
        "{err}"
    );
    let err = refused("cost_per_outage: 500,", "cost_per_outage: 1e400,");
    assert!(
        err.contains("cost_per_outage: is a number too large to compute, more than the 1e15"),
        "{err}"
    );
    let err = refused(
        r#"repair: LogNormal(median: "30m", p90: "2h")"#,
        r#"repair: Weibull(shape: 1e400, scale: "2h")"#,
    );
    assert!(
        err.contains("shape must be a finite number greater than 0"),
        "{err}"
    );
}

/// A distribution whose tail overflows was said to "draw NaN".
#[test]
fn an_overflowing_distribution_does_not_draw_nan() {
    let err = refused("max: 100000)", "max: 1e308)");
    assert!(
        err.contains(
            "threats[1] \"office-fire\".response_cost: Pert(min: 10000, mode: 30000, max: 1e308): \
             can draw values too large to compute, more than the 1e15"
        ),
        "{err}"
    );
    let err = refused("max: 0.3)", "max: 1e308)");
    assert!(
        err.contains("can draw a number of events a year too large to compute"),
        "{err}"
    );
    assert!(!err.contains("NaN"), "{err}");
}

/// Messages named Rust types the user never wrote: `RawTeam(...) is
/// missing the field`, `unknown field ... in RawTrigger(...)`.
#[test]
fn messages_name_the_structs_as_the_language_does() {
    let err = refused(
        "plan: Plan(crews: 1)",
        "plan: Plan(crews: 1, teams: [(id: \"dba\", skills: [Service(\"booking-db\")])])",
    );
    assert!(
        err.contains("(at plan.teams[0] \"dba\"): Team(...) is missing the field `crews`"),
        "{err}"
    );
    let err = refused(
        "backup_compromise: 0.5,",
        "backup_compromise: 0.5, triggers: [(threat: \"office-fire\", probabilty: 0.5)],",
    );
    assert!(
        err.contains("in Trigger(...); did you mean `probability`?"),
        "{err}"
    );
    let err = refused(
        "plan: Plan(crews: 1),",
        "plan: Plan(crews: 1), common_factors: [(id: \"storms\", threats: [\"office-fire\"])],",
    );
    assert!(
        err.contains("CommonFactor(...) is missing the field `multiplier`"),
        "{err}"
    );
    assert!(!err.contains("Raw"), "{err}");
}

/// `crews: 1.5` was "expected a comma", `crews: 1e3` "'e' is not a
/// digit ... such as 0.5", `crews: NaN` "expected a number without quotes".
#[test]
fn a_count_written_as_a_decimal_says_it_is_a_whole_number() {
    for (value, shown, fix) in [
        ("1.5", "1.5", "crews: 2"),
        ("1e3", "1e3", "crews: 1000"),
        ("NaN", "NaN", "crews: 2"),
    ] {
        let err = refused("crews: 1)", &format!("crews: {value})"));
        assert!(
            err.contains(&format!(
                "(at plan.crews): `crews` is a whole number, not `{shown}`: write `{fix}`"
            )),
            "{value}: {err}"
        );
    }
    let err = refused(
        "plan: Plan(crews: 1),",
        "groups: [Group(id: \"pair\", members: [\"website\", \"booking-db\"], need: 1.5)], \
         plan: Plan(crews: 1),",
    );
    assert!(
        err.contains("`need` is a whole number, not `1.5`: write `need: 2`"),
        "{err}"
    );
}

/// A file of comments only was "empty", which it is not.
#[test]
fn a_file_of_comments_only_is_not_called_empty() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("notes.ron");
    std::fs::write(&path, "// the scenario will go here\n/* later */\n").expect("written");
    let out = bcdr().arg("validate").arg(&path).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("(or holds only comments)"), "{err}");
    // The JSON report gives the fix apart, as for every other error.
    let out = bcdr()
        .args(["validate", "--format", "json"])
        .arg(&path)
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        report["errors"][0]["fix"].as_str(),
        Some("write a scenario in it, starting with `Scenario(` (see scenarios/ for examples)"),
        "{report}"
    );
}

/// A file that cannot be read said why (the system's words) but not what
/// to do.
#[test]
fn an_unreadable_scenario_gets_a_fix() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let missing = dir.path().join("no-such.ron");
    for (path, fix) in [
        (missing.as_path(), ": there is no such file; check the path"),
        (
            dir.path(),
            ": it is a folder, not a file; name the file in it",
        ),
    ] {
        let out = bcdr().arg("validate").arg(path).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("cannot read {}{fix}", path.display())),
            "{err}"
        );
    }
}

/// `--seed -1` got clap's tip "to pass '-1' as a value, use '-- -1'"
/// (which makes it the scenario's path), `--seed abc` Rust's "invalid
/// digit found in string".
#[test]
fn bad_numbers_on_the_command_line_are_explained() {
    let tutorial = scenario("tutorial.ron");
    for (args, needle) in [
        (
            vec!["run", "--seed", "-1"],
            "\"-1\" is not a seed: give a whole number",
        ),
        (vec!["run", "--seed", "abc"], "\"abc\" is not a seed"),
        (
            vec!["run", "--trials", "-5"],
            "\"-5\" is not a whole number of trials",
        ),
        (
            vec!["run", "--threads", "two"],
            "\"two\" is not a number of threads",
        ),
        (
            vec!["tornado", "--vary", "-5%"],
            "--vary -5%: write a percentage between 0% and 100%",
        ),
        (
            vec!["explain", "--trials", "many"],
            "\"many\" is not a whole number of trials",
        ),
    ] {
        let mut cmd = bcdr();
        cmd.args(&args);
        if args[0] == "explain" {
            cmd.arg(&tutorial);
        }
        let out = cmd.arg(&tutorial).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("-- -"), "{args:?}: {err}");
        assert!(!err.contains("invalid digit"), "{args:?}: {err}");
    }
    let out = bcdr()
        .args(["generate", "--services", "lots", "--out"])
        .arg(std::env::temp_dir().join("bcdr-never-written.ron"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"lots\" is not a number of services"),
        "{err}"
    );
}

/// `explain`, `tornado` and `importance` refused `--trials 1e4`, which
/// `run` documents and takes.
#[test]
fn every_trials_option_reads_scientific_notation() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let tutorial = scenario("tutorial.ron");
    bcdr()
        .args(["explain", "--trials", "2e2", "--quiet", "--out"])
        .arg(dir.path().join("explain"))
        .arg(&tutorial)
        .arg(&tutorial)
        .assert()
        .success();
}

/// A named pipe that nothing writes to (a scenario path mistyped onto a
/// FIFO) hung `validate` for ever in open(2); it is refused after a
/// few seconds, naming the pipe, by every reader of an input file.
#[cfg(unix)]
#[test]
fn a_fifo_nothing_writes_to_does_not_hang() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fifo = dir.path().join("scenario.ron");
    let c = std::ffi::CString::new(fifo.display().to_string()).expect("a path without NUL");
    // SAFETY: mkfifo reads a valid NUL-terminated path and nothing else.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    // A run folder whose summary.json is such a pipe.
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("a folder");
    let summary = run.join("summary.json");
    let c = std::ffi::CString::new(summary.display().to_string()).expect("a path without NUL");
    // SAFETY: as above.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    // `validate --format json` and `trend` read with `std::fs::read`, and
    // hung there too.
    let out_dir = dir.path().join("trend");
    let cases: [(Vec<&std::ffi::OsStr>, &std::path::Path); 3] = [
        (vec!["validate".as_ref(), fifo.as_os_str()], &fifo),
        (
            vec![
                "validate".as_ref(),
                "--format".as_ref(),
                "json".as_ref(),
                fifo.as_os_str(),
            ],
            &fifo,
        ),
        (
            vec![
                "trend".as_ref(),
                run.as_os_str(),
                "--out".as_ref(),
                out_dir.as_os_str(),
            ],
            &summary,
        ),
    ];
    for (args, pipe) in cases {
        let started = std::time::Instant::now();
        let out = bcdr()
            .args(&args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(started.elapsed().as_secs() < 30, "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "cannot read {}: it is a named pipe (FIFO) that nothing writes to",
                pipe.display()
            )),
            "{args:?}: {err}"
        );
    }
}

/// Duration errors said what was wrong but not what to write: `"-4h" is
/// negative: durations must be >= 0`, `"1e308y" is too large to be a
/// duration`, `the horizon must be longer than 0, got "0h"`.
#[test]
fn duration_errors_say_what_to_write() {
    for (from, to, needle) in [
        (
            "rto: \"4h\", rpo",
            "rto: \"-4h\", rpo",
            "services[1] \"booking-db\".rto: \"-4h\" is negative: write a duration of 0 or more, \
             such as \"4h\"",
        ),
        (
            "horizon: \"1y\"",
            "horizon: \"1e308y\"",
            "horizon: \"1e308y\" is too large to be a duration: check the number and its unit",
        ),
        (
            "horizon: \"1y\"",
            "horizon: \"0h\"",
            "horizon: the horizon must be longer than 0, got \"0h\": write a duration such as \
             \"4h\"",
        ),
    ] {
        let err = refused(from, to);
        assert!(err.contains(needle), "{to}: {err}");
    }
}

/// A revenue factor had no upper bound: `hours: [1e300, ...]` passed the
/// 1e15 limit on a figure of money, and the run reported an expected loss
/// of 3.4e38 (saturated sums) beside a worst year of 0. The revenue lost
/// per hour at the highest factors is held to that limit.
#[test]
fn a_revenue_profile_is_held_to_the_money_limit() {
    let text = |factor: &str, rate: &str| {
        format!(
            r#"Scenario(name: "p", services: [Service(id: "s", revenue_per_hour: {rate},
                failure: (mtbf: "100h", repair: Fixed("1h")),
                revenue_profile: (weekend: [{}], months: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]))])"#,
            vec![factor; 24].join(", ")
        )
    };
    let err = bcdr::scenario::parse_str(&text("1e300", "1"))
        .expect_err("too large")
        .to_string();
    assert!(
        err.contains(
            "services[0] \"s\".revenue_profile: at its highest factors (1e300 a day × 2 a month) \
             the revenue lost per hour is 2.000e300, more than the 1e15"
        ),
        "{err}"
    );
    let err = bcdr::scenario::parse_str(&text("1", "6e14"))
        .expect_err("too large")
        .to_string();
    assert!(err.contains("is 1.200e15, more than the 1e15"), "{err}");
    bcdr::scenario::parse_str(&text("1", "5e14")).expect("at the limit");
}

/// An attack path stands for every pair of its ends' services, and the
/// pairs are built: `(from: Tag("windows"), to: Tag("windows"))` over
/// 30 000 services (9·10⁸ pairs) took 10 GB to validate and a run was
/// killed for want of memory. Past 2·10⁷ pairs the paths are refused.
#[test]
fn attack_paths_standing_for_too_many_pairs_are_refused() {
    let text = |n: usize| {
        let services: Vec<String> = (0..n)
            .map(|i| format!(r#"Service(id: "w{i}", tags: ["windows"])"#))
            .collect();
        format!(
            r#"Scenario(name: "flat", services: [{}], threats: [Ransomware(id: "r", entry: ["w0"],
                rate_per_year: 1, spread: (probability: 0.5, time: Fixed("1h")), dwell: Fixed("1d"),
                detection: Fixed("10d"), attack_paths: [(from: "w0", to: "w1"),
                (from: Tag("windows"), to: Tag("windows"))])])"#,
            services.join(", ")
        )
    };
    let err = bcdr::scenario::parse_str(&text(5_000))
        .expect_err("too many pairs")
        .to_string();
    assert!(
        err.contains(
            "threats[0] \"r\".attack_paths: the paths stand for 25000001 pairs of services \
             (attack_paths[1] alone for 5000 × 5000), more than the 20000000"
        ),
        "{err}"
    );
    bcdr::scenario::parse_str(&text(1_000)).expect("a million pairs are fine");
}
