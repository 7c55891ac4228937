//! A planning warning about recoveries that wait on each other for ever:
//! when a `Disaster` destroys several services together (or a
//! `Ransomware` attack encrypts everything it can reach, its worst case), a restore or a
//! switchover that `requires` something which itself needs one of them
//! back can never start (validation refuses only a requirement that is
//! down whenever the service is; one that needs a k-of-n group, or
//! another destroyed service, passes, and may still wait for ever).
//!
//! For each such threat, its targets are taken as damaged at once and
//! brought back, round by round, as the engine would: a failover when its
//! site survives and what it `requires` is functional, a restore or
//! rebuild when what `backup.requires` names is functional (and, with
//! `restore_in_dependency_order`, its hard dependencies). A failover that
//! can fail is taken at its worst: in the trials where it succeeds the
//! switchover waits for what it requires (the backups are not tried), in
//! those where it fails the restore waits for its own, so the service
//! surely comes back only when both can start. A restore from backups the
//! disaster destroys with their site is no way back (only a rebuild is). A
//! service that comes back when the requirements are ignored but not when
//! they are held is reported, with what it waits for.

use crate::model::{Model, NodeRef, ServiceId, ThreatKind};

use super::validate::{service_path, threat_path};
use super::warnings::Warning;

/// One disaster's targets, destroyed together, and how each comes back.
struct Wait<'a> {
    model: &'a Model,
    order: &'a [NodeRef],
    /// Sites the disaster destroys (none for a replicated one).
    sites: &'a [crate::model::SiteId],
    replicated: bool,
}

/// Per service: back (`up`) and, if back, whether by failover.
#[derive(Clone)]
struct State {
    up: Vec<bool>,
    moved: Vec<bool>,
}

impl Wait<'_> {
    /// Per node (services, then groups): functional in `st`.
    fn functional(&self, st: &State) -> Vec<bool> {
        let m = self.model;
        let s = m.services.len();
        let mut ok = vec![false; s + m.groups.len()];
        let at = |n: NodeRef| match n {
            NodeRef::Service(x) => x.index(),
            NodeRef::Group(g) => s + g.0 as usize,
        };
        for &n in self.order {
            let v = match n {
                NodeRef::Service(x) => {
                    let svc = m.service(x);
                    let deps = match (&svc.failover, st.moved[x.index()]) {
                        (Some(f), true) => f.depends_on.as_deref().unwrap_or(&svc.depends_on),
                        _ => &svc.depends_on,
                    };
                    st.up[x.index()] && deps.iter().all(|&d| ok[at(d)])
                }
                NodeRef::Group(g) => {
                    let grp = &m.groups[g.0 as usize];
                    grp.members.iter().filter(|&&d| ok[at(d)]).count() >= grp.need as usize
                }
            };
            ok[at(n)] = v;
        }
        ok
    }

    /// The ways back of destroyed service `t`: a failover (its site
    /// survives, the standby is not hit too, and it can succeed) and the
    /// backups, tried when there is no failover or when it can fail (a
    /// rebuild, or a restore from backups the disaster did not destroy
    /// with their site).
    fn ways(
        &self,
        t: ServiceId,
    ) -> (
        Option<&crate::model::FailoverModel>,
        Option<&crate::model::BackupModel>,
    ) {
        let svc = self.model.service(t);
        let failover = svc
            .failover
            .as_ref()
            .filter(|f| !self.replicated && f.success.get() > 0.0 && !self.sites.contains(&f.site));
        let backup = svc.backup.as_ref().filter(|b| {
            let lost = !self.replicated && b.site.is_some_and(|s| self.sites.contains(&s));
            let restorable =
                b.rebuild.is_some() || (b.restore.is_some() && b.interval.is_some() && !lost);
            restorable && failover.is_none_or(|f| f.success.get() < 1.0)
        });
        (failover, backup)
    }

    /// Bring back every destroyed service that can start its way back in
    /// `st`, until none can; `hold` says whether what a recovery
    /// `requires` must be functional. Each node becomes functional at most
    /// once, and tells only the nodes that wait on it: O(services, edges
    /// and the lists `requires` names), however long the chain of
    /// recoveries that wait on one another.
    fn settle(&self, st: &mut State, destroyed: &[ServiceId], hold: bool) {
        let m = self.model;
        let s = m.services.len();
        let at = |n: NodeRef| match n {
            NodeRef::Service(x) => x.index(),
            NodeRef::Group(g) => s + g.0 as usize,
        };
        let standby = |x: usize| {
            m.services[x]
                .failover
                .as_ref()
                .and_then(|f| f.depends_on.as_deref())
        };
        let mut ok = self.functional(st);
        // Who is told when a node becomes functional: the services that
        // hard-depend on it (at home, or at their failover site), the
        // groups it is a member of, and the destroyed services waiting for
        // it to start their recovery.
        let mut home: Vec<Vec<usize>> = vec![Vec::new(); ok.len()];
        let mut away: Vec<Vec<usize>> = vec![Vec::new(); ok.len()];
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); ok.len()];
        for (x, svc) in m.services.iter().enumerate() {
            for &d in &svc.depends_on {
                home[at(d)].push(x);
            }
            for &d in standby(x).unwrap_or(&[]) {
                away[at(d)].push(x);
            }
        }
        for (g, grp) in m.groups.iter().enumerate() {
            for &d in &grp.members {
                groups[at(d)].push(g);
            }
        }
        // Per service that is up but not functional: its dependencies not
        // yet functional; per group: its members that are.
        let deps_of = |x: usize, moved: bool| match (moved, standby(x)) {
            (true, Some(list)) => list,
            _ => m.services[x].depends_on.as_slice(),
        };
        let mut missing: Vec<usize> = (0..s)
            .map(|x| {
                deps_of(x, st.moved[x])
                    .iter()
                    .filter(|&&d| !ok[at(d)])
                    .count()
            })
            .collect();
        let mut working: Vec<usize> = m
            .groups
            .iter()
            .map(|g| g.members.iter().filter(|&&d| ok[at(d)]).count())
            .collect();
        // Per destroyed service: what its recovery waits for (each node
        // once), and how many of those are not functional yet.
        let mut waiters: Vec<Vec<usize>> = vec![Vec::new(); ok.len()];
        let mut pending = vec![0usize; s];
        let mut ready = Vec::new();
        for &t in destroyed {
            let x = t.index();
            if st.up[x] {
                continue;
            }
            let (failover, backup) = self.ways(t);
            if failover.is_none() && backup.is_none() {
                continue;
            }
            // Worst case: a failover that can fail is drawn once, and then
            // its way back is the only one (a switchover waits for what it
            // requires, and never falls back on the backups); the service
            // surely comes back only if each way it may take can start.
            let mut needs: Vec<usize> = Vec::new();
            if hold {
                if let Some(f) = failover {
                    needs.extend(f.requires.iter().map(|&d| at(d)));
                }
                if let Some(b) = backup {
                    needs.extend(b.requires.iter().map(|&d| at(d)));
                    if m.plan.restore_in_dependency_order {
                        needs.extend(m.services[x].depends_on.iter().map(|&d| at(d)));
                    }
                }
            }
            needs.sort_unstable();
            needs.dedup();
            needs.retain(|&n| !ok[n]);
            pending[x] = needs.len();
            for n in needs {
                waiters[n].push(x);
            }
            st.moved[x] = backup.is_none();
            if pending[x] == 0 {
                ready.push(x);
            }
        }
        // Nodes that just became functional, to tell those that wait, and
        // per node whether it was told (those functional at the start
        // were: nothing was counted as waiting for them).
        let mut told: Vec<usize> = Vec::new();
        let mut done = ok.clone();
        loop {
            if let Some(x) = ready.pop() {
                st.up[x] = true;
                missing[x] = deps_of(x, st.moved[x])
                    .iter()
                    .filter(|&&d| !done[at(d)])
                    .count();
                if missing[x] == 0 && !ok[x] {
                    ok[x] = true;
                    told.push(x);
                }
                continue;
            }
            let Some(n) = told.pop() else { break };
            done[n] = true;
            for &x in &waiters[n] {
                pending[x] -= 1;
                if pending[x] == 0 {
                    ready.push(x);
                }
            }
            for (list, moved) in [(&home[n], false), (&away[n], true)] {
                for &x in list {
                    let uses = if moved {
                        st.moved[x] && standby(x).is_some()
                    } else {
                        !(st.moved[x] && standby(x).is_some())
                    };
                    if uses && st.up[x] && !ok[x] {
                        missing[x] -= 1;
                        if missing[x] == 0 {
                            ok[x] = true;
                            told.push(x);
                        }
                    }
                }
            }
            for &g in &groups[n] {
                working[g] += 1;
                if working[g] == m.groups[g].need as usize && !ok[s + g] {
                    ok[s + g] = true;
                    told.push(s + g);
                }
            }
        }
        // What never came back runs at home, as far as the report goes.
        for &t in destroyed {
            if !st.up[t.index()] {
                st.moved[t.index()] = false;
            }
        }
    }
}

/// Recoveries that wait for ever on what they require, per disaster.
pub(crate) fn requires_wait_for_ever(model: &Model, out: &mut Vec<Warning>) {
    let any_requires = model.services.iter().any(|s| {
        s.backup.as_ref().is_some_and(|b| !b.requires.is_empty())
            || s.failover.as_ref().is_some_and(|f| !f.requires.is_empty())
    });
    if !any_requires {
        return;
    }
    let Ok(order) = model.graph.dependencies_first() else {
        return;
    };
    for (k, threat) in model.threats.iter().enumerate() {
        // What it damages at once (a ransomware attack: everything it can
        // reach and encrypt, the worst case), and whether a failover can
        // bring it back (not after an encryption or a replicated
        // disaster: the standby is hit too).
        let (targets, sites, replicated, does, way) = match &threat.kind {
            ThreatKind::Disaster {
                targets,
                sites,
                replicated,
                ..
            } => (
                targets.clone(),
                sites.as_slice(),
                *replicated,
                "destroys",
                "a failover to another site, or the requirement kept at another site",
            ),
            ThreatKind::Ransomware(r) => {
                let reach = super::warnings::ransomware_reach(model, r);
                let hit: Vec<ServiceId> = (0..model.services.len())
                    .map(|i| ServiceId(i as u32))
                    .filter(|&s| reach[s.index()] && model.encryptable(s))
                    .collect();
                (
                    hit,
                    &[][..],
                    true,
                    "can encrypt",
                    "the requirement kept out of the attack's reach with segmented: true, or a \
                     rebuild that does not need it",
                )
            }
            _ => continue,
        };
        let targets = targets.as_slice();
        let wait = Wait {
            model,
            order: &order,
            sites: if replicated { &[] } else { sites },
            replicated,
        };
        let mut held = State {
            up: vec![true; model.services.len()],
            moved: vec![false; model.services.len()],
        };
        for &t in targets {
            held.up[t.index()] = false;
        }
        let mut free = held.clone();
        wait.settle(&mut held, targets, true);
        wait.settle(&mut free, targets, false);
        let stuck: Vec<ServiceId> = targets
            .iter()
            .copied()
            .filter(|t| free.up[t.index()] && !held.up[t.index()])
            .collect();
        if stuck.is_empty() {
            continue;
        }
        let ok = wait.functional(&held);
        let s = model.services.len();
        let down = |n: &NodeRef| match *n {
            NodeRef::Service(x) => !ok[x.index()],
            NodeRef::Group(g) => !ok[s + g.0 as usize],
        };
        let mut waits = Vec::new();
        let mut first = None;
        // Some of them come back or not as a failover's draw goes.
        let mut chance = false;
        for &t in &stuck {
            let svc = model.service(t);
            let (failover, backup) = wait.ways(t);
            chance |= failover.is_some() && backup.is_some();
            let mut on: Vec<String> = Vec::new();
            let mut field = None;
            if let Some(f) = failover {
                if f.requires.iter().any(down) {
                    field.get_or_insert("failover.requires");
                }
                on.extend(
                    f.requires
                        .iter()
                        .filter(|n| down(n))
                        .map(|&n| model.node_id(n).to_string()),
                );
            }
            if let Some(b) = backup {
                if b.requires.iter().any(down) {
                    field = Some("backup.requires");
                }
                on.extend(
                    b.requires
                        .iter()
                        .filter(|n| down(n))
                        .map(|&n| model.node_id(n).to_string()),
                );
            }
            on.sort();
            on.dedup();
            if let (true, Some(field)) = (first.is_none(), field) {
                first = Some(format!("{}.{field}", service_path(t.index(), &svc.id)));
            }
            waits.push(if on.is_empty() {
                format!(
                    "{:?} (its hard dependencies, restore_in_dependency_order)",
                    svc.id
                )
            } else {
                let on: Vec<String> = on.iter().map(|x| format!("{x:?}")).collect();
                format!("{:?} on {}", svc.id, on.join(", "))
            });
        }
        let names: Vec<String> = stuck
            .iter()
            .map(|&t| format!("{:?}", model.service(t).id))
            .collect();
        out.push(Warning {
            path: first.unwrap_or_else(|| threat_path(k, &threat.id)),
            message: format!(
                "when {:?} {does} {} together, their recovery waits for ever, each on \
                 something that needs one of them back first ({}): they {}stay down to the end \
                 of the trial{}; drop that requirement from one of them, or give one a way back \
                 that does not need it ({way})",
                threat.id,
                first_few(&names, ", "),
                first_few(&waits, "; "),
                if chance { "can " } else { "" },
                if chance {
                    " (in the trials where a failover that can fail takes the way that waits)"
                } else {
                    ""
                }
            ),
        });
    }
}

/// At most [`LISTED`] of `items` joined by `sep`, then how many more: a
/// disaster that leaves 20 000 services waiting names a few, not all.
fn first_few(items: &[String], sep: &str) -> String {
    let shown = items[..items.len().min(LISTED)].join(sep);
    match items.len().saturating_sub(LISTED) {
        0 => shown,
        more => format!("{shown}{sep}and {more} more"),
    }
}

/// How many services (and waits) a warning names.
const LISTED: usize = 8;
