//! Threats that travel together (DESIGN-2 B2): each threat's `triggers`
//! and the scenario's `common_factors`, with the trigger cycles refused.

use std::collections::HashMap;

use crate::model::{CommonFactor, Coupling, Dist, ThreatId, Trigger};
use crate::scenario::{raw, suggest};

use super::names::threat_id;
use super::{at, threat_path, Ctx, MAX_RATE_PER_YEAR};

/// A threat's triggers as written.
fn raw_triggers(t: &raw::Threat) -> &[raw::RawTrigger] {
    match t {
        raw::Threat::Outage { triggers, .. }
        | raw::Threat::Disaster { triggers, .. }
        | raw::Threat::Ransomware { triggers, .. }
        | raw::Threat::LossEvent { triggers, .. } => triggers,
    }
}

/// The threat called `name`, or an issue at `path` with the nearest id.
fn threat_ref(
    cx: &mut Ctx,
    ids: &HashMap<&str, usize>,
    list: &[&str],
    path: &str,
    name: &str,
) -> Option<ThreatId> {
    match ids.get(name) {
        Some(&i) => Some(ThreatId(i as u32)),
        None => {
            cx.issue(
                path,
                suggest::unknown("threat", name, list, "the scenario declares no threats"),
            );
            None
        }
    }
}

/// Validate the triggers and common factors. `None` when any is invalid
/// (the issues are in `cx`).
pub(super) fn coupling(cx: &mut Ctx, raw: &raw::Scenario) -> Option<Coupling> {
    let list: Vec<&str> = raw.threats.iter().map(threat_id).collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, id) in list.iter().enumerate() {
        ids.entry(id).or_insert(i);
    }
    let mut ok = true;
    let mut triggers = Vec::new();
    for (i, t) in raw.threats.iter().enumerate() {
        let p = at(&threat_path(i, threat_id(t)), "triggers");
        for (k, trig) in raw_triggers(t).iter().enumerate() {
            let tp = format!("{p}[{k}]");
            let to = threat_ref(cx, &ids, &list, &at(&tp, "threat"), &trig.threat);
            let probability = cx.probability(&at(&tp, "probability"), trig.probability);
            let delay = match &trig.delay {
                Some(d) => cx.dist(&at(&tp, "delay"), d),
                None => Dist::fixed(0.0).ok(),
            };
            match (to, probability, delay) {
                (Some(to), Some(probability), Some(delay)) => triggers.push(Trigger {
                    from: ThreatId(i as u32),
                    to,
                    probability,
                    delay,
                }),
                _ => ok = false,
            }
        }
    }
    if ok {
        ok = no_cycle(cx, &list, &triggers);
    }
    let mut common_factors = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (k, f) in raw.common_factors.iter().enumerate() {
        let fp = format!("common_factors[{k}] {:?}", f.id);
        if f.id.trim().is_empty() {
            cx.issue(&fp, "a common factor needs an id, such as \"storm-season\"");
            ok = false;
        } else if let Some(first) = seen.insert(&f.id, k) {
            cx.issue(
                &fp,
                format!(
                    "duplicate common factor id {:?}: common_factors[{first}] already has it; \
                     give every common factor its own id",
                    f.id
                ),
            );
            ok = false;
        }
        if f.threats.is_empty() {
            cx.issue(
                at(&fp, "threats"),
                "a common factor scales at least one threat: list their ids, such as \
                 [\"flood\", \"power-cut\"]",
            );
            ok = false;
        }
        let mut threats = Vec::new();
        for (j, name) in f.threats.iter().enumerate() {
            let path = format!("{fp}.threats[{j}]");
            match threat_ref(cx, &ids, &list, &path, name) {
                // Listed twice, the multiplier would scale the rate twice
                // (its square), which no one means.
                Some(id) if threats.contains(&id) => {
                    cx.issue(
                        path,
                        format!(
                            "{name:?} is listed twice in threats: remove one (the multiplier \
                             would scale its rate twice)"
                        ),
                    );
                    ok = false;
                }
                Some(id) => threats.push(id),
                None => ok = false,
            }
        }
        let mp = at(&fp, "multiplier");
        // Held, like a rate distribution, by its 1-in-a-billion value: a
        // multiplier that can scale a rate past the cap would hang the
        // trials that draw it (scaled rates are also capped as drawn).
        let multiplier = cx.dist(&mp, &f.multiplier).and_then(|m| {
            let top = m.quantile(1.0 - 1e-9);
            if top.is_finite() && top <= MAX_RATE_PER_YEAR {
                return Some(m);
            }
            cx.issue(
                &mp,
                format!(
                    "this multiplier can draw {} (its 1-in-a-billion value), which would \
                     scale its threats' rates past the {MAX_RATE_PER_YEAR} events a year a \
                     threat may have: give it a range around 1, such as \
                     LogNormal(median: 1, p90: 2)",
                    super::too_large(top, "")
                ),
            );
            None
        });
        match multiplier {
            Some(multiplier) => common_factors.push(CommonFactor {
                id: f.id.clone(),
                threats,
                multiplier,
            }),
            None => ok = false,
        }
    }
    ok.then_some(Coupling {
        triggers,
        common_factors,
    })
}

/// Refuse a cycle of triggers (a threat that sets itself off, directly or
/// through others), naming it at the first threat on it.
fn no_cycle(cx: &mut Ctx, list: &[&str], triggers: &[Trigger]) -> bool {
    let n = list.len();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
    for t in triggers {
        next[t.from.index()].push(t.to.index());
    }
    // 0 unvisited, 1 on the path, 2 done.
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut path = vec![start];
        let mut edge = vec![0usize];
        state[start] = 1;
        while let (Some(&v), Some(e)) = (path.last(), edge.last_mut()) {
            if let Some(&w) = next[v].get(*e) {
                *e += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        path.push(w);
                        edge.push(0);
                    }
                    1 => {
                        let from = path.iter().position(|&x| x == w).unwrap_or(0);
                        let mut ring: Vec<&str> = path[from..].iter().map(|&x| list[x]).collect();
                        ring.push(list[w]);
                        cx.issue(
                            at(&threat_path(w, list[w]), "triggers"),
                            format!(
                                "triggers form a cycle: {}; a threat cannot set itself off, \
                                 directly or through others: remove one of these triggers",
                                ring.join(" → ")
                            ),
                        );
                        return false;
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                path.pop();
                edge.pop();
            }
        }
    }
    true
}
