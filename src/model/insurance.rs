//! Insurance (DESIGN-2 B1): policies that pay part of each occurrence's
//! loss.

use super::{Money, ThreatId};

/// The id under which random failures are reported with the threats, and
/// named in a policy's `covers`.
pub const RANDOM_FAILURES: &str = "random-failures";

/// What a policy covers: random failures or one threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    /// `"random-failures"`.
    RandomFailures,
    /// One threat of the scenario.
    Threat(ThreatId),
}

/// `Policy(id, covers, deductible, limit, aggregate_limit, premium)`: per
/// occurrence of a threat it covers, it pays
/// min(max(loss − deductible, 0), limit), capped by what is left of
/// `aggregate_limit` in the year; `premium` is paid every year.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The policy's id.
    pub id: String,
    /// `None`: every threat and random failures.
    pub covers: Option<Vec<Covered>>,
    /// Paid by the insured per occurrence.
    pub deductible: Money,
    /// `None`: no limit per occurrence.
    pub limit: Option<Money>,
    /// `None`: no limit per year.
    pub aggregate_limit: Option<Money>,
    /// Paid every year.
    pub premium: Money,
}

impl Policy {
    /// Whether it covers `what`.
    pub fn covers(&self, what: Covered) -> bool {
        self.covers.as_ref().is_none_or(|c| c.contains(&what))
    }
}
