//! Planning warnings a continuity reviewer would raise: the scenario is
//! valid, but the plan has a gap.

use crate::model::Model;

/// A planning gap, reported by `bcdr validate` and in the review pack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Where: a field path such as `services[4] "payments".rto`.
    pub path: String,
    /// What the gap is and what would close it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every planning warning for a validated model, in a stable order.
pub fn planning_warnings(model: &Model) -> Vec<Warning> {
    todo!("{}", model.name)
}
