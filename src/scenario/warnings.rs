//! Planning warnings a continuity reviewer would raise: the scenario is
//! valid, but the plan has a gap.
//!
//! Each check reads only the validated model (no distribution is sampled or
//! summarised), and each warning says what would close the gap. The order is
//! stable: check by check, and within a check in file order.

use std::collections::VecDeque;

use crate::model::{
    GroupId, Hours, Model, NodeRef, Rate, Service, ServiceId, SiteId, ThreatKind, Tier,
};

use super::validate::{group_path, service_path};

/// A planning gap, reported by `bcdr validate` and in the review pack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Where: a field path such as `services[4] "payments".rto`.
    pub path: String,
    /// What the gap is and what would close it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every planning warning for a validated model, in a stable order:
///
/// 1. a service whose RTO is shorter than the time a hard dependency needs
///    to recover (the FFIEC planning gap), following groups to their members;
/// 2. an RTO at or above the MTPD;
/// 3. an RPO that a restore can exceed (no backup, or backups further
///    apart), unless a failover meets every threat that damages the
///    service, or that an asynchronous replication's lag can exceed;
/// 4. a revenue-bearing service that a Disaster or Ransomware threat leaves
///    down to the end of the trial (it, or a hard dependency, is destroyed
///    or encrypted and has no restore, rebuild or failover; ransomware
///    encrypts only a `System`, and never spreads through a `Function`);
/// 5. a group without redundancy: all members at one site, or `need` equal
///    to the number of members;
/// 6. the DR plan ((`warnings_dr`)): a failover whose dependencies
///    run at the home site, an `invoke_after` longer than the RTO, backups
///    kept at the service's own site with no rebuild, a replicated
///    disaster's targets with nothing to restore from and no rebuild, and
///    recoveries that a disaster leaves waiting for ever on what they
///    `require` (`warnings_wait`);
/// 7. insurance with a premium or an aggregate limit in a scenario whose
///    horizon is not a year: both are a year's, and apply once per trial;
/// 8. a soft dependency of a service whose capacity counts nowhere: no
///    revenue and not a business function (degradation does not pass on
///    to the services that depend on it).
///
/// # Complexity
/// O(threats × (services + edges)), and for the recoveries that wait on
/// what they require (only in a scenario with some `requires`) O(services,
/// edges and the lists `requires` names) per disaster.
pub fn planning_warnings(model: &Model) -> Vec<Warning> {
    let mut out = Vec::new();
    rto_gaps(model, &mut out);
    rto_not_below_mtpd(model, &mut out);
    rpo_unmet(model, &mut out);
    stranded_revenue(model, &mut out);
    groups_without_redundancy(model, &mut out);
    super::warnings_dr::dr_warnings(model, &mut out);
    insurance_per_trial(model, &mut out);
    appetite_per_trial(model, &mut out);
    degradation_counts_nowhere(model, &mut out);
    out
}

fn warn(out: &mut Vec<Warning>, path: String, message: String) {
    out.push(Warning { path, message });
}

fn services(model: &Model) -> impl Iterator<Item = (ServiceId, &Service)> {
    model
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (ServiceId(i as u32), s))
}

fn path_of(model: &Model, s: ServiceId) -> String {
    service_path(s.index(), &model.service(s).id)
}

// ---------------------------------------------------------------------------
// 1. RTO shorter than a hard dependency's

/// The shortest time a node can take to work again after a disruption that
/// reaches it, by the RTOs of the services it relies on, and the service
/// whose RTO sets it.
///
/// A service with an RTO: its RTO. A service without one: the longest bound
/// of its hard dependencies (it works only when all of them do). A k-of-n
/// group: the k-th shortest bound of its members (it works again once k of
/// them do); members without a bound count as recovering at once, so the
/// warning is never raised on a guess.
fn recovery_bounds(model: &Model) -> Option<Vec<Option<(f64, ServiceId)>>> {
    let graph = &model.graph;
    let order = graph.dependencies_first().ok()?;
    let mut bound: Vec<Option<(f64, ServiceId)>> = vec![None; graph.graph.node_count()];
    for node in order {
        let value = match node {
            NodeRef::Service(s) => match model.service(s).rto {
                Some(rto) => Some((rto.get(), s)),
                None => model
                    .service(s)
                    .depends_on
                    .iter()
                    .filter_map(|&d| bound[graph.index(d).index()])
                    .fold(None, |best: Option<(f64, ServiceId)>, b| match best {
                        Some(x) if x.0 >= b.0 => Some(x),
                        _ => Some(b),
                    }),
            },
            NodeRef::Group(g) => {
                let group = &model.groups[g.index()];
                let mut members: Vec<Option<(f64, ServiceId)>> = group
                    .members
                    .iter()
                    .map(|&m| bound[graph.index(m).index()])
                    .collect();
                // None (no bound) sorts first: it may recover at once.
                members.sort_by(|a, b| {
                    let key = |x: &Option<(f64, ServiceId)>| x.map_or(-1.0, |v| v.0);
                    key(a).total_cmp(&key(b))
                });
                let k = (group.need as usize).max(1);
                members.get(k - 1).copied().flatten()
            }
        };
        bound[graph.index(node).index()] = value;
    }
    Some(bound)
}

fn rto_gaps(model: &Model, out: &mut Vec<Warning>) {
    let Some(bound) = recovery_bounds(model) else {
        return;
    };
    for (id, service) in services(model) {
        let Some(rto) = service.rto else { continue };
        for &dep in &service.depends_on {
            let Some((needs, origin)) = bound[model.graph.index(dep).index()] else {
                continue;
            };
            if needs <= rto.get() {
                continue;
            }
            let needs_h = Hours::new(needs).unwrap_or_default();
            let origin_id = &model.service(origin).id;
            let why = match dep {
                NodeRef::Service(d) if d == origin => {
                    format!("the {needs_h} RTO of its hard dependency {origin_id:?}")
                }
                NodeRef::Service(d) => format!(
                    "the {needs_h} RTO of {origin_id:?}, which its hard dependency {:?} needs",
                    model.service(d).id
                ),
                NodeRef::Group(g) => {
                    let group = &model.groups[g.index()];
                    format!(
                        "the {needs_h} its hard dependency {:?} needs to have {} of its {} \
                         members back (set by the RTO of {origin_id:?})",
                        group.id,
                        group.need,
                        group.members.len()
                    )
                }
            };
            warn(
                out,
                format!("{}.rto", service_path(id.index(), &service.id)),
                format!(
                    "RTO {rto} is shorter than {why}: {:?} cannot be back in time while that is \
                     down; bring the RTO of {origin_id:?} down to {rto} or raise this one \
                     (dependencies must recover first)",
                    service.id
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 2. RTO at or above the MTPD

fn rto_not_below_mtpd(model: &Model, out: &mut Vec<Warning>) {
    for (id, service) in services(model) {
        let (Some(rto), Some(mtpd)) = (service.rto, service.mtpd) else {
            continue;
        };
        if rto >= mtpd {
            warn(
                out,
                format!("{}.rto", path_of(model, id)),
                format!(
                    "RTO {rto} is not below the MTPD {mtpd}: an outage the RTO allows is already \
                     intolerable; set the RTO below the MTPD"
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 3. RPO that a restore or a switchover can exceed

/// Whether a service can be left needing a restore or rebuild: the only
/// way, with its replication lag, that it loses data.
enum Restore {
    /// It has no failover: anything that destroys or encrypts it does.
    Any,
    /// Its failover does not cover every threat: what leaves it to a
    /// restore, in words.
    Because(String),
    /// Every threat that damages it is met by a failover that always works.
    Never,
}

/// What can leave service `id` (with a failover) needing a restore: the
/// failover failing its draw, ransomware (the standby receives the
/// encryption), a replicated disaster (never failed over), a disaster that
/// hits it at its failover site or again by its id once it has moved (it
/// fails over once a trial), or an outage of the failover site when a
/// disaster at home needs it (failover goes only to a site that is up).
fn restore_need(model: &Model, id: ServiceId) -> Restore {
    let service = model.service(id);
    let Some(fo) = &service.failover else {
        return Restore::Any;
    };
    let site = &model.sites[fo.site.index()].id;
    let home = |sites: &[SiteId]| service.site.is_some_and(|h| sites.contains(&h));
    // Physical disasters that destroy it at home: each needs the failover.
    let at_home = model.threats.iter().any(|t| {
        matches!(&t.kind, ThreatKind::Disaster { targets, replicated: false, .. }
            if targets.contains(&id))
    });
    let moves = at_home || fo.invoke_after.is_some();
    if at_home && fo.success.get() < 1.0 {
        return Restore::Because(format!(
            "its failover works only with probability {} (a failed one is restored)",
            fo.success.get()
        ));
    }
    for t in &model.threats {
        let why = match &t.kind {
            ThreatKind::Ransomware(r)
                if model.encryptable(id) && ransomware_reach(model, r)[id.index()] =>
            {
                format!(
                    "ransomware {:?} can encrypt it (the standby receives the encryption)",
                    t.id
                )
            }
            ThreatKind::Disaster {
                targets,
                replicated: true,
                ..
            } if targets.contains(&id) => format!(
                "the replicated disaster {:?} is never failed over (the standby receives it)",
                t.id
            ),
            ThreatKind::Disaster { sites, .. } if moves && sites.contains(&fo.site) => format!(
                "the disaster {:?} hits its failover site {site:?}, where it cannot fail over \
                 again",
                t.id
            ),
            ThreatKind::Disaster { targets, sites, .. }
                if targets.contains(&id) && !home(sites) =>
            {
                format!(
                    "the disaster {:?} can strike it again once it has failed over (it fails \
                     over once a trial)",
                    t.id
                )
            }
            ThreatKind::Outage { sites, .. } if at_home && sites.contains(&fo.site) => format!(
                "the outage {:?} can have its failover site {site:?} down when it must fail over",
                t.id
            ),
            _ => continue,
        };
        return Restore::Because(why);
    }
    Restore::Never
}

/// An RPO that a restore or a switchover can exceed. A restore loses the
/// time since the last backup (all of it without a backup), a switchover
/// its replication lag (nothing when synchronous); a service whose
/// failover meets every threat that damages it ([`restore_need`]) needs
/// no backup for its RPO.
fn rpo_unmet(model: &Model, out: &mut Vec<Warning>) {
    for (id, service) in services(model) {
        let Some(rpo) = service.rpo else { continue };
        let path = format!("{}.rpo", path_of(model, id));
        let restore = restore_need(model, id);
        let because = match &restore {
            Restore::Because(why) => format!(", and {why}"),
            _ => String::new(),
        };
        match service.backup.as_ref().and_then(|b| b.interval) {
            _ if matches!(restore, Restore::Never) => {}
            // Every backup interval is longer than 0 (`validate` refuses 0).
            every if rpo.get() == 0.0 => {
                let (loses, accept) = match every {
                    None => (
                        "there is no backup, so a destroyed or encrypted service loses all its \
                         data (and a backup would lose the data since it was taken)"
                            .to_string(),
                        "add a backup and accept an RPO of its interval".to_string(),
                    ),
                    Some(i) => (
                        format!("backups run every {i}, so a restore can lose up to {i} of data"),
                        format!("accept an RPO of {i}"),
                    ),
                };
                warn(
                    out,
                    path.clone(),
                    format!(
                        "RPO {rpo} cannot be met: {loses}{because}; only a failover with \
                         success 1 and replication: Synchronous that meets every threat \
                         damaging the service loses nothing; or {accept}"
                    ),
                )
            }
            None => warn(
                out,
                path.clone(),
                format!(
                    "RPO {rpo} cannot be met: there is no backup{because}, so a destroyed or \
                     encrypted service loses all its data; add backup: (interval: {:?}, restore: \
                     ...) with an interval of at most {rpo}",
                    rpo.to_string()
                ),
            ),
            Some(interval) if interval > rpo => warn(
                out,
                path.clone(),
                format!(
                    "RPO {rpo} cannot be met: backups run every {interval}{because}, so a \
                     restore can lose up to {interval} of data; back up at least every {rpo}, or \
                     accept an RPO of {interval}"
                ),
            ),
            Some(_) => {}
        }
        lag_unmet(model, id, rpo, path, out);
    }
}

/// An asynchronous replication whose lag can exceed the RPO, for a service
/// that something can fail over (a physical disaster at home, or DR
/// invocation): each switchover loses one draw of the lag. A bounded lag
/// is judged by its greatest value; one without a bound (Exponential,
/// LogNormal, Weibull) by its 99th percentile, so that a lag that exceeds
/// the RPO in a few switchovers in a million is not a planning gap.
fn lag_unmet(model: &Model, id: ServiceId, rpo: Hours, path: String, out: &mut Vec<Warning>) {
    let service = model.service(id);
    let Some(fo) = &service.failover else { return };
    let Some(lag) = &fo.lag else { return };
    let fails_over = fo.invoke_after.is_some()
        || model.threats.iter().any(|t| {
            matches!(&t.kind, ThreatKind::Disaster { targets, replicated: false, .. }
                if targets.contains(&id))
        });
    let upper = lag.upper();
    let judged = if upper.is_finite() {
        upper
    } else {
        lag.quantile(0.99)
    };
    if !fails_over || fo.success.get() == 0.0 || judged <= rpo.get() {
        return;
    }
    let (loses, fix) = match Hours::new(judged) {
        Some(most) if upper.is_finite() => (
            format!("up to {most} of data"),
            format!("a lag of at most {rpo}, or accept an RPO of {most}"),
        ),
        most => (
            format!(
                "more than {rpo} of data in more than 1% of switchovers (the lag's 99th \
                 percentile is {})",
                most.map_or_else(|| "unbounded".to_string(), |h| h.to_string())
            ),
            format!("a lag whose 99th percentile is at most {rpo}"),
        ),
    };
    warn(
        out,
        path,
        format!(
            "RPO {rpo} cannot be met: replication to the failover site {:?} is asynchronous, so \
             a switchover can lose {loses}; use replication: Synchronous or {fix}",
            model.sites[fo.site.index()].id,
        ),
    );
}

// ---------------------------------------------------------------------------
// 4. Revenue left without a recovery path

/// For one destructive threat: per node, the destroyed service without a
/// recovery path that keeps it down to the end of the trial, if any.
fn stranded_by(
    model: &Model,
    order: &[NodeRef],
    kind: &ThreatKind,
) -> Option<Vec<Option<ServiceId>>> {
    let graph = &model.graph;
    let unrecoverable: Vec<bool> = match kind {
        ThreatKind::Disaster {
            targets,
            sites,
            replicated,
            ..
        } => {
            let mut hit = vec![false; model.services.len()];
            for &t in targets {
                let s = model.service(t);
                let backup = s
                    .backup
                    .as_ref()
                    .is_some_and(|b| b.restore.is_some() || b.rebuild.is_some());
                // A replicated disaster reaches the standby too.
                let failover = !replicated
                    && s.failover
                        .as_ref()
                        .is_some_and(|f| f.success.get() > 0.0 && !sites.contains(&f.site));
                hit[t.index()] = !backup && !failover;
            }
            hit
        }
        ThreatKind::Ransomware(r) => {
            // Failover replicates the encryption too: only backups and
            // rebuilds bring an encrypted service back. Only a System is
            // encrypted: a Function or an External it reaches is not.
            ransomware_reach(model, r)
                .into_iter()
                .enumerate()
                .map(|(i, reached)| {
                    reached
                        && model.encryptable(ServiceId(i as u32))
                        && !model.services[i]
                            .backup
                            .as_ref()
                            .is_some_and(|b| b.restore.is_some() || b.rebuild.is_some())
                })
                .collect()
        }
        ThreatKind::Outage { .. } | ThreatKind::LossEvent { .. } => return None,
    };
    // Who fails over when this threat strikes (DESIGN-2 A1): a target of a
    // disaster the standby does not share, or any service with
    // `invoke_after` (any cause declares it); then it needs its standby's
    // dependencies and what the switchover requires, not its home ones.
    let moves: Vec<bool> = model
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let Some(f) = s.failover.as_ref().filter(|f| f.success.get() > 0.0) else {
                return false;
            };
            match kind {
                ThreatKind::Disaster {
                    targets,
                    sites,
                    replicated,
                    ..
                } => {
                    // A target fails over unless the disaster is
                    // replicated (its standby is damaged too); any other
                    // service only by `invoke_after`, replicated or not.
                    !sites.contains(&f.site)
                        && if targets.contains(&ServiceId(i as u32)) {
                            !replicated
                        } else {
                            f.invoke_after.is_some()
                        }
                }
                _ => f.invoke_after.is_some(),
            }
        })
        .collect();
    let needs = |s: ServiceId| -> Vec<NodeRef> {
        let service = model.service(s);
        match service.failover.as_ref().filter(|_| moves[s.index()]) {
            Some(f) => f
                .depends_on
                .as_ref()
                .unwrap_or(&service.depends_on)
                .iter()
                .chain(&f.requires)
                .copied()
                .collect(),
            None => service.depends_on.clone(),
        }
    };
    // A standby's dependencies need not come before it in the dependency
    // order, so the order is swept until nothing changes (a node only ever
    // becomes stuck, so this ends).
    let mut cause: Vec<Option<ServiceId>> = vec![None; graph.graph.node_count()];
    let mut changed = true;
    while changed {
        changed = false;
        for &node in order {
            let value = node_cause(model, node, &unrecoverable, &cause, &needs);
            let slot = &mut cause[graph.index(node).index()];
            if *slot != value {
                *slot = value;
                changed = true;
            }
        }
    }
    Some(cause)
}

/// What keeps `node` down to the end of the trial, given what keeps the
/// others down (`cause`, by graph index): a service beyond recovery
/// itself, or the first stuck one it needs (`needs`); a group with too
/// few members left.
fn node_cause(
    model: &Model,
    node: NodeRef,
    unrecoverable: &[bool],
    cause: &[Option<ServiceId>],
    needs: &dyn Fn(ServiceId) -> Vec<NodeRef>,
) -> Option<ServiceId> {
    let graph = &model.graph;
    match node {
        NodeRef::Service(s) if unrecoverable[s.index()] => Some(s),
        NodeRef::Service(s) => needs(s).iter().find_map(|&d| cause[graph.index(d).index()]),
        NodeRef::Group(g) => {
            let group = &model.groups[g.index()];
            let stuck: Vec<ServiceId> = group
                .members
                .iter()
                .filter_map(|&m| cause[graph.index(m).index()])
                .collect();
            let working = group.members.len() - stuck.len();
            if working < group.need as usize {
                stuck.first().copied()
            } else {
                None
            }
        }
    }
}

/// Every service a ransomware attack can reach: its entries, then along
/// its attack edges ([`Model::attack_edges`], as the simulator spreads),
/// never into a segmented service or one it spreads to with probability 0.
pub(super) fn ransomware_reach(model: &Model, r: &crate::model::Ransomware) -> Vec<bool> {
    let n = model.services.len();
    let mut adjacent: Vec<Vec<ServiceId>> = vec![Vec::new(); n];
    for (a, b) in model.attack_edges(r) {
        adjacent[a.index()].push(b);
    }
    let enterable =
        |s: ServiceId| !model.service(s).segmented && model.spread_probability(r, s).get() > 0.0;
    let mut seen = vec![false; n];
    let mut queue = VecDeque::new();
    for &e in &r.entry {
        if !std::mem::replace(&mut seen[e.index()], true) {
            queue.push_back(e);
        }
    }
    while let Some(s) = queue.pop_front() {
        for &t in &adjacent[s.index()] {
            if !seen[t.index()] && enterable(t) {
                seen[t.index()] = true;
                queue.push_back(t);
            }
        }
    }
    seen
}

fn stranded_revenue(model: &Model, out: &mut Vec<Warning>) {
    let Ok(order) = model.graph.dependencies_first() else {
        return;
    };
    let per_threat: Vec<(usize, Vec<Option<ServiceId>>)> = model
        .threats
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.rate_per_year, Rate::Fixed(r) if r == 0.0))
        .filter_map(|(i, t)| stranded_by(model, &order, &t.kind).map(|c| (i, c)))
        .collect();
    for (id, service) in services(model) {
        let revenue = service.revenue_per_hour.get();
        // What staying down costs: revenue, or costs that grow with the
        // outage (an MTPD penalty, impact steps).
        let grows = (service.mtpd_penalty.get() > 0.0 && service.mtpd.is_some())
            || !service.impact.is_empty();
        if revenue <= 0.0 && !grows {
            continue;
        }
        let lead = if revenue > 0.0 {
            format!(
                "earns {} an hour",
                crate::fmt::money(&model.currency, revenue)
            )
        } else {
            "costs more the longer it is down (its mtpd_penalty or impact steps)".to_string()
        };
        let node = model.graph.index(NodeRef::Service(id)).index();
        for (t, cause) in &per_threat {
            let Some(root) = cause[node] else { continue };
            let threat = &model.threats[*t].id;
            let what = match model.threats[*t].kind {
                ThreatKind::Ransomware(_) => "encrypts",
                _ => "destroys",
            };
            let fix = match model.threats[*t].kind {
                ThreatKind::Ransomware(_) => "a backup (interval and restore) or a rebuild",
                ThreatKind::Disaster {
                    replicated: true, ..
                } => {
                    "a backup (interval and restore) or a rebuild (a failover does not help: \
                     the standby receives a replicated disaster too)"
                }
                _ => {
                    "a backup (interval and restore), a rebuild, or a failover to a site the \
                     threat does not hit"
                }
            };
            let message = if root == id {
                format!(
                    "{lead}, but {threat:?} {what} it and it has no \
                     way back, so it stays down to the end of the trial; add {fix}"
                )
            } else {
                let root_id = &model.service(root).id;
                format!(
                    "{lead}, but it needs {root_id:?}, which \
                     {threat:?} {what} with no way back, so {:?} stays down to the end of the \
                     trial; give {root_id:?} {fix}",
                    service.id
                )
            };
            warn(out, path_of(model, id), message);
        }
    }
}

// ---------------------------------------------------------------------------
// 5. Groups without redundancy

fn groups_without_redundancy(model: &Model, out: &mut Vec<Warning>) {
    for (k, group) in model.groups.iter().enumerate() {
        let path = group_path(k, &group.id);
        let n = group.members.len();
        if group.need as usize >= n {
            let message = if n == 1 {
                "has a single member, so it is no redundancy: add members".to_string()
            } else {
                format!(
                    "needs all {n} of its members, so it is down whenever any one is: there is no \
                     redundancy; lower need to {} or add a member",
                    n - 1
                )
            };
            warn(out, format!("{path}.need"), message);
            continue;
        }
        let members = model.member_services(NodeRef::Group(GroupId(k as u32)));
        let sites: Vec<Option<SiteId>> = members.iter().map(|&s| model.service(s).site).collect();
        if let [Some(first), rest @ ..] = sites.as_slice() {
            if members.len() >= 2 && rest.iter().all(|s| *s == Some(*first)) {
                warn(
                    out,
                    format!("{path}.members"),
                    format!(
                        "all {} members run at site {:?}: one outage of that site takes the whole \
                         group down; place members at different sites",
                        members.len(),
                        model.sites[first.index()].id
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 7. Insurance over a horizon that is not a year

/// A premium is paid once per trial and an aggregate limit caps a trial's
/// payments (DESIGN-2 B1: a year is a trial); with a horizon of two years,
/// a year's figures would be charged and capped once for both.
fn insurance_per_trial(model: &Model, out: &mut Vec<Warning>) {
    let h = model.horizon.get();
    if h == crate::model::HOURS_PER_YEAR {
        return;
    }
    for (k, p) in model.insurance.iter().enumerate() {
        let (what, them) = match (p.premium.get() > 0.0, p.aggregate_limit.is_some()) {
            (true, true) => ("its premium and aggregate limit apply", "them"),
            (true, false) => ("its premium is paid", "it"),
            (false, true) => ("its aggregate limit applies", "it"),
            (false, false) => continue,
        };
        warn(
            out,
            format!("insurance[{k}] {:?}", p.id),
            format!(
                "{what} once per trial, and a trial of this scenario runs {} (horizon), not a \
                 year: give {them} for the whole horizon, or set horizon: \"1y\"",
                crate::model::units::horizon_span(h)
            ),
        );
    }
}

/// The risk appetite is judged on one trial's loss (a year's with a
/// one-year horizon): with a horizon of two years, "a 1% chance of losing more than X" is
/// read as a 1% chance per two years, a looser appetite than the board's
/// yearly one.
fn appetite_per_trial(model: &Model, out: &mut Vec<Warning>) {
    let h = model.horizon.get();
    if h == crate::model::HOURS_PER_YEAR || model.risk_appetite.is_empty() {
        return;
    }
    let span = crate::model::units::horizon_span(h);
    warn(
        out,
        "risk_appetite".to_string(),
        format!(
            "its probabilities are read per trial, and a trial of this scenario runs {span} \
             (horizon), not 1y: each is judged as the chance that a trial of {span} loses more \
             than its amount; give them per horizon, or set horizon: \"1y\""
        ),
    );
}

// ---------------------------------------------------------------------------
// 8. Degradation that counts nowhere

/// A service that degrades on another keeps part of its capacity while it
/// is down; that capacity is counted in its own revenue and, for a
/// business function, in a drill's time to MBCO and restored share. It is
/// not passed on to the services that depend on it (they see it up), so a
/// soft dependency of a service with no revenue that is not a business
/// function (docs/engine.md, drill definitions: the Business tier, else the
/// services with revenue, else every service) changes no figure.
fn degradation_counts_nowhere(model: &Model, out: &mut Vec<Warning>) {
    let business_tier = model.services.iter().any(|s| s.tier == Tier::Business);
    let any_revenue = model
        .services
        .iter()
        .any(|s| s.revenue_per_hour.get() > 0.0);
    if !business_tier && !any_revenue {
        return;
    }
    for (id, service) in services(model) {
        if service.degrades_on.is_empty()
            || service.revenue_per_hour.get() > 0.0
            || service.tier == Tier::Business
        {
            continue;
        }
        let on: Vec<String> = service
            .degrades_on
            .iter()
            .map(|d| format!("{:?}", model.node_id(d.target)))
            .collect();
        warn(
            out,
            format!("{}.degrades_on", path_of(model, id)),
            format!(
                "it degrades on {}, but it earns no revenue and is not a business function, \
                 so the capacity it loses counts in no figure (the services that depend on it \
                 see it up, not degraded); give it the revenue_per_hour that depends on it, or \
                 make the services that need {} degrade on it themselves",
                on.join(", "),
                if on.len() == 1 { "it" } else { "them" }
            ),
        );
    }
}
