//! Exporters: each turns results into bytes; [`OutDir`] (output folders)
//! and [`write_atomic`] (single files) are the only places that write.

pub mod compare;
pub mod compare_doc;
pub mod csv;
pub mod doc;
pub mod drill;
pub mod explain;
pub mod graph;
pub mod importance;
pub mod insurance;
pub mod json;
pub mod loop_util;
pub mod names;
pub mod outdir;
pub mod pack;
pub mod review;
pub mod sweep;
pub mod sweep_doc;
pub mod text;
pub mod tornado;
pub mod trend;
pub mod xlsx;

use std::path::Path;

use crate::error::Error;

pub use outdir::{OutDir, Wait};

/// Write `bytes` to `path` atomically: into a temporary file created
/// exclusively in the same folder (never through a planted symlink),
/// flushed, then renamed over the target. A crash leaves either the old
/// file or the new one, never half of one. Output folders go through
/// [`OutDir`] instead, which makes a whole pack one unit.
///
/// # Errors
/// [`Error::Write`] naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    outdir::write_atomic(path).write(bytes).map_err(err)
}
