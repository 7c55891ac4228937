//! Simulation: the compiled plan, one trial, and the parallel driver.
//!
//! Trials run in fixed-size chunks on a rayon pool; each worker folds its
//! chunks into its own [`Accumulator`] with a reused [`trial::Trial`]
//! scratch, and the accumulators are merged at the end. Every random draw
//! is keyed by (seed, trial, entity, purpose) and every accumulator merge
//! is exact integer arithmetic, so the result does not depend on the
//! thread count, the chunking or the merge order.

pub mod clock;
pub mod compare;
pub mod compile;
pub mod coupling;
pub mod drill;
pub mod generate;
pub mod intervals;
pub mod queue;
pub mod rng;
pub mod streams;
pub mod trial;

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::Error;
use crate::stats::Accumulator;

pub use compile::SimPlan;
pub use trial::{Mode, Trial};

/// Trials per work unit: large enough to amortise scheduling, small enough
/// to balance two cores and to report progress smoothly.
pub const CHUNK: u64 = 256;

/// A rayon pool of `threads` workers (default: one per core).
///
/// # Errors
/// [`Error::Usage`] when the pool cannot be built.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n.max(1));
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))
}

/// The run's error if one of its trials broke the event budget
/// ([`trial::EVENT_BUDGET`]).
///
/// # Errors
/// [`Error::EventBudget`], naming what caused the events.
pub fn check_budget(acc: &Accumulator) -> Result<(), Error> {
    match &acc.overflow {
        Some(o) => Err(Error::EventBudget(o.message.clone())),
        None => Ok(()),
    }
}

/// A range of trial indices cut into work units of [`CHUNK`] trials.
pub fn chunks(trials: Range<u64>) -> Vec<Range<u64>> {
    (trials.start..trials.end)
        .step_by(CHUNK as usize)
        .map(|s| s..(s + CHUNK).min(trials.end))
        .collect()
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
    let done = AtomicU64::new(0);
    let chunks = chunks(trials);
    let empty =
        || Accumulator::new(plan.n_services, plan.threats.len()).with_appetite(&plan.appetite);
    let acc = pool.install(|| {
        chunks
            .par_iter()
            .fold(
                || (empty(), Trial::new(plan)),
                |(mut acc, mut trial), chunk| {
                    for t in chunk.clone() {
                        if acc.overflow.is_some() {
                            break;
                        }
                        let _ = trial.run(plan, mode, seed, t, &mut acc);
                    }
                    trial.finish(plan, &mut acc);
                    let n = done.fetch_add(chunk.end - chunk.start, Ordering::Relaxed)
                        + (chunk.end - chunk.start);
                    if let Some(p) = progress {
                        p(n);
                    }
                    (acc, trial)
                },
            )
            .map(|(acc, _)| acc)
            .reduce(empty, |mut a, b| {
                a.merge(&b);
                a
            })
    });
    check_budget(&acc)?;
    Ok(acc)
}
