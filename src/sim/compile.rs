//! The compiled, flat form of a model that the hot loop runs on.
//!
//! Nodes are numbered services first (0..S), then groups (S..S+G). Every
//! adjacency is a CSR array; every per-service parameter is resolved to
//! plain numbers (hours, money per hour, `f64::INFINITY` for "no RTO"), so
//! a trial allocates nothing and never walks the petgraph graph.

use super::clock::{on_grid, within};
use crate::model::{self, Dist, Model, NodeRef, Rate, ThreatKind};
use crate::stats::Accumulator;

use super::dr_plan::{self, DrPlan};
use super::profile::{Profile, Steps};
use super::rng::stable_hash;

pub(crate) use crate::model::HOURS_PER_YEAR;

/// Most soft dependencies of a service whose capacities are tabled per
/// set of them down ([`soft_caps`]); `trial::degrade` merges its lists
/// without sorting up to as many.
pub(crate) const SOFT_MOST: usize = 8;

/// Per set of soft dependencies down (bit k of the index: soft dependency
/// k of `soft`, in the plan's order), the capacity kept while up: the
/// product of their capacities in the plan's order, from 1, bit for bit
/// what multiplying them in turn gives (each entry is the one without its
/// highest bit times that one's capacity). Empty past [`SOFT_MOST`].
pub(crate) fn soft_caps(soft: &[(u32, f64)]) -> Vec<f64> {
    if soft.len() > SOFT_MOST {
        return Vec::new();
    }
    let mut caps = vec![1.0; 1 << soft.len()];
    for m in 1..caps.len() {
        let hi = m.ilog2() as usize;
        caps[m] = caps[m ^ (1 << hi)] * soft[hi].1;
    }
    caps
}

/// Compressed sparse rows: `items[start[i]..start[i + 1]]` belong to row i.
#[derive(Debug, Clone, Default)]
pub struct Csr<T> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Clone> Csr<T> {
    /// Build from one list per row.
    pub fn from_rows(rows: Vec<Vec<T>>) -> Csr<T> {
        let mut start = Vec::with_capacity(rows.len() + 1);
        let mut items = Vec::new();
        start.push(0);
        for row in rows {
            items.extend(row);
            start.push(items.len() as u32);
        }
        Csr { start, items }
    }

    #[inline]
    pub fn row(&self, i: usize) -> &[T] {
        &self.items[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

#[derive(Debug, Clone)]
pub struct FailoverPlan {
    pub site: u32,
    pub switchover: Dist,
    pub success: f64,
    /// The standby's hard dependencies (nodes); `None`: the service's own.
    pub deps: Option<Vec<u32>>,
    /// DR invocation delay (+∞: only a disaster triggers the failover).
    pub invoke_after: f64,
    /// Asynchronous replication: the data lost at a switchover.
    pub lag: Option<Dist>,
    /// What must be functional for the switchover to start (nodes).
    pub requires: Vec<u32>,
}

/// Everything a trial needs about one service.
#[derive(Debug, Clone)]
pub struct ServicePlan {
    /// Stable hash of the id: the entity key of its random streams.
    pub key: u64,
    pub ttf: Option<Dist>,
    /// Draws of the lifetime stream from which a time to failure surely
    /// reaches the horizon ([`Dist::quantile_reaches_from`]; +∞ when
    /// unknown or without failures): the failure then falls at or after the
    /// horizon from any start, so such a draw need not be turned into a
    /// time.
    pub ttf_past_horizon: f64,
    pub repair: Option<Dist>,
    pub restart: Option<Dist>,
    pub backup_interval: Option<f64>,
    pub restore: Option<Dist>,
    pub rebuild: Option<Dist>,
    pub immutable: bool,
    pub retention: Option<f64>,
    /// Where its backups are kept (a site index; `None`: off site).
    pub backup_site: Option<u32>,
    /// What must be functional for a restore or rebuild to start (nodes).
    pub backup_requires: Vec<u32>,
    pub failover: Option<FailoverPlan>,
    /// `f64::INFINITY` when the service has none.
    pub rto: f64,
    pub mtpd: f64,
    pub revenue_per_hour: f64,
    pub cost_per_outage: f64,
    pub data_loss_cost_per_hour: f64,
    pub mtpd_penalty: f64,
    /// Position in `plan.priority`; `u32::MAX` when not listed.
    pub priority_rank: u32,
    /// This service's revenue plus that of everything that hard-depends on
    /// it, directly or not: the tie-breaker of the crew queue.
    pub revenue_at_risk: f64,
    pub segmented: bool,
    /// Ransomware can encrypt it (a `System`; DESIGN-2 A4).
    pub encryptable: bool,
    /// The RPO in hours (`f64::INFINITY` when the service has none): a
    /// restore or switchover that loses more breaches it.
    pub rpo: f64,
}

#[derive(Debug, Clone)]
pub struct RansomwarePlan {
    pub entry: Vec<u32>,
    /// Attack edges per service (CSR over services): (to, probability).
    pub edges: Csr<(u32, f64)>,
    pub spread_time: Dist,
    pub dwell: Dist,
    pub detection: Dist,
    pub backup_compromise: f64,
    pub containment_outage: Option<Dist>,
}

#[derive(Debug, Clone)]
pub enum ThreatPlanKind {
    Outage {
        targets: Vec<u32>,
        sites: Vec<u32>,
        duration: Dist,
    },
    Disaster {
        targets: Vec<u32>,
        sites: Vec<u32>,
        /// A logical disaster the standby receives too (DESIGN-2 A2).
        replicated: bool,
    },
    Ransomware(Box<RansomwarePlan>),
    LossEvent {
        cost: Dist,
    },
}

#[derive(Debug, Clone)]
pub struct ThreatPlan {
    pub key: u64,
    /// Occurrences per hour; `None` when the rate is a distribution.
    pub rate_per_hour: Option<f64>,
    /// Per-year rate distribution, sampled once per trial.
    pub rate_dist: Option<Dist>,
    pub response_cost: Option<Dist>,
    pub kind: ThreatPlanKind,
}

/// The per-service numbers every outage reads, packed together so that
/// booking an outage touches one cache line of the plan.
#[derive(Debug, Clone, Copy)]
pub struct Hot {
    pub rto: f64,
    pub mtpd: f64,
    pub revenue_per_hour: f64,
    pub cost_per_outage: f64,
    pub mtpd_penalty: f64,
}

/// The flat simulation plan.
#[derive(Debug, Clone)]
pub struct SimPlan {
    /// The length of one trial, in hours.
    pub horizon: f64,
    /// The losses of the risk appetite's points, whose exceedances the
    /// accumulator counts trial by trial.
    pub appetite: Vec<f64>,
    /// The most events one trial may handle (`EVENT_BUDGET`).
    pub event_budget: u64,
    /// Service and threat ids, for messages.
    pub service_ids: Vec<String>,
    /// Threat ids, in file order.
    pub threat_ids: Vec<String>,
    /// How many services (the first nodes).
    pub n_services: usize,
    /// How many sites.
    pub n_sites: usize,
    /// Per node: how many blocks make it non-functional (1 for a service;
    /// n − need + 1 failed members for a group).
    pub threshold: Vec<u32>,
    /// Per node: what it needs (a service's hard dependencies, a group's
    /// members).
    pub hard_deps: Csr<u32>,
    /// Every node, dependencies before dependents.
    pub order: Vec<u32>,
    /// Per service: its soft dependencies and the capacity kept.
    pub soft_deps: Csr<(u32, f64)>,
    /// Per service with 1 to 8 (`SOFT_MOST`) soft dependencies: the
    /// capacity kept while up for each set of them down (`soft_caps`: the
    /// products in the plan's order); empty for others.
    pub soft_caps: Csr<f64>,
    /// Per service: what the trial needs of it.
    pub services: Vec<ServicePlan>,
    /// Per service: the hot subset of `ServicePlan`.
    pub hot: Vec<Hot>,
    /// Per node: its down intervals are read after its own turn (it is a
    /// group member or a soft dependency), so a trial keeps them.
    pub keep_list: Vec<bool>,
    /// Per service: booked after every node's intervals are known, since
    /// its lost revenue reads its soft dependencies' intervals.
    pub book_late: Vec<bool>,
    /// Per threat: how it occurs and what it does.
    pub threats: Vec<ThreatPlan>,
    /// Triggers between threats and common factors (DESIGN-2 B2).
    pub coupling: super::coupling::CouplingPlan,
    /// `u32::MAX` for unlimited crews.
    pub crews: u32,
    /// Crews per team (DESIGN-2 B4); empty without teams.
    pub teams: Vec<u32>,
    /// Per service: its team (the first whose skills match), `u32::MAX`
    /// for `crews`; empty without teams.
    pub team_of: Vec<u32>,
    /// A damaged service's restore starts only once its hard dependencies are functional.
    pub dependency_order: bool,
    /// Failovers that move services, DR invocation (`DrPlan`).
    pub dr: DrPlan,
    /// Impact that depends on time (DESIGN-2 B3): per service its
    /// revenue profile and impact steps; empty when no service has
    /// either.
    pub timed: Vec<Timed>,
    /// The distinct revenue profiles, as tables.
    pub profiles: Vec<Profile>,
    /// Insurance (DESIGN-2 B1); `None` without policies.
    pub insurance: Option<super::insurance::InsurancePlan>,
}

/// A service's impact that depends on time.
#[derive(Debug, Clone, Default)]
pub struct Timed {
    /// Its revenue profile: an index into [`SimPlan::profiles`].
    pub profile: Option<u32>,
    pub steps: Steps,
}

impl SimPlan {
    /// Services and groups: the nodes of the dependency graph.
    pub fn node_count(&self) -> usize {
        self.threshold.len()
    }

    /// An empty accumulator for this plan: its services, its threats and
    /// the losses of its risk appetite.
    pub fn accumulator(&self) -> Accumulator {
        Accumulator::new(self.n_services, self.threats.len())
            .with_appetite(&self.appetite)
            .with_insurance(self.insurance.as_ref().map_or(0, |i| i.policies.len()))
    }

    /// Compile a validated model.
    ///
    /// # Complexity
    /// O(S·(S + E)) for the revenue-at-risk closure, once per run.
    pub fn compile(model: &Model) -> SimPlan {
        let s = model.services.len();
        let n = s + model.groups.len();
        let node = |r: NodeRef| match r {
            NodeRef::Service(id) => id.index() as u32,
            NodeRef::Group(g) => (s + g.index()) as u32,
        };

        let mut hard_deps: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, svc) in model.services.iter().enumerate() {
            hard_deps[i] = svc.depends_on.iter().map(|&d| node(d)).collect();
        }
        for (g, group) in model.groups.iter().enumerate() {
            hard_deps[s + g] = group.members.iter().map(|&m| node(m)).collect();
        }
        // Validation guarantees an acyclic graph; should it ever not be,
        // file order is the fallback rather than a panic.
        let order = model
            .graph
            .dependencies_first()
            .map(|o| o.into_iter().map(node).collect())
            .unwrap_or_else(|_| (0..n as u32).collect());

        let mut threshold = vec![1u32; n];
        for (g, group) in model.groups.iter().enumerate() {
            threshold[s + g] = (group.members.len() as u32 - group.need) + 1;
        }

        // Per node: the services that hard-depend on it and the groups it is
        // in, for the revenue-at-risk closure.
        let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut soft_deps: Vec<Vec<(u32, f64)>> = vec![Vec::new(); s];
        for (i, svc) in model.services.iter().enumerate() {
            for &d in &svc.depends_on {
                dependents[node(d) as usize].push(i as u32);
            }
            for soft in &svc.degrades_on {
                soft_deps[i].push((node(soft.target), soft.capacity));
            }
        }
        for (g, group) in model.groups.iter().enumerate() {
            for &m in &group.members {
                dependents[node(m) as usize].push((s + g) as u32);
            }
        }

        let revenue_at_risk = revenue_at_risk(model, &dependents, s);
        let priority_rank = |i: usize| {
            model
                .plan
                .priority
                .iter()
                .position(|p| p.index() == i)
                .map_or(u32::MAX, |r| r as u32)
        };
        let site_index = |id: model::SiteId| id.index() as u32;

        let services: Vec<ServicePlan> = model
            .services
            .iter()
            .enumerate()
            .map(|(i, svc)| {
                let backup = svc.backup.as_ref();
                ServicePlan {
                    key: stable_hash(&svc.id),
                    ttf: svc.failure.as_ref().map(|f| f.ttf.clone()),
                    ttf_past_horizon: svc.failure.as_ref().map_or(f64::INFINITY, |f| {
                        f.ttf.quantile_reaches_from(model.horizon.get())
                    }),
                    repair: svc.failure.as_ref().map(|f| f.repair.clone()),
                    restart: svc.restart.clone(),
                    backup_interval: backup.and_then(|b| b.interval).map(|h| h.get()),
                    restore: backup.and_then(|b| b.restore.clone()),
                    rebuild: backup.and_then(|b| b.rebuild.clone()),
                    immutable: backup.is_some_and(|b| b.immutable),
                    retention: backup.and_then(|b| b.retention).map(|h| h.get()),
                    backup_site: backup.and_then(|b| b.site).map(site_index),
                    backup_requires: backup
                        .map(|b| dr_plan::nodes(model, &b.requires))
                        .unwrap_or_default(),
                    failover: svc.failover.as_ref().map(|f| FailoverPlan {
                        site: site_index(f.site),
                        switchover: f.switchover.clone(),
                        success: f.success.get(),
                        deps: f.depends_on.as_ref().map(|d| dr_plan::nodes(model, d)),
                        invoke_after: f.invoke_after.map_or(f64::INFINITY, |h| on_grid(h.get())),
                        lag: f.lag.clone(),
                        requires: dr_plan::nodes(model, &f.requires),
                    }),
                    rto: svc.rto.map_or(f64::INFINITY, |h| h.get()),
                    mtpd: svc.mtpd.map_or(f64::INFINITY, |h| h.get()),
                    revenue_per_hour: svc.revenue_per_hour.get(),
                    cost_per_outage: svc.cost_per_outage.get(),
                    data_loss_cost_per_hour: svc.data_loss_cost_per_hour.get(),
                    mtpd_penalty: svc.mtpd_penalty.get(),
                    priority_rank: priority_rank(i),
                    revenue_at_risk: revenue_at_risk[i],
                    segmented: svc.segmented,
                    encryptable: svc.kind == model::ServiceKind::System,
                    // Data lost is judged as outages are (see `clock`).
                    rpo: svc.rpo.map_or(f64::INFINITY, |h| within(h.get())),
                }
            })
            .collect();

        let ids = |v: &[model::ServiceId]| v.iter().map(|x| x.index() as u32).collect::<Vec<_>>();
        let sites = |v: &[model::SiteId]| v.iter().map(|x| x.index() as u32).collect::<Vec<_>>();
        let threats = model
            .threats
            .iter()
            .map(|t| {
                let (rate_per_hour, rate_dist) = match &t.rate_per_year {
                    Rate::Fixed(r) => (Some(r / HOURS_PER_YEAR), None),
                    Rate::Uncertain(d) => (None, Some(d.clone())),
                };
                let (kind, response_cost) = match &t.kind {
                    ThreatKind::Outage {
                        targets,
                        sites: hit,
                        duration,
                        response_cost,
                    } => (
                        ThreatPlanKind::Outage {
                            targets: ids(targets),
                            sites: sites(hit),
                            duration: duration.clone(),
                        },
                        response_cost.clone(),
                    ),
                    ThreatKind::Disaster {
                        targets,
                        sites: hit,
                        response_cost,
                        replicated,
                    } => (
                        ThreatPlanKind::Disaster {
                            targets: ids(targets),
                            sites: sites(hit),
                            replicated: *replicated,
                        },
                        response_cost.clone(),
                    ),
                    ThreatKind::Ransomware(r) => (
                        ThreatPlanKind::Ransomware(Box::new(compile_ransomware(model, r))),
                        r.response_cost.clone(),
                    ),
                    ThreatKind::LossEvent { cost } => {
                        (ThreatPlanKind::LossEvent { cost: cost.clone() }, None)
                    }
                };
                ThreatPlan {
                    key: stable_hash(&t.id),
                    rate_per_hour,
                    rate_dist,
                    response_cost,
                    kind,
                }
            })
            .collect();

        let mut keep_list = vec![false; n];
        for (i, row) in hard_deps.iter().enumerate() {
            for &d in row {
                if i >= s {
                    keep_list[d as usize] = true;
                }
            }
        }
        for row in &soft_deps {
            for &(d, _) in row {
                keep_list[d as usize] = true;
            }
        }
        // A service that moves reads its home and standby dependencies'
        // lists at its turn, clipped at the switchover.
        for svc in &services {
            if let Some(deps) = svc.failover.as_ref().and_then(|f| f.deps.as_ref()) {
                for &d in deps {
                    keep_list[d as usize] = true;
                }
            }
        }
        for (i, svc) in services.iter().enumerate() {
            if svc.failover.as_ref().is_some_and(|f| f.deps.is_some()) {
                for &d in &hard_deps[i] {
                    keep_list[d as usize] = true;
                }
            }
        }
        let dr = DrPlan::compile(model, &hard_deps);
        let order = if dr.relocates {
            relocation_order(model, &node)
        } else {
            order
        };
        let book_late: Vec<bool> = (0..s)
            .map(|i| !soft_deps[i].is_empty() && services[i].revenue_per_hour > 0.0)
            .collect();
        for (i, &late) in book_late.iter().enumerate() {
            keep_list[i] |= late;
        }

        let hot = services
            .iter()
            .map(|p: &ServicePlan| Hot {
                // On the clock's grid with its slack, so that an outage of
                // exactly the RTO meets it, and one whose parts add up to
                // it does too (see `clock`).
                rto: within(p.rto),
                mtpd: within(p.mtpd),
                revenue_per_hour: p.revenue_per_hour,
                cost_per_outage: p.cost_per_outage,
                mtpd_penalty: p.mtpd_penalty,
            })
            .collect();
        SimPlan {
            horizon: model.horizon.get(),
            appetite: model.risk_appetite.iter().map(|a| a.loss.get()).collect(),
            event_budget: super::trial::EVENT_BUDGET,
            service_ids: model.services.iter().map(|x| x.id.clone()).collect(),
            threat_ids: model.threats.iter().map(|x| x.id.clone()).collect(),
            n_services: s,
            n_sites: model.sites.len(),
            threshold,
            hard_deps: Csr::from_rows(hard_deps),
            order,
            soft_caps: Csr::from_rows(
                soft_deps
                    .iter()
                    // Not walked (nothing degrades it): no table.
                    .map(|row| {
                        if row.is_empty() {
                            Vec::new()
                        } else {
                            soft_caps(row)
                        }
                    })
                    .collect(),
            ),
            soft_deps: Csr::from_rows(soft_deps),
            services,
            hot,
            keep_list,
            book_late,
            threats,
            coupling: super::coupling::CouplingPlan::compile(model),
            crews: model.plan.crews.unwrap_or(u32::MAX),
            teams: model.plan.teams.iter().map(|t| t.crews).collect(),
            team_of: team_of(model),
            dependency_order: model.plan.restore_in_dependency_order,
            dr,
            timed: Vec::new(),
            profiles: Vec::new(),
            insurance: super::insurance::InsurancePlan::compile(model),
        }
        .with_time(model, true)
    }

    /// Compile a validated model for drills: as [`SimPlan::compile`], but
    /// the revenue profiles read no month factors (a drill starts at a
    /// time of the week, not of the year).
    pub fn compile_drill(model: &Model) -> SimPlan {
        SimPlan::compile(model).with_time(model, false)
    }

    /// The plan's impact that depends on time, from `model`; with
    /// `months` false every month counts at 1 (drills).
    pub fn with_time(mut self, model: &Model, months: bool) -> SimPlan {
        self.timed.clear();
        self.profiles.clear();
        if model
            .services
            .iter()
            .all(|s| s.revenue_profile.is_none() && s.impact.is_empty())
        {
            return self;
        }
        let mut distinct: Vec<&model::RevenueProfile> = Vec::new();
        for svc in &model.services {
            let profile = svc.revenue_profile.as_ref().map(|p| {
                let k = distinct.iter().position(|d| *d == p).unwrap_or_else(|| {
                    distinct.push(p);
                    self.profiles.push(Profile::new(p, months));
                    distinct.len() - 1
                });
                k as u32
            });
            self.timed.push(Timed {
                profile,
                steps: Steps::new(&svc.impact),
            });
        }
        self
    }

    /// Whether service `svc` has a revenue profile or impact steps.
    #[inline]
    pub fn is_timed(&self, svc: usize) -> bool {
        self.timed
            .get(svc)
            .is_some_and(|t| t.profile.is_some() || !t.steps.is_empty())
    }
}

/// Dependencies first, counting a standby's dependencies
/// (`failover.depends_on`) as dependencies of its service.
fn relocation_order(model: &Model, node: &dyn Fn(NodeRef) -> u32) -> Vec<u32> {
    let mut graph = model.graph.clone();
    for (i, svc) in model.services.iter().enumerate() {
        if let Some(deps) = svc.failover.as_ref().and_then(|f| f.depends_on.as_ref()) {
            for &d in deps {
                let edge = crate::model::Edge {
                    kind: crate::model::EdgeKind::Hard,
                    capacity: 0.0,
                };
                graph.add_edge(NodeRef::Service(crate::model::ServiceId(i as u32)), d, edge);
            }
        }
    }
    graph
        .dependencies_first()
        .map(|o| o.into_iter().map(node).collect())
        .unwrap_or_else(|_| (0..(model.services.len() + model.groups.len()) as u32).collect())
}

/// Per service: the first team whose skills match it (`u32::MAX`: the
/// plan's crews); empty without teams.
fn team_of(model: &Model) -> Vec<u32> {
    if model.plan.teams.is_empty() {
        return Vec::new();
    }
    let mut of = vec![u32::MAX; model.services.len()];
    for (k, team) in model.plan.teams.iter().enumerate().rev() {
        for s in &team.services {
            of[s.index()] = k as u32;
        }
    }
    of
}

/// Attack edges ([`Model::attack_edges`]), each with the probability of
/// spreading into its target ([`Model::spread_probability`]).
fn compile_ransomware(model: &Model, r: &model::Ransomware) -> RansomwarePlan {
    let mut rows: Vec<Vec<(u32, f64)>> = vec![Vec::new(); model.services.len()];
    for (a, b) in model.attack_edges(r) {
        let p = model.spread_probability(r, b).get();
        rows[a.index()].push((b.0, p));
    }
    RansomwarePlan {
        entry: r.entry.iter().map(|e| e.index() as u32).collect(),
        edges: Csr::from_rows(rows),
        spread_time: r.spread_time.clone(),
        dwell: r.dwell.clone(),
        detection: r.detection.clone(),
        backup_compromise: r.backup_compromise.get(),
        containment_outage: r.containment_outage.clone(),
    }
}

/// Per service: its own revenue plus the revenue of every service that
/// transitively hard-depends on it (through groups too).
fn revenue_at_risk(model: &Model, dependents: &[Vec<u32>], s: usize) -> Vec<f64> {
    let n = dependents.len();
    let mut seen = vec![usize::MAX; n];
    let mut stack = Vec::new();
    (0..s)
        .map(|i| {
            let mut total = 0.0;
            stack.push(i);
            seen[i] = i;
            while let Some(x) = stack.pop() {
                if x < s {
                    total += model.services[x].revenue_per_hour.get();
                }
                for &d in &dependents[x] {
                    let d = d as usize;
                    if seen[d] != i {
                        seen[d] = i;
                        stack.push(d);
                    }
                }
            }
            total
        })
        .collect()
}
