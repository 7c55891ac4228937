//! What a group stands for and where a ransomware attack can spread: the
//! simulator compiles these edges and the planning warnings walk them, so
//! both see the same attack.

use super::{Model, NodeRef, Probability, Ransomware, ServiceId};

impl Model {
    /// The services a node stands for: a service, itself; a group, its
    /// members through nested groups, each once, in depth-first member
    /// order.
    pub fn member_services(&self, node: NodeRef) -> Vec<ServiceId> {
        fn walk(model: &Model, node: NodeRef, seen: &mut [bool], out: &mut Vec<ServiceId>) {
            match node {
                NodeRef::Service(s) => {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                NodeRef::Group(g) => {
                    if !std::mem::replace(&mut seen[g.index()], true) {
                        for &m in &model.groups[g.index()].members {
                            walk(model, m, seen, out);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(self, node, &mut vec![false; self.groups.len()], &mut out);
        out
    }

    /// The directed edges `(from, to)` an attack of `r` spreads along,
    /// each once, sorted, without self-loops: its `attack_paths` when it
    /// has them, else every hard and soft dependency edge between two
    /// services in both directions (a group is looked through to its
    /// member services). Segmentation is not applied here: see
    /// [`Model::spread_probability`] and `Service::segmented`.
    ///
    /// # Complexity
    /// O(E log E) for E edges, groups expanded.
    pub fn attack_edges(&self, r: &Ransomware) -> Vec<(ServiceId, ServiceId)> {
        let mut pairs: Vec<(ServiceId, ServiceId)> = match &r.attack_paths {
            Some(paths) => paths.clone(),
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
        pairs.sort_unstable();
        pairs.dedup();
        pairs.retain(|(a, b)| a != b);
        pairs
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
