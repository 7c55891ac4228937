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
//!    own OR its dependencies' rows, on a small trial, and as a sorted list
//!    of segments, its own merged with its dependencies', on a large one);
//!    for a group, the stretches with at
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
//! | `backups` | backups lost with their site (`backup.site`) |
//! | `events` | the event kinds, scheduling, threat occurrences, the event handler |
//! | `ransomware` | an attack's spread, its payload and its containment |
//! | `book` | after the loop: segments indexed, unions in dependency order, booking a list, degradation |
//! | `outage` | the one rule that books an outage (a chain of touching segments) |
//! | `fused` | the rows (bits or sorted lists: the segments that stop each service) and the fast booking of a row, fenced: equal to `outage`'s rule bit for bit |
//! | `flush` | the trial's figures into the accumulator: pending trials, duration batches |
//! | `reach` | per service and stretch of the horizon, the draw from which a lifetime surely ends past it, fenced |
//! | `insure` | with insurance: each occurrence's loss, paid by the policies |

mod backups;
mod book;
mod coupling;
mod crews;
mod degrade;
mod dr;
mod events;
mod flush;
mod fused;
mod insure;
mod outage;
mod own;
mod ransomware;
mod reach;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rows;
#[cfg(test)]
mod tests_teams;

use crate::stats::Accumulator;

use super::clock::on_grid;
use super::compile::SimPlan;
use super::queue::Queue;
use super::rng;
use crate::model::dist::unit_open;
use crate::model::time::HOURS_PER_WEEK;

use backups::Backups;
use book::{Lists, SegIndex};
use crews::{Crews, Teams};
use dr::Dr;
use events::{EvKind, Threats};
use flush::Pending;
use fused::Rows;
use outage::{Ledger, Totals};
use own::{Memo, Own, Services};
use reach::Reach;

/// Trials whose per-service figures are buffered before they reach the
/// accumulator (see [`Trial::finish`]).
pub(crate) const PENDING: usize = 32;

/// The most events one trial may handle. A trial of a 10 000-service estate
/// handles about a million; one that needs twenty times that is a scenario
/// that cannot be simulated in useful time or memory (a failure every few
/// seconds, a rate drawn from a heavy tail), and the run fails with what
/// caused it rather than hang or exhaust memory.
pub(crate) const EVENT_BUDGET: u64 = 20_000_000;

/// Cause index of random failures; threat k is cause k + 1.
pub(crate) const FAILURES: u32 = 0;

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

/// Which ransomware attacks a trial runs (DESIGN-2 A5): a drill of an
/// attack can be conditioned on its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outcome {
    /// Every attack as drawn: some are contained, some encrypt.
    #[default]
    All,
    /// Only attacks that are not contained (detection at or after the
    /// dwell): every one encrypts. In a drill, time zero is the
    /// encryption; the attack began its dwell earlier.
    Succeeding,
    /// Only attacks that are detected before they deploy.
    Contained,
}

/// The most redraws of an attack's dwell and detection in search of the
/// outcome asked for (see [`Outcome`]): a drill checks beforehand that the
/// outcome has a chance of at least [`MIN_OUTCOME_CHANCE`], so that running
/// out of redraws has a probability below e⁻¹⁰⁰⁰.
pub(crate) const MAX_REDRAWS: u32 = 1_000_000;

/// The smallest chance of the outcome asked for that a drill accepts.
pub(crate) const MIN_OUTCOME_CHANCE: f64 = 1e-3;

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
    /// After the loop: the rows and what the fast booking reads.
    rows: Rows,
    /// After the loop: the nodes' interval lists and their scratch.
    lists: Lists,
    /// The booking's scratch: per-cause shares, duration keys.
    ledger: Ledger,
    /// Trials booked but not yet in the accumulator, and the batches.
    pending: Pending,
    recording: bool,
    /// Book lists that are not kept straight from their rows
    /// ([`fused::book_row`]); tests switch it off to compare.
    fused: bool,
    /// Skip the booking of a trial in which nothing was down
    /// ([`Trial::nothing_down`]); tests switch it off to compare.
    skip_quiet: bool,
    /// Per service and stretch of the horizon: the draw from which a
    /// lifetime surely ends past the horizon ([`reach`]).
    reach: Reach,
    /// Skip the quantile of such a draw; tests switch it off to compare.
    skip_past: bool,
    /// Tests: lifetimes skipped by [`reach`] that `ttf_past_horizon`
    /// alone would have computed.
    #[cfg(test)]
    skipped_past: u64,
    /// Random failures run (annual mode); a drill has none, not even after
    /// a recovery restarts a service's failure clock.
    failures: bool,
    records: Vec<Record>,
    /// Hours of data lost per service in the last trial (kept when
    /// recording).
    data_lost: Vec<f64>,
    /// The DR plan's state: moved services, DR invocation ([`dr`]).
    dr: Dr,
    /// Which ransomware attacks run ([`Outcome::All`] but in drills).
    outcome: Outcome,
    /// Set when an attack ran out of redraws ([`MAX_REDRAWS`]): the trial
    /// fails with this message.
    outcome_failed: Option<String>,
    /// Backups lost with their site ([`backups`]).
    backups: Backups,
    /// Where a drill starts on the revenue profiles' clock (hours after
    /// Monday 00:00); `None`: at a uniformly random time of the week,
    /// drawn per drill.
    drill_start: Option<f64>,
}

impl Trial {
    /// Scratch sized for `plan`, reused trial after trial.
    pub fn new(plan: &SimPlan) -> Trial {
        let n = plan.node_count();
        let s = plan.n_services;
        let c = plan.threats.len() + 1;
        let reach = Reach::new(plan);
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
            totals: Totals::new(plan),
            index: SegIndex::default(),
            rows: Rows::default(),
            lists: Lists::new(n),
            ledger: Ledger::new(s, c),
            pending: Pending::new(s),
            recording: false,
            fused: true,
            skip_quiet: true,
            skip_past: reach.built(),
            reach,
            #[cfg(test)]
            skipped_past: 0,
            failures: true,
            records: Vec::new(),
            data_lost: vec![0.0; s],
            dr: Dr::new(plan),
            outcome: Outcome::All,
            outcome_failed: None,
            backups: Backups::new(plan),
            drill_start: None,
        }
    }

    fn reset(&mut self, plan: &SimPlan, seed: u64, trial: u64) {
        self.key = rng::trial_key(seed, trial);
        self.ledger.origin = 0.0;
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
        if plan.dr.backup_sites {
            self.backups.reset();
        }
    }

    /// Turn recording of each service's steps on or off (off by default:
    /// annual runs do not pay for it).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    /// Run only the ransomware attacks of this outcome (a drill's
    /// `--outcome`; [`Outcome::All`] by default).
    pub fn set_outcome(&mut self, outcome: Outcome) {
        self.outcome = outcome;
    }

    /// The dwell of the last trial's first attack that encrypted: the
    /// hours from initial access to the encryption.
    pub fn encrypted_dwell(&self) -> Option<f64> {
        self.threats
            .attacks
            .iter()
            .find(|a| !a.contained)
            .map(|a| a.dwell)
    }

    /// Fix where drills start on the revenue profiles' clock (hours after
    /// Monday 00:00), or `None` (the default) for a uniformly random time
    /// of the week, drawn per drill (DESIGN-2 B3).
    pub fn set_drill_start(&mut self, start: Option<f64>) {
        self.drill_start = start.map(on_grid);
    }

    /// The steps of the last trial, in time order, when recording is on.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Per service, when the last trial moved it to its failover site
    /// (+∞ if it stayed at home); empty for a plan without failover.
    pub(crate) fn relocated_at(&self) -> &[f64] {
        &self.dr.relocated_at
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
    /// Returns the trial's loss borne, for drivers that pair trials
    /// (`compare`) or keep each trial's loss (`tornado`, `importance`,
    /// `explain`): its annual loss, or with insurance its net annual loss
    /// (gross − recoveries + premiums, what the risk appetite is judged
    /// on), as `acc` records them.
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
                if !plan.profiles.is_empty() {
                    self.ledger.origin = self.drill_start.unwrap_or_else(|| {
                        let mut s = rng::stream(self.key, 0, rng::Purpose::DrillStart);
                        on_grid(unit_open(&mut s) * HOURS_PER_WEEK)
                    });
                }
                self.schedule_occurrence(plan, threat, 0.0);
            }
        }
        let mut events = 0u64;
        loop {
            // A trigger refused for the budget (the threats' first
            // occurrences' triggers included) fails the trial.
            if self.links.over {
                let message = self.budget_message(plan, trial, self.links.over_at);
                acc.overflowed(trial, message);
                break;
            }
            let Some((t, kind)) = self.queue.pop() else {
                break;
            };
            events += 1;
            if events > plan.event_budget {
                let message = self.budget_message(plan, trial, t);
                acc.overflowed(trial, message);
                break;
            }
            self.handle(plan, t, kind);
            // (Looked at before it is taken: taking writes it back.)
            if self.outcome_failed.is_some() {
                let message = self.outcome_failed.take().unwrap_or_default();
                acc.overflowed(trial, message);
                break;
            }
            if !self.dr.touched.is_empty() || !self.dr.waiting.is_empty() {
                self.dr_after_event(plan, t);
            }
            // DR invocations once every other event of this instant has
            // been handled: one that came back at it is not invoked.
            if !self.dr.due.is_empty() && self.queue.peek_time().is_none_or(|next| next > t) {
                self.invoke_due(plan, t);
            }
            // Dispatch once every event of this instant has been handled.
            if self.crews.dispatch_needed && self.queue.peek_time().is_none_or(|next| next > t) {
                self.dispatch(plan, t);
            }
        }
        if self.skip_quiet && self.nothing_down(plan) {
            return self.flush(plan, trial, acc);
        }
        self.close(plan, acc);
        self.flush(plan, trial, acc)
    }

    /// Whether the trial has nothing to book: no service was stopped by
    /// itself (so none was down, through its dependencies or otherwise),
    /// nothing is recorded and no DR plan moved anything. Booking such a
    /// trial adds zeros to tallies that are zero already and counts no
    /// duration, so skipping it changes no figure (the engine tests hold
    /// the two to equal accumulators); a risk register's loss events and
    /// quiet years of a small estate skip it.
    fn nothing_down(&self, plan: &SimPlan) -> bool {
        self.own.segs.is_empty() && !self.recording && !plan.dr.any
    }
}

/// Tests: `trials` annual trials of `plan` (seed `seed`) on one [`Trial`],
/// set up by `set` before the first; the finished accumulator.
#[cfg(test)]
fn annual_trials(
    plan: &SimPlan,
    seed: u64,
    trials: u64,
    set: impl FnOnce(&mut Trial),
) -> Accumulator {
    let mut trial = Trial::new(plan);
    set(&mut trial);
    let mut acc = plan.accumulator();
    for k in 0..trials {
        trial.run(plan, Mode::Annual, seed, k, &mut acc);
    }
    trial.finish(plan, &mut acc);
    acc
}
