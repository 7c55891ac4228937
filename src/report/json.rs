//! `summary.json`: the stable, versioned result of a run.

use crate::error::Error;
use crate::stats::Summary;

/// Pretty-printed JSON with a trailing newline. Field order is the
/// struct's, and floats print with the shortest round-trip form, so the
/// same summary always gives the same bytes.
///
/// # Errors
/// Serialisation cannot fail for these types; an error is still mapped
/// rather than unwrapped.
pub fn summary(summary: &Summary) -> Result<Vec<u8>, Error> {
    let mut bytes = serde_json::to_vec_pretty(summary)
        .map_err(|e| Error::Usage(format!("cannot encode summary.json: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}
