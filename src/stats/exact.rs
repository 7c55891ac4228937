//! Exact, order-independent sums of floating-point values.
//!
//! Each value is rounded once to a fixed-point integer (2^-32 resolution)
//! and added in 256-bit integer arithmetic. Integer addition is associative
//! and commutative, so a sum is the same whatever the thread count, the
//! chunking, the shard split or the merge order: byte-identical results by
//! construction rather than by scheduling discipline.

use serde::{Deserialize, Serialize};

mod fold;
pub(crate) use fold::{point, Fold};

/// Fixed-point scale: values are stored as round(x · 2^32).
const SCALE: f64 = 4_294_967_296.0;

/// Round half away from zero to an integer. Values that fit in an i64 (all
/// but annual losses beyond two billion) take the one-instruction
/// conversion; the rest the slower i128 one, and from 2¹²⁷ on (the
/// squares of losses beyond about 2·10¹⁴) the 256-bit one. Each is an
/// exact function of the input, so results do not depend on the path.
#[inline]
fn fixed(v: f64) -> Wide {
    let r = v + 0.5f64.copysign(v);
    if r.abs() < WIDE_FROM {
        Wide::from_i128(i128::from(r as i64))
    } else if r.abs() < I128_LIMIT {
        Wide::from_i128(wide_whole(r))
    } else {
        huge_whole(r)
    }
}

/// [`huge_whole`] caps magnitudes at 2 to this power.
const HUGE_CAP_BIT: i32 = 191;

/// 2¹²⁷: from here on a whole number needs more than an i128.
const I128_LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;

/// A whole number r with |r| ≥ 2¹²⁷ (or NaN, which gives 0 as `as`
/// does) in 256 bits: its mantissa shifted left, exactly, below 2¹⁹¹;
/// from there on ±2¹⁹¹ (`HUGE_CAP_BIT`). The cap leaves 64 bits of headroom,
/// so no count of values (`n` is a u64) can wrap a 256-bit sum. With the
/// 32 bits of the fixed point, a square is exact for values up to about
/// 8·10²³, a value itself up to about 7·10⁴⁷.
#[cold]
fn huge_whole(r: f64) -> Wide {
    if r.is_nan() {
        return Wide::default();
    }
    let bits = r.to_bits();
    let negative = bits >> 63 == 1;
    let shift = ((bits >> 52) & 0x7ff) as i32 - 1075;
    // The top bit of the mantissa lands at 52 + shift: from 191 on the
    // value is capped (±inf lands there too).
    if 52 + shift >= HUGE_CAP_BIT {
        let cap = Wide {
            hi: 1 << (HUGE_CAP_BIT - 128),
            lo: 0,
        };
        return if negative { cap.negated() } else { cap };
    }
    debug_assert!(shift >= 75, "{r} is below 2^127");
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    let (hi, lo) = if shift >= 128 {
        (mantissa << (shift - 128), 0)
    } else {
        (mantissa >> (128 - shift), mantissa << shift)
    };
    let magnitude = Wide { hi: hi as i128, lo };
    if negative {
        magnitude.negated()
    } else {
        magnitude
    }
}

/// Where [`fixed`] leaves the i64 conversion.
const WIDE_FROM: f64 = 9.0e18;

/// `r as i128` for |r| ≥ [`WIDE_FROM`] (or NaN), without the library call
/// (`__fixdfti`, taken by the squares of losses above some 46 000 and so
/// by most services' loss sums): such an r is a whole number (its
/// exponent, at least 62, is past the mantissa's 52 bits), so it is its
/// mantissa shifted left; from ±2¹²⁷ on it saturates, and NaN gives 0, as
/// `as` does. The tests hold it to `as`.
#[inline]
fn wide_whole(r: f64) -> i128 {
    const LIMIT: f64 = I128_LIMIT;
    if r.is_nan() {
        return 0;
    }
    if r >= LIMIT {
        return i128::MAX;
    }
    if r <= -LIMIT {
        return i128::MIN;
    }
    let bits = r.to_bits();
    // r = mantissa · 2^shift, with 10 ≤ shift ≤ 74 here: no bit is lost
    // and the result stays below 2¹²⁷.
    let shift = ((bits >> 52) & 0x7ff) as i32 - 1075;
    debug_assert!((0..=74).contains(&shift), "{r} is not a wide whole number");
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let magnitude = i128::from(mantissa) << shift;
    if bits >> 63 == 1 {
        -magnitude
    } else {
        magnitude
    }
}

/// A signed 256-bit integer, just enough for exact accumulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Wide {
    hi: i128,
    lo: u128,
}

impl Wide {
    #[inline]
    fn from_i128(v: i128) -> Wide {
        Wide {
            hi: if v < 0 { -1 } else { 0 },
            lo: v as u128,
        }
    }

    /// −self in two's complement.
    fn negated(self) -> Wide {
        let lo = (!self.lo).wrapping_add(1);
        Wide {
            hi: (!self.hi).wrapping_add(i128::from(lo == 0)),
            lo,
        }
    }

    #[inline]
    fn add(&mut self, other: Wide) {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        self.lo = lo;
        self.hi = self
            .hi
            .wrapping_add(other.hi)
            .wrapping_add(i128::from(carry));
    }

    /// The value as a float. A negative value is negated first: in two's
    /// complement its low word is close to 2^128, and adding the two words
    /// as floats would cancel everything below about 4e12 units.
    fn to_f64(self) -> f64 {
        if self.hi < 0 {
            let m = self.negated();
            -(m.hi as f64 * 2f64.powi(128) + m.lo as f64)
        } else {
            self.hi as f64 * 2f64.powi(128) + self.lo as f64
        }
    }
}

/// Count, sum and sum of squares of f64 values, exactly mergeable.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExactSum {
    n: u64,
    sum: Wide,
    sum_sq: Wide,
}

impl ExactSum {
    /// Add one value. Exact, squares included, for values up to about
    /// ±8·10²³ (beyond, a square is capped and the spread understated;
    /// the sum stays exact to about 7·10⁴⁷; see `huge_whole`). Sums never
    /// wrap.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        if x != 0.0 {
            self.sum.add(fixed(x * SCALE));
            self.sum_sq.add(fixed(x * x * SCALE));
        }
    }

    /// Add `n` values known only by their sum and sum of squares (computed
    /// by the caller in a fixed order, so still deterministic).
    #[inline]
    pub fn add_batch(&mut self, n: u64, sum: f64, sum_sq: f64) {
        self.n += n;
        if sum != 0.0 {
            self.sum.add(fixed(sum * SCALE));
        }
        if sum_sq != 0.0 {
            self.sum_sq.add(fixed(sum_sq * SCALE));
        }
    }

    /// Add `count` zeros (cheaper than `count` calls to `add(0.0)`).
    #[inline]
    pub fn add_zeros(&mut self, count: u64) {
        self.n += count;
    }

    /// Add another sum's values (exact: the order of merges does not matter).
    pub fn merge(&mut self, other: &ExactSum) {
        self.n += other.n;
        self.sum.add(other.sum);
        self.sum_sq.add(other.sum_sq);
    }

    /// How many values were added.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The sum of the values.
    pub fn sum(&self) -> f64 {
        self.sum.to_f64() / SCALE
    }

    /// The mean; 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum() / self.n as f64
        }
    }

    /// The sample variance (n − 1 denominator); 0 with fewer than 2 values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        let mean = self.mean();
        let ss = self.sum_sq.to_f64() / SCALE;
        let dev = ss - n * mean * mean;
        // Each value and each square was rounded to the fixed point on its
        // own, so a set of equal values leaves dev a little above 0: at
        // most 2⁻³³ (1 + 2|x|) a value, plus the rounding of the two f64
        // terms. Within that, the values are taken as equal (a constant
        // 10-minute recovery has a standard error of 0, not 2·10⁻⁷ h).
        let rms = (ss / n).max(0.0).sqrt();
        let noise = n * (1.0 + 2.0 * rms.max(mean.abs())) * 2f64.powi(-33)
            + 8.0 * f64::EPSILON * (ss.abs() + n * mean * mean);
        if dev <= noise {
            return 0.0;
        }
        dev / (n - 1.0)
    }

    /// Check a sum read from outside (a partial result): a sum of squares
    /// that is not negative, and with `non_negative`, a sum that is not
    /// negative either. (Not sum² ≤ n · sum of squares: a square beyond
    /// the fixed-point range saturates, so a real run can break it.)
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, non_negative: bool) -> Result<(), String> {
        if self.sum_sq.hi < 0 {
            return Err("its sum of squares is negative".to_string());
        }
        if non_negative && self.sum.hi < 0 {
            return Err("its sum is negative, but every value it adds is >= 0".to_string());
        }
        Ok(())
    }

    /// The standard error of the mean, s / √n.
    pub fn std_error(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            (self.variance() / self.n as f64).sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mean_variance_and_negative_values() {
        let mut s = ExactSum::default();
        for x in [1.0, 2.0, 3.0, 4.0, -10.0] {
            s.add(x);
        }
        assert_eq!(s.count(), 5);
        assert!((s.mean() - 0.0).abs() < 1e-9);
        // sample variance of {1,2,3,4,-10}: sum sq 130, mean 0 → 130/4
        assert!((s.variance() - 32.5).abs() < 1e-6);
    }

    /// Equal values have no spread, even when they are not whole numbers
    /// of the fixed point (a recovery of 10 minutes on the tick grid); a
    /// spread of a tick (2⁻³⁰ h) in a thousand is still seen.
    #[test]
    fn equal_values_have_no_spread() {
        for x in [
            0.16666666697710752,
            1.0 / 3.0,
            4.0,
            1234.5678,
            -0.3,
            1e9 + 0.1,
        ] {
            let mut s = ExactSum::default();
            (0..2000).for_each(|_| s.add(x));
            assert_eq!(s.variance(), 0.0, "{x}");
            assert_eq!(s.std_error(), 0.0, "{x}");
        }
        let mut s = ExactSum::default();
        (0..1000).for_each(|i| s.add(if i % 2 == 0 { 4.0 } else { 4.0 + 1e-3 }));
        let want = 0.25e-6 * 1000.0 / 999.0;
        assert!(
            (s.variance() - want).abs() < 1e-3 * want,
            "{}",
            s.variance()
        );
    }

    /// Regression: negative totals read back as about zero, which made
    /// `compare` report no difference whenever plan B lost more.
    #[test]
    fn negative_sums_read_back_exactly() {
        let mut s = ExactSum::default();
        s.add(-1.0);
        s.add(-2.5);
        assert_eq!(s.sum(), -3.5);
        assert_eq!(s.mean(), -1.75);
        let mut big = ExactSum::default();
        big.add(-305_842.25);
        big.add(1_000.5);
        assert_eq!(big.sum(), -304_841.75);
        assert!((big.variance() - 2.0 * (153_421.375f64).powi(2)).abs() < 1e-3);
    }

    #[test]
    fn carries_across_the_low_word() {
        let mut s = ExactSum::default();
        for _ in 0..1000 {
            s.add(1e13);
        }
        assert!((s.sum() - 1e16).abs() / 1e16 < 1e-12);
        // The variance comes from Σx² − n·mean² in f64, so a constant
        // series keeps only ~1e-16 of Σx² (here ~1e29): the standard error
        // is still negligible against the mean.
        assert!(s.std_error() < 1e-6 * s.mean(), "{}", s.std_error());
    }

    #[test]
    fn wide_whole_numbers_convert_as_as_does() {
        let limit = 2f64.powi(127);
        let mut edges = vec![
            WIDE_FROM,
            f64::from_bits(WIDE_FROM.to_bits() + 1),
            2f64.powi(63),
            2f64.powi(64),
            2f64.powi(100) + 2f64.powi(48),
            f64::from_bits(limit.to_bits() - 1),
            limit,
            f64::from_bits(limit.to_bits() + 1),
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        edges.extend(edges.clone().into_iter().map(|x| -x));
        for r in edges {
            assert_eq!(wide_whole(r), r as i128, "{r:e}");
        }
    }

    /// The value of a 256-bit integer, exactly, as a big decimal's
    /// f64 would be far from exact: as (hi, lo) halves compared with the
    /// mantissa shifted by hand.
    fn wide_of(m: u64, shift: u32, negative: bool) -> Wide {
        let mut w = Wide::from_i128(0);
        // m · 2^shift, added one set bit at a time in 256 bits.
        for b in 0..64 {
            if m >> b & 1 == 1 {
                let p = b + shift;
                let bit = if p >= 128 {
                    Wide {
                        hi: 1i128 << (p - 128),
                        lo: 0,
                    }
                } else {
                    Wide { hi: 0, lo: 1 << p }
                };
                w.add(bit);
            }
        }
        if negative {
            w.negated()
        } else {
            w
        }
    }

    /// Regression (found by an independent check): a year that lost more
    /// than about 2·10¹⁴ saturated the sum of squares, so the standard
    /// error and the confidence interval came out 0; past about 4·10²⁸
    /// the mean was wrong too. Now the spread is exact to about 8·10²³ and
    /// the mean well beyond.
    #[test]
    fn huge_losses_keep_their_mean_and_spread() {
        for x in [3e14, 1e20, 5e23] {
            let mut s = ExactSum::default();
            // Half the years lose x, half nothing: mean x/2, sample
            // variance n/(n−1) · x²/4.
            for k in 0..1000 {
                s.add(if k % 2 == 0 { x } else { 0.0 });
            }
            assert!((s.mean() / (x / 2.0) - 1.0).abs() < 1e-12, "{x:e}");
            let var = 1000.0 / 999.0 * x * x / 4.0;
            assert!((s.variance() / var - 1.0).abs() < 1e-9, "{x:e}");
            let mut neg = ExactSum::default();
            neg.add(-x);
            neg.add(-x);
            assert!((neg.sum() / (-2.0 * x) - 1.0).abs() < 1e-12, "{x:e}");
        }
        let mut s = ExactSum::default();
        (0..4).for_each(|_| s.add(1e40));
        assert!((s.mean() / 1e40 - 1.0).abs() < 1e-12, "{}", s.mean());
    }

    #[test]
    fn huge_whole_numbers_are_their_mantissa_shifted() {
        for (r, m, shift) in [
            (2f64.powi(127), 1u64 << 52, 75),
            (2f64.powi(180) * 1.5, 3u64 << 51, 128),
            (2f64.powi(190), 1 << 52, 138),
            (
                f64::from_bits(2f64.powi(191).to_bits() - 1),
                (1 << 53) - 1,
                138,
            ),
            (
                f64::from_bits(2f64.powi(128).to_bits() + 1),
                (1 << 52) + 1,
                76,
            ),
        ] {
            for neg in [false, true] {
                let v = if neg { -r } else { r };
                assert_eq!(fixed(v), wide_of(m, shift, neg), "{v:e}");
            }
        }
        // From 2¹⁹¹ on, infinities included: capped; NaN: 0.
        for r in [2f64.powi(191), 2f64.powi(255), f64::MAX, f64::INFINITY] {
            assert_eq!(fixed(r), wide_of(1, 191, false), "{r:e}");
            assert_eq!(fixed(-r), wide_of(1, 191, true), "{r:e}");
        }
        assert_eq!(fixed(f64::NAN), Wide::from_i128(0));
        // Below 2¹²⁷ the i128 path, unchanged.
        let below = f64::from_bits(2f64.powi(127).to_bits() - 1);
        assert_eq!(fixed(below), Wide::from_i128(below as i128));
    }

    /// Regression (found in review): capped at ±2²⁵⁵, two values of 1e200
    /// wrapped the sum (a mean of −2·10⁻¹⁰, a sum of squares read as
    /// negative, shards `merge` refused). Capped at 2¹⁹¹, sums keep their
    /// sign however many values they add.
    #[test]
    fn capped_values_never_wrap_a_sum() {
        for x in [1e34, 1e200, f64::MAX] {
            let mut s = ExactSum::default();
            for _ in 0..1000 {
                s.add(x);
            }
            assert!(s.mean() > 0.0, "{x:e}: {}", s.mean());
            assert!(s.check(true).is_ok(), "{x:e}");
            let mut t = ExactSum::default();
            t.add(-x);
            t.add(-x);
            assert!(t.sum() < 0.0, "{x:e}");
            assert!(t.check(false).is_ok(), "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn wide_whole_equals_as_on_any_wide_bits(bits in any::<u64>()) {
            let r = f64::from_bits(bits);
            if r.is_nan() || r.abs() >= WIDE_FROM {
                prop_assert_eq!(wide_whole(r), r as i128, "{:e}", r);
            }
        }

        #[test]
        fn wide_whole_equals_as_on_losses_squared(x in 4e4f64..1e15, neg in any::<bool>()) {
            let r = x * x * 4_294_967_296.0;
            let r = if neg { -r } else { r };
            if r.is_nan() || r.abs() >= WIDE_FROM {
                prop_assert_eq!(wide_whole(r), r as i128);
            }
        }

        /// Merging in any split and order equals adding sequentially.
        #[test]
        fn merge_is_order_independent(xs in proptest::collection::vec(-1e9f64..1e9, 0..60), cut in 0usize..60) {
            let cut = cut.min(xs.len());
            let mut all = ExactSum::default();
            xs.iter().for_each(|&x| all.add(x));
            let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
            xs[..cut].iter().for_each(|&x| a.add(x));
            xs[cut..].iter().rev().for_each(|&x| b.add(x));
            let mut ba = b.clone();
            ba.merge(&a);
            a.merge(&b);
            prop_assert_eq!(&a, &all);
            prop_assert_eq!(&ba, &all);
        }
    }
}
