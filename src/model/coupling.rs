//! Threats that travel together (DESIGN-2 B2): triggers between threats
//! and common factors over several threats' rates.

use super::{Dist, Probability, ThreatId};

/// Each occurrence of `from` sets off `to` once with `probability`, after
/// `delay` (hours). A ransomware `from` triggers only when it is not
/// contained, counted from its encryption.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// The threat whose occurrences set it off.
    pub from: ThreatId,
    /// The threat set off.
    pub to: ThreatId,
    /// The chance that one occurrence of `from` sets off `to`.
    pub probability: Probability,
    /// Hours from `from` to `to`.
    pub delay: Dist,
}

/// One multiplier drawn per trial scales the rate of each of `threats`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommonFactor {
    /// The factor's id, unique in the scenario.
    pub id: String,
    /// The threats whose rates it scales.
    pub threats: Vec<ThreatId>,
    /// The multiplier drawn once per trial.
    pub multiplier: Dist,
}

/// A scenario's triggers (in file order: threat by threat) and common
/// factors; empty when it has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coupling {
    /// Every trigger, threat by threat in file order.
    pub triggers: Vec<Trigger>,
    /// Every common factor, in file order.
    pub common_factors: Vec<CommonFactor>,
}
