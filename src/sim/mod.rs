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

/// Trials per work unit: large enough to amortise scheduling, small enough
/// to balance two cores and to report progress smoothly.
pub const CHUNK: u64 = 256;

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
/// runs it once per value): cut `trials` into chunks of [`CHUNK`] trials
/// (those of [`chunks`]), run each on a worker of `pool` (one per thread,
/// each taking the next chunk when free) into that worker's accumulator
/// with its reused scratch, and merge the workers' accumulators.
///
/// - `empty` makes an empty accumulator, `scratch` a worker's scratch (its
///   [`Trial`]s and whatever else it reuses from chunk to chunk);
/// - `run_chunk` runs one chunk of trial indices, in order, into an
///   accumulator;
/// - `merge` adds one accumulator into another.
///
/// The result does not depend on the thread count or the scheduling as
/// long as `merge` is exact and order-independent and a chunk's result
/// depends only on its trial indices (every draw is keyed by the trial):
/// both hold for every accumulator of bcdr.
///
/// At most one accumulator and one scratch per worker are alive at a
/// time, however many chunks (on a large estate each is tens of
/// megabytes; see docs/performance.md, "Large estates").
///
/// `progress` is called from worker threads, after each chunk, with the
/// number of trials done so far in this call.
pub fn drive<A: Send, W: Send>(
    pool: &rayon::ThreadPool,
    trials: Range<u64>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
    empty: impl Fn() -> A + Sync + Send,
    scratch: impl Fn() -> W + Sync + Send,
    run_chunk: impl Fn(&mut A, &mut W, Range<u64>) + Sync + Send,
    merge: impl Fn(&mut A, &A) + Sync + Send,
) -> A {
    let done = AtomicU64::new(0);
    let next = AtomicU64::new(0);
    let count = trials.end.saturating_sub(trials.start).div_ceil(CHUNK);
    // Each worker takes the next chunk as it is free (one counter), so a
    // worker slowed by other load takes fewer; it keeps one accumulator
    // and one scratch for the whole call, and merges its accumulator into
    // the result when it runs out of chunks.
    let workers = (pool.current_num_threads() as u64).clamp(1, count.max(1));
    let result: Mutex<Option<A>> = Mutex::new(None);
    pool.scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                let mut acc = empty();
                let mut w = scratch();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let start = trials.start.saturating_add(i.saturating_mul(CHUNK));
                    let chunk = start..start.saturating_add(CHUNK).min(trials.end);
                    let len = chunk.end - chunk.start;
                    run_chunk(&mut acc, &mut w, chunk);
                    let n = done.fetch_add(len, Ordering::Relaxed) + len;
                    if let Some(p) = progress {
                        p(n);
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
        trials,
        progress,
        || plan.accumulator(),
        || Trial::new(plan),
        |acc, trial, chunk| {
            for t in chunk {
                if acc.overflow.is_some() {
                    break;
                }
                let _ = trial.run(plan, mode, seed, t, acc);
            }
            trial.finish(plan, acc);
        },
        Accumulator::merge,
    );
    check_budget(&acc)?;
    Ok(acc)
}
