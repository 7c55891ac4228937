//! The quarterly review loop (DESIGN-2 §C): what moved between quarters
//! ([`trend`]), why the loss moved between two versions of a scenario
//! ([`explain`]), which assumptions matter most ([`tornado`]), which
//! services and controls matter most ([`importance`]), and the CI gates
//! ([`gate`]).
//!
//! Everything that compares scenarios here runs them on common random
//! numbers: every draw is keyed by (seed, trial, entity id, purpose), so
//! trial t of two variants differs only through what the variants change,
//! and the per-trial differences give paired intervals far narrower than
//! independent runs would. [`losses`] is the shared driver: the annual
//! loss of every trial of one plan, in trial order.

pub mod explain;
pub mod gate;
pub mod hash;
pub mod importance;
pub mod tornado;
pub mod trend;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::Model;
use crate::sim::{self, Mode, SimPlan, Trial};
use crate::stats::{Accumulator, Summary};

/// 1.96: the two-sided 95% normal quantile.
pub const Z975: f64 = 1.959_963_984_540_054;

/// Fixed-point scale of exact sums: values are counted in units of 2^-32,
/// as [`crate::stats::exact::ExactSum`] does.
pub const FIXED_SCALE: f64 = 4_294_967_296.0;

/// `x` in fixed-point units (round half away from zero), the form in which
/// contributions add up exactly.
pub fn fixed(x: f64) -> i128 {
    let r = x * FIXED_SCALE;
    (r + 0.5f64.copysign(r)) as i128
}

/// The base of a review: `model`'s plan, its annual simulation of trials
/// `0..trials` (without progress) and the summary of that.
///
/// # Errors
/// As [`sim::simulate`].
pub fn base_run(
    model: &Model,
    seed: u64,
    trials: u64,
    threads: Option<usize>,
) -> Result<(SimPlan, Accumulator, Summary), Error> {
    let plan = SimPlan::compile(model);
    let acc = sim::simulate(&plan, Mode::Annual, seed, 0..trials, threads, None)?;
    let summary = Summary::build(model, seed, &acc);
    Ok((plan, acc, summary))
}

/// The annual loss of every trial in `trials`, in trial order.
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot start; [`Error::Memory`]
/// when one worker would not fit in the memory available;
/// [`Error::EventBudget`] when a trial breaks the event budget.
///
/// # Complexity
/// The work of [`sim::simulate`] over the same range; memory one f64 per
/// trial.
pub fn losses(
    plan: &SimPlan,
    seed: u64,
    trials: Range<u64>,
    threads: Option<usize>,
) -> Result<Vec<f64>, Error> {
    let pool = sim::fitted_pool(&[plan.n_services], threads)?;
    let empty =
        || Accumulator::new(plan.n_services, plan.threats.len()).with_appetite(&plan.appetite);
    // The one driver's accumulator here: each chunk's losses keyed by its
    // first trial (sorted at the end, so the merge order does not matter),
    // and the event-budget breach of the lowest trial (as `simulate`
    // keeps it: the same message whatever the scheduling).
    let (mut pieces, overflow) = sim::drive(
        &pool,
        sim::Units::new(trials, plan.n_services),
        None,
        || (Vec::<(u64, Vec<f64>)>::new(), None::<(u64, String)>),
        || (empty(), Trial::new(plan)),
        |out, (acc, trial), step, end| {
            let start = step.start;
            let mut losses = Vec::with_capacity((step.end - step.start) as usize);
            for t in step {
                losses.push(trial.run(plan, Mode::Annual, seed, t, acc));
                if let Some(o) = &acc.overflow {
                    if out.1.as_ref().is_none_or(|(t, _)| o.trial < *t) {
                        out.1 = Some((o.trial, o.message.clone()));
                    }
                    break;
                }
            }
            // The accumulator is scratch (its histograms have a fixed
            // size); only the losses matter.
            if end {
                trial.finish(plan, acc);
            }
            out.0.push((start, losses));
        },
        |a, b| {
            a.0.extend(b.0.iter().cloned());
            if let Some((t, _)) = &b.1 {
                if a.1.as_ref().is_none_or(|(first, _)| t < first) {
                    a.1.clone_from(&b.1);
                }
            }
        },
    );
    if let Some((_, message)) = overflow {
        return Err(Error::EventBudget(message));
    }
    pieces.sort_unstable_by_key(|p| p.0);
    Ok(pieces.into_iter().flat_map(|p| p.1).collect())
}

/// A change of a mean with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// The mean change.
    pub mean: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Its 95% confidence interval.
    pub ci95: [f64; 2],
    /// The interval excludes 0.
    pub significant: bool,
}

impl Delta {
    /// A mean and its standard error.
    pub fn new(mean: f64, std_error: f64) -> Delta {
        let ci95 = [mean - Z975 * std_error, mean + Z975 * std_error];
        Delta {
            mean,
            std_error,
            ci95,
            significant: ci95[0] > 0.0 || ci95[1] < 0.0,
        }
    }

    /// The paired change `after − before` over the same trials (common
    /// random numbers): the mean of the per-trial differences and its
    /// standard error s/√N. Sums run in trial order, so the result does not
    /// depend on threads.
    pub fn paired(before: &[f64], after: &[f64]) -> Delta {
        let n = before.len().min(after.len());
        if n == 0 {
            return Delta::new(0.0, 0.0);
        }
        let d = |t: usize| after[t] - before[t];
        let mean = (0..n).map(d).sum::<f64>() / n as f64;
        let ss: f64 = (0..n).map(|t| (d(t) - mean).powi(2)).sum();
        let se = if n > 1 {
            (ss / (n - 1) as f64 / n as f64).sqrt()
        } else {
            0.0
        };
        Delta::new(mean, se)
    }

    /// The change between two independent estimates: their standard
    /// errors add in quadrature, √(se₁² + se₂²).
    pub fn independent(before: f64, se_before: f64, after: f64, se_after: f64) -> Delta {
        Delta::new(after - before, se_before.hypot(se_after))
    }
}

/// The mean annual loss of a set of trials, exactly as `summary.json`'s
/// `annual_loss.mean` computes it (an exact fixed-point sum).
pub fn exact_mean(losses: &[f64]) -> f64 {
    let mut s = crate::stats::exact::ExactSum::default();
    for &x in losses {
        s.add(x);
    }
    s.mean()
}

/// Check a trial count: at least two, since every figure of a review
/// command comes with a standard error, which one trial cannot give (it
/// would read 0, and any change "significant").
///
/// # Errors
/// [`Error::Usage`] for fewer than two trials.
pub fn check_trials(trials: u64, flag: &str) -> Result<(), Error> {
    if trials < 2 {
        return Err(Error::Usage(format!(
            "{flag} must be at least 2: a standard error, and whether a change is significant, \
             need two trials or more"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_and_independent_intervals() {
        let d = Delta::paired(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]);
        assert_eq!(d.mean, 1.0);
        assert_eq!(d.std_error, 0.0);
        assert!(d.significant);
        let d = Delta::independent(100.0, 3.0, 110.0, 4.0);
        assert_eq!(d.std_error, 5.0);
        assert!((d.ci95[0] - (10.0 - Z975 * 5.0)).abs() < 1e-12);
        assert!(d.significant);
        assert!(!Delta::independent(100.0, 6.0, 110.0, 8.0).significant);
    }
}
