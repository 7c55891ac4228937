//! The paired driver of `bcdr compare`: two plans on the same trial
//! indices, with common random numbers.
//!
//! Every draw is keyed by (seed, trial, entity id, purpose), so when plan A
//! and plan B run trial t with the same seed, a service or threat present
//! in both sees the same failures, attacks and durations; only what the
//! plans change differs. The difference of the two trials' losses then has
//! a far smaller variance than the difference of two independent runs
//! (Var(A − B) = Var A + Var B − 2 Cov(A, B)), which is what makes a
//! comparison precise at a modest trial count.
//!
//! The driver mirrors [`super::simulate`]: fixed chunks on a rayon pool,
//! two reused [`Trial`] scratches per worker, and exact, order-independent
//! merges, so the result does not depend on the thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::stats::diff::DiffAcc;
use crate::stats::Accumulator;

use super::{Mode, SimPlan, Trial};

/// What a paired run accumulates: each side as a plain run would, and the
/// per-trial difference ΔL = L_A − L_B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairAccumulator {
    pub a: Accumulator,
    pub b: Accumulator,
    /// ΔL = L_A − L_B per trial: positive when B loses less.
    pub diff: DiffAcc,
}

impl PairAccumulator {
    pub fn new(a: &SimPlan, b: &SimPlan) -> PairAccumulator {
        PairAccumulator {
            a: Accumulator::new(a.n_services, a.threats.len()).with_appetite(&a.appetite),
            b: Accumulator::new(b.n_services, b.threats.len()).with_appetite(&b.appetite),
            diff: DiffAcc::new(),
        }
    }

    /// Merge another paired accumulator of the same two plans.
    pub fn merge(&mut self, o: &PairAccumulator) {
        self.a.merge(&o.a);
        self.b.merge(&o.b);
        self.diff.merge(&o.diff);
    }
}

/// Run trials `trials` of plan `a` with seed `seeds[0]` and of plan `b`
/// with seed `seeds[1]`, pairing trial t of A with trial t of B.
///
/// `bcdr compare` uses the same seed on both sides (common random
/// numbers); different seeds give independent streams, the baseline that
/// common random numbers are measured against.
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot be built.
///
/// # Complexity
/// Twice the work of [`super::simulate`] over the same range; memory is
/// two accumulators per worker.
pub fn simulate_pair(
    a: &SimPlan,
    b: &SimPlan,
    mode: Mode,
    seeds: [u64; 2],
    trials: Range<u64>,
    threads: Option<usize>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<PairAccumulator, Error> {
    let pool = super::thread_pool(threads)?;
    let done = AtomicU64::new(0);
    let chunks = super::chunks(trials);
    let empty = || PairAccumulator::new(a, b);
    let acc = pool.install(|| {
        chunks
            .par_iter()
            .fold(
                || (empty(), Trial::new(a), Trial::new(b)),
                |(mut acc, mut ta, mut tb), chunk| {
                    for t in chunk.clone() {
                        if acc.a.overflow.is_some() || acc.b.overflow.is_some() {
                            break;
                        }
                        let la = ta.run(a, mode, seeds[0], t, &mut acc.a);
                        let lb = tb.run(b, mode, seeds[1], t, &mut acc.b);
                        acc.diff.add(la - lb);
                    }
                    ta.finish(a, &mut acc.a);
                    tb.finish(b, &mut acc.b);
                    let len = chunk.end - chunk.start;
                    let n = done.fetch_add(len, Ordering::Relaxed) + len;
                    if let Some(p) = progress {
                        p(n);
                    }
                    (acc, ta, tb)
                },
            )
            .map(|(acc, _, _)| acc)
            .reduce(empty, |mut x, y| {
                x.merge(&y);
                x
            })
    });
    super::check_budget(&acc.a)?;
    super::check_budget(&acc.b)?;
    Ok(acc)
}
