//! Bounded resources: trial counts beyond the limit are refused with the
//! numbers before anything is allocated, thread counts are capped, input
//! files are read with a size limit (and `generate` writes none larger),
//! a long run says how long it will take, and swept values obey the
//! scenario's own caps.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bcdr, scenario};
use crate::shards::fails_with;

const SMALL: &str = r#"Scenario(name: "small", services: [
    Service(id: "a", failure: (mtbf: "1000h", repair: Fixed("2h")), revenue_per_hour: 10),
], threats: [Outage(id: "cut", rate_per_year: 1.0, targets: [Service("a")], duration: Fixed("1h"))])"#;

fn small() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a folder");
    let p = dir.path().join("small.ron");
    std::fs::write(&p, SMALL).expect("written");
    (dir, p)
}

/// `--trials 1e12` and `1e10` on every simulating command: refused at
/// once (no 62 GB allocation), with the count and the limit.
#[test]
fn huge_trial_counts_are_refused_with_the_numbers() {
    let (dir, s) = small();
    let out = dir.path().join("never");
    for trials in ["1e12", "1e10", "18446744073709551615"] {
        let commands: Vec<Vec<&str>> = vec![
            vec!["run"],
            vec!["drill", "--threat", "cut"],
            vec!["sweep", "--set", "plan.annual_cost=0,1"],
            vec!["run", "--shard", "0/2"],
        ];
        for args in commands {
            let start = Instant::now();
            let mut cmd = bcdr();
            cmd.args(&args)
                .args(["-q", "--trials", trials, "--out"])
                .arg(&out)
                .arg(&s);
            let err = fails_with(cmd, "a run may have");
            assert!(err.contains("1000000000 (1e9)"), "{err}");
            assert!(start.elapsed() < Duration::from_secs(10), "{args:?}");
        }
        let mut cmd = bcdr();
        cmd.args(["compare", "-q", "--trials", trials, "--out"])
            .arg(&out)
            .arg(&s)
            .arg(&s);
        fails_with(cmd, "a run may have");
    }
    assert!(!out.exists());
}

/// More threads than cores run as many as there are cores: the same
/// bytes as one thread, without minutes spent starting threads.
#[test]
fn absurd_thread_counts_are_capped() {
    let (dir, s) = small();
    let start = Instant::now();
    for (threads, out) in [("100000", "many"), ("1", "one")] {
        bcdr()
            .args([
                "run",
                "-q",
                "--trials",
                "2000",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path().join(out))
            .arg(&s)
            .assert()
            .success();
    }
    assert!(start.elapsed() < Duration::from_secs(30));
    let read = |o: &str| std::fs::read(dir.path().join(o).join("summary.json")).expect("written");
    assert_eq!(read("many"), read("one"));
}

#[cfg(unix)]
#[test]
fn endless_inputs_are_read_with_a_limit() {
    let mut cmd = bcdr();
    cmd.args(["validate", "/dev/zero"]);
    fails_with(cmd, "binary data");
    let mut cmd = bcdr();
    cmd.args(["merge", "/dev/zero", "--out"])
        .arg(std::env::temp_dir().join("bcdr-never"));
    fails_with(cmd, "binary data");
    // A text file larger than the limit.
    let dir = tempfile::tempdir().expect("a folder");
    let big = dir.path().join("big.ron");
    let f = std::fs::File::create(&big).expect("created");
    f.set_len(65 << 20).expect("sized");
    drop(f);
    // Sparse zeros: binary data at once, without reading 65 MiB.
    let mut cmd = bcdr();
    cmd.arg("validate").arg(&big);
    fails_with(cmd, "binary data");
    // `validate --format json` and `trend` read without a limit (/dev/zero
    // filled memory until the allocation failed): the same refusal.
    let mut cmd = bcdr();
    cmd.args(["validate", "--format", "json"]).arg(&big);
    fails_with(cmd, "binary data");
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("a folder");
    std::os::unix::fs::symlink(&big, run.join("summary.json")).expect("a link");
    let mut cmd = bcdr();
    cmd.arg("trend")
        .arg(&run)
        .arg("--out")
        .arg(dir.path().join("trend"));
    fails_with(cmd, "binary data");
    std::fs::write(&big, " ".repeat((64 << 20) + 1)).expect("written");
    let mut cmd = bcdr();
    cmd.arg("validate").arg(&big);
    let e = fails_with(cmd, "larger than the 64 MiB a scenario may be");
    // The fix fits an estate that large, not only a wrong path.
    assert!(
        e.contains("check the path") && e.contains("split it"),
        "{e}"
    );
    assert!(e.contains("bcdr generate"), "{e}");
}

/// `bcdr generate --services 1000000` wrote 235 MB that every command
/// then refused as over 64 MiB: it is refused before anything is written,
/// naming the limit and the largest count that fits, and that count is
/// written and within the limit.
#[test]
fn generate_refuses_an_estate_larger_than_the_loader_reads() {
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("estate.ron");
    let mut cmd = bcdr();
    cmd.args(["generate", "--services", "1000000", "--out"])
        .arg(&out);
    let e = fails_with(cmd, "64 MiB (67108864 bytes)");
    assert!(!out.exists(), "nothing is written");
    let most: usize = e
        .split("at most ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in: {e}"));
    assert!((250_000..300_000).contains(&most), "{e}");
    bcdr()
        .args(["generate", "--services", &most.to_string(), "--out"])
        .arg(&out)
        .assert()
        .success();
    let len = std::fs::metadata(&out).expect("written").len();
    assert!(len <= 64 << 20 && len > (64 << 20) - 4096, "{len} bytes");
    let mut cmd = bcdr();
    cmd.args(["generate", "--services", "3", "--out"]).arg(&out);
    fails_with(cmd, "at least 4");
}

/// One part of a run of a billion shards: the message counts the missing
/// shards and names the first few, instead of listing a billion.
#[test]
fn a_missing_shard_list_is_summarised() {
    let (dir, s) = small();
    let out = dir.path().join("parts");
    bcdr()
        .args([
            "run",
            "-q",
            "--trials",
            "1e9",
            "--shard",
            "5/1000000000",
            "--out",
        ])
        .arg(&out)
        .arg(&s)
        .assert()
        .success();
    let start = Instant::now();
    let mut cmd = bcdr();
    cmd.arg("merge")
        .arg(out.join("partial-5-of-1000000000.json"))
        .arg("--out")
        .arg(dir.path().join("never"));
    let err = fails_with(
        cmd,
        "missing 999999999 of 1000000000 shards: 0, 1, 2, 3, 4, 6,",
    );
    assert!(err.contains("and 999999989 more"), "{err}");
    assert!(err.len() < 2000, "{} bytes", err.len());
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn swept_rates_obey_the_scenario_cap() {
    let (dir, s) = small();
    for set in [
        "threats.cut.rate_per_year=1e300",
        "threats.cut.rate_per_year=1,2e6",
    ] {
        let mut cmd = bcdr();
        cmd.args(["sweep", "-q", "--trials", "10", "--set", set, "--out"])
            .arg(dir.path().join("never"))
            .arg(&s);
        fails_with(cmd, "more than the 1000000 a threat may have");
    }
}

/// Found by an independent check: money past 10¹⁵ in one figure (a
/// revenue of 1e25 an hour) ran and reported a standard error of 0, a
/// mean below its median, or no loss at all at f64::MAX. It is refused
/// with the field and the fix, in a file and in a sweep; 10¹⁵ runs.
#[test]
fn money_beyond_one_quadrillion_is_refused() {
    let (dir, s) = small();
    for (from, to) in [
        ("revenue_per_hour: 10", "revenue_per_hour: 1e25"),
        (
            "revenue_per_hour: 10",
            "revenue_per_hour: 1.7976931348623157e308",
        ),
        (
            r#"duration: Fixed("1h"))"#,
            r#"duration: Fixed("1h"), response_cost: Fixed(2e15))"#,
        ),
        (
            "threats: [Outage(",
            r#"threats: [LossEvent(id: "big", rate_per_year: 1, cost: LogNormal(median: 1e12, p90: 1e14)), Outage("#,
        ),
    ] {
        let text = SMALL.replace(from, to);
        assert_ne!(text, SMALL);
        let file = dir.path().join("big.ron");
        std::fs::write(&file, &text).expect("written");
        let mut cmd = bcdr();
        cmd.args(["validate"]).arg(&file);
        fails_with(cmd, "more than the 1e15 one figure may hold");
    }
    let file = dir.path().join("edge.ron");
    std::fs::write(
        &file,
        SMALL.replace("revenue_per_hour: 10", "revenue_per_hour: 1e15"),
    )
    .expect("written");
    bcdr().arg("validate").arg(&file).assert().success();
    let mut cmd = bcdr();
    cmd.args(["sweep", "-q", "--trials", "10", "--out"])
        .arg(dir.path().join("never"))
        .arg(&s)
        .args(["--set", "services.a.revenue_per_hour=10,1e16"]);
    fails_with(cmd, "more than the 1e15 one figure of money may hold");
}

/// A tornado's ends obey the same caps as a sweep's values: a rate moved
/// up by `--vary` past 10⁶ a year is refused before anything runs.
#[test]
fn tornado_ends_obey_the_scenario_cap() {
    let dir = tempfile::tempdir().expect("a folder");
    let file = dir.path().join("busy.ron");
    std::fs::write(
        &file,
        SMALL.replace("rate_per_year: 1.0", "rate_per_year: 900000"),
    )
    .expect("written");
    let out = dir.path().join("never");
    let mut cmd = bcdr();
    cmd.args(["tornado", "-q", "--trials", "10", "--vary", "0.5", "--out"])
        .arg(&out)
        .arg(&file);
    fails_with(
        cmd,
        "threats.cut.rate_per_year beyond what can be simulated",
    );
    assert!(!out.exists());
}

/// A run that will take long says so early on stderr, even with
/// `--quiet`: the estimate comes after a few seconds of measuring.
#[test]
fn a_long_run_announces_its_duration_even_when_quiet() {
    let out = tempfile::tempdir().expect("a folder");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("bcdr"))
        .args(["run", "--quiet", "--trials", "1e9", "--out"])
        .arg(out.path().join("never"))
        .arg(scenario("hospital.ron"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("piped");
    let line = BufReader::new(stderr).lines().next();
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("a line").expect("text");
    assert!(
        line.starts_with("bcdr: 1000000000 trials will take about "),
        "{line}"
    );
    assert!(line.contains("Ctrl-C stops"), "{line}");
}

/// Found by the extreme-scenario audit: `importance` built the scenario
/// without each control (a copy of the whole estate per failover,
/// immutable backup and segmented service) before measuring the few it
/// measures, so its memory grew with the square of the estate: 1.8 GB for
/// 1 000 services with a failover each, an abort on allocation for a few
/// thousand where `run` needs 80 MB. Under a 3 GB address-space limit an
/// estate of 2 000 such services must be measured.
#[test]
fn importance_of_an_estate_with_a_failover_per_service_fits_in_memory() {
    let n = 2000;
    let services: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"Service(id: "s{i}", site: "a", revenue_per_hour: 10,
                failure: (mtbf: "8760h", repair: Fixed("4h")),
                failover: (site: "b", switchover: Fixed("1h"), success: 0.9)),"#
            )
        })
        .collect();
    let text = format!(
        r#"Scenario(name: "wide", sites: [Site(id: "a"), Site(id: "b")], services: [{}],
        threats: [Disaster(id: "fire", rate_per_year: 0.5, targets: [Site("a")])])"#,
        services.join("\n")
    );
    let dir = tempfile::tempdir().expect("a folder");
    let file = dir.path().join("wide.ron");
    std::fs::write(&file, text).expect("written");
    let out = dir.path().join("imp");
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 3000000 && exec "$0" "$@""#)
        .arg(assert_cmd::cargo::cargo_bin("bcdr"))
        .args([
            "importance",
            "-q",
            "--trials",
            "2",
            "--top",
            "1",
            "--threads",
            "1",
        ])
        .arg("--out")
        .arg(&out)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("starts");
    assert!(status.success(), "{status}");
    let json = std::fs::read_to_string(out.join("importance.json")).expect("written");
    // One failover measured (--top 1), the others listed unmeasured.
    assert_eq!(
        json.matches("\"control\": \"failover\"").count(),
        n,
        "{}",
        &json[..400]
    );
}

/// The wait-for-ever warning over a chain of 20 000 rebuilds, each
/// requiring the next, all destroyed by one fire: the chain unwinds from
/// its end, so nothing waits for ever. Each recovery is told when what it
/// waits for comes back, instead of a pass over the estate per link of the
/// chain (18.8 s in a debug build; a release `run` of it paid 2.4 s per
/// warning pass); its speed is measured by the `read/requires-chain`
/// bench (`cargo bench --bench graph`), not timed here.
#[test]
fn a_long_chain_of_recoveries_waiting_on_each_other_unwinds() {
    let text = bcdr::sim::generate::requires_chain(20_000);
    let model = crate::validate::model(&text);
    let found = bcdr::scenario::planning_warnings(&model);
    assert!(
        found.iter().all(|w| !w.path.ends_with("requires")),
        "{found:?}"
    );
}

/// Groups nest: a drill found a group's recovery (and whether it was down)
/// by calling itself once per level, and nested groups overflowed
/// the worker's stack (`fatal runtime error: stack overflow, aborting`;
/// 3 000 in a debug build, 50 000 in a release one). Validation walked
/// them the same way, and in cubic time.
#[test]
fn a_drill_through_deeply_nested_groups_does_not_overflow_the_stack() {
    const DEPTH: usize = 3_000;
    let services: Vec<String> = (0..=DEPTH)
        .map(|i| format!(r#"Service(id: "s{i}")"#))
        .collect();
    let mut groups = vec![r#"Group(id: "g0", members: ["s0", "s1"], need: 1)"#.to_string()];
    groups.extend((1..DEPTH).map(|i| {
        format!(
            r#"Group(id: "g{i}", members: ["g{}", "s{}"], need: 1)"#,
            i - 1,
            i + 1
        )
    }));
    let text = format!(
        r#"Scenario(name: "nested", services: [{}, Service(id: "top", depends_on: ["g{}"],
            revenue_per_hour: 1, rto: "1h", backup: (rebuild: Fixed("2h")))],
        groups: [{}],
        threats: [Disaster(id: "fire", rate_per_year: 1, targets: [Service("top")])])"#,
        services.join(", "),
        DEPTH - 1,
        groups.join(", ")
    );
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("nested.ron");
    std::fs::write(&path, text).expect("written");
    let out = bcdr()
        .args([
            "drill",
            "-q",
            "--threat",
            "fire",
            "--trials",
            "2",
            "--threads",
            "1",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .arg(&path)
        .output()
        .expect("bcdr runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(dir.path().join("out/drill.json").is_file());
}

/// Whether a service is functional was found by calling itself once per
/// hard dependency: a restore that waits on the top of a long chain
/// (`requires`, `restore_in_dependency_order`) overflowed the worker's
/// stack (6 000 links in a debug build, 60 000 in a release one).
#[test]
fn a_restore_waiting_on_a_long_chain_of_dependencies_does_not_overflow_the_stack() {
    const LINKS: usize = 6_000;
    let mut services =
        vec![r#"Service(id: "s0", failure: (mtbf: "100h", repair: Fixed("1h")))"#.to_string()];
    services
        .extend((1..LINKS).map(|i| format!(r#"Service(id: "s{i}", depends_on: ["s{}"])"#, i - 1)));
    let last = LINKS - 1;
    let text = format!(
        r#"Scenario(name: "chain", sites: [Site(id: "a")], services: [{}, Service(id: "top", site: "a",
            depends_on: ["s{last}"], revenue_per_hour: 10, backup: (rebuild: Fixed("1h"), requires: ["s{last}"]))],
        threats: [Disaster(id: "fire", rate_per_year: 5, targets: [Site("a")])],
        plan: Plan(crews: 1, restore_in_dependency_order: true))"#,
        services.join(", ")
    );
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("chain.ron");
    std::fs::write(&path, text).expect("written");
    for command in ["run", "drill"] {
        let out = bcdr()
            .args([command, "-q", "--trials", "2", "--threads", "1", "--out"])
            .arg(dir.path().join(command))
            .args(if command == "drill" {
                &["--threat", "fire"][..]
            } else {
                &[]
            })
            .arg(&path)
            .output()
            .expect("bcdr runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{command}: {err}");
    }
}
