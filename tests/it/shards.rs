//! `bcdr run --shard I/N` and `bcdr merge`: shards merged in any order are
//! byte-identical to a single run; bad parts are refused and nothing is
//! written.

use std::path::{Path, PathBuf};

use crate::common::bcdr;

/// Run `cmd`, expect exit status 2 and `needle` in stderr; return stderr.
pub(crate) fn fails_with(mut cmd: assert_cmd::Command, needle: &str) -> String {
    let out = cmd.output().expect("bcdr runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    stderr
}

/// A part's text with its checksum made to match its (edited) content, as
/// a forger would: the checks behind the checksum must still hold.
pub(crate) fn restamp(text: &str) -> String {
    const FIELD: &str = ",\"checksum\":\"";
    let at = text.rfind(FIELD).expect("a checksum field");
    let body = &text[..at];
    format!(
        "{body}{FIELD}{}\"}}\n",
        bcdr::shard::content_hash(body.as_bytes())
    )
}

const SCENARIO: &str = r#"Scenario(
    name: "Shards", currency: "EUR", horizon: "1y",
    sites: [Site(id: "dc")],
    services: [
        Service(id: "net", site: "dc", failure: (mtbf: "1000h", repair: Exponential(mean: "3h")),
                backup: (rebuild: Uniform(min: "4h", max: "30h"))),
        Service(id: "db", site: "dc", depends_on: ["net"],
                failure: (mtbf: "2000h", repair: Triangular(min: "1h", mode: "2h", max: "9h")),
                backup: (interval: "6h", restore: Exponential(mean: "10h")),
                rto: "4h", rpo: "2h", mtpd: "2d", data_loss_cost_per_hour: 700),
        Service(id: "app", tier: Business, depends_on: ["db"], revenue_per_hour: 3000,
                cost_per_outage: 100, rto: "6h"),
    ],
    threats: [
        Outage(id: "power", rate_per_year: 2.0, targets: [Site("dc")], duration: Exponential(mean: "2h")),
        Disaster(id: "flood", rate_per_year: 0.3, targets: [Site("dc")]),
        LossEvent(id: "fine", rate_per_year: Uniform(min: 0.0, max: 0.5), cost: Exponential(mean: 40000)),
    ],
    plan: Plan(crews: 2),
)"#;

/// The files `bcdr run` writes (and so `bcdr merge`).
const RUN_FILES: [&str; 4] = [
    "summary.json",
    "services.csv",
    "threats.csv",
    "loss_exceedance.csv",
];

struct Setup {
    dir: tempfile::TempDir,
    scenario: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("estate.ron");
    std::fs::write(&scenario, SCENARIO).expect("writes the scenario");
    Setup { dir, scenario }
}

impl Setup {
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// `bcdr run` of shard `shard` (or the whole run) into `out`.
    fn run(&self, shard: Option<&str>, trials: u64, seed: u64, out: &Path) {
        let mut cmd = bcdr();
        cmd.args(["run", "-q", "--threads", "2"])
            .args(["--trials", &trials.to_string(), "--seed", &seed.to_string()])
            .arg("--out")
            .arg(out)
            .arg(&self.scenario);
        if let Some(s) = shard {
            cmd.args(["--shard", s]);
        }
        cmd.assert().success();
    }

    fn merge(&self, parts: &[PathBuf], out: &Path) -> assert_cmd::Command {
        let mut cmd = bcdr();
        cmd.args(["merge", "-q", "--out"]).arg(out).args(parts);
        cmd
    }
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// 3000 trials in 3 shards: the shard boundaries (1000, 2000) fall inside
/// both a chunk of the parallel driver and a convergence block, so the
/// merge must add partial blocks exactly.
#[test]
fn merged_shards_are_byte_identical_to_a_single_run_in_any_order() {
    let s = setup();
    let (trials, seed) = (3000, 42);
    s.run(None, trials, seed, &s.path("whole"));
    let parts_dir = s.path("parts");
    for i in 0..3 {
        s.run(Some(&format!("{i}/3")), trials, seed, &parts_dir);
    }
    let part = |i: u64| parts_dir.join(format!("partial-{i}-of-3.json"));
    s.merge(&[part(0), part(1), part(2)], &s.path("m012"))
        .assert()
        .success();
    s.merge(&[part(2), part(0), part(1)], &s.path("m201"))
        .assert()
        .success();
    for f in RUN_FILES {
        let whole = bytes(&s.path("whole").join(f));
        assert_eq!(bytes(&s.path("m012").join(f)), whole, "{f}: merge 0,1,2");
        assert_eq!(bytes(&s.path("m201").join(f)), whole, "{f}: merge 2,0,1");
    }

    // The partial's header says what it holds.
    let p: serde_json::Value = serde_json::from_slice(&bytes(&part(1))).expect("JSON");
    assert_eq!(p["format"], "bcdr-partial");
    assert_eq!(p["format_version"], 3);
    assert_eq!(p["shard"], serde_json::json!({"index": 1, "count": 3}));
    assert_eq!(p["trial_range"], serde_json::json!([1000, 2000]));
    assert_eq!(p["seed"], 42);
    assert_eq!(p["trials"], 3000);
    assert_eq!(p["scenario_file"], "estate.ron");
    assert!(p["scenario_hash"]
        .as_str()
        .is_some_and(|h| h.starts_with("fnv1a128:")));

    // --scenario checks the file: the same one passes.
    let mut cmd = s.merge(&[part(1), part(2), part(0)], &s.path("checked"));
    cmd.arg("--scenario").arg(&s.scenario).assert().success();
    // Given the scenario as the single run was, merge writes the same
    // review pack too, byte for byte: charts, report.md and report.html.
    let whole = s.path("whole");
    let mut names: Vec<String> = std::fs::read_dir(&whole)
        .expect("run wrote files")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    for pack in [
        "report.md",
        "report.html",
        "loss_exceedance.png",
        "loss_exceedance.svg",
    ] {
        assert!(names.iter().any(|n| n == pack), "run wrote {pack}");
    }
    for f in &names {
        assert_eq!(
            bytes(&s.path("checked").join(f)),
            bytes(&whole.join(f)),
            "{f}: merged vs single run"
        );
    }
}

/// Without --out, shards and merge use the folder `bcdr run` would.
#[test]
fn default_folders_follow_run() {
    let s = setup();
    for i in 0..2 {
        bcdr()
            .current_dir(s.dir.path())
            .args(["run", "estate.ron", "-q", "--trials", "300", "--shard"])
            .arg(format!("{i}/2"))
            .assert()
            .success();
    }
    let parts = s.path("outputs/estate");
    bcdr()
        .current_dir(s.dir.path())
        .args(["merge", "-q"])
        .arg(parts.join("partial-1-of-2.json"))
        .arg(parts.join("partial-0-of-2.json"))
        .assert()
        .success();
    s.run(None, 300, 1, &s.path("whole"));
    assert_eq!(
        bytes(&parts.join("summary.json")),
        bytes(&s.path("whole/summary.json"))
    );
}

#[test]
fn merge_refuses_incomplete_duplicate_and_foreign_parts() {
    let s = setup();
    let a = s.path("a");
    for i in 0..3 {
        s.run(Some(&format!("{i}/3")), 900, 1, &a);
    }
    let part = |i: u64| a.join(format!("partial-{i}-of-3.json"));
    // Parts of other runs: another seed, another trial count, another
    // shard count, another scenario.
    s.run(Some("1/3"), 900, 2, &s.path("seed2"));
    s.run(Some("1/3"), 600, 1, &s.path("t600"));
    s.run(Some("1/2"), 900, 1, &s.path("n2"));
    let other = s.path("other.ron");
    std::fs::write(&other, format!("// another plan\n{SCENARIO}")).expect("writes");
    bcdr()
        .args(["run", "-q", "--trials", "900", "--shard", "1/3", "--out"])
        .arg(s.path("other"))
        .arg(&other)
        .assert()
        .success();
    s.run(None, 900, 1, &s.path("whole"));

    let out = s.path("never");
    let cases: Vec<(Vec<PathBuf>, &str)> = vec![
        (
            vec![part(0), part(2)],
            "missing 1 of 3 shards: 1 (partial-1-of-3.json)",
        ),
        (
            // The fix: the command that runs the missing shard.
            vec![part(0), part(2)],
            "--trials 900 --seed 1 --shard 1/3",
        ),
        (
            vec![part(0), part(1), part(1), part(2)],
            "shard 1/3 is given twice",
        ),
        (
            vec![part(0), s.path("seed2/partial-1-of-3.json"), part(2)],
            "different runs (seed 1 vs 2)",
        ),
        (
            vec![part(0), s.path("t600/partial-1-of-3.json"), part(2)],
            "different runs (trials 900 vs 600)",
        ),
        (
            vec![part(0), s.path("n2/partial-1-of-2.json"), part(2)],
            "different runs (shard count 3 vs 2)",
        ),
        (
            vec![part(0), s.path("other/partial-1-of-3.json"), part(2)],
            "different runs (scenario",
        ),
        (
            vec![part(0), part(1), part(2), s.path("whole/summary.json")],
            "not a bcdr partial result",
        ),
        (vec![part(0), part(1), s.scenario.clone()], "not JSON"),
        (vec![part(0), part(1), s.path("nope.json")], "cannot read"),
    ];
    for (parts, needle) in cases {
        fails_with(s.merge(&parts, &out), needle);
        assert!(!out.exists(), "a refused merge wrote {}", out.display());
    }

    // --scenario with a file the parts did not run.
    let mut cmd = s.merge(&[part(0), part(1), part(2)], &out);
    cmd.arg("--scenario").arg(&other);
    fails_with(cmd, "is not the scenario these parts ran");
    assert!(!out.exists());

    // A part whose stored scenario was edited: its checksum says so; with
    // the checksum forged to match, its scenario hash does.
    let tampered = s.path("tampered.json");
    let text = String::from_utf8(bytes(&part(1))).expect("UTF-8");
    let edited = text.replacen("Shards", "Shardz", 2);
    std::fs::write(&tampered, &edited).expect("writes");
    fails_with(
        s.merge(&[part(0), tampered.clone(), part(2)], &out),
        "its checksum does not match its content",
    );
    std::fs::write(&tampered, restamp(&edited)).expect("writes");
    fails_with(
        s.merge(&[part(0), tampered, part(2)], &out),
        "does not match its scenario_hash",
    );
    // A part whose trial range does not fit its shard number.
    let moved = s.path("moved.json");
    std::fs::write(&moved, restamp(&text.replace("\"index\":1", "\"index\":2"))).expect("writes");
    fails_with(
        s.merge(&[part(0), part(1), moved], &out),
        "must hold trials 600..900",
    );
    assert!(!out.exists());
}

#[test]
fn bad_shard_arguments_are_refused() {
    let s = setup();
    let out = s.path("never");
    for (shard, needle) in [
        ("3/3", "numbered from 0"),
        ("0/0", "at least 1"),
        ("x", "write I/N"),
        ("1", "write I/N"),
        ("-1/3", "write I/N"),
        ("1/3/5", "write I/N"),
    ] {
        let mut cmd = bcdr();
        // `--shard=..` so that "-1/3" is a value, not a flag.
        cmd.args([
            "run",
            "-q",
            "--trials",
            "100",
            &format!("--shard={shard}"),
            "--out",
        ])
        .arg(&out)
        .arg(&s.scenario);
        fails_with(cmd, needle);
    }
    // Written as two words, a negative shard gets the same message, not
    // clap's tip to write `-- -1/3` (which would make it the scenario).
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "100", "--shard", "-1/3", "--out"])
        .arg(&out)
        .arg(&s.scenario);
    fails_with(cmd, "\"-1/3\" is not a shard");
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "4", "--shard", "5/10", "--out"])
        .arg(&out)
        .arg(&s.scenario);
    fails_with(cmd, "use at most 4 shards");
    assert!(!out.exists());
}

/// The command that merge suggests for a missing shard can be pasted: a
/// scenario file whose name has a space is quoted.
#[test]
fn the_missing_shard_command_quotes_the_scenario_file() {
    let s = setup();
    let spaced = s.path("my plan.ron");
    std::fs::write(&spaced, SCENARIO).expect("writes");
    let out = s.path("parts");
    bcdr()
        .args(["run", "-q", "--trials", "100", "--shard", "0/2", "--out"])
        .arg(&out)
        .arg(&spaced)
        .assert()
        .success();
    let mut cmd = bcdr();
    cmd.args(["merge", "-q"])
        .arg(out.join("partial-0-of-2.json"));
    fails_with(
        cmd,
        "`bcdr run 'my plan.ron' --trials 100 --seed 1 --shard 1/2`",
    );
}
