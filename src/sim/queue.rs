//! The event queue of a trial: a min-heap on (time, push order).
//!
//! Push order is unique, so (time, push order) is a total order and any
//! correct priority queue pops events in exactly the same order: the
//! queue's shape is free, and is chosen for speed.
//!
//! - The key is packed into one `u128`: the time's bits, mapped so that
//!   unsigned order is [`f64::total_cmp`]'s order, above the item's index
//!   in push order. One integer comparison replaces a float comparison, a
//!   branch and a second comparison, and the items stay where they were
//!   pushed: sorting and sifting move 16-byte keys, not whole events.
//! - Items pushed before the first pop (a trial's initial failures and
//!   threat occurrences: most of what it ever queues) are sorted once into
//!   a run that pops from the front; only the items pushed while popping go
//!   to a heap, which then stays small (the jobs under way and the failures
//!   drawn since), so each pop sifts through a few levels instead of a
//!   year's worth of pending failures.
//! - The keys pushed while popping ("later") are few on most trials (the
//!   jobs under way and a pending failure per service recovered): while
//!   at most [`SORTED_MAX`] wait, they are kept sorted, least last, so a
//!   pop takes the last key and a push finds its place by binary search
//!   and shifts the keys after it (a job's end, soon, goes at or near the
//!   end: little to shift). A pop from a binary heap descends all its
//!   levels, and was most of the queue's work. A push that finds
//!   [`SORTED_MAX`] keys waiting turns them into a heap (reversed, a
//!   sorted run is one), which serves until it is empty again: a large
//!   estate's queue (a failure pending for each of thousands of services)
//!   works as before. Tests set the bound to zero (heap only) and to a
//!   few keys, and hold every setting to the same pops.
//! - The heap is hand-written rather than [`std::collections::BinaryHeap`]
//!   with a reversed `Ord`, so that the loop can look at the next time
//!   without decoding an event, and pops with the same "hole to the bottom,
//!   then sift up" strategy (the element moved from the end is usually
//!   late, so it belongs near the bottom).

/// An order-preserving map of an `f64` to a `u64`: `a.total_cmp(&b)` is
/// `key(a).cmp(&key(b))`. Flipping every bit of a negative number and only
/// the sign bit of a positive one turns IEEE 754's sign-magnitude order into
/// unsigned order.
#[inline]
pub(crate) fn time_key(t: f64) -> u64 {
    let b = t.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

/// The inverse of [`time_key`].
#[inline]
pub(crate) fn key_time(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// A priority queue of items by time, earliest first; items of equal time
/// pop in the order they were pushed.
#[derive(Debug, Clone)]
pub(crate) struct Queue<T> {
    /// Every item pushed since the last clear, in push order. An item's
    /// key is `time_key(t) << 64 | index here`: the index is the tie-break
    /// (push order) and finds the item again, so the run and the heap move
    /// 16-byte keys only.
    items: Vec<T>,
    /// Keys of the items pushed before the first pop, sorted at that pop;
    /// `next` is the first not yet popped.
    run: Vec<u128>,
    next: usize,
    /// Whether a pop has happened since the last clear.
    popping: bool,
    /// The keys pushed since: sorted, least last, or (`heaped`) a binary
    /// min-heap.
    heap: Vec<u128>,
    heaped: bool,
    /// The most keys kept sorted ([`SORTED_MAX`]; tests change it).
    sorted_max: usize,
}

/// The most keys pushed while popping that are kept sorted rather than in
/// a heap: shifting up to this many on a push costs less than a pop's
/// descent through the heap's levels. (On the 1 000-service estate, 48,
/// 96 and 256 take 1.1%, 2.2% and 4.3% off a trial's instructions, with
/// no difference in time measured between them: 96 keeps the shifts to
/// 1.5 kB.)
pub(crate) const SORTED_MAX: usize = 96;

impl<T: Copy> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            items: Vec::new(),
            run: Vec::new(),
            next: 0,
            popping: false,
            heap: Vec::new(),
            heaped: false,
            sorted_max: SORTED_MAX,
        }
    }
}

impl<T: Copy> Queue<T> {
    pub(crate) fn clear(&mut self) {
        self.items.clear();
        self.run.clear();
        self.next = 0;
        self.popping = false;
        self.heap.clear();
        self.heaped = false;
    }

    /// Tests: keep at most `n` keys pushed while popping sorted (0: a heap
    /// throughout).
    #[cfg(test)]
    pub(crate) fn set_sorted_max(&mut self, n: usize) {
        self.sorted_max = n;
    }

    /// Items queued (the property test checks it against a reference).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.run.len() - self.next + self.heap.len()
    }

    /// Add `item` at time `t`, after every queued item of the same time.
    #[inline]
    pub(crate) fn push(&mut self, t: f64, item: T) {
        let key = u128::from(time_key(t)) << 64 | self.items.len() as u128;
        self.items.push(item);
        if self.popping {
            self.later_push(key);
        } else {
            self.run.push(key);
        }
    }

    /// Sort the run at the first pop (or peek).
    #[inline]
    fn start_popping(&mut self) {
        if !self.popping {
            self.popping = true;
            self.run.sort_unstable();
        }
    }

    /// The time of the earliest item.
    #[inline]
    pub(crate) fn peek_time(&mut self) -> Option<f64> {
        self.start_popping();
        let run = self.run.get(self.next).copied();
        let heap = self.later_least();
        let key = match (run, heap) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(key_time((key >> 64) as u64))
    }

    /// Remove the earliest item (ties by push order), with its time.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(f64, T)> {
        self.start_popping();
        // (One branch on the form, then each form's own path: the heap's
        // is the whole path of a large estate.)
        let key = if self.heaped {
            match self.take_run_before(self.heap.first().copied()) {
                Some(key) => key,
                None => self.heap_pop()?,
            }
        } else {
            match self.take_run_before(self.heap.last().copied()) {
                Some(key) => key,
                None => self.heap.pop()?,
            }
        };
        Some((
            key_time((key >> 64) as u64),
            self.items[key as u64 as usize],
        ))
    }

    /// The run's next key, taken, if it comes before `later` (the least
    /// key pushed while popping, if any); `None` leaves the run as it is.
    #[inline(always)]
    fn take_run_before(&mut self, later: Option<u128>) -> Option<u128> {
        let &key = self.run.get(self.next)?;
        if later.is_some_and(|b| b <= key) {
            return None;
        }
        self.next += 1;
        Some(key)
    }

    /// The least key pushed while popping.
    #[inline]
    fn later_least(&self) -> Option<u128> {
        if self.heaped {
            self.heap.first().copied()
        } else {
            self.heap.last().copied()
        }
    }

    /// Push a key while popping: into its place among the sorted keys, or
    /// onto the heap (which the sorted keys become when they are
    /// [`Queue::sorted_max`]).
    #[inline]
    fn later_push(&mut self, key: u128) {
        if self.heaped {
            return self.heap_push(key);
        }
        let n = self.heap.len();
        if n >= self.sorted_max {
            // Least first: a sorted run is a min-heap.
            self.heap.reverse();
            self.heaped = true;
            return self.heap_push(key);
        }
        if self.heap.last().is_none_or(|&least| key < least) {
            // The least yet (a job that ends soon): last.
            self.heap.push(key);
        } else {
            let at = self.heap.partition_point(|&k| k > key);
            self.heap.insert(at, key);
        }
    }

    /// Push onto the heap.
    #[inline]
    fn heap_push(&mut self, key: u128) {
        let mut pos = self.heap.len();
        self.heap.push(key);
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if self.heap[parent] <= key {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = key;
    }

    /// Pop the heap's smallest key.
    #[inline]
    fn heap_pop(&mut self) -> Option<u128> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            // Empty again: sorted from the next push.
            self.heaped = false;
            return Some(last);
        };
        // Move the hole at the root down to a leaf along the smaller
        // children, then sift `last` up from there.
        let n = self.heap.len();
        let mut pos = 0;
        let mut child = 1;
        let heap = &mut self.heap[..n];
        while child + 1 < n {
            // Branch-free: which child is smaller is a coin flip.
            child += usize::from(heap[child + 1] < heap[child]);
            heap[pos] = heap[child];
            pos = child;
            child = 2 * pos + 1;
        }
        if child < n {
            heap[pos] = heap[child];
            pos = child;
        }
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if heap[parent] <= last {
                break;
            }
            heap[pos] = heap[parent];
            pos = parent;
        }
        heap[pos] = last;
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn time_key_orders_like_total_cmp() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            8760.0,
            1e300,
            f64::INFINITY,
        ];
        for a in values {
            assert_eq!(key_time(time_key(a)).to_bits(), a.to_bits());
            for b in values {
                assert_eq!(time_key(a).cmp(&time_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    proptest! {
        #[test]
        fn pops_in_time_then_push_order(
            times in proptest::collection::vec(prop_oneof![0.0..100.0f64, Just(5.0), Just(0.0)], 0..200),
            pops in proptest::collection::vec(any::<bool>(), 0..400),
            sorted_max in prop_oneof![Just(0usize), Just(1), Just(3), Just(SORTED_MAX)],
        ) {
            // Interleave pushes and pops; compare with a sorted reference,
            // with the keys pushed while popping in a heap throughout
            // (`sorted_max` 0), sorted up to a few, and as the loop has it.
            let mut q = Queue::default();
            q.set_sorted_max(sorted_max);
            let mut reference: Vec<(f64, u64)> = Vec::new();
            let mut next = times.into_iter();
            let mut seq = 0u64;
            for pop in pops {
                if pop {
                    reference.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
                    let want = reference.pop();
                    let got = q.pop().map(|(t, s): (f64, u64)| (t, s));
                    prop_assert_eq!(got, want);
                    // (Peeking only after pops leaves the pushes before the
                    // first pop to the sorted run.)
                    let min = reference.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
                    prop_assert_eq!(q.peek_time(), (!reference.is_empty()).then_some(min));
                } else if let Some(t) = next.next() {
                    seq += 1;
                    q.push(t, seq);
                    reference.push((t, seq));
                }
                prop_assert_eq!(q.len(), reference.len());
            }
        }
    }

    /// A deep heap (thousands of keys pushed while popping, many at equal
    /// times) pops in time, then push order: the pair-slice descent and
    /// the slice sift-up at every depth and at odd and even sizes.
    #[test]
    fn a_deep_heap_pops_in_order() {
        // A heap from the first push, and sorted keys turned into one.
        for sorted_max in [0, SORTED_MAX] {
            deep_heap(sorted_max);
        }
    }

    fn deep_heap(sorted_max: usize) {
        let mut q = Queue::default();
        q.set_sorted_max(sorted_max);
        let mut reference: Vec<(f64, u64)> = Vec::new();
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let mut seq = 0;
        q.push(0.0, seq);
        reference.push((0.0, seq));
        let mut popped = Vec::new();
        let mut deepest = 0;
        for round in 0..6_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Pushes outnumber pops for a while, then pops win.
            if x % 5 < if round < 3_000 { 3 } else { 1 } {
                seq += 1;
                let t = (x >> 40) as f64 % 97.0;
                q.push(t, seq);
                reference.push((t, seq));
            } else if let Some(got) = q.pop() {
                popped.push((got, seq));
            }
            deepest = deepest.max(q.heap.len());
        }
        while let Some(got) = q.pop() {
            popped.push((got, seq));
        }
        assert!(seq > 2_000 && deepest > 300, "{seq} {deepest}");
        // Replay: each pop is the least (time, then push order) of what
        // was pushed before it (pushes up to `upto`) and not yet popped.
        let mut q2: Vec<(f64, u64)> = Vec::new();
        let mut pushes = reference.into_iter().peekable();
        for &((t, s), upto) in &popped {
            while let Some(p) = pushes.next_if(|p| p.1 <= upto) {
                q2.push(p);
            }
            let least = q2
                .iter()
                .copied()
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .expect("queued");
            assert_eq!(least, (t, s));
            q2.retain(|&(_, r)| r != s);
        }
        assert_eq!(popped.len() as u64, seq + 1);
    }
}
