//! Threats that travel together (DESIGN-2 B2): triggers between threats
//! and common factors over several threats' rates.

use super::{Dist, Probability, ThreatId};

/// Each occurrence of `from` sets off `to` once with `probability`, after
/// `delay` (hours). A ransomware `from` triggers only when it is not
/// contained, counted from its encryption.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub from: ThreatId,
    pub to: ThreatId,
    pub probability: Probability,
    pub delay: Dist,
}

/// One multiplier drawn per trial scales the rate of each of `threats`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommonFactor {
    pub id: String,
    pub threats: Vec<ThreatId>,
    pub multiplier: Dist,
}

/// A scenario's triggers (in file order: threat by threat) and common
/// factors; empty when it has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coupling {
    pub triggers: Vec<Trigger>,
    pub common_factors: Vec<CommonFactor>,
}
