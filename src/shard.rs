//! Sharded runs: split one run's trials over several machines and merge
//! the parts into exactly the result of a single run.
//!
//! `bcdr run SCENARIO --shard I/N` runs the trials of shard I of N and
//! writes a partial result, `partial-I-of-N.json`. Shards are numbered
//! from 0, like `SLURM_ARRAY_TASK_ID` (with `--array=0-9`) and a Kubernetes
//! Indexed Job's `JOB_COMPLETION_INDEX`, so a job passes its index
//! straight through. Shard i of N runs the contiguous trial indices
//! [⌊i·T/N⌋, ⌊(i+1)·T/N⌋); the shards cover 0..T exactly once.
//!
//! Every draw is keyed by (seed, trial index, ...), and every accumulator
//! merges with exact integer arithmetic, so merging the parts in any order
//! gives the accumulator, and so the `summary.json` bytes, of a single run
//! with the same seed and trial count.
//!
//! # The partial file (format `bcdr-partial`, version 3)
//!
//! One JSON object, header fields first:
//!
//! | field | meaning |
//! |---|---|
//! | `format` | always `"bcdr-partial"` |
//! | `format_version` | 3 ([`PARTIAL_VERSION`]) |
//! | `bcdr_version` | the bcdr that ran the shard; merge refuses parts from another version, whose results could differ |
//! | `scenario` | the scenario's `name` |
//! | `scenario_file` | the scenario's file name (merge's default output folder is `outputs/<its stem>/`) |
//! | `scenario_hash` | `fnv1a128:` and 32 hex digits: FNV-1a 128 of the scenario file's bytes |
//! | `seed`, `trials` | of the whole run |
//! | `shard` | `{ "index": I, "count": N }` |
//! | `trial_range` | `[start, end)` of the trial indices this shard ran |
//! | `scenario_text` | the scenario file itself, so that merge needs nothing else |
//! | `accumulator` | the shard's accumulated statistics (exact integer sums and histogram counts) |
//! | `checksum` | `fnv1a128:` and 32 hex digits: FNV-1a 128 of every byte of the file before `,"checksum"` |
//!
//! The scenario travels inside the partial (a pod or array task can ship
//! its one file back without a shared filesystem); `bcdr merge --scenario
//! FILE` additionally checks that FILE is the scenario the parts ran. The
//! scenario hash detects parts of different scenarios; the checksum
//! detects any changed byte of the part (one digit of a count). Neither is
//! a defence against deliberate forgery, so merge also checks every
//! invariant of each accumulator (counts that add up, histograms of the
//! right resolution with ordered extremes, blocks inside the part's
//! trials) and refuses, naming the part and the field, what no run could
//! have written: a tampered part is an error (exit 2), never a panic.
//!
//! A part is read with a size limit (1 GiB, `MAX_PARTIAL_BYTES` in the
//! crate-private `input` module).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::fmt::plural;
use crate::model::Model;
use crate::scenario;
use crate::stats::Accumulator;

/// The `format` tag of a partial result.
pub const PARTIAL_FORMAT: &str = "bcdr-partial";
/// The version of the partial format this build writes and reads.
pub const PARTIAL_VERSION: u32 = 3;

/// Missing shards listed by number in merge's message; the rest are
/// counted.
const MISSING_SHOWN: usize = 10;

/// Shard `index` of `count`, numbered from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// This shard's number, `0..count`.
    pub index: u64,
    /// How many shards the run is split into (at least 1).
    pub count: u64,
}

impl Shard {
    /// # Errors
    /// A message when `count` is 0 or `index` is not below it.
    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count N in I/N must be at least 1".to_string());
        }
        if index >= count {
            return Err(format!(
                "shard {index} does not exist in {}: shards are numbered from 0, \
                 so I/N needs 0 <= I <= {} (pass SLURM_ARRAY_TASK_ID with --array=0-{} or \
                 JOB_COMPLETION_INDEX as I)",
                plural(count as usize, "shard"),
                count - 1,
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// The trial indices of this shard in a run of `trials` trials:
    /// [⌊i·T/N⌋, ⌊(i+1)·T/N⌋).
    pub fn range(self, trials: u64) -> Range<u64> {
        let at = |i: u64| (u128::from(i) * u128::from(trials) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// `partial-I-of-N.json`.
    pub fn file_name(self) -> String {
        format!("partial-{}-of-{}.json", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parse `I/N`, for example `0/10` (0-based).
    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = || {
            format!(
                "\"{s}\" is not a shard: write I/N, such as 0/10 for the first of 10 shards \
                 (shards are numbered from 0 to N-1)"
            )
        };
        let (i, n) = s.trim().split_once('/').ok_or_else(usage)?;
        let i: u64 = i.trim().parse().map_err(|_| usage())?;
        let n: u64 = n.trim().parse().map_err(|_| usage())?;
        Shard::new(i, n)
    }
}

/// FNV-1a 128 of `bytes`, as `fnv1a128:` and 32 lower-case hex digits.
pub fn content_hash(bytes: &[u8]) -> String {
    const BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    let mut h = BASIS;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("fnv1a128:{h:032x}")
}

/// A partial result: one shard of a run (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`PARTIAL_FORMAT`]: what the file is.
    pub format: String,
    /// [`PARTIAL_VERSION`] when written; another version is refused.
    pub format_version: u32,
    /// The bcdr version that ran the shard; every part must agree.
    pub bcdr_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's file name as given to `bcdr run`.
    pub scenario_file: String,
    /// [`content_hash`] of the scenario file's bytes.
    pub scenario_hash: String,
    /// The run's seed.
    pub seed: u64,
    /// The run's total trials (all shards).
    pub trials: u64,
    /// Which shard this is.
    pub shard: Shard,
    /// The trials this shard ran: `[start, end)` of `0..trials`.
    pub trial_range: [u64; 2],
    /// The scenario file's text, so the merge needs no other file.
    pub scenario_text: String,
    /// This shard's accumulator.
    pub accumulator: Accumulator,
    /// Of every byte before it (see the module docs); written by
    /// [`Partial::to_json`], which computes it, and checked by
    /// [`Partial::read`].
    #[serde(default, skip_serializing)]
    pub checksum: String,
}

/// The field that ends a partial file: `,"checksum":"` + hash + `"}`.
const CHECKSUM_FIELD: &[u8] = b",\"checksum\":\"";

/// Just enough of a file to tell whether it is a partial, and which.
#[derive(Deserialize)]
struct Tag {
    format: Option<String>,
    format_version: Option<u32>,
}

impl Partial {
    /// The partial of `shard` of a run of `trials` trials of the scenario
    /// file `file` (whose text is `text`) with `seed`.
    pub fn new(
        model: &Model,
        file: &Path,
        text: &str,
        seed: u64,
        trials: u64,
        shard: Shard,
        accumulator: Accumulator,
    ) -> Partial {
        let r = shard.range(trials);
        Partial {
            format: PARTIAL_FORMAT.to_string(),
            format_version: PARTIAL_VERSION,
            bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: model.name.clone(),
            scenario_file: file.file_name().map_or_else(
                || "scenario.ron".to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            scenario_hash: content_hash(text.as_bytes()),
            seed,
            trials,
            shard,
            trial_range: [r.start, r.end],
            scenario_text: text.to_string(),
            accumulator,
            checksum: String::new(),
        }
    }

    /// Compact JSON with a trailing newline, ending with the checksum of
    /// every byte before it.
    ///
    /// # Errors
    /// Serialisation cannot fail for these types; an error is still mapped.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        let mut bytes = serde_json::to_vec(self)
            .map_err(|e| Error::Usage(format!("cannot encode a partial result: {e}")))?;
        // `{...}`: the checksum goes in before the closing brace.
        bytes.pop();
        let sum = content_hash(&bytes);
        bytes.extend_from_slice(CHECKSUM_FIELD);
        bytes.extend_from_slice(sum.as_bytes());
        bytes.extend_from_slice(b"\"}\n");
        Ok(bytes)
    }

    /// Read and check one partial file: its tag and version, that its
    /// stored scenario matches its hash, and that its trial range is the
    /// one its shard number gives.
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, [`Error::Partial`]
    /// when it is not a (sound) partial result.
    pub fn read(path: &Path) -> Result<Partial, Error> {
        let bytes =
            crate::input::read_limited(path, crate::input::MAX_PARTIAL_BYTES, "a partial result")?;
        let bad = |message: String| Error::Partial {
            path: path.to_path_buf(),
            message,
        };
        let tag: Tag = serde_json::from_slice(&bytes).map_err(|e| {
            bad(format!(
                "not JSON ({e}); merge takes the partial-I-of-N.json files written by \
                 `bcdr run --shard I/N`"
            ))
        })?;
        if tag.format.as_deref() != Some(PARTIAL_FORMAT) {
            return Err(bad(format!(
                "it has no \"format\": \"{PARTIAL_FORMAT}\" field (a summary.json or another \
                 file?); merge takes the partial-I-of-N.json files written by \
                 `bcdr run --shard I/N`"
            )));
        }
        match tag.format_version {
            Some(PARTIAL_VERSION) => {}
            Some(v) => {
                return Err(bad(format!(
                    "format version {v}, but this bcdr reads version {PARTIAL_VERSION}: merge \
                     with the bcdr version that ran the shards"
                )))
            }
            None => return Err(bad("it has no format_version".to_string())),
        }
        let stored = stored_checksum(&bytes).ok_or_else(|| {
            bad(
                "it does not end with its checksum: the file is incomplete or was edited; \
                 run the shard again"
                    .to_string(),
            )
        })?;
        if content_hash(&bytes[..stored.0]) != stored.1 {
            return Err(bad(format!(
                "its checksum does not match its content: the file was edited or damaged \
                 (checksum {}, content {}); run the shard again",
                stored.1,
                content_hash(&bytes[..stored.0])
            )));
        }
        let p: Partial = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("damaged or incomplete: {e}")))?;
        if content_hash(p.scenario_text.as_bytes()) != p.scenario_hash {
            return Err(bad(
                "its stored scenario does not match its scenario_hash: the file was edited \
                 or damaged; run the shard again"
                    .to_string(),
            ));
        }
        let shard = Shard::new(p.shard.index, p.shard.count).map_err(&bad)?;
        if p.trials > crate::app::MAX_TRIALS {
            return Err(bad(format!(
                "a run of {} trials, more than the {} a run may have: the file was edited or \
                 damaged",
                p.trials,
                crate::app::MAX_TRIALS
            )));
        }
        let r = shard.range(p.trials);
        if p.trial_range != [r.start, r.end] || p.accumulator.trials != r.end - r.start {
            return Err(bad(format!(
                "shard {shard} of {} trials must hold trials {}..{}, but it holds {} \
                 over {}..{}: the file was edited or damaged; run the shard again",
                p.trials,
                r.start,
                r.end,
                plural(p.accumulator.trials as usize, "trial"),
                p.trial_range[0],
                p.trial_range[1]
            )));
        }
        p.accumulator.check(r).map_err(|e| {
            bad(format!(
                "accumulator.{e}: no run writes this, so the file was edited or damaged; run \
                 the shard again"
            ))
        })?;
        Ok(p)
    }
}

/// Where the checksummed bytes of a partial file end, and the checksum it
/// stores: `(length, "fnv1a128:...")`.
fn stored_checksum(bytes: &[u8]) -> Option<(usize, &str)> {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    let body = bytes[..end].strip_suffix(b"\"}")?;
    let at = body
        .windows(CHECKSUM_FIELD.len())
        .rposition(|w| w == CHECKSUM_FIELD)?;
    let sum = std::str::from_utf8(&body[at + CHECKSUM_FIELD.len()..]).ok()?;
    Some((at, sum))
}

/// The counts that merging adds up must fit in 64 bits (each part passed
/// [`Accumulator::check`], whose trial counts are bounded; the event
/// counts are not).
fn check_totals(parts: &BTreeMap<u64, (&PathBuf, &Partial)>) -> Result<(), Error> {
    let Some((_, first)) = parts.values().next() else {
        return Ok(());
    };
    let fields = |a: &Accumulator| -> Vec<(String, u64)> {
        let mut v = Vec::new();
        for (i, s) in a.services.iter().enumerate() {
            v.push((format!("services[{i}].outages"), s.outages));
        }
        for (i, c) in a.causes.iter().enumerate() {
            v.push((format!("causes[{i}].contained"), c.contained));
            v.push((format!("causes[{i}].encrypted"), c.encrypted));
            v.push((format!("causes[{i}].compromised"), c.compromised));
        }
        v
    };
    let mut totals: Vec<(String, u128)> = fields(&first.accumulator)
        .into_iter()
        .map(|(f, _)| (f, 0))
        .collect();
    for (path, p) in parts.values() {
        for (t, (_, x)) in totals.iter_mut().zip(fields(&p.accumulator)) {
            t.1 += u128::from(x);
            if t.1 > u128::from(u64::MAX) {
                return Err(Error::Partial {
                    path: path.to_path_buf(),
                    message: format!(
                        "accumulator.{}: the parts add up to more than 2^64 events: a part was \
                         edited or damaged",
                        t.0
                    ),
                });
            }
        }
    }
    Ok(())
}

/// A complete set of parts, merged.
#[derive(Debug)]
pub struct Merged {
    /// The scenario, validated from the parts' text.
    pub model: Model,
    /// The scenario's file name as the shards recorded it.
    pub scenario_file: String,
    /// The run's seed.
    pub seed: u64,
    /// Every part's accumulator, merged in shard order.
    pub accumulator: Accumulator,
    /// How many shards were merged.
    pub shards: u64,
}

/// Check that `parts` are every shard of one run, exactly once, and merge
/// them. When `scenario` is given (its path and bytes), it must be the
/// scenario file the parts ran.
///
/// Every check runs before anything is merged, and nothing is written here,
/// so a refused merge leaves no output behind.
///
/// # Errors
/// [`Error::Usage`] for parts of different runs, a duplicate or missing
/// shard, or a scenario file that is not the one the parts ran;
/// [`Error::Partial`] for a part that does not fit its own scenario;
/// [`Error::Scenario`] when the stored scenario no longer validates.
pub fn merge(
    parts: &[(PathBuf, Partial)],
    scenario: Option<(&Path, &[u8])>,
) -> Result<Merged, Error> {
    let Some((first_path, first)) = parts.first() else {
        return Err(Error::Usage(
            "merge needs the partial-I-of-N.json files of every shard".to_string(),
        ));
    };
    for (path, p) in &parts[1..] {
        let differ = |what: &str, a: &dyn fmt::Display, b: &dyn fmt::Display| {
            Error::Usage(format!(
                "{} and {} are parts of different runs ({what} {a} vs {b}): merge only the \
                 parts of one `bcdr run --shard` job",
                first_path.display(),
                path.display()
            ))
        };
        if p.scenario_hash != first.scenario_hash {
            return Err(differ(
                "scenario",
                &format!("\"{}\" {}", first.scenario_file, first.scenario_hash),
                &format!("\"{}\" {}", p.scenario_file, p.scenario_hash),
            ));
        }
        if p.seed != first.seed {
            return Err(differ("seed", &first.seed, &p.seed));
        }
        if p.trials != first.trials {
            return Err(differ("trials", &first.trials, &p.trials));
        }
        if p.shard.count != first.shard.count {
            return Err(differ("shard count", &first.shard.count, &p.shard.count));
        }
        if p.bcdr_version != first.bcdr_version {
            return Err(differ("bcdr version", &first.bcdr_version, &p.bcdr_version));
        }
    }
    let this = env!("CARGO_PKG_VERSION");
    if first.bcdr_version != this {
        return Err(Error::Usage(format!(
            "the parts were run by bcdr {}, this is bcdr {this}: merge with the version that \
             ran the shards (results of different versions may differ)",
            first.bcdr_version
        )));
    }

    let count = first.shard.count;
    let mut by_index: BTreeMap<u64, (&PathBuf, &Partial)> = BTreeMap::new();
    for (path, p) in parts {
        if let Some((other, _)) = by_index.insert(p.shard.index, (path, p)) {
            return Err(Error::Usage(format!(
                "shard {} is given twice: {} and {}; pass each shard's part once",
                p.shard,
                other.display(),
                path.display()
            )));
        }
    }
    // Counted, not listed: a part of a billion-shard run would otherwise
    // list a billion names.
    let missing_count = count - by_index.len() as u64;
    if missing_count > 0 {
        let run = first;
        let first: Vec<u64> = (0..count)
            .filter(|i| !by_index.contains_key(i))
            .take(MISSING_SHOWN)
            .collect();
        let names: Vec<String> = first
            .iter()
            .map(|&i| Shard { index: i, count }.file_name())
            .collect();
        let more = if missing_count > first.len() as u64 {
            format!(" and {} more", missing_count - first.len() as u64)
        } else {
            String::new()
        };
        return Err(Error::Usage(format!(
            "missing {missing_count} of {}: {}{more} ({}{more}); merge needs every shard of \
             the run: run each missing one with the same options, such as `bcdr run {} \
             --trials {} --seed {} --shard {}/{count}`, then merge again",
            plural(count as usize, "shard"),
            first
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            names.join(", "),
            crate::fmt::shell_quote(&run.scenario_file),
            run.trials,
            run.seed,
            first[0],
        )));
    }

    if let Some((path, bytes)) = scenario {
        let hash = content_hash(bytes);
        if hash != first.scenario_hash {
            return Err(Error::Usage(format!(
                "{} is not the scenario these parts ran (its content hash is {hash}, the \
                 parts' is {} from \"{}\"): pass the same file, or leave out --scenario to use \
                 the copy stored in the parts",
                path.display(),
                first.scenario_hash,
                first.scenario_file
            )));
        }
    }

    let model = scenario::parse_str(&first.scenario_text).map_err(|source| Error::Scenario {
        path: PathBuf::from(&first.scenario_file),
        source,
    })?;
    let appetite: Vec<f64> = model.risk_appetite.iter().map(|a| a.loss.get()).collect();
    let mut accumulator =
        Accumulator::new(model.services.len(), model.threats.len()).with_appetite(&appetite);
    for (path, p) in by_index.values() {
        let a = &p.accumulator;
        if a.services.len() != model.services.len() || a.causes.len() != model.threats.len() + 1 {
            return Err(Error::Partial {
                path: path.to_path_buf(),
                message: format!(
                    "its statistics cover {} services and {} causes, but its scenario has {} \
                     services and {} threats: the file was edited or damaged",
                    a.services.len(),
                    a.causes.len(),
                    model.services.len(),
                    model.threats.len()
                ),
            });
        }
        let counted: Vec<f64> = a.appetite.iter().map(|e| e.loss).collect();
        if counted != appetite {
            return Err(Error::Partial {
                path: path.to_path_buf(),
                message: format!(
                    "it counts the risk appetite at losses {counted:?}, but its scenario's \
                     appetite is at {appetite:?}: the file was edited or damaged"
                ),
            });
        }
    }
    check_totals(&by_index)?;
    for (_, p) in by_index.values() {
        accumulator.merge(&p.accumulator);
    }
    Ok(Merged {
        model,
        scenario_file: first.scenario_file.clone(),
        seed: first.seed,
        accumulator,
        shards: count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_cover_every_trial_once() {
        assert_eq!("0/3".parse::<Shard>(), Ok(Shard { index: 0, count: 3 }));
        assert_eq!(" 2 / 3 ".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "1/0", "-1/3", "1", "a/b", "1/3/4", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let msg = "3/3".parse::<Shard>().unwrap_err();
        assert!(msg.contains("numbered from 0"), "{msg}");
        for (trials, count) in [(10, 3), (1000, 7), (5, 5), (u64::MAX, 4)] {
            let mut next = 0;
            for i in 0..count {
                let r = Shard { index: i, count }.range(trials);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, trials);
        }
        assert_eq!(Shard { index: 1, count: 3 }.range(10), 3..6);
        assert_eq!(
            Shard {
                index: 0,
                count: 10
            }
            .file_name(),
            "partial-0-of-10.json"
        );
    }

    #[test]
    fn content_hash_is_fnv1a_128() {
        // Published FNV-1a 128 test vectors.
        assert_eq!(
            content_hash(b""),
            "fnv1a128:6c62272e07bb014262b821756295c58d"
        );
        assert_eq!(
            content_hash(b"a"),
            "fnv1a128:d228cb696f1a8caf78912b704e4a8964"
        );
    }

    /// The accumulator must come back from JSON bit for bit (f64 extremes
    /// of the histograms, 256-bit sums), or a merge could differ from a
    /// single run.
    #[test]
    fn partial_round_trips_exactly() {
        let text = r#"Scenario(name: "rt", horizon: "1y", services: [
            Service(id: "a", failure: (mtbf: "300h", repair: Exponential(mean: "7.3h")),
                    revenue_per_hour: 1234.567, rto: "4h"),
        ], threats: [LossEvent(id: "fine", rate_per_year: 0.7, cost: Uniform(min: 0.1, max: 99999.9))])"#;
        let model = scenario::parse_str(text).expect("valid");
        let plan = crate::sim::SimPlan::compile(&model);
        let shard = Shard::new(1, 3).expect("shard");
        let acc = crate::sim::simulate(
            &plan,
            crate::sim::Mode::Annual,
            5,
            shard.range(600),
            Some(1),
            None,
        )
        .expect("runs");
        let p = Partial::new(&model, Path::new("dir/rt.ron"), text, 5, 600, shard, acc);
        assert_eq!(p.scenario_file, "rt.ron");
        let json = p.to_json().expect("encodes");
        let mut back: Partial = serde_json::from_slice(&json).expect("decodes");
        assert_eq!(back.checksum, stored_checksum(&json).expect("a checksum").1);
        back.checksum.clear();
        assert_eq!(back, p);
        // The accumulator of a real run passes every check.
        back.accumulator.check(shard.range(600)).expect("sound");

        // serde_json's default float parser is off by one ulp for about one
        // value in ten (this one among them); the `float_roundtrip`
        // feature makes it exact. A histogram's max is reported as is.
        let mut h = crate::stats::LogHist::new(7);
        h.add(492_182.533_429_853_15);
        let json = serde_json::to_string(&h).expect("encodes");
        let back: crate::stats::LogHist = serde_json::from_str(&json).expect("decodes");
        assert_eq!(back.max().map(f64::to_bits), h.max().map(f64::to_bits));
    }
}
