//! Reading input files with a size limit: a scenario or a partial result
//! given as `/dev/zero`, a FIFO or a huge file by mistake is refused with
//! the numbers instead of filling memory.

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// The largest scenario file read: 64 MiB (a generated 1 000-service
/// estate is 0.2 MiB; `bcdr generate` refuses a count whose file would be
/// larger, about 287 000 services).
pub(crate) const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// The largest partial result read: 1 GiB (a shard of a 1 000-service
/// estate is about 3 MiB; the scenario text travels inside).
pub(crate) const MAX_PARTIAL_BYTES: u64 = 1 << 30;

/// Read the scenario file at `path`, at most [`MAX_SCENARIO_BYTES`].
///
/// # Errors
/// As [`read_limited`]; a file too large is refused with the fix for an
/// estate that does not fit (split it, or generate a smaller one).
pub(crate) fn read_scenario(path: &Path) -> Result<Vec<u8>, Error> {
    read_limited_with(
        path,
        MAX_SCENARIO_BYTES,
        "a scenario",
        "check the path; if it is the estate you meant, it is too large for one scenario: \
         split it into scenarios under the limit, each holding what its services depend on \
         (for a generated estate, fewer --services: `bcdr generate` names the largest count \
         that fits)",
    )
}

/// Read the file at `path`, at most `limit` bytes. `what` names the file
/// in messages ("a partial result"); it refuses at once a file whose first
/// block holds NUL bytes (binary data, `/dev/zero`), which no scenario or
/// partial result has.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read, [`Error::Usage`] when it
/// is larger than `limit` or binary.
pub(crate) fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, Error> {
    read_limited_with(path, limit, what, "check the path")
}

/// How long a named pipe (FIFO) may wait for a writer before it is
/// refused: opening one that nothing writes to blocks for ever.
const FIFO_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Open `path` for reading; a named pipe that nothing opens for writing
/// within [`FIFO_WAIT`] is an error of kind `TimedOut` instead of a hang
/// (the thread left waiting on it ends with the process).
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo()) {
            let (tx, rx) = std::sync::mpsc::channel();
            let owned = path.to_path_buf();
            std::thread::spawn(move || {
                let _ = tx.send(std::fs::File::open(owned));
            });
            return rx.recv_timeout(FIFO_WAIT).unwrap_or_else(|_| {
                Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "nothing opened the pipe for writing within {} seconds",
                        FIFO_WAIT.as_secs()
                    ),
                ))
            });
        }
    }
    std::fs::File::open(path)
}

/// [`read_limited`], with `fix` the advice given for a file too large.
fn read_limited_with(path: &Path, limit: u64, what: &str, fix: &str) -> Result<Vec<u8>, Error> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    let mut reader = file.take(limit + 1);
    // A first block, checked before reading on.
    let mut first = [0u8; 8192];
    let mut got = 0;
    while got < first.len() {
        match reader.read(&mut first[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_err(e)),
        }
    }
    if first[..got].contains(&0) {
        return Err(Error::Usage(format!(
            "{} holds binary data (a NUL byte in its first {got} bytes), not {what}: check the \
             path",
            path.display()
        )));
    }
    bytes.extend_from_slice(&first[..got]);
    reader.read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(Error::Usage(format!(
            "{} is larger than the {} MiB {what} may be (it has more than {limit} bytes): {fix}",
            path.display(),
            limit >> 20
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_binary_data_are_refused() {
        let dir = tempfile::tempdir().expect("a folder");
        let p = dir.path().join("f");
        std::fs::write(&p, vec![b'a'; 10_000]).expect("written");
        assert_eq!(read_limited(&p, 10_000, "x").expect("fits").len(), 10_000);
        let e = read_limited(&p, 9_999, "a scenario")
            .unwrap_err()
            .to_string();
        assert!(e.contains("larger than") && e.contains("a scenario"), "{e}");
        assert!(e.ends_with("check the path"), "{e}");
        std::fs::write(&p, b"abc\0def").expect("written");
        let e = read_limited(&p, 100, "a scenario").unwrap_err().to_string();
        assert!(e.contains("binary data"), "{e}");
        #[cfg(unix)]
        {
            let e = read_limited(Path::new("/dev/zero"), MAX_PARTIAL_BYTES, "a part")
                .unwrap_err()
                .to_string();
            assert!(e.contains("binary data"), "{e}");
        }
    }
}
