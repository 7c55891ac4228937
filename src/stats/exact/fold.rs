//! [`Fold`]: a batch of values' fixed-point sums gathered in 64 and 128
//! bits and added to an [`ExactSum`] once. Everything micro-optimised
//! about exact sums lives here.
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
//!   [`fixed_sized`] is `fixed`'s first two branches (an i64 below
//!   `WIDE_FROM`, 9·10¹⁸, converted without `as`'s saturating checks,
//!   which that bound makes dead; `wide_whole` below 2¹²⁷), sorted by
//!   size; any other value (larger, NaN, infinite) goes through `fixed`
//!   itself into the 256-bit sum at once, as before ([`spill`]).
//! - Integer addition is associative and commutative: the sums gathered
//!   apart and added once are the sum added one at a time. The gathering
//!   never wraps: values below 2⁵⁸ are summed in an i64, the others below
//!   2¹²⁷ in an i128, and a sum that would overflow its register goes
//!   into the 256-bit sum first ([`Sums`]; a batch of 32 small values
//!   cannot get there, nor can 2⁶⁴ values below 2⁶³ in 128 bits).
//! - A zero adds nothing either way: `ExactSum::add` skips it, and its
//!   fixed point here is 0 (−0.0 too: −0.5 truncates to 0), so folds take
//!   zeros without a branch.
//!
//! What pins it: `folds_equal_one_at_a_time` and its proptest (zeros,
//! signs, values on both sides of each size's bound and far beyond, NaN
//! and infinities, sums that overflow 64 and 128 bits; each path
//! counted), `fixed_sized_is_fixed`, `sums_spill_what_would_overflow`,
//! and the engine's `the_buffer_size_changes_nothing`.

use super::{fixed, wide_whole, ExactSum, Wide, I128_LIMIT, SCALE, WIDE_FROM};

/// Below this (2⁵⁸), a fixed point is gathered in 64 bits: 32 of them
/// (a batch) cannot overflow, though [`Sums::add`] checks.
const SMALL_BELOW: f64 = 288_230_376_151_711_744.0;

/// A value's fixed point, `fixed(v)`, by the size of its sum's register.
#[derive(Debug, Clone, Copy)]
enum Fixed {
    /// Below 2⁵⁸.
    Small(i64),
    /// Below 2¹²⁷.
    Mid(i128),
    /// Anything else (larger, NaN, infinite): the scaled value, for `fixed`.
    Huge(f64),
}

/// `fixed(v)`, by size: `fixed`'s first two branches, the first without
/// `as`'s saturating checks, which the bound makes dead.
#[inline(always)]
fn fixed_sized(v: f64) -> Fixed {
    let r = v + 0.5f64.copysign(v);
    let a = r.abs();
    if a < SMALL_BELOW {
        // SAFETY: |r| < 2⁵⁸ and r is not NaN (the comparison failed
        // otherwise): truncated, r fits an i64, and this is what `r as
        // i64` gives without its checks.
        Fixed::Small(unsafe { r.to_int_unchecked::<i64>() })
    } else if a < WIDE_FROM {
        // SAFETY: as above, below 9·10¹⁸ < 2⁶³.
        Fixed::Mid(i128::from(unsafe { r.to_int_unchecked::<i64>() }))
    } else if a < I128_LIMIT {
        Fixed::Mid(wide_whole(r))
    } else {
        Fixed::Huge(v)
    }
}

/// One sum's fixed points, gathered: the small ones in 64 bits, the
/// others in 128; what would overflow either goes into the 256-bit sum
/// first, so that no bit is lost.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    small: i64,
    mid: i128,
}

impl Sums {
    #[inline(always)]
    fn add(&mut self, v: Fixed, into: &mut Wide) {
        match v {
            Fixed::Small(v) => {
                let (sum, overflow) = self.small.overflowing_add(v);
                if overflow {
                    spill_small(&mut self.small, into, v);
                } else {
                    self.small = sum;
                }
            }
            Fixed::Mid(v) => self.add_mid(v, into),
            Fixed::Huge(v) => spill(into, v),
        }
    }

    #[inline(always)]
    fn add_mid(&mut self, v: i128, into: &mut Wide) {
        let (sum, overflow) = self.mid.overflowing_add(v);
        if overflow {
            spill_mid(&mut self.mid, into, v);
        } else {
            self.mid = sum;
        }
    }

    fn finish(self, into: &mut Wide) {
        if self.small != 0 {
            into.add(Wide::from_i128(i128::from(self.small)));
        }
        if self.mid != 0 {
            into.add(Wide::from_i128(self.mid));
        }
    }
}

/// The overflow path of [`Sums::add`]'s small sum.
#[cold]
#[inline(never)]
fn spill_small(acc: &mut i64, into: &mut Wide, v: i64) {
    into.add(Wide::from_i128(i128::from(*acc)));
    *acc = v;
}

/// The overflow path of [`Sums::add_mid`].
#[cold]
#[inline(never)]
fn spill_mid(acc: &mut i128, into: &mut Wide, v: i128) {
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
pub(crate) struct Point(Fixed);

/// The fixed point of `x` (as `ExactSum::add` rounds it).
#[inline(always)]
pub(crate) fn point(x: f64) -> Point {
    Point(fixed_sized(x * SCALE))
}

/// Count, sum and sum of squares of values not yet added to an
/// [`ExactSum`] (see the module's contract).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fold {
    n: u64,
    sum: Sums,
    sum_sq: Sums,
}

impl Fold {
    /// `into.add(x)`, its fixed points gathered here.
    #[inline(always)]
    pub(crate) fn add(&mut self, x: f64, into: &mut ExactSum) {
        self.add_point(1, point(x), x * x, into);
    }

    /// `into.add_batch(n, sum, sum_sq)` with `sum` as its [`point`], its
    /// fixed points gathered here.
    #[inline(always)]
    pub(crate) fn add_point(&mut self, n: u64, sum: Point, sum_sq: f64, into: &mut ExactSum) {
        self.n += n;
        self.sum.add(sum.0, &mut into.sum);
        self.sum_sq
            .add(fixed_sized(sum_sq * SCALE), &mut into.sum_sq);
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
        self.sum.finish(&mut into.sum);
        self.sum_sq.finish(&mut into.sum_sq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Which size a scaled value's fixed point is: 0 small, 1 mid, 2
    /// huge.
    fn path(v: f64) -> usize {
        match fixed_sized(v) {
            Fixed::Small(_) => 0,
            Fixed::Mid(_) => 1,
            Fixed::Huge(_) => 2,
        }
    }

    /// Values whose fixed points (and their squares') sit on both sides of
    /// each branch's bound, and far beyond.
    fn edges() -> Vec<f64> {
        let mut v = vec![0.0, -0.0, 1e-12, 0.25, 4.0, 1234.5678, 3e14, 1e20, 1e40];
        for bound in [SMALL_BELOW / SCALE, WIDE_FROM / SCALE, I128_LIMIT / SCALE] {
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
    fn fixed_sized_is_fixed() {
        let mut paths = [0; 3];
        for x in edges() {
            for v in [x * SCALE, x * x * SCALE, x, x * 0.5 + 0.25] {
                paths[path(v)] += 1;
                let r = (v + 0.5f64.copysign(v)).abs();
                match fixed_sized(v) {
                    Fixed::Small(s) => {
                        assert!(r < SMALL_BELOW, "{v:e}");
                        assert_eq!(Wide::from_i128(i128::from(s)), fixed(v), "{v:e}");
                    }
                    Fixed::Mid(s) => {
                        assert!((SMALL_BELOW..I128_LIMIT).contains(&r), "{v:e}");
                        assert_eq!(Wide::from_i128(s), fixed(v), "{v:e}");
                    }
                    Fixed::Huge(h) => {
                        assert!(r >= I128_LIMIT || r.is_nan(), "{v:e}");
                        assert_eq!(h.to_bits(), v.to_bits());
                    }
                }
            }
        }
        assert!(paths.iter().all(|&n| n > 10), "{paths:?}");
    }

    #[test]
    fn sums_spill_what_would_overflow() {
        let (big, small) = (i128::MAX - 5, i64::MAX - 5);
        let cases = [
            (0, big, Fixed::Mid(10)),
            (0, -big, Fixed::Mid(-10)),
            (small, big, Fixed::Small(10)),
            (-small, -big, Fixed::Small(-10)),
            (small, big, Fixed::Mid(-10)),
            (3, 5, Fixed::Small(4)),
        ];
        for (s, m, v) in cases {
            let mut sums = Sums { small: s, mid: m };
            let mut into = Wide::from_i128(7);
            sums.add(v, &mut into);
            sums.finish(&mut into);
            // s + m + v + 7, in 256 bits, however it is split.
            let mut want = Wide::from_i128(i128::from(s));
            want.add(Wide::from_i128(m));
            want.add(Wide::from_i128(match v {
                Fixed::Small(v) => i128::from(v),
                Fixed::Mid(v) => v,
                Fixed::Huge(_) => unreachable!(),
            }));
            want.add(Wide::from_i128(7));
            assert_eq!(into, want, "{s} {m} {v:?}");
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
        for (c, part) in xs.chunks(chunk.max(1)).enumerate() {
            let mut f = Fold::default();
            for &x in part {
                if c % 2 == 0 {
                    f.add(x, &mut folded);
                } else if x != 0.0 {
                    // As the engine takes values that are mostly zero: the
                    // zeros only counted.
                    f.add_point(0, point(x), x * x, &mut folded);
                }
                paths[path(x * SCALE)] += 1;
                paths[path(x * x * SCALE)] += 1;
            }
            if c % 2 == 1 {
                f.add_zeros(part.len() as u64);
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
        // far more, the 64- and 128-bit sums overflowing (into the 256-bit
        // sum).
        for bound in [SMALL_BELOW / SCALE, WIDE_FROM / SCALE, I128_LIMIT / SCALE] {
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
