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
pub(crate) mod profile;
pub(crate) mod queue;
pub(crate) mod rng;
mod round;
mod short;
pub(crate) mod streams;
pub(crate) mod trial;

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

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
/// runs it once per value): cut `trials` into [`chunks`], fold each chunk
/// on a worker of `pool` into that worker's accumulator with its reused
/// scratch, and merge the workers' accumulators.
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
    pool.install(|| {
        chunks(trials)
            .fold(
                || (empty(), scratch()),
                |(mut acc, mut w), chunk| {
                    run_chunk(&mut acc, &mut w, chunk.clone());
                    let len = chunk.end - chunk.start;
                    let n = done.fetch_add(len, Ordering::Relaxed) + len;
                    if let Some(p) = progress {
                        p(n);
                    }
                    (acc, w)
                },
            )
            .map(|(acc, _)| acc)
            .reduce(&empty, |mut a, b| {
                merge(&mut a, &b);
                a
            })
    })
}

/// Run `trials` (a range of trial indices, so that shards run disjoint
/// ranges of the same sequence) and accumulate them.
///
/// `progress` is called from worker threads with the number of trials done
/// so far in this call.
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot be built.
pub fn simulate(
    plan: &SimPlan,
    mode: Mode,
    seed: u64,
    trials: Range<u64>,
    threads: Option<usize>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Accumulator, Error> {
    let pool = thread_pool(threads)?;
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
