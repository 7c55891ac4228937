//! Building a row of bits with AVX-512 ([`or_rows`]), where the CPU has
//! it (`intervals::has_wide`); part of [`super`]'s contract: the same
//! bits as ORing the dependencies' rows in one at a time
//! (`Rows::or_row`), pinned by `wide_rows_are_the_rows_ored_one_by_one`.

use std::arch::x86_64::*;

/// Row `i` |= the row of every dependency among `deps` that is a service
/// (below `s`; groups have no rows), in `bits` (`s` rows of `w` words).
///
/// Eight words at a time (the last part masked): the row's part and each
/// dependency's are ORed in a register and stored once, where ORing the
/// rows in one by one reads and writes the row again for each, two words
/// at a time.
///
/// # Safety
/// The CPU must have AVX-512 F.
///
/// # Panics
/// If `bits` is shorter than `s` rows or `i` is not a service.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn or_rows(bits: &mut [u64], w: usize, i: usize, deps: &[u32], s: usize) {
    assert!(i < s && bits.len() >= s * w);
    let ptr = bits.as_mut_ptr();
    let mut c = 0;
    while c < w {
        let mask: __mmask8 = if w - c >= 8 {
            0xff
        } else {
            (1u8 << (w - c)) - 1
        };
        // SAFETY: rows `i` and `d` are below `s`, so their words c..c+8,
        // cut at `w` by the mask, lie in `bits` (masked-off lanes are not
        // read or written).
        unsafe {
            let mut acc = _mm512_maskz_loadu_epi64(mask, ptr.add(i * w + c).cast());
            for &d in deps {
                let d = d as usize;
                if d < s {
                    let row = _mm512_maskz_loadu_epi64(mask, ptr.add(d * w + c).cast());
                    acc = _mm512_or_si512(acc, row);
                }
            }
            _mm512_mask_storeu_epi64(ptr.add(i * w + c).cast(), mask, acc);
        }
        c += 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::intervals::{has_wide, Xs};

    /// On random rows of 1 to 50 words (every width the bit form takes,
    /// and parts of one to eight words), with dependencies that are
    /// services and groups, repeated or not: the same bits as ORing each
    /// service dependency's row into the row in turn; the other rows are
    /// untouched.
    #[test]
    fn wide_rows_are_the_rows_ored_one_by_one() {
        if !has_wide() {
            return;
        }
        let mut xs = Xs(0x005e_ed0f_b175);
        for w in 1..=50 {
            for _ in 0..20 {
                let s = 1 + xs.below(12) as usize;
                let bits: Vec<u64> = (0..s * w)
                    .map(|_| xs.next() & xs.next() & xs.next())
                    .collect();
                let i = xs.below(s as u64) as usize;
                let deps: Vec<u32> = (0..xs.below(7))
                    .map(|_| xs.below(s as u64 + 3) as u32)
                    .filter(|&d| d as usize != i)
                    .collect();
                let mut expected = bits.clone();
                for &d in deps.iter().filter(|&&d| (d as usize) < s) {
                    for k in 0..w {
                        expected[i * w + k] |= bits[d as usize * w + k];
                    }
                }
                let mut got = bits.clone();
                // SAFETY: detected above.
                unsafe { or_rows(&mut got, w, i, &deps, s) };
                assert_eq!(got, expected, "w {w}, s {s}, i {i}, deps {deps:?}");
            }
        }
    }
}
