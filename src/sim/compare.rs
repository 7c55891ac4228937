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
//! It runs on the one driver, [`super::drive`]: fixed chunks on a rayon
//! pool, two reused [`Trial`] scratches per worker, and exact,
//! order-independent merges, so the result does not depend on the thread
//! count.

use std::ops::Range;

use crate::error::Error;
use crate::stats::comparison::PairAccumulator;

use super::{Mode, SimPlan, Trial};

/// Run trials `trials` of plan `a` with seed `seeds[0]` and of plan `b`
/// with seed `seeds[1]`, pairing trial t of A with trial t of B.
///
/// `bcdr compare` uses the same seed on both sides (common random
/// numbers); different seeds give independent streams, the baseline that
/// common random numbers are measured against.
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot be built;
/// [`Error::Memory`] when even one worker (two trials, two accumulators)
/// would not fit in the memory available (with less, fewer threads run).
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
    let pool = super::fitted_pool(&[a.n_services, b.n_services], threads)?;
    let acc = super::drive(
        &pool,
        super::Units::new(trials, a.n_services.max(b.n_services)),
        progress,
        || PairAccumulator::new(a.accumulator(), b.accumulator()),
        || (Trial::new(a), Trial::new(b)),
        |acc, (ta, tb), step, end| {
            for t in step {
                if acc.a.overflow.is_some() || acc.b.overflow.is_some() {
                    break;
                }
                let la = ta.run(a, mode, seeds[0], t, &mut acc.a);
                let lb = tb.run(b, mode, seeds[1], t, &mut acc.b);
                acc.diff.add(crate::stats::diff::difference(la, lb));
            }
            if end {
                ta.finish(a, &mut acc.a);
                tb.finish(b, &mut acc.b);
            }
        },
        PairAccumulator::merge,
    );
    super::check_budget(&acc.a)?;
    super::check_budget(&acc.b)?;
    Ok(acc)
}
