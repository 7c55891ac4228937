//! The distribution of a signed per-trial difference (`compare`'s
//! ΔL = L_A − L_B), exactly mergeable like every other accumulator.
//!
//! [`LogHist`] holds non-negative values only, so a signed value goes to
//! one of two histograms by its sign (the negative side stores |d|), and
//! exact zeros — ties, which common random numbers make frequent — are
//! counted on their own. Ranks then run through the negative side from the
//! largest magnitude down, the ties, and the positive side upwards, which
//! gives signed quantiles with the same relative accuracy as the
//! histograms. The mean and variance come from an [`ExactSum`], so the
//! whole accumulator merges with integer arithmetic in any order.

use serde::{Deserialize, Serialize};

use super::acc::LOSS_BITS;
use super::exact::ExactSum;
use super::hist::LogHist;

/// A signed per-trial difference over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffAcc {
    /// Count, sum and sum of squares of the difference.
    pub sum: ExactSum,
    /// Positive differences.
    pub pos: LogHist,
    /// Magnitudes of negative differences.
    pub neg: LogHist,
    /// Differences that are zero ([`difference`]'s ties).
    pub ties: u64,
}

/// The differences below which two trials' losses tie: a billionth of
/// the larger. Losses that are equal on paper can come out some ulps apart
/// in floating point (an insured loss in the policy's layer nets to the
/// same figure whatever it was, after a subtraction that rounds), and such
/// noise must not count as one plan losing less.
pub(crate) const TIE: f64 = 1e-9;

/// ΔL = `a` − `b`, or exactly 0 when the two are within [`TIE`] of each
/// other.
#[inline]
pub(crate) fn difference(a: f64, b: f64) -> f64 {
    let d = a - b;
    if d.abs() <= TIE * a.abs().max(b.abs()) {
        0.0
    } else {
        d
    }
}

impl Default for DiffAcc {
    fn default() -> Self {
        DiffAcc::new()
    }
}

impl DiffAcc {
    /// An empty accumulator with the annual-loss histogram resolution.
    pub fn new() -> DiffAcc {
        DiffAcc {
            sum: ExactSum::default(),
            pos: LogHist::exact(LOSS_BITS),
            neg: LogHist::exact(LOSS_BITS),
            ties: 0,
        }
    }

    /// Record one difference (NaN counts as a tie: it cannot happen with
    /// finite losses, and must not poison the sums).
    #[inline]
    pub fn add(&mut self, d: f64) {
        if d > 0.0 {
            self.sum.add(d);
            self.pos.add(d);
        } else if d < 0.0 {
            self.sum.add(d);
            self.neg.add(-d);
        } else {
            self.sum.add_zeros(1);
            self.ties += 1;
        }
    }

    /// Merge another accumulator: associative and commutative.
    pub fn merge(&mut self, o: &DiffAcc) {
        self.sum.merge(&o.sum);
        self.pos.merge(&o.pos);
        self.neg.merge(&o.neg);
        self.ties += o.ties;
    }

    pub fn count(&self) -> u64 {
        self.sum.count()
    }

    /// Trials with a positive difference (for ΔL: B lost less than A).
    pub fn positive(&self) -> u64 {
        self.pos.count()
    }

    /// Trials with a negative difference.
    pub fn negative(&self) -> u64 {
        self.neg.count()
    }

    /// The value of 1-based rank `rank` in ascending signed order, within
    /// the histograms' relative accuracy; `None` when empty.
    pub fn value_at_rank(&self, rank: u64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = rank.clamp(1, n);
        let n_neg = self.neg.count();
        if rank <= n_neg {
            // Rank 1 is the most negative: the largest magnitude.
            return self.neg.value_at_rank(n_neg - rank + 1).map(|m| -m);
        }
        if rank <= n_neg + self.ties {
            return Some(0.0);
        }
        self.pos.value_at_rank(rank - n_neg - self.ties)
    }

    /// The p-quantile (lower empirical quantile, rank ⌈p·n⌉, as
    /// [`LogHist::quantile`]).
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let rank = (p.clamp(0.0, 1.0) * self.count() as f64).ceil() as u64;
        self.value_at_rank(rank)
    }

    pub fn min(&self) -> Option<f64> {
        self.value_at_rank(1)
    }

    pub fn max(&self) -> Option<f64> {
        self.value_at_rank(self.count())
    }

    /// Non-empty buckets as (lower, upper, count) in ascending signed
    /// order, ties as (0, 0, count). Negative buckets are mirrored, so
    /// their lower bound is the more negative one.
    pub fn buckets(&self) -> Vec<(f64, f64, u64)> {
        let mut out: Vec<(f64, f64, u64)> = self
            .neg
            .buckets()
            .into_iter()
            .rev()
            .map(|(lo, hi, c)| (-hi, -lo, c))
            .collect();
        if self.ties > 0 {
            out.push((0.0, 0.0, self.ties));
        }
        out.extend(self.pos.buckets());
        // Values too small for a histogram bucket appear as (0, 0, c) from
        // the histograms themselves; fold them into one zero row.
        let mut merged: Vec<(f64, f64, u64)> = Vec::with_capacity(out.len());
        for b in out {
            match merged.last_mut() {
                Some(last) if last.0 == 0.0 && last.1 == 0.0 && b.0 == 0.0 && b.1 == 0.0 => {
                    last.2 += b.2;
                }
                _ => merged.push(b),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn signed_quantiles_follow_sorted_order() {
        let mut d = DiffAcc::new();
        let values = [-300.0, -20.0, -1.0, 0.0, 0.0, 5.0, 70.0, 900.0];
        values.iter().for_each(|&v| d.add(v));
        assert_eq!(d.count(), 8);
        assert_eq!((d.negative(), d.ties, d.positive()), (3, 2, 3));
        for (i, &v) in values.iter().enumerate() {
            let got = d.value_at_rank(i as u64 + 1).expect("non-empty");
            assert!(
                (got - v).abs() <= v.abs() * d.pos.relative_accuracy(),
                "rank {}: {got} vs {v}",
                i + 1
            );
        }
        assert_eq!(d.quantile(0.5), Some(0.0));
        assert!((d.sum.mean() - (-300.0 - 20.0 - 1.0 + 5.0 + 70.0 + 900.0) / 8.0).abs() < 1e-9);
        let b = d.buckets();
        assert!(b.windows(2).all(|w| w[0].1 <= w[1].0));
        assert_eq!(b.iter().map(|x| x.2).sum::<u64>(), 8);
    }

    #[test]
    fn all_ties() {
        let mut d = DiffAcc::new();
        (0..10).for_each(|_| d.add(0.0));
        assert_eq!(d.quantile(0.05), Some(0.0));
        assert_eq!(d.quantile(0.95), Some(0.0));
        assert_eq!(d.sum.mean(), 0.0);
        assert_eq!(d.sum.variance(), 0.0);
        assert_eq!(d.buckets(), vec![(0.0, 0.0, 10)]);
    }

    proptest! {
        #[test]
        fn merge_is_order_independent(xs in proptest::collection::vec(-1e7f64..1e7, 0..100), cut in 0usize..100) {
            let [all, a, ba] =
                crate::stats::split_merges(&xs, cut, DiffAcc::new, DiffAcc::add, DiffAcc::merge);
            prop_assert_eq!(&a, &all);
            prop_assert_eq!(&ba, &all);
        }

        #[test]
        fn quantiles_are_monotone(xs in proptest::collection::vec(-1e6f64..1e6, 1..100)) {
            let mut d = DiffAcc::new();
            xs.iter().for_each(|&x| d.add(x));
            let mut last = f64::NEG_INFINITY;
            for i in 0..=20 {
                let q = d.quantile(i as f64 / 20.0).expect("non-empty");
                prop_assert!(q >= last);
                last = q;
            }
        }
    }
}
