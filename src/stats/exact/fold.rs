//! [`Fold`]: a batch of values' fixed-point sums gathered in 128 bits and
//! added to an [`ExactSum`] once. Everything micro-optimised about exact
//! sums lives here.
//!
//! # Contract
//!
//! Adding values through a `Fold` ([`Fold::add`], [`Fold::add_point`],
//! [`Fold::add_zeros`]) and then [`Fold::finish`] into an `ExactSum`
//! gives that `ExactSum`, bit for bit, what [`ExactSum::add`],
//! [`ExactSum::add_batch`] and [`ExactSum::add_zeros`] give for the same
//! values one at a time. Why it holds:
//!
//! - Each value is rounded to the fixed point by the same function:
//!   [`fixed_i128`] is `fixed`'s first two branches (an i64 below
//!   `WIDE_FROM`, 9·10¹⁸, converted without `as`'s saturating checks,
//!   which that bound makes dead; `wide_whole` below 2¹²⁷); any other
//!   value (larger, NaN, infinite) goes through `fixed` itself into the
//!   256-bit sum at once, as before ([`spill`]).
//! - Integer addition is associative and commutative: the sum gathered
//!   apart and added once is the sum added one at a time. The gathering
//!   never wraps: a sum that would overflow 128 bits goes into the 256-bit
//!   sum first ([`gather`]; values below 2⁶³, every value but the squares
//!   of losses above about 46 000, cannot get there: 2⁶⁴ of them stay
//!   below 2¹²⁷).
//! - A zero adds nothing either way: `ExactSum::add` skips it, and its
//!   fixed point here is 0 (−0.0 too: −0.5 truncates to 0), so folds take
//!   zeros without a branch.
//!
//! What pins it: `folds_equal_one_at_a_time` and its proptest (zeros,
//! signs, values on both sides of each branch's bound and far beyond, NaN
//! and infinities, sums that overflow 128 bits; each path counted),
//! `fixed_i128_is_fixed`, and the engine's `the_buffer_size_changes_nothing`.

use super::{fixed, wide_whole, ExactSum, Wide, I128_LIMIT, SCALE, WIDE_FROM};

/// `fixed(v)` when it fits an i128 (|v| < 2¹²⁷, not NaN): its first two
/// branches, the first without `as`'s saturating checks; `None` otherwise
/// (then `fixed(v)` is needed).
#[inline(always)]
fn fixed_i128(v: f64) -> Option<i128> {
    let r = v + 0.5f64.copysign(v);
    let a = r.abs();
    if a < WIDE_FROM {
        // SAFETY: |r| < 9·10¹⁸ < 2⁶³ and r is not NaN (the comparison
        // failed otherwise): truncated, r fits an i64, and this is what
        // `r as i64` gives without its checks.
        Some(i128::from(unsafe { r.to_int_unchecked::<i64>() }))
    } else if a < I128_LIMIT {
        Some(wide_whole(r))
    } else {
        None
    }
}

/// Add a fixed point `v` to a fold's 128-bit sum `acc`; on overflow
/// (never from values below 2⁶³, of which 2⁶⁴ fit) `acc` goes into `into`
/// first, so that no bit is lost.
#[inline(always)]
fn gather(acc: &mut i128, into: &mut Wide, v: i128) {
    let (sum, overflow) = acc.overflowing_add(v);
    if overflow {
        spill_acc(acc, into, v);
    } else {
        *acc = sum;
    }
}

/// The overflow path of [`gather`].
#[cold]
#[inline(never)]
fn spill_acc(acc: &mut i128, into: &mut Wide, v: i128) {
    into.add(Wide::from_i128(*acc));
    *acc = v;
}

/// Add `fixed(v)` to a 256-bit sum: the path of values whose fixed point
/// needs more than an i128.
#[cold]
#[inline(never)]
fn spill(into: &mut Wide, v: f64) {
    into.add(fixed(v));
}

/// A value's fixed point, worked out once for several folds
/// ([`Fold::add_point`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    /// The value times the scale.
    scaled: f64,
    small: Option<i128>,
}

/// The fixed point of `x` (as `ExactSum::add` rounds it).
#[inline(always)]
pub(crate) fn point(x: f64) -> Point {
    let scaled = x * SCALE;
    Point {
        scaled,
        small: fixed_i128(scaled),
    }
}

/// Count, sum and sum of squares of values not yet added to an
/// [`ExactSum`] (see the module's contract).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fold {
    n: u64,
    sum: i128,
    sum_sq: i128,
}

impl Fold {
    /// `into.add(x)`, its small fixed points gathered here.
    #[inline(always)]
    pub(crate) fn add(&mut self, x: f64, into: &mut ExactSum) {
        self.add_point(1, point(x), x * x, into);
    }

    /// `into.add_batch(n, sum, sum_sq)` with `sum` as its [`point`], its
    /// small fixed points gathered here.
    #[inline(always)]
    pub(crate) fn add_point(&mut self, n: u64, sum: Point, sum_sq: f64, into: &mut ExactSum) {
        self.n += n;
        match sum.small {
            Some(v) => gather(&mut self.sum, &mut into.sum, v),
            None => spill(&mut into.sum, sum.scaled),
        }
        let sq = sum_sq * SCALE;
        match fixed_i128(sq) {
            Some(v) => gather(&mut self.sum_sq, &mut into.sum_sq, v),
            None => spill(&mut into.sum_sq, sq),
        }
    }

    /// `into.add_zeros(n)`.
    #[inline(always)]
    pub(crate) fn add_zeros(&mut self, n: u64) {
        self.n += n;
    }

    /// Add what was gathered to `into`.
    #[inline]
    pub(crate) fn finish(self, into: &mut ExactSum) {
        into.n += self.n;
        if self.sum != 0 {
            into.sum.add(Wide::from_i128(self.sum));
        }
        if self.sum_sq != 0 {
            into.sum_sq.add(Wide::from_i128(self.sum_sq));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Which of `fixed`'s paths a scaled value takes: 0 the i64 one, 1
    /// the i128 one, 2 neither.
    fn path(v: f64) -> usize {
        let r = (v + 0.5f64.copysign(v)).abs();
        if r < WIDE_FROM {
            0
        } else if r < I128_LIMIT {
            1
        } else {
            2
        }
    }

    /// Values whose fixed points (and their squares') sit on both sides of
    /// each branch's bound, and far beyond.
    fn edges() -> Vec<f64> {
        let mut v = vec![0.0, -0.0, 1e-12, 0.25, 4.0, 1234.5678, 3e14, 1e20, 1e40];
        for bound in [WIDE_FROM / SCALE, I128_LIMIT / SCALE] {
            for b in [bound, bound.sqrt()] {
                v.extend([
                    b,
                    f64::from_bits(b.to_bits() - 1),
                    f64::from_bits(b.to_bits() + 1),
                ]);
            }
        }
        v.extend([2f64.powi(63) / SCALE, f64::MAX, f64::INFINITY, f64::NAN]);
        v.extend(v.clone().into_iter().map(|x| -x));
        v
    }

    #[test]
    fn fixed_i128_is_fixed() {
        let mut paths = [0; 3];
        for x in edges() {
            for v in [x * SCALE, x * x * SCALE, x, x * 0.5 + 0.25] {
                paths[path(v)] += 1;
                match fixed_i128(v) {
                    Some(s) => assert_eq!(Wide::from_i128(s), fixed(v), "{v:e}"),
                    None => assert_eq!(path(v), 2, "{v:e}"),
                }
            }
        }
        assert!(paths.iter().all(|&n| n > 10), "{paths:?}");
    }

    #[test]
    fn gather_spills_what_would_overflow() {
        let big = i128::MAX - 5;
        for (acc, v) in [(big, 10), (-big, -10), (big, -10), (3, 4)] {
            let (mut a, mut into) = (acc, Wide::from_i128(7));
            gather(&mut a, &mut into, v);
            // acc + v + 7, in 256 bits, however it is split.
            let mut want = Wide::from_i128(acc);
            want.add(Wide::from_i128(v));
            want.add(Wide::from_i128(7));
            into.add(Wide::from_i128(a));
            assert_eq!(into, want, "{acc} + {v}");
        }
    }

    /// Fold `xs` (as `add`) and `batches` (as `add_batch`, the sum shared
    /// by two folds as the engine shares a downtime) in chunks of `chunk`,
    /// against the plain path; counts the scaled values by path.
    fn check(xs: &[f64], batches: &[(u64, f64, f64)], chunk: usize) -> [usize; 3] {
        let (mut plain, mut folded) = (ExactSum::default(), ExactSum::default());
        let (mut plain_b, mut folded_b) = (ExactSum::default(), ExactSum::default());
        for &x in xs {
            plain.add(x);
        }
        for &(n, s, q) in batches {
            plain_b.add_batch(n, s, q);
            plain.add(s);
        }
        let mut paths = [0; 3];
        for part in xs.chunks(chunk.max(1)) {
            let mut f = Fold::default();
            for &x in part {
                f.add(x, &mut folded);
                paths[path(x * SCALE)] += 1;
                paths[path(x * x * SCALE)] += 1;
            }
            f.finish(&mut folded);
        }
        for part in batches.chunks(chunk.max(1)) {
            let (mut f, mut g) = (Fold::default(), Fold::default());
            for &(n, s, q) in part {
                let p = point(s);
                g.add_point(1, p, s * s, &mut folded);
                f.add_point(n, p, q, &mut folded_b);
            }
            f.finish(&mut folded_b);
            g.finish(&mut folded);
        }
        assert_eq!(folded, plain, "{xs:?} {batches:?}");
        assert_eq!(folded_b, plain_b, "{xs:?} {batches:?}");
        paths
    }

    #[test]
    fn folds_equal_one_at_a_time() {
        let xs = edges();
        let batches: Vec<_> = xs
            .iter()
            .zip(xs.iter().rev())
            .enumerate()
            .map(|(i, (&s, &q))| (i as u64 % 3, s, q))
            .collect();
        for chunk in [1, 5, 32, 1000] {
            let paths = check(&xs, &batches, chunk);
            assert!(paths.iter().all(|&n| n > 10), "{paths:?}");
        }
        // Many values of one sign just below each bound: a fold of 32 and
        // far more, the i128 sums overflowing (into the 256-bit sum).
        for bound in [WIDE_FROM / SCALE, I128_LIMIT / SCALE] {
            for x in [bound, bound.sqrt()] {
                let near = f64::from_bits(x.to_bits() - 1);
                for chunk in [32, 4096] {
                    for x in [near, -near] {
                        check(&vec![x; 4096], &[(1, x, x.abs()); 64], chunk);
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn folds_equal_one_at_a_time_on_any_values(
            xs in proptest::collection::vec(prop_oneof![
                Just(0.0),
                -1e6f64..1e6,
                -3e9f64..3e9,
                -1e28f64..1e28,
                any::<f64>(),
            ], 0..80),
            chunk in 1usize..40,
        ) {
            let batches: Vec<_> = xs.iter().map(|&x| (2, x, x * x * 0.5)).collect();
            check(&xs, &batches, chunk);
        }
    }
}
