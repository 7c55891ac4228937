//! The output folder: the one way every command writes its files.
//!
//! # The promise
//!
//! A command's files (its *pack*) are one unit. They are written into a
//! fresh hidden folder beside the target, `.<name>.bcdr-tmp-<pid>-<n>`,
//! each file created exclusively (never through a planted symlink) and
//! flushed to disk; the folder is then renamed to
//! `.<name>.bcdr-ready-<pid>-<n>` and swapped with the target in one step
//! (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, which a
//! later run completes). After an error or a kill at any moment, the
//! folder holds either the whole previous pack or the whole new one, never
//! a mix.
//!
//! # What is kept
//!
//! The new pack replaces the files of the same name. Every other entry of
//! the folder (your notes, the parts of a sharded run, sub-folders) is
//! carried into the new folder unchanged (hard-linked, or copied where the
//! file system has no hard links): nothing you had is lost. A pack file
//! never replaces a folder, nor a pack folder a file: that is an error
//! naming the entry, and nothing is written.
//!
//! # What is refused
//!
//! Before anything is written: a folder holding another command's results
//! ([`Pack`]: a drill's never goes over a run's), and a read-only folder,
//! or a read-only file the pack would replace (judged on the mode bits, so
//! that root is refused too). A folder name too long for bcdr's names
//! beside it gets a short stem in them (`guard::stem`).
//!
//! # Exclusion and clean-up
//!
//! A command holds an exclusive lock on `.<name>.bcdr-lock` beside the
//! folder from before it simulates until its files are in place (the file
//! is removed when it is done; a killed run leaves it, unlocked, for the
//! next run to take); a second command writing to the same folder
//! meanwhile stops at once with an error naming the first one's process
//! id. Holding the lock, a command
//! removes the temporaries of killed runs (and completes a swap a kill
//! interrupted) before it writes. A shard, and any command on a file system
//! without locks, removes only those at least an hour old
//! (`UNLOCKED_GRACE`): shards on other machines may be writing into the
//! same folder, and a network file system may not pass locks between
//! machines.
//!
//! A folder that is a mount point (a container volume, say), that holds
//! more than 10 000 entries or a mount, or that is the current
//! folder or one of its parents is not swapped: there the files are
//! written into a hidden folder inside it and renamed into place one by
//! one, so each file is whole but a kill can leave a mix of two packs.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;

mod guard;
mod sys;
pub use guard::Pack;
pub(crate) use guard::{existing_ancestor, held, read_only, read_only_err, stem};
use sys::{
    exchange, is_mount_point, no_locks, open_nofollow, remove_any, same_file, sync_dir, sync_dirs,
    ELOOP, ENAMETOOLONG,
};

/// Files by path relative to the output folder (`a/summary.json`).
pub(crate) type Files = [(String, Vec<u8>)];

/// The marker of bcdr's temporaries beside the folder: `.<name>` + this.
const MARK: &str = ".bcdr-";

/// When another writer may be at work in the folder (see
/// [`OutDir::alone`]), how old a temporary must be before the clean-up
/// takes it for a killed run's leftover: a younger one may be another
/// machine's shard writing its part.
const UNLOCKED_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// An output folder, locked for writing.
#[derive(Debug)]
pub struct OutDir {
    /// As the user gave it: the paths reported back start with it.
    shown: PathBuf,
    /// The folder's parent, absolute, symlinks resolved.
    parent: PathBuf,
    /// The folder's file name in `parent`.
    name: String,
    /// Written in place (a mount point), not swapped.
    in_place: bool,
    /// `.<name>.bcdr-lock` beside the folder, removed when done.
    lock_path: PathBuf,
    /// Held for the life of the value; the OS releases it on exit or kill.
    _lock: File,
    /// Whether no other writer can be at work in the folder now, so that
    /// every temporary there is a killed run's leftover. False on a file
    /// system without locks, and for a shard ([`Wait::Yes`]): shards on
    /// other machines share its folder, and a network file system may not
    /// pass locks between machines (NFS mounted with `nolock`).
    alone: bool,
}

impl Drop for OutDir {
    /// Remove the lock file, then let go of the lock (in that order: a
    /// process waiting on the file sees it gone and starts over).
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = fs::remove_file(&self.lock_path);
    }
}

fn write_err(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// How the lock is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Fail at once when another process holds it (packs).
    No,
    /// Wait for it (shards adding their part to a shared folder).
    Yes,
}

impl OutDir {
    /// Lock `dir` for writing `pack`, creating its parent folders; clean
    /// the temporaries of killed runs.
    ///
    /// # Errors
    /// [`Error::Usage`] when `dir` (or a folder on its path) is a file,
    /// when it or its parent is read-only, when it holds another command's
    /// results (see [`Pack`]), or another process holds the lock (its pid
    /// in the message); [`Error::Write`] when the folder or its lock file
    /// cannot be made.
    pub fn lock(dir: &Path, pack: Pack, wait: Wait) -> Result<OutDir, Error> {
        let shown = dir.to_path_buf();
        // `--out notes.txt/` names the file too (the slash made its
        // metadata "Not a directory", and the error said no more).
        let bare: PathBuf = dir.components().collect();
        if let Ok(meta) = fs::metadata(dir).or_else(|_| fs::metadata(&bare)) {
            if !meta.is_dir() {
                return Err(Error::Usage(format!(
                    "--out {} is a file, not a folder: bcdr writes several files into the \
                     output folder; pass a folder path (a new one is created), or move the \
                     file away",
                    dir.display()
                )));
            }
        } else if fs::symlink_metadata(dir).is_ok() {
            return Err(Error::Usage(format!(
                "--out {} is a symbolic link to nothing: point it at a folder, remove it, or \
                 pass another --out",
                dir.display()
            )));
        }
        // Resolve the folder to (absolute parent, name), following a
        // symlinked folder to its target, so the swap happens beside the
        // real folder.
        let (parent, name) = if dir.exists() {
            let real = fs::canonicalize(dir).map_err(write_err(dir))?;
            split(&real, dir)?
        } else {
            let (parent, name) = split(dir, dir)?;
            let existing = guard::existing_ancestor(dir, "--out")?;
            if guard::read_only(&existing) {
                return Err(guard::read_only_err(&existing, "--out"));
            }
            fs::create_dir_all(&parent).map_err(write_err(&parent))?;
            let parent = fs::canonicalize(&parent).map_err(write_err(&parent))?;
            (parent, name)
        };
        let target = parent.join(&name);
        for (path, shown) in [(&target, dir), (&parent, parent.as_path())] {
            if guard::read_only(path) {
                return Err(guard::read_only_err(shown, "--out"));
            }
        }
        // Swapping the current folder (or a parent of it) would leave the
        // shell in a deleted folder: write those in place too.
        let cwd = std::env::current_dir()
            .and_then(fs::canonicalize)
            .unwrap_or_default();
        let in_place = is_mount_point(&target, &parent) || cwd.starts_with(&target);
        let lock_path = parent.join(format!(".{}{MARK}lock", guard::stem(&name)));
        let (mut lock, exclusive) = loop {
            let lock = open_nofollow(&lock_path).map_err(|e| {
                if e.raw_os_error() == Some(ELOOP) {
                    Error::Usage(format!(
                        "{} is a symbolic link: bcdr's lock file must be a plain file; remove it",
                        lock_path.display()
                    ))
                } else if e.raw_os_error() == Some(ENAMETOOLONG) {
                    Error::Usage(format!(
                        "--out {}: the path is too long for this system's file names; \
                         choose a shorter --out",
                        dir.display()
                    ))
                } else {
                    write_err(&lock_path)(e)
                }
            })?;
            let taken = match wait {
                Wait::Yes => lock.lock(),
                Wait::No => match lock.try_lock() {
                    Ok(()) => Ok(()),
                    Err(fs::TryLockError::WouldBlock) => {
                        let mut text = String::new();
                        let _ = (&lock).read_to_string(&mut text);
                        let who = match text.trim().parse::<u32>() {
                            Ok(pid) => format!("another bcdr (process {pid})"),
                            Err(_) => "another bcdr".to_string(),
                        };
                        return Err(Error::Usage(format!(
                            "{who} is writing to {}: wait for it to finish, or pass another \
                             --out (two commands writing one folder would mix their files)",
                            dir.display()
                        )));
                    }
                    Err(fs::TryLockError::Error(e)) => Err(e),
                },
            };
            match taken {
                Ok(()) => {}
                // A file system without locks (some network shares): the
                // swap still keeps each pack whole; only the exclusion of
                // a second writer is lost.
                Err(e) if no_locks(&e) => break (lock, false),
                Err(e) => return Err(write_err(&lock_path)(e)),
            }
            // The holder before us removes the file as it lets go: a lock
            // on a file no longer at the path locks nothing, so try again.
            if same_file(&lock, &lock_path) {
                break (lock, true);
            }
        };
        // Ours now: say who holds it.
        let _ = lock.set_len(0);
        let _ = writeln!(lock, "{}", std::process::id());
        let out = OutDir {
            shown,
            parent,
            name,
            in_place,
            lock_path,
            _lock: lock,
            alone: exclusive && wait == Wait::No,
        };
        out.clean();
        guard::check_owner(&out.target(), &out.shown, pack)?;
        Ok(out)
    }

    /// An early look at `dir` without locking it, for a command that
    /// computes before it locks (a shard, the review loop): the refusals of
    /// [`OutDir::lock`] that the folder's state can tell now (a read-only
    /// folder, another command's results), so that hours of work are not
    /// lost to them. The lock checks again.
    ///
    /// # Errors
    /// [`Error::Usage`], as [`OutDir::lock`].
    pub fn check(dir: &Path, pack: Pack) -> Result<(), Error> {
        if !fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
            return Ok(());
        }
        if guard::read_only(dir) {
            return Err(guard::read_only_err(dir, "--out"));
        }
        guard::check_owner(dir, dir, pack)
    }

    /// The folder, as given.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    fn target(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// A fresh temporary name beside the folder: `.<name>.bcdr-<kind>-<pid>-<n>`.
    fn temp(&self, kind: &str) -> PathBuf {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        self.parent.join(format!(
            ".{}{MARK}{kind}-{}-{}{}",
            guard::stem(&self.name),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            nanos
        ))
    }

    /// Remove what killed runs left: temporary folders beside the folder
    /// (completing an interrupted swap first), and the `.<file>.tmp<pid>`
    /// files earlier versions left inside it. Best effort: a temporary
    /// that cannot be removed now is removed by a later run.
    fn clean(&self) {
        let leftover = |p: &Path| self.alone || old_enough(p);
        let target = self.target();
        let prefix = format!(".{}{MARK}", guard::stem(&self.name));
        let mut ready = Vec::new();
        let mut old = Vec::new();
        let mut tmp = Vec::new();
        if let Ok(entries) = fs::read_dir(&self.parent) {
            for e in entries.flatten() {
                let file = e.file_name().to_string_lossy().into_owned();
                let Some(rest) = file.strip_prefix(&prefix) else {
                    continue;
                };
                if !leftover(&e.path()) {
                    continue;
                }
                if rest.starts_with("ready-") {
                    ready.push(e.path());
                } else if rest.starts_with("old-") {
                    old.push(e.path());
                } else if rest.starts_with("tmp-") {
                    tmp.push(e.path());
                }
            }
        }
        // A kill between the two renames of a swap without RENAME_EXCHANGE
        // leaves no folder: the newest complete pack takes its place.
        if fs::symlink_metadata(&target).is_err() {
            for p in ready.iter_mut().chain(old.iter_mut()) {
                if fs::rename(&*p, &target).is_ok() {
                    *p = PathBuf::new();
                    break;
                }
            }
        }
        for p in ready.iter().chain(&old).chain(&tmp) {
            if !p.as_os_str().is_empty() {
                let _ = remove_any(p);
            }
        }
        let inside = if self.in_place {
            fs::read_dir(&target).ok()
        } else {
            None
        };
        for e in inside.into_iter().flatten().flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if file.starts_with(&format!("{MARK}tmp-")) && leftover(&e.path()) {
                let _ = remove_any(&e.path());
            }
        }
        if let Ok(entries) = fs::read_dir(&target) {
            for e in entries.flatten() {
                let file = e.file_name().to_string_lossy().into_owned();
                if is_stale_temp(&file)
                    && e.file_type().is_ok_and(|t| !t.is_dir())
                    && leftover(&e.path())
                {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    /// Write the pack `files` into the folder as one unit (see the module
    /// docs); the paths written, as the folder was given.
    ///
    /// # Errors
    /// [`Error::Write`] naming the file or folder that failed; the folder
    /// is then as it was. [`Error::Usage`] when a pack file would replace
    /// a folder of yours (or the reverse).
    pub fn write_pack(&self, files: &Files) -> Result<Vec<PathBuf>, Error> {
        for (name, _) in files {
            check_name(name)?;
        }
        let target = self.target();
        self.check_writable(&target, files)?;
        let fault = Fault::from_env();
        if self.in_place || !swappable(&target) {
            return self.write_in_place(files, &fault);
        }
        let tmp = self.temp("tmp");
        let ready = self.temp("ready");
        let result = (|| {
            fs::create_dir(&tmp).map_err(write_err(&tmp))?;
            fault.step()?;
            for (name, bytes) in files {
                let path = tmp.join(name);
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(write_err(dir))?;
                }
                write_new(&path, bytes).map_err(write_err(&target.join(name)))?;
                fault.step()?;
            }
            if fs::symlink_metadata(&target).is_ok() {
                carry_over(&target, &tmp, Path::new(""), files, &fault)?;
                if let Ok(meta) = fs::metadata(&target) {
                    keep_access(&meta, &tmp);
                }
            }
            sync_dirs(&tmp, files).map_err(write_err(&tmp))?;
            fs::rename(&tmp, &ready).map_err(write_err(&tmp))?;
            fault.step()?;
            self.swap(&ready, &fault)
        })();
        if result.is_err() {
            let _ = remove_any(&tmp);
            let _ = remove_any(&ready);
        }
        result?;
        Ok(files.iter().map(|(n, _)| self.shown.join(n)).collect())
    }

    /// Refuse a pack that would replace a read-only file (or write into a
    /// read-only folder) of the folder: checked on the mode bits, before
    /// anything is written.
    fn check_writable(&self, target: &Path, files: &Files) -> Result<(), Error> {
        let mut rels = vec![PathBuf::new()];
        for (name, _) in files {
            rels.extend(
                Path::new(name)
                    .ancestors()
                    .filter(|a| !a.as_os_str().is_empty())
                    .map(Path::to_path_buf),
            );
        }
        rels.sort();
        rels.dedup();
        for rel in rels {
            if read_only(&target.join(&rel)) {
                return Err(read_only_err(&self.shown.join(&rel), "--out"));
            }
        }
        Ok(())
    }

    /// Put the complete folder `ready` in place of the target.
    fn swap(&self, ready: &Path, fault: &Fault) -> Result<(), Error> {
        let target = self.target();
        let err = write_err(&self.shown);
        if fs::symlink_metadata(&target).is_err() {
            fs::rename(ready, &target).map_err(&err)?;
        } else if exchange(ready, &target).is_ok() {
            // Done: `ready` now holds the previous pack.
            fault.kill();
            let _ = remove_any(ready);
        } else {
            let old = self.temp("old");
            fs::rename(&target, &old).map_err(&err)?;
            // No folder now: a later run completes the swap.
            fault.kill();
            if let Err(e) = fs::rename(ready, &target) {
                // Put the previous pack back.
                let _ = fs::rename(&old, &target);
                return Err(err(e));
            }
            fault.kill();
            let _ = remove_any(&old);
        }
        let _ = sync_dir(&self.parent);
        Ok(())
    }

    /// A mount point: each file through a temporary inside the folder.
    fn write_in_place(&self, files: &Files, fault: &Fault) -> Result<Vec<PathBuf>, Error> {
        let target = self.target();
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let tmp = target.join(format!(
            "{MARK}tmp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            fs::create_dir(&tmp).map_err(write_err(&tmp))?;
            for (name, bytes) in files {
                let path = tmp.join(name.replace('/', "%"));
                write_new(&path, bytes).map_err(write_err(&target.join(name)))?;
                fault.step()?;
            }
            for (name, _) in files {
                let to = target.join(name);
                if let Some(dir) = to.parent() {
                    fs::create_dir_all(dir).map_err(write_err(dir))?;
                }
                if fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
                    return Err(clash(&self.shown, name, "a folder", "a file"));
                }
                fs::rename(tmp.join(name.replace('/', "%")), &to).map_err(write_err(&to))?;
                fault.step()?;
            }
            sync_dir(&target).map_err(write_err(&target))
        })();
        let _ = remove_any(&tmp);
        result?;
        Ok(files.iter().map(|(n, _)| self.shown.join(n)).collect())
    }

    /// Add one file to the folder atomically, keeping everything else (a
    /// shard's part in a folder other shards also write to).
    ///
    /// # Errors
    /// [`Error::Write`] naming the file.
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        check_name(name)?;
        let target = self.target();
        self.check_writable(&target, &[(name.to_string(), Vec::new())])?;
        fs::create_dir_all(&target).map_err(write_err(&self.shown))?;
        write_atomic(&target.join(name))
            .write(bytes)
            .map_err(write_err(&self.shown.join(name)))?;
        Ok(self.shown.join(name))
    }
}

/// The most entries (files and folders, at any depth) a folder may hold
/// to be swapped: carrying them over links each one.
const MAX_CARRIED: usize = 10_000;

/// Whether `dir` can be swapped: at most [`MAX_CARRIED`] entries, none of
/// them on another file system (a mount inside it).
fn swappable(dir: &Path) -> bool {
    fn walk(dir: &Path, dev: Option<u64>, seen: &mut usize) -> bool {
        let Ok(entries) = fs::read_dir(dir) else {
            return true;
        };
        for e in entries.flatten() {
            *seen += 1;
            if *seen > MAX_CARRIED {
                return false;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                if device(&e.path()) != dev {
                    return false;
                }
                if !walk(&e.path(), dev, seen) {
                    return false;
                }
            }
        }
        true
    }
    walk(dir, device(dir), &mut 0)
}

/// The file system of a path.
fn device(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).ok().map(|m| m.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// `(parent, file name)` of a folder path; `shown` for messages.
fn split(path: &Path, shown: &Path) -> Result<(PathBuf, String), Error> {
    let name = match path.components().next_back() {
        Some(Component::Normal(n)) => n.to_string_lossy().into_owned(),
        _ => {
            return Err(Error::Usage(format!(
                "--out {}: name the output folder itself, such as outputs/run",
                shown.display()
            )))
        }
    };
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok((parent, name))
}

/// A pack path: relative, plain components only.
fn check_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "internal error: {name:?} is not a file name inside the output folder"
        )))
    }
}

/// Whether `path` was last modified at least [`UNLOCKED_GRACE`] ago (a
/// time in the future, another machine's clock, is recent).
fn old_enough(path: &Path) -> bool {
    fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| std::time::SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= UNLOCKED_GRACE)
}

/// A temporary file that a killed run left inside the folder: ours
/// (`.<file>.bcdr-tmp-...`), or an earlier version's `.<file>.tmp<pid>`.
/// Only called while holding the folder's lock.
fn is_stale_temp(file: &str) -> bool {
    (file.starts_with('.') && file.contains(&format!("{MARK}tmp-"))) || is_legacy_temp(file)
}

/// `.<file>.tmp<pid>`: what `write_atomic` of earlier versions left on a kill.
fn is_legacy_temp(file: &str) -> bool {
    file.starts_with('.')
        && file
            .rsplit_once(".tmp")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

fn clash(dir: &Path, name: &str, have: &str, want: &str) -> Error {
    Error::Usage(format!(
        "{} is {have}, but the pack writes {want} there: move it away (nothing was written)",
        dir.join(name).display()
    ))
}

/// Link every entry of `from/rel` that the pack does not write into
/// `to/rel`.
fn carry_over(
    from: &Path,
    to: &Path,
    rel: &Path,
    files: &Files,
    fault: &Fault,
) -> Result<(), Error> {
    let here = from.join(rel);
    let entries = fs::read_dir(&here).map_err(write_err(&here))?;
    for e in entries {
        let e = e.map_err(write_err(&here))?;
        let rel_e = rel.join(e.file_name());
        let key = rel_e.to_string_lossy().replace('\\', "/");
        let src = e.path();
        let dst = to.join(&rel_e);
        let kind = e.file_type().map_err(write_err(&src))?;
        let packed = files.iter().any(|(n, _)| *n == key);
        let pack_dir = files
            .iter()
            .any(|(n, _)| n.starts_with(&key) && n[key.len()..].starts_with('/'));
        if kind.is_dir() {
            if packed {
                return Err(clash(from, &key, "a folder", "a file"));
            }
            if !pack_dir {
                fs::create_dir(&dst).map_err(write_err(&dst))?;
            }
            carry_over(from, to, &rel_e, files, fault)?;
            // Its mode once it is filled: a read-only folder of yours stays
            // read-only, and is carried whole.
            if !pack_dir {
                if let Ok(meta) = fs::metadata(&src) {
                    keep_access(&meta, &dst);
                }
            }
            continue;
        }
        if packed {
            continue;
        }
        if pack_dir {
            return Err(clash(from, &key, "a file", "a folder"));
        }
        if rel.as_os_str().is_empty() && is_stale_temp(&key) {
            continue;
        }
        if fs::hard_link(&src, &dst).is_err() {
            copy_entry(&src, &dst, kind).map_err(write_err(&src))?;
        }
        fault.step()?;
    }
    Ok(())
}

/// Give `dst` (a folder, or a file) that takes the place of the one `meta`
/// describes, its owner and group (where this user may: root, or a group
/// it is in) and then its mode: a private folder (`chmod 700`) stayed
/// private only until the swap, which gave it the default 755.
///
/// Another user's folder or file stays this user's (only root may give
/// it away): its mode would then give its owner only the group's or the
/// others' bits (a `770` folder of a shared group, written by a colleague
/// whose own group it became, locked its owner out of it). It keeps the
/// default mode instead, less the write bits the old one did not have.
fn keep_access(meta: &fs::Metadata, dst: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if std::os::unix::fs::chown(dst, Some(meta.uid()), Some(meta.gid())).is_err() {
            // Not root: the group alone, where this user is in it.
            let _ = std::os::unix::fs::chown(dst, None, Some(meta.gid()));
        }
        let Ok(now) = fs::metadata(dst) else {
            return;
        };
        if now.uid() != meta.uid() {
            let lacks = 0o222 & !meta.permissions().mode();
            let mode = now.permissions().mode() & !lacks;
            let _ = fs::set_permissions(dst, fs::Permissions::from_mode(mode));
            return;
        }
    }
    let _ = fs::set_permissions(dst, meta.permissions());
}

/// Copy a file (or re-create a symlink) where hard links are not possible.
fn copy_entry(src: &Path, dst: &Path, kind: fs::FileType) -> io::Result<()> {
    #[cfg(unix)]
    if kind.is_symlink() {
        return std::os::unix::fs::symlink(fs::read_link(src)?, dst);
    }
    let _ = kind;
    let mut from = File::open(src)?;
    let mut to = OpenOptions::new().write(true).create_new(true).open(dst)?;
    io::copy(&mut from, &mut to)?;
    if let Ok(meta) = from.metadata() {
        let _ = to.set_permissions(meta.permissions());
    }
    to.sync_all()
}

/// Create `path` (never an existing file or symlink), write, flush to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// One file written atomically: a temporary created exclusively beside it
/// (`.<name>.bcdr-tmp-<pid>-<n>`), flushed, renamed over the target.
pub(crate) struct Atomic<'a> {
    path: &'a Path,
    replace: bool,
}

/// Write one file atomically (see [`Atomic`]).
pub(crate) fn write_atomic(path: &Path) -> Atomic<'_> {
    Atomic {
        path,
        replace: true,
    }
}

impl Atomic<'_> {
    /// Never replace a file already at the path: the new one is put in
    /// place by a hard link, which fails on an existing file
    /// ([`io::ErrorKind::AlreadyExists`]).
    pub(crate) fn no_replace(self) -> Self {
        Atomic {
            replace: false,
            ..self
        }
    }

    /// # Errors
    /// The I/O error; the temporary is removed.
    pub(crate) fn write(&self, bytes: &[u8]) -> io::Result<()> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = self.path.with_file_name(format!(
            ".{}{MARK}tmp-{}-{}",
            guard::stem(&name),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let result = write_new(&tmp, bytes).and_then(|()| {
            if self.replace {
                // The file it replaces keeps its mode and owner (`generate
                // --force` over a `chmod 600` scenario gave 644).
                if let Some(meta) = fs::symlink_metadata(self.path)
                    .ok()
                    .filter(fs::Metadata::is_file)
                {
                    keep_access(&meta, &tmp);
                }
                return fs::rename(&tmp, self.path);
            }
            match fs::hard_link(&tmp, self.path) {
                Ok(()) => {
                    let _ = fs::remove_file(&tmp);
                    Ok(())
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
                // No hard links on this file system: checked, then renamed.
                Err(_) if fs::symlink_metadata(self.path).is_ok() => {
                    Err(io::Error::from(io::ErrorKind::AlreadyExists))
                }
                Err(_) => fs::rename(&tmp, self.path),
            }
        });
        if result.is_err() || !self.replace {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// A test hook: `BCDR_TEST_FAULT=abort:N` kills the process at the N-th
/// step of writing a pack (each file, link and rename is a step), and
/// `error:N` fails that step as a full disk would. Integration tests use
/// it to check that a pack is whole or untouched at every moment.
struct Fault {
    at: Option<(bool, u64)>,
    seen: AtomicU64,
}

impl Fault {
    fn from_env() -> Fault {
        let at = std::env::var("BCDR_TEST_FAULT").ok().and_then(|v| {
            let (kind, n) = v.split_once(':')?;
            Some((kind == "abort", n.parse().ok()?))
        });
        Fault {
            at,
            seen: AtomicU64::new(0),
        }
    }

    /// A point after the pack is committed (or half-way through a swap):
    /// a kill only.
    fn kill(&self) {
        if let Some((true, _)) = self.at {
            let _ = self.step();
        }
    }

    fn step(&self) -> Result<(), Error> {
        let Some((abort, n)) = self.at else {
            return Ok(());
        };
        let i = self.seen.fetch_add(1, Ordering::Relaxed);
        if i == n {
            if abort {
                std::process::abort();
            }
            return Err(Error::Write {
                path: PathBuf::from("(test fault)"),
                source: io::Error::new(io::ErrorKind::StorageFull, "No space left on device"),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
