//! The drill driver: one threat at time zero, many times, with each
//! trial's recovery recorded and reduced to a [`DrillOutcome`].
//!
//! Time zero of a drill is a time of the week on the revenue profiles'
//! clock ([`DrillPlan::start`]): fixed by `bcdr drill --at`, else drawn
//! uniformly per drill; drills read no month factors
//! ([`SimPlan::compile_drill`]).
//!
//! Definitions (also in docs/engine.md):
//!
//! - A service is **hit** when it stops being functional during the drill
//!   (directly or through a dependency). Services never hit are left out of
//!   the recovery figures.
//! - Its **recovery time** is the time from the threat (t = 0) until it is
//!   functional again for good: its last return to functional. Still down at
//!   the end of the horizon counts as not recovered (the horizon stands in);
//!   back exactly at the horizon is back, for the business functions and
//!   the MBCO too.
//! - Its **outage** is the time from its first stop until then: what the
//!   RTO is judged on (for a Disaster or an Outage the two coincide; for
//!   ransomware the outage starts at encryption).
//! - The **business functions** are the Business-tier services; in a
//!   scenario without that tier, the services with revenue; without
//!   revenue either, every service.
//! - The **MBCO time** is when every business function is back at or above
//!   its `mbco` capacity (1 when it has none) for good.
//! - The **restored share** at time t is Σ wᵢ·capacityᵢ(t) / Σ wᵢ with wᵢ the
//!   revenue per hour; without any revenue, every Business-tier service
//!   weighs 1; without those, every service does.
//! - The **critical path** starts at the business function that is back
//!   last (none in a drill where no business function went down) and
//!   steps to each hard dependency (through k-of-n groups, to the member
//!   that brought the group back; once a service moved to a standby with
//!   its own `depends_on`, the standby's) that came back exactly when the
//!   service did; when none did and the service's restore or rebuild
//!   waited, to what held it back and came back exactly when it started:
//!   what it requires (`backup.requires`), and with
//!   `restore_in_dependency_order` its hard dependencies. At an exact tie
//!   it follows every tied service. A step where none holds is a
//!   **bottleneck**: its own recovery set the pace (one per drill, but
//!   for exact ties).
//!
//! The recovery curve is kept on a fixed grid of [`GRID`] + 1 points from
//! 0 to an end chosen before the run from a pilot of the first 1024 drills
//! (the 95th percentile of the time the share stops changing, rounded up to
//! 1, 1.5, 2, 3, 4, 5, 6 or 8 × 10ᵏ hours). The pilot's drills are the run's
//! first drills, so the grid is a pure function of (scenario, seed, trials).

use super::clock::within;
use std::ops::Range;

use rayon::prelude::*;

use crate::error::Error;
use crate::model::{Model, NodeRef, Tier};
use crate::stats::drill::{DrillAcc, DrillOutcome, ServiceOutcome, GRID};
use crate::stats::Accumulator;

use super::compile::Csr;
pub use super::trial::Outcome;
use super::trial::{JobKind, Mark, Mode, Record, Trial};
use super::SimPlan;

/// Drills in the pilot that fixes the recovery-curve grid.
pub(crate) const PILOT: u64 = 1024;

/// What the reduction of a drill trial needs beyond the [`SimPlan`].
#[derive(Debug, Clone)]
pub(crate) struct DrillPlan {
    pub threat: u32,
    pub horizon: f64,
    pub n_services: usize,
    /// Per service: whether it is a business function (see the module docs).
    pub(crate) business: Vec<bool>,
    pub has_business: bool,
    /// Which services count as business functions, in words.
    pub business_functions: &'static str,
    /// Capacity a Business-tier service must get back to (1 without mbco).
    mbco: Vec<f64>,
    /// Whether the engine records `Capacity` marks (revenue > 0).
    revenue: Vec<bool>,
    /// Weight in the restored share.
    weight: Vec<f64>,
    /// What the weights are: "revenue", "business services", "services".
    pub weighting: &'static str,
    /// Hard dependencies per service (nodes: services, then groups).
    deps: Csr<u32>,
    /// Per service with a `failover.depends_on`: what it needs once it
    /// runs at its failover site (nodes), instead of `deps`.
    standby: Vec<Option<Vec<u32>>>,
    /// What each service's restore or rebuild requires (nodes).
    requires: Csr<u32>,
    /// Restores and rebuilds wait for every hard dependency
    /// (`plan.restore_in_dependency_order`).
    dependency_order: bool,
    /// Soft dependencies per service (nodes) and the capacity each keeps
    /// while down, in the engine's order.
    soft: Csr<(u32, f64)>,
    /// Members per group (nodes) and how many it needs.
    members: Csr<u32>,
    need: Vec<u32>,
    pub rto: Vec<f64>,
    pub rpo: Vec<f64>,
    /// Ransomware: which attacks are drilled (`None` for another threat).
    pub outcome: Option<Outcome>,
    /// Where each drill starts on the revenue profiles' clock (hours
    /// after Monday 00:00, `bcdr drill --at`); `None`: a uniformly random
    /// time of the week, drawn per drill.
    pub start: Option<f64>,
}

impl DrillPlan {
    /// # Panics
    /// Never for a validated model and a threat index from it.
    pub(crate) fn new(model: &Model, threat: u32) -> DrillPlan {
        let s = model.services.len();
        let node = |r: &NodeRef| match *r {
            NodeRef::Service(id) => id.index() as u32,
            NodeRef::Group(g) => (s + g.index()) as u32,
        };
        let tier: Vec<bool> = model
            .services
            .iter()
            .map(|x| x.tier == Tier::Business)
            .collect();
        let revenue: Vec<bool> = model
            .services
            .iter()
            .map(|x| x.revenue_per_hour.get() > 0.0)
            .collect();
        let any = |v: &[bool]| v.iter().any(|b| *b);
        let (weight, weighting) = if any(&revenue) {
            (
                model
                    .services
                    .iter()
                    .map(|x| x.revenue_per_hour.get())
                    .collect(),
                "revenue",
            )
        } else if any(&tier) {
            (
                tier.iter().map(|b| f64::from(u8::from(*b))).collect(),
                "business services",
            )
        } else {
            (vec![1.0; s], "services")
        };
        // The business functions: the Business tier; a scenario without
        // one (the ransomware pair labels its functions Application) is
        // read through the services that carry revenue.
        let (business, business_functions) = if any(&tier) {
            (tier, "Business-tier services")
        } else if any(&revenue) {
            (
                revenue.clone(),
                "services with revenue_per_hour (the scenario has no Business tier)",
            )
        } else {
            (
                vec![true; s],
                "every service (the scenario has no Business tier and no revenue)",
            )
        };
        let has_business = any(&business);
        DrillPlan {
            threat,
            horizon: model.horizon.get(),
            n_services: s,
            business,
            has_business,
            business_functions,
            mbco: model
                .services
                .iter()
                .map(|x| x.mbco.unwrap_or(1.0))
                .collect(),
            revenue,
            weight,
            weighting,
            deps: Csr::from_rows(
                model
                    .services
                    .iter()
                    .map(|x| x.depends_on.iter().map(node).collect())
                    .collect(),
            ),
            standby: model
                .services
                .iter()
                .map(|x| {
                    let fo = x.failover.as_ref()?;
                    Some(fo.depends_on.as_ref()?.iter().map(node).collect())
                })
                .collect(),
            requires: Csr::from_rows(
                model
                    .services
                    .iter()
                    .map(|x| {
                        x.backup
                            .as_ref()
                            .map(|b| b.requires.iter().map(node).collect())
                            .unwrap_or_default()
                    })
                    .collect(),
            ),
            dependency_order: model.plan.restore_in_dependency_order,
            soft: Csr::from_rows(
                model
                    .services
                    .iter()
                    .map(|x| {
                        x.degrades_on
                            .iter()
                            .map(|d| (node(&d.target), d.capacity))
                            .collect()
                    })
                    .collect(),
            ),
            members: Csr::from_rows(
                model
                    .groups
                    .iter()
                    .map(|g| g.members.iter().map(node).collect())
                    .collect(),
            ),
            need: model.groups.iter().map(|g| g.need).collect(),
            rto: model
                .services
                .iter()
                .map(|x| x.rto.map_or(f64::INFINITY, |h| within(h.get())))
                .collect(),
            rpo: model
                .services
                .iter()
                .map(|x| x.rpo.map_or(f64::INFINITY, |h| within(h.get())))
                .collect(),
            outcome: None,
            start: None,
        }
    }

    /// The same plan drilling only the ransomware attacks of `outcome`.
    pub(crate) fn with_outcome(mut self, outcome: Option<Outcome>) -> DrillPlan {
        self.outcome = outcome;
        self
    }
}

/// Per-worker scratch of the reduction, reused from trial to trial.
#[derive(Debug, Clone)]
pub(crate) struct Reducer {
    down: Vec<bool>,
    last_up: Vec<Option<f64>>,
    cap: Vec<f64>,
    rise: Vec<f64>,
    /// Per service with revenue: the engine recorded a capacity at the
    /// horizon (which the record loop leaves to [`Reducer::at_horizon`]).
    closed: Vec<bool>,
    /// Per node (services, then groups): down at the horizon; `None`
    /// until computed.
    node_down: Vec<Option<bool>>,
    /// Per service: its first crew job is a restore or a rebuild (which
    /// waits for `backup.requires`).
    restores: Vec<bool>,
    /// Recovery time per node (services, then groups) and the service
    /// that brought it back; `None` until computed.
    node_rec: Vec<Option<(f64, u32)>>,
    /// The critical path's services still to step from.
    path: Vec<usize>,
    pub outcome: DrillOutcome,
    /// When the restored share last changed.
    pub settle: f64,
}

/// Tolerance of "at the same instant": times are copied, not recomputed,
/// so equal instants are equal floats; this only guards the comparison.
fn same_time(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

impl Reducer {
    pub(crate) fn new(p: &DrillPlan) -> Reducer {
        let s = p.n_services;
        Reducer {
            down: vec![false; s],
            last_up: vec![None; s],
            cap: vec![1.0; s],
            rise: vec![0.0; s],
            closed: vec![false; s],
            node_down: vec![None; s + p.need.len()],
            restores: vec![false; s],
            node_rec: vec![None; s + p.need.len()],
            path: Vec::new(),
            outcome: DrillOutcome {
                services: vec![ServiceOutcome::default(); s],
                business_recovered_at: None,
                business_not_recovered: false,
                mbco_at: None,
                mbco_below: false,
                curve: vec![0.0; GRID + 1],
                dwell: None,
            },
            settle: 0.0,
        }
    }

    /// Reduce one recorded trial. `curve_end` is the end of the grid (any
    /// positive value in the pilot, which only reads `settle`);
    /// `relocated_at` when each service moved to its failover site (+∞,
    /// or empty, for none).
    pub(crate) fn reduce(
        &mut self,
        p: &DrillPlan,
        records: &[Record],
        data_loss: &[f64],
        relocated_at: &[f64],
        curve_end: f64,
    ) {
        // A service moved to its failover site needs its standby's
        // dependencies from then on, not its home ones.
        let deps_of = |i: usize| -> &[u32] {
            match &p.standby[i] {
                Some(standby) if relocated_at.get(i).is_some_and(|t| t.is_finite()) => standby,
                _ => p.deps.row(i),
            }
        };
        let s = p.n_services;
        self.down.fill(false);
        self.last_up.fill(None);
        self.cap.fill(1.0);
        self.rise.fill(0.0);
        self.closed.fill(false);
        self.node_down.fill(None);
        self.restores.fill(false);
        self.node_rec.fill(None);
        self.settle = 0.0;
        let o = &mut self.outcome;
        o.services.fill(ServiceOutcome::default());
        o.business_recovered_at = None;
        o.business_not_recovered = false;
        o.mbco_at = None;
        o.mbco_below = false;

        let total_weight: f64 = p.weight.iter().sum();
        let mut weighted = total_weight;
        let mut k = 0usize;
        let grid = |k: usize| curve_end * k as f64 / GRID as f64;
        let share = |w: f64| {
            if total_weight > 0.0 {
                (w / total_weight).clamp(0.0, 1.0)
            } else {
                1.0
            }
        };

        // Service `i`'s effective capacity is `c` from time `t` on.
        let mut set = |i: usize, t: f64, c: f64| {
            let m = p.mbco[i] - 1e-12;
            if p.business[i] && self.cap[i] < m && c >= m {
                self.rise[i] = t;
            }
            if p.business[i] && c < m {
                o.mbco_below = true;
            }
            if p.weight[i] > 0.0 && c != self.cap[i] {
                while k <= GRID && grid(k) < t {
                    o.curve[k] = share(weighted);
                    k += 1;
                }
                weighted += p.weight[i] * (c - self.cap[i]);
                self.settle = t;
            }
            self.cap[i] = c;
        };
        for r in records {
            let i = r.svc as usize;
            let so = &mut o.services[i];
            match r.mark {
                Mark::Down => {
                    so.down_at.get_or_insert(r.t);
                    self.down[i] = true;
                }
                Mark::Up => {
                    self.down[i] = false;
                    self.last_up[i] = Some(r.t);
                }
                Mark::JobStart(kind) => {
                    if so.job_start.is_none() {
                        so.job_start = Some(r.t);
                        self.restores[i] = kind != JobKind::Repair;
                    }
                }
                Mark::JobDone => so.job_done = Some(r.t),
                Mark::Capacity(_) => {}
            }
            // The effective capacity: the engine's for revenue-bearing
            // services, functional or not for the others.
            // (The engine closes every capacity segment at the horizon:
            // that is the end of the drill, not a recovery; what really
            // came back at the horizon is worked out below.)
            let new = match (r.mark, p.revenue[i]) {
                (Mark::Capacity(c), true) if r.t < p.horizon => Some(c),
                (Mark::Capacity(_), true) => {
                    self.closed[i] = true;
                    None
                }
                (Mark::Down, false) => Some(0.0),
                (Mark::Up, false) => Some(1.0),
                _ => None,
            };
            if let Some(c) = new {
                set(i, r.t, c);
            }
        }
        // A service with revenue whose outage (or a soft dependency's)
        // ends exactly at the horizon is back then, as one without
        // revenue is by its `Up` mark: its capacity at the horizon is
        // its own state and its soft dependencies' then (the engine's
        // product, in its order), not the engine's close.
        for i in (0..s).filter(|&i| self.closed[i]) {
            let mut c = 1.0;
            if self.down[i] {
                c = 0.0;
            } else {
                for &(d, keep) in p.soft.row(i) {
                    if node_down(p, &self.down, &mut self.node_down, d) {
                        c *= keep;
                    }
                }
            }
            set(i, p.horizon, c);
        }
        while k <= GRID {
            o.curve[k] = share(weighted);
            k += 1;
        }

        for i in 0..s {
            let so = &mut o.services[i];
            so.data_loss = data_loss.get(i).copied().unwrap_or(0.0);
            if so.down_at.is_some() {
                so.recovered_at = if self.down[i] { None } else { self.last_up[i] };
            }
        }

        // The last Business-tier service back, and the MBCO time.
        let rec = |o: &DrillOutcome, i: usize| -> f64 {
            match o.services[i].down_at {
                None => 0.0,
                Some(_) => o.services[i].recovered_at.unwrap_or(p.horizon),
            }
        };
        let mut start: Option<(f64, usize)> = None;
        for i in (0..s).filter(|&i| p.business[i] && o.services[i].down_at.is_some()) {
            let t = rec(o, i);
            if start.is_none_or(|(b, _)| t > b) {
                start = Some((t, i));
            }
        }
        o.business_recovered_at = start.map(|(t, _)| t);
        o.business_not_recovered = (0..s).any(|i| {
            p.business[i] && o.services[i].down_at.is_some() && o.services[i].recovered_at.is_none()
        });
        if p.has_business {
            let mut at = Some(0.0f64);
            for i in (0..s).filter(|&i| p.business[i]) {
                if self.cap[i] < p.mbco[i] - 1e-12 {
                    at = None;
                    break;
                }
                at = at.map(|a| a.max(self.rise[i]));
            }
            o.mbco_at = at;
        }

        // When each service hit had its hard dependencies back, and for a
        // restore or rebuild what it requires.
        for i in 0..s {
            self.node_rec[i] = Some((rec(o, i), i as u32));
        }
        for i in 0..s {
            if o.services[i].down_at.is_none() {
                continue;
            }
            let mut at = 0.0f64;
            for &d in deps_of(i) {
                at = at.max(node_recovery(p, &mut self.node_rec, d).0);
            }
            // What held its first job back: what a restore requires, and
            // with restores in dependency order its hard dependencies.
            let mut held = if self.restores[i] && p.dependency_order {
                at
            } else {
                0.0f64
            };
            if self.restores[i] {
                for &d in p.requires.row(i) {
                    let t = node_recovery(p, &mut self.node_rec, d).0;
                    at = at.max(t);
                    held = held.max(t);
                }
            }
            o.services[i].deps_back = Some(at);
            o.services[i].held = o.services[i].job_start.map(|s| held.min(s));
        }

        // The critical path: from the business function back last; none
        // when no business function went down (a service no business
        // function depends on is never named). At an exact tie every tied
        // service is followed: each of them set the pace.
        let Some((last, _)) = start else { return };
        self.path.clear();
        for i in 0..s {
            if p.business[i] && o.services[i].down_at.is_some() && same_time(rec(o, i), last) {
                o.services[i].on_path = true;
                self.path.push(i);
            }
        }
        while let Some(node) = self.path.pop() {
            let r = rec(o, node);
            // A hard dependency gates the recovery when it came back as
            // late as the service did.
            let mut next: Vec<u32> = deps_of(node)
                .iter()
                .map(|&d| node_recovery(p, &mut self.node_rec, d))
                .filter(|&(t, _)| t > 0.0 && (t >= r || same_time(t, r)))
                .map(|(_, svc)| svc)
                .collect();
            // Otherwise what held its restore back gates the restore's
            // start when it came back exactly then: what the restore
            // requires, and its hard dependencies when restores wait for
            // them (`restore_in_dependency_order`). A dependency that came
            // back as a crew freed up did not hold a restore that does not
            // wait for it.
            if next.is_empty() && self.restores[node] {
                if let Some(begun) = o.services[node].job_start {
                    let hard: &[u32] = if p.dependency_order {
                        deps_of(node)
                    } else {
                        &[]
                    };
                    next = hard
                        .iter()
                        .chain(p.requires.row(node))
                        .map(|&d| node_recovery(p, &mut self.node_rec, d))
                        .filter(|&(t, _)| t > 0.0 && same_time(t, begun))
                        .map(|(_, svc)| svc)
                        .collect();
                }
            }
            if next.is_empty() {
                o.services[node].bottleneck = true;
            }
            for svc in next {
                let i = svc as usize;
                if !o.services[i].on_path {
                    o.services[i].on_path = true;
                    self.path.push(i);
                }
            }
        }
    }
}

/// Work out group `node`, and the groups nested under it that are not
/// known yet, members first, on an explicit stack (a chain of 50 000
/// nested groups overflowed the worker's stack when the walks below
/// called themselves): `known(state, n)` says whether node `n` is worked
/// out already, `settle(state, g, n)` works out group `g` (node `n`) from
/// its members, every one of them known.
fn members_first<S: ?Sized>(
    p: &DrillPlan,
    state: &mut S,
    node: u32,
    known: impl Fn(&S, u32) -> bool,
    settle: impl Fn(&mut S, usize, u32),
) {
    let mut stack = vec![node];
    while let Some(&top) = stack.last() {
        if known(state, top) {
            stack.pop();
            continue;
        }
        let g = top as usize - p.n_services;
        let before = stack.len();
        stack.extend(p.members.row(g).iter().filter(|&&m| !known(state, m)));
        if stack.len() == before {
            settle(state, g, top);
            stack.pop();
        }
    }
}

/// The recovery time of a node and the service that brought it back: a
/// service's own (in `memo` already); a group's is the `need`-th earliest
/// of its members' (members never hit count as 0), nested groups resolved
/// by [`members_first`].
fn node_recovery(p: &DrillPlan, memo: &mut [Option<(f64, u32)>], node: u32) -> (f64, u32) {
    if memo[node as usize].is_none() {
        members_first(
            p,
            memo,
            node,
            |memo, n| memo[n as usize].is_some(),
            |memo, g, top| {
                let mut times: Vec<(f64, u32)> = p
                    .members
                    .row(g)
                    .iter()
                    .filter_map(|&m| memo[m as usize])
                    .collect();
                times.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let need = (p.need[g] as usize).clamp(1, times.len().max(1));
                memo[top as usize] = Some(times.get(need - 1).copied().unwrap_or((0.0, 0)));
            },
        );
    }
    memo[node as usize].unwrap_or((0.0, 0))
}

/// Whether a node is down at the horizon: a service by its marks (`down`,
/// per service); a group when fewer than `need` of its members are up
/// (nested groups by [`members_first`]).
fn node_down(p: &DrillPlan, down: &[bool], memo: &mut [Option<bool>], node: u32) -> bool {
    let known = |memo: &[Option<bool>], n: u32| down.get(n as usize).copied().or(memo[n as usize]);
    if known(memo, node).is_none() {
        members_first(
            p,
            memo,
            node,
            |memo, n| known(memo, n).is_some(),
            |memo, g, top| {
                let up = p
                    .members
                    .row(g)
                    .iter()
                    .filter(|&&m| known(memo, m) == Some(false))
                    .count();
                memo[top as usize] = Some(up < p.need[g] as usize);
            },
        );
    }
    known(memo, node).unwrap_or(false)
}

/// The end of the recovery-curve grid, from a pilot of the first
/// [`PILOT`] drills: the 95th percentile of the time the restored share
/// stops changing, rounded up to a round number of hours (the chart's 10–90%
/// band then reaches its final level inside the grid).
fn grid_end(
    plan: &SimPlan,
    p: &DrillPlan,
    seed: u64,
    trials: &Range<u64>,
    pool: &rayon::ThreadPool,
) -> f64 {
    let pilot = trials.start..trials.end.min(trials.start + PILOT);
    let mut settle: Vec<f64> = pool.install(|| {
        super::chunks(pilot)
            .flat_map_iter(|chunk| {
                let mut trial = Trial::new(plan);
                trial.set_recording(true);
                trial.set_outcome(p.outcome.unwrap_or_default());
                trial.set_drill_start(p.start);
                let mut red = Reducer::new(p);
                let mut scratch = Accumulator::new(plan.n_services, plan.threats.len());
                // A trial that breaks the event budget ends the pilot; the
                // drill itself then reports it.
                chunk
                    .clone()
                    .map_while(move |t| {
                        trial.run(plan, Mode::Drill(p.threat), seed, t, &mut scratch);
                        red.reduce(
                            p,
                            trial.records(),
                            trial.data_loss(),
                            trial.relocated_at(),
                            1.0,
                        );
                        scratch.overflow.is_none().then_some(red.settle)
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    settle.sort_by(f64::total_cmp);
    let p95 = match settle.len() {
        0 => 0.0,
        n => settle[((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1],
    };
    round_up(p95).min(p.horizon.max(f64::MIN_POSITIVE))
}

/// Round up to 1, 1.5, 2, 3, 4, 5, 6 or 8 × 10ᵏ hours (1 h for nothing).
fn round_up(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    // m / 10^-k rather than m · 10^k below 1, so 0.15 is the nearest f64.
    let k = x.log10().floor() as i32;
    let scale = |m: f64| {
        if k >= 0 {
            m * 10f64.powi(k)
        } else {
            m / 10f64.powi(-k)
        }
    };
    [1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|&m| scale(m))
        .find(|v| *v >= x * (1.0 - 1e-12))
        .unwrap_or_else(|| scale(10.0))
}

/// Run drills `trials` of the plan's threat and accumulate them: the
/// ordinary [`Accumulator`] (for `summary.json`) and the [`DrillAcc`].
///
/// `progress` is called from worker threads with the number of drills
/// done so far (the pilot is not counted).
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot be built;
/// [`Error::Memory`] when one worker would not fit in the memory available.
pub(crate) fn drill(
    plan: &SimPlan,
    p: &DrillPlan,
    seed: u64,
    trials: Range<u64>,
    threads: Option<usize>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<(Accumulator, DrillAcc), Error> {
    let pool = super::fitted_pool(&[plan.n_services], threads)?;
    let end = grid_end(plan, p, seed, &trials, &pool);
    let result = super::drive(
        &pool,
        super::Units::new(trials, plan.n_services),
        progress,
        || {
            (
                Accumulator::new(plan.n_services, plan.threats.len()),
                DrillAcc::new(plan.n_services, end),
            )
        },
        || {
            let mut trial = Trial::new(plan);
            trial.set_recording(true);
            trial.set_outcome(p.outcome.unwrap_or_default());
            trial.set_drill_start(p.start);
            (trial, Reducer::new(p))
        },
        |(acc, dacc), (trial, red), step, last| {
            for t in step {
                if acc.overflow.is_some() {
                    break;
                }
                trial.run(plan, Mode::Drill(p.threat), seed, t, acc);
                red.reduce(
                    p,
                    trial.records(),
                    trial.data_loss(),
                    trial.relocated_at(),
                    end,
                );
                red.outcome.dwell = trial.encrypted_dwell();
                dacc.add(&red.outcome, p.horizon, &p.rto, &p.rpo);
            }
            if last {
                trial.finish(plan, acc);
            }
        },
        |(a, da), (b, db)| {
            a.merge(b);
            da.merge(db);
        },
    );
    super::check_budget(&result.0)?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_numbers_of_hours() {
        assert_eq!(round_up(0.0), 1.0);
        assert_eq!(round_up(1.0), 1.0);
        assert_eq!(round_up(7.3), 8.0);
        assert_eq!(round_up(70.0), 80.0);
        assert_eq!(round_up(81.0), 100.0);
        assert_eq!(round_up(0.12), 0.15);
    }
}
