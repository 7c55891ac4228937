//! The compiled form of threats that travel together (DESIGN-2 B2).

use crate::model::{Dist, Model};

use super::rng::stable_hash;

/// One trigger from a threat.
#[derive(Debug, Clone)]
pub struct TriggerPlan {
    /// The threat set off.
    pub to: u32,
    pub probability: f64,
    /// Hours from the occurrence (a ransomware attack's encryption).
    pub delay: Dist,
}

/// One common factor.
#[derive(Debug, Clone)]
pub struct FactorPlan {
    /// Entity key of its stream (the stable hash of `"factor:" + id`).
    pub key: u64,
    pub threats: Vec<u32>,
    pub multiplier: Dist,
}

/// Triggers by threat and the common factors; empty for a scenario
/// without them, which then draws nothing more than before.
#[derive(Debug, Clone, Default)]
pub struct CouplingPlan {
    /// Per threat: the threats it sets off (empty rows allocate nothing).
    pub triggers: Vec<Vec<TriggerPlan>>,
    pub factors: Vec<FactorPlan>,
    /// Whether any threat has a trigger.
    pub any_trigger: bool,
}

impl CouplingPlan {
    pub fn compile(model: &Model) -> CouplingPlan {
        let c = &model.coupling;
        let mut triggers = vec![Vec::new(); model.threats.len()];
        for t in &c.triggers {
            triggers[t.from.index()].push(TriggerPlan {
                to: t.to.0,
                probability: t.probability.get(),
                delay: t.delay.clone(),
            });
        }
        CouplingPlan {
            triggers,
            factors: c
                .common_factors
                .iter()
                .map(|f| FactorPlan {
                    key: stable_hash(&format!("factor:{}", f.id)),
                    threats: f.threats.iter().map(|t| t.0).collect(),
                    multiplier: f.multiplier.clone(),
                })
                .collect(),
            any_trigger: !c.triggers.is_empty(),
        }
    }
}
