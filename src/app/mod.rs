//! One function per command: load → validate → lock the output folder →
//! simulate → summarise → export. The binary calls these; they write
//! human-readable text to the writer they are given and files through
//! [`emit`] (a pack into an output folder, see [`crate::report::OutDir`])
//! or [`crate::report::write_atomic`] (the one file of `generate`).
//!
//! One module per command family: `run`, `drill`, `compare`, `sweep`,
//! `shard` (`run --shard` and `merge`), [`review`] (the review loop:
//! trend, explain, tornado, importance) and `inspect` (validate, graph,
//! generate); their functions are re-exported here. What they share lives here:
//! the options, the output folders' names, the reproducing command line
//! and [`emit`].

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::report::OutDir;
use crate::review::gate::Status;

mod compare;
mod drill;
mod inspect;
pub mod review;
mod run;
mod shard;
mod sweep;

pub use compare::{compare, default_compare_dir};
pub use drill::{
    default_drill_dir, drill, drill_outcome, drill_results, drill_threat, outcome_label,
    DrillResults, DrillRun,
};
pub use inspect::{generate, graph, validate, validate_gate};
pub use run::{run, run_files, run_gated, run_labelled, RunOutcome};
pub use shard::{merge, run_shard};
pub use sweep::{default_sweep_dir, sweep};

/// Options of every simulating command.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Trials to run (`--trials`).
    pub trials: u64,
    /// The random seed (`--seed`): the same seed gives the same bytes.
    pub seed: u64,
    /// Worker threads (`--threads`; default one per core); results do not depend on it.
    pub threads: Option<usize>,
    /// The output folder (`--out`); the command's default folder when `None`.
    pub out: Option<PathBuf>,
    /// No progress bar and no screen summary (`--quiet`).
    pub quiet: bool,
}

fn io_err(e: std::io::Error) -> Error {
    Error::Write {
        path: PathBuf::from("<stdout>"),
        source: e,
    }
}

/// The default output folder of a scenario: `outputs/<file stem>/`.
pub fn default_out_dir(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string());
    Path::new("outputs").join(stem)
}

/// The one way a command emits its files: the pack goes into the locked
/// output folder as one unit (whole or not at all); then, when `screen` is
/// given (the command is not quiet), the one-screen summary and where the
/// files went, after `done` ("merged 4 shards; ").
///
/// # Errors
/// A failed write (the folder is then as it was), or a failed print.
pub fn emit(
    dir: &OutDir,
    files: &[(String, Vec<u8>)],
    screen: Option<&str>,
    done: &str,
    out: &mut dyn Write,
) -> Result<Vec<PathBuf>, Error> {
    let written = dir.write_pack(files)?;
    if let Some(screen) = screen {
        write!(out, "{screen}").map_err(io_err)?;
        writeln!(
            out,
            "\n{done}wrote {} files to {}",
            written.len(),
            dir.path().display()
        )
        .map_err(io_err)?;
    }
    Ok(written)
}

/// The outcome of a command that is also a CI gate: its status (the
/// binary's exit code, see [`crate::review::gate`]) and, when it failed,
/// why, one line each (the binary prints them on stderr as errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gated {
    /// Passed or failed (the exit code).
    pub status: Status,
    /// Why it failed, one line each; empty when it passed.
    pub failures: Vec<String>,
}

impl Gated {
    /// Failed when there is any failure, passed otherwise.
    fn from_failures(failures: Vec<String>) -> Gated {
        let status = if failures.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        };
        Gated { status, failures }
    }
}

/// Progress callback of a simulating command: trials done so far.
pub type OnProgress<'a> = Option<&'a (dyn Fn(u64) + Sync)>;

/// The command line that reproduces a result: the command, the scenario
/// as given, the threat of a drill, the trial count and the seed (the
/// thread count and the output folder do not change the numbers).
pub fn command_line(command: &str, path: &Path, threat: Option<&str>, opts: &SimOptions) -> String {
    let mut s = format!(
        "bcdr {command} {}",
        crate::fmt::shell_quote(&path.display().to_string())
    );
    if let Some(threat) = threat {
        s.push_str(&format!(" --threat {}", crate::fmt::shell_quote(threat)));
    }
    s.push_str(&format!(" --trials {} --seed {}", opts.trials, opts.seed));
    s
}

/// The most trials one run may have (10^9). Memory grows with the trial
/// count in one place, the convergence record (a point per
/// 1024 trials (`CONVERGENCE_CHUNK`), kept exactly so that
/// shards merge into a single run's bytes): about 100 MB at this limit.
/// A billion trials also take hours on a large estate; the 1-in-100 year
/// loss is within a few percent at 10^5.
pub const MAX_TRIALS: u64 = 1_000_000_000;

/// Check the trial count of a simulating command.
///
/// # Errors
/// [`Error::Usage`] for 0 trials or more than [`MAX_TRIALS`].
pub fn check_trials(trials: u64) -> Result<(), Error> {
    if trials == 0 {
        return Err(Error::Usage(
            "--trials must be at least 1: a trial is a simulated year of `run` (100000 give \
             the 1-in-100 year loss within a few percent) or one occurrence of a `drill`"
                .to_string(),
        ));
    }
    if trials > MAX_TRIALS {
        let points = trials / crate::stats::acc::CONVERGENCE_CHUNK;
        return Err(Error::Usage(format!(
            "--trials {trials} is more than the {MAX_TRIALS} (1e9) a run may have: the run \
             would keep {points} convergence points (about {} MB) and take far longer than \
             its precision is worth; the 1-in-100 year loss is within a few percent at 100000 \
             trials. Pass at most --trials {MAX_TRIALS}",
            points.saturating_mul(100) / 1_000_000
        )));
    }
    Ok(())
}

fn check_sim(opts: &SimOptions) -> Result<(), Error> {
    check_trials(opts.trials)
}

/// `outputs/<name>`, a command's default output folder. Its name is made
/// of file stems and ids, which can be long: one past the 255 bytes a file
/// name may have (a 300-character threat id, two long file names side by
/// side) is shortened as bcdr's names beside a folder are (its first 180
/// bytes, `~` and a hash of the whole), instead of failing with "File name
/// too long".
fn default_folder(name: &str) -> PathBuf {
    const NAME_MAX: usize = 255;
    if name.len() <= NAME_MAX {
        return Path::new("outputs").join(name);
    }
    Path::new("outputs").join(crate::report::outdir::stem(name))
}

/// A file's stem, or `scenario`: the name of its default output folder.
fn file_stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "scenario".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_fails_exactly_when_something_failed() {
        let passed = Gated::from_failures(Vec::new());
        assert_eq!(passed.status, Status::Pass);
        assert_eq!(passed.status.code(), 0);
        let failed = Gated::from_failures(vec!["breached".to_string()]);
        assert_eq!(failed.status, Status::Fail);
        assert_eq!(failed.status.code(), 1);
        assert_eq!(failed.failures, vec!["breached".to_string()]);
    }

    #[test]
    fn default_folders_are_named_after_the_files() {
        let a = Path::new("plans/a.ron");
        assert_eq!(default_out_dir(a), Path::new("outputs").join("a"));
        assert_eq!(
            default_compare_dir(a, Path::new("b.ron")),
            Path::new("outputs").join("compare-a-vs-b")
        );
        assert_eq!(
            default_drill_dir(a, "dc fire"),
            Path::new("outputs").join("a-drill-dc_fire")
        );
    }
}
