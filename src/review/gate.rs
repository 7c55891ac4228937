//! CI gates for teams that keep scenarios in git: `validate --format json`
//! (every error and warning with its field path, message and fix),
//! `validate --deny-warnings` and `run --fail-on appetite`.
//!
//! The exit codes are the binary's: 0 pass, 1 a gate failed (a warning
//! denied, the appetite breached), 2 an error (the scenario is invalid or
//! cannot be read). The library only says which: [`ValidateReport::status`]
//! and [`appetite_breaches`].

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ScenarioError};
use crate::scenario;
use crate::stats::Summary;

/// One error or warning as `validate --format json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The field path, such as `services[2] "core-db".rto`; `line L,
    /// column C` for a syntax error; empty for the whole file.
    pub path: String,
    /// What is wrong (the whole message, fix included).
    pub message: String,
    /// The fix alone: the part of the message after its last `; `, or null
    /// when the message gives none apart.
    pub fix: Option<String>,
}

impl Finding {
    fn new(path: String, message: String) -> Finding {
        // Messages say what is wrong, then `; ` and the fix; some say it
        // after `: ` with an imperative ("...: use s, m, h, d, w or y").
        const VERBS: [&str; 17] = [
            "use ", "add ", "set ", "write ", "remove ", "give ", "lower ", "raise ", "bring ",
            "rename ", "list ", "declare ", "keep ", "put ", "check ", "widen ", "save ",
        ];
        let fix = message
            .rsplit_once("; ")
            .map(|(_, fix)| fix)
            .or_else(|| {
                message
                    .match_indices(": ")
                    .map(|(i, _)| &message[i + 2..])
                    .find(|rest| VERBS.iter().any(|v| rest.starts_with(v)))
            })
            .map(|fix| fix.trim().to_string())
            .filter(|f| !f.is_empty());
        Finding { path, message, fix }
    }
}

/// What `bcdr validate --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidateReport {
    /// The scenario file as given.
    pub file: String,
    /// No errors (warnings allowed).
    pub valid: bool,
    /// Why the scenario is invalid; empty when it is valid.
    pub errors: Vec<Finding>,
    /// Planning warnings (the scenario runs, but check these).
    pub warnings: Vec<Finding>,
}

/// The outcome of a gate, mapped to the exit code by the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Pass,
    /// Exit 1: a gate failed (a denied warning, a breached appetite).
    Fail,
    /// Exit 2: an error (invalid scenario).
    Error,
}

impl Status {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Status::Pass => 0,
            Status::Fail => 1,
            Status::Error => 2,
        }
    }
}

impl ValidateReport {
    /// The exit status: errors first, then warnings when denied.
    pub fn status(&self, deny_warnings: bool) -> Status {
        if !self.valid {
            Status::Error
        } else if deny_warnings && !self.warnings.is_empty() {
            Status::Fail
        } else {
            Status::Pass
        }
    }

    /// Pretty JSON with a trailing newline.
    ///
    /// # Errors
    /// Serialisation cannot fail for this type; an error is still mapped.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        let mut v = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Usage(format!("cannot encode the validation report: {e}")))?;
        v.push(b'\n');
        Ok(v)
    }
}

/// Validate a scenario file into a report: the errors when it is invalid,
/// its planning warnings when it is valid.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read, [`Error::Usage`] when it
/// is too large or binary (neither is a finding).
pub fn validate_report(path: &Path) -> Result<ValidateReport, Error> {
    // As every reader of a scenario: a size limit, binary data and a
    // FIFO that nothing writes to refused (not read into memory for ever).
    let bytes = crate::input::read_scenario(path)?;
    let file = path.display().to_string();
    Ok(match scenario::parse_bytes(&bytes) {
        Ok(model) => ValidateReport {
            file,
            valid: true,
            errors: Vec::new(),
            warnings: scenario::planning_warnings(&model)
                .into_iter()
                .map(|w| Finding::new(w.path, w.message))
                .collect(),
        },
        Err(e) => ValidateReport {
            file,
            valid: false,
            errors: findings(&e),
            warnings: Vec::new(),
        },
    })
}

fn findings(e: &ScenarioError) -> Vec<Finding> {
    match e {
        ScenarioError::Invalid(issues) => issues
            .iter()
            .map(|i| Finding::new(i.path.clone(), i.message.clone()))
            .collect(),
        ScenarioError::Syntax {
            line,
            column,
            message,
            path,
            ..
        } => vec![Finding::new(
            if path.is_empty() {
                format!("line {line}, column {column}")
            } else {
                format!("{path} (line {line}, column {column})")
            },
            message.clone(),
        )],
        other => vec![Finding::new(String::new(), other.to_string())],
    }
}

/// The points of the risk appetite a run breaches, as one line each
/// (`run --fail-on appetite` fails when there is any).
pub fn appetite_breaches(s: &Summary) -> Vec<String> {
    s.risk_appetite
        .iter()
        .filter(|a| !a.within)
        .map(|a| {
            let chances = crate::fmt::pct_against(a.accepted, &[a.simulated]);
            format!(
                "risk appetite breached: losing more than {}{} has a simulated chance \
                 of {} per {}, above the {} accepted",
                crate::fmt::money(&s.currency, a.loss),
                if s.annual_loss_net.is_some() {
                    " (net of insurance)"
                } else {
                    ""
                },
                chances[1],
                crate::stats::period::Period::of(s.horizon_hours).unit(),
                chances[0]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_is_the_part_after_the_last_semicolon() {
        let f = Finding::new("p".into(), "RTO 1h is short; set it to 2h".into());
        assert_eq!(f.fix.as_deref(), Some("set it to 2h"));
        assert_eq!(Finding::new("p".into(), "no fix".into()).fix, None);
    }

    /// Fixes written after `: ` with "keep", "put", "check" were null in
    /// `validate --format json`.
    #[test]
    fn fixes_after_a_colon_are_found_for_every_imperative() {
        for (message, fix) in [
            (
                "the field `id` is written twice in Site(...): keep one",
                "keep one",
            ),
            (
                "Pert(min: \"4h\", mode: \"2h\", max: \"1d\"): needs min <= mode <= max: put \
                 the values in order",
                "put the values in order",
            ),
            (
                "\"1e308y\" is too large to be a duration: check the number and its unit",
                "check the number and its unit",
            ),
        ] {
            let f = Finding::new("p".into(), message.into());
            assert_eq!(f.fix.as_deref(), Some(fix), "{message}");
        }
    }
}
