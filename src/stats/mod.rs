//! Mergeable accumulators and the summary built from them.

pub(crate) mod acc;
pub(crate) mod comparison;
pub(crate) mod diff;
pub(crate) mod drill;
pub(crate) mod exact;
pub(crate) mod hist;
pub(crate) mod period;
pub(crate) mod summary;
pub(crate) mod sweep;

pub use acc::Accumulator;
pub use acc::{CauseAcc, ServiceAcc};
pub use drill::{
    BusinessRecovery, DrillSummary, MbcoRecovery, PathEntry, RecoveryCurve, ServiceDrill, Stats,
    Timeline, DRILL_SCHEMA_VERSION,
};
pub use exact::ExactSum;
pub use hist::LogHist;
pub use summary::{
    AnnualLoss, AppetiteCheck, Mean, MeanP99, QuantileAccuracy, Quantiles, ServiceSummary, Summary,
    ThreatSummary, RANDOM_FAILURES, SCHEMA_VERSION,
};

/// z₀.₉₇₅ ≈ 1.96: the two-sided 95% normal quantile, for every 95%
/// confidence interval of a mean (and the Wilson interval of a share).
pub const Z975: f64 = 1.959_963_984_540_054;

/// How far a loss may come out above a money threshold it equals on paper
/// (a risk appetite point, a deductible, an aggregate limit) and still be
/// judged equal to it: a hundred-millionth of the threshold.
///
/// Times are whole ticks of 2⁻³⁰ h (`sim::clock`), so a duration that is
/// not a binary fraction of an hour (10 minutes, a second) comes out up to
/// half a tick off, and so does the money it loses: nine 10-minute outages
/// at 60 an hour lose 90.000000168, not 90, and a year that lost 90 on
/// paper counted as losing more than an appetite point of 90. Half a tick
/// is 2⁻³¹ h, a 3.7·10⁻⁹ share of a minute, so the slack covers the
/// revenue of stretches of a few minutes or more; it is 0.01 at a point
/// of 1 000 000. It is never more than [`MONEY_SLACK_MAX`] (half a unit):
/// a loss that reads more than the point in the whole units every report
/// writes money in is more than it (at a point of 10⁹ a relative slack
/// alone would let EUR 1,000,000,007 count as 1,000,000,000).
pub(crate) const MONEY_SLACK: f64 = 1e-8;

/// The most slack [`more_than`] gives, in currency units: half a unit.
pub(crate) const MONEY_SLACK_MAX: f64 = 0.5;

/// The slack of a money threshold `point` ([`MONEY_SLACK`]).
#[inline]
pub(crate) fn money_slack(point: f64) -> f64 {
    (MONEY_SLACK * point.abs()).min(MONEY_SLACK_MAX)
}

/// Whether `loss` is more than the threshold `point`, by more than its
/// [`money_slack`].
#[inline]
pub(crate) fn more_than(loss: f64, point: f64) -> bool {
    loss > point + money_slack(point)
}

/// For the merge tests of the accumulators: `[all, ab, ba]`, where `all`
/// adds every value of `xs` in order, and `ab` and `ba` merge the parts
/// before and after `cut` one way and the other.
#[cfg(test)]
pub(crate) fn split_merges<T: Clone>(
    xs: &[f64],
    cut: usize,
    new: impl Fn() -> T,
    add: impl Fn(&mut T, f64),
    merge: impl Fn(&mut T, &T),
) -> [T; 3] {
    let cut = cut.min(xs.len());
    let mut all = new();
    xs.iter().for_each(|&x| add(&mut all, x));
    let (mut a, mut b) = (new(), new());
    xs[..cut].iter().for_each(|&x| add(&mut a, x));
    xs[cut..].iter().for_each(|&x| add(&mut b, x));
    let mut ba = b.clone();
    merge(&mut ba, &a);
    merge(&mut a, &b);
    [all, a, ba]
}
