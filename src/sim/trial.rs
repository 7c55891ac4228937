//! One trial: failures, threats and recovery over the horizon, in two
//! steps.
//!
//! 1. A discrete-event simulation of each service's *own* state: random
//!    failures and repairs, the crew queue, outages and restarts, disasters
//!    and failovers, ransomware spread, encryption and restores. A service
//!    is stopped by itself while anything blocks it (damage, an outage, a
//!    restart, isolation); each such stretch becomes an own down interval.
//!    The only place where dependencies matter during the events is the
//!    dependency-ordered restore, which asks whether the hard dependencies
//!    are functional *now* (memoised per dispatch).
//! 2. In dependency order, each node's functional down intervals: for a
//!    service, the union of the own segments of itself and of everything it
//!    hard-depends on (kept as a row of bits over the trial's segments, its
//!    own OR its dependencies' rows); for a group, the stretches with at
//!    least n − need + 1 members down ([`super::intervals`]). Each
//!    service's outages, costs and lost revenue are booked from its
//!    intervals as soon as they are known.
//!
//! Splitting the two keeps the hot loop on flat, sorted arrays: a failure
//! deep in the stack costs one interval, not a walk over every service above
//! it at each change. Events at equal times run in the order they were
//! scheduled (the queue breaks ties by push order), so a trial is a pure
//! function of its streams.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Range;

use crate::model::dist::unit_open;
use crate::model::Dist;
use crate::stats::acc::SERVICE_BITS;
use crate::stats::{hist, Accumulator};

use super::clock::{on_grid, open_end};
use super::compile::{Hot, SimPlan, ThreatPlanKind, HOURS_PER_YEAR};
use super::intervals::{
    at_least, decode_bits, select_bits, union_bits, union_into, union_many, Iv,
};
use super::queue::Queue;
use super::rng::{self, Purpose, Stream};
use super::streams::Streams;

/// Trials whose per-service figures are buffered before they reach the
/// accumulator (see [`Trial::finish`]).
pub const PENDING: usize = 32;

/// The most events one trial may handle. A trial of a 10 000-service estate
/// handles about a million; one that needs twenty times that is a scenario
/// that cannot be simulated in useful time or memory (a failure every few
/// seconds, a rate drawn from a heavy tail), and the run fails with what
/// caused it rather than hang or exhaust memory.
pub const EVENT_BUDGET: u64 = 20_000_000;

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
    /// Arrival number: the last tie-break of the crew queue.
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
    /// Services that resume at one instant, `unblocks[from..to]`: the
    /// restarts after an outage that end together (every service of a site
    /// with the same fixed restart time), or the end of a containment.
    ///
    /// One event stands for the run of single unblocks that its scheduler
    /// would have queued back to back at this time: they would pop back to
    /// back too (equal times pop in push order, and nothing was pushed
    /// between them), so unblocking them in one go, in the same order,
    /// changes nothing but the queue's work.
    Unblock {
        from: u32,
        to: u32,
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
}

/// What a trial books for one service, kept together so that booking an
/// outage touches one cache line.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    downtime: f64,
    /// Σ duration² over the trial's outages (Σ duration is the downtime).
    downtime_sq: f64,
    data_loss: f64,
    loss: f64,
    outages: u32,
    rto_met: u32,
    breached: bool,
}

/// Books one outage of `d` hours ending at `end` into `tally`, all but
/// its costs ([`settle`] books those); returns whether it breached the
/// MTPD.
#[inline(always)]
fn count_outage(p: &Hot, h: f64, d: f64, end: f64, tally: &mut Tally) -> bool {
    tally.downtime += d;
    tally.downtime_sq += d * d;
    tally.outages += 1;
    // An outage still open at the horizon (it ends past it, see
    // `clock::open_end`) has not ended, so it has not ended within the
    // RTO; one that ends exactly at the horizon has.
    tally.rto_met += u32::from(d <= p.rto && end <= h);
    let breached = d > p.mtpd;
    tally.breached |= breached;
    breached
}

/// One cause's part in one service's outages of a trial: the outages it
/// started (each carries the fixed cost, and the MTPD penalty if it
/// breached) and the hours of the segments it caused (they carry the lost
/// revenue).
#[derive(Debug, Clone, Copy, Default)]
struct Share {
    outages: u32,
    breaches: u32,
    hours: f64,
}

/// Books a service's outage costs and lost revenue, cause by cause in
/// cause order, into its tally and the causes' losses, and empties
/// `shares`. Only `shares[..touched]` may be non-empty.
///
/// Summing per cause first keeps the booking of each outage free of
/// floating-point chains through memory; the order is fixed, so the
/// result is as deterministic as booking outage by outage.
fn settle(
    p: &Hot,
    shares: &mut [Share],
    touched: usize,
    tally: &mut Tally,
    cause_loss: &mut [f64],
) {
    for (c, share) in shares[..touched].iter_mut().enumerate() {
        if share.outages > 0 || share.hours > 0.0 {
            let loss = f64::from(share.outages) * p.cost_per_outage
                + f64::from(share.breaches) * p.mtpd_penalty
                + p.revenue_per_hour * share.hours;
            tally.loss += loss;
            cause_loss[c] += loss;
        }
        *share = Share::default();
    }
}

/// A distinct segment of a trial as the booking of a row reads it, worked
/// out once per trial so that each of its outages costs few operations:
/// its span, its duration and the duration's bucket key, and whether
/// random failures caused it.
#[derive(Debug, Clone, Copy, Default)]
struct SegInfo {
    start: f64,
    end: f64,
    /// Its duration d and d², side by side, added as a pair.
    hours: [f64; 2],
    /// d if random failures caused it, else 0 (which adds nothing).
    failure_hours: f64,
    /// d, or NaN if it is still open at the horizon (an open outage has
    /// not ended within the RTO, and NaN compares false).
    rto_hours: f64,
    key: u16,
    failure: bool,
}

/// What [`sum_apart`] sums over a row's segments.
///
/// In C layout, with fields that the caller adds into neighbouring tally
/// fields (shortest and longest, outages and RTO met) apart: written one
/// by one, as a pair they would be read back as one wider load, which
/// waits for the stores to drain instead of taking them forwarded.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Apart {
    shortest: f64,
    downtime: f64,
    downtime_sq: f64,
    /// Segments that random failures caused, and their hours.
    failure_hours: f64,
    longest: f64,
    /// How many segments other causes caused (listed by `sum_apart`).
    others: usize,
    outages: u32,
    breaches: u32,
    rto_met: u32,
    failures: u32,
}

/// The outages of a row (`picked`, its segments' indices into `segs`, in
/// order), if its segments are apart (each starts after the one before it
/// ends, so each is one outage): downtime, RTO and MTPD counts, random
/// failures' share, the shortest and the longest; each duration's bucket
/// key is appended to `keys`, and the segments of other causes are listed
/// at the start of `others`. `None` (with the keys appended all the same)
/// if two segments overlap or touch.
///
/// One pass with per-segment figures worked out once per trial, in a
/// function of its own with few live values, so that every sum stays in a
/// register.
#[inline(never)]
fn sum_apart(
    picked: &[u32],
    segs: &[SegInfo],
    p: &Hot,
    keys: &mut Vec<u16>,
    others: &mut Vec<u32>,
) -> Option<Apart> {
    let from = keys.len();
    keys.resize(from + picked.len(), 0);
    let keys = &mut keys[from..];
    if others.len() < picked.len() {
        others.resize(picked.len(), 0);
    }
    let (rto, mtpd) = (p.rto, p.mtpd);
    let mut a = Apart {
        downtime: 0.0,
        downtime_sq: 0.0,
        outages: picked.len() as u32,
        rto_met: 0,
        breaches: 0,
        failures: 0,
        failure_hours: 0.0,
        others: 0,
        shortest: f64::INFINITY,
        longest: 0.0,
    };
    let mut last_end = f64::NEG_INFINITY;
    let mut apart = true;
    // No branch on the data: the checks and the per-cause split are
    // selects and sums of per-segment figures (a segment of another cause
    // adds +0 to the failure hours), so that the loop runs without
    // mispredictions.
    for (&k, key) in picked.iter().zip(keys) {
        let seg = segs[k as usize];
        *key = seg.key;
        apart &= seg.start > last_end;
        last_end = seg.end;
        let [d, d2] = seg.hours;
        a.downtime += d;
        a.downtime_sq += d2;
        // An outage still open at the horizon has not ended within the
        // RTO (as in `count_outage`).
        a.rto_met += u32::from(seg.rto_hours <= rto);
        a.breaches += u32::from(d > mtpd);
        a.shortest = if d < a.shortest { d } else { a.shortest };
        a.longest = if d > a.longest { d } else { a.longest };
        a.failures += u32::from(seg.failure);
        a.failure_hours += seg.failure_hours;
        // Every segment is written, only other causes' are kept.
        others[a.others] = k;
        a.others += usize::from(!seg.failure);
    }
    apart.then_some(a)
}

/// `bits` row `into` |= row `from` (rows of `w` words, `into` ≠ `from`).
#[inline]
fn or_row(bits: &mut [u64], w: usize, into: usize, from: usize) {
    debug_assert_ne!(into, from);
    let (to, by) = if into < from {
        let (lo, hi) = bits.split_at_mut(from * w);
        (&mut lo[into * w..(into + 1) * w], &hi[..w])
    } else {
        let (lo, hi) = bits.split_at_mut(into * w);
        (&mut hi[..w], &lo[from * w..(from + 1) * w])
    };
    for (a, b) in to.iter_mut().zip(by.iter()) {
        *a |= b;
    }
}

/// One service's outage durations in [`Trial::keys`].
#[derive(Debug, Clone, Default)]
struct Booked {
    keys: std::ops::Range<u32>,
    lo: f64,
    hi: f64,
}

/// Marks "none" in segment indices.
const NONE: u32 = u32::MAX;

/// One own down segment of one service.
#[derive(Debug, Clone, Copy)]
struct Seg {
    iv: Iv,
    svc: u32,
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
    // Own state of each service: how many things stop it by itself
    // (damage, outages, restarts, isolation).
    own: Vec<u32>,
    /// Every own down segment of the trial, in order of start (segments
    /// open as the event loop reaches their start); an open one ends at
    /// NaN until it closes.
    segs: Vec<Seg>,
    /// Per service: its open segment (while `own > 0`) and its last
    /// closed one (`NONE` before the first).
    own_open: Vec<u32>,
    own_last: Vec<u32>,
    /// After the loop: the distinct live segments, sorted by start, and
    /// each segment's index among them (`NONE` for empty ones).
    distinct: Vec<Iv>,
    canon: Vec<u32>,
    same_start: Vec<u32>,
    /// The set bits of the row being booked ([`Trial::book_bits`]).
    picked: Vec<u32>,
    /// Per distinct segment: what booking a row reads of it.
    seg_info: Vec<SegInfo>,
    /// The segments of a row booked apart that random failures did not
    /// cause ([`sum_apart`]; past the count, garbage).
    others: Vec<u32>,
    /// Per node, `words` bits: which distinct segments stop it (its own
    /// and, for a service, every hard dependency's).
    bits: Vec<u64>,
    /// Per node: intervals that reach it through groups (a group's own
    /// k-of-n stretches are not segments, so they travel as lists).
    via_groups: Vec<Vec<Iv>>,
    /// Functional down intervals of the nodes that keep them
    /// ([`SimPlan::keep_list`]), and of every group.
    down_iv: Vec<Vec<Iv>>,
    scratch: Vec<Iv>,
    /// Unmerged intervals of one node (or an outage's later segments).
    raw: Vec<Iv>,
    sweep: Vec<(f64, i32, u32)>,
    cap_events: Vec<(f64, i32, u32, u32)>,
    /// Memo of "functional now" for the dependency-order check.
    memo_epoch: Vec<u32>,
    memo_value: Vec<bool>,
    epoch: u32,
    // Service state.
    damage: Vec<Damage>,
    gen: Vec<u32>,
    /// Per service: when its pending random failure happens (+∞ when none
    /// is pending), and the time to failure left while its failure clock
    /// is paused (NaN when it is not). The clock runs only while the
    /// service is not stopped by itself ([`Trial::block`]).
    fail_at: Vec<f64>,
    life_left: Vec<f64>,
    job_running: Vec<bool>,
    backup_phase: Vec<f64>,
    /// Per service: its lifetime, repair, restore, restart and failover
    /// streams ([`svc_slot`]).
    svc_streams: Streams,
    // Per-trial results, one record per service.
    tally: Vec<Tally>,
    cause_loss: Vec<f64>,
    /// Per cause: its share in the outages of the service being booked
    /// ([`settle`]).
    shares: Vec<Share>,
    cause_occ: Vec<u32>,
    // Threats.
    /// Per threat: its duration, cost, attack, spread and backup
    /// compromise streams ([`threat_slot`]).
    threat_streams: Streams,
    pub(crate) attacks: Vec<Attack>,
    // Sites.
    site_outage: Vec<u32>,
    site_destroyed: Vec<bool>,
    // Scheduling.
    /// Pending events by time, then in the order they were scheduled.
    queue: Queue<EvKind>,
    /// The services of the trial's [`EvKind::Unblock`] events.
    unblocks: Vec<u32>,
    /// Jobs queued so far in the trial (a job's arrival number).
    seq: u64,
    waiting: Vec<Job>,
    free_crews: u32,
    dispatch_needed: bool,
    /// Per service: the first draw of its lifetime stream in this trial
    /// (scratch of [`Trial::schedule_first_failures`]).
    first_draws: Vec<f64>,
    /// Earliest compromise time per service while an attack spreads.
    reach: Vec<f64>,
    /// Per service: the durations of its outages since the end of the last
    /// batch of trials, counted by histogram bucket in 16 bits (see
    /// [`hist::Batch`]).
    outage_batch: Vec<hist::Batch>,
    /// Per service: its downtimes of the trials moved since the end of
    /// the last batch, counted in the same way.
    downtime_batch: Vec<hist::Batch>,
    /// The bucket keys ([`hist::compact`]) of the trial's outages, service
    /// by service in booking order, and per service where its keys are;
    /// counted into the batches once every service is booked.
    keys: Vec<u16>,
    booked: Vec<Booked>,
    /// Trials booked but not yet moved into the accumulator, and their
    /// tallies, trial-major (a trial's are copied in one go).
    pending: usize,
    pend: Vec<Tally>,
    recording: bool,
    /// Book lists that are not kept straight from their bits
    /// ([`Trial::book_bits`]); tests switch it off to compare.
    fused: bool,
    /// Random failures run (annual mode); a drill has none, not even after
    /// a recovery restarts a service's failure clock.
    failures: bool,
    records: Vec<Record>,
    /// Hours of data lost per service in the last trial (kept when
    /// recording).
    data_lost: Vec<f64>,
}

impl Trial {
    pub fn new(plan: &SimPlan) -> Trial {
        let n = plan.node_count();
        let s = plan.n_services;
        let c = plan.threats.len() + 1;
        Trial {
            key: 0,
            horizon: plan.horizon,
            own: vec![0; s],
            segs: Vec::new(),
            own_open: vec![NONE; s],
            own_last: vec![NONE; s],
            distinct: Vec::new(),
            canon: Vec::new(),
            same_start: Vec::new(),
            picked: Vec::new(),
            seg_info: Vec::new(),
            others: Vec::new(),
            bits: Vec::new(),
            via_groups: vec![Vec::new(); n],
            down_iv: vec![Vec::new(); n],
            scratch: Vec::new(),
            raw: Vec::new(),
            sweep: Vec::new(),
            cap_events: Vec::new(),
            memo_epoch: vec![0; n],
            memo_value: vec![false; n],
            epoch: 0,
            damage: vec![Damage::Up; s],
            gen: vec![0; s],
            fail_at: vec![f64::INFINITY; s],
            life_left: vec![f64::NAN; s],
            job_running: vec![false; s],
            backup_phase: vec![f64::NAN; s],
            svc_streams: Streams::new(s),
            tally: vec![Tally::default(); s],
            cause_loss: vec![0.0; c],
            shares: vec![Share::default(); c],
            cause_occ: vec![0; c],
            threat_streams: Streams::new(plan.threats.len()),
            attacks: Vec::new(),
            site_outage: vec![0; plan.n_sites],
            site_destroyed: vec![false; plan.n_sites],
            queue: Queue::default(),
            unblocks: Vec::new(),
            seq: 0,
            waiting: Vec::new(),
            free_crews: plan.crews,
            dispatch_needed: false,
            first_draws: Vec::with_capacity(s),
            reach: vec![f64::INFINITY; s],
            outage_batch: vec![hist::Batch::default(); s],
            downtime_batch: vec![hist::Batch::default(); s],
            keys: Vec::new(),
            booked: vec![Booked::default(); s],
            pending: 0,
            pend: vec![Tally::default(); s * PENDING],
            recording: false,
            fused: true,
            failures: true,
            records: Vec::new(),
            data_lost: vec![0.0; s],
        }
    }

    fn reset(&mut self, plan: &SimPlan, seed: u64, trial: u64) {
        self.key = rng::trial_key(seed, trial);
        self.own.fill(0);
        self.segs.clear();
        self.own_last.fill(NONE);
        self.damage.fill(Damage::Up);
        self.gen.fill(0);
        self.fail_at.fill(f64::INFINITY);
        self.life_left.fill(f64::NAN);
        self.job_running.fill(false);
        self.backup_phase.fill(f64::NAN);
        self.svc_streams.clear();
        self.tally.fill(Tally::default());
        self.cause_loss.fill(0.0);
        self.cause_occ.fill(0);
        self.threat_streams.clear();
        self.attacks.clear();
        self.site_outage.fill(0);
        self.site_destroyed.fill(false);
        self.queue.clear();
        self.unblocks.clear();
        self.seq = 0;
        self.waiting.clear();
        self.free_crews = plan.crews;
        self.dispatch_needed = false;
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

    /// Hours of data lost per service in the last trial, when recording
    /// is on.
    pub fn data_loss(&self) -> &[f64] {
        &self.data_lost
    }

    #[inline]
    fn mark(&mut self, t: f64, svc: u32, mark: Mark) {
        if self.recording {
            self.records.push(Record { t, svc, mark });
        }
    }

    // ---- random streams -------------------------------------------------

    /// A service's stream for one purpose, created on first use.
    #[inline]
    fn svc_stream(&mut self, plan: &SimPlan, svc: u32, purpose: Purpose) -> &mut Stream {
        let entity = plan.services[svc as usize].key;
        self.svc_streams
            .get(svc as usize, svc_slot(purpose), self.key, entity, purpose)
    }

    /// A draw from a service's stream.
    #[inline]
    fn draw(&mut self, plan: &SimPlan, svc: u32, purpose: Purpose, dist: &Dist) -> f64 {
        dist.sample(self.svc_stream(plan, svc, purpose))
    }

    /// A draw from a service's stream that serves `dist` alone (repair,
    /// restart; lifetimes do the same in [`Trial::schedule_failure`]): a
    /// fixed value is returned without making the
    /// stream, since its draws would not change the value and nothing else
    /// reads that stream. (Restore and rebuild share a stream, and so do
    /// the failover draws: those go through [`Trial::draw`].)
    #[inline]
    fn draw_own(&mut self, plan: &SimPlan, svc: u32, purpose: Purpose, dist: &Dist) -> f64 {
        match *dist {
            Dist::Fixed(v) => v,
            _ => self.draw(plan, svc, purpose, dist),
        }
    }

    /// A uniform draw from a service's failover stream.
    fn failover_unit(&mut self, plan: &SimPlan, svc: u32) -> f64 {
        unit_open(self.svc_stream(plan, svc, Purpose::Failover))
    }

    /// A threat's stream for one purpose, created on first use.
    fn threat_stream(&mut self, plan: &SimPlan, threat: u32, purpose: Purpose) -> &mut Stream {
        let entity = plan.threats[threat as usize].key;
        self.threat_streams.get(
            threat as usize,
            threat_slot(purpose),
            self.key,
            entity,
            purpose,
        )
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

    /// Queue an event at `t`, put on the clock's grid (see [`super::clock`]),
    /// if it happens within the horizon. An event that ends something (a
    /// repair, a switchover, a restart, an outage) still happens at exactly
    /// the horizon: what ends there has ended. One that starts something
    /// there would start a stretch of no length, and is dropped.
    fn schedule(&mut self, t: f64, kind: EvKind) {
        let t = on_grid(t);
        let ends = matches!(
            kind,
            EvKind::JobDone { .. }
                | EvKind::SwitchoverDone { .. }
                | EvKind::Unblock { .. }
                | EvKind::OutageEnd { .. }
        );
        if t < self.horizon || (ends && t == self.horizon) {
            self.queue.push(t, kind);
        }
    }

    /// Schedule the unblock at `t` of the services `unblocks[from..]` (if
    /// any), as one [`EvKind::Unblock`].
    fn schedule_unblocks(&mut self, t: f64, from: usize) {
        let to = self.unblocks.len();
        if from < to {
            let (from, to) = (from as u32, to as u32);
            self.schedule(t, EvKind::Unblock { from, to });
        }
    }

    // ---- own state ---------------------------------------------------------

    /// One more thing stops `svc` by itself (damage, an outage, a restart,
    /// isolation). Dependents are worked out after the event loop, from
    /// the intervals.
    ///
    /// A service fails at random only while it is not stopped by itself:
    /// an outage, a restart or isolation pauses its failure clock (a
    /// damage cancels it: the recovery starts a new one).
    fn block(&mut self, svc: u32, t: f64, cause: u32) {
        let i = svc as usize;
        self.own[i] += 1;
        if self.own[i] == 1 {
            self.open_own(i, t, cause);
            if self.fail_at[i] < f64::INFINITY && self.damage[i] == Damage::Up {
                self.life_left[i] = self.fail_at[i] - t;
                self.fail_at[i] = f64::INFINITY;
                // The pending failure event no longer counts.
                self.gen[i] += 1;
            }
        }
    }

    /// Open an own down segment of service `i` at `t`. A segment that
    /// closed at this instant with the same cause reopens instead (an
    /// unblock and a new block at one instant are one outage), so each
    /// service's segments are disjoint and never touch with one cause.
    fn open_own(&mut self, i: usize, t: f64, cause: u32) {
        let last = self.own_last[i];
        if last != NONE {
            let seg = &mut self.segs[last as usize];
            if seg.iv.end == t && seg.iv.cause == cause {
                seg.iv.end = f64::NAN;
                self.own_open[i] = last;
                return;
            }
        }
        self.own_open[i] = self.segs.len() as u32;
        self.segs.push(Seg {
            iv: Iv {
                start: t,
                end: f64::NAN,
                cause,
            },
            svc: i as u32,
        });
    }

    /// One thing fewer stops `svc`; at zero its own down interval closes.
    fn unblock(&mut self, svc: u32, t: f64) {
        let i = svc as usize;
        self.own[i] -= 1;
        if self.own[i] == 0 {
            self.close_own(i, t);
            if !self.life_left[i].is_nan() && self.damage[i] == Damage::Up {
                // The failure clock resumes where it paused.
                let at = on_grid(t + self.life_left[i]);
                self.life_left[i] = f64::NAN;
                self.fail_at[i] = at;
                let gen = self.gen[i];
                self.schedule(at, EvKind::Failure { svc, gen });
            }
            // A dependency-ordered restore may be waiting for this one.
            if !self.waiting.is_empty() {
                self.dispatch_needed = true;
            }
        }
    }

    /// Close the open own segment of service `i` at `t` (an empty one
    /// stays in the list, and is skipped after the loop).
    fn close_own(&mut self, i: usize, t: f64) {
        let id = self.own_open[i];
        self.segs[id as usize].iv.end = t;
        self.own_last[i] = id;
    }

    /// Whether `node` is functional at the current instant of the event
    /// loop, from the own states (memoised for one dispatch).
    fn functional_now(&mut self, plan: &SimPlan, node: u32) -> bool {
        let i = node as usize;
        if self.memo_epoch[i] == self.epoch {
            return self.memo_value[i];
        }
        let deps = plan.hard_deps.row(i);
        let value = if i < plan.n_services {
            self.own[i] == 0 && deps.iter().all(|&d| self.functional_now(plan, d))
        } else {
            let down = deps
                .iter()
                .filter(|&&d| !self.functional_now(plan, d))
                .count() as u32;
            down < plan.threshold[i]
        };
        self.memo_epoch[i] = self.epoch;
        self.memo_value[i] = value;
        value
    }
}

// ---- damage, crews and recovery ------------------------------------------

impl Trial {
    /// A random failure, a destruction or an encryption damages a service.
    fn damage(&mut self, svc: u32, t: f64, cause: u32, to: Damage) {
        let i = svc as usize;
        // Damaged: no failure clock runs until it is recovered.
        self.fail_at[i] = f64::INFINITY;
        self.life_left[i] = f64::NAN;
        if to == Damage::Destroyed && self.damage[i] != Damage::Destroyed {
            // A destruction decides how long the service stays down from
            // now on: whatever stopped it before is charged only until now.
            self.own_split(svc, t, cause);
        }
        match self.damage[i] {
            Damage::Up => {
                self.damage[i] = to;
                self.gen[i] += 1;
                self.block(svc, t, cause);
            }
            Damage::Failed if to == Damage::Destroyed => {
                self.cancel_job(svc);
                self.damage[i] = to;
                self.gen[i] += 1;
            }
            _ => {}
        }
    }

    /// End the current own down segment of `svc` at `t` and start a new
    /// one with `cause`, when it is down for another cause: one outage,
    /// two segments, each charged to its own cause.
    fn own_split(&mut self, svc: u32, t: f64, cause: u32) {
        let i = svc as usize;
        if self.own[i] > 0 && self.segs[self.own_open[i] as usize].iv.cause != cause {
            self.close_own(i, t);
            self.open_own(i, t, cause);
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

    /// Whether a waiting job may start now: repairs always; restores and
    /// rebuilds in dependency order only once every hard dependency is
    /// functional.
    fn eligible(&mut self, plan: &SimPlan, job: Job) -> bool {
        job.kind == JobKind::Repair
            || !plan.dependency_order
            || plan
                .hard_deps
                .row(job.svc as usize)
                .iter()
                .all(|&d| self.functional_now(plan, d))
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
        let duration = if purpose == Purpose::Repair {
            self.draw_own(plan, job.svc, purpose, dist)
        } else {
            self.draw(plan, job.svc, purpose, dist)
        };
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
        // Own states do not change during a dispatch: one memo serves all.
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.memo_epoch.fill(0);
            self.epoch = 1;
        }
        if self.free_crews == u32::MAX {
            let mut k = 0;
            while k < self.waiting.len() {
                let job = self.waiting[k];
                if self.eligible(plan, job) {
                    self.waiting.remove(k);
                    self.start(plan, job, t);
                } else {
                    k += 1;
                }
            }
            return;
        }
        while self.free_crews > 0 && !self.waiting.is_empty() {
            let mut best: Option<usize> = None;
            for k in 0..self.waiting.len() {
                let job = self.waiting[k];
                if !self.eligible(plan, job) {
                    continue;
                }
                best = match best {
                    Some(b) if !before(plan, &job, &self.waiting[b]) => Some(b),
                    _ => Some(k),
                };
            }
            let Some(b) = best else { break };
            // Most often the job is the last one, queued at this instant:
            // dropped without reading it back whole (its fields were just
            // stored one by one, and a wide reload would wait for them).
            let job = self.waiting[b];
            if b + 1 == self.waiting.len() {
                self.waiting.truncate(b);
            } else {
                self.waiting.swap_remove(b);
            }
            self.start(plan, job, t);
        }
    }

    /// Back up after a repair, restore, rebuild or switchover.
    fn recovered(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        let i = svc as usize;
        self.damage[i] = Damage::Up;
        self.gen[i] += 1;
        self.unblock(svc, t);
        if self.failures {
            self.schedule_failure(plan, svc, t);
        }
    }

    /// The next failure of `svc`, up at `t`. A draw past
    /// [`ServicePlan::ttf_past_horizon`] gives a time to failure of at least
    /// the horizon, so a failure at or after it from any `t` >= 0, which
    /// [`Trial::schedule`] would drop: its time is not computed.
    ///
    /// [`ServicePlan::ttf_past_horizon`]: super::compile::ServicePlan::ttf_past_horizon
    fn schedule_failure(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        let p = &plan.services[svc as usize];
        if let Some(ttf) = &p.ttf {
            let life = match *ttf {
                Dist::Fixed(v) => v,
                _ => {
                    let u = unit_open(self.svc_stream(plan, svc, Purpose::Lifetime));
                    if u >= p.ttf_past_horizon {
                        return;
                    }
                    ttf.quantile(u)
                }
            };
            let i = svc as usize;
            if self.own[i] > 0 {
                // Still stopped by itself (an outage outlasted the
                // repair): the clock starts when it resumes.
                self.life_left[i] = life;
                return;
            }
            let at = on_grid(t + life);
            self.fail_at[i] = at;
            let gen = self.gen[i];
            self.schedule(at, EvKind::Failure { svc, gen });
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
    /// [`ServicePlan::ttf_past_horizon`]: super::compile::ServicePlan::ttf_past_horizon
    fn schedule_first_failures(&mut self, plan: &SimPlan) {
        let mut first = std::mem::take(&mut self.first_draws);
        first.clear();
        for (svc, p) in plan.services.iter().enumerate() {
            first.push(if p.ttf.is_some() {
                unit_open(self.svc_stream(plan, svc as u32, Purpose::Lifetime))
            } else {
                f64::INFINITY
            });
        }
        for (svc, (p, &u)) in plan.services.iter().zip(&first).enumerate() {
            if let (Some(ttf), true) = (&p.ttf, u < p.ttf_past_horizon) {
                let gen = self.gen[svc];
                let failure = EvKind::Failure {
                    svc: svc as u32,
                    gen,
                };
                let at = on_grid(0.0 + ttf.quantile(u));
                self.fail_at[svc] = at;
                self.schedule(at, failure);
            }
        }
        self.first_draws = first;
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
        self.tally[i].data_loss += hours;
        let cost = hours * plan.services[i].data_loss_cost_per_hour;
        self.tally[i].loss += cost;
        self.cause_loss[cause as usize] += cost;
    }
}

/// Where a service keeps its stream for `purpose` in [`Trial::svc_streams`].
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

/// Where a threat keeps its stream for `purpose` in
/// [`Trial::threat_streams`].
#[inline]
fn threat_slot(purpose: Purpose) -> usize {
    match purpose {
        Purpose::Duration => 0,
        Purpose::Cost => 1,
        Purpose::Attack => 2,
        Purpose::Spread => 3,
        _ => 4,
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
                    // Validation holds rate distributions to the cap by
                    // their 1-in-a-billion value; the rest is capped here.
                    d.sample(&mut s).min(crate::model::MAX_RATE_PER_YEAR) / HOURS_PER_YEAR
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

    fn handle(&mut self, plan: &SimPlan, t: f64, kind: EvKind) {
        match kind {
            EvKind::Failure { svc, gen } => {
                if self.gen[svc as usize] == gen && self.damage[svc as usize] == Damage::Up {
                    self.cause_occ[FAILURES as usize] += 1;
                    self.damage(svc, t, FAILURES, Damage::Failed);
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
            EvKind::Unblock { from, to } => {
                for k in from as usize..to as usize {
                    let svc = self.unblocks[k];
                    self.unblock(svc, t);
                }
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
                    self.block(svc, t, threat + 1);
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
                // Restarts that end at the same time as the one before
                // join its batch (bit for bit: the queue orders times by
                // their bits). Unblocking the others now pushes nothing,
                // so a batch's restarts would have been queued back to
                // back.
                let mut batch = (f64::NAN, self.unblocks.len());
                for &svc in targets {
                    match &plan.services[svc as usize].restart {
                        Some(restart) => {
                            let end =
                                on_grid(t + self.draw_own(plan, svc, Purpose::Restart, restart));
                            if end.to_bits() != batch.0.to_bits() {
                                self.schedule_unblocks(batch.0, batch.1);
                                batch = (end, self.unblocks.len());
                            }
                            self.unblocks.push(svc);
                        }
                        None => self.unblock(svc, t),
                    }
                }
                // Past the horizon they are still restarting at the end.
                self.schedule_unblocks(batch.0, batch.1);
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
                    self.damage(svc, t, threat + 1, Damage::Destroyed);
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
                self.schedule_first_failures(plan);
                self.schedule_threats(plan);
            }
            Mode::Drill(threat) => {
                self.failures = false;
                self.schedule_occurrence(plan, threat, 0.0);
            }
        }
        let mut events = 0u64;
        while let Some((t, kind)) = self.queue.pop() {
            events += 1;
            if events > plan.event_budget {
                let message = self.budget_message(plan, trial, t);
                acc.overflowed(trial, message);
                break;
            }
            self.handle(plan, t, kind);
            // Dispatch once every event of this instant has been handled.
            if self.dispatch_needed && self.queue.peek_time().is_none_or(|next| next > t) {
                self.dispatch(plan, t);
            }
        }
        self.close(plan, acc);
        self.flush(plan, trial, acc)
    }

    /// What broke the event budget in trial `trial`, stopped at `t`: the
    /// service that went down most often by itself, or the threat that
    /// occurred most often, with the numbers and the fix.
    fn budget_message(&self, plan: &SimPlan, trial: u64, t: f64) -> String {
        let mut downs = vec![0u64; plan.n_services];
        for seg in &self.segs {
            downs[seg.svc as usize] += 1;
        }
        let (svc, most_downs) = downs
            .iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
            .map_or((0, 0), |(i, &n)| (i, n));
        let (threat, most_occ) = self.cause_occ[1..]
            .iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
            .map_or((0, 0), |(i, &n)| (i, u64::from(n)));
        let head = format!(
            "trial {trial} stopped after {} events, {t:.1} hours into the horizon (the most one \
             trial may handle)",
            plan.event_budget
        );
        if most_occ > most_downs {
            format!(
                "{head}: threat \"{}\" occurred {most_occ} times in it; lower its rate_per_year \
                 (a rate distribution with a narrower range, such as Pert(min: 0.1, mode: 1, \
                 max: 10))",
                plan.threat_ids[threat]
            )
        } else {
            format!(
                "{head}: service \"{}\" went down {most_downs} times in it; check its \
                 failure (a longer mtbf or ttf) and the threats that target it",
                plan.service_ids[svc]
            )
        }
    }

    /// After the event loop: close the own segments at the horizon, work
    /// out every node's functional down intervals in dependency order
    /// (unions for services, k-of-n counts for groups), and book each
    /// service's outages and lost revenue.
    ///
    /// A service is down while any segment of its closure is: its own, or
    /// a hard dependency's, transitively. Segments are indexed by start;
    /// a service's set is a row of bits, its own OR its dependencies'
    /// rows, and only that final set is merged into intervals, rather than
    /// merging the dependencies' merged lists again at every level. A
    /// group's k-of-n stretches are new intervals, not segments: they reach
    /// the services above the group as lists (`via_groups`).
    ///
    /// # Complexity
    /// O(N·w + Σ m) for N nodes, w = ⌈distinct segments / 64⌉ words and
    /// m set bits per service; groups sort their members' endpoints.
    fn close(&mut self, plan: &SimPlan, acc: &mut Accumulator) {
        let h = self.horizon;
        let s = plan.n_services;
        // Still stopped at the horizon: open, ending past it (durations are
        // taken to the horizon).
        let open = open_end(h);
        for i in 0..s {
            if self.own[i] > 0 {
                self.close_own(i, open);
            }
        }
        self.index_segments();
        self.seg_info.clear();
        self.seg_info.extend(self.distinct.iter().map(|iv| {
            let d = iv.end.min(h) - iv.start;
            let failure = iv.cause == FAILURES;
            SegInfo {
                start: iv.start,
                end: iv.end,
                hours: [d, d * d],
                failure_hours: if failure { d } else { 0.0 },
                rto_hours: if iv.end > h { f64::NAN } else { d },
                key: hist::compact(SERVICE_BITS, d),
                failure,
            }
        }));
        let w = self.distinct.len().div_ceil(64);
        self.bits.clear();
        self.bits.resize(plan.node_count() * w, 0);
        for (seg, &c) in self.segs.iter().zip(&self.canon) {
            if c != NONE {
                self.bits[seg.svc as usize * w + c as usize / 64] |= 1 << (c % 64);
            }
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut raw = std::mem::take(&mut self.raw);
        let mut late = false;
        for &node in &plan.order {
            let i = node as usize;
            let deps = plan.hard_deps.row(i);
            if i >= s {
                let mut out = std::mem::take(&mut self.down_iv[i]);
                let members: Vec<&[Iv]> = deps
                    .iter()
                    .map(|&d| self.down_iv[d as usize].as_slice())
                    .collect();
                at_least(&members, plan.threshold[i], &mut self.sweep, &mut out);
                self.down_iv[i] = out;
                continue;
            }
            // The row is built in place: its own bits OR its dependencies'
            // rows (no copies: at a few words a row, a copy is mostly the
            // cost of calling memcpy).
            let mut through_groups = false;
            for &d in deps {
                let d = d as usize;
                if d < s {
                    or_row(&mut self.bits, w, i, d);
                    through_groups |= !self.via_groups[d].is_empty();
                } else {
                    through_groups = true;
                }
            }
            let row = i * w..(i + 1) * w;
            let mut via = std::mem::take(&mut self.via_groups[i]);
            via.clear();
            if through_groups {
                let lists: Vec<&[Iv]> = deps
                    .iter()
                    .map(|&d| {
                        let d = d as usize;
                        if d < s {
                            self.via_groups[d].as_slice()
                        } else {
                            self.down_iv[d].as_slice()
                        }
                    })
                    .collect();
                union_many(&lists, &mut via);
            }
            if self.fused && via.is_empty() && !plan.keep_list[i] && !self.recording {
                // Not kept, not late (that implies kept), not recorded: book
                // the outages as the union goes, without writing it out.
                debug_assert!(!plan.book_late[i]);
                self.via_groups[i] = via;
                self.book_bits(plan, i, row, &mut raw);
                continue;
            }
            let mut out = if plan.keep_list[i] {
                std::mem::take(&mut self.down_iv[i])
            } else {
                std::mem::take(&mut scratch)
            };
            if via.is_empty() {
                union_bits(&self.bits[row], &self.distinct, &mut out);
            } else {
                select_bits(&self.bits[row], &self.distinct, &mut raw);
                union_into(&raw, &via, &mut out);
            }
            self.via_groups[i] = via;
            if plan.book_late[i] {
                late = true;
            } else {
                self.book(plan, i, &out);
            }
            if plan.keep_list[i] {
                self.down_iv[i] = out;
            } else {
                scratch = out;
            }
        }
        if late {
            for svc in (0..s).filter(|&i| plan.book_late[i]) {
                let down = std::mem::take(&mut self.down_iv[svc]);
                self.book(plan, svc, &down);
                self.down_iv[svc] = down;
            }
        }
        self.count_durations(acc);
        self.scratch = scratch;
        self.raw = raw;
        if self.recording {
            self.records.sort_by(|a, b| a.t.total_cmp(&b.t));
            for (d, t) in self.data_lost.iter_mut().zip(&self.tally) {
                *d = t.data_loss;
            }
        }
    }

    /// Index the trial's segments: `distinct` gets each distinct non-empty
    /// one in order of start (segments equal in start, end and cause, as a
    /// site outage gives every service of the site, count once; equal
    /// starts are ordered by cause, then end, so the earliest-listed cause
    /// wins a tie), and `canon` each segment's place there.
    fn index_segments(&mut self) {
        let segs = &self.segs;
        self.canon.clear();
        self.canon.resize(segs.len(), NONE);
        self.distinct.clear();
        let mut i = 0;
        while i < segs.len() {
            let start = segs[i].iv.start;
            let mut j = i + 1;
            while j < segs.len() && segs[j].iv.start == start {
                j += 1;
            }
            debug_assert!(j == segs.len() || segs[j].iv.start > start);
            if j == i + 1 {
                if segs[i].iv.end > start {
                    self.canon[i] = self.distinct.len() as u32;
                    self.distinct.push(segs[i].iv);
                }
                i = j;
                continue;
            }
            self.same_start.clear();
            self.same_start
                .extend((i..j).filter(|&k| segs[k].iv.end > start).map(|k| k as u32));
            self.same_start.sort_unstable_by(|&a, &b| {
                let (x, y) = (&segs[a as usize].iv, &segs[b as usize].iv);
                x.cause
                    .cmp(&y.cause)
                    .then(x.end.total_cmp(&y.end))
                    .then(a.cmp(&b))
            });
            let mut prev: Option<(u32, f64)> = None;
            for &k in &self.same_start {
                let iv = segs[k as usize].iv;
                if prev != Some((iv.cause, iv.end)) {
                    self.distinct.push(iv);
                    prev = Some((iv.cause, iv.end));
                }
                self.canon[k as usize] = self.distinct.len() as u32 - 1;
            }
            i = j;
        }
    }

    /// Book one service's outages: downtime, RTO and MTPD, costs, lost
    /// revenue (all of it while down, the capacity lost to soft
    /// dependencies while up).
    fn book(&mut self, plan: &SimPlan, svc: usize, down: &[Iv]) {
        let p = plan.hot[svc];
        let h = self.horizon;
        // Local copies: the compiler cannot tell the tally from the cause
        // sums, and would otherwise store and reload it at every outage.
        let mut tally = self.tally[svc];
        let mut durations = std::mem::take(&mut self.keys);
        let from = durations.len();
        let (mut shortest, mut longest) = (f64::INFINITY, 0.0);
        let mut shares = std::mem::take(&mut self.shares);
        let mut touched = 0;
        // An outage is a chain of touching segments; each segment's lost
        // revenue goes to its own cause, the outage's fixed costs to the
        // cause that started it.
        let mut k = 0;
        while k < down.len() {
            let first = down[k];
            let mut end = first.end;
            let mut last = k;
            while last + 1 < down.len() && down[last + 1].start == end {
                last += 1;
                end = down[last].end;
            }
            let d = end.min(h) - first.start;
            let breached = count_outage(&p, h, d, end, &mut tally);
            let share = &mut shares[first.cause as usize];
            share.outages += 1;
            share.breaches += u32::from(breached);
            for seg in &down[k..=last] {
                shares[seg.cause as usize].hours += seg.end.min(h) - seg.start;
                touched = touched.max(seg.cause as usize + 1);
            }
            durations.push(hist::compact(SERVICE_BITS, d));
            shortest = if d < shortest { d } else { shortest };
            longest = if d > longest { d } else { longest };
            if self.recording {
                self.records.push(Record {
                    t: first.start,
                    svc: svc as u32,
                    mark: Mark::Down,
                });
                if end <= h {
                    self.records.push(Record {
                        t: end,
                        svc: svc as u32,
                        mark: Mark::Up,
                    });
                }
            }
            k = last + 1;
        }
        settle(&p, &mut shares, touched, &mut tally, &mut self.cause_loss);
        self.shares = shares;
        self.tally[svc] = tally;
        self.keys = durations;
        self.note_durations(svc, from, shortest, longest);
        let soft = plan.soft_deps.row(svc);
        if p.revenue_per_hour > 0.0 && (!soft.is_empty() || self.recording) {
            self.degrade(plan, svc, down);
        }
    }

    /// [`Trial::book`] of the union of the intervals of `self.distinct`
    /// whose bits are set in `row` (as [`union_bits`] builds it), fused
    /// with building it: each run of the union is booked as it completes.
    /// Only for a service booked in its turn whose list is not kept and
    /// with recording off (no records, no degradation). The same
    /// floating-point operations in the same order as `book`.
    ///
    /// Most rows need no merging at all: on a large estate a service's
    /// segments rarely overlap or touch, so each is one outage. Such a row
    /// takes a straight loop, with random failures' shares in registers;
    /// the others the general merge.
    fn book_bits(&mut self, plan: &SimPlan, svc: usize, row: Range<usize>, extra: &mut Vec<Iv>) {
        let p = plan.hot[svc];
        let h = self.horizon;
        let mut durations = std::mem::take(&mut self.keys);
        let from = durations.len();
        let (mut shortest, mut longest);
        let mut shares = std::mem::take(&mut self.shares);
        let mut touched = 0;
        let mut decoded = std::mem::take(&mut self.picked);
        let ivs = self.distinct.as_slice();
        let count = decode_bits(&self.bits[row], &mut decoded);
        let picked = &decoded[..count];
        let mut others = std::mem::take(&mut self.others);
        if let Some(a) = sum_apart(picked, &self.seg_info, &p, &mut durations, &mut others) {
            shortest = a.shortest;
            longest = a.longest;
            // The first booking of the trial: the sums start at zero. The
            // tally is written in place: a copy read back whole after
            // narrow writes would wait on store forwarding.
            let tally = &mut self.tally[svc];
            debug_assert_eq!(tally.outages, 0);
            tally.downtime += a.downtime;
            tally.downtime_sq += a.downtime_sq;
            tally.outages += a.outages;
            tally.rto_met += a.rto_met;
            tally.breached |= a.breaches > 0;
            // Threats' shares segment by segment (few), random failures'
            // from the sums: their breaches are what the others leave.
            let mut failure_breaches = a.breaches;
            for &k in &others[..a.others] {
                let k = k as usize;
                let seg = &self.seg_info[k];
                let d = seg.hours[0];
                let breached = u32::from(d > p.mtpd);
                failure_breaches -= breached;
                let cause = ivs[k].cause as usize;
                let share = &mut shares[cause];
                share.outages += 1;
                share.breaches += breached;
                share.hours += d;
                touched = touched.max(cause + 1);
            }
            if a.failures > 0 {
                shares[FAILURES as usize] = Share {
                    outages: a.failures,
                    breaches: failure_breaches,
                    hours: a.failure_hours,
                };
                touched = touched.max(FAILURES as usize + 1);
            }
        } else {
            durations.truncate(from);
            (shortest, longest) = (f64::INFINITY, 0.0);
            // A local copy: the compiler cannot tell the tally from the
            // cause sums, and would otherwise store and reload it at every
            // outage.
            let mut tally = self.tally[svc];
            extra.clear();
            // The run of the union being merged (the `Runs` rule).
            let mut run = Iv {
                start: 0.0,
                end: 0.0,
                cause: 0,
            };
            let mut in_run = false;
            // The outage being chained: its first segment, its end so far;
            // its further segments are in `extra`.
            let mut first = run;
            let mut end = 0.0;
            let mut in_outage = false;
            // Random failures' share in registers (most segments are
            // theirs), with its hours summed in the same order as the
            // others' in `shares`.
            let mut failures = Share::default();
            macro_rules! close_outage {
                () => {
                    let d = end.min(h) - first.start;
                    let breached = count_outage(&p, h, d, end, &mut tally);
                    let share = if first.cause == FAILURES {
                        &mut failures
                    } else {
                        &mut shares[first.cause as usize]
                    };
                    share.outages += 1;
                    share.breaches += u32::from(breached);
                    for seg in std::iter::once(&first).chain(extra.iter()) {
                        let hours = seg.end.min(h) - seg.start;
                        if seg.cause == FAILURES {
                            failures.hours += hours;
                        } else {
                            shares[seg.cause as usize].hours += hours;
                            touched = touched.max(seg.cause as usize + 1);
                        }
                    }
                    extra.clear();
                    durations.push(hist::compact(SERVICE_BITS, d));
                    shortest = if d < shortest { d } else { shortest };
                    longest = if d > longest { d } else { longest };
                };
            }
            // A completed run: it continues the outage if it touches it.
            macro_rules! complete_run {
                () => {
                    if in_outage && run.start == end {
                        extra.push(run);
                        end = run.end;
                    } else {
                        if in_outage {
                            close_outage!();
                        }
                        first = run;
                        end = run.end;
                        in_outage = true;
                    }
                };
            }
            for &k in picked {
                let iv = ivs[k as usize];
                if in_run {
                    if iv.start < run.end || (iv.start == run.end && iv.cause == run.cause) {
                        if iv.end > run.end {
                            run.end = iv.end;
                        }
                        continue;
                    }
                    complete_run!();
                }
                run = iv;
                in_run = true;
            }
            if in_run {
                complete_run!();
            }
            if in_outage {
                close_outage!();
            }
            if failures.outages > 0 || failures.hours > 0.0 {
                shares[FAILURES as usize] = failures;
                touched = touched.max(FAILURES as usize + 1);
            }
            self.tally[svc] = tally;
        }
        settle(
            &p,
            &mut shares,
            touched,
            &mut self.tally[svc],
            &mut self.cause_loss,
        );
        self.shares = shares;
        self.picked = decoded;
        self.others = others;
        self.keys = durations;
        self.note_durations(svc, from, shortest, longest);
    }

    /// Note that `svc`'s outage durations of this trial are the keys from
    /// `from` on, with this min and max.
    fn note_durations(&mut self, svc: usize, from: usize, lo: f64, hi: f64) {
        self.booked[svc] = Booked {
            keys: from as u32..self.keys.len() as u32,
            lo,
            hi,
        };
    }

    /// Count every booked service's outage durations of the trial into its
    /// batch, absorbing a batch into its histogram first if it has no room
    /// for them. One loop over all services, in order, after booking, so
    /// that the cache misses of many batches overlap.
    fn count_durations(&mut self, acc: &mut Accumulator) {
        for (svc, b) in self.booked.iter_mut().enumerate() {
            if !b.keys.is_empty() {
                let keys = &self.keys[b.keys.start as usize..b.keys.end as usize];
                acc.services[svc].outage_hist.add_via(
                    &mut self.outage_batch[svc],
                    keys,
                    b.lo,
                    b.hi,
                );
                b.keys = 0..0;
            }
        }
        self.keys.clear();
    }

    /// Revenue capacity over the trial: 0 while down, else the product of
    /// the capacities kept by the soft dependencies that are down. Books
    /// the revenue lost while up and degraded (attributed to the cause of
    /// the latest degradation), and records capacity changes.
    fn degrade(&mut self, plan: &SimPlan, svc: usize, down: &[Iv]) {
        const OWN: u32 = u32::MAX;
        let revenue = plan.hot[svc].revenue_per_hour;
        let soft = plan.soft_deps.row(svc);
        let mut events = std::mem::take(&mut self.cap_events);
        events.clear();
        // Stretches open at the horizon end past it: cut them there.
        let h = self.horizon;
        for iv in down {
            events.push((iv.start, 1, OWN, iv.cause));
            events.push((iv.end.min(h), -1, OWN, iv.cause));
        }
        for (k, &(node, _)) in soft.iter().enumerate() {
            for iv in &self.down_iv[node as usize] {
                events.push((iv.start, 1, k as u32, iv.cause));
                events.push((iv.end.min(h), -1, k as u32, iv.cause));
            }
        }
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut active = vec![0u32; soft.len()];
        let mut own_down = 0u32;
        let (mut t_prev, mut cap_prev, mut cause) = (0.0, 1.0, 0u32);
        let factor = |active: &[u32]| -> f64 {
            soft.iter()
                .zip(active)
                .filter(|(_, &a)| a > 0)
                .map(|((_, c), _)| c)
                .product()
        };
        for &(t, delta, kind, c) in &events {
            if own_down == 0 && t > t_prev {
                let lost = revenue * (1.0 - factor(&active)) * (t - t_prev);
                if lost > 0.0 {
                    self.tally[svc].loss += lost;
                    self.cause_loss[cause as usize] += lost;
                }
            }
            if kind == OWN {
                own_down = own_down.wrapping_add_signed(delta);
            } else {
                let a = &mut active[kind as usize];
                *a = a.wrapping_add_signed(delta);
                if delta > 0 {
                    cause = c;
                }
            }
            let cap = if own_down > 0 { 0.0 } else { factor(&active) };
            if self.recording && cap != cap_prev {
                self.records.push(Record {
                    t,
                    svc: svc as u32,
                    mark: Mark::Capacity(cap),
                });
            }
            cap_prev = cap;
            t_prev = t;
        }
        self.cap_events = events;
    }

    /// Book the trial: its per-service figures wait in a buffer of up to
    /// [`PENDING`] trials (see [`Trial::finish`]); threat figures and the
    /// annual loss go straight to `acc`.
    fn flush(&mut self, plan: &SimPlan, trial: u64, acc: &mut Accumulator) -> f64 {
        let s = plan.n_services;
        let k = self.pending;
        self.pend[k * s..(k + 1) * s].copy_from_slice(&self.tally);
        self.pending += 1;
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
        if self.pending == PENDING {
            self.move_pending(plan, acc);
        }
        total
    }

    /// Move everything buffered into `acc`: the pending trials' figures
    /// and the outage durations' and downtimes' batches. Call it after the
    /// last trial of a batch (a chunk).
    ///
    /// Buffering is for speed: a large estate's per-service accumulators do
    /// not fit in cache, so each is visited once per [`PENDING`] trials,
    /// and each outage-duration and downtime histogram once per batch,
    /// instead of once per trial or per outage.
    pub fn finish(&mut self, plan: &SimPlan, acc: &mut Accumulator) {
        self.move_pending(plan, acc);
        for (batch, a) in self.outage_batch.iter_mut().zip(&mut acc.services) {
            a.outage_hist.absorb(batch);
        }
        for (batch, a) in self.downtime_batch.iter_mut().zip(&mut acc.services) {
            a.downtime_hist.absorb(batch);
        }
    }

    /// Move the pending trials' per-service figures into `acc`; `flush`
    /// calls it whenever the buffer is full.
    fn move_pending(&mut self, plan: &SimPlan, acc: &mut Accumulator) {
        let s = plan.n_services;
        for i in 0..s {
            let a = &mut acc.services[i];
            let (mut outages, mut rto_met, mut breached) = (0u64, 0u64, 0u64);
            // Most trials lose no data: their zeros go in at once.
            let mut no_data_lost = 0u64;
            // Downtimes are counted into a 16-bit batch, as outage
            // durations are: the histograms would miss the cache a count.
            let mut downtimes = [0u16; PENDING];
            let (mut shortest, mut longest) = (f64::INFINITY, 0.0_f64);
            for (k, key) in downtimes[..self.pending].iter_mut().enumerate() {
                let t = &self.pend[k * s + i];
                // Outage durations enter the mean and standard error per
                // trial, as sums: identical in any order, and one exact
                // addition per trial instead of one per outage.
                if t.downtime > 0.0 {
                    a.outage_duration.add_batch(0, t.downtime, t.downtime_sq);
                }
                a.downtime.add(t.downtime);
                *key = hist::compact(SERVICE_BITS, t.downtime);
                shortest = shortest.min(t.downtime);
                longest = longest.max(t.downtime);
                if t.data_loss == 0.0 {
                    no_data_lost += 1;
                } else {
                    a.data_loss.add(t.data_loss);
                    a.data_loss_hist.add(t.data_loss);
                }
                a.loss.add(t.loss);
                outages += u64::from(t.outages);
                rto_met += u64::from(t.rto_met);
                breached += u64::from(t.breached);
            }
            a.downtime_hist.add_via(
                &mut self.downtime_batch[i],
                &downtimes[..self.pending],
                shortest,
                longest,
            );
            a.data_loss.add_zeros(no_data_lost);
            a.data_loss_hist.add_n(0.0, no_data_lost);
            a.outage_duration.add_batch(outages, 0.0, 0.0);
            a.outages += outages;
            a.rto_met += rto_met;
            a.mtpd_breached += breached;
        }
        self.pending = 0;
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
        for &(svc, _) in &a.compromised {
            if self.damage[svc as usize] == Damage::Destroyed {
                continue;
            }
            let immutable = plan.services[svc as usize].immutable;
            // Backups taken during the dwell are unusable: the restore goes
            // back to the last backup before the attack began.
            let clean_before = (a.backups_compromised && !immutable).then_some(a.start);
            self.damage(svc, t, cause, Damage::Destroyed);
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
        let from = self.unblocks.len();
        let victims = self.attacks[attack as usize].compromised.iter();
        self.unblocks.extend(victims.map(|c| c.0));
        for k in from..self.unblocks.len() {
            let svc = self.unblocks[k];
            self.block(svc, t, threat + 1);
        }
        self.schedule_unblocks(t + d, from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::intervals::normal_form;

    /// An estate with every way down can travel: nested groups, a group
    /// above services above a group, soft dependencies, fixed and random
    /// restarts (identical segments across a site, and near-identical
    /// ones), failover and restores after a disaster, frequent failures.
    const ESTATE: &str = r#"Scenario(name: "reference", horizon: "1y",
        sites: [Site(id: "a"), Site(id: "b")],
        services: [
            Service(id: "net", site: "a", failure: (mtbf: "900h", repair: Exponential(mean: "6h")), restart: Fixed("10m")),
            Service(id: "x", site: "a", depends_on: ["net"], failure: (mtbf: "300h", repair: Exponential(mean: "20h")), restart: Fixed("10m")),
            Service(id: "y", site: "b", failure: (mtbf: "300h", repair: Exponential(mean: "20h")), restart: LogNormal(median: "20m", p90: "1h")),
            Service(id: "z", site: "a", failure: (mtbf: "300h", repair: Exponential(mean: "20h")), restart: Fixed("10m"),
                backup: (interval: "4h", restore: Exponential(mean: "12h"))),
            Service(id: "db", site: "a", depends_on: ["pair"], failure: (mtbf: "700h", repair: Fixed("3h")),
                failover: (site: "b", switchover: Fixed("1h"), success: 0.7),
                backup: (interval: "1h", restore: Fixed("8h")), restart: Fixed("10m")),
            Service(id: "cache", site: "b", failure: (mtbf: "200h", repair: Fixed("2h"))),
            Service(id: "app", site: "a", depends_on: ["cluster", "db"], degrades_on: [(service: "cache", capacity: 0.5)],
                revenue_per_hour: 100, failure: (mtbf: "500h", repair: Exponential(mean: "4h")), restart: Fixed("10m")),
            Service(id: "web", depends_on: ["app", "net"], degrades_on: [(service: "pair", capacity: 0.9)], revenue_per_hour: 10),
            Service(id: "top", depends_on: ["web", "cluster"], revenue_per_hour: 5),
        ],
        groups: [
            Group(id: "pair", members: ["y", "cache"], need: 1),
            Group(id: "cluster", members: ["x", "y", "z", "pair"], need: 3),
        ],
        threats: [
            Outage(id: "power-a", rate_per_year: 6, targets: [Site("a")], duration: Fixed("3h")),
            Outage(id: "power-b", rate_per_year: 6, targets: [Site("b")], duration: LogNormal(median: "2h", p90: "6h")),
            Disaster(id: "fire", rate_per_year: 1, targets: [Site("a")]),
        ],
        plan: Plan(crews: 2, restore_in_dependency_order: true),
    )"#;

    /// Outages (chains of touching intervals) as (start, end) pairs.
    fn chains(ivs: &[Iv]) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for x in ivs {
            match out.last_mut() {
                Some(last) if last.1 == x.start => last.1 = x.end,
                _ => out.push((x.start, x.end)),
            }
        }
        out
    }

    /// The engine's outages must equal those of the plain definition,
    /// computed from the trial's own segments: a service is down while it
    /// or any hard dependency is, a group while too few members are up.
    #[test]
    fn outages_match_the_definition_on_a_reference_estate() {
        let model = crate::scenario::parse_str(ESTATE).expect("valid");
        let plan = SimPlan::compile(&model);
        let mut trial = Trial::new(&plan);
        trial.set_recording(true);
        let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
        let mut outages = 0;
        for k in 0..300 {
            trial.run(&plan, Mode::Annual, 11, k, &mut acc);
            // The definition, list by list in dependency order.
            let mut down: Vec<Vec<Iv>> = vec![Vec::new(); plan.node_count()];
            for &node in &plan.order {
                let i = node as usize;
                let deps = plan.hard_deps.row(i);
                let mut out = Vec::new();
                if i < plan.n_services {
                    let normal = normal_form(
                        trial
                            .segs
                            .iter()
                            .filter(|s| s.svc as usize == i && s.iv.end > s.iv.start)
                            .map(|s| s.iv)
                            .collect(),
                    );
                    let mut lists: Vec<&[Iv]> = vec![&normal];
                    lists.extend(deps.iter().map(|&d| down[d as usize].as_slice()));
                    union_many(&lists, &mut out);
                } else {
                    let members: Vec<&[Iv]> =
                        deps.iter().map(|&d| down[d as usize].as_slice()).collect();
                    at_least(&members, plan.threshold[i], &mut Vec::new(), &mut out);
                }
                down[i] = out;
            }
            for (svc, list) in down.iter().enumerate().take(plan.n_services) {
                let mut recorded: Vec<(f64, f64)> = Vec::new();
                for r in trial.records().iter().filter(|r| r.svc as usize == svc) {
                    match r.mark {
                        Mark::Down => recorded.push((r.t, plan.horizon)),
                        Mark::Up => recorded.last_mut().expect("down before up").1 = r.t,
                        _ => {}
                    }
                }
                recorded.sort_by(|a, b| a.0.total_cmp(&b.0));
                // Stretches still open end just past the horizon.
                let expected: Vec<(f64, f64)> = chains(list)
                    .into_iter()
                    .map(|(a, b)| (a, b.min(plan.horizon)))
                    .collect();
                assert_eq!(recorded, expected, "trial {k}, service {svc}");
                outages += recorded.len();
            }
        }
        trial.finish(&plan, &mut acc);
        // The estate is busy enough for the comparison to mean something.
        assert!(outages > 300 * 9 * 5, "{outages}");
    }

    /// The fused booking ([`Trial::book_bits`]) books exactly what the
    /// list-then-book path does, bit for bit, on the reference estate and
    /// on a generated one.
    #[test]
    fn histograms_do_not_depend_on_when_batches_are_absorbed() {
        // "busy" has ~21 000 outages a trial, so its 16-bit batch fills up
        // within a few trials and is absorbed mid-chunk; "frantic" has
        // ~88 000, more than a batch holds, and goes straight in.
        let src = r#"Scenario(name: "busy", horizon: "1y",
            sites: [Site(id: "a")],
            services: [
                Service(id: "busy", site: "a", failure: (mtbf: "20m", repair: Exponential(mean: "5m"))),
                Service(id: "frantic", site: "a", failure: (mtbf: "5m", repair: Exponential(mean: "1m"))),
                Service(id: "top", depends_on: ["busy"], revenue_per_hour: 1),
            ],
            plan: Plan(crews: 3),
        )"#;
        let model = crate::scenario::parse_str(src).expect("valid");
        let plan = SimPlan::compile(&model);
        let trials = 5;
        let run = |absorb_each_trial: bool| {
            let mut trial = Trial::new(&plan);
            let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
            for k in 0..trials {
                trial.run(&plan, Mode::Annual, 3, k, &mut acc);
                if absorb_each_trial {
                    trial.finish(&plan, &mut acc);
                }
            }
            trial.finish(&plan, &mut acc);
            acc
        };
        let (once, each) = (run(false), run(true));
        let room = usize::from(u16::MAX) as u64;
        let (busy, frantic) = (&once.services[0], &once.services[1]);
        assert!(busy.outages > room && busy.outages < room * trials / 2);
        assert!(frantic.outages > room * trials);
        for (i, (a, b)) in once.services.iter().zip(&each.services).enumerate() {
            assert_eq!(a.outages, b.outages, "service {i}");
            assert_eq!(a.outage_hist.count(), a.outages, "service {i}");
            assert!(a.outage_hist == b.outage_hist, "service {i}");
            assert_eq!(a.downtime_hist.count(), trials, "service {i}");
            assert!(a.downtime_hist == b.downtime_hist, "service {i}");
        }
    }

    #[test]
    fn fused_booking_matches_booking_the_list() {
        let generated = crate::sim::generate::layered(200, 5).expect("valid");
        // With lost revenue on a service booked fused, whose outages a
        // disaster splits into touching segments of two causes.
        let earning = ESTATE.replace(
            r#"Service(id: "net", site: "a","#,
            r#"Service(id: "net", site: "a", revenue_per_hour: 1,"#,
        );
        assert_ne!(earning, ESTATE);
        for (name, src, trials) in [
            ("earning", earning.as_str(), 1000),
            ("reference", ESTATE, 300),
            ("generated", generated.as_str(), 100),
        ] {
            let model = crate::scenario::parse_str(src).expect("valid");
            let plan = SimPlan::compile(&model);
            // Some services take the fused path.
            assert!((0..plan.n_services).any(|i| !plan.keep_list[i]));
            let run = |fused: bool| {
                let mut trial = Trial::new(&plan);
                trial.fused = fused;
                let mut acc = Accumulator::new(plan.n_services, plan.threats.len());
                for k in 0..trials {
                    trial.run(&plan, Mode::Annual, 7, k, &mut acc);
                }
                trial.finish(&plan, &mut acc);
                acc
            };
            let (fused, plain) = (run(true), run(false));
            assert!(fused == plain, "{name}");
        }
    }
}
