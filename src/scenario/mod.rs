//! Reading scenario files: RON text → raw structs (the file as written,
//! [`parse_raw`]) → validated [`Model`].

pub(crate) mod duration;
pub(crate) mod raw;
pub(crate) mod suggest;
mod syntax;
pub(crate) mod validate;
pub(crate) mod warnings;
pub(crate) mod warnings_dr;
pub(crate) mod warnings_wait;

use std::path::Path;

use crate::error::{Error, ScenarioError};
use crate::model::Model;

pub use duration::{parse_hours, DurationError};
pub use validate::parse_raw;
pub use warnings::{planning_warnings, Warning};

/// Read, parse and validate a scenario file.
///
/// # Errors
/// [`Error::Scenario`] naming the file and what is wrong in it.
pub fn load(path: &Path) -> Result<Model, Error> {
    let bytes = crate::input::read_scenario(path)?;
    parse_bytes(&bytes).map_err(|source| Error::Scenario {
        path: path.to_path_buf(),
        source,
    })
}

/// Parse and validate scenario text given as bytes (checked for UTF-8).
///
/// # Errors
/// Empty or non-UTF-8 input, RON syntax errors, and every validation issue.
pub fn parse_bytes(bytes: &[u8]) -> Result<Model, ScenarioError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        ScenarioError::NotUtf8 { line, column }
    })?;
    parse_str(text)
}

/// Parse and validate scenario text.
///
/// # Errors
/// See [`parse_bytes`].
pub fn parse_str(text: &str) -> Result<Model, ScenarioError> {
    let raw = validate::parse_raw(text)?;
    validate::validate(&raw)
}

/// 1-based line and column of a byte offset.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, column)
}
