//! Rounding to a whole number without a library call (fenced
//! micro-optimisation).
//!
//! # Contract
//!
//! [`round`]`(x)` is bit for bit `x.round()` (`f64::round`: half-way cases
//! away from zero, the sign of zero kept) for every `f64`: negatives, the
//! halves, values at and beyond 2⁵² (already whole), −0.0, infinities and
//! NaN (returned as they came). The tests below hold it to that at every
//! edge and on random bit patterns.
//!
//! Why: every event time goes onto the clock's tick grid
//! ([`super::clock::on_grid`]), and on baseline x86-64 (no SSE4.1
//! `roundsd`, and the build sets no `target-cpu`) `f64::round` is a call
//! to libm's `round`: some 2% of a large estate's run. Here it is the
//! classic 2⁵² addition (round to nearest, ties to even, in the FPU's own
//! rounding), with ties that went down moved up: a few exact operations
//! and no branch on the value's digits.

/// Below this magnitude an `f64` may have a fraction; at and above it,
/// every `f64` is a whole number (2⁵²).
const WHOLE_FROM: f64 = 4_503_599_627_370_496.0;

/// `x.round()`, bit for bit (see the module's contract).
#[inline]
pub(crate) fn round(x: f64) -> f64 {
    let a = x.abs();
    // False for NaN and the infinities, which, like whole numbers, come
    // back unchanged.
    if a < WHOLE_FROM {
        // Adding 2⁵² leaves no fraction bits: the sum is a rounded to the
        // nearest whole number, ties to even, and taking 2⁵² off again is
        // exact. So is r − a (|r − a| ≤ 0.5).
        let r = (a + WHOLE_FROM) - WHOLE_FROM;
        // A tie went down to an even number: `round` takes it up.
        let r = if r - a == -0.5 { r + 1.0 } else { r };
        // The sign of x, as `round` keeps it: −0.3 rounds to −0.0.
        r.copysign(x)
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::round;
    use proptest::prelude::*;

    fn same(x: f64) -> Result<(), TestCaseError> {
        let (ours, std) = (round(x), x.round());
        prop_assert!(
            ours.to_bits() == std.to_bits() || (ours.is_nan() && std.is_nan()),
            "round({x:e}) = {ours:e}, f64::round gives {std:e}"
        );
        Ok(())
    }

    #[test]
    fn equals_f64_round_at_every_edge() {
        let mut edges = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            0.5000000000000001,
            1.0 - f64::EPSILON / 2.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            4_503_599_627_370_496.0,
            4_503_599_627_370_495.5,
            4_503_599_627_370_495.0,
            2_251_799_813_685_247.5,
            9_007_199_254_740_993.0,
            9.3e18,
            1e300,
            // Tick counts of a year on the clock's grid (2³⁰ per hour).
            8760.0 * 1_073_741_824.0 + 0.5,
            8760.0 * 1_073_741_824.0 - 0.5,
        ];
        // Around every whole number and half up to 2⁵³ by powers of two:
        // the neighbours of n and of n + 0.5.
        for e in 0..=53 {
            let n = 2f64.powi(e);
            for base in [n, n + 0.5, n - 0.5, n + 1.0] {
                edges.extend([base, f64::from_bits(base.to_bits() + 1)]);
                if base > 0.0 {
                    edges.push(f64::from_bits(base.to_bits() - 1));
                }
            }
        }
        for x in edges {
            same(x).unwrap();
            same(-x).unwrap();
        }
        assert_eq!(round(-0.3).to_bits(), (-0.0f64).to_bits());
        assert_eq!(round(-0.5), -1.0);
        assert!(round(f64::NAN).is_nan());
        assert_eq!(round(f64::NEG_INFINITY), f64::NEG_INFINITY);
    }

    proptest! {
        #[test]
        fn equals_f64_round_on_any_bits(bits in any::<u64>()) {
            same(f64::from_bits(bits))?;
        }

        #[test]
        fn equals_f64_round_near_whole_and_half(n in -10_000_000_000_000i64..10_000_000_000_000, k in 0u64..6, neg in any::<bool>()) {
            // Values a few ulps around n and n + 0.5.
            let base = if k < 3 { n as f64 } else { n as f64 + 0.5 };
            let x = f64::from_bits(base.to_bits().wrapping_add(k % 3).wrapping_sub(1));
            same(if neg { -x } else { x })?;
        }

        #[test]
        fn equals_f64_round_on_grid_times(hours in -1e6f64..1e6) {
            same(hours * 1_073_741_824.0)?;
        }
    }
}
