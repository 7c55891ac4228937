//! One function per command: load → validate → simulate → summarise →
//! export. The binary calls these; they write human-readable text to the
//! writer they are given and files through [`crate::report::write_atomic`].

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::Model;
use crate::report;
use crate::scenario;

/// Options of every simulating command.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub trials: u64,
    pub seed: u64,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub quiet: bool,
}

/// Progress callback: trials done so far, out of the total.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

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

/// `bcdr validate`: errors fail; planning warnings are listed.
///
/// # Errors
/// The scenario's errors, or a failed write to `out`.
pub fn validate(path: &Path, out: &mut dyn Write) -> Result<Model, Error> {
    let model = scenario::load(path)?;
    let warnings = scenario::planning_warnings(&model);
    writeln!(
        out,
        "{}: valid: \"{}\", {} sites, {} services, {} groups, {} threats, horizon {}",
        path.display(),
        model.name,
        model.sites.len(),
        model.services.len(),
        model.groups.len(),
        model.threats.len(),
        model.horizon
    )
    .map_err(io_err)?;
    if warnings.is_empty() {
        writeln!(out, "no planning warnings").map_err(io_err)?;
    } else {
        writeln!(out, "{} planning warning(s):", warnings.len()).map_err(io_err)?;
        for w in &warnings {
            writeln!(out, "  warning: {w}").map_err(io_err)?;
        }
    }
    Ok(model)
}

/// `bcdr graph`: `graph.dot` and `graph.svg` in the output folder.
///
/// # Errors
/// The scenario's errors, or a failed write.
pub fn graph(path: &Path, dir: Option<&Path>, out: &mut dyn Write) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let dir = dir.map_or_else(|| default_out_dir(path), Path::to_path_buf);
    let files = vec![
        (
            "graph.dot".to_string(),
            report::graph::dot(&model).into_bytes(),
        ),
        (
            "graph.svg".to_string(),
            report::graph::svg(&model).into_bytes(),
        ),
    ];
    for p in report::write_all(&dir, &files)? {
        writeln!(out, "wrote {}", p.display()).map_err(io_err)?;
    }
    Ok(())
}

/// `bcdr run`.
///
/// # Errors
/// The scenario's errors, or a failed write.
pub fn run(
    path: &Path,
    opts: &SimOptions,
    progress: bool,
    out: &mut dyn Write,
) -> Result<(), Error> {
    todo!(
        "{} {opts:?} {progress} {}",
        path.display(),
        out.flush().is_ok()
    )
}

/// `bcdr generate`.
///
/// # Errors
/// A failed write.
pub fn generate(services: usize, seed: u64, path: &Path, out: &mut dyn Write) -> Result<(), Error> {
    todo!(
        "{services} {seed} {} {}",
        path.display(),
        out.flush().is_ok()
    )
}
