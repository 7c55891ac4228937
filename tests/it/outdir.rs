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
    let held = bcdr::report::OutDir::lock(&c.out, bcdr::report::Wait::No).expect("locked");
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
    for args in [
        vec!["run", "-q", "--trials", "10"],
        vec!["drill", "-q", "--trials", "10", "--threat", "fire"],
        vec!["graph"],
    ] {
        let mut cmd = bcdr();
        cmd.args(&args).arg("--out").arg(&c.out).arg(&c.scenario);
        let err = fails_with(cmd, "is a file, not a folder");
        assert!(!err.contains("os error 17"), "{err}");
    }
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
