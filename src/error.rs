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
    /// The file has nothing in it (or only white space).
    #[error("the file is empty: a scenario starts with `Scenario(` (see scenarios/ for examples)")]
    Empty,
    /// The bytes are not UTF-8, first at `line`, `column` (1-based).
    #[error("line {line}, column {column}: the file is not valid UTF-8; save it as UTF-8")]
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column (in characters) of the first invalid byte.
        column: usize,
    },
    /// A RON syntax error: the first one in the file (the parser stops
    /// there), with the field path when there is one, and the line with a
    /// caret under the column.
    #[error("line {line}, column {column}{}: {message}{excerpt}", in_path(.path))]
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong, in the user's terms.
        message: String,
        /// `services[0] "core-db".backup.restore`, or empty.
        path: String,
        /// The offending line and a caret under the column, indented,
        /// each on its own line; empty when the line is not known.
        excerpt: String,
    },
    /// The file parses but breaks the rules: every problem found, each at
    /// its field path, in file order.
    #[error("{}", list_issues(.0))]
    Invalid(Vec<Issue>),
}

/// " (at services[0] \"core-db\".rto)", or nothing for an empty path.
fn in_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (at {path})")
    }
}

/// "2 problems:" and one issue per line.
fn list_issues(issues: &[Issue]) -> String {
    let mut text = match issues.len() {
        1 => "1 problem:".to_string(),
        n => format!("{n} problems:"),
    };
    for issue in issues {
        text.push_str(&format!("\n  - {issue}"));
    }
    text
}

/// Errors of the library's operations.
///
/// A variant with a `source` does not repeat it in its own message: the
/// binary prints every cause of the chain on its own line, so repeating it
/// would print it twice.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file could not be read (missing, unreadable, too large).
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A scenario file is not a valid scenario.
    #[error("invalid scenario {}", path.display())]
    Scenario {
        /// The scenario file.
        path: PathBuf,
        /// What is wrong in it.
        source: ScenarioError,
    },
    /// An output file or folder could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A bad command-line value or combination, with the fix (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A chart could not be drawn.
    #[error("chart {chart}: {message}")]
    Chart {
        /// The chart's file stem, such as `loss_exceedance`.
        chart: String,
        /// What went wrong.
        message: String,
    },
    /// A result could not be turned into a file's bytes.
    #[error("{file}: {message}")]
    Export {
        /// The output file's name.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A `--shard` partial result is unreadable, tampered with or does not
    /// belong with the others.
    #[error("{}: not a bcdr partial result: {message}", path.display())]
    Partial {
        /// The part's file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A trial handled more events than any trial may (see
    /// `sim::trial::EVENT_BUDGET`): the message names what caused them.
    #[error("{0}")]
    EventBudget(String),
}

/// The library's result: [`Error`] unless told otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;
