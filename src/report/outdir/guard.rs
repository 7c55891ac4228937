//! What an output path must be before anything is written to it: not
//! read-only, not under a file, not holding another command's results;
//! and the short stem of bcdr's names beside a folder with a long name.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Which command's results a pack is. A command writes only into a folder
/// that is new, holds only the user's files, or holds its own earlier
/// results: another command's results are never mixed with its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pack {
    /// `bcdr run`, `bcdr merge` and the parts of `bcdr run --shard`
    /// (`summary.json`, `partial-I-of-N.json`).
    Run,
    /// `bcdr drill` (`drill.json`).
    Drill,
    /// `bcdr compare` (`compare.json`).
    Compare,
    /// `bcdr sweep` (`sweep.json`).
    Sweep,
    /// `bcdr trend` (`trend.json`).
    Trend,
    /// `bcdr explain` (`explain.json`).
    Explain,
    /// `bcdr tornado` (`tornado.json`).
    Tornado,
    /// `bcdr importance` (`importance.json`).
    Importance,
    /// `bcdr graph` (`graph.dot`, `graph.svg`): also part of a run's and a
    /// drill's pack, so it goes with either.
    Graph,
}

impl Pack {
    const ALL: [Pack; 9] = [
        Pack::Drill,
        Pack::Compare,
        Pack::Sweep,
        Pack::Trend,
        Pack::Explain,
        Pack::Tornado,
        Pack::Importance,
        Pack::Run,
        Pack::Graph,
    ];

    /// The command, as typed.
    pub(crate) fn command(self) -> &'static str {
        match self {
            Pack::Run => "bcdr run or merge",
            Pack::Drill => "bcdr drill",
            Pack::Compare => "bcdr compare",
            Pack::Sweep => "bcdr sweep",
            Pack::Trend => "bcdr trend",
            Pack::Explain => "bcdr explain",
            Pack::Tornado => "bcdr tornado",
            Pack::Importance => "bcdr importance",
            Pack::Graph => "bcdr graph",
        }
    }

    /// The file whose presence says a folder holds this command's results.
    fn mark(self) -> &'static str {
        match self {
            Pack::Run => "summary.json",
            Pack::Drill => "drill.json",
            Pack::Compare => "compare.json",
            Pack::Sweep => "sweep.json",
            Pack::Trend => "trend.json",
            Pack::Explain => "explain.json",
            Pack::Tornado => "tornado.json",
            Pack::Importance => "importance.json",
            Pack::Graph => "graph.dot",
        }
    }

    /// What bcdr writes near the start of the mark (a user's own
    /// `summary.json` is not mistaken for a run).
    fn signature(self) -> &'static str {
        match self {
            Pack::Graph => "written by bcdr",
            _ => "\"bcdr_version\"",
        }
    }

    /// Whether this command may write into a folder holding `other`'s
    /// results: its own, and the graph with a run or a drill (whose packs
    /// hold the same graph files).
    fn goes_with(self, other: Pack) -> bool {
        self == other
            || matches!(
                (self, other),
                (Pack::Graph, Pack::Run | Pack::Drill) | (Pack::Run | Pack::Drill, Pack::Graph)
            )
    }
}

/// Whether the first KiB of `path` (a plain file) holds `needle`.
fn starts_with_text(path: &Path, needle: &str) -> bool {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::with_capacity(1024);
    let read = fs::File::open(path).and_then(|f| f.take(1024).read_to_end(&mut head));
    read.is_ok() && String::from_utf8_lossy(&head).contains(needle)
}

/// The command whose results `dir` holds, and the file that says so; the
/// first one found (a drill's pack also holds a `summary.json`).
pub(crate) fn held(dir: &Path) -> Option<(Pack, String)> {
    for pack in Pack::ALL {
        let mark = pack.mark();
        if starts_with_text(&dir.join(mark), pack.signature()) {
            return Some((pack, mark.to_string()));
        }
    }
    // The parts of a sharded run, before they are merged.
    let entries = fs::read_dir(dir).ok()?;
    entries.flatten().find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let part = name.starts_with("partial-") && name.ends_with(".json");
        (part && starts_with_text(&e.path(), "\"bcdr-partial\"")).then_some((Pack::Run, name))
    })
}

/// Refuse to write `pack` into `dir` (shown as `shown`) when the folder
/// holds another command's results.
pub(super) fn check_owner(dir: &Path, shown: &Path, pack: Pack) -> Result<(), Error> {
    match held(dir) {
        Some((other, file)) if !pack.goes_with(other) => Err(Error::Usage(format!(
            "--out {} holds the results of {} ({file}): {} would mix its files with them; \
             pass another --out (nothing was written)",
            shown.display(),
            other.command(),
            pack.command(),
        ))),
        _ => Ok(()),
    }
}

/// Whether `path` is read-only: its owner's write bit is clear (what
/// `chmod -w` does; checked on the bits, so that root, whom the system lets
/// write anyway, is refused too), or this user may not write it, or it is
/// on a read-only file system. A symlink is not: it is replaced, never
/// followed.
pub(crate) fn read_only(path: &Path) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if meta.file_type().is_symlink() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o200 == 0 {
            return true;
        }
        let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path; the call only reads it.
        if unsafe { libc::access(c.as_ptr(), libc::W_OK) } != 0 {
            let e = std::io::Error::last_os_error().raw_os_error();
            return matches!(e, Some(libc::EACCES | libc::EROFS | libc::EPERM));
        }
        false
    }
    #[cfg(not(unix))]
    {
        meta.permissions().readonly()
    }
}

/// The read-only error: `path` is a file or folder bcdr would replace or
/// write into.
pub(crate) fn read_only_err(path: &Path, what: &str) -> Error {
    Error::Usage(format!(
        "{} is read-only; make it writable (chmod u+w) or choose another {what} \
         (nothing was written)",
        path.display()
    ))
}

/// The nearest folder of `path` that exists (`.` for a relative path none
/// of whose folders exist), after checking none of the parts on the way
/// is a file: `--out notes.txt/run` names the file, not "File exists".
pub(crate) fn existing_ancestor(path: &Path, what: &str) -> Result<PathBuf, Error> {
    for a in path.ancestors().skip(1) {
        let a = if a.as_os_str().is_empty() {
            Path::new(".")
        } else {
            a
        };
        match fs::metadata(a) {
            Ok(m) if m.is_dir() => return Ok(a.to_path_buf()),
            Ok(_) => {
                return Err(Error::Usage(format!(
                    "{} is a file, not a folder: {what} {} would go inside it; pass another \
                     {what}, or move the file away",
                    a.display(),
                    path.display()
                )))
            }
            Err(_) if fs::symlink_metadata(a).is_ok() => {
                return Err(Error::Usage(format!(
                    "{} is a symbolic link to nothing: {what} {} would go inside it; point \
                     it at a folder, remove it, or pass another {what}",
                    a.display(),
                    path.display()
                )))
            }
            Err(_) => {}
        }
    }
    Ok(PathBuf::from("."))
}

/// The longest name (bytes) used as is in bcdr's names beside it: the
/// longest addition, `.` and `.bcdr-ready-<pid>-<n><nanos>`, is under 55
/// bytes, and a file name may have 255.
const LONG_NAME: usize = 200;

/// The stem of bcdr's names beside `name` (`.<stem>.bcdr-lock`, ...):
/// `name` itself, or for a long one its first 180 bytes, `~` and a hash of
/// the whole name, so that every name stays within the 255 bytes a file
/// name may have.
pub(crate) fn stem(name: &str) -> String {
    if name.len() <= LONG_NAME {
        return name.to_string();
    }
    let mut cut = 180;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    // FNV-1a 64: stable across versions, so a later run finds what a
    // killed one left.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{}~{h:016x}", &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_get_a_short_stem() {
        assert_eq!(stem("out"), "out");
        let long = "é".repeat(120);
        let s = stem(&long);
        assert!(s.len() <= 180 + 17, "{}", s.len());
        assert_eq!(s, stem(&long), "stable");
        assert_ne!(s, stem(&"é".repeat(121)));
    }

    #[test]
    fn runs_drills_and_graphs_go_together() {
        assert!(Pack::Graph.goes_with(Pack::Run));
        assert!(Pack::Drill.goes_with(Pack::Graph));
        assert!(!Pack::Drill.goes_with(Pack::Run));
        assert!(!Pack::Trend.goes_with(Pack::Run));
    }
}
