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
    /// The file has nothing in it but white space and comments.
    #[error(
        "the file is empty (or holds only comments): write a scenario in it, starting with \
         `Scenario(` (see scenarios/ for examples)"
    )]
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

/// The fix for a file that cannot be read, after its name: the cause
/// itself follows on its own line (`caused by: ...`).
fn read_fix(source: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match source.kind() {
        K::NotFound => {
            ": there is no such file; check the path (a relative one starts from the \
                        current folder)"
        }
        K::IsADirectory => ": it is a folder, not a file; name the file in it",
        K::PermissionDenied => ": permission denied; make it readable (chmod u+r) or read a copy",
        K::TimedOut => {
            ": it is a named pipe (FIFO) that nothing writes to; check the path, or \
                        start what writes into it first"
        }
        _ => "",
    }
}

/// "a.ron: " or "a.ron, b.ron: ", or nothing.
fn scenario_prefix(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return String::new();
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    format!("{}: ", names.join(", "))
}

impl Error {
    /// This error with the scenario files of the run it came from named
    /// in it, if it is one that needs them ([`Error::Memory`]: the library
    /// sees an estate, not its file).
    pub(crate) fn in_scenarios(self, paths: &[&std::path::Path]) -> Error {
        match self {
            Error::Memory { scenarios, message } if scenarios.is_empty() => Error::Memory {
                scenarios: paths.iter().map(|p| p.to_path_buf()).collect(),
                message,
            },
            other => other,
        }
    }
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
    #[error("cannot read {}{}", path.display(), read_fix(source))]
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
    /// An estate needs more memory than the machine has for one worker:
    /// the need, what is available and the fix, after the scenario files
    /// it came from (named by the commands that read them).
    #[error("{}{message}", scenario_prefix(scenarios))]
    Memory {
        /// The scenario files of the run (none when not known).
        scenarios: Vec<PathBuf>,
        /// The need, what is available and the fix.
        message: String,
    },
    /// A trial handled more events than any trial may (see
    /// `sim::trial::EVENT_BUDGET`): the message names what caused them.
    #[error("{0}")]
    EventBudget(String),
}

/// The library's result: [`Error`] unless told otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A memory error names the scenario files the command read, once;
    /// other errors are left as they were.
    #[test]
    fn memory_errors_name_their_scenarios() {
        let bare = || Error::Memory {
            scenarios: Vec::new(),
            message: "an estate of 9 services needs at least 1 MB".to_string(),
        };
        assert_eq!(
            bare().to_string(),
            "an estate of 9 services needs at least 1 MB"
        );
        let one = bare().in_scenarios(&[Path::new("estate.ron")]);
        assert_eq!(
            one.to_string(),
            "estate.ron: an estate of 9 services needs at least 1 MB"
        );
        // Named once: a second call keeps the first files.
        let again = one.in_scenarios(&[Path::new("other.ron")]);
        assert!(again.to_string().starts_with("estate.ron: "), "{again}");
        let two = bare().in_scenarios(&[Path::new("a.ron"), Path::new("b.ron")]);
        assert!(
            two.to_string().starts_with("a.ron, b.ron: an estate"),
            "{two}"
        );
        let usage = Error::Usage("--trials must be at least 1".to_string());
        assert_eq!(
            usage.in_scenarios(&[Path::new("a.ron")]).to_string(),
            "--trials must be at least 1"
        );
    }
}
