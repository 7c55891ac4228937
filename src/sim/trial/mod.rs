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
//!
//! # Where things are
//!
//! | module | concern |
//! |---|---|
//! | this one | the [`Trial`] and its parts, a trial's run from reset to flush |
//! | `own` | own state: blocks and unblocks, own down segments, the failure clock, "functional now" |
//! | `crews` | damage, the crew queue and its dispatch, recovery of destroyed services, data loss |
//! | `events` | the event kinds, scheduling, threat occurrences, the event handler |
//! | `ransomware` | an attack's spread, its payload and its containment |
//! | `book` | after the loop: segments indexed, unions in dependency order, booking a list, degradation |
//! | `outage` | the one rule that books an outage (a chain of touching segments) |
//! | `fused` | the fast booking of a bit row, fenced: equal to `outage`'s rule bit for bit |
//! | `flush` | the trial's figures into the accumulator: pending trials, duration batches |

mod book;
mod coupling;
mod crews;
mod dr;
mod events;
mod flush;
mod fused;
mod outage;
mod own;
mod ransomware;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_teams;

use crate::stats::Accumulator;

use super::compile::SimPlan;
use super::queue::Queue;
use super::rng;

use book::{Lists, SegIndex};
use crews::{Crews, Teams};
use dr::Dr;
use events::{EvKind, Threats};
use flush::Pending;
use fused::Rows;
use outage::{Ledger, Totals};
use own::{Memo, Own, Services};

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

/// Marks "none" in segment indices.
const NONE: u32 = u32::MAX;

/// What a trial simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every failure and threat over the horizon.
    Annual,
    /// One occurrence of this threat (index) at time zero, nothing else.
    Drill(u32),
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

/// Everything one trial writes, reused from trial to trial, in parts by
/// concern: each part is borrowed on its own, so a step that reads one
/// part while writing another needs no swaps.
pub struct Trial {
    /// The trial's key, from which every stream of the trial derives.
    key: u64,
    horizon: f64,
    /// During the events: how many things stop each service by itself,
    /// and its own down segments.
    own: Own,
    /// During the events: each service's damage, failure clock, job and
    /// streams.
    svcs: Services,
    /// Memo of "functional now" for the dependency-order check.
    memo: Memo,
    /// The crew queue.
    crews: Crews,
    /// The teams' crew queues (DESIGN-2 B4).
    teams: Teams,
    /// Threats' streams, sites' states and ransomware attacks in flight.
    threats: Threats,
    /// Common factors' multipliers and trigger streams (DESIGN-2 B2).
    links: coupling::Links,
    /// Pending events by time, then in the order they were scheduled.
    queue: Queue<EvKind>,
    /// The services of the trial's [`EvKind::Unblock`] events.
    unblocks: Vec<u32>,
    /// Per service: the first draw of its lifetime stream in this trial
    /// (scratch of [`Trial::schedule_first_failures`]).
    first_draws: Vec<f64>,
    /// The trial's results: per service, per cause.
    totals: Totals,
    /// After the loop: the distinct segments and each segment's place
    /// among them.
    index: SegIndex,
    /// After the loop: the bit rows and what the fast booking reads.
    rows: Rows,
    /// After the loop: the nodes' interval lists and their scratch.
    lists: Lists,
    /// The booking's scratch: per-cause shares, duration keys.
    ledger: Ledger,
    /// Trials booked but not yet in the accumulator, and the batches.
    pending: Pending,
    recording: bool,
    /// Book lists that are not kept straight from their bits
    /// ([`fused::book_bits`]); tests switch it off to compare.
    fused: bool,
    /// Random failures run (annual mode); a drill has none, not even after
    /// a recovery restarts a service's failure clock.
    failures: bool,
    records: Vec<Record>,
    /// Hours of data lost per service in the last trial (kept when
    /// recording).
    data_lost: Vec<f64>,
    /// The DR plan's state: moved services, DR invocation ([`dr`]).
    dr: Dr,
}

impl Trial {
    /// Scratch sized for `plan`, reused trial after trial.
    pub fn new(plan: &SimPlan) -> Trial {
        let n = plan.node_count();
        let s = plan.n_services;
        let c = plan.threats.len() + 1;
        Trial {
            key: 0,
            horizon: plan.horizon,
            own: Own::new(s),
            svcs: Services::new(s),
            memo: Memo::new(n),
            crews: Crews::new(plan.crews),
            teams: Teams::new(plan),
            threats: Threats::new(plan),
            links: coupling::Links::new(plan),
            queue: Queue::default(),
            unblocks: Vec::new(),
            first_draws: Vec::with_capacity(s),
            totals: Totals::new(s, c),
            index: SegIndex::default(),
            rows: Rows::default(),
            lists: Lists::new(n),
            ledger: Ledger::new(s, c),
            pending: Pending::new(s),
            recording: false,
            fused: true,
            failures: true,
            records: Vec::new(),
            data_lost: vec![0.0; s],
            dr: Dr::new(plan),
        }
    }

    fn reset(&mut self, plan: &SimPlan, seed: u64, trial: u64) {
        self.key = rng::trial_key(seed, trial);
        self.own.reset();
        self.svcs.reset();
        self.totals.reset();
        self.threats.reset();
        self.links.reset();
        self.queue.clear();
        self.unblocks.clear();
        self.crews.reset(plan.crews);
        self.teams.reset(plan);
        self.records.clear();
        if plan.dr.any {
            self.dr.reset();
            self.memo.reset_moved();
        }
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
                if !plan.coupling.factors.is_empty() {
                    self.draw_factors(plan);
                }
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
            if !self.dr.touched.is_empty() || !self.dr.waiting.is_empty() {
                self.dr_after_event(plan, t);
            }
            // Dispatch once every event of this instant has been handled.
            if self.crews.dispatch_needed && self.queue.peek_time().is_none_or(|next| next > t) {
                self.dispatch(plan, t);
            }
        }
        self.close(plan, acc);
        self.flush(plan, trial, acc)
    }
}
