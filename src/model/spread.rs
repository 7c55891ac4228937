//! What a group stands for and where a ransomware attack can spread: the
//! simulator compiles these edges and the planning warnings walk them, so
//! both see the same attack.

use super::{Model, NodeRef, Probability, Ransomware, ServiceId, ServiceKind};

impl Model {
    /// The services a node stands for: a service, itself; a group, its
    /// members through nested groups, each once, in depth-first member
    /// order.
    ///
    /// # Complexity
    /// O(M) for the M member entries it walks, on an explicit stack: a
    /// chain of nested groups made the recursion it was as deep as the
    /// chain, and each service's check for a repeat went through the list
    /// so far (3 000 nested groups took seconds to validate).
    pub fn member_services(&self, node: NodeRef) -> Vec<ServiceId> {
        let mut out = Vec::new();
        let mut listed = std::collections::HashSet::new();
        let mut seen = vec![false; self.groups.len()];
        // Per group being walked: its index and its next member.
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut enter = |node: NodeRef, stack: &mut Vec<(usize, usize)>| match node {
            NodeRef::Service(s) => {
                if listed.insert(s.index()) {
                    out.push(s);
                }
            }
            NodeRef::Group(g) => {
                if !std::mem::replace(&mut seen[g.index()], true) {
                    stack.push((g.index(), 0));
                }
            }
        };
        enter(node, &mut stack);
        while let Some(top) = stack.last_mut() {
            let (g, next) = *top;
            match self.groups[g].members.get(next) {
                Some(&m) => {
                    top.1 += 1;
                    enter(m, &mut stack);
                }
                None => {
                    stack.pop();
                }
            }
        }
        out
    }

    /// The directed edges `(from, to)` an attack of `r` spreads along,
    /// each once, sorted, without self-loops: its `attack_paths` when it
    /// has them (each path stands for every pair of its `from` and `to`
    /// services), else every hard and soft dependency edge between two
    /// services in both directions (a group is looked through to its
    /// member services). A `Function` is never a spread hop: no edge
    /// touches one. Segmentation is not applied here: see
    /// [`Model::spread_probability`] and `Service::segmented`.
    ///
    /// # Complexity
    /// O(E log E) for E edges, groups and paths expanded.
    pub fn attack_edges(&self, r: &Ransomware) -> Vec<(ServiceId, ServiceId)> {
        let mut pairs: Vec<(ServiceId, ServiceId)> = match &r.attack_paths {
            Some(paths) => paths
                .iter()
                .flat_map(|p| {
                    p.from
                        .iter()
                        .flat_map(move |&a| p.to.iter().map(move |&b| (a, b)))
                })
                .collect(),
            None => {
                let mut pairs = Vec::new();
                for (i, svc) in self.services.iter().enumerate() {
                    let from = ServiceId(i as u32);
                    let targets = svc
                        .depends_on
                        .iter()
                        .chain(svc.degrades_on.iter().map(|soft| &soft.target));
                    for &t in targets {
                        for to in self.member_services(t) {
                            pairs.push((from, to));
                            pairs.push((to, from));
                        }
                    }
                }
                pairs
            }
        };
        let hop = |s: ServiceId| self.service(s).kind != ServiceKind::Function;
        pairs.retain(|&(a, b)| a != b && hop(a) && hop(b));
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Whether ransomware can encrypt `s`: only a `System` has data of its
    /// own to encrypt (a `Function` has none, an `External`'s is not ours).
    pub fn encryptable(&self, s: ServiceId) -> bool {
        self.service(s).kind == ServiceKind::System
    }

    /// The probability that a spread step of `r` into `target` succeeds:
    /// the target's hardening override (`spread_probability`), else the
    /// threat's.
    pub fn spread_probability(&self, r: &Ransomware, target: ServiceId) -> Probability {
        self.service(target)
            .spread_probability
            .unwrap_or(r.spread_probability)
    }
}

/// Points per distribution of the grid in [`Ransomware::encrypt_chance`].
const CHANCE_GRID: usize = 4096;

impl Ransomware {
    /// The chance that an attack is not contained, so that it encrypts:
    /// P(detection ≥ dwell), the two drawn independently. Estimated on a
    /// grid of each distribution's quantiles at (k + ½)/n, n = 4096: the
    /// share of the n² pairs in which the detection comes at or after the
    /// dwell (within about 1/n of the exact value; exactly 0 or 1 when the
    /// two ranges do not overlap, such as two fixed times).
    ///
    /// # Complexity
    /// O(n) quantiles and one merge of the two sorted grids.
    pub fn encrypt_chance(&self) -> f64 {
        let grid = |d: &super::Dist| -> Vec<f64> {
            (0..CHANCE_GRID)
                .map(|k| d.quantile((k as f64 + 0.5) / CHANCE_GRID as f64))
                .collect()
        };
        let (dwell, detection) = (grid(&self.dwell), grid(&self.detection));
        // For each detection (ascending), the dwells at or below it.
        let mut below = 0usize;
        let mut pairs = 0usize;
        for &d in &detection {
            while below < dwell.len() && dwell[below] <= d {
                below += 1;
            }
            pairs += below;
        }
        pairs as f64 / (CHANCE_GRID * CHANCE_GRID) as f64
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Dist, Probability, Ransomware};

    fn attack(dwell: Dist, detection: Dist) -> Ransomware {
        Ransomware {
            entry: Vec::new(),
            attack_paths: None,
            spread_probability: Probability::ONE,
            spread_time: Dist::Fixed(1.0),
            dwell,
            detection,
            backup_compromise: Probability::ZERO,
            response_cost: None,
            containment_outage: None,
        }
    }

    #[test]
    fn encrypt_chance_is_exact_without_overlap_and_close_with_it() {
        let fixed = |d, e| attack(Dist::Fixed(d), Dist::Fixed(e)).encrypt_chance();
        assert_eq!(fixed(240.0, 24.0), 0.0);
        assert_eq!(fixed(24.0, 240.0), 1.0);
        // Detection exactly at the end of the dwell: not contained.
        assert_eq!(fixed(24.0, 24.0), 1.0);
        // Exponentials: λ_dwell / (λ_dwell + λ_detection).
        let exp = |m| Dist::exponential(m).expect("valid");
        let p = attack(exp(240.0), exp(120.0)).encrypt_chance();
        assert!((p - 1.0 / 3.0).abs() < 1e-3, "{p}");
        // Uniform dwell on [0, 10], fixed detection at 5: one half.
        let u = Dist::uniform(0.0, 10.0).expect("valid");
        let p = attack(u, Dist::Fixed(5.0)).encrypt_chance();
        assert!((p - 0.5).abs() < 1e-3, "{p}");
    }
}
