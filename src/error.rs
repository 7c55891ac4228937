//! Typed errors of the library, one enum per stage.

use std::fmt;
use std::path::PathBuf;

/// One problem found while validating a scenario, at a field path such as
/// `services[2] "core-db".depends_on[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where in the file: the field path.
    pub path: String,
    /// What is wrong and, where there is one, the fix.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a scenario could not be read into a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    #[error("the file is empty: a scenario starts with `Scenario(` (see scenarios/ for examples)")]
    Empty,
    #[error("line {line}, column {column}: the file is not valid UTF-8; save it as UTF-8")]
    NotUtf8 { line: usize, column: usize },
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{} problem(s):\n{}", .0.len(), .0.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Issue>),
}

/// Errors of the library's operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Scenario {
        path: PathBuf,
        source: ScenarioError,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("chart {chart}: {message}")]
    Chart { chart: String, message: String },
    #[error("{}: not a bcdr partial result: {message}", path.display())]
    Partial { path: PathBuf, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
