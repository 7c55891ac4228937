//! Exporters: each turns results into bytes; [`OutDir`] (output folders)
//! and [`write_atomic`] (single files) are the only places that write.

pub(crate) mod compare;
pub(crate) mod compare_doc;
pub(crate) mod csv;
pub(crate) mod doc;
pub(crate) mod drill;
pub(crate) mod explain;
pub mod graph;
pub(crate) mod importance;
pub(crate) mod insurance;
pub(crate) mod json;
pub(crate) mod loop_util;
pub(crate) mod names;
pub(crate) mod outdir;
pub(crate) mod pack;
pub(crate) mod review;
pub(crate) mod sweep;
pub(crate) mod sweep_doc;
pub(crate) mod text;
pub(crate) mod tornado;
pub(crate) mod trend;
pub(crate) mod xlsx;

#[cfg(test)]
mod drill_truth_tests;

use std::path::Path;

use crate::error::Error;

pub use drill::json as drill_json;

/// What a report of `compare`, `sweep`, `tornado`, `importance` or
/// `explain` says when its losses are net of insurance.
pub(crate) const NET_OF_INSURANCE: &str = "Losses are net of insurance (gross loss − \
    recoveries + premiums), the loss the risk appetite is judged on.";

/// What a screen or report gives instead of a 95% confidence interval for
/// a run of one trial: it has no standard error, and its zero-width
/// interval would read as certainty.
pub(crate) const ONE_TRIAL_NO_CI: &str = "one trial: no confidence interval";

/// The label a screen puts after "expected annual loss" when its losses
/// are net of insurance; empty otherwise (the screen reads as before).
pub(crate) fn net_label(net_of_insurance: bool) -> &'static str {
    if net_of_insurance {
        " (net of insurance)"
    } else {
        ""
    }
}
pub use outdir::{OutDir, Pack, Wait};
pub use pack::run_pack;
pub use review::Provenance;

/// Write `bytes` to `path` atomically: into a temporary file created
/// exclusively in the same folder (never through a planted symlink),
/// flushed, then renamed over the target. A crash leaves either the old
/// file or the new one, never half of one. Output folders go through
/// [`OutDir`] instead, which makes a whole pack one unit.
///
/// # Errors
/// [`Error::Write`] naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_one(path, bytes, true)
}

/// Write one file as [`write_atomic`] does, with `replace` false never
/// replacing a file already there (checked as the file is put in place:
/// [`std::io::ErrorKind::AlreadyExists`]).
///
/// # Errors
/// [`Error::Write`] naming the file.
pub fn write_one(path: &Path, bytes: &[u8], replace: bool) -> Result<(), Error> {
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let write = outdir::write_atomic(path);
    let write = if replace { write } else { write.no_replace() };
    write.write(bytes).map_err(err)
}
