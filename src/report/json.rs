//! The JSON files: `summary.json` here, and the one encoding every JSON
//! file of a pack shares ([`pretty`]).

use serde::Serialize;

use crate::error::Error;
use crate::stats::Summary;

/// Pretty-printed JSON with a trailing newline. Field order is the
/// struct's, and floats print with the shortest round-trip form, so the
/// same value always gives the same bytes. `file` names the file in the
/// error.
///
/// # Errors
/// Serialisation cannot fail for these types; an error is still mapped
/// rather than unwrapped.
pub(crate) fn pretty<T: Serialize>(value: &T, file: &str) -> Result<Vec<u8>, Error> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Usage(format!("cannot encode {file}: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `summary.json`: the stable, versioned result of a run.
///
/// # Errors
/// See [`pretty`].
pub(crate) fn summary(summary: &Summary) -> Result<Vec<u8>, Error> {
    pretty(summary, "summary.json")
}
