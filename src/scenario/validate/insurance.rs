//! Insurance (DESIGN-2 B1): the scenario's `insurance` policies.

use std::collections::HashMap;

use crate::model::{Covered, Money, Policy, ThreatId, RANDOM_FAILURES};
use crate::scenario::{raw, suggest};

use super::names::threat_id;
use super::{at, Ctx};

/// The field path of a policy.
fn policy_path(k: usize, id: &str) -> String {
    format!("insurance[{k}] {id:?}")
}

/// Validate the policies. `None` when any is invalid (the issues are in
/// `cx`).
pub(super) fn insurance(cx: &mut Ctx, raw: &raw::Scenario) -> Option<Vec<Policy>> {
    let threats: Vec<&str> = raw.threats.iter().map(threat_id).collect();
    let mut known: Vec<&str> = vec![RANDOM_FAILURES];
    known.extend(&threats);
    let mut ok = true;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut policies = Vec::new();
    for (k, p) in raw.insurance.iter().enumerate() {
        let pp = policy_path(k, &p.id);
        if p.id.trim().is_empty() {
            cx.issue(&pp, "a policy needs an id, such as \"cyber-primary\"");
            ok = false;
        } else if !cx.plain_text(&at(&pp, "id"), &p.id, "the id", false) {
            ok = false;
        } else if let Some(first) = seen.insert(&p.id, k) {
            cx.issue(
                &pp,
                format!(
                    "duplicate policy id {:?}: insurance[{first}] already has it; give every \
                     policy its own id",
                    p.id
                ),
            );
            ok = false;
        }
        let covers = match &p.covers {
            None => Some(None),
            Some(list) if list.is_empty() => {
                cx.issue(
                    at(&pp, "covers"),
                    "an empty list covers nothing: list the threat ids it pays for, such as \
                     [\"random-failures\", \"dc-fire\"], or leave `covers` out to cover every \
                     threat",
                );
                None
            }
            Some(list) => {
                let mut covered = Vec::new();
                let mut good = true;
                for (j, name) in list.iter().enumerate() {
                    let path = format!("{}[{j}]", at(&pp, "covers"));
                    let what = if name == RANDOM_FAILURES {
                        Some(Covered::RandomFailures)
                    } else {
                        threats
                            .iter()
                            .position(|t| t == name)
                            .map(|i| Covered::Threat(ThreatId(i as u32)))
                    };
                    match what {
                        Some(w) if covered.contains(&w) => {
                            cx.issue(
                                path,
                                format!("{name:?} is listed twice: list each threat once"),
                            );
                            good = false;
                        }
                        Some(w) => covered.push(w),
                        None => {
                            cx.issue(
                                path,
                                suggest::unknown(
                                    "threat",
                                    name,
                                    &known,
                                    "the scenario declares no threats",
                                ),
                            );
                            good = false;
                        }
                    }
                }
                good.then_some(Some(covered))
            }
        };
        let deductible = cx.money(&at(&pp, "deductible"), p.deductible);
        let limit = optional_money(cx, &at(&pp, "limit"), p.limit);
        let aggregate_limit = optional_money(cx, &at(&pp, "aggregate_limit"), p.aggregate_limit);
        let premium = cx.money(&at(&pp, "premium"), p.premium);
        match (covers, deductible, limit, aggregate_limit, premium) {
            (Some(covers), Some(deductible), Some(limit), Some(aggregate_limit), Some(premium)) => {
                policies.push(Policy {
                    id: p.id.clone(),
                    covers,
                    deductible,
                    limit,
                    aggregate_limit,
                    premium,
                })
            }
            _ => ok = false,
        }
    }
    ok.then_some(policies)
}

/// An optional amount of money: `Some(None)` when absent, `None` (with an
/// issue) when invalid.
fn optional_money(cx: &mut Ctx, path: &str, amount: Option<f64>) -> Option<Option<Money>> {
    match amount {
        None => Some(None),
        Some(m) => cx.money(path, Some(m)).map(Some),
    }
}
