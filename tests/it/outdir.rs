//! The output folder is one unit: after an error or a kill at any moment
//! it holds the whole previous pack or the whole new one; a second writer
//! is refused; temporaries of killed runs are cleaned; nothing of the
//! user's is lost; planted symlinks are not followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::bcdr;
use crate::pack::SCENARIO;
use crate::shards::fails_with;

/// Every file under `dir` (relative path → bytes), symlinks as their
/// target, hidden temporaries included.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let e = e.expect("an entry");
            let p = e.path();
            let rel = p
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            let t = e.file_type().expect("a type");
            if t.is_symlink() {
                let target = std::fs::read_link(&p).expect("a link");
                out.insert(format!("{rel} -> {}", target.display()), Vec::new());
            } else if t.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).expect("readable"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Names beside `dir` in its parent that belong to bcdr (`.out.bcdr-*`).
fn leftovers(dir: &Path) -> Vec<String> {
    let name = dir
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    let prefix = format!(".{name}.bcdr-");
    std::fs::read_dir(dir.parent().expect("a parent"))
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

struct Case {
    _tmp: tempfile::TempDir,
    scenario: PathBuf,
    out: PathBuf,
}

fn case() -> Case {
    let tmp = tempfile::tempdir().expect("a folder");
    let scenario = tmp.path().join("pack.ron");
    std::fs::write(&scenario, SCENARIO).expect("written");
    let out = tmp.path().join("out");
    Case {
        scenario,
        out,
        _tmp: tmp,
    }
}

impl Case {
    fn run(&self, seed: u64, out: &Path) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("bcdr"));
        cmd.args(["run", "-q", "--trials", "20", "--seed", &seed.to_string()])
            .arg("--out")
            .arg(out)
            .arg(&self.scenario);
        cmd
    }
}

/// Put `snap` (from [`snapshot`]) back as the folder `dir`.
fn restore(dir: &Path, snap: &BTreeMap<String, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("made");
    for (name, bytes) in snap {
        if let Some((link, target)) = name.split_once(" -> ") {
            #[cfg(unix)]
            std::os::unix::fs::symlink(target, dir.join(link)).expect("linked");
            continue;
        }
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("made");
        std::fs::write(p, bytes).expect("written");
    }
}

/// Kill the writer at steps of writing its pack (the first files, one in
/// the middle, and every step from the last file on: the user's entries,
/// the renames, the swap), and fail each step as a full disk would: the
/// folder always holds the old pack or the new one, the user's files
/// survive, and the next run cleans what the killed one left.
#[test]
fn a_pack_is_whole_or_untouched_at_every_moment() {
    let c = case();
    let reference = c.out.with_file_name("reference");
    assert!(c.run(2, &reference).status().expect("runs").success());
    let new = snapshot(&reference);
    assert!(c.run(1, &c.out).status().expect("runs").success());
    // The user's files: a note, a sub-folder, a link.
    std::fs::write(c.out.join("notes.txt"), "mine").expect("written");
    std::fs::create_dir(c.out.join("mine")).expect("made");
    std::fs::write(c.out.join("mine/data.csv"), "a,b").expect("written");
    #[cfg(unix)]
    std::os::unix::fs::symlink("notes.txt", c.out.join("notes-link")).expect("linked");
    let mut with_user = new.clone();
    with_user.insert("notes.txt".into(), b"mine".to_vec());
    with_user.insert("mine/data.csv".into(), b"a,b".to_vec());
    #[cfg(unix)]
    with_user.insert("notes-link -> notes.txt".into(), Vec::new());
    let old = snapshot(&c.out);
    assert_ne!(old, with_user, "the two packs differ");

    // Step i < n writes pack file i; the rest come after.
    let n = new.len();
    let mut steps: Vec<usize> = vec![0, n / 2];
    steps.extend(n..n + 20);
    let mut kills = 0;
    for step in steps {
        // A full disk at this step: an error, the old pack untouched, no
        // temporaries left.
        let out = c
            .run(2, &c.out)
            .env("BCDR_TEST_FAULT", format!("error:{step}"))
            .output()
            .expect("runs");
        let finished = out.status.success();
        if finished {
            assert_eq!(snapshot(&c.out), with_user, "step {step}");
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "step {step}: {stderr}");
            assert!(stderr.contains("No space left"), "step {step}: {stderr}");
            assert_eq!(
                snapshot(&c.out),
                old,
                "error at step {step} changed the pack"
            );
            assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));
        }
        restore(&c.out, &old);
        // A kill at this step: old or new, never a mix. The next run's
        // lock cleans what it left (checked just above, one step later).
        let killed = !c
            .run(2, &c.out)
            .env("BCDR_TEST_FAULT", format!("abort:{step}"))
            .status()
            .expect("runs")
            .success();
        let now = snapshot(&c.out);
        assert!(
            now == old || now == with_user,
            "a kill at step {step} left a mix: {:?}",
            now.keys().collect::<Vec<_>>()
        );
        kills += u32::from(killed);
        if !killed {
            assert!(finished, "step {step}");
            break;
        }
        if now != old {
            restore(&c.out, &old);
        }
    }
    assert!(kills >= 8, "{kills} kills");
    // The last kill's leftovers go with the next run.
    assert!(c.run(2, &c.out).status().expect("runs").success());
    assert_eq!(snapshot(&c.out), with_user);
    assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));
}

#[test]
fn a_second_writer_is_refused_naming_the_first() {
    let c = case();
    let held = bcdr::report::OutDir::lock(&c.out, bcdr::report::Pack::Run, bcdr::report::Wait::No)
        .expect("locked");
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "50", "--out"])
        .arg(&c.out)
        .arg(&c.scenario);
    fails_with(
        cmd,
        &format!(
            "another bcdr (process {}) is writing to",
            std::process::id()
        ),
    );
    drop(held);
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "50", "--out"])
        .arg(&c.out)
        .arg(&c.scenario);
    cmd.assert().success();
    assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));
}

#[test]
fn out_naming_a_file_says_so() {
    let c = case();
    std::fs::write(&c.out, "a file").expect("written");
    // With a trailing slash too: it said only "Not a directory".
    let slash = PathBuf::from(format!("{}/", c.out.display()));
    for out in [&c.out, &slash] {
        for args in [
            vec!["run", "-q", "--trials", "10"],
            vec!["drill", "-q", "--trials", "10", "--threat", "fire"],
            vec!["graph"],
        ] {
            let mut cmd = bcdr();
            cmd.args(&args).arg("--out").arg(out).arg(&c.scenario);
            let err = fails_with(cmd, "is a file, not a folder");
            assert!(!err.contains("os error"), "{err}");
        }
    }
    // `generate --out e.ron/` names a folder, and the fix drops the slash.
    let mut cmd = bcdr();
    cmd.args(["generate", "--services", "10", "--force", "--out"])
        .arg(&slash);
    let err = fails_with(cmd, "ends in a slash");
    assert!(
        err.contains(&format!("write --out {}\n", c.out.display())),
        "{err}"
    );
    assert_eq!(std::fs::read(&c.out).expect("kept"), b"a file");
}

/// Symlinks planted where bcdr writes are never followed: the lock file
/// as a link is refused, and a pack file that is a link is replaced by the
/// file (its target outside the folder untouched).
#[cfg(unix)]
#[test]
fn planted_symlinks_are_not_followed() {
    let c = case();
    let victim = c.out.with_file_name("victim.txt");
    std::fs::write(&victim, "precious").expect("written");
    let lock = c.out.with_file_name(".out.bcdr-lock");
    std::os::unix::fs::symlink(&victim, &lock).expect("planted");
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "10", "--out"])
        .arg(&c.out)
        .arg(&c.scenario);
    fails_with(cmd, "is a symbolic link");
    assert_eq!(std::fs::read(&victim).expect("kept"), b"precious");
    std::fs::remove_file(&lock).expect("removed");

    std::fs::create_dir(&c.out).expect("made");
    std::os::unix::fs::symlink(&victim, c.out.join("summary.json")).expect("planted");
    std::os::unix::fs::symlink(&victim, c.out.join(".summary.json.tmp4242")).expect("planted");
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "10", "--out"])
        .arg(&c.out)
        .arg(&c.scenario);
    cmd.assert().success();
    assert_eq!(std::fs::read(&victim).expect("kept"), b"precious");
    let summary = c.out.join("summary.json");
    assert!(!summary.symlink_metadata().expect("there").is_symlink());
    assert!(
        !c.out.join(".summary.json.tmp4242").exists(),
        "stale temp removed"
    );
}

/// Stale temporaries of killed runs, beside the folder and inside it, are
/// removed by the next run.
#[test]
fn stale_temporaries_are_cleaned() {
    let c = case();
    std::fs::create_dir_all(c.out.with_file_name(".out.bcdr-tmp-999-0")).expect("made");
    std::fs::write(
        c.out.with_file_name(".out.bcdr-tmp-999-0").join("x"),
        "half",
    )
    .expect("written");
    std::fs::create_dir_all(&c.out).expect("made");
    std::fs::write(c.out.join(".summary.json.tmp999"), "half").expect("written");
    std::fs::write(c.out.join(".loss_histogram.png.bcdr-tmp-999-3"), "half").expect("written");
    let mut cmd = bcdr();
    cmd.args(["run", "-q", "--trials", "10", "--out"])
        .arg(&c.out)
        .arg(&c.scenario);
    cmd.assert().success();
    assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));
    let hidden: Vec<String> = std::fs::read_dir(&c.out)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// A real full disk: a small tmpfs that holds one pack but not two. Needs
/// root (mount); says so and passes when it cannot mount.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_previous_pack() {
    let c = case();
    let reference = c.out.with_file_name("reference");
    assert!(c.run(1, &reference).status().expect("runs").success());
    let size: usize = snapshot(&reference).values().map(Vec::len).sum();
    let mnt = c.out.with_file_name("small-disk");
    std::fs::create_dir(&mnt).expect("made");
    let limit = size + size / 2 + 64 * 1024;
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={limit}")])
        .arg("tmpfs")
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!(
            "a_full_disk_leaves_the_previous_pack: skipped, cannot mount a {limit}-byte tmpfs \
             (needs root); the BCDR_TEST_FAULT=error:N steps of \
             a_pack_is_whole_or_untouched_at_every_moment cover the same paths"
        );
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let out = mnt.join("out");
    assert!(c.run(1, &out).status().expect("runs").success());
    let old = snapshot(&out);
    let result = c.run(2, &out).output().expect("runs");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left"), "{stderr}");
    assert_eq!(snapshot(&out), old, "the full disk changed the pack");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

/// `--out .` is written in place (swapping the current folder would leave
/// the shell in a deleted one), keeping everything else in it.
#[test]
fn the_current_folder_is_written_in_place() {
    let c = case();
    let here = c.out.with_file_name("here");
    std::fs::create_dir_all(here.join("src")).expect("made");
    std::fs::write(here.join("src/main.rs"), "fn main() {}").expect("written");
    let inode = |p: &Path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(p).expect("there").ino()
        }
        #[cfg(not(unix))]
        {
            let _ = p;
            0
        }
    };
    let before = inode(&here);
    bcdr()
        .current_dir(&here)
        .args(["run", "-q", "--trials", "10", "--out", "."])
        .arg(&c.scenario)
        .assert()
        .success();
    assert_eq!(inode(&here), before, "the folder itself stays");
    assert!(here.join("summary.json").is_file());
    assert_eq!(
        std::fs::read(here.join("src/main.rs")).expect("kept"),
        b"fn main() {}"
    );
    assert!(leftovers(&here).is_empty(), "{:?}", leftovers(&here));
    let hidden: Vec<String> = std::fs::read_dir(&here)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// Set `path`'s permission bits (Unix).
#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `bcdr` with `args`, then `--out out` and the scenario.
fn cmd(args: &[&str], out: &Path, scenario: &Path) -> assert_cmd::Command {
    let mut cmd = bcdr();
    cmd.args(args).arg("--out").arg(out).arg(scenario);
    cmd
}

/// A read-only folder, a read-only file of the pack, and a read-only
/// scenario file for `generate` are refused on their mode bits (so even
/// as root), before anything is written: the folder keeps its files, its
/// mode and no temporaries beside it.
#[cfg(unix)]
#[test]
fn read_only_outputs_are_refused_before_anything_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let c = case();
    let run = ["run", "-q", "--trials", "10"];
    cmd(&run, &c.out, &c.scenario).assert().success();
    let before = snapshot(&c.out);
    let summary = c.out.join("summary.json");
    chmod(&summary, 0o444);
    let err = fails_with(cmd(&run, &c.out, &c.scenario), "is read-only");
    assert!(
        err.contains("summary.json") && err.contains("another --out"),
        "{err}"
    );
    assert_eq!(snapshot(&c.out), before);
    assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));
    chmod(&summary, 0o644);
    chmod(&c.out, 0o555);
    let err = fails_with(cmd(&run, &c.out, &c.scenario), "is read-only");
    let mode = std::fs::metadata(&c.out)
        .expect("there")
        .permissions()
        .mode();
    chmod(&c.out, 0o755);
    assert!(err.contains("make it writable"), "{err}");
    assert_eq!(mode & 0o777, 0o555, "the folder was swapped");
    assert_eq!(snapshot(&c.out), before);
    assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));

    let file = c.out.with_file_name("ro.ron");
    std::fs::write(&file, "mine").expect("written");
    chmod(&file, 0o444);
    for force in [false, true] {
        let mut cmd = bcdr();
        cmd.args(["generate", "--services", "10", "--out"])
            .arg(&file);
        if force {
            cmd.arg("--force");
        }
        fails_with(cmd, "is read-only");
        assert_eq!(std::fs::read(&file).expect("kept"), b"mine");
    }
    chmod(&file, 0o644);
}

/// `generate` writes a new file; an existing one is replaced only with
/// `--force`.
#[test]
fn generate_replaces_a_file_only_with_force() {
    let c = case();
    let file = c.out.with_file_name("mine.ron");
    std::fs::write(&file, "mine").expect("written");
    let generate = |force: bool| {
        let mut cmd = bcdr();
        cmd.args(["generate", "--services", "10", "--out"])
            .arg(&file);
        if force {
            cmd.arg("--force");
        }
        cmd
    };
    let err = fails_with(generate(false), "already exists");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&file).expect("kept"), b"mine");
    // The file it replaces keeps its mode (a private one came back 644).
    #[cfg(unix)]
    chmod(&file, 0o640);
    generate(true).assert().success();
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("Generated by `bcdr generate"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .expect("there")
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o640, "{mode:o}");
    }
    let new = c.out.with_file_name("new.ron");
    let mut cmd = bcdr();
    cmd.args(["generate", "--services", "10", "--out"])
        .arg(&new);
    cmd.assert().success();
    assert!(leftovers(&new).is_empty(), "{:?}", leftovers(&new));
}

/// `generate --force` renamed its file over whatever `--out` named: as
/// root, `--out /dev/full --force` replaced the device with a text file
/// and said "wrote /dev/full". A pipe, and a link to one (as
/// `/dev/stdout` is), is refused, even with `--force`, and left as it was.
#[cfg(unix)]
#[test]
fn generate_never_replaces_a_pipe_or_a_link_to_one() {
    use std::os::unix::fs::FileTypeExt;
    let c = case();
    let fifo = c.out.with_file_name("pipe.ron");
    let path = std::ffi::CString::new(fifo.display().to_string()).expect("a path without NUL");
    // SAFETY: mkfifo reads a valid NUL-terminated path and nothing else.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0, "mkfifo");
    let link = c.out.with_file_name("link.ron");
    std::os::unix::fs::symlink(&fifo, &link).expect("a symlink");
    for target in [&fifo, &link] {
        let mut cmd = bcdr();
        cmd.args(["generate", "--services", "10", "--force", "--out"])
            .arg(target);
        let err = fails_with(cmd, "is not a regular file");
        assert!(err.contains("nothing was written"), "{err}");
        let kind = std::fs::symlink_metadata(target).expect("kept").file_type();
        assert!(
            kind.is_fifo() || kind.is_symlink(),
            "{target:?} was replaced"
        );
    }
    assert!(std::fs::symlink_metadata(&fifo)
        .expect("kept")
        .file_type()
        .is_fifo());
}

/// A command never writes into a folder holding another command's
/// results (a drill over a run, a trend over one of its runs); its own
/// folder, a new one, one with only the user's files, a graph in a run's
/// folder and the shards and merge of a run keep working.
#[test]
fn a_folder_holding_another_commands_results_is_refused() {
    let c = case();
    let dir = |n: &str| c.out.with_file_name(n);
    let run = ["run", "-q", "--trials", "10"];
    let drill = ["drill", "-q", "--trials", "5", "--threat", "fire"];
    cmd(
        &["run", "-q", "--trials", "10", "--label", "v1"],
        &c.out,
        &c.scenario,
    )
    .assert()
    .success();
    let before = snapshot(&c.out);
    let err = fails_with(
        cmd(&drill, &c.out, &c.scenario),
        "holds the results of bcdr run",
    );
    assert!(
        err.contains("summary.json") && err.contains("another --out"),
        "{err}"
    );
    assert_eq!(snapshot(&c.out), before);
    assert!(leftovers(&c.out).is_empty(), "{:?}", leftovers(&c.out));
    // trend A B --out A.
    cmd(
        &["run", "-q", "--trials", "10", "--label", "v2"],
        &dir("b"),
        &c.scenario,
    )
    .assert()
    .success();
    let mut trend = bcdr();
    trend
        .args(["trend", "-q", "--out"])
        .arg(&c.out)
        .arg(&c.out)
        .arg(dir("b"));
    fails_with(trend, "holds the results of bcdr run");
    assert_eq!(snapshot(&c.out), before);
    // The same command again, and the graph, into the run's folder.
    cmd(&run, &c.out, &c.scenario).assert().success();
    bcdr()
        .arg("graph")
        .arg("--out")
        .arg(&c.out)
        .arg(&c.scenario)
        .assert()
        .success();
    // A drill's folder: drills again, not runs.
    cmd(&drill, &dir("d"), &c.scenario).assert().success();
    cmd(&drill, &dir("d"), &c.scenario).assert().success();
    fails_with(
        cmd(&run, &dir("d"), &c.scenario),
        "holds the results of bcdr drill (drill.json)",
    );
    // A folder of the user's own files, a summary.json of theirs included.
    std::fs::create_dir(dir("u")).expect("made");
    std::fs::write(dir("u").join("summary.json"), "{\"mine\": 1}").expect("written");
    cmd(&drill, &dir("u"), &c.scenario).assert().success();
    // Shards into one folder, then the merge, then a run; a drill is refused.
    for i in 0..2 {
        let shard = format!("{i}/2");
        cmd(
            &["run", "-q", "--trials", "10", "--shard", &shard],
            &dir("s"),
            &c.scenario,
        )
        .assert()
        .success();
    }
    fails_with(cmd(&drill, &dir("s"), &c.scenario), "(partial-0-of-2.json)");
    let mut merge = bcdr();
    merge.args(["merge", "-q", "--out"]).arg(dir("s"));
    merge
        .arg(dir("s").join("partial-0-of-2.json"))
        .arg(dir("s").join("partial-1-of-2.json"));
    merge.assert().success();
    cmd(&run, &dir("s"), &c.scenario).assert().success();
    let shard = ["run", "-q", "--trials", "10", "--shard", "0/2"];
    fails_with(
        cmd(&shard, &dir("d"), &c.scenario),
        "holds the results of bcdr drill",
    );
}

/// `--out` under a file names the file.
#[test]
fn out_under_a_file_names_the_file() {
    let c = case();
    let file = c.out.with_file_name("notes.txt");
    std::fs::write(&file, "mine").expect("written");
    let err = fails_with(
        cmd(
            &["run", "-q", "--trials", "10"],
            &file.join("sub"),
            &c.scenario,
        ),
        "notes.txt is a file, not a folder",
    );
    assert!(!err.contains("os error"), "{err}");
    let mut cmd = bcdr();
    cmd.args(["generate", "--services", "10", "--out"])
        .arg(file.join("x.ron"));
    let err = fails_with(cmd, "notes.txt is a file, not a folder");
    assert!(!err.contains("os error"), "{err}");
    assert_eq!(std::fs::read(&file).expect("kept"), b"mine");
}

/// Folders with names up to the 255 bytes a file name may have are
/// written and swapped: bcdr's names beside them use a short stem.
#[test]
fn a_long_folder_name_is_written() {
    let c = case();
    for len in [240, 255] {
        let out = c.out.with_file_name("r".repeat(len));
        std::fs::create_dir(&out).expect("made");
        std::fs::write(out.join("notes.txt"), "mine").expect("written");
        let run = ["run", "-q", "--trials", "10"];
        cmd(&run, &out, &c.scenario).assert().success();
        cmd(&run, &out, &c.scenario).assert().success();
        assert!(out.join("summary.json").is_file());
        assert_eq!(std::fs::read(out.join("notes.txt")).expect("kept"), b"mine");
        let long = "g".repeat(len);
        let mut cmd = bcdr();
        cmd.args(["generate", "--services", "10", "--out"])
            .arg(c.out.with_file_name(&long));
        cmd.assert().success();
    }
    let beside: Vec<String> = std::fs::read_dir(c.out.parent().expect("a parent"))
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".bcdr-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

/// Default folders are named after file stems and ids: a 300-character
/// threat or service id, or two long file names side by side, made a name
/// past the 255 bytes a file name may have, and the command failed with
/// "File name too long (os error 36)". Such a name is shortened instead.
#[test]
fn default_folders_named_after_long_ids_are_shortened() {
    let tmp = tempfile::tempdir().expect("a folder");
    let id = "x".repeat(300);
    let text = format!(
        r#"Scenario(name: "long", services: [Service(id: "{id}", revenue_per_hour: 5, rto: "1h",
            failure: (mtbf: "100h", repair: Fixed("1h")))],
        threats: [Outage(id: "{id}", rate_per_year: 1, targets: [Service("{id}")], duration: Fixed("1h"))])"#
    );
    let file = format!("{}.ron", "s".repeat(150));
    std::fs::write(tmp.path().join(&file), text).expect("written");
    let set = format!("services.{id}.rto=1h,2h");
    for args in [
        vec!["drill", "-q", "--trials", "5", "--threat", &id, &file],
        vec!["sweep", "-q", "--trials", "5", "--set", &set, &file],
        vec!["compare", "-q", "--trials", "5", &file, &file],
    ] {
        let out = bcdr()
            .current_dir(tmp.path())
            .args(&args)
            .output()
            .expect("bcdr runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {err}", args[0]);
    }
    let folders: Vec<String> = std::fs::read_dir(tmp.path().join("outputs"))
        .expect("outputs")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders.len(), 3, "{folders:?}");
    for name in &folders {
        assert!(name.len() <= 255 && name.contains('~'), "{name}");
    }
}

/// The swap put a new folder in place of the user's: a private one
/// (`chmod 710`) came back with the default mode (755), readable by
/// everyone. The folder keeps its mode (and, where allowed, its owner).
#[cfg(unix)]
#[test]
fn a_private_folder_stays_private() {
    use std::os::unix::fs::PermissionsExt;
    let c = case();
    std::fs::create_dir(&c.out).expect("made");
    std::fs::write(c.out.join("notes.txt"), "mine").expect("written");
    chmod(&c.out, 0o710);
    for _ in 0..2 {
        cmd(&["run", "-q", "--trials", "10"], &c.out, &c.scenario)
            .assert()
            .success();
        let mode = std::fs::metadata(&c.out)
            .expect("there")
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o710, "{mode:o}");
    }
    assert!(c.out.join("summary.json").is_file());
    assert_eq!(
        std::fs::read(c.out.join("notes.txt")).expect("kept"),
        b"mine"
    );
}

/// A folder of a shared group written by another member of it: the swap
/// gave the new folder the old one's mode (`770`) but, the owner being
/// another user's, neither its owner nor its group (the one call setting
/// both was refused), so the owner was locked out of their own folder and
/// notes. The group is kept where the writer is in it, and the mode gives
/// no one less than the default. Needs root (it runs bcdr as two users):
/// as another user it checks nothing.
#[cfg(unix)]
#[test]
fn a_shared_folder_written_by_a_colleague_stays_open_to_its_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: running bcdr as two users needs root (CI runs as root)");
        return;
    }
    const OWNER: u32 = 64_002;
    const WRITER: u32 = 64_001;
    const TEAM: u32 = 64_100;
    /// `program` as `uid` with `gid` and the team as its groups.
    fn as_user(program: &Path, uid: u32, gid: u32) -> Command {
        let mut cmd = Command::new(program);
        // SAFETY: the closure only makes async-signal-safe calls.
        unsafe {
            cmd.pre_exec(move || {
                let groups = [TEAM];
                for ok in [
                    libc::setgroups(1, groups.as_ptr()),
                    libc::setgid(gid),
                    libc::setuid(uid),
                ] {
                    if ok != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                libc::umask(0o022);
                Ok(())
            });
        }
        cmd
    }
    let c = case();
    let tmp = c.out.parent().expect("a parent").to_path_buf();
    chmod(&tmp, 0o777);
    chmod(&c.scenario, 0o644);
    // The binary, where the writer can run it.
    let exe = tmp.join("bcdr");
    std::fs::copy(env!("CARGO_BIN_EXE_bcdr"), &exe).expect("copied");
    chmod(&exe, 0o755);
    std::fs::create_dir(&c.out).expect("made");
    let notes = c.out.join("notes.txt");
    std::fs::write(&notes, "mine").expect("written");
    for p in [&c.out, &notes] {
        std::os::unix::fs::chown(p, Some(OWNER), Some(TEAM)).expect("chown");
    }
    chmod(&c.out, 0o770);
    chmod(&notes, 0o660);
    let run = as_user(&exe, WRITER, WRITER)
        .current_dir(&tmp)
        .args(["run", "-q", "--trials", "10", "--out"])
        .arg(&c.out)
        .arg(&c.scenario)
        .output()
        .expect("bcdr runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let meta = std::fs::metadata(&c.out).expect("there");
    assert_eq!(meta.gid(), TEAM, "the group is kept");
    assert_eq!(meta.permissions().mode() & 0o7777, 0o755);
    let read = as_user(Path::new("cat"), OWNER, TEAM)
        .arg(&notes)
        .output()
        .expect("cat runs");
    assert!(
        read.status.success(),
        "the owner reads their notes: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert_eq!(read.stdout, b"mine");
}
