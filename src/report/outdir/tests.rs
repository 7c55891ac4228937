//! Unit tests of the output folder.

use super::*;

fn pack(files: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
        .collect()
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_default()
}

#[test]
fn replaces_the_pack_and_keeps_everything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = OutDir::lock(&dir, Pack::Run, Wait::No).unwrap();
    out.write_pack(&pack(&[("a.txt", "1"), ("sub/b.txt", "1")]))
        .unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    fs::write(dir.join("sub/mine.txt"), "mine").unwrap();
    fs::create_dir(dir.join("folder")).unwrap();
    fs::write(dir.join("folder/x"), "x").unwrap();
    fs::write(dir.join(".summary.json.tmp123"), "stale").unwrap();
    out.write_pack(&pack(&[("a.txt", "2"), ("sub/b.txt", "2")]))
        .unwrap();
    assert_eq!(read(&dir, "a.txt"), "2");
    assert_eq!(read(&dir, "sub/b.txt"), "2");
    assert_eq!(read(&dir, "notes.txt"), "mine");
    assert_eq!(read(&dir, "sub/mine.txt"), "mine");
    assert_eq!(read(&dir, "folder/x"), "x");
    drop(out);
    // A second lock cleans the legacy temporary.
    let _out = OutDir::lock(&dir, Pack::Run, Wait::No).unwrap();
    assert!(!dir.join(".summary.json.tmp123").exists());
    let beside: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        beside.iter().all(|n| n == "out" || n == ".out.bcdr-lock"),
        "{beside:?}"
    );
    drop(_out);
    assert!(!tmp.path().join(".out.bcdr-lock").exists());
}

#[test]
fn a_second_writer_is_refused_with_the_first_ones_pid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let _first = OutDir::lock(&dir, Pack::Run, Wait::No).unwrap();
    let err = OutDir::lock(&dir, Pack::Run, Wait::No)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("process {}", std::process::id())),
        "{err}"
    );
    assert!(err.contains("another --out"), "{err}");
}

#[test]
fn a_file_as_out_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f");
    fs::write(&file, "x").unwrap();
    let err = OutDir::lock(&file, Pack::Run, Wait::No)
        .unwrap_err()
        .to_string();
    assert!(err.contains("is a file, not a folder"), "{err}");
}

#[test]
fn a_pack_file_never_replaces_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    fs::create_dir_all(dir.join("a.txt")).unwrap();
    let out = OutDir::lock(&dir, Pack::Run, Wait::No).unwrap();
    let err = out
        .write_pack(&pack(&[("a.txt", "1")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("is a folder"), "{err}");
    assert!(dir.join("a.txt").is_dir());
}

#[test]
fn legacy_temporaries_are_recognised() {
    assert!(is_legacy_temp(".summary.json.tmp4242"));
    assert!(!is_legacy_temp("summary.json"));
    assert!(!is_legacy_temp(".notes.tmp"));
    assert!(!is_legacy_temp(".x.tmpab"));
}

/// Shards on several machines write their parts into one shared folder
/// at the same time, and a network file system may not pass locks between
/// machines (or have none: Lustre without `flock`): a shard's clean-up,
/// or any on a file system without locks, must not remove a temporary
/// that may be another writer's, in flight; old leftovers still go.
#[test]
fn shards_and_lockless_writers_clean_only_old_temporaries() {
    for (wait, lockless) in [(Wait::Yes, false), (Wait::No, true)] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        // Planted once the lock is taken: lock() cleans on its own.
        let mut out = OutDir::lock(&dir, Pack::Run, wait).unwrap();
        if lockless {
            out.alone = false;
        }
        fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join(".partial-1-of-2.json.bcdr-tmp-4242-0");
        let old = dir.join(".partial-0-of-2.json.bcdr-tmp-4243-0");
        let fresh_beside = tmp.path().join(".out.bcdr-tmp-4242-1");
        let old_beside = tmp.path().join(".out.bcdr-tmp-4243-1");
        fs::write(&fresh, "in flight").unwrap();
        fs::write(&old, "left by a kill").unwrap();
        fs::create_dir(&fresh_beside).unwrap();
        fs::create_dir(&old_beside).unwrap();
        let long_ago = std::time::SystemTime::now() - 2 * UNLOCKED_GRACE;
        for p in [&old, &old_beside] {
            File::open(p).unwrap().set_modified(long_ago).unwrap();
        }
        out.clean();
        let case = format!("{wait:?}, lockless {lockless}");
        assert!(
            fresh.exists(),
            "{case}: another writer's temporary was removed"
        );
        assert!(
            fresh_beside.exists(),
            "{case}: another writer's folder was removed"
        );
        assert!(!old.exists(), "{case}: an old leftover was kept");
        assert!(
            !old_beside.exists(),
            "{case}: an old leftover folder was kept"
        );
        drop(out);
        // A pack's writer, alone under a real lock, removes every leftover.
        let _out = OutDir::lock(&dir, Pack::Run, Wait::No).unwrap();
        assert!(!fresh.exists(), "{case}: with a lock, every leftover goes");
        assert!(
            !fresh_beside.exists(),
            "{case}: with a lock, every leftover goes"
        );
    }
}
