//! `bcdr validate`, `bcdr graph` and `bcdr generate`: the commands that
//! read or write a scenario without simulating it.

use std::io::Write;
use std::path::Path;

use super::{default_out_dir, emit, io_err, Gated};
use crate::error::Error;
use crate::model::Model;
use crate::report;
use crate::report::{OutDir, Pack, Wait};
use crate::review::gate;
use crate::scenario;
use crate::sim;

/// `bcdr validate`: errors fail; planning warnings are listed.
///
/// # Errors
/// The scenario's errors, or a failed write to `out`.
pub fn validate(path: &Path, out: &mut dyn Write) -> Result<Model, Error> {
    let model = scenario::load(path)?;
    let warnings = scenario::planning_warnings(&model);
    writeln!(
        out,
        "{}: valid: \"{}\", {}, {}, {}, {}, horizon {}",
        path.display(),
        model.name,
        crate::fmt::plural(model.sites.len(), "site"),
        crate::fmt::plural(model.services.len(), "service"),
        crate::fmt::plural(model.groups.len(), "group"),
        crate::fmt::plural(model.threats.len(), "threat"),
        crate::model::units::horizon_span(model.horizon.get())
    )
    .map_err(io_err)?;
    if warnings.is_empty() {
        writeln!(out, "no planning warnings").map_err(io_err)?;
    } else {
        writeln!(
            out,
            "{}:",
            crate::fmt::plural(warnings.len(), "planning warning")
        )
        .map_err(io_err)?;
        for w in &warnings {
            writeln!(out, "  warning: {w}").map_err(io_err)?;
        }
    }
    Ok(model)
}

/// `bcdr validate` as a CI gate: with `json`, the report of
/// [`gate::validate_report`] (exit 2 for an invalid scenario, 1 for
/// warnings when denied); otherwise [`validate`], failed by its planning
/// warnings when `deny_warnings`.
///
/// # Errors
/// An unreadable file, the scenario's errors (text only: JSON reports
/// them), or a failed write to `out`.
pub fn validate_gate(
    path: &Path,
    deny_warnings: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<Gated, Error> {
    if json {
        let report = gate::validate_report(path)?;
        out.write_all(&report.to_json()?).map_err(io_err)?;
        return Ok(Gated {
            status: report.status(deny_warnings),
            failures: Vec::new(),
        });
    }
    let model = validate(path, out)?;
    let denied = deny_warnings && !scenario::planning_warnings(&model).is_empty();
    Ok(Gated::from_failures(
        denied
            .then(|| {
                "--deny-warnings: the scenario has planning warnings (listed above)".to_string()
            })
            .into_iter()
            .collect(),
    ))
}

/// `bcdr graph`: `graph.dot`, `graph.svg` and `graph.png` in the output
/// folder.
///
/// # Errors
/// The scenario's errors, or a failed write.
pub fn graph(path: &Path, dir: Option<&Path>, out: &mut dyn Write) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let dir = dir.map_or_else(|| default_out_dir(path), Path::to_path_buf);
    let dir = OutDir::lock(&dir, Pack::Graph, Wait::No)?;
    let (files, _) = report::pack::graph_files(&model)?;
    for p in emit(&dir, &files, None, "", out)? {
        writeln!(out, "wrote {}", p.display()).map_err(io_err)?;
    }
    Ok(())
}

/// `bcdr generate`: write a layered scenario of `services` services to
/// `path`, a new file unless `force` (which replaces one, never a
/// read-only one).
///
/// # Errors
/// A bad size; [`Error::Usage`] when `path` exists (without `force`), is
/// read-only or a folder, or a folder on its path is a file or read-only;
/// a failed write. Nothing is written then.
pub fn generate(
    services: usize,
    seed: u64,
    path: &Path,
    force: bool,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let text = sim::generate::layered(services, seed)?;
    let folder = report::outdir::existing_ancestor(path, "--out")?;
    let exists = std::fs::symlink_metadata(path).is_ok();
    if report::outdir::read_only(path) || (!exists && report::outdir::read_only(&folder)) {
        let ro = if exists { path } else { folder.as_path() };
        return Err(report::outdir::read_only_err(ro, "--out"));
    }
    // A trailing slash names a folder, existing or not (`--out e.ron/`
    // failed with "Not a directory").
    let bare = path.to_string_lossy();
    let bare = bare.trim_end_matches('/');
    if !bare.is_empty() && bare.len() < path.as_os_str().len() && !path.is_dir() {
        return Err(Error::Usage(format!(
            "--out {} ends in a slash, so it names a folder: generate writes one scenario \
             file; write --out {bare}",
            path.display()
        )));
    }
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(Error::Usage(format!(
            "--out {} is a folder: generate writes one scenario file; pass a file path such \
             as {}",
            path.display(),
            path.join("estate.ron").display()
        )));
    }
    // A device, pipe or socket (or a link to one: /dev/stdout) is not a
    // file to replace: renaming over it would swap the node itself for
    // the scenario (as root, /dev/full became a text file).
    let special = |m: std::fs::Metadata| !m.is_file() && !m.file_type().is_symlink();
    if std::fs::symlink_metadata(path).is_ok_and(special)
        || std::fs::metadata(path).is_ok_and(|m| !m.is_file())
    {
        return Err(Error::Usage(format!(
            "--out {} is not a regular file (a device, a pipe, a socket or a link to one): \
             generate writes a scenario file and never replaces one of those, even with \
             --force; pass a file path such as estate.ron (nothing was written)",
            path.display()
        )));
    }
    let exists_err = || {
        Error::Usage(format!(
            "{} already exists: pass --force to replace it, or choose another --out \
             (nothing was written)",
            path.display()
        ))
    };
    if exists && !force {
        return Err(exists_err());
    }
    report::write_one(path, text.as_bytes(), force).map_err(|e| match e {
        Error::Write { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            exists_err()
        }
        e => e,
    })?;
    writeln!(out, "wrote {} ({services} services)", path.display()).map_err(io_err)?;
    Ok(())
}
