//! The places of a row's set bits ([`decode_bits`]), which the booking of
//! every service reads (`trial::fused::Rows::read`). Everything
//! micro-optimised about it lives here.
//!
//! # Contract
//!
//! [`decode_bits`] writes the indices of the set bits of a row of words
//! (bit `k` of word `w` is index 64·w + k) in increasing order at the
//! start of a reused buffer and returns how many; what lies past the
//! count is garbage. Two ways give **the same indices**: one with
//! AVX-512 (a byte compress per word, [`wide`]), taken when the CPU has
//! it (detected once per process), and the portable one ([`scalar`]),
//! taken otherwise (and under valgrind, which does not emulate AVX-512).
//!
//! What pins it: `both_decodes_match_the_set_bits` (either way against a
//! plain bit loop, on sparse, dense and full words, over a buffer's
//! garbage), `decoded_bits_match_the_set_bits` and
//! `union_of_picked_matches_brute_force` in the parent module.

/// The indices of the set bits of `bits`, in increasing order, at the
/// start of `out`; returns how many. `out` is grown when it might be too
/// short, never shrunk, so a buffer reused across calls is written, not
/// cleared or filled: what lies past the count is garbage.
#[inline]
pub(crate) fn decode_bits(bits: &[u64], out: &mut Vec<u32>) -> usize {
    #[cfg(target_arch = "x86_64")]
    if has_wide() {
        // SAFETY: the CPU has every feature `wide` is compiled for.
        return unsafe { wide(bits, out) };
    }
    scalar(bits, out)
}

/// Whether this CPU has AVX-512 F, BW and VBMI2, and POPCNT: what
/// [`wide`] needs (and `trial::fused`'s AVX-512 building of rows);
/// detected on the first call, then one load.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_wide() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    /// 0: not yet detected; 1: no; 2: yes.
    static WIDE: AtomicU8 = AtomicU8::new(0);
    match WIDE.load(Ordering::Relaxed) {
        0 => {
            let yes = std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512vbmi2")
                && std::arch::is_x86_feature_detected!("popcnt");
            WIDE.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
            yes
        }
        v => v == 2,
    }
}

/// [`decode_bits`] with AVX-512: per word, its set bits' places within
/// it (bytes 0 to 63) compressed to the front of a register in one
/// instruction, the first eight widened to 32 bits, offset by the word's
/// first index and stored whole; the count moves on by the word's
/// population. A word with more than eight bits stores all 64, sixteen at
/// a time (rare on a large estate: a row has a bit or two a word). No
/// branch on the data but that one, no loop over a word's bits.
///
/// # Safety
/// The CPU must have AVX-512 F, BW and VBMI2, and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi2,popcnt")]
unsafe fn wide(bits: &[u64], out: &mut Vec<u32>) -> usize {
    use std::arch::x86_64::*;
    /// Each byte its own place.
    const IOTA: [u8; 64] = {
        let mut a = [0u8; 64];
        let mut i = 0;
        while i < 64 {
            a[i] = i as u8;
            i += 1;
        }
        a
    };
    // Before word w, at most 64·w places are written, and a word writes
    // 16 (or, with more than 16 bits, 64) from there: 64·len + 16 slots
    // hold every store.
    let need = bits.len() * 64 + 16;
    if out.len() < need {
        out.resize(need, 0);
    }
    let dst = out.as_mut_ptr();
    // SAFETY: `IOTA` is 64 bytes.
    let iota = unsafe { _mm512_loadu_si512(IOTA.as_ptr().cast()) };
    let step = _mm512_set1_epi32(64);
    let mut base = _mm512_setzero_si512();
    let mut n = 0usize;
    for &word in bits {
        let packed = _mm512_maskz_compress_epi8(word, iota);
        let low = _mm512_castsi512_si128(packed);
        // The first eight places, as one 32-byte store: a 64-byte one at
        // a place's alignment (4 bytes) nearly always spans two cache
        // lines.
        let first = _mm256_add_epi32(_mm256_cvtepu8_epi32(low), _mm512_castsi512_si256(base));
        // SAFETY: n + 8 ≤ 64·w + 16 ≤ need (see above).
        unsafe { _mm256_storeu_si256(dst.add(n).cast(), first) };
        let count = word.count_ones() as usize;
        if count > 8 {
            let parts = [
                low,
                _mm512_extracti32x4_epi32::<1>(packed),
                _mm512_extracti32x4_epi32::<2>(packed),
                _mm512_extracti32x4_epi32::<3>(packed),
            ];
            for (j, part) in parts.into_iter().enumerate() {
                let wide = _mm512_add_epi32(_mm512_cvtepu8_epi32(part), base);
                // SAFETY: n + 64 ≤ 64·(w + 1) ≤ need.
                unsafe { _mm512_storeu_si512(dst.add(n + 16 * j).cast(), wide) };
            }
        }
        n += count;
        base = _mm512_add_epi32(base, step);
    }
    n
}

/// [`decode_bits`] without a hard-to-predict branch per word: each word
/// writes four slots whether it has that many bits or not, and the count
/// moves on by how many of them were real; only a word with more than
/// four bits takes a loop.
fn scalar(bits: &[u64], out: &mut Vec<u32>) -> usize {
    let need = bits.len() * 64 + 4;
    if out.len() < need {
        out.resize(need, 0);
    }
    let mut n = 0;
    for (w, &word) in bits.iter().enumerate() {
        let base = (w * 64) as u32;
        let mut x = word;
        let mut count = 0;
        for slot in &mut out[n..n + 4] {
            // trailing_zeros of 0 is 64: a slot past this word's bits,
            // overwritten by the next word or past the count.
            *slot = base + x.trailing_zeros();
            count += usize::from(x != 0);
            x &= x.wrapping_sub(1);
        }
        n += count;
        while x != 0 {
            out[n] = base + x.trailing_zeros();
            x &= x - 1;
            n += 1;
        }
    }
    n
}

/// The indices of the set bits, in increasing order (bit `k` of word `w`
/// is index 64·w + k).
#[cfg(test)]
pub(super) fn set_bits(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        let mut x = word;
        std::iter::from_fn(move || {
            (x != 0).then(|| {
                let k = x.trailing_zeros() as usize;
                x &= x - 1;
                w * 64 + k
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A way to decode, by name.
    type Decoder = (&'static str, fn(&[u64], &mut Vec<u32>) -> usize);

    /// Every way this CPU can decode: the portable one, and the AVX-512
    /// one where the CPU has it.
    fn decoders() -> Vec<Decoder> {
        let mut ways: Vec<Decoder> = vec![("scalar", scalar), ("decode_bits", decode_bits)];
        #[cfg(target_arch = "x86_64")]
        if has_wide() {
            // SAFETY: detected just above.
            ways.push(("wide", |b, o| unsafe { wide(b, o) }));
        }
        ways
    }

    proptest! {
        /// Each way gives the set bits in order, on words with a few bits,
        /// around eight and sixteen, dense and full ones, and again over the garbage
        /// of the call before (a longer, denser row, then a shorter one).
        #[test]
        fn both_decodes_match_the_set_bits(
            words in proptest::collection::vec((any::<u64>(), 0u8..7), 0..12),
            then in proptest::collection::vec(any::<u64>(), 0..5),
        ) {
            let bits: Vec<u64> = words
                .iter()
                .map(|&(w, kind)| match kind {
                    0 => 0,
                    1 => w & (w >> 7) & (w >> 13),
                    2 => w & (w >> 1),
                    6 => w & (w >> 2) & (w >> 4),
                    3 => w,
                    4 => w | (w >> 1),
                    _ => u64::MAX,
                })
                .collect();
            let expected: Vec<u32> = set_bits(&bits).map(|k| k as u32).collect();
            let sparse: Vec<u64> = then.iter().map(|&w| w & (w >> 5)).collect();
            let expected_then: Vec<u32> = set_bits(&sparse).map(|k| k as u32).collect();
            for (name, decode) in decoders() {
                let mut out = vec![u32::MAX; 5];
                let n = decode(&bits, &mut out);
                prop_assert_eq!(&out[..n], &expected[..], "{}", name);
                let n = decode(&sparse, &mut out);
                prop_assert_eq!(&out[..n], &expected_then[..], "{}", name);
            }
        }
    }

    /// Whole rows of full words: every store of the AVX-512 way at its
    /// last place in the buffer, which was grown for exactly this row.
    #[test]
    fn full_rows_decode_whole() {
        for len in 0..5 {
            let bits = vec![u64::MAX; len];
            let expected: Vec<u32> = (0..64 * len as u32).collect();
            for (name, decode) in decoders() {
                let mut out = Vec::new();
                let n = decode(&bits, &mut out);
                assert_eq!(&out[..n], &expected[..], "{name}");
            }
        }
    }
}
