//! Simulation: the compiled plan, one trial, and the parallel driver.
//!
//! Trials run in fixed-size chunks on a rayon pool ([`drive`], the one
//! driver of every run); each worker folds its chunks into its own
//! accumulator with a reused [`trial::Trial`] scratch, and the
//! accumulators are merged at the end. Every random draw
//! is keyed by (seed, trial, entity, purpose) and every accumulator merge
//! is exact integer arithmetic, so the result does not depend on the
//! thread count, the chunking or the merge order.

pub(crate) mod clock;
pub mod compare;
pub(crate) mod compile;
pub(crate) mod coupling;
pub(crate) mod dr_plan;
pub(crate) mod drill;
pub mod generate;
pub(crate) mod insurance;
pub(crate) mod intervals;
pub(crate) mod memory;
pub(crate) mod profile;
pub(crate) mod queue;
pub(crate) mod rng;
mod round;
mod short;
pub(crate) mod streams;
pub(crate) mod trial;

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::error::Error;
use crate::stats::Accumulator;

pub use compile::SimPlan;
pub use drill::Outcome;
pub use trial::{Mode, Trial};

/// Trials per work unit: large enough to amortise scheduling and the
/// flush of a unit's batches into the accumulators (on a 10 000-service
/// estate a flush costs about two trials), small enough to balance two
/// cores. A short run takes smaller units ([`Units`]).
pub const CHUNK: u64 = 256;

/// Up to this many services a step holds a whole unit of trials; above,
/// fewer in proportion ([`Units`]).
pub const STEP_SERVICES: u64 = 1_000;

/// The fewest trials in a step, however large the estate.
pub const STEP_MIN: u64 = 8;

/// How a run's trials are cut for the workers of [`drive`]: into *units*
/// that a worker takes from a shared counter, each run in *steps* after
/// which the progress is reported. Results do not depend on either (every
/// draw is keyed by the trial and every merge is exact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Units {
    /// The trial indices of the run.
    pub trials: Range<u64>,
    /// Trials per step: [`CHUNK`] up to [`STEP_SERVICES`] services, then
    /// fewer in proportion (a trial's work grows with the estate), down to
    /// [`STEP_MIN`]; a step thus takes about as long on any estate (a few
    /// tenths of a second on a 10 000-service one instead of seconds), so
    /// the estimate of a long run's duration, taken from the trials done,
    /// does not miss the work of the other workers' unfinished units.
    pub step: u64,
}

impl Units {
    /// The units of `trials` on an estate of `services` services.
    pub fn new(trials: Range<u64>, services: usize) -> Units {
        let services = (services as u64).max(1);
        let step = (CHUNK.saturating_mul(STEP_SERVICES) / services).clamp(STEP_MIN, CHUNK);
        Units { trials, step }
    }

    /// Trials per unit for `workers` workers: [`CHUNK`], or fewer on a run
    /// too short to give every worker four (so that both cores of a
    /// machine share a run of a few hundred trials).
    fn len(&self, workers: u64) -> u64 {
        let trials = self.trials.end.saturating_sub(self.trials.start);
        trials.div_ceil(4 * workers.max(1)).clamp(1, CHUNK)
    }
}

/// The fewest trials in a unit near the end of a run ([`take`]).
const TAIL_MIN: u64 = 16;

/// How many trials a worker takes as its next unit when `remaining` are
/// left, for units of `unit` trials and `workers` workers: a whole unit
/// while there is plenty, then half of each worker's fair share of what is
/// left, down to [`TAIL_MIN`] trials (or what is left), so that the
/// workers finish together instead of one running the last whole unit
/// alone (on two cores, about 1% of a 20 000-trial run).
fn take(remaining: u64, unit: u64, workers: u64) -> u64 {
    let unit = unit.max(1);
    let share = remaining.div_ceil(2 * workers.max(1));
    share.max(TAIL_MIN.min(unit)).min(unit).min(remaining)
}

/// The most worker threads a pool gets: one per core. More would run no
/// faster (the work is all computation) and each holds its own
/// accumulators and trial scratch, so `--threads 100000` would spend
/// minutes and gigabytes starting threads.
pub fn max_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// A rayon pool of `threads` workers (default: one per core), capped at
/// [`max_threads`]. Results do not depend on the count.
///
/// # Errors
/// [`Error::Usage`] when the pool cannot be built.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n.clamp(1, max_threads()));
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))
}

/// A pool for a run whose workers each hold the state of the services of
/// `plans` (a trial's scratch and an accumulator per plan: a comparison
/// of two plans counts both): [`thread_pool`] on `threads`, or on fewer
/// when the memory available would not hold that many workers
/// ([`memory::workers`]; results do not depend on the count).
///
/// # Errors
/// [`Error::Usage`] when the pool cannot be built; [`Error::Memory`]
/// when even one worker would not fit in the memory available.
pub(crate) fn fitted_pool(
    plans: &[usize],
    threads: Option<usize>,
) -> Result<rayon::ThreadPool, Error> {
    let wanted = threads.unwrap_or_else(max_threads).clamp(1, max_threads());
    let fit = memory::workers(plans, wanted, memory::available())?;
    thread_pool(if fit < wanted { Some(fit) } else { threads })
}

/// Whether one worker for the services of `plans` fits the memory
/// available (what [`fitted_pool`] checks first), for a caller that would
/// start other work before the run.
///
/// # Errors
/// [`Error::Memory`] naming the estate's size, the memory needed and the
/// fix, when it does not.
pub(crate) fn check_memory(plans: &[usize]) -> Result<(), Error> {
    memory::workers(plans, 1, memory::available()).map(|_| ())
}

/// The run's error if one of its trials broke the event budget
/// (`EVENT_BUDGET`: 20 million events).
///
/// # Errors
/// [`Error::EventBudget`], naming what caused the events.
pub fn check_budget(acc: &Accumulator) -> Result<(), Error> {
    match &acc.overflow {
        Some(o) => Err(Error::EventBudget(o.message.clone())),
        None => Ok(()),
    }
}

/// A range of trial indices cut into work units of [`CHUNK`] trials,
/// made as they are taken (a list of them would need 16 bytes per 256
/// trials before the first trial runs: 62 GB for 10^12 trials).
pub fn chunks(trials: Range<u64>) -> impl IndexedParallelIterator<Item = Range<u64>> {
    let n = trials.end.saturating_sub(trials.start).div_ceil(CHUNK);
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    (0..n).into_par_iter().map(move |i| {
        let s = trials
            .start
            .saturating_add((i as u64).saturating_mul(CHUNK));
        s..s.saturating_add(CHUNK).min(trials.end)
    })
}

/// The one parallel driver of every run (annual, paired, drill; a sweep
/// runs it once per value): cut `units.trials` into units ([`Units`]),
/// run each on a worker of `pool` (one per thread, each taking the next
/// unit when free) into that worker's accumulator with its reused
/// scratch, and merge the workers' accumulators.
///
/// - `empty` makes an empty accumulator, `scratch` a worker's scratch (its
///   [`Trial`]s and whatever else it reuses from unit to unit);
/// - `run` runs one step of a unit (a range of trial indices, in order)
///   into an accumulator; its flag says the step ends the unit (the time
///   to move what the scratch buffers into the accumulator:
///   [`Trial::finish`]);
/// - `merge` adds one accumulator into another.
///
/// The result does not depend on the thread count or the scheduling as
/// long as `merge` is exact and order-independent and a step's result
/// depends only on its trial indices (every draw is keyed by the trial):
/// both hold for every accumulator of bcdr.
///
/// At most one accumulator and one scratch per worker are alive at a
/// time, however many units (on a large estate each is tens of
/// megabytes; see docs/performance.md, "Large estates").
///
/// `progress` is called from worker threads, after each step, with the
/// number of trials done so far in this call.
pub fn drive<A: Send, W: Send>(
    pool: &rayon::ThreadPool,
    units: Units,
    progress: Option<&(dyn Fn(u64) + Sync)>,
    empty: impl Fn() -> A + Sync + Send,
    scratch: impl Fn() -> W + Sync + Send,
    run: impl Fn(&mut A, &mut W, Range<u64>, bool) + Sync + Send,
    merge: impl Fn(&mut A, &A) + Sync + Send,
) -> A {
    let done = AtomicU64::new(0);
    // Trials taken so far, from the start of the range.
    let next = AtomicU64::new(0);
    let trials = &units.trials;
    let total = trials.end.saturating_sub(trials.start);
    let threads = pool.current_num_threads() as u64;
    let unit = units.len(threads);
    let step = units.step.clamp(1, unit);
    let count = total.div_ceil(unit);
    // Each worker takes the next unit as it is free (one counter), so a
    // worker slowed by other load takes fewer; it keeps one accumulator
    // and one scratch for the whole call, and merges its accumulator into
    // the result when it runs out of units.
    let workers = threads.clamp(1, count.max(1));
    // The next unit of a worker: its first trial's offset and its length
    // ([`take`]), or `None` when every trial is taken.
    let claim = || {
        let mut at = next.load(Ordering::Relaxed);
        while at < total {
            let len = take(total - at, unit, workers);
            match next.compare_exchange_weak(at, at + len, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some((at, len)),
                Err(now) => at = now,
            }
        }
        None
    };
    let result: Mutex<Option<A>> = Mutex::new(None);
    pool.scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                let mut acc = empty();
                let mut w = scratch();
                while let Some((at, len)) = claim() {
                    let start = trials.start.saturating_add(at);
                    let end = start.saturating_add(len).min(trials.end);
                    let mut from = start;
                    while from < end {
                        let to = from.saturating_add(step).min(end);
                        run(&mut acc, &mut w, from..to, to == end);
                        let len = to - from;
                        let n = done.fetch_add(len, Ordering::Relaxed) + len;
                        if let Some(p) = progress {
                            p(n);
                        }
                        from = to;
                    }
                }
                // The scratch goes before the merge: the two are not
                // needed at once.
                drop(w);
                // A worker that panicked poisons nothing worth keeping:
                // the scope re-raises its panic.
                let mut slot = result.lock().unwrap_or_else(PoisonError::into_inner);
                match slot.as_mut() {
                    Some(into) => merge(into, &acc),
                    None => *slot = Some(acc),
                }
            });
        }
    });
    result
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(empty)
}

/// Run `trials` (a range of trial indices, so that shards run disjoint
/// ranges of the same sequence) and accumulate them.
///
/// `progress` is called from worker threads with the number of trials done
/// so far in this call.
///
/// Runs on fewer threads than asked when the memory available would not
/// hold that many workers' state (see docs/performance.md, "Large estates"; results do not
/// depend on the count).
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot be built;
/// [`Error::Memory`] when even one worker would not fit in the memory
/// available.
pub fn simulate(
    plan: &SimPlan,
    mode: Mode,
    seed: u64,
    trials: Range<u64>,
    threads: Option<usize>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Accumulator, Error> {
    let pool = fitted_pool(&[plan.n_services], threads)?;
    let acc = drive(
        &pool,
        Units::new(trials, plan.n_services),
        progress,
        || plan.accumulator(),
        || Trial::new(plan),
        |acc, trial, step, end| {
            for t in step {
                if acc.overflow.is_some() {
                    break;
                }
                let _ = trial.run(plan, mode, seed, t, acc);
            }
            if end {
                trial.finish(plan, acc);
            }
        },
        Accumulator::merge,
    );
    check_budget(&acc)?;
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_estates_and_short_runs_cut_finer() {
        let step = |services| Units::new(0..100_000, services).step;
        assert_eq!(step(0), CHUNK);
        assert_eq!(step(31), CHUNK);
        assert_eq!(step(1_000), CHUNK);
        assert_eq!(step(2_000), CHUNK / 2);
        assert_eq!(step(10_000), 25);
        assert_eq!(step(50_000), STEP_MIN);
        assert_eq!(step(usize::MAX), STEP_MIN);
        let unit = |trials: u64, workers| Units::new(5..5 + trials, 10).len(workers);
        assert_eq!(unit(100_000, 2), CHUNK);
        assert_eq!(unit(2_048, 2), CHUNK);
        assert_eq!(unit(2_000, 2), 250);
        assert_eq!(unit(300, 2), 38);
        assert_eq!(unit(300, 1), 75);
        assert_eq!(unit(1, 2), 1);
        assert_eq!(unit(0, 2), 1);
    }

    /// Whole units while there is plenty; near the end, smaller ones that
    /// every worker shares, never empty and never past what is left.
    #[test]
    fn units_shrink_towards_the_end() {
        assert_eq!(take(20_000, CHUNK, 2), CHUNK);
        assert_eq!(take(4 * CHUNK, CHUNK, 2), CHUNK);
        assert_eq!(take(4 * CHUNK - 4, CHUNK, 2), CHUNK - 1);
        assert_eq!(take(200, CHUNK, 2), 50);
        assert_eq!(take(40, CHUNK, 2), TAIL_MIN);
        assert_eq!(take(5, CHUNK, 2), 5);
        assert_eq!(take(1, CHUNK, 1), 1);
        assert_eq!(take(100, 7, 2), 7);
        assert_eq!(take(u64::MAX, CHUNK, 2), CHUNK);
        assert_eq!(take(10, 0, 0), 1);
        for remaining in 1..2_000 {
            for workers in 1..4 {
                let n = take(remaining, CHUNK, workers);
                assert!(
                    n >= 1 && n <= remaining && n <= CHUNK,
                    "{remaining} {workers}"
                );
            }
        }
        // The tail of a 20 000-trial run on two workers: every unit is
        // whole until the last 1 024 trials, then the units shrink.
        let (mut left, mut units) = (20_000u64, Vec::new());
        while left > 0 {
            let n = take(left, CHUNK, 2);
            units.push(n);
            left -= n;
        }
        let whole = units.iter().take_while(|&&n| n == CHUNK).count() as u64;
        assert!(20_000 - whole * CHUNK <= 4 * CHUNK, "{units:?}");
        assert!(units.len() as u64 - whole <= 16, "{units:?}");
        assert!(units.windows(2).all(|w| w[1] <= w[0]), "{units:?}");
        assert!(
            units.iter().rev().take(4).all(|&n| n <= TAIL_MIN),
            "{units:?}"
        );
    }

    /// Every trial of the range is run once, in steps that end their unit
    /// exactly once, for ranges at the ends of u64 and empty or reversed
    /// ones (no overflow, no step past the range).
    #[test]
    fn the_cut_covers_every_range_once() {
        let max = u64::MAX;
        for threads in [1, 2] {
            let pool = thread_pool(Some(threads)).expect("pool");
            for (trials, step) in [
                (max - 1_000..max, 7),
                (max - 3..max, 1),
                (max - 300..max, CHUNK),
                (0..0, 8),
                (Range { start: 9, end: 3 }, 8),
                (0..1, 8),
                (0..2_049, 25),
            ] {
                let units = Units {
                    trials: trials.clone(),
                    step,
                };
                let unit = units.len(pool.current_num_threads() as u64);
                let mut ran = drive(
                    &pool,
                    units,
                    None,
                    Vec::new,
                    || (),
                    |acc: &mut Vec<(Range<u64>, bool)>, (), step, end| acc.push((step, end)),
                    |a, b| a.extend_from_slice(b),
                );
                ran.sort_by_key(|(r, _)| r.start);
                let mut at = trials.start;
                // Where the unit being checked started.
                let mut unit_start = trials.start;
                for (r, end) in &ran {
                    assert_eq!(r.start, at, "{trials:?}: a gap or an overlap");
                    assert!(r.end > r.start && r.end - r.start <= step.min(unit));
                    assert!(r.end - unit_start <= unit, "{trials:?}: a unit too long");
                    if *end {
                        unit_start = r.end;
                    }
                    at = r.end;
                }
                assert_eq!(at, trials.end.max(trials.start), "{trials:?}");
                // The last step ends the last unit.
                assert!(ran.last().is_none_or(|(_, end)| *end), "{trials:?}");
            }
        }
    }

    /// The accumulator of a run does not depend on how its trials are cut
    /// into units and steps, nor on how many workers take them.
    #[test]
    fn the_cut_changes_nothing() {
        let text = generate::layered(120, 5).expect("valid");
        let model = crate::scenario::parse_str(&text).expect("valid");
        let plan = SimPlan::compile(&model);
        let run = |step: u64, threads: usize| {
            let pool = thread_pool(Some(threads)).expect("pool");
            let units = Units {
                trials: 3..610,
                step,
            };
            let (steps, ends) = (AtomicU64::new(0), AtomicU64::new(0));
            let acc = drive(
                &pool,
                units,
                None,
                || plan.accumulator(),
                || Trial::new(&plan),
                |acc, trial, trials, end| {
                    steps.fetch_add(1, Ordering::Relaxed);
                    for t in trials {
                        let _ = trial.run(&plan, Mode::Annual, 11, t, acc);
                    }
                    if end {
                        ends.fetch_add(1, Ordering::Relaxed);
                        trial.finish(&plan, acc);
                    }
                },
                Accumulator::merge,
            );
            (acc, steps.into_inner(), ends.into_inner())
        };
        // How many units 607 trials make for `threads` workers: units of
        // `Units::len`, smaller towards the end (`take`).
        let count = |threads: u64| {
            let unit = 607u64.div_ceil(4 * threads).min(CHUNK);
            let (mut left, mut n) = (607, 0);
            while left > 0 {
                left -= take(left, unit, threads);
                n += 1;
            }
            (unit, n)
        };
        let (whole, steps, units) = run(CHUNK, 1);
        assert!(whole.annual_loss.sum() > 0.0);
        // 607 trials on one worker: units of 152 (76, 38, 19 and 16 near
        // the end), one step each.
        assert_eq!(count(1), (152, 8));
        assert_eq!((steps, units), (8, 8));
        for (step, threads) in [(1, 2), (7, 2), (25, 1), (CHUNK, 2)] {
            let (acc, steps, units) = run(step, threads);
            assert!(acc == whole, "steps of {step} on {threads} threads");
            let (unit, n) = count(threads as u64);
            assert_eq!(units, n);
            assert!(steps >= units && steps <= units * unit.div_ceil(step));
        }
    }
}
