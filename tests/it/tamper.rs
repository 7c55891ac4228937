//! `bcdr merge` trusts nothing: a changed byte is refused by the part's
//! checksum, and a part forged with a matching checksum is checked field
//! by field; no edit of any number of a part makes merge panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use crate::common::bcdr;
use crate::shards::{fails_with, restamp};

const SCENARIO: &str = r#"Scenario(
    name: "Tamper", currency: "EUR",
    sites: [Site(id: "dc")],
    services: [
        Service(id: "net", site: "dc", failure: (mtbf: "800h", repair: Exponential(mean: "3h")),
                backup: (rebuild: Uniform(min: "4h", max: "30h")), rto: "2h", mtpd: "20h"),
        Service(id: "db", depends_on: ["net"], failure: (mtbf: "1500h", repair: Fixed("5h")),
                backup: (interval: "6h", restore: Exponential(mean: "10h")),
                rto: "4h", rpo: "2h", data_loss_cost_per_hour: 700, revenue_per_hour: 100),
    ],
    threats: [
        Outage(id: "power", rate_per_year: 2.0, targets: [Site("dc")], duration: Exponential(mean: "4h")),
        LossEvent(id: "fine", rate_per_year: 0.5, cost: Uniform(min: 1000, max: 50000)),
    ],
)"#;

struct Parts {
    dir: tempfile::TempDir,
    parts: [PathBuf; 2],
}

fn parts() -> Parts {
    let dir = tempfile::tempdir().expect("a folder");
    let s = dir.path().join("tamper.ron");
    std::fs::write(&s, SCENARIO).expect("written");
    for i in 0..2 {
        bcdr()
            .args([
                "run",
                "-q",
                "--trials",
                "3000",
                "--shard",
                &format!("{i}/2"),
            ])
            .arg("--out")
            .arg(dir.path().join("p"))
            .arg(&s)
            .assert()
            .success();
    }
    let parts = [0, 1].map(|i| dir.path().join(format!("p/partial-{i}-of-2.json")));
    Parts { dir, parts }
}

/// The byte ranges of the numbers of a part's accumulator (a JSON text;
/// the 256-bit sums do not survive a trip through `serde_json::Value`).
fn numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let start = text.find("\"accumulator\":").expect("an accumulator");
    let end = text.rfind(",\"checksum\"").expect("a checksum");
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let c = b[i];
        if c == b'"' {
            // Skip a string (keys hold no escapes).
            i += 1 + text[i + 1..].find('"').expect("closed");
        } else if c == b'-' || c.is_ascii_digit() {
            let j = i + text[i..]
                .find(|c: char| !(c.is_ascii_digit() || "-+.eE".contains(c)))
                .expect("ends");
            out.push(i..j);
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Replace `range` of `text` with `with`, and forge the checksum.
fn forge(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    restamp(&format!(
        "{}{with}{}",
        &text[..range.start],
        &text[range.end..]
    ))
}

/// The number after the `n`-th `key` (counting from 0) past each anchor in
/// turn: `[("\"services\":", 0), ("\"rto_met\":", 1)]`.
fn field(text: &str, path: &[(&str, usize)]) -> std::ops::Range<usize> {
    let mut at = 0;
    for &(key, n) in path {
        for _ in 0..=n {
            at += text[at..].find(key).unwrap_or_else(|| panic!("{key}")) + key.len();
        }
    }
    let len = text[at..]
        .find(|c: char| !(c.is_ascii_digit() || "-+.eE".contains(c)))
        .expect("a number");
    at..at + len
}

/// Read, merge and summarise as `bcdr merge` does; `Err` for a refusal.
fn merge_in_process(paths: &[PathBuf]) -> Result<(), String> {
    let read: Vec<(PathBuf, bcdr::shard::Partial)> = paths
        .iter()
        .map(|p| bcdr::shard::Partial::read(p).map(|x| (p.clone(), x)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let merged = bcdr::shard::merge(&read, None).map_err(|e| e.to_string())?;
    let summary = bcdr::stats::Summary::build(&merged.model, merged.seed, &merged.accumulator);
    bcdr::app::run_files(&summary, &merged.accumulator).map_err(|e| e.to_string())?;
    Ok(())
}

/// Every number of a part's accumulator set to values no run writes (and
/// some it could), with the checksum forged to match: merge either
/// refuses with a message naming the field, or merges; it never panics.
#[test]
fn no_edit_of_a_forged_part_makes_merge_panic() {
    let p = parts();
    let text = std::fs::read_to_string(&p.parts[1]).expect("readable");
    let all = numbers(&text);
    assert!(all.len() > 200, "{}", all.len());
    // Every number of the first few hundred (the headers, the sums and
    // histograms of the annual loss and the first service), then a sample.
    let picked: Vec<_> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 100 || i % 20 == 0)
        .map(|(_, r)| r.clone())
        .collect();
    let forged = p.dir.path().join("forged.json");
    let (mut refused, mut merged) = (0, 0);
    for range in picked {
        let x = &text[range.clone()];
        let plus_one = x
            .parse::<u128>()
            .map_or_else(|_| "1".to_string(), |n| (n + 1).to_string());
        let times = x
            .parse::<f64>()
            .map_or_else(|_| "1".to_string(), |f| format!("{:?}", f * 1.06));
        for with in [
            "0",
            &plus_one,
            &times,
            "1e300",
            "-1",
            "18446744073709551615",
            "4294967296",
            "0.5",
        ] {
            if with == x {
                continue;
            }
            std::fs::write(&forged, forge(&text, range.clone(), with)).expect("written");
            let paths = [p.parts[0].clone(), forged.clone()];
            match catch_unwind(AssertUnwindSafe(|| merge_in_process(&paths))) {
                Ok(Ok(())) => merged += 1,
                Ok(Err(message)) => {
                    assert!(message.contains("forged.json"), "{message}");
                    refused += 1;
                }
                Err(_) => panic!(
                    "merge panicked with {x} set to {with} at {}",
                    &text[range.start.saturating_sub(80)..range.end]
                ),
            }
        }
    }
    // Most edits break an invariant; some (a sum, a count in the middle
    // of a histogram) cannot be told from a real run without the
    // checksum.
    assert!(refused > 2 * merged, "refused {refused}, merged {merged}");
    eprintln!("forged parts: {refused} refused, {merged} merged");
}

/// The edits that made `bcdr merge` panic (exit 101) before: each is now
/// exit 2 naming the part, the field and what is wrong.
#[test]
fn the_edits_that_panicked_are_refused_by_name() {
    let p = parts();
    let text = std::fs::read_to_string(&p.parts[1]).expect("readable");
    let out = p.dir.path().join("never");
    let forged = p.dir.path().join("forged.json");
    let acc = ("\"accumulator\":", 0);
    let annual = ("\"annual_hist\":", 0);
    let services = ("\"services\":", 0);
    // (where, the forged value, what the message says)
    type Case<'a> = (Vec<(&'a str, usize)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        // f64::clamp with min > max.
        (
            vec![acc, annual, ("\"min\":", 0)],
            "1e12",
            "accumulator.annual_hist: min (1000000000000) is above max",
        ),
        // "capacity overflow" when merging.
        (
            vec![acc, services, ("\"outage_hist\":", 0), ("\"offset\":", 0)],
            "18446744073709551610",
            "accumulator.services[0].outage_hist: its",
        ),
        // An index out of range: a histogram of another resolution.
        (
            vec![acc, annual, ("\"bits\":", 0)],
            "60",
            "accumulator.annual_hist: bits is 60, but this histogram keeps 7",
        ),
        (
            vec![acc, services, ("\"rto_met\":", 1)],
            "18446744073709551615",
            "accumulator.services[1].rto_met",
        ),
        (
            vec![acc, ("\"trials\":", 0)],
            "7",
            "must hold trials 1500..3000",
        ),
    ];
    for (path, with, needle) in cases {
        std::fs::write(&forged, forge(&text, field(&text, &path), with)).expect("written");
        let mut cmd = bcdr();
        cmd.arg("merge")
            .arg(&p.parts[0])
            .arg(&forged)
            .arg("--out")
            .arg(&out);
        let err = fails_with(cmd, needle);
        assert!(err.contains("forged.json"), "{err}");
        assert!(!out.exists());
    }
}

/// One changed digit, checksum untouched: refused.
#[test]
fn one_changed_digit_is_refused_by_the_checksum() {
    let p = parts();
    let text = std::fs::read_to_string(&p.parts[1]).expect("readable");
    let at = text.find("\"annual_loss\"").expect("a sum");
    let digit = at
        + text[at..]
            .find(|c: char| c.is_ascii_digit() && c != '0')
            .expect("a digit");
    let mut bytes = text.into_bytes();
    bytes[digit] = if bytes[digit] == b'9' {
        b'8'
    } else {
        bytes[digit] + 1
    };
    let edited = p.dir.path().join("edited.json");
    std::fs::write(&edited, bytes).expect("written");
    let mut cmd = bcdr();
    cmd.arg("merge")
        .arg(&p.parts[0])
        .arg(&edited)
        .arg("--out")
        .arg(p.dir.path().join("never"));
    fails_with(
        cmd,
        "edited.json: not a bcdr partial result: its checksum does not match",
    );
    // A part cut short.
    let text = std::fs::read(&p.parts[1]).expect("readable");
    std::fs::write(&edited, &text[..text.len() - 10]).expect("written");
    let mut cmd = bcdr();
    cmd.arg("merge")
        .arg(&p.parts[0])
        .arg(&edited)
        .arg("--out")
        .arg(p.dir.path().join("never"));
    fails_with(cmd, "not JSON");
}
