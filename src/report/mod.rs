//! Exporters: each turns results into bytes; [`write_atomic`] is the one
//! place that writes files.

pub mod compare;
pub mod csv;
pub mod doc;
pub mod drill;
pub mod explain;
pub mod graph;
pub mod importance;
pub mod json;
pub mod loop_util;
pub mod pack;
pub mod review;
pub mod sweep;
pub mod text;
pub mod tornado;
pub mod trend;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Write `bytes` to `path` atomically: into a temporary file in the same
/// folder, flushed, then renamed over the target. A crash leaves either the
/// old file or the new one, never half of one.
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Write several files into `dir`, each atomically; every file is rendered
/// before the first is written, so an exporter error writes nothing.
///
/// # Errors
/// The first write that fails.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, Error> {
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            write_atomic(&path, bytes).map(|()| path)
        })
        .collect()
}
