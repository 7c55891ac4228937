//! The random streams of one trial's entities, created on first use.
//!
//! Each entity (a service or a threat) has up to [`SLOTS`] streams, one per
//! purpose, made by [`rng::stream`] when first drawn from and kept for the
//! rest of the trial. An entity's streams sit together (one entity's draws
//! touch one or two cache lines), and which exist is one byte per entity:
//! starting a trial clears those bytes only, instead of rewriting every
//! stream slot as a vector of `Option<Stream>` per purpose would.

use super::rng::{self, Purpose, Stream};
use super::short::refill;

/// Streams per entity.
pub(crate) const SLOTS: usize = 5;

/// Lazily created streams of `n` entities, [`SLOTS`] purposes each.
#[derive(Debug, Clone)]
pub(crate) struct Streams {
    /// Bit `slot` of `made[i]` is set once entity `i`'s stream in `slot`
    /// exists in this trial; other slots hold stale streams.
    made: Vec<u8>,
    streams: Vec<[Stream; SLOTS]>,
}

impl Streams {
    pub(crate) fn new(n: usize) -> Streams {
        // Placeholders only: a slot is read after it is made.
        let blank = rng::stream(0, 0, Purpose::Lifetime);
        Streams {
            made: vec![0; n],
            streams: vec![std::array::from_fn(|_| blank.clone()); n],
        }
    }

    /// Forget every stream (a new trial).
    pub(crate) fn clear(&mut self) {
        refill(&mut self.made, 0);
    }

    /// Entity `i`'s stream in `slot`, made for (`key`, `entity`,
    /// `purpose`) on first use in the trial.
    #[inline]
    pub(crate) fn get(
        &mut self,
        i: usize,
        slot: usize,
        key: u64,
        entity: u64,
        purpose: Purpose,
    ) -> &mut Stream {
        let bit = 1 << slot;
        let s = &mut self.streams[i][slot];
        if self.made[i] & bit == 0 {
            self.made[i] |= bit;
            *s = rng::stream(key, entity, purpose);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn streams_are_made_once_per_trial_and_remade_after_clear() {
        let mut t = Streams::new(2);
        let a = t.get(1, 3, 7, 9, Purpose::Restart).next_u64();
        let b = t.get(1, 3, 7, 9, Purpose::Restart).next_u64();
        let mut fresh = rng::stream(7, 9, Purpose::Restart);
        assert_eq!((a, b), (fresh.next_u64(), fresh.next_u64()));
        t.clear();
        assert_eq!(t.get(1, 3, 7, 9, Purpose::Restart).next_u64(), a);
    }
}
