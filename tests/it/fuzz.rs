//! A fuzz harness on stable Rust (proptest): mutated scenario texts (from
//! the bundled scenarios/ and from generated estates) and generated valid
//! scenarios go through everything a user can make bcdr do with a file:
//! parse, validate, run a few trials, render the files and the review
//! pack, run two shards and merge them. Nothing may panic or hang.
//!
//! `cargo test` runs a short campaign (`FUZZ_CASES` cases per target, a
//! few seconds). A long one, on demand (600 cases took about two minutes on
//! two busy cores, so this is about an hour):
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test --test it fuzz -- --nocapture
//! ```
//!
//! A failure prints the shrunk input; proptest also saves its seed under
//! `tests/it/proptest-regressions/` (commit it). Every crash found is kept
//! below as a named regression test with its input.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use bcdr::model::{Model, Rate};
use bcdr::report::Provenance;
use bcdr::shard::{Partial, Shard};
use bcdr::sim::{self, Mode, SimPlan};
use bcdr::stats::Summary;

/// Cases per target in `cargo test` (override with PROPTEST_CASES).
const FUZZ_CASES: u32 = 48;

/// Longest a case may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(60);

/// Trials a case runs: two shards of this many together.
const TRIALS: u64 = 6;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FUZZ_CASES)
}

/// Expected events a trial (random failures and threat occurrences), or
/// `None` for a model whose trials would run into the engine's event
/// budget (issue 12: the run then fails with a clear error, but only
/// after seconds a trial in a debug build): such models are validated
/// and their graph drawn, not simulated, to keep the campaign fast.
fn events_per_trial(m: &Model) -> Option<f64> {
    let years = m.horizon.get() / 8760.0;
    let mut events = 0.0;
    for s in &m.services {
        if let Some(f) = &s.failure {
            let cycle = f.ttf.mean() + f.repair.mean();
            if cycle.is_nan() || cycle <= 0.0 || f.ttf.quantile(0.5) <= 0.0 {
                return None;
            }
            events += m.horizon.get() / cycle;
        }
    }
    for t in &m.threats {
        let rate = match &t.rate_per_year {
            Rate::Fixed(r) => *r,
            Rate::Uncertain(d) => d.quantile(0.9999),
        };
        events += rate * years;
    }
    (events.is_finite() && events < 20_000.0).then_some(events)
}

/// Everything bcdr does with a scenario text; `render` adds the review
/// pack (charts, reports), the slow part.
fn exercise(bytes: &[u8], render: bool) {
    let Ok(model) = bcdr::scenario::parse_bytes(bytes) else {
        return;
    };
    let _ = bcdr::scenario::planning_warnings(&model);
    let _ = bcdr::report::graph::dot(&model);
    if events_per_trial(&model).is_none() {
        return;
    }
    let plan = SimPlan::compile(&model);
    let seed = 7;
    let whole =
        sim::simulate(&plan, Mode::Annual, seed, 0..TRIALS, Some(1), None).expect("simulates");
    if sim::check_budget(&whole).is_err() {
        // The run fails with the engine's message: nothing to render.
        return;
    }
    whole
        .check(0..TRIALS)
        .expect("a real accumulator passes its checks");
    let summary = Summary::build(&model, seed, &whole);
    bcdr::app::run_files(&summary, &whole).expect("files render");
    if render {
        let _ = bcdr::report::graph::svg(&model);
        let warnings = bcdr::scenario::planning_warnings(&model);
        let prov = Provenance {
            command: "bcdr run fuzz.ron".to_string(),
        };
        bcdr::report::run_pack(&model, &summary, &whole, &warnings, &prov)
            .expect("the pack renders");
    }
    // Two shards, written, read back and merged: the single run's
    // accumulator.
    let dir = tempfile::tempdir().expect("a folder");
    let text = String::from_utf8_lossy(bytes);
    let mut parts = Vec::new();
    for i in 0..2 {
        let shard = Shard::new(i, 2).expect("a shard");
        let acc = sim::simulate(
            &plan,
            Mode::Annual,
            seed,
            shard.range(TRIALS),
            Some(1),
            None,
        )
        .expect("simulates");
        let p = Partial::new(
            &model,
            Path::new("fuzz.ron"),
            &text,
            seed,
            TRIALS,
            shard,
            acc,
        );
        let path = dir.path().join(shard.file_name());
        std::fs::write(&path, p.to_json().expect("encodes")).expect("written");
        parts.push((
            path.clone(),
            Partial::read(&path).expect("a sound part reads"),
        ));
    }
    parts.reverse();
    let merged = bcdr::shard::merge(&parts, None).expect("the parts merge");
    assert!(
        merged.accumulator == whole,
        "merged shards differ from one run"
    );
}

/// Run `f` on a thread; a hang is a failure naming the input.
fn within_time(input: &[u8], f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            f();
            let _ = tx.send(());
        })
        .expect("a thread");
    match rx.recv_timeout(HANG) {
        Ok(()) => {
            let _ = worker.join();
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "no answer in {HANG:?} (a hang) on:\n{}",
            String::from_utf8_lossy(input)
        ),
    }
}

fn bundled() -> Vec<Vec<u8>> {
    let dir = crate::common::root().join("scenarios");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| std::fs::read(p).expect("readable"))
        .collect();
    out.sort();
    out.push(
        bcdr::sim::generate::layered(12, 3)
            .expect("generates")
            .into_bytes(),
    );
    out
}

/// Tokens a mutation inserts: RON's syntax, the scenario language's
/// names, extreme numbers and durations, and bytes parsers trip on.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\\",
    "/*",
    "//",
    "r#",
    "#",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e-308",
    "NaN",
    "inf",
    "1.5",
    "4294967296",
    "18446744073709551616",
    "\"0h\"",
    "\"0.001s\"",
    "\"1e9y\"",
    "\"-4h\"",
    "\"4 h\"",
    "\"1y\"",
    "Fixed(",
    "Exponential(mean: \"0h\")",
    "Some(",
    "None",
    "true",
    "Tier(",
    "Business",
    "3Business",
    "Site(\"dc\")",
    "\u{0}",
    "\u{1b}[2J",
    "é",
    "\u{202e}",
    "\u{feff}",
    "\"a\"",
    "id: \"x\"",
    "need: 0",
    "crews: 0",
    "_",
    "e",
];

/// One edit of a text: at a position (a fraction of its length), delete,
/// insert a token, duplicate a slice, or change a digit.
#[derive(Debug, Clone)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, usize),
    Duplicate(f64, usize),
    Digit(f64, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, 1..40usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (0.0..1.0f64, 0..TOKENS.len()).prop_map(|(at, t)| Edit::Insert(at, t)),
        (0.0..1.0f64, 1..200usize).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        (0.0..1.0f64, 0..10u8).prop_map(|(at, d)| Edit::Digit(at, d)),
    ]
}

fn apply(text: &mut Vec<u8>, e: &Edit) {
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match *e {
        Edit::Delete(f, n) => {
            let i = at(f, text.len());
            let j = (i + n).min(text.len());
            text.drain(i..j);
        }
        Edit::Insert(f, t) => {
            let i = at(f, text.len());
            text.splice(i..i, TOKENS[t].bytes());
        }
        Edit::Duplicate(f, n) => {
            let i = at(f, text.len());
            let j = (i + n).min(text.len());
            let slice = text[i..j].to_vec();
            text.splice(j..j, slice);
        }
        Edit::Digit(f, d) => {
            // The next digit from the position, if any.
            let i = at(f, text.len());
            if let Some(k) = text[i..].iter().position(u8::is_ascii_digit) {
                text[i + k] = b'0' + d;
            }
        }
    }
}

/// Mutated texts of the bundled scenarios: mostly invalid, some valid
/// with unusual values; all must be handled without a panic or a hang.
#[test]
fn mutated_scenarios_never_panic_or_hang() {
    let sources = bundled();
    let n = sources.len();
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..n, proptest::collection::vec(edit(), 1..6), any::<bool>());
    runner
        .run(&strategy, |(source, edits, render)| {
            let mut text = sources[source].clone();
            for e in &edits {
                apply(&mut text, e);
            }
            let input = text.clone();
            within_time(&input, move || exercise(&text, render && source % 3 == 0));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Generated valid estates of every size the tests can afford, with any
/// seed: valid, simulated, rendered and merged.
#[test]
fn generated_scenarios_run_render_and_merge() {
    let mut runner = TestRunner::new(Config {
        cases: (cases() / 4).max(4),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(4..60usize, any::<u64>()), |(services, seed)| {
            let text = bcdr::sim::generate::layered(services, seed).expect("generates");
            let model = bcdr::scenario::parse_str(&text);
            prop_assert!(
                model.is_ok(),
                "a generated scenario is invalid: {:?}",
                model.err()
            );
            let bytes = text.into_bytes();
            let input = bytes.clone();
            within_time(&input, move || exercise(&bytes, services < 20));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

// Regression tests: every crash the harness (or the fault campaign of
// issue 19) found, by name, with its input.

/// `tier: 3Business` made ron suggest `r#3Business`, which no field takes.
#[test]
fn regression_raw_identifier_tier() {
    let err = bcdr::scenario::parse_str(
        r#"Scenario(name: "x", services: [Service(id: "a", tier: 3Business)])"#,
    )
    .expect_err("invalid");
    let msg = err.to_string();
    assert!(!msg.contains("r#"), "{msg}");
    assert!(msg.contains("Business`?"), "{msg}");
    assert!(
        msg.contains("Infrastructure, Platform, Application, Business"),
        "{msg}"
    );
}

/// A NUL in an id made the chart SVGs invalid XML.
#[test]
fn regression_nul_in_an_id() {
    let err = bcdr::scenario::parse_str(
        "Scenario(name: \"x\", services: [Service(id: \"a\\u{0}\", revenue_per_hour: 1)])",
    )
    .expect_err("refused");
    assert!(err.to_string().contains("U+0000 (NUL)"), "{err}");
}

/// Rates at the cap and losses of 10^12: the squares of the annual losses
/// saturate the exact sums' fixed-point range, and the first version of
/// merge's checks (sum² ≤ n · sum of squares) refused this real run's
/// parts as forged. Found by this harness.
#[test]
fn regression_saturated_sums_pass_the_merge_checks() {
    let text = r#"Scenario(name: "cap", horizon: "1d", services: [
        Service(id: "a", revenue_per_hour: 1e9, rto: "1s"),
    ], threats: [
        Outage(id: "o", rate_per_year: 1000000, targets: [Service("a")], duration: Fixed("1s")),
        LossEvent(id: "l", rate_per_year: 1000000, cost: Fixed(1e12)),
    ])"#;
    within_time(text.as_bytes(), move || exercise(text.as_bytes(), true));
}
