//! The DR plan's part of the compiled plan (DESIGN-2 A1, A3): where
//! failed-over services run, which threats follow them there, which
//! services watch for DR invocation, and which backups each site keeps.
//! Kept apart from [`super::compile`] so that a scenario without failovers
//! or backup sites compiles to exactly what it did before.

use crate::model::{Model, NodeRef, ThreatKind};

use super::compile::Csr;

/// What the trial needs to move failed-over services and invoke DR.
#[derive(Debug, Clone)]
pub struct DrPlan {
    /// Some service has a failover: switchovers relocate services, and
    /// site threats follow them.
    pub any: bool,
    /// Some service has `failover.depends_on`: its dependencies change at
    /// the switchover.
    pub relocates: bool,
    /// Per threat (outages and disasters): the services with a failover to
    /// one of the threat's sites that it does not target at home; they are
    /// hit once they run there.
    pub movers: Vec<Vec<u32>>,
    /// Some service has `failover.invoke_after`.
    pub invokes: bool,
    /// Per node: the services with `invoke_after` that go down with it
    /// (itself, or anything in their hard-dependency closure at home).
    pub watchers: Csr<u32>,
    /// Per service: its home site (empty without failovers).
    pub home: Vec<Option<u32>>,
    /// Per service: it has watchers (so its blocks and unblocks are
    /// reported to the DR invocation check).
    pub watched: Vec<bool>,
    /// Some service keeps its backups at a site (`backup.site`).
    pub backup_sites: bool,
    /// Per site: the services whose backups it keeps (empty rows without
    /// backup sites).
    pub backups_at: Csr<u32>,
}

/// A node's index in the flat plan (services first, then groups).
fn node(s: usize, r: NodeRef) -> u32 {
    match r {
        NodeRef::Service(id) => id.index() as u32,
        NodeRef::Group(g) => (s + g.index()) as u32,
    }
}

impl DrPlan {
    pub fn compile(model: &Model, hard_deps: &[Vec<u32>]) -> DrPlan {
        let s = model.services.len();
        let n = hard_deps.len();
        let failovers = || {
            model
                .services
                .iter()
                .enumerate()
                .filter_map(|(i, svc)| svc.failover.as_ref().map(|f| (i, svc, f)))
        };
        let any = failovers().next().is_some();
        let relocates = failovers().any(|(_, _, f)| f.depends_on.is_some());
        let movers = model
            .threats
            .iter()
            .map(|t| {
                let (targets, sites) = match &t.kind {
                    ThreatKind::Outage { targets, sites, .. }
                    | ThreatKind::Disaster { targets, sites, .. } => (targets, sites),
                    _ => return Vec::new(),
                };
                failovers()
                    .filter(|(i, _, f)| {
                        sites.contains(&f.site) && !targets.iter().any(|x| x.index() == *i)
                    })
                    .map(|(i, _, _)| i as u32)
                    .collect()
            })
            .collect();
        let mut watchers: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut seen = vec![u32::MAX; n];
        let mut stack = Vec::new();
        for (i, _, f) in failovers() {
            if f.invoke_after.is_none() {
                continue;
            }
            stack.push(i);
            seen[i] = i as u32;
            while let Some(x) = stack.pop() {
                watchers[x].push(i as u32);
                for &d in &hard_deps[x] {
                    if seen[d as usize] != i as u32 {
                        seen[d as usize] = i as u32;
                        stack.push(d as usize);
                    }
                }
            }
        }
        let invokes = watchers.iter().any(|w| !w.is_empty());
        let watched = (0..s).map(|i| !watchers[i].is_empty()).collect();
        let home = if any {
            model
                .services
                .iter()
                .map(|x| x.site.map(|s| s.index() as u32))
                .collect()
        } else {
            Vec::new()
        };
        let mut backups_at: Vec<Vec<u32>> = vec![Vec::new(); model.sites.len()];
        for (i, svc) in model.services.iter().enumerate() {
            if let Some(site) = svc.backup.as_ref().and_then(|b| b.site) {
                backups_at[site.index()].push(i as u32);
            }
        }
        let backup_sites = backups_at.iter().any(|r| !r.is_empty());
        DrPlan {
            home,
            backup_sites,
            backups_at: Csr::from_rows(backups_at),
            any,
            relocates,
            movers,
            invokes,
            watchers: Csr::from_rows(watchers),
            watched,
        }
    }
}

/// The failover's dependencies and `requires` as node indices.
pub(crate) fn nodes(model: &Model, list: &[NodeRef]) -> Vec<u32> {
    let s = model.services.len();
    list.iter().map(|&r| node(s, r)).collect()
}

#[cfg(test)]
mod tests {
    /// A scenario compiles to an inert plan (no backup site, no requirement,
    /// no replicated disaster: none of the new hooks runs) exactly when it uses
    /// none of the new fields; checked on every bundled scenario, whose outputs
    /// were also compared byte for byte with the binary before the change.
    #[test]
    fn bundled_scenarios_that_use_none_of_it_compile_inert() {
        use crate::model::ThreatKind;
        use crate::sim::compile::ThreatPlanKind;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("scenarios") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("ron") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("reads");
            let model = crate::scenario::parse_str(&text).expect("valid");
            let uses = model.services.iter().any(|s| {
                s.backup
                    .as_ref()
                    .is_some_and(|b| b.site.is_some() || !b.requires.is_empty())
            }) || model.threats.iter().any(|t| {
                matches!(
                    t.kind,
                    ThreatKind::Disaster {
                        replicated: true,
                        ..
                    }
                )
            });
            let plan = crate::sim::SimPlan::compile(&model);
            let inert = !plan.dr.backup_sites
                && plan.services.iter().all(|s| s.backup_requires.is_empty())
                && !plan.threats.iter().any(|t| {
                    matches!(
                        t.kind,
                        ThreatPlanKind::Disaster {
                            replicated: true,
                            ..
                        }
                    )
                });
            assert_eq!(inert, !uses, "{}", path.display());
            seen += 1;
        }
        assert!(seen >= 9, "{seen} bundled scenarios");
    }
}
