//! Each service's own state during the event loop: what stops it by
//! itself (blocks and unblocks), the own down segments those stretches
//! become, its failure clock, and whether a node is functional now.

use crate::model::dist::unit_open;
use crate::model::Dist;

use super::super::clock::on_grid;
use super::super::compile::SimPlan;
use super::super::intervals::Iv;
use super::super::rng::{self, Purpose, Stream};
use super::super::short::refill;
use super::super::streams::Streams;
use super::events::EvKind;
use super::{Trial, NONE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Damage {
    /// Not damaged (it may still be non-functional through a dependency
    /// or an outage).
    Up,
    /// A random failure: waiting for or under repair.
    Failed,
    /// Destroyed or encrypted: failing over, or waiting for or under
    /// restore or rebuild; or beyond recovery.
    Destroyed,
}

/// One own down segment of one service.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seg {
    pub(super) iv: Iv,
    pub(super) svc: u32,
}

/// What stops each service by itself, and the segments it gives.
pub(super) struct Own {
    /// Per service: how many things stop it by itself (damage, outages,
    /// restarts, isolation).
    pub(super) count: Vec<u32>,
    /// Every own down segment of the trial, in order of start (segments
    /// open as the event loop reaches their start); an open one ends at
    /// NaN until it closes.
    pub(super) segs: Vec<Seg>,
    /// Per service: its open segment (while `count > 0`) and its last
    /// closed one (`NONE` before the first).
    open: Vec<u32>,
    last: Vec<u32>,
    /// The occurrence that the event being handled belongs to: a segment
    /// opened now carries it ([`Iv::occ`]). Set by the handler of each
    /// event that opens segments.
    pub(super) occ: u32,
}

impl Own {
    pub(super) fn new(s: usize) -> Own {
        Own {
            count: vec![0; s],
            segs: Vec::new(),
            open: vec![NONE; s],
            last: vec![NONE; s],
            occ: 0,
        }
    }

    pub(super) fn reset(&mut self) {
        // A service is counted and has a last segment only once it has
        // been down: a trial without segments leaves both as they were.
        if !self.segs.is_empty() {
            refill(&mut self.count, 0);
            refill(&mut self.last, NONE);
        }
        self.segs.clear();
    }

    /// The occurrence of service `i`'s open segment, if it is stopped by
    /// itself; else the current one.
    pub(super) fn open_occ(&self, i: usize) -> u32 {
        if self.count[i] > 0 {
            self.segs[self.open[i] as usize].iv.occ
        } else {
            self.occ
        }
    }

    /// Open an own down segment of service `i` at `t`. A segment that
    /// closed at this instant with the same cause reopens instead (an
    /// unblock and a new block at one instant are one outage), so each
    /// service's segments are disjoint and never touch with one cause.
    fn open(&mut self, i: usize, t: f64, cause: u32) {
        let last = self.last[i];
        if last != NONE {
            let seg = &mut self.segs[last as usize];
            if seg.iv.end == t && seg.iv.cause == cause {
                seg.iv.end = f64::NAN;
                self.open[i] = last;
                return;
            }
        }
        self.open[i] = self.segs.len() as u32;
        self.segs.push(Seg {
            iv: Iv {
                start: t,
                end: f64::NAN,
                cause,
                occ: self.occ,
            },
            svc: i as u32,
        });
    }

    /// Close the open own segment of service `i` at `t` (an empty one
    /// stays in the list, and is skipped after the loop).
    pub(super) fn close(&mut self, i: usize, t: f64) {
        let id = self.open[i];
        self.segs[id as usize].iv.end = t;
        self.last[i] = id;
    }

    /// End the current own down segment of service `i` at `t` and start a
    /// new one with `cause`, when it is down for another cause: one
    /// outage, two segments, each charged to its own cause.
    pub(super) fn split(&mut self, i: usize, t: f64, cause: u32) {
        if self.count[i] > 0 && self.segs[self.open[i] as usize].iv.cause != cause {
            self.close(i, t);
            self.open(i, t, cause);
        }
    }
}

/// Each service's damage, failure clock, job and random streams.
pub(super) struct Services {
    pub(super) damage: Vec<Damage>,
    /// Per service: bumped whenever its pending events stop counting.
    pub(super) gen: Vec<u32>,
    /// Per service: when its pending random failure happens (+∞ when none
    /// is pending), and the time to failure left while its failure clock
    /// is paused (NaN when it is not). The clock runs only while the
    /// service is not stopped by itself ([`Trial::block`]).
    pub(super) fail_at: Vec<f64>,
    pub(super) life_left: Vec<f64>,
    pub(super) job_running: Vec<bool>,
    backup_phase: Vec<f64>,
    /// Per service: its lifetime, repair, restore, restart and failover
    /// streams ([`svc_slot`]).
    streams: Streams,
}

impl Services {
    pub(super) fn new(s: usize) -> Services {
        Services {
            damage: vec![Damage::Up; s],
            gen: vec![0; s],
            fail_at: vec![f64::INFINITY; s],
            life_left: vec![f64::NAN; s],
            job_running: vec![false; s],
            backup_phase: vec![f64::NAN; s],
            streams: Streams::new(s),
        }
    }

    pub(super) fn reset(&mut self) {
        refill(&mut self.damage, Damage::Up);
        refill(&mut self.gen, 0);
        refill(&mut self.fail_at, f64::INFINITY);
        refill(&mut self.life_left, f64::NAN);
        refill(&mut self.job_running, false);
        refill(&mut self.backup_phase, f64::NAN);
        self.streams.clear();
    }

    /// A service's stream for one purpose in the trial `key`, created on
    /// first use.
    #[inline]
    pub(super) fn stream(
        &mut self,
        plan: &SimPlan,
        key: u64,
        svc: u32,
        purpose: Purpose,
    ) -> &mut Stream {
        let entity = plan.services[svc as usize].key;
        self.streams
            .get(svc as usize, svc_slot(purpose), key, entity, purpose)
    }
}

/// Where a service keeps its stream for `purpose` in [`Services::stream`].
#[inline]
fn svc_slot(purpose: Purpose) -> usize {
    match purpose {
        Purpose::Lifetime => 0,
        Purpose::Repair => 1,
        Purpose::Restore => 2,
        Purpose::Restart => 3,
        _ => 4,
    }
}

/// Memo of "functional now", valid for one dispatch (one epoch).
pub(super) struct Memo {
    epoch: Vec<u32>,
    value: Vec<bool>,
    now: u32,
    /// Per service that has moved to its failover site: its hard
    /// dependencies are the standby's (empty without relocations).
    pub(super) moved: Vec<bool>,
}

impl Memo {
    pub(super) fn new(n: usize) -> Memo {
        Memo {
            epoch: vec![0; n],
            value: vec![false; n],
            now: 0,
            moved: Vec::new(),
        }
    }

    /// Every service at home again (a new trial).
    pub(super) fn reset_moved(&mut self) {
        self.moved.clear();
    }

    /// The hard dependencies of node `i` now: its standby's once it has
    /// moved to its failover site, its own otherwise.
    #[inline]
    pub(super) fn deps<'p>(&self, plan: &'p SimPlan, i: usize) -> &'p [u32] {
        match self.moved.get(i) {
            Some(true) => plan.services[i]
                .failover
                .as_ref()
                .and_then(|f| f.deps.as_deref())
                .unwrap_or(plan.hard_deps.row(i)),
            _ => plan.hard_deps.row(i),
        }
    }

    /// Forget every value: own states may have changed.
    pub(super) fn next_epoch(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.epoch.fill(0);
            self.now = 1;
        }
    }

    /// Whether `node` is functional at the current instant of the event
    /// loop, from the own counts (memoised for one epoch).
    pub(super) fn functional_now(&mut self, plan: &SimPlan, own: &[u32], node: u32) -> bool {
        self.functional_at(plan, own, node, 0)
    }

    /// [`Memo::functional_now`] at `depth` calls deep: past [`DEEP`], on
    /// an explicit stack (a chain of 60 000 hard dependencies overflowed
    /// the worker's stack when a restore waited on its top).
    fn functional_at(&mut self, plan: &SimPlan, own: &[u32], node: u32, depth: u32) -> bool {
        let i = node as usize;
        if self.epoch[i] == self.now {
            return self.value[i];
        }
        if depth >= DEEP {
            return self.functional_deep(plan, own, node);
        }
        let deps = self.deps(plan, i);
        let value = if i < plan.n_services {
            own[i] == 0
                && deps
                    .iter()
                    .all(|&d| self.functional_at(plan, own, d, depth + 1))
        } else {
            let down = deps
                .iter()
                .filter(|&&d| !self.functional_at(plan, own, d, depth + 1))
                .count() as u32;
            down < plan.threshold[i]
        };
        self.epoch[i] = self.now;
        self.value[i] = value;
        value
    }

    /// [`Memo::functional_now`] on an explicit stack: the same values, the
    /// dependencies looked at in the same order (a service stops at the
    /// first one down; a group counts them all).
    #[inline(never)]
    pub(super) fn functional_deep(&mut self, plan: &SimPlan, own: &[u32], node: u32) -> bool {
        // Per node being found: the node, its next dependency, and for a
        // group how many of them are down so far.
        let mut stack: Vec<(u32, usize, u32)> = vec![(node, 0, 0)];
        let mut done: Option<bool> = None;
        loop {
            let Some(top) = stack.last_mut() else {
                return done.unwrap_or(false);
            };
            let i = top.0 as usize;
            let service = i < plan.n_services;
            if let Some(v) = done.take() {
                // A dependency was found to be `v`.
                top.1 += 1;
                if !v {
                    top.2 += 1;
                }
            }
            let deps = self.deps(plan, i);
            let value = if service && (own[i] != 0 || top.2 > 0) {
                Some(false)
            } else if let Some(&d) = deps.get(top.1) {
                if self.epoch[d as usize] == self.now {
                    done = Some(self.value[d as usize]);
                } else {
                    stack.push((d, 0, 0));
                }
                None
            } else if service {
                Some(true)
            } else {
                Some(top.2 < plan.threshold[i])
            };
            if let Some(v) = value {
                self.epoch[i] = self.now;
                self.value[i] = v;
                stack.pop();
                done = Some(v);
            }
        }
    }
}

/// How deep [`Memo::functional_now`] calls itself before it goes on on an
/// explicit stack: far deeper than any estate's dependencies, far below
/// what a worker's stack holds.
const DEEP: u32 = 256;

// ---- random streams --------------------------------------------------------

impl Trial {
    /// A service's stream for one purpose, created on first use.
    #[inline]
    pub(super) fn svc_stream(&mut self, plan: &SimPlan, svc: u32, purpose: Purpose) -> &mut Stream {
        self.svcs.stream(plan, self.key, svc, purpose)
    }

    /// A draw from a service's stream.
    #[inline]
    pub(super) fn draw(&mut self, plan: &SimPlan, svc: u32, purpose: Purpose, dist: &Dist) -> f64 {
        dist.sample(self.svc_stream(plan, svc, purpose))
    }

    /// A draw from a service's stream that serves `dist` alone (repair,
    /// restart; lifetimes do the same in [`Trial::schedule_failure`]): a
    /// fixed value is returned without making the
    /// stream, since its draws would not change the value and nothing else
    /// reads that stream. (Restore and rebuild share a stream, and so do
    /// the failover draws: those go through [`Trial::draw`].)
    #[inline]
    pub(super) fn draw_own(
        &mut self,
        plan: &SimPlan,
        svc: u32,
        purpose: Purpose,
        dist: &Dist,
    ) -> f64 {
        match *dist {
            Dist::Fixed(v) => v,
            _ => self.draw(plan, svc, purpose, dist),
        }
    }

    /// A uniform draw from a service's failover stream.
    pub(super) fn failover_unit(&mut self, plan: &SimPlan, svc: u32) -> f64 {
        unit_open(self.svc_stream(plan, svc, Purpose::Failover))
    }

    /// The phase of a service's backups in this trial, drawn on first use.
    pub(super) fn backup_phase(&mut self, plan: &SimPlan, svc: u32, interval: f64) -> f64 {
        let i = svc as usize;
        let phase = &mut self.svcs.backup_phase[i];
        if phase.is_nan() {
            let mut s = rng::stream(self.key, plan.services[i].key, Purpose::BackupPhase);
            *phase = unit_open(&mut s) * interval;
        }
        *phase
    }
}

// ---- blocks, unblocks and the failure clock ----------------------------------

impl Trial {
    /// One more thing stops `svc` by itself (damage, an outage, a restart,
    /// isolation). Dependents are worked out after the event loop, from
    /// the intervals.
    ///
    /// A service fails at random only while it is not stopped by itself:
    /// an outage, a restart or isolation pauses its failure clock (a
    /// damage cancels it: the recovery starts a new one).
    pub(super) fn block(&mut self, svc: u32, t: f64, cause: u32) {
        let i = svc as usize;
        self.own.count[i] += 1;
        if self.dr.watched.get(i) == Some(&true) {
            self.dr.touched.push((svc, cause, self.own.occ));
        }
        if self.own.count[i] == 1 {
            self.own.open(i, t, cause);
            let v = &mut self.svcs;
            if v.fail_at[i] < f64::INFINITY && v.damage[i] == Damage::Up {
                v.life_left[i] = v.fail_at[i] - t;
                v.fail_at[i] = f64::INFINITY;
                // The pending failure event no longer counts.
                v.gen[i] += 1;
            }
        }
    }

    /// One thing fewer stops `svc`; at zero its own down interval closes.
    pub(super) fn unblock(&mut self, svc: u32, t: f64) {
        let i = svc as usize;
        if self.dr.stale.get(i).is_some_and(|&n| n > 0) {
            // A block from home (an outage, a restart), left behind by a
            // switchover.
            self.dr.stale[i] -= 1;
            return;
        }
        self.release(svc, t);
    }

    /// [`Trial::unblock`] of a block that is surely current: a damage's,
    /// released by its recovery.
    pub(super) fn release(&mut self, svc: u32, t: f64) {
        let i = svc as usize;
        if self.dr.watched.get(i) == Some(&true) {
            self.dr.touched.push((svc, NONE, 0));
        }
        self.own.count[i] -= 1;
        if self.own.count[i] == 0 {
            self.own.close(i, t);
            let v = &mut self.svcs;
            if !v.life_left[i].is_nan() && v.damage[i] == Damage::Up {
                // The failure clock resumes where it paused.
                let at = on_grid(t + v.life_left[i]);
                v.life_left[i] = f64::NAN;
                v.fail_at[i] = at;
                let gen = v.gen[i];
                let failure = EvKind::Failure { svc, gen };
                Trial::schedule_on_grid(&mut self.queue, self.horizon, at, failure);
            }
            // A dependency-ordered restore may be waiting for this one.
            if !self.crews.waiting.is_empty() {
                self.crews.dispatch_needed = true;
            }
            if self.teams.recheck() {
                self.crews.dispatch_needed = true;
            }
        }
    }

    /// The next failure of `svc`, up at `t`. A draw past
    /// [`ServicePlan::ttf_past_horizon`] gives a time to failure of at least
    /// the horizon, so a failure at or after it from any `t` >= 0, which
    /// [`Trial::schedule`] would drop: its time is not computed; nor is
    /// that of a draw past the bound for a lifetime started at `t`
    /// ([`super::reach`]), which ends past the horizon from `t`.
    ///
    /// [`ServicePlan::ttf_past_horizon`]: super::super::compile::ServicePlan::ttf_past_horizon
    pub(super) fn schedule_failure(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        let p = &plan.services[svc as usize];
        if let Some(ttf) = &p.ttf {
            let life = match *ttf {
                Dist::Fixed(v) => v,
                _ => {
                    let u = unit_open(self.svc_stream(plan, svc, Purpose::Lifetime));
                    let past = if self.skip_past {
                        self.reach.from(svc as usize, t)
                    } else {
                        p.ttf_past_horizon
                    };
                    if u >= past {
                        #[cfg(test)]
                        {
                            self.skipped_past += u64::from(u < p.ttf_past_horizon);
                        }
                        return;
                    }
                    ttf.quantile(u)
                }
            };
            let i = svc as usize;
            if self.own.count[i] > 0 {
                // Still stopped by itself (an outage outlasted the
                // repair): the clock starts when it resumes.
                self.svcs.life_left[i] = life;
                return;
            }
            let at = on_grid(t + life);
            self.svcs.fail_at[i] = at;
            let gen = self.svcs.gen[i];
            let failure = EvKind::Failure { svc, gen };
            Trial::schedule_on_grid(&mut self.queue, self.horizon, at, failure);
        }
    }

    /// [`Trial::schedule_failure`] at time zero for every service, at the
    /// start of a trial, in two passes.
    ///
    /// 1. Make every lifetime stream and take its first draw. Making a
    ///    stream is a chain of six dependent multiply-mix steps; with
    ///    nothing else in the loop, the processor overlaps the chains of
    ///    consecutive services instead of waiting on each.
    /// 2. Schedule the failures, in service order as before. A draw past
    ///    [`ServicePlan::ttf_past_horizon`] would give a failure at or after
    ///    the horizon, which is not scheduled, so its time is not computed
    ///    (most services do not fail in a year: this skips most of the
    ///    logarithms of a trial's start).
    ///
    /// [`ServicePlan::ttf_past_horizon`]: super::super::compile::ServicePlan::ttf_past_horizon
    pub(super) fn schedule_first_failures(&mut self, plan: &SimPlan) {
        let first = &mut self.first_draws;
        first.clear();
        for (svc, p) in plan.services.iter().enumerate() {
            first.push(if p.ttf.is_some() {
                let s = self
                    .svcs
                    .stream(plan, self.key, svc as u32, Purpose::Lifetime);
                unit_open(s)
            } else {
                f64::INFINITY
            });
        }
        for (svc, (p, &u)) in plan.services.iter().zip(&self.first_draws).enumerate() {
            if let (Some(ttf), true) = (&p.ttf, u < p.ttf_past_horizon) {
                let gen = self.svcs.gen[svc];
                let failure = EvKind::Failure {
                    svc: svc as u32,
                    gen,
                };
                let at = on_grid(0.0 + ttf.quantile(u));
                self.svcs.fail_at[svc] = at;
                Trial::schedule_on_grid(&mut self.queue, self.horizon, at, failure);
            }
        }
    }

    /// Whether `node` is functional at the current instant of the event
    /// loop, from the own states (memoised for one dispatch).
    pub(super) fn functional_now(&mut self, plan: &SimPlan, node: u32) -> bool {
        self.memo.functional_now(plan, &self.own.count, node)
    }
}
