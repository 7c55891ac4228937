//! [`Batch`]: a histogram's counts piling up in 8 bits a bucket between
//! visits to the histogram.

use super::{compact, widen, LogHist};

/// Counts of values by their [`compact`] keys, 8 bits a bucket, that pile
/// up over a batch of trials before they go into a [`LogHist`] of the same
/// bits ([`LogHist::absorb`]). An eighth of a histogram's memory (a cache
/// line holds two octaves of buckets), so the batches of a large estate
/// touch few lines while trials run, and the histograms themselves are
/// visited once a batch.
///
/// A count that wraps past 255 carries 256 into the histogram at once
/// ([`LogHist::add_via`]): counts are exact integers, so the histogram is
/// the same however they arrive.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Compact key of `counts[0]`.
    pub(super) offset: u64,
    pub(super) counts: Vec<u8>,
    pub(super) zeros: u64,
    /// Whether a value was counted since the batch was last absorbed.
    pub(super) added: bool,
    pub(super) min: f64,
    pub(super) max: f64,
}

impl Default for Batch {
    fn default() -> Batch {
        Batch {
            offset: 0,
            counts: Vec::new(),
            zeros: 0,
            added: false,
            min: f64::INFINITY,
            max: 0.0,
        }
    }
}

impl Batch {
    /// Count values by their compact keys, whose min and max are `lo` and
    /// `hi`; a count that wraps carries 256 values of its key into `hist`.
    #[inline]
    pub(super) fn add(&mut self, hist: &mut LogHist, keys: &[u16], lo: f64, hi: f64) {
        debug_assert!(
            keys.iter().all(|&k| k == 0
                || ((!lo.is_finite() || compact(hist.bits, lo) <= k)
                    && (!hi.is_finite() || k <= compact(hist.bits, hi)))),
            "a key outside its batch's least and greatest value"
        );
        self.added |= !keys.is_empty();
        if lo < self.min {
            self.min = lo;
        }
        if hi > self.max {
            self.max = hi;
        }
        if hist.range.is_some() && !keys.is_empty() {
            // A sampled histogram takes the call's extremes into its
            // buckets' ranges at once (its counts come with the batch).
            hist.see(lo, hi);
        }
        let mut rest = keys;
        while !rest.is_empty() {
            // The range in locals: a count's store cannot then make the
            // loop reload it.
            let (offset, counts) = (self.offset, &mut self.counts[..]);
            let mut done = 0;
            for &k in rest {
                // Keys below the offset wrap to far beyond the range.
                let index = u64::from(k).wrapping_sub(offset) as usize;
                match counts.get_mut(index) {
                    Some(c) => {
                        *c = c.wrapping_add(1);
                        if *c == 0 {
                            hist.add_compact_n(k, 256);
                        }
                    }
                    None => break,
                }
                done += 1;
            }
            if let Some((&k, after)) = rest[done..].split_first() {
                self.grow_and_add(k);
                rest = after;
            } else {
                rest = &[];
            }
        }
    }

    /// The slow path of [`Batch::add`]: a zero, or a key outside the range
    /// (a new bucket, which cannot wrap).
    #[cold]
    fn grow_and_add(&mut self, k: u16) {
        if k == 0 {
            self.zeros += 1;
            return;
        }
        let index = widen(&mut self.counts, &mut self.offset, u64::from(k), false);
        self.counts[index] += 1;
    }
}
