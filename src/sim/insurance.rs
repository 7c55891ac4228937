//! Insurance (DESIGN-2 B1), compiled: each policy's terms over the
//! trial's causes, and the one rule that pays a trial's occurrences.
//!
//! The rule, in the order a year unfolds:
//!
//! - The occurrences of a trial are paid in order of when they occurred
//!   (ties: random failures, then threats in file order, then by number).
//! - For each occurrence, the policies that cover its threat pay in
//!   declaration order, each on what is left of the occurrence's loss
//!   after the policies before it: min(max(left − deductible, 0), limit).
//! - Each policy's payments in a year are capped by what is left of its
//!   own `aggregate_limit`; a payment cut by it (less than the policy would
//!   otherwise pay) is what `aggregate_exhausted` counts.
//!
//! The net loss of a trial is its gross loss − the recoveries + the
//! premiums.

use crate::model::{Covered, Model};
use crate::stats::{money_slack, more_than};

/// One policy's terms: per cause (0: random failures, k + 1: threat k)
/// whether it covers it; the money as plain numbers (+∞ for no limit).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPlan {
    pub covers: Vec<bool>,
    pub deductible: f64,
    pub limit: f64,
    pub aggregate: f64,
    pub premium: f64,
}

/// The scenario's policies, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct InsurancePlan {
    pub policies: Vec<PolicyPlan>,
    /// Σ premiums: added to every trial's net loss.
    pub premiums: f64,
}

impl InsurancePlan {
    /// `None` for a scenario without insurance (its trials collect
    /// nothing per occurrence).
    pub fn compile(model: &Model) -> Option<InsurancePlan> {
        if model.insurance.is_empty() {
            return None;
        }
        let causes = model.threats.len() + 1;
        let policies: Vec<PolicyPlan> = model
            .insurance
            .iter()
            .map(|p| PolicyPlan {
                covers: (0..causes)
                    .map(|c| {
                        p.covers(if c == 0 {
                            Covered::RandomFailures
                        } else {
                            Covered::Threat(crate::model::ThreatId(c as u32 - 1))
                        })
                    })
                    .collect(),
                deductible: p.deductible.get(),
                limit: p.limit.map_or(f64::INFINITY, |m| m.get()),
                aggregate: p.aggregate_limit.map_or(f64::INFINITY, |m| m.get()),
                premium: p.premium.get(),
            })
            .collect();
        let premiums = policies.iter().map(|p| p.premium).sum();
        Some(InsurancePlan { policies, premiums })
    }

    /// Pay one trial's occurrences, `(cause, loss)` in the order they
    /// occurred (see the module's rule): per policy, what it recovered
    /// into `recovered` and whether its aggregate cut a payment into
    /// `exhausted` (both overwritten). Returns Σ recovered.
    pub fn pay(
        &self,
        occurrences: impl IntoIterator<Item = (u32, f64)>,
        recovered: &mut [f64],
        exhausted: &mut [bool],
        left: &mut Vec<f64>,
    ) -> f64 {
        recovered.fill(0.0);
        exhausted.fill(false);
        left.clear();
        left.extend(self.policies.iter().map(|p| p.aggregate));
        for (cause, loss) in occurrences {
            let mut rest = loss;
            for (k, p) in self.policies.iter().enumerate() {
                if !p.covers[cause as usize] {
                    continue;
                }
                // A loss of the deductible on paper pays nothing, and a
                // payment of what is left of the aggregate on paper is
                // not cut, whatever the tick grid left of them
                // (`stats::money_slack`).
                let due = if more_than(rest, p.deductible) {
                    (rest - p.deductible).min(p.limit)
                } else {
                    0.0
                };
                let pay = due.min(left[k]);
                exhausted[k] |= due > left[k] + money_slack(p.aggregate);
                left[k] -= pay;
                recovered[k] += pay;
                rest -= pay;
            }
        }
        recovered.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(deductible: f64, limit: f64, aggregate: f64) -> PolicyPlan {
        PolicyPlan {
            covers: vec![true, true],
            deductible,
            limit,
            aggregate,
            premium: 0.0,
        }
    }

    fn pay(plan: &InsurancePlan, occ: &[(u32, f64)]) -> (Vec<f64>, Vec<bool>) {
        let n = plan.policies.len();
        let (mut r, mut e) = (vec![0.0; n], vec![false; n]);
        plan.pay(occ.iter().copied(), &mut r, &mut e, &mut Vec::new());
        (r, e)
    }

    /// Deductible, limit and aggregate at their boundaries: a loss of
    /// exactly the deductible pays nothing; a payment of exactly what is
    /// left of the aggregate is not cut; the next one is.
    #[test]
    fn deductible_limit_and_aggregate_at_their_boundaries() {
        let plan = InsurancePlan {
            policies: vec![policy(100.0, 1000.0, 1500.0)],
            premiums: 0.0,
        };
        assert_eq!(pay(&plan, &[(1, 100.0)]), (vec![0.0], vec![false]));
        assert_eq!(pay(&plan, &[(1, 350.0)]), (vec![250.0], vec![false]));
        assert_eq!(pay(&plan, &[(1, 5000.0)]), (vec![1000.0], vec![false]));
        // 1000 + 500 = the aggregate exactly: not cut.
        assert_eq!(
            pay(&plan, &[(1, 5000.0), (1, 600.0)]),
            (vec![1500.0], vec![false])
        );
        // A third payment finds nothing left: cut.
        assert_eq!(
            pay(&plan, &[(1, 5000.0), (1, 600.0), (1, 200.0)]),
            (vec![1500.0], vec![true])
        );
        // Cut in part.
        assert_eq!(
            pay(&plan, &[(1, 5000.0), (1, 900.0)]),
            (vec![1500.0], vec![true])
        );
    }

    /// Policies pay in declaration order, each on what the ones before
    /// left; a policy that does not cover the cause is skipped.
    #[test]
    fn policies_pay_in_order_on_what_is_left() {
        let mut first = policy(0.0, 300.0, f64::INFINITY);
        first.covers = vec![false, true];
        let plan = InsurancePlan {
            policies: vec![first, policy(100.0, f64::INFINITY, f64::INFINITY)],
            premiums: 0.0,
        };
        // Threat: 300 from the first, then (1000 − 300 − 100) = 600.
        assert_eq!(pay(&plan, &[(1, 1000.0)]).0, vec![300.0, 600.0]);
        // Random failures: the first does not cover them.
        assert_eq!(pay(&plan, &[(0, 1000.0)]).0, vec![0.0, 900.0]);
    }
}
