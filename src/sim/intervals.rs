//! Down intervals and the two operations the engine needs on them: the
//! union (a service is down while it or any hard dependency is) and the
//! k-of-n count (a group is down while at least n − need + 1 members are).
//!
//! Lists are sorted by start and disjoint. Overlapping intervals merge into
//! one stretch that keeps the cause of its earliest part (the disruption
//! that started it); intervals that only touch merge when they share a
//! cause and otherwise stay apart as segments, so that a service already
//! down for one reason when another takes over (a destruction during an
//! outage) charges each part to its own cause. Touching segments are one
//! outage (see `trial::outage`). Where two intervals start at one instant,
//! the engine puts the lower cause index first (random failures, then
//! threats in scenario order), so that cause wins the merged stretch.

/// A half-open stretch of time [start, end) and what started it: the
/// cause, and which occurrence of that cause (`occ`, numbered from 0 in
/// the trial per cause: for random failures the failure's number, for a
/// threat its occurrence's). A merged stretch keeps both from the part
/// that started it, so the occurrence behind each piece of a loss is a
/// field away (issue 16's split of random failures, insurance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Iv {
    pub start: f64,
    pub end: f64,
    pub cause: u32,
    pub occ: u32,
}

/// Builds a sorted, disjoint list from intervals given in order of start,
/// merging those that touch or overlap. The run being built stays in
/// registers and is written out only when the next interval starts after
/// it ends.
struct Runs<'a> {
    out: &'a mut Vec<Iv>,
    run: Option<Iv>,
}

impl<'a> Runs<'a> {
    fn new(out: &'a mut Vec<Iv>) -> Self {
        Runs { out, run: None }
    }

    #[inline]
    fn push(&mut self, iv: Iv) {
        match &mut self.run {
            // Overlapping: one stretch, charged to what started it.
            Some(r) if iv.start < r.end || (iv.start == r.end && iv.cause == r.cause) => {
                if iv.end > r.end {
                    r.end = iv.end;
                }
            }
            // Touching with another cause, or after a gap: a new segment
            // (touching segments are one outage, see `trial::outage`).
            Some(r) => {
                self.out.push(*r);
                *r = iv;
            }
            None => self.run = Some(iv),
        }
    }

    fn finish(self) {
        if let Some(r) = self.run {
            self.out.push(r);
        }
    }
}

/// The union of two lists sorted by start into `out` (cleared first), in
/// normal form. The inputs may overlap within themselves. At equal starts
/// `a` comes first, so its cause wins.
///
/// # Complexity
/// O(|a| + |b|), no allocation beyond `out`'s growth.
pub(crate) fn union_into(a: &[Iv], b: &[Iv], out: &mut Vec<Iv>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    let mut runs = Runs::new(out);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        let take_a = x.start <= y.start;
        i += usize::from(take_a);
        j += usize::from(!take_a);
        runs.push(if take_a { x } else { y });
    }
    for &iv in a[i..].iter().chain(&b[j..]) {
        runs.push(iv);
    }
    runs.finish();
}

/// The union of several lists in normal form (sorted, disjoint, touching
/// only where causes differ) into `out` (cleared first),
/// in one pass: at each step the earliest head among the lists (the first
/// list wins ties). Cheaper than folding [`union_into`] over the lists,
/// which copies the growing result once per list.
///
/// # Complexity
/// O(m·k) for m intervals in k lists; k is a service's dependency count.
pub(crate) fn union_many(lists: &[&[Iv]], out: &mut Vec<Iv>) {
    out.clear();
    if lists.len() > 8 {
        // Rare: many inputs. Merge eight at once, then fold in the rest.
        let mut acc = Vec::new();
        union_many(&lists[..8], &mut acc);
        for l in &lists[8..] {
            union_into(&acc, l, out);
            std::mem::swap(&mut acc, out);
        }
        *out = acc;
        return;
    }
    let mut heads: [&[Iv]; 8] = [&[]; 8];
    let mut k = 0;
    for l in lists.iter().filter(|l| !l.is_empty()) {
        heads[k] = l;
        k += 1;
    }
    match k {
        0 => return,
        // Every input is in normal form already: a copy is the union.
        1 => {
            out.extend_from_slice(heads[0]);
            return;
        }
        _ => {}
    }
    out.reserve(heads[..k].iter().map(|h| h.len()).sum());
    let mut runs = Runs::new(out);
    loop {
        let mut best = usize::MAX;
        let mut best_start = f64::INFINITY;
        for (h, list) in heads[..k].iter().enumerate() {
            if let Some(iv) = list.first() {
                if iv.start < best_start {
                    best_start = iv.start;
                    best = h;
                }
            }
        }
        if best == usize::MAX {
            break;
        }
        runs.push(heads[best][0]);
        heads[best] = &heads[best][1..];
    }
    runs.finish();
}

/// The union of the intervals `ivs[k]` for the indices `k` of `picked`
/// (increasing) into `out` (cleared first), in normal form. `ivs` must be
/// sorted by start; they may overlap.
///
/// This is how a service's down intervals are built: its row
/// (`trial::fused::Rows`) lists the segments that stop it, its own and
/// its hard dependencies', in order of start, and only that final set is
/// merged.
///
/// # Complexity
/// O(m) for m indices.
pub(crate) fn union_picked(picked: &[u32], ivs: &[Iv], out: &mut Vec<Iv>) {
    out.clear();
    let mut runs = Runs::new(out);
    for &k in picked {
        runs.push(ivs[k as usize]);
    }
    runs.finish();
}

mod decode;
pub(crate) use decode::decode_bits;
#[cfg(target_arch = "x86_64")]
pub(crate) use decode::has_wide;
#[cfg(test)]
use decode::set_bits;

mod kofn;
pub(crate) use kofn::{in_key_order, key};

/// Tests: a small xorshift, for the merges' random lists, reproducibly.
#[cfg(test)]
pub(crate) struct Xs(pub(crate) u64);

#[cfg(test)]
impl Xs {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A draw below `n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
pub(crate) use kofn::{Ends, ENDS_CAP};

/// Stretches where at least `threshold` of the `inputs` are down, into
/// `out` (cleared first). Ends are processed before starts at equal
/// times, so a hand-over between two members is no outage.
///
/// The endpoints are swept in the order of a stable sort by time, ends
/// first, of the members' endpoints in turn; lists in normal form are
/// merged into that order rather than sorted (see [`kofn`]). `scratch`
/// holds the endpoints when they are sorted.
///
/// # Complexity
/// O(m·k) for m intervals in all inputs and k ≤ 8 members with intervals;
/// else O(m log m) (a sort of the endpoints).
pub(crate) fn at_least(
    inputs: &[&[Iv]],
    threshold: u32,
    scratch: &mut Vec<(f64, i32, u32, u32)>,
    out: &mut Vec<Iv>,
) {
    match kofn::Members::new(inputs) {
        Some(members) if !members.may_reach(threshold) => out.clear(),
        Some(members) => sweep(members, threshold, out),
        None => {
            kofn::endpoints_sorted(inputs, scratch);
            sweep(scratch.iter().copied(), threshold, out);
        }
    }
}

/// The stretches where the count of `endpoints` (in the order of
/// [`at_least`]) is at least `threshold`, into `out` (cleared first).
#[inline(always)]
fn sweep(endpoints: impl Iterator<Item = (f64, i32, u32, u32)>, threshold: u32, out: &mut Vec<Iv>) {
    out.clear();
    let mut count: i64 = 0;
    let mut open: Option<(f64, u32, u32)> = None;
    let mut runs = Runs::new(out);
    for (t, delta, cause, occ) in endpoints {
        count += i64::from(delta);
        if open.is_none() && count >= i64::from(threshold) {
            open = Some((t, cause, occ));
        } else if count < i64::from(threshold) {
            if let Some((start, c, o)) = open.take() {
                runs.push(Iv {
                    start,
                    end: t,
                    cause: c,
                    occ: o,
                });
            }
        }
    }
    runs.finish();
}

/// Intervals in any order, in normal form: sorted by start and merged by
/// the [`Runs`] rule (for tests that build reference lists by hand).
#[cfg(test)]
pub(crate) fn normal_form(mut ivs: Vec<Iv>) -> Vec<Iv> {
    ivs.sort_by(|x, y| x.start.total_cmp(&y.start));
    let mut out = Vec::new();
    let mut runs = Runs::new(&mut out);
    for x in ivs {
        runs.push(x);
    }
    runs.finish();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn iv(start: f64, end: f64) -> Iv {
        Iv {
            start,
            end,
            cause: 0,
            occ: 0,
        }
    }

    /// Build a sorted disjoint list from arbitrary pairs.
    fn normalise(pairs: &[(u8, u8)], cause: u32) -> Vec<Iv> {
        let v: Vec<Iv> = pairs
            .iter()
            .filter(|(a, b)| a < b)
            .map(|&(a, b)| Iv {
                start: f64::from(a),
                end: f64::from(b),
                cause,
                occ: 0,
            })
            .collect();
        normal_form(v)
    }

    /// Down-ness at the midpoint of each unit step, by brute force.
    fn down_at(lists: &[Vec<Iv>], t: f64, threshold: usize) -> bool {
        lists
            .iter()
            .filter(|l| l.iter().any(|x| x.start <= t && t < x.end))
            .count()
            >= threshold
    }

    #[test]
    fn touching_segments_of_other_causes_stay_apart() {
        let seg = |start: f64, end: f64, cause: u32| Iv {
            start,
            end,
            cause,
            occ: 0,
        };
        let mut out = Vec::new();
        union_into(
            &[seg(0.0, 2.0, 1)],
            &[seg(2.0, 5.0, 2), iv(7.0, 8.0)],
            &mut out,
        );
        assert_eq!(out, vec![seg(0.0, 2.0, 1), seg(2.0, 5.0, 2), iv(7.0, 8.0)]);
        // The same cause merges; an overlap keeps the earliest cause.
        union_into(&[seg(0.0, 2.0, 1)], &[seg(2.0, 5.0, 1)], &mut out);
        assert_eq!(out, vec![seg(0.0, 5.0, 1)]);
        union_into(&[seg(0.0, 2.0, 1)], &[seg(1.0, 9.0, 3)], &mut out);
        assert_eq!(out, vec![seg(0.0, 9.0, 1)]);
    }

    #[test]
    fn hand_over_between_members_is_no_outage() {
        let (a, b) = ([iv(0.0, 2.0)], [iv(2.0, 4.0)]);
        let mut out = Vec::new();
        at_least(&[&a, &b], 2, &mut Vec::new(), &mut out);
        assert!(out.is_empty());
        at_least(&[&a, &b], 1, &mut Vec::new(), &mut out);
        assert_eq!(out, vec![iv(0.0, 4.0)]);
    }

    proptest! {
        #[test]
        fn union_matches_brute_force(a in proptest::collection::vec((0u8..50, 0u8..50), 0..8),
                                     b in proptest::collection::vec((0u8..50, 0u8..50), 0..8)) {
            let (a, b) = (normalise(&a, 1), normalise(&b, 2));
            let mut out = Vec::new();
            union_into(&a, &b, &mut out);
            for w in out.windows(2) {
                prop_assert!(w[0].end < w[1].start || (w[0].end == w[1].start && w[0].cause != w[1].cause));
            }
            for k in 0..50 {
                let t = k as f64 + 0.5;
                prop_assert_eq!(down_at(&[out.clone()], t, 1), down_at(&[a.clone(), b.clone()], t, 1));
            }
        }

        #[test]
        fn union_many_matches_brute_force(lists in proptest::collection::vec(proptest::collection::vec((0u8..40, 0u8..40), 0..6), 0..11)) {
            let lists: Vec<Vec<Iv>> = lists.iter().enumerate().map(|(k, l)| normalise(l, k as u32)).collect();
            let refs: Vec<&[Iv]> = lists.iter().map(|l| l.as_slice()).collect();
            let mut out = Vec::new();
            union_many(&refs, &mut out);
            for w in out.windows(2) {
                prop_assert!(w[0].end < w[1].start || (w[0].end == w[1].start && w[0].cause != w[1].cause));
            }
            for k in 0..40 {
                let t = k as f64 + 0.5;
                prop_assert_eq!(down_at(&[out.clone()], t, 1), down_at(&lists, t, 1));
            }
            // Folding pairwise unions gives the same outages (chains of
            // touching segments). Which cause a touching segment keeps can
            // depend on the grouping, which is why the engine always merges
            // a node's lists in one pass, in a fixed order.
            let mut folded: Vec<Iv> = Vec::new();
            for l in &lists {
                let mut next = Vec::new();
                union_into(&folded, l, &mut next);
                folded = next;
            }
            let outages = |v: &[Iv]| {
                let mut o: Vec<(f64, f64)> = Vec::new();
                for x in v {
                    match o.last_mut() {
                        Some(last) if last.1 == x.start => last.1 = x.end,
                        _ => o.push((x.start, x.end)),
                    }
                }
                o
            };
            prop_assert_eq!(outages(&out), outages(&folded));
        }

        #[test]
        fn union_of_picked_matches_brute_force(pairs in proptest::collection::vec((0u8..60, 1u8..20, 0u32..3), 0..150),
                                               picks in proptest::collection::vec(any::<bool>(), 150)) {
            // Segments sorted by start (overlapping, some identical), a
            // random subset of them chosen by bits over several words.
            let mut ivs: Vec<Iv> = pairs
                .iter()
                .map(|&(a, len, cause)| Iv { start: f64::from(a), end: f64::from(a) + f64::from(len), cause, occ: 0 })
                .collect();
            ivs.sort_by(|x, y| x.start.total_cmp(&y.start));
            let mut bits = vec![0u64; ivs.len().div_ceil(64)];
            let mut chosen = Vec::new();
            for (k, x) in ivs.iter().enumerate() {
                if picks[k] {
                    bits[k / 64] |= 1 << (k % 64);
                    chosen.push(*x);
                }
            }
            let mut picked = Vec::new();
            let n = decode_bits(&bits, &mut picked);
            let selected: Vec<Iv> = picked[..n].iter().map(|&k| ivs[k as usize]).collect();
            prop_assert_eq!(&selected, &chosen);
            let mut out = Vec::new();
            union_picked(&picked[..n], &ivs, &mut out);
            for w in out.windows(2) {
                prop_assert!(w[0].end < w[1].start || (w[0].end == w[1].start && w[0].cause != w[1].cause));
            }
            for k in 0..80 {
                let t = k as f64 + 0.5;
                prop_assert_eq!(down_at(&[out.clone()], t, 1), chosen.iter().any(|x| x.start <= t && t < x.end));
            }
            // The same as merging the chosen list with an empty one.
            let mut two = Vec::new();
            union_into(&chosen, &[], &mut two);
            prop_assert_eq!(out, two);
        }

        #[test]
        fn decoded_bits_match_the_set_bits(words in proptest::collection::vec(any::<u64>(), 0..6),
                                           dense in proptest::collection::vec(any::<bool>(), 6)) {
            // Sparse and full words both: random words have ~32 bits set,
            // so mask most of them down to a few.
            let bits: Vec<u64> = words
                .iter()
                .zip(&dense)
                .map(|(&w, &d)| if d { w } else { w & (w >> 7) & (w >> 13) })
                .collect();
            let mut out = vec![7; 3];
            let n = decode_bits(&bits, &mut out);
            let expected: Vec<u32> = set_bits(&bits).map(|k| k as u32).collect();
            prop_assert_eq!(&out[..n], &expected[..]);
            // Reused: a second, sparser row over the garbage of the first.
            let sparse: Vec<u64> = bits.iter().map(|&w| w & (w >> 11)).collect();
            let n = decode_bits(&sparse, &mut out);
            let expected: Vec<u32> = set_bits(&sparse).map(|k| k as u32).collect();
            prop_assert_eq!(&out[..n], &expected[..]);
        }

        #[test]
        fn k_of_n_matches_brute_force(lists in proptest::collection::vec(proptest::collection::vec((0u8..40, 0u8..40), 0..6), 1..5),
                                      threshold in 1u32..4) {
            let lists: Vec<Vec<Iv>> = lists.iter().map(|l| normalise(l, 0)).collect();
            let refs: Vec<&[Iv]> = lists.iter().map(|l| l.as_slice()).collect();
            let mut out = Vec::new();
            at_least(&refs, threshold, &mut Vec::new(), &mut out);
            for k in 0..40 {
                let t = k as f64 + 0.5;
                prop_assert_eq!(down_at(&[out.clone()], t, 1), down_at(&lists, t, threshold as usize));
            }
        }
    }
}
