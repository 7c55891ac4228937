//! A log-linear histogram of non-negative values with a stated relative
//! accuracy, exactly mergeable (integer counts).
//!
//! A positive f64's bit pattern orders like the value; keeping its exponent
//! and the top `M` bits of its mantissa gives buckets whose width is at most
//! 2^-M of their lower bound. Reporting a bucket's midpoint, clamped to the
//! observed min and max, is then within 2^-(M+1) of the true order
//! statistic: ±0.39% for M = 7 (annual losses), ±1.6% for M = 5 (per
//! service figures). Values below [`ZERO_BELOW`] count as zero.

use serde::{Deserialize, Serialize};

/// Values below this count as exactly zero (a millisecond in hours, a
/// thousandth of a currency unit).
pub(crate) const ZERO_BELOW: f64 = 1e-6;

/// The most mantissa bits for which [`compact`] keys fit in 16 bits: 32
/// buckets per octave over the ~1040 octaves from [`ZERO_BELOW`] to the
/// largest double.
pub(crate) const COMPACT_BITS: u32 = 5;

/// The bucket key of a non-negative value: its exponent and top `bits`
/// mantissa bits (a positive f64's bit pattern orders like the value).
#[inline]
fn key(x: f64, bits: u32) -> u64 {
    x.to_bits() >> (52 - bits)
}

/// A value reduced to its bucket in a histogram of `bits` (at most
/// [`COMPACT_BITS`]) mantissa bits, in 16 bits, for buffering many values
/// before adding them ([`LogHist::add_compact_n`]; min and max go through
/// [`LogHist::observe`]): 0 for a value that counts as zero, else one more
/// than its bucket's distance above the bucket of [`ZERO_BELOW`].
#[inline]
pub(crate) fn compact(bits: u32, x: f64) -> u16 {
    debug_assert!(bits <= COMPACT_BITS);
    if x.is_finite() && x >= ZERO_BELOW {
        (key(x, bits) - key(ZERO_BELOW, bits) + 1) as u16
    } else {
        0
    }
}

/// Widen `counts`, whose first bucket has key `offset`, to cover key `k`,
/// which lies outside it; returns `k`'s index. With `exact`, to exactly
/// that capacity: a histogram's range widens rarely once a run is under
/// way, and a large estate holds tens of thousands of histograms, which
/// doubling capacities would leave up to half empty (a batch, small and
/// hot, keeps the doubling: it widens often at first, and moving it each
/// time scatters the batches).
fn widen<T: Copy + Default>(counts: &mut Vec<T>, offset: &mut u64, k: u64, exact: bool) -> usize {
    if counts.is_empty() {
        *offset = k;
        counts.push(T::default());
    } else if k < *offset {
        let grow = (*offset - k) as usize;
        if exact {
            let mut wider = Vec::with_capacity(grow + counts.len());
            wider.resize(grow, T::default());
            wider.extend_from_slice(counts);
            *counts = wider;
        } else {
            counts.splice(0..0, std::iter::repeat_n(T::default(), grow));
        }
        *offset = k;
    } else {
        let len = (k - *offset + 1) as usize;
        if exact {
            counts.reserve_exact(len - counts.len());
        }
        counts.resize(len, T::default());
    }
    (k - *offset) as usize
}

/// Keep an exact histogram's per-bucket ranges in step with its counts,
/// whose first key moved from `before` to `offset` and which now hold
/// `len` buckets (new buckets hold the empty range).
fn align_range(range: &mut Vec<[f64; 2]>, before: u64, offset: u64, len: usize) {
    const EMPTY: [f64; 2] = [f64::MAX, 0.0];
    if range.is_empty() {
        range.resize(len, EMPTY);
        return;
    }
    if offset < before {
        let grow = (before - offset) as usize;
        range.splice(0..0, std::iter::repeat_n(EMPTY, grow));
    }
    range.resize(len, EMPTY);
}

mod batch;
mod ranges;
pub(crate) use batch::Batch;

/// A log-linear histogram (see the module doc).
///
/// A histogram made with [`LogHist::exact`] also keeps each bucket's
/// exact minimum and maximum, which merge exactly: a quantile that falls
/// in a bucket whose values are all equal is reported exactly (an atom,
/// such as a fixed cost), and never outside its bucket's observed range.
/// Such a histogram takes its values through [`LogHist::add`]; one made
/// with [`LogHist::sampled`] takes them through batches, and its ranges
/// hold the extremes the batches were given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogHist {
    /// Mantissa bits kept per bucket.
    bits: u32,
    zeros: u64,
    /// Key of `counts[0]`.
    offset: u64,
    counts: Vec<u64>,
    min: f64,
    max: f64,
    /// Per bucket of `counts`, the least and the greatest value counted
    /// in it ([`LogHist::exact`] histograms only; empty buckets hold
    /// (+MAX, 0)).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "ranges")]
    range: Option<Vec<[f64; 2]>>,
}

impl LogHist {
    /// An empty histogram keeping `bits` mantissa bits (1..=12).
    pub fn new(bits: u32) -> LogHist {
        LogHist {
            bits: bits.clamp(1, 12),
            zeros: 0,
            offset: 0,
            counts: Vec::new(),
            // Finite sentinels (values are >= 0), so the histogram
            // round-trips through JSON.
            min: f64::MAX,
            max: 0.0,
            range: None,
        }
    }

    /// An empty histogram fed through batches ([`LogHist::add_via`]) that
    /// keeps, per bucket, the least and the greatest of the extremes each
    /// batch call was given (a trial's shortest and longest outage of one
    /// service): a subset of the bucket's values, so a quantile read in a
    /// bucket stays within it, and a bucket whose every value is one atom
    /// (a fixed repair of exactly 4 h) reads exactly that value.
    pub fn sampled(bits: u32) -> LogHist {
        LogHist::exact(bits)
    }

    /// Whether it keeps per-bucket ranges ([`LogHist::exact`],
    /// [`LogHist::sampled`]).
    pub(crate) fn keeps_ranges(&self) -> bool {
        self.range.is_some()
    }

    /// An empty histogram that also keeps each bucket's exact minimum and
    /// maximum (see [`LogHist`]).
    pub fn exact(bits: u32) -> LogHist {
        LogHist {
            range: Some(Vec::new()),
            ..LogHist::new(bits)
        }
    }

    /// The relative accuracy of reported quantiles.
    pub fn relative_accuracy(&self) -> f64 {
        0.5f64.powi(self.bits as i32 + 1)
    }

    #[inline]
    fn key(&self, x: f64) -> u64 {
        key(x, self.bits)
    }

    /// Record one value (negative and NaN values count as zero).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_n(x, 1);
    }

    /// Record `n` copies of one value.
    #[inline]
    pub fn add_n(&mut self, x: f64, n: u64) {
        if n == 0 {
            return;
        }
        // NaN, infinities and negatives count as zero.
        let x = if x.is_finite() && x > 0.0 { x } else { 0.0 };
        // Plain comparisons: x is finite here, and the branches are
        // predictable, unlike f64::max's NaN handling.
        if x > self.max {
            self.max = x;
        }
        if x < self.min {
            self.min = x;
        }
        if x < ZERO_BELOW {
            self.zeros += n;
            return;
        }
        let k = self.key(x);
        let index = k.wrapping_sub(self.offset);
        let index = if index < self.counts.len() as u64 {
            self.counts[index as usize] += n;
            index as usize
        } else {
            self.grow_and_add(k, n)
        };
        if let Some(range) = &mut self.range {
            let r = &mut range[index];
            // Plain comparisons: x is finite here, and so are the ranges
            // (a histogram read from outside passed `check`).
            if x < r[0] {
                r[0] = x;
            }
            if x > r[1] {
                r[1] = x;
            }
        }
    }

    /// Record `n` values given as `compact` made them for this histogram's
    /// bits (the min and max as [`LogHist::observe`] makes them). Adding
    /// every value this way gives the same histogram as [`LogHist::add`].
    #[inline]
    pub(crate) fn add_compact_n(&mut self, k: u16, n: u64) {
        if k == 0 {
            self.zeros += n;
            return;
        }
        let key = self.key(ZERO_BELOW) + u64::from(k) - 1;
        let index = key.wrapping_sub(self.offset);
        if index < self.counts.len() as u64 {
            self.counts[index as usize] += n;
        } else {
            self.grow_and_add(key, n);
        }
    }

    /// Add every value counted in `batch` (made with this histogram's bits)
    /// and empty it; it keeps its range for the next batch. The same
    /// histogram as adding each value with [`LogHist::add`].
    pub fn absorb(&mut self, batch: &mut Batch) {
        if !batch.added {
            return;
        }
        let first = self.key(ZERO_BELOW) - 1 + batch.offset;
        // Only the buckets between those of the batch's least and greatest
        // value can hold counts (its range is every bucket it has seen, a
        // scan of which, at every chunk, cost a 10 000-service estate
        // more than a trial).
        let at = |x: f64, none: usize| {
            if x.is_finite() {
                (u64::from(compact(self.bits, x)).saturating_sub(batch.offset) as usize)
                    .min(batch.counts.len())
            } else {
                none
            }
        };
        let end = batch.counts.len();
        let (from, to) = (
            at(batch.min, 0),
            at(batch.max, end).saturating_add(1).min(end),
        );
        let counts = &mut batch.counts[from..to.max(from)];
        // Widened at once to the batch's outermost counts, not bucket by
        // bucket (a new histogram's first batch would grow it each time).
        let (lo, hi) = (
            counts.iter().position(|&c| c > 0),
            counts.iter().rposition(|&c| c > 0),
        );
        let (Some(lo), Some(hi)) = (lo, hi) else {
            self.finish_absorb(batch);
            return;
        };
        let first = first + from as u64;
        for j in [lo, hi] {
            let key = first + j as u64;
            if key.wrapping_sub(self.offset) >= self.counts.len() as u64 {
                self.grow_and_add(key, 0);
            }
        }
        // The histogram now covers every bucket from the batch's first
        // count to its last: add them all, zeros too (adding 0 changes no
        // count), in one loop without a branch, which the compiler
        // vectorises (most buckets in between hold a count, but which do
        // is a coin flip for the branch predictor).
        let start = (first + lo as u64 - self.offset) as usize;
        let counts = &mut counts[lo..=hi];
        for (into, count) in self.counts[start..start + counts.len()]
            .iter_mut()
            .zip(counts.iter())
        {
            *into += u64::from(*count);
        }
        counts.fill(0);
        self.finish_absorb(batch);
    }

    /// The end of [`LogHist::absorb`]: the batch's zeros and extremes, and
    /// the batch emptied.
    fn finish_absorb(&mut self, batch: &mut Batch) {
        self.zeros += batch.zeros;
        self.observe(batch.min, batch.max);
        batch.zeros = 0;
        batch.added = false;
        batch.min = f64::INFINITY;
        batch.max = 0.0;
    }

    /// Widen the ranges of the buckets of `lo` and `hi`, the least and the
    /// greatest of values counted through a batch ([`LogHist::sampled`]);
    /// a bucket not yet in `counts` is made, its count to come from the
    /// batch.
    #[inline]
    pub(crate) fn see(&mut self, lo: f64, hi: f64) {
        if lo.to_bits() == hi.to_bits() {
            // One value (a single outage): one bucket, the same as below.
            if let Some(a) = self.see_key(lo) {
                self.see_one(a, lo, lo);
            }
            return;
        }
        self.see_two(lo, hi);
    }

    /// [`LogHist::see`] for any two values.
    #[inline]
    fn see_two(&mut self, lo: f64, hi: f64) {
        let (a, b) = (self.see_key(lo), self.see_key(hi));
        if let Some(a) = a {
            self.see_one(a, lo, if Some(a) == b { hi } else { lo });
        }
        if let Some(b) = b.filter(|&b| Some(b) != a) {
            self.see_one(b, hi, hi);
        }
    }

    /// The key of a value that [`LogHist::see`] takes: none for one that
    /// counts as zero.
    #[inline]
    fn see_key(&self, x: f64) -> Option<u64> {
        (x.is_finite() && x >= ZERO_BELOW).then(|| self.key(x))
    }

    #[inline]
    fn see_one(&mut self, k: u64, lo: f64, hi: f64) {
        let mut index = k.wrapping_sub(self.offset);
        if index >= self.counts.len() as u64 {
            index = self.grow_and_add(k, 0) as u64;
        }
        if let Some(range) = &mut self.range {
            let r = &mut range[index as usize];
            // Plain comparisons: the values are finite here.
            if lo < r[0] {
                r[0] = lo;
            }
            if hi > r[1] {
                r[1] = hi;
            }
        }
    }

    /// Count values given by their compact keys (min `lo`, max `hi`) into
    /// `batch`, this histogram's batch.
    #[inline]
    pub fn add_via(&mut self, batch: &mut Batch, keys: &[u16], lo: f64, hi: f64) {
        batch.add(self, keys, lo, hi);
    }

    /// Count `n` zeros into `batch`, this histogram's batch, as `n` keys
    /// of 0 would ([`LogHist::add_via`]; their least value, 0, is the
    /// caller's to give as a `lo` there).
    #[inline]
    pub(crate) fn add_zeros_via(&mut self, batch: &mut Batch, n: u64) {
        batch.zeros += n;
        batch.added |= n > 0;
    }

    /// Take `lo` and `hi` into the observed min and max (the extremes of
    /// values added through compact keys (`LogHist::add_compact_n`, batches)).
    pub fn observe(&mut self, lo: f64, hi: f64) {
        let clean = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
        let (lo, hi) = (clean(lo), clean(hi));
        if hi > self.max {
            self.max = hi;
        }
        if lo < self.min {
            self.min = lo;
        }
    }

    /// The slow path of [`LogHist::add_n`]: widen the bucket range to
    /// cover key `k`; returns its index.
    #[cold]
    fn grow_and_add(&mut self, k: u64, n: u64) -> usize {
        let before = self.offset;
        let index = widen(&mut self.counts, &mut self.offset, k, true);
        self.counts[index] += n;
        if let Some(range) = &mut self.range {
            align_range(range, before, self.offset, self.counts.len());
        }
        index
    }

    /// How many values were added, zeros included.
    pub fn count(&self) -> u64 {
        self.zeros + self.counts.iter().sum::<u64>()
    }

    /// The largest value added; `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.count() > 0).then_some(self.max)
    }

    /// The smallest value added; `None` when empty.
    pub fn min(&self) -> Option<f64> {
        (self.count() > 0).then_some(self.min)
    }

    /// Merge another histogram with the same resolution.
    pub fn merge(&mut self, other: &LogHist) {
        debug_assert_eq!(self.bits, other.bits);
        self.zeros += other.zeros;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.offset = other.offset;
            self.counts = other.counts.clone();
            if let (Some(mine), Some(theirs)) = (&mut self.range, &other.range) {
                mine.clone_from(theirs);
            }
            return;
        }
        let before = self.offset;
        let lo = self.offset.min(other.offset);
        let hi =
            (self.offset + self.counts.len() as u64).max(other.offset + other.counts.len() as u64);
        if lo < self.offset {
            let grow = (self.offset - lo) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = lo;
        }
        self.counts.resize((hi - lo) as usize, 0);
        let start = (other.offset - self.offset) as usize;
        for (c, o) in self.counts[start..].iter_mut().zip(&other.counts) {
            *c += o;
        }
        if let (Some(mine), Some(theirs)) = (&mut self.range, &other.range) {
            align_range(mine, before, self.offset, self.counts.len());
            for (r, o) in mine[start..].iter_mut().zip(theirs) {
                r[0] = r[0].min(o[0]);
                r[1] = r[1].max(o[1]);
            }
        }
    }

    /// Check a histogram read from outside (a partial result) before
    /// anything uses it: the resolution `bits` it must have, finite and
    /// ordered extremes, buckets inside the range of finite values, and a
    /// count that fits in 64 bits. The methods of a histogram that passes
    /// cannot panic.
    ///
    /// # Errors
    /// What is wrong, naming the field.
    pub fn check(&self, bits: u32, exact: bool) -> Result<(), String> {
        self.check_ranges(bits, exact, false)
    }

    /// [`LogHist::check`] for a histogram whose per-bucket ranges hold the
    /// extremes its batches saw ([`LogHist::sampled`]): a counted bucket
    /// may have none.
    ///
    /// # Errors
    /// What is wrong, naming the field.
    pub fn check_sampled(&self, bits: u32) -> Result<(), String> {
        self.check_ranges(bits, true, true)
    }

    fn check_ranges(&self, bits: u32, exact: bool, sampled: bool) -> Result<(), String> {
        if self.bits != bits {
            return Err(format!(
                "bits is {}, but this histogram keeps {bits} mantissa bits",
                self.bits
            ));
        }
        if self.range.is_some() != exact {
            return Err(if exact {
                "it has no per-bucket range, but this histogram keeps one".to_string()
            } else {
                "it has a per-bucket range, but this histogram keeps none".to_string()
            });
        }
        for (name, x) in [("min", self.min), ("max", self.max)] {
            if !x.is_finite() || x < 0.0 {
                return Err(format!("{name} is {x}: it must be a finite value >= 0"));
            }
        }
        let mut count = self.zeros;
        for &c in &self.counts {
            count = count
                .checked_add(c)
                .ok_or("its counts add up to more than 2^64")?;
        }
        if count > 0 && self.min > self.max {
            return Err(format!(
                "min ({}) is above max ({}) in a histogram of {count} value(s)",
                self.min, self.max
            ));
        }
        if count == 0 && (self.min != f64::MAX || self.max != 0.0) {
            return Err("an empty histogram has min and max set".to_string());
        }
        if self.counts.is_empty() {
            return Ok(());
        }
        // Keys of finite values >= ZERO_BELOW.
        let first = self.key(ZERO_BELOW);
        let last = self.key(f64::MAX);
        let end = self.offset.checked_add(self.counts.len() as u64 - 1);
        if self.offset < first || end.is_none_or(|e| e > last) {
            return Err(format!(
                "its {} bucket(s) from key {} lie outside the keys of finite values ({first} to \
                 {last})",
                self.counts.len(),
                self.offset
            ));
        }
        if self.counts.first() == Some(&0) || self.counts.last() == Some(&0) {
            return Err(
                "its first or last bucket is empty (a histogram keeps only the range \
                        its values cover)"
                    .to_string(),
            );
        }
        if let Some(range) = &self.range {
            if range.len() != self.counts.len() {
                return Err(format!(
                    "range has {} bucket(s), but counts has {}",
                    range.len(),
                    self.counts.len()
                ));
            }
            // Each bucket's least and greatest value were counted in it.
            for (i, (&[lo, hi], &c)) in range.iter().zip(&self.counts).enumerate() {
                let key = self.offset + i as u64;
                let ok = if c == 0 || (sampled && lo == f64::MAX && hi == 0.0) {
                    lo == f64::MAX && hi == 0.0
                } else {
                    lo.is_finite()
                        && hi.is_finite()
                        && lo <= hi
                        && lo >= ZERO_BELOW
                        && self.key(lo) == key
                        && self.key(hi) == key
                };
                if !ok {
                    return Err(format!(
                        "range[{i}] is [{lo}, {hi}], which is not the range of {c} value(s) in \
                         bucket {i}"
                    ));
                }
            }
        }
        // The largest value lies in the last bucket (to rounding).
        let (lo, hi) = self.bucket_bounds(self.counts.len() - 1);
        if self.max < lo * (1.0 - 1e-9) || self.max > hi * (1.0 + 1e-9) {
            return Err(format!(
                "max ({}) is not in its last bucket ({lo} to {hi})",
                self.max
            ));
        }
        Ok(())
    }

    /// The lower and upper bound of bucket `i` of `counts`.
    fn bucket_bounds(&self, i: usize) -> (f64, f64) {
        let k = self.offset + i as u64;
        let shift = 52 - self.bits;
        (f64::from_bits(k << shift), f64::from_bits((k + 1) << shift))
    }

    /// The representative value of bucket `i` of `counts`: its midpoint,
    /// clamped to the observed range (the bucket's own, in an exact
    /// histogram: its one value when all its values are equal).
    fn bucket_value(&self, i: usize) -> f64 {
        let k = self.offset + i as u64;
        let shift = 52 - self.bits;
        let lo = f64::from_bits(k << shift);
        let hi = f64::from_bits((k + 1) << shift);
        let (min, max) = match &self.range {
            // A sampled histogram's bucket may have no extremes seen.
            Some(range) if range[i][0] <= range[i][1] => (range[i][0], range[i][1]),
            _ => (self.min, self.max),
        };
        // `max` first: a corrupt or empty range cannot panic the clamp.
        (0.5 * (lo + hi)).min(max).max(min)
    }

    /// The greatest value counted in bucket `i`: exact in an exact
    /// histogram, else the bucket's upper bound within the observed range.
    fn bucket_max(&self, i: usize) -> f64 {
        match &self.range {
            Some(range) => range[i][1],
            None => {
                let k = self.offset + i as u64 + 1;
                f64::from_bits(k << (52 - self.bits)).min(self.max)
            }
        }
    }

    /// The value of 1-based rank `rank` (1 ≤ rank ≤ count), within the
    /// stated relative accuracy. `None` when empty.
    pub fn value_at_rank(&self, rank: u64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = rank.clamp(1, n);
        if rank <= self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(self.bucket_value(i));
            }
        }
        Some(self.max)
    }

    /// The p-quantile (lower empirical quantile: the value at rank ⌈p·n⌉).
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let n = self.count();
        let rank = (p.clamp(0.0, 1.0) * n as f64).ceil() as u64;
        self.value_at_rank(rank)
    }

    /// A distribution-free 95% confidence interval of the p-quantile from
    /// order statistics at ranks n·p ± 1.96·√(n·p·(1 − p)).
    pub fn quantile_ci(&self, p: f64) -> Option<(f64, f64)> {
        let n = self.count() as f64;
        let half = 1.96 * (n * p * (1.0 - p)).sqrt();
        let lo = (n * p - half).floor().max(1.0) as u64;
        let hi = (n * p + half).ceil() as u64;
        Some((self.value_at_rank(lo)?, self.value_at_rank(hi)?))
    }

    /// The expected shortfall at level `p` (TVaR): the mean of the worst
    /// (1 − p)·n values, with the value at the quantile counted for the
    /// fraction of it that the worst (1 − p)·n cut (Acerbi and Tasche,
    /// 2002). With many values equal to the quantile (an atom, such as the
    /// years without loss) it is the mean of the worst (1 − p)·n values,
    /// not of every value at or above the quantile. Values are bucket
    /// representatives ([`LogHist::quantile`]'s accuracy; exact for atoms
    /// in an exact histogram). `None` when empty.
    pub fn tail_mean(&self, p: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let p = p.clamp(0.0, 1.0);
        // The worst k = n − p·n values (so written, k is exact where p·n
        // is: 1 − 0.95 is not 0.05 in binary).
        let k = (n as f64 - p * n as f64).max(f64::MIN_POSITIVE);
        let mut left = k;
        let mut total = 0.0;
        // The smallest and largest value taken: the mean lies between
        // them, also after the rounding of `total / k` (which put the
        // mean of years that all lost 47 at 47.000000000000014, above
        // the worst year).
        let (mut least, mut most) = (0.0, None);
        for (i, &c) in self.counts.iter().enumerate().rev() {
            if c == 0 {
                continue;
            }
            let take = (c as f64).min(left);
            let value = self.bucket_value(i);
            total += value * take;
            most.get_or_insert(value);
            least = value;
            left -= take;
            if left <= 0.0 {
                break;
            }
        }
        if left > 0.0 {
            // What is left comes from the zeros, which add nothing.
            least = 0.0;
        }
        Some((total / k).clamp(least, most.unwrap_or(0.0)))
    }

    /// The fraction of values strictly above `x`: exact for `x` = 0, and
    /// in an exact histogram unless `x` lies within the observed range of
    /// its bucket (then that bucket's values count as not above); else to
    /// bucket resolution.
    pub fn exceedance_of(&self, x: f64) -> f64 {
        let n = self.count();
        if n == 0 {
            return 0.0;
        }
        let above: u64 = if x < ZERO_BELOW {
            n - self.zeros
        } else {
            let k = self.key(x);
            self.counts
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    let key = self.offset + *i as u64;
                    key > k || (key == k && self.range.as_ref().is_some_and(|r| r[*i][0] > x))
                })
                .map(|(_, c)| c)
                .sum()
        };
        above as f64 / n as f64
    }

    /// Points (value, probability that a value exceeds it) of the
    /// exceedance curve, one per non-empty bucket, ascending in value: the
    /// value is the greatest counted in the bucket ([`LogHist::exact`]
    /// histograms; else the bucket's upper bound within the observed
    /// range), so each probability is the exact fraction of values
    /// strictly above it. The zeros give no point.
    pub fn exceedance(&self) -> Vec<(f64, f64)> {
        let n = self.count() as f64;
        let mut above = self.count() - self.zeros;
        let mut out = Vec::new();
        for (i, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            above -= c;
            out.push((self.bucket_max(i), above as f64 / n));
        }
        out
    }

    /// Non-empty buckets as (lower bound, upper bound, count), plus the
    /// zeros as (0, 0, count) first when there are any.
    pub fn buckets(&self) -> Vec<(f64, f64, u64)> {
        let shift = 52 - self.bits;
        let mut out = Vec::new();
        if self.zeros > 0 {
            out.push((0.0, 0.0, self.zeros));
        }
        for (i, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                let k = self.offset + i as u64;
                out.push((
                    f64::from_bits(k << shift),
                    f64::from_bits((k + 1) << shift),
                    c,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
