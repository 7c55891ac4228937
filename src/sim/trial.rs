//! One trial: a discrete-event simulation of failures, threats and
//! recovery over the horizon.
//!
//! State per node is a block count: a service is functional while nothing
//! blocks it (its own damage, an active outage or restart, a hard
//! dependency that is not functional); a group is functional while fewer
//! than n − need + 1 of its members are blocked. A change of state walks the
//! dependents (CSR) with an explicit stack, so a failure deep in the stack
//! reaches every service above it in time linear in what changes.
//!
//! Events at equal times run in the order they were scheduled (a sequence
//! number breaks ties), so a trial is a pure function of its streams.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::model::dist::unit_open;
use crate::model::Dist;
use crate::stats::Accumulator;

use super::compile::{SimPlan, ThreatPlanKind, HOURS_PER_YEAR};
use super::rng::{self, Purpose, Stream};

/// Cause index of random failures; threat k is cause k + 1.
pub const FAILURES: u32 = 0;

/// What a trial simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every failure and threat over the horizon.
    Annual,
    /// One occurrence of this threat (index) at time zero, nothing else.
    Drill(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Damage {
    /// Not damaged (it may still be non-functional through a dependency
    /// or an outage).
    Up,
    /// A random failure: waiting for or under repair.
    Failed,
    /// Destroyed or encrypted: failing over, or waiting for or under
    /// restore or rebuild; or beyond recovery.
    Destroyed,
}

/// What a crew does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Repair,
    Restore,
    Rebuild,
}

/// One step of a service's recovery, recorded when recording is on (drills).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// Stopped being functional.
    Down,
    /// Functional again.
    Up,
    /// Revenue capacity changed to this fraction.
    Capacity(f64),
    /// A crew started work on it.
    JobStart(JobKind),
    /// Its repair, restore or rebuild finished.
    JobDone,
}

/// A timestamped [`Mark`] of one service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    pub t: f64,
    pub svc: u32,
    pub mark: Mark,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    svc: u32,
    kind: JobKind,
    seq: u64,
}

#[derive(Debug, Clone, Copy)]
enum EvKind {
    Failure {
        svc: u32,
        gen: u32,
    },
    JobDone {
        svc: u32,
        gen: u32,
    },
    SwitchoverDone {
        svc: u32,
        gen: u32,
    },
    RestartDone {
        svc: u32,
    },
    OutageStart {
        threat: u32,
    },
    OutageEnd {
        threat: u32,
    },
    Disaster {
        threat: u32,
    },
    Attack {
        threat: u32,
    },
    /// A ransomware attack's payload: encrypt what is compromised.
    Encrypt {
        attack: u32,
    },
    /// A contained attack's isolation starts (at detection).
    Contain {
        attack: u32,
    },
    /// A contained attack's isolation ends for one service.
    ContainmentEnd {
        svc: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Event {
    t: f64,
    seq: u64,
    kind: EvKind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that `BinaryHeap` pops the earliest event first and,
    /// among equal times, the one scheduled first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .t
            .total_cmp(&self.t)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A ransomware attack in flight: what it has compromised, and when.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attack {
    pub threat: u32,
    pub start: f64,
    /// (service, hours after the start when compromised), in order.
    pub compromised: Vec<(u32, f64)>,
    /// The backups taken since each compromise are unusable.
    pub backups_compromised: bool,
    pub contained: bool,
    pub encrypted: u32,
}

/// Everything one trial writes, reused from trial to trial.
pub struct Trial {
    key: u64,
    horizon: f64,
    // Node state.
    blocks: Vec<u32>,
    deps_down: Vec<u32>,
    // Service state.
    damage: Vec<Damage>,
    gen: Vec<u32>,
    job_running: Vec<bool>,
    down_since: Vec<f64>,
    down_cause: Vec<u32>,
    capacity: Vec<f64>,
    cap_since: Vec<f64>,
    cap_cause: Vec<u32>,
    backup_phase: Vec<f64>,
    lifetime: Vec<Option<Stream>>,
    repair: Vec<Option<Stream>>,
    restore: Vec<Option<Stream>>,
    restart: Vec<Option<Stream>>,
    failover: Vec<Option<Stream>>,
    // Per-trial results.
    downtime: Vec<f64>,
    outages: Vec<u32>,
    rto_met: Vec<u32>,
    mtpd_breached: Vec<bool>,
    data_loss: Vec<f64>,
    svc_loss: Vec<f64>,
    cause_loss: Vec<f64>,
    cause_occ: Vec<u32>,
    // Threats.
    threat_streams: Vec<[Option<Stream>; 5]>,
    pub(crate) attacks: Vec<Attack>,
    // Sites.
    site_outage: Vec<u32>,
    site_destroyed: Vec<bool>,
    // Scheduling.
    heap: BinaryHeap<Event>,
    seq: u64,
    waiting: Vec<Job>,
    free_crews: u32,
    dispatch_needed: bool,
    stack: Vec<u32>,
    /// Earliest compromise time per service while an attack spreads.
    reach: Vec<f64>,
    /// (service, duration) of every outage of this trial.
    outage_log: Vec<(u32, f64)>,
    recording: bool,
    /// Random failures run (annual mode); a drill has none, not even after
    /// a recovery restarts a service's failure clock.
    failures: bool,
    records: Vec<Record>,
}

impl Trial {
    pub fn new(plan: &SimPlan) -> Trial {
        let n = plan.node_count();
        let s = plan.n_services;
        let c = plan.threats.len() + 1;
        Trial {
            key: 0,
            horizon: plan.horizon,
            blocks: vec![0; n],
            deps_down: vec![0; n],
            damage: vec![Damage::Up; s],
            gen: vec![0; s],
            job_running: vec![false; s],
            down_since: vec![0.0; n],
            down_cause: vec![0; n],
            capacity: vec![1.0; s],
            cap_since: vec![0.0; s],
            cap_cause: vec![0; s],
            backup_phase: vec![f64::NAN; s],
            lifetime: vec![None; s],
            repair: vec![None; s],
            restore: vec![None; s],
            restart: vec![None; s],
            failover: vec![None; s],
            downtime: vec![0.0; s],
            outages: vec![0; s],
            rto_met: vec![0; s],
            mtpd_breached: vec![false; s],
            data_loss: vec![0.0; s],
            svc_loss: vec![0.0; s],
            cause_loss: vec![0.0; c],
            cause_occ: vec![0; c],
            threat_streams: vec![Default::default(); plan.threats.len()],
            attacks: Vec::new(),
            site_outage: vec![0; plan.n_sites],
            site_destroyed: vec![false; plan.n_sites],
            heap: BinaryHeap::new(),
            seq: 0,
            waiting: Vec::new(),
            free_crews: plan.crews,
            dispatch_needed: false,
            stack: Vec::new(),
            reach: vec![f64::INFINITY; s],
            outage_log: Vec::new(),
            recording: false,
            failures: true,
            records: Vec::new(),
        }
    }

    fn reset(&mut self, plan: &SimPlan, seed: u64, trial: u64) {
        self.key = rng::trial_key(seed, trial);
        self.blocks.fill(0);
        self.deps_down.fill(0);
        self.damage.fill(Damage::Up);
        self.gen.fill(0);
        self.job_running.fill(false);
        self.capacity.fill(1.0);
        self.cap_since.fill(0.0);
        self.cap_cause.fill(0);
        self.backup_phase.fill(f64::NAN);
        for v in [
            &mut self.lifetime,
            &mut self.repair,
            &mut self.restore,
            &mut self.restart,
            &mut self.failover,
        ] {
            v.fill(None);
        }
        self.downtime.fill(0.0);
        self.outages.fill(0);
        self.rto_met.fill(0);
        self.mtpd_breached.fill(false);
        self.data_loss.fill(0.0);
        self.svc_loss.fill(0.0);
        self.cause_loss.fill(0.0);
        self.cause_occ.fill(0);
        for t in &mut self.threat_streams {
            *t = Default::default();
        }
        self.attacks.clear();
        self.site_outage.fill(0);
        self.site_destroyed.fill(false);
        self.heap.clear();
        self.seq = 0;
        self.waiting.clear();
        self.free_crews = plan.crews;
        self.dispatch_needed = false;
        self.outage_log.clear();
        self.records.clear();
    }

    /// Turn recording of each service's steps on or off (off by default:
    /// annual runs do not pay for it).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    /// The steps of the last trial, in time order, when recording is on.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Hours of data lost per service in the last trial.
    pub fn data_loss(&self) -> &[f64] {
        &self.data_loss
    }

    #[inline]
    fn mark(&mut self, t: f64, svc: u32, mark: Mark) {
        if self.recording {
            self.records.push(Record { t, svc, mark });
        }
    }

    // ---- random streams -------------------------------------------------

    fn draw(&mut self, plan: &SimPlan, svc: u32, purpose: Purpose, dist: &Dist) -> f64 {
        let key = self.key;
        let entity = plan.services[svc as usize].key;
        let slot = match purpose {
            Purpose::Lifetime => &mut self.lifetime[svc as usize],
            Purpose::Repair => &mut self.repair[svc as usize],
            Purpose::Restore => &mut self.restore[svc as usize],
            Purpose::Restart => &mut self.restart[svc as usize],
            _ => &mut self.failover[svc as usize],
        };
        let s = slot.get_or_insert_with(|| rng::stream(key, entity, purpose));
        dist.sample(s)
    }

    /// A uniform draw from a service's failover stream.
    fn failover_unit(&mut self, plan: &SimPlan, svc: u32) -> f64 {
        let key = self.key;
        let entity = plan.services[svc as usize].key;
        let s = self.failover[svc as usize]
            .get_or_insert_with(|| rng::stream(key, entity, Purpose::Failover));
        unit_open(s)
    }

    /// A threat's stream for one purpose, created on first use.
    fn threat_stream(&mut self, plan: &SimPlan, threat: u32, purpose: Purpose) -> &mut Stream {
        let key = self.key;
        let entity = plan.threats[threat as usize].key;
        let slot = match purpose {
            Purpose::Duration => 0,
            Purpose::Cost => 1,
            Purpose::Attack => 2,
            Purpose::Spread => 3,
            _ => 4,
        };
        self.threat_streams[threat as usize][slot]
            .get_or_insert_with(|| rng::stream(key, entity, purpose))
    }

    /// A draw from a threat's stream.
    fn threat_draw(&mut self, plan: &SimPlan, threat: u32, purpose: Purpose, dist: &Dist) -> f64 {
        dist.sample(self.threat_stream(plan, threat, purpose))
    }

    fn backup_phase(&mut self, plan: &SimPlan, svc: u32, interval: f64) -> f64 {
        let i = svc as usize;
        if self.backup_phase[i].is_nan() {
            let mut s = rng::stream(self.key, plan.services[i].key, Purpose::BackupPhase);
            self.backup_phase[i] = unit_open(&mut s) * interval;
        }
        self.backup_phase[i]
    }

    fn schedule(&mut self, t: f64, kind: EvKind) {
        if t < self.horizon {
            self.seq += 1;
            self.heap.push(Event {
                t,
                seq: self.seq,
                kind,
            });
        }
    }

    // ---- state propagation ----------------------------------------------

    /// Add one block to `node`; propagate if it stops being functional.
    fn block(&mut self, plan: &SimPlan, node: u32, t: f64, cause: u32) {
        let mut stack = std::mem::take(&mut self.stack);
        stack.push(node);
        while let Some(n) = stack.pop() {
            let i = n as usize;
            self.blocks[i] += 1;
            if self.blocks[i] != plan.threshold[i] {
                continue;
            }
            self.went_down(plan, n, t, cause);
            for d in plan.dependents.row(i) {
                if d.hard {
                    self.deps_down[d.node as usize] += 1;
                }
                stack.push(d.node);
            }
            for &s in plan.soft_dependents.row(i) {
                self.update_capacity(plan, s, t, cause);
            }
        }
        self.stack = stack;
    }

    /// Remove one block from `node`; propagate if it becomes functional.
    fn unblock(&mut self, plan: &SimPlan, node: u32, t: f64) {
        let mut stack = std::mem::take(&mut self.stack);
        stack.push(node);
        while let Some(n) = stack.pop() {
            let i = n as usize;
            self.blocks[i] -= 1;
            if self.blocks[i] + 1 != plan.threshold[i] {
                continue;
            }
            self.went_up(plan, n, t);
            for d in plan.dependents.row(i) {
                if d.hard {
                    self.deps_down[d.node as usize] -= 1;
                }
                stack.push(d.node);
            }
            let cause = self.down_cause[i];
            for &s in plan.soft_dependents.row(i) {
                self.update_capacity(plan, s, t, cause);
            }
            if !self.waiting.is_empty() {
                self.dispatch_needed = true;
            }
        }
        self.stack = stack;
    }

    fn functional(&self, plan: &SimPlan, node: u32) -> bool {
        self.blocks[node as usize] < plan.threshold[node as usize]
    }

    fn went_down(&mut self, plan: &SimPlan, node: u32, t: f64, cause: u32) {
        let i = node as usize;
        self.down_since[i] = t;
        self.down_cause[i] = cause;
        if i < plan.n_services {
            self.mark(t, node, Mark::Down);
            self.update_capacity(plan, node, t, cause);
        }
    }

    fn went_up(&mut self, plan: &SimPlan, node: u32, t: f64) {
        let i = node as usize;
        if i >= plan.n_services {
            return;
        }
        let duration = t - self.down_since[i];
        self.mark(t, node, Mark::Up);
        self.record_outage(plan, node, duration);
        let cause = self.down_cause[i];
        self.update_capacity(plan, node, t, cause);
    }

    /// Book one outage of a service (ended, or cut by the horizon).
    fn record_outage(&mut self, plan: &SimPlan, svc: u32, duration: f64) {
        let i = svc as usize;
        let p = &plan.services[i];
        let cause = self.down_cause[i] as usize;
        self.downtime[i] += duration;
        self.outages[i] += 1;
        if duration <= p.rto {
            self.rto_met[i] += 1;
        }
        let mut cost = p.cost_per_outage;
        if duration > p.mtpd {
            self.mtpd_breached[i] = true;
            cost += p.mtpd_penalty;
        }
        self.svc_loss[i] += cost;
        self.cause_loss[cause] += cost;
        self.outage_log.push((svc, duration));
    }

    /// Settle lost revenue up to `t` at the old capacity, then take the
    /// new capacity (0 when not functional, else the product of the soft
    /// dependencies' capacities while they are down).
    fn update_capacity(&mut self, plan: &SimPlan, svc: u32, t: f64, cause: u32) {
        let i = svc as usize;
        let revenue = plan.services[i].revenue_per_hour;
        if revenue <= 0.0 {
            return;
        }
        let old = self.capacity[i];
        let lost = revenue * (1.0 - old) * (t - self.cap_since[i]);
        if lost > 0.0 {
            self.svc_loss[i] += lost;
            self.cause_loss[self.cap_cause[i] as usize] += lost;
        }
        self.cap_since[i] = t;
        let new = if self.functional(plan, svc) {
            plan.soft_deps
                .row(i)
                .iter()
                .filter(|(d, _)| !self.functional(plan, *d))
                .map(|(_, c)| c)
                .product()
        } else {
            0.0
        };
        if new < old {
            self.cap_cause[i] = cause;
        }
        if new != old {
            self.mark(t, svc, Mark::Capacity(new));
        }
        self.capacity[i] = new;
    }
}

// ---- damage, crews and recovery ------------------------------------------

impl Trial {
    /// A random failure, a destruction or an encryption damages a service.
    fn damage(&mut self, plan: &SimPlan, svc: u32, t: f64, cause: u32, to: Damage) {
        let i = svc as usize;
        match self.damage[i] {
            Damage::Up => {
                self.damage[i] = to;
                self.gen[i] += 1;
                self.block(plan, svc, t, cause);
            }
            Damage::Failed if to == Damage::Destroyed => {
                self.cancel_job(svc);
                self.damage[i] = to;
                self.gen[i] += 1;
            }
            _ => {}
        }
    }

    /// Drop a service's pending or running job (its crew goes free).
    fn cancel_job(&mut self, svc: u32) {
        let i = svc as usize;
        if self.job_running[i] {
            self.job_running[i] = false;
            self.release_crew();
        } else if let Some(pos) = self.waiting.iter().position(|j| j.svc == svc) {
            self.waiting.remove(pos);
        }
    }

    fn release_crew(&mut self) {
        if self.free_crews != u32::MAX {
            self.free_crews += 1;
            self.dispatch_needed = !self.waiting.is_empty();
        }
    }

    /// Whether a waiting job may start now.
    fn eligible(&self, plan: &SimPlan, job: &Job) -> bool {
        job.kind == JobKind::Repair
            || !plan.dependency_order
            || self.deps_down[job.svc as usize] == 0
    }

    /// Queue a job; it starts at the dispatch that follows the last event
    /// of this instant, so that simultaneous arrivals (a disaster's
    /// targets) are taken in priority order, not in arrival order.
    fn enqueue(&mut self, svc: u32, kind: JobKind) {
        self.seq += 1;
        self.waiting.push(Job {
            svc,
            kind,
            seq: self.seq,
        });
        self.dispatch_needed = true;
    }

    fn start(&mut self, plan: &SimPlan, job: Job, t: f64) {
        let i = job.svc as usize;
        let p = &plan.services[i];
        let (purpose, dist) = match job.kind {
            JobKind::Repair => (Purpose::Repair, p.repair.as_ref()),
            JobKind::Restore => (Purpose::Restore, p.restore.as_ref()),
            JobKind::Rebuild => (Purpose::Restore, p.rebuild.as_ref()),
        };
        let Some(dist) = dist else { return };
        let duration = self.draw(plan, job.svc, purpose, dist);
        if self.free_crews != u32::MAX {
            self.free_crews -= 1;
        }
        self.job_running[i] = true;
        self.mark(t, job.svc, Mark::JobStart(job.kind));
        let gen = self.gen[i];
        self.schedule(t + duration, EvKind::JobDone { svc: job.svc, gen });
    }

    /// Start waiting jobs while crews are free: plan priority first, then
    /// revenue at risk, then arrival. With unlimited crews every eligible
    /// job starts (in queue order, which keeps draws deterministic).
    fn dispatch(&mut self, plan: &SimPlan, t: f64) {
        self.dispatch_needed = false;
        if self.free_crews == u32::MAX {
            let mut k = 0;
            while k < self.waiting.len() {
                if self.eligible(plan, &self.waiting[k]) {
                    let job = self.waiting.remove(k);
                    self.start(plan, job, t);
                } else {
                    k += 1;
                }
            }
            return;
        }
        while self.free_crews > 0 && !self.waiting.is_empty() {
            let mut best: Option<usize> = None;
            for (k, job) in self.waiting.iter().enumerate() {
                if !self.eligible(plan, job) {
                    continue;
                }
                best = match best {
                    Some(b) if !before(plan, job, &self.waiting[b]) => Some(b),
                    _ => Some(k),
                };
            }
            let Some(b) = best else { break };
            let job = self.waiting.swap_remove(b);
            self.start(plan, job, t);
        }
    }

    /// Back up after a repair, restore, rebuild or switchover.
    fn recovered(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        let i = svc as usize;
        self.damage[i] = Damage::Up;
        self.gen[i] += 1;
        self.unblock(plan, svc, t);
        if self.failures {
            self.schedule_failure(plan, svc, t);
        }
    }

    fn schedule_failure(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        if let Some(ttf) = &plan.services[svc as usize].ttf {
            let life = self.draw(plan, svc, Purpose::Lifetime, ttf);
            let gen = self.gen[svc as usize];
            self.schedule(t + life, EvKind::Failure { svc, gen });
        }
    }

    /// A destroyed or encrypted service: fail over when it can (not after
    /// ransomware: the replica is encrypted too), else restore from the
    /// backup taken `extra_loss` hours before the last one when recent
    /// backups are compromised, else rebuild; with none of these it stays
    /// down to the end of the trial.
    fn recover_destroyed(
        &mut self,
        plan: &SimPlan,
        svc: u32,
        t: f64,
        cause: u32,
        allow_failover: bool,
        clean_before: Option<f64>,
    ) {
        let i = svc as usize;
        let p = &plan.services[i];
        if allow_failover {
            if let Some(fo) = &p.failover {
                if self.site_outage[fo.site as usize] == 0 && !self.site_destroyed[fo.site as usize]
                {
                    let (success, switchover) = (fo.success, &fo.switchover);
                    if self.failover_unit(plan, svc) < success {
                        let d = self.draw(plan, svc, Purpose::Failover, switchover);
                        let gen = self.gen[i];
                        self.schedule(t + d, EvKind::SwitchoverDone { svc, gen });
                        return;
                    }
                }
            }
        }
        let has_rebuild = p.rebuild.is_some();
        if let (Some(interval), true) = (p.backup_interval, p.restore.is_some()) {
            let phase = self.backup_phase(plan, svc, interval);
            // The newest clean backup: at or before the cut-off time (now,
            // or the compromise when recent backups are unusable).
            let cutoff = clean_before.unwrap_or(t);
            let last = cutoff - (cutoff - phase).rem_euclid(interval);
            // Data loss is the work since the last clean backup, whether or
            // not retention still holds it; retention decides between a
            // restore and a rebuild.
            self.lose_data(plan, svc, t - last, cause);
            if p.retention.is_none_or(|r| t - last <= r) {
                self.enqueue(svc, JobKind::Restore);
                return;
            }
        }
        if has_rebuild {
            self.enqueue(svc, JobKind::Rebuild);
        }
    }

    fn lose_data(&mut self, plan: &SimPlan, svc: u32, hours: f64, cause: u32) {
        let i = svc as usize;
        self.data_loss[i] += hours;
        let cost = hours * plan.services[i].data_loss_cost_per_hour;
        self.svc_loss[i] += cost;
        self.cause_loss[cause as usize] += cost;
    }
}

/// Crew queue order: plan priority, then revenue at risk (higher first),
/// then arrival.
fn before(plan: &SimPlan, a: &Job, b: &Job) -> bool {
    let (pa, pb) = (
        &plan.services[a.svc as usize],
        &plan.services[b.svc as usize],
    );
    pa.priority_rank
        .cmp(&pb.priority_rank)
        .then_with(|| pb.revenue_at_risk.total_cmp(&pa.revenue_at_risk))
        .then_with(|| a.seq.cmp(&b.seq))
        == Ordering::Less
}

// ---- threats and the event loop ------------------------------------------

impl Trial {
    /// Schedule every threat occurrence of the trial (a Poisson process
    /// at the threat's rate, itself drawn once per trial when uncertain)
    /// and book loss events, which take nothing down.
    fn schedule_threats(&mut self, plan: &SimPlan) {
        for (k, threat) in plan.threats.iter().enumerate() {
            let k = k as u32;
            let rate_per_hour = match (&threat.rate_per_hour, &threat.rate_dist) {
                (Some(r), _) => *r,
                (None, Some(d)) => {
                    let mut s = rng::stream(self.key, threat.key, Purpose::Rate);
                    d.sample(&mut s) / HOURS_PER_YEAR
                }
                (None, None) => 0.0,
            };
            if rate_per_hour <= 0.0 {
                continue;
            }
            let mut times = rng::stream(self.key, threat.key, Purpose::Occurrence);
            let mut t = 0.0;
            loop {
                t += -(-unit_open(&mut times)).ln_1p() / rate_per_hour;
                if t >= self.horizon {
                    break;
                }
                self.schedule_occurrence(plan, k, t);
            }
        }
    }

    /// One occurrence of threat `k` at `t` (loss events are booked at once:
    /// they take nothing down).
    fn schedule_occurrence(&mut self, plan: &SimPlan, k: u32, t: f64) {
        match &plan.threats[k as usize].kind {
            ThreatPlanKind::LossEvent { cost } => {
                let c = self.threat_draw(plan, k, Purpose::Cost, cost);
                self.cause_occ[k as usize + 1] += 1;
                self.cause_loss[k as usize + 1] += c;
            }
            ThreatPlanKind::Outage { .. } => self.schedule(t, EvKind::OutageStart { threat: k }),
            ThreatPlanKind::Disaster { .. } => self.schedule(t, EvKind::Disaster { threat: k }),
            ThreatPlanKind::Ransomware(_) => self.schedule(t, EvKind::Attack { threat: k }),
        }
    }

    /// Count an occurrence and pay its response cost.
    fn occurred(&mut self, plan: &SimPlan, threat: u32) {
        let c = threat as usize + 1;
        self.cause_occ[c] += 1;
        if let Some(cost) = &plan.threats[threat as usize].response_cost {
            self.cause_loss[c] += self.threat_draw(plan, threat, Purpose::Cost, cost);
        }
    }

    fn handle(&mut self, plan: &SimPlan, ev: Event) {
        let t = ev.t;
        match ev.kind {
            EvKind::Failure { svc, gen } => {
                if self.gen[svc as usize] == gen && self.damage[svc as usize] == Damage::Up {
                    self.cause_occ[FAILURES as usize] += 1;
                    self.damage(plan, svc, t, FAILURES, Damage::Failed);
                    self.enqueue(svc, JobKind::Repair);
                }
            }
            EvKind::JobDone { svc, gen } => {
                if self.gen[svc as usize] == gen {
                    self.mark(t, svc, Mark::JobDone);
                    self.job_running[svc as usize] = false;
                    self.release_crew();
                    self.recovered(plan, svc, t);
                }
            }
            EvKind::SwitchoverDone { svc, gen } => {
                if self.gen[svc as usize] == gen {
                    self.recovered(plan, svc, t);
                }
            }
            EvKind::RestartDone { svc } | EvKind::ContainmentEnd { svc } => {
                self.unblock(plan, svc, t)
            }
            EvKind::OutageStart { threat } => {
                self.occurred(plan, threat);
                let ThreatPlanKind::Outage {
                    targets,
                    sites,
                    duration,
                } = &plan.threats[threat as usize].kind
                else {
                    return;
                };
                let d = self.threat_draw(plan, threat, Purpose::Duration, duration);
                for &site in sites {
                    self.site_outage[site as usize] += 1;
                }
                for &svc in targets {
                    self.block(plan, svc, t, threat + 1);
                }
                self.schedule(t + d, EvKind::OutageEnd { threat });
            }
            EvKind::OutageEnd { threat } => {
                let ThreatPlanKind::Outage { targets, sites, .. } =
                    &plan.threats[threat as usize].kind
                else {
                    return;
                };
                for &site in sites {
                    self.site_outage[site as usize] -= 1;
                }
                for &svc in targets {
                    match &plan.services[svc as usize].restart {
                        Some(restart) => {
                            let r = self.draw(plan, svc, Purpose::Restart, restart);
                            // Past the horizon it is still restarting at the end.
                            self.schedule(t + r, EvKind::RestartDone { svc });
                        }
                        None => self.unblock(plan, svc, t),
                    }
                }
            }
            EvKind::Disaster { threat } => {
                self.occurred(plan, threat);
                let ThreatPlanKind::Disaster { targets, sites } =
                    &plan.threats[threat as usize].kind
                else {
                    return;
                };
                // A destroyed site takes no failover for the rest of the
                // trial; mark it before its services look for one.
                for &site in sites {
                    self.site_destroyed[site as usize] = true;
                }
                for &svc in targets {
                    if self.damage[svc as usize] == Damage::Destroyed {
                        continue;
                    }
                    self.damage(plan, svc, t, threat + 1, Damage::Destroyed);
                    self.recover_destroyed(plan, svc, t, threat + 1, true, None);
                }
            }
            EvKind::Attack { threat } => {
                self.occurred(plan, threat);
                self.start_attack(plan, threat, t);
            }
            EvKind::Encrypt { attack } => self.encrypt(plan, attack, t),
            EvKind::Contain { attack } => self.contain(plan, attack, t),
        }
    }

    /// Run one trial and add it to `acc`.
    ///
    /// In [`Mode::Annual`] every failure and threat runs over the horizon;
    /// in [`Mode::Drill`] the one threat happens at time zero and nothing
    /// else does (no random failures, no other threat).
    ///
    /// Returns the trial's total loss (what `acc` records as its annual
    /// loss), for drivers that pair trials (`compare`).
    pub fn run(
        &mut self,
        plan: &SimPlan,
        mode: Mode,
        seed: u64,
        trial: u64,
        acc: &mut Accumulator,
    ) -> f64 {
        self.reset(plan, seed, trial);
        match mode {
            Mode::Annual => {
                self.failures = true;
                for svc in 0..plan.n_services as u32 {
                    self.schedule_failure(plan, svc, 0.0);
                }
                self.schedule_threats(plan);
            }
            Mode::Drill(threat) => {
                self.failures = false;
                self.schedule_occurrence(plan, threat, 0.0);
            }
        }
        while let Some(ev) = self.heap.pop() {
            self.handle(plan, ev);
            // Dispatch once every event of this instant has been handled.
            if self.dispatch_needed && self.heap.peek().is_none_or(|next| next.t > ev.t) {
                self.dispatch(plan, ev.t);
            }
        }
        self.close(plan);
        self.flush(plan, trial, acc)
    }

    /// Cut every open outage and revenue segment at the horizon.
    fn close(&mut self, plan: &SimPlan) {
        let h = self.horizon;
        for svc in 0..plan.n_services as u32 {
            if !self.functional(plan, svc) {
                let d = h - self.down_since[svc as usize];
                self.record_outage(plan, svc, d);
            }
            let cause = self.cap_cause[svc as usize];
            self.update_capacity(plan, svc, h, cause);
        }
    }

    fn flush(&mut self, plan: &SimPlan, trial: u64, acc: &mut Accumulator) -> f64 {
        for i in 0..plan.n_services {
            let a = &mut acc.services[i];
            a.downtime.add(self.downtime[i]);
            a.downtime_hist.add(self.downtime[i]);
            a.outages += u64::from(self.outages[i]);
            a.rto_met += u64::from(self.rto_met[i]);
            a.mtpd_breached += u64::from(self.mtpd_breached[i]);
            a.data_loss.add(self.data_loss[i]);
            a.data_loss_hist.add(self.data_loss[i]);
            a.loss.add(self.svc_loss[i]);
        }
        for &(svc, d) in &self.outage_log {
            let a = &mut acc.services[svc as usize];
            a.outage_duration.add(d);
            a.outage_hist.add(d);
        }
        let mut total = 0.0;
        for (c, a) in acc.causes.iter_mut().enumerate() {
            a.occurrences.add(f64::from(self.cause_occ[c]));
            a.loss.add(self.cause_loss[c]);
            total += self.cause_loss[c];
        }
        for attack in &self.attacks {
            let a = &mut acc.causes[attack.threat as usize + 1];
            a.compromised += attack.compromised.len() as u64;
            a.encrypted += attack.encrypted as u64;
            a.contained += u64::from(attack.contained);
        }
        acc.add_annual_loss(trial, total);
        total
    }
}

// ---- ransomware ------------------------------------------------------------

/// A service reached by the spread at some time (min-heap by time, then
/// by service for determinism).
#[derive(Debug, Clone, Copy)]
struct Reach {
    t: f64,
    svc: u32,
}
impl PartialEq for Reach {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Reach {}
impl PartialOrd for Reach {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Reach {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .t
            .total_cmp(&self.t)
            .then_with(|| other.svc.cmp(&self.svc))
    }
}

impl Trial {
    /// An attack begins: pick the entry, draw the dwell and detection
    /// times, and spread by first passage (Dijkstra over edges that
    /// succeed) until the race ends. Every edge draws its success and its
    /// time whether it succeeds or not, so streams stay aligned when a
    /// scenario changes a probability.
    fn start_attack(&mut self, plan: &SimPlan, threat: u32, t: f64) {
        let ThreatPlanKind::Ransomware(r) = &plan.threats[threat as usize].kind else {
            return;
        };
        let s = self.threat_stream(plan, threat, Purpose::Attack);
        let pick = ((unit_open(s) * r.entry.len() as f64) as usize).min(r.entry.len() - 1);
        let dwell = r.dwell.sample(s);
        let detection = r.detection.sample(s);
        let backups_compromised =
            unit_open(self.threat_stream(plan, threat, Purpose::BackupCompromise))
                < r.backup_compromise;
        let limit = dwell.min(detection);

        let mut compromised = Vec::new();
        let mut heap = BinaryHeap::new();
        let entry = r.entry[pick];
        self.reach[entry as usize] = 0.0;
        heap.push(Reach { t: 0.0, svc: entry });
        while let Some(Reach { t: at, svc }) = heap.pop() {
            if at > self.reach[svc as usize] || compromised.iter().any(|&(c, _)| c == svc) {
                continue;
            }
            compromised.push((svc, at));
            for &(to, p) in r.edges.row(svc as usize) {
                let s = self.threat_stream(plan, threat, Purpose::Spread);
                let success = unit_open(s) < p;
                let delay = r.spread_time.sample(s);
                let when = at + delay;
                if success
                    && !plan.services[to as usize].segmented
                    && when <= limit
                    && when < self.reach[to as usize]
                {
                    self.reach[to as usize] = when;
                    heap.push(Reach { t: when, svc: to });
                }
            }
        }
        for &(svc, _) in &compromised {
            self.reach[svc as usize] = f64::INFINITY;
        }
        // Nodes reached but never settled do not exist: every pushed node
        // is settled, since the limit was checked before pushing.
        let contained = detection < dwell;
        let index = self.attacks.len() as u32;
        self.attacks.push(Attack {
            threat,
            start: t,
            compromised,
            backups_compromised,
            contained,
            encrypted: 0,
        });
        if contained {
            if r.containment_outage.is_some() {
                self.schedule(t + detection, EvKind::Contain { attack: index });
            }
        } else {
            self.schedule(t + dwell, EvKind::Encrypt { attack: index });
        }
    }

    /// The payload: every compromised service is encrypted and restored
    /// from its last clean backup (no failover: the replica is encrypted
    /// too).
    fn encrypt(&mut self, plan: &SimPlan, attack: u32, t: f64) {
        let a = std::mem::take(&mut self.attacks[attack as usize]);
        let cause = a.threat + 1;
        let mut encrypted = 0;
        for &(svc, at) in &a.compromised {
            if self.damage[svc as usize] == Damage::Destroyed {
                continue;
            }
            let immutable = plan.services[svc as usize].immutable;
            let clean_before = (a.backups_compromised && !immutable).then_some(a.start + at);
            self.damage(plan, svc, t, cause, Damage::Destroyed);
            self.recover_destroyed(plan, svc, t, cause, false, clean_before);
            encrypted += 1;
        }
        self.attacks[attack as usize] = Attack { encrypted, ..a };
    }

    /// A detected attack: the compromised services are isolated for the
    /// containment outage, then resume.
    fn contain(&mut self, plan: &SimPlan, attack: u32, t: f64) {
        let threat = self.attacks[attack as usize].threat;
        let ThreatPlanKind::Ransomware(r) = &plan.threats[threat as usize].kind else {
            return;
        };
        let Some(outage) = &r.containment_outage else {
            return;
        };
        let d = self.threat_draw(plan, threat, Purpose::Duration, outage);
        let victims: Vec<u32> = self.attacks[attack as usize]
            .compromised
            .iter()
            .map(|c| c.0)
            .collect();
        for svc in victims {
            self.block(plan, svc, t, threat + 1);
            self.schedule(t + d, EvKind::ContainmentEnd { svc });
        }
    }
}
