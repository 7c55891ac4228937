//! The review-loop commands (`bcdr trend`, `explain`, `tornado`,
//! `importance`): load, compute, render every file, write them, print the
//! one-screen summary unless quiet.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{default_folder, emit, file_stem, OnProgress, SimOptions};
use crate::error::Error;
use crate::report;
use crate::scenario;

use crate::review::explain::{Explain, ExplainRun};
use crate::review::importance::{Importance, ImportanceRun};
use crate::review::tornado::{Tornado, TornadoRun};
use crate::review::trend::Trend;

fn finish(
    files: &[(String, Vec<u8>)],
    dir: &Path,
    pack: report::Pack,
    screen: String,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let dir = report::outdir::OutDir::lock(dir, pack, report::outdir::Wait::No)?;
    emit(&dir, files, (!quiet).then_some(screen.as_str()), "", out)?;
    Ok(())
}

/// `bcdr trend RUN_DIR...`: writes `trend.json`, `trend.csv`, the charts
/// and the report (default folder `outputs/trend/`).
///
/// # Errors
/// No folder, a folder without a readable `summary.json`, a failed write.
pub fn trend(
    dirs: &[PathBuf],
    dir: Option<&Path>,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<Trend, Error> {
    let tr = crate::review::trend::trend(dirs)?;
    let dir = dir.map_or_else(|| Path::new("outputs").join("trend"), Path::to_path_buf);
    finish(
        &report::trend::files(&tr)?,
        &dir,
        report::Pack::Trend,
        report::trend::screen(&tr),
        quiet,
        out,
    )?;
    Ok(tr)
}

/// Read a scenario as raw structs, after checking it validates (so that
/// its errors name the file).
fn load_raw(path: &Path) -> Result<crate::scenario::raw::Scenario, Error> {
    scenario::load(path)?;
    let bytes = crate::input::read_scenario(path)?;
    let text = String::from_utf8_lossy(&bytes);
    scenario::validate::parse_raw(&text).map_err(|source| Error::Scenario {
        path: path.to_path_buf(),
        source,
    })
}

/// `bcdr explain OLD NEW`: the waterfall of changes (default folder
/// `outputs/explain-<old>-vs-<new>/`).
///
/// # Errors
/// Either scenario's errors, a bad option, [`Error::Memory`] when the estate
/// does not fit in the memory available (naming both files), a failed write.
pub fn explain(
    old: &Path,
    new: &Path,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<Explain, Error> {
    let (ro, rn) = (load_raw(old)?, load_raw(new)?);
    let dir = opts.out.clone().unwrap_or_else(|| {
        default_folder(&format!("explain-{}-vs-{}", file_stem(old), file_stem(new)))
    });
    report::OutDir::check(&dir, report::Pack::Explain)?;
    let e = crate::review::explain::explain(
        &ro,
        &rn,
        &ExplainRun {
            old_file: &old.display().to_string(),
            new_file: &new.display().to_string(),
            seed: opts.seed,
            trials: opts.trials,
            threads: opts.threads,
        },
        progress,
    )
    .map_err(|e| e.in_scenarios(&[old, new]))?;
    finish(
        &report::explain::files(
            &e,
            [ro.description.as_deref(), rn.description.as_deref()].map(described),
        )?,
        &dir,
        report::Pack::Explain,
        report::explain::screen(&e),
        opts.quiet,
        out,
    )?;
    Ok(e)
}

/// `bcdr tornado SCENARIO`: every parameter down and up (default folder
/// `outputs/tornado-<stem>/`).
///
/// # Errors
/// The scenario's errors, a bad option, [`Error::Memory`] when the estate does
/// not fit in the memory available (naming the file), a failed write.
pub fn tornado(
    path: &Path,
    vary: f64,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<Tornado, Error> {
    let model = scenario::load(path)?;
    let dir = opts
        .out
        .clone()
        .unwrap_or_else(|| default_folder(&format!("tornado-{}", file_stem(path))));
    report::OutDir::check(&dir, report::Pack::Tornado)?;
    let t = crate::review::tornado::tornado(
        &model,
        &TornadoRun {
            vary,
            seed: opts.seed,
            trials: opts.trials,
            threads: opts.threads,
        },
        progress,
    )
    .map_err(|e| e.in_scenarios(&[path]))?;
    finish(
        &report::tornado::files(&t, described(model.description.as_deref()))?,
        &dir,
        report::Pack::Tornado,
        report::tornado::screen(&t),
        opts.quiet,
        out,
    )?;
    Ok(t)
}

/// `bcdr importance SCENARIO`: service and control worths (default folder
/// `outputs/importance-<stem>/`).
///
/// # Errors
/// The scenario's errors, a bad option, [`Error::Memory`] when the estate does
/// not fit in the memory available (naming the file), a failed write.
pub fn importance(
    path: &Path,
    top: usize,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<Importance, Error> {
    let model = scenario::load(path)?;
    let dir = opts
        .out
        .clone()
        .unwrap_or_else(|| default_folder(&format!("importance-{}", file_stem(path))));
    report::OutDir::check(&dir, report::Pack::Importance)?;
    let im = crate::review::importance::importance(
        &model,
        &ImportanceRun {
            seed: opts.seed,
            trials: opts.trials,
            threads: opts.threads,
            top,
        },
        progress,
    )
    .map_err(|e| e.in_scenarios(&[path]))?;
    finish(
        &report::importance::files(&im, described(model.description.as_deref()))?,
        &dir,
        report::Pack::Importance,
        report::importance::screen(&im),
        opts.quiet,
        out,
    )?;
    Ok(im)
}

/// A scenario's description as the reports open with it: trimmed, none
/// when blank (as `run` and `drill` show it).
fn described(d: Option<&str>) -> Option<&str> {
    d.map(str::trim).filter(|d| !d.is_empty())
}
