//! Raw scenario → typed [`Model`]: every reference resolved, every number
//! checked, the dependency graph acyclic. All problems are collected and
//! reported together, each with its field path.

use crate::error::ScenarioError;
use crate::model::Model;

use super::raw;

/// Parse RON text into the raw structs (optional fields may be written
/// without `Some(...)`).
///
/// # Errors
/// Empty input, RON syntax errors with line and column, nesting too deep.
pub fn parse_raw(text: &str) -> Result<raw::Scenario, ScenarioError> {
    todo!("{}", text.len())
}

/// Validate raw structs into a model.
///
/// # Errors
/// [`ScenarioError::Invalid`] with every issue found.
pub fn validate(raw: &raw::Scenario) -> Result<Model, ScenarioError> {
    todo!("{}", raw.name)
}
