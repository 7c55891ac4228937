//! Fills of short slices without a library call (fenced micro-optimisation).
//!
//! # Contract
//!
//! [`refill`]`(xs, v)` leaves `xs` exactly as `xs.fill(v)` does, for every
//! length and every `Copy` value; the tests below hold it to that.
//!
//! Why: a trial starts by resetting a dozen per-service, per-cause and
//! per-site arrays. On a small scenario (one service, one threat, no sites:
//! a FAIR-style risk register line) each of them is zero to two elements
//! long, and `fill` of a byte pattern (zeros, `false`, `u32::MAX`) is a call
//! to libc's `memset`, which costs more than the stores it makes. Up to
//! four elements are stored one by one here; longer slices take `fill` as
//! before.

/// Set every element of `xs` to `v`: the same as `xs.fill(v)`.
#[inline]
pub(super) fn refill<T: Copy>(xs: &mut [T], v: T) {
    match xs {
        [] => {}
        [a] => *a = v,
        [a, b] => {
            *a = v;
            *b = v;
        }
        [a, b, c] => {
            *a = v;
            *b = v;
            *c = v;
        }
        [a, b, c, d] => {
            *a = v;
            *b = v;
            *c = v;
            *d = v;
        }
        _ => xs.fill(v),
    }
}

#[cfg(test)]
mod tests {
    use super::refill;

    #[test]
    fn refill_is_fill_at_every_length() {
        for n in 0..12 {
            let start: Vec<u32> = (0..n).map(|i| i as u32 * 7 + 1).collect();
            for v in [0, 5, u32::MAX] {
                let (mut a, mut b) = (start.clone(), start.clone());
                refill(&mut a, v);
                b.fill(v);
                assert_eq!(a, b, "length {n}, value {v}");
            }
            let mut f = vec![1.5_f64; n];
            refill(&mut f, f64::NAN);
            assert!(f.iter().all(|x| x.is_nan()), "length {n}");
            let mut flags = vec![true; n];
            refill(&mut flags, false);
            assert_eq!(flags, vec![false; n]);
        }
    }
}
