//! The endpoints of a k-of-n group's members in order, without sorting
//! them. Everything micro-optimised about [`super::at_least`] lives here.
//!
//! # Contract
//!
//! [`super::at_least`] sweeps its members' endpoints in the order of a
//! **stable** sort by time, ends before starts at one time, of the
//! endpoints pushed member by member, each member's list interval by
//! interval, start then end ([`endpoints_sorted`], the reference). That
//! order fixes which member's cause and occurrence open a group stretch,
//! so it must not move.
//!
//! [`Members`] gives that order without sorting or writing the endpoints
//! out: the members' lists are in normal form (sorted, disjoint), so each
//! list's endpoints are already in key order, and taking the least of the
//! lists' next endpoints, the earliest member's on equal keys, gives
//! exactly what the stable sort gives. Times then compare as integers
//! ([`key`]). Each list is checked first ([`in_key_order`]); if one is not
//! in key order (an interval of no length, overlapping intervals, a time
//! that is negative or NaN) or more than [`SMALL`] members have
//! intervals, the endpoints are sorted as before.
//!
//! With every list in key order, each member adds at most 1 to the count
//! of members down, so a group with fewer members down at some time than
//! its threshold is never down: it is not swept at all.
//!
//! [`in_key_order`] checks on the times' bits, without a branch per
//! interval (the same verdict as comparing the floats).
//!
//! What pins it: `key_order_on_bits_is_key_order_on_floats` (the check on
//! bits against the comparisons of floats, with −0, NaN, negative and
//! infinite times and horizons), `members_match_the_stable_sort` (the merge against the
//! sort on random lists with equal times across and within lists,
//! touching intervals, intervals of no length and overlaps),
//! `at_least_matches_the_sorted_sweep` (the whole operation against the
//! sweep of the sorted endpoints, causes and occurrences compared), the
//! k-of-n tests of `intervals` and `trial`, and the byte-identical outputs
//! of the bundled scenarios.
//!
//! Why: the sort was 5% of the time of saas-multi-region
//! (`docs/performance-log.md`).

use super::Iv;

/// An endpoint: time, +1 (a member goes down) or −1 (it comes back),
/// the interval's cause and occurrence.
pub(super) type Endpoint = (f64, i32, u32, u32);

/// Most members with intervals that [`Members`] takes; beyond, the
/// endpoints are sorted.
pub(super) const SMALL: usize = 8;

/// An endpoint's time and kind as one integer in the order of the stable
/// sort (time, then ends before starts), for a time that is neither
/// negative (not even −0) nor NaN: such times order as their bits, and a
/// start follows an end at the same time.
#[inline]
pub(crate) fn key(t: f64, start: bool) -> u64 {
    (t.to_bits() << 1) | start as u64
}

/// Whether `t` may go into a [`key`] (the reference of [`in_key_order`],
/// which works on bits).
#[cfg(test)]
fn keyable(t: f64) -> bool {
    t.is_sign_positive() && !t.is_nan()
}

/// Whether the endpoints of `list` (interval by interval, start then end
/// cut at `h`) are in key order with times that are [`keyable`] (the end
/// also before the cut): each
/// start strictly before its end, each end at or before the next start.
///
/// Worked out on the times' bits, without a branch per interval: a time
/// is keyable iff its bits are at most +∞'s (negative times, −0 and NaN
/// have more), and keyable times order as their bits; a start below a
/// keyable end is keyable too. The cut at `h` is the lesser of the bits
/// where `h` is keyable or NaN (`end.min(NaN)` is `end`); at a negative
/// `h` every cut end is negative. Pinned against the comparisons of
/// floats by `key_order_on_bits_is_key_order_on_floats`.
#[inline]
pub(crate) fn in_key_order(list: &[Iv], h: f64) -> bool {
    if h.is_sign_negative() && !h.is_nan() {
        return list.is_empty();
    }
    let hb = h.to_bits();
    let (mut last, mut ok) = (0u64, true);
    for iv in list {
        let (start, end) = (iv.start.to_bits(), iv.end.to_bits());
        let cut = end.min(hb);
        ok &= (end <= INF_BITS) & (last <= start) & (start < cut);
        last = cut;
    }
    ok
}

/// The bits of +∞: the greatest of a keyable time ([`keyable`]).
const INF_BITS: u64 = 0x7ff0_0000_0000_0000;

/// The reference order: every member's endpoints pushed in turn, then
/// stably sorted by time, ends (−1) before starts (+1) at equal times.
pub(super) fn endpoints_sorted(inputs: &[&[Iv]], scratch: &mut Vec<Endpoint>) {
    scratch.clear();
    for list in inputs {
        for iv in *list {
            scratch.push((iv.start, 1, iv.cause, iv.occ));
            scratch.push((iv.end, -1, iv.cause, iv.occ));
        }
    }
    scratch.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
}

/// Most lists an [`Ends`] merges: [`SMALL`] members, or a service's own
/// list and [`SMALL`] soft dependencies' (`trial::degrade`).
pub(crate) const ENDS_CAP: usize = SMALL + 1;

/// The endpoints of lists in key order, merged as they are read: the next
/// endpoint is the least of the lists' next ones, the earliest list's on
/// equal keys, each end cut at a horizon `h` (see the contract). Only
/// lists with intervals take part, in their order; each endpoint comes
/// with the place of its list among the inputs. The one merge of the k-of-n
/// sweep ([`Members`]) and of degradation's capacity events.
pub(crate) struct Ends<'a> {
    /// Per list: its next endpoint's [`key`]; `u64::MAX` once the list is
    /// done (no keyable time has that key).
    keys: [u64; ENDS_CAP],
    lists: [&'a [Iv]; ENDS_CAP],
    /// Per list: its next endpoint, interval `next / 2`, its start if
    /// even, else its end.
    next: [usize; ENDS_CAP],
    /// Per list: its place among the inputs.
    from: [u32; ENDS_CAP],
    /// Lists taking part.
    n: usize,
    h: f64,
}

impl<'a> Ends<'a> {
    /// The merge of the `inputs`' endpoints, ends cut at `h`, if every
    /// list is in key order ([`in_key_order`]) and at most `most` (and
    /// [`ENDS_CAP`]) have intervals.
    #[inline]
    pub(crate) fn new(
        inputs: impl IntoIterator<Item = &'a [Iv]>,
        h: f64,
        most: usize,
    ) -> Option<Ends<'a>> {
        let most = most.min(ENDS_CAP);
        let mut ends = Ends {
            keys: [u64::MAX; ENDS_CAP],
            lists: [&[]; ENDS_CAP],
            next: [0; ENDS_CAP],
            from: [0; ENDS_CAP],
            n: 0,
            h,
        };
        for (place, list) in (0u32..).zip(inputs) {
            let Some(first) = list.first() else {
                continue;
            };
            if ends.n == most || !in_key_order(list, h) {
                return None;
            }
            let n = ends.n;
            ends.keys[n] = key(first.start, true);
            ends.lists[n] = list;
            ends.from[n] = place;
            ends.n = n + 1;
        }
        Some(ends)
    }
}

impl<'a> Iterator for Ends<'a> {
    /// Time, +1 (a start) or −1 (an end), the list's place, the interval.
    type Item = (f64, i32, u32, &'a Iv);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let keys = &self.keys[..self.n];
        let (mut b, mut least) = (0, *keys.first()?);
        for (k, &x) in keys.iter().enumerate().skip(1) {
            if x < least {
                least = x;
                b = k;
            }
        }
        if least == u64::MAX {
            return None;
        }
        // The key holds the time's bits and whether it is a start.
        let t = f64::from_bits(least >> 1);
        let start = least & 1 == 1;
        let list = self.lists[b];
        let e = self.next[b];
        self.next[b] = e + 1;
        let iv = &list[e / 2];
        self.keys[b] = if start {
            key(iv.end.min(self.h), false)
        } else {
            list.get(e / 2 + 1)
                .map_or(u64::MAX, |next| key(next.start, true))
        };
        Some((t, if start { 1 } else { -1 }, self.from[b], iv))
    }
}

/// A group's members' endpoints in the order of the contract: [`Ends`]
/// over at most [`SMALL`] members with intervals, no horizon cut.
pub(super) struct Members<'a>(Ends<'a>);

impl<'a> Members<'a> {
    /// The merge of the `inputs`' endpoints, if every list is in key order
    /// and at most [`SMALL`] have intervals.
    #[inline]
    pub(super) fn new(inputs: &[&'a [Iv]]) -> Option<Members<'a>> {
        Ends::new(inputs.iter().copied(), f64::INFINITY, SMALL).map(Members)
    }

    /// Whether at least `threshold` members are ever down at once: not
    /// unless that many have intervals, as each list in key order adds at
    /// most 1 to the count.
    #[inline]
    pub(super) fn may_reach(&self, threshold: u32) -> bool {
        self.0.n as u64 >= u64::from(threshold)
    }
}

impl Iterator for Members<'_> {
    type Item = Endpoint;

    #[inline]
    fn next(&mut self) -> Option<Endpoint> {
        let (t, delta, _, iv) = self.0.next()?;
        Some((t, delta, iv.cause, iv.occ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{at_least, sweep, Xs};
    use super::*;

    /// A list on a coarse grid of times (so that times meet across lists):
    /// in normal form most of the time (sorted, disjoint, now and then
    /// touching the previous interval with another cause); with `odd`, now
    /// and then an interval of no length or one overlapping the previous.
    fn list(rng: &mut Xs, odd: bool) -> Vec<Iv> {
        let mut out: Vec<Iv> = Vec::new();
        let mut t = rng.below(4) as f64;
        for _ in 0..rng.below(7) {
            let len = 1 + rng.below(5);
            let mut start = t;
            let mut end = t + len as f64;
            if odd {
                match rng.below(8) {
                    0 => end = start,
                    1 if !out.is_empty() => start -= 1.0,
                    _ => {}
                }
            }
            // Now and then past the horizon, as a stretch still open.
            if rng.below(10) == 0 {
                end = f64::from_bits(40f64.to_bits() + 1).max(end);
            }
            out.push(Iv {
                start,
                end,
                cause: rng.below(5) as u32,
                occ: rng.below(50) as u32,
            });
            // Touching (a hand-over between causes) or after a gap.
            t = end + rng.below(3) as f64;
        }
        out
    }

    fn bits(v: &[Endpoint]) -> Vec<(u64, i32, u32, u32)> {
        v.iter()
            .map(|&(t, d, c, o)| (t.to_bits(), d, c, o))
            .collect()
    }

    #[test]
    fn members_match_the_stable_sort() {
        let mut rng = Xs(0x2545_F491_4F6C_DD1D);
        let mut sorted = Vec::new();
        let (mut merged, mut never, mut fell_back) = (0, 0, 0);
        for case in 0..20_000 {
            let odd = case % 4 == 0;
            let lists: Vec<Vec<Iv>> = (0..1 + rng.below(10))
                .map(|_| list(&mut rng, odd))
                .collect();
            let refs: Vec<&[Iv]> = lists.iter().map(|l| &l[..]).collect();
            endpoints_sorted(&refs, &mut sorted);
            // The fallback is the sort itself.
            let Some(walk) = Members::new(&refs) else {
                fell_back += 1;
                continue;
            };
            if !walk.may_reach(1) {
                assert!(sorted.is_empty(), "case {case}");
                never += 1;
            }
            let walk: Vec<Endpoint> = walk.collect();
            assert_eq!(bits(&walk), bits(&sorted), "case {case}");
            merged += 1;
        }
        // Every path is taken: most cases merge, the odd lists and those
        // with many members fall back.
        assert!(
            fell_back > 2_000 && merged > 10_000 && never > 100,
            "{merged} merged, {never} empty, {fell_back} sorted"
        );
    }

    #[test]
    fn at_least_matches_the_sorted_sweep() {
        let mut rng = Xs(0x9E37_79B9_7F4A_7C15);
        let mut sorted = Vec::new();
        let (mut out, mut want) = (Vec::new(), Vec::new());
        let mut down = 0;
        for case in 0..20_000 {
            let odd = case % 5 == 0;
            let lists: Vec<Vec<Iv>> = (0..1 + rng.below(10))
                .map(|_| list(&mut rng, odd))
                .collect();
            let refs: Vec<&[Iv]> = lists.iter().map(|l| &l[..]).collect();
            let threshold = 1 + rng.below(lists.len() as u64 + 1) as u32;
            endpoints_sorted(&refs, &mut sorted);
            sweep(sorted.iter().copied(), threshold, &mut want);
            at_least(&refs, threshold, &mut Vec::new(), &mut out);
            // Bit for bit, causes and occurrences included.
            let ivs = |v: &[Iv]| -> Vec<(u64, u64, u32, u32)> {
                v.iter()
                    .map(|x| (x.start.to_bits(), x.end.to_bits(), x.cause, x.occ))
                    .collect()
            };
            assert_eq!(ivs(&out), ivs(&want), "case {case}");
            down += usize::from(!out.is_empty());
        }
        assert!(down > 5_000, "{down} cases with stretches");
    }

    /// The reference: [`in_key_order`] on the floats.
    fn in_key_order_floats(list: &[Iv], h: f64) -> bool {
        let mut last_end = 0.0_f64;
        for iv in list {
            let end = iv.end.min(h);
            // The end before the cut too: `NaN.min(h)` is h.
            if !(keyable(iv.start) && keyable(iv.end) && keyable(end)) {
                return false;
            }
            if last_end > iv.start || iv.start >= end {
                return false;
            }
            last_end = end;
        }
        true
    }

    #[test]
    fn key_order_on_bits_is_key_order_on_floats() {
        let mut rng = Xs(0x6A09_E667_F3BC_C908);
        const ODD: [f64; 8] = [
            -0.0,
            0.0,
            -1.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        let time = |rng: &mut Xs| -> f64 {
            if rng.below(12) == 0 {
                ODD[rng.below(ODD.len() as u64) as usize]
            } else {
                rng.below(30) as f64
            }
        };
        let (mut kept, mut refused) = (0, 0);
        for case in 0..50_000 {
            let h = if case % 7 == 0 { time(&mut rng) } else { 20.0 };
            let mut list = Vec::new();
            let mut t = 0.0;
            for _ in 0..rng.below(6) {
                // Mostly in order, now and then an odd time anywhere.
                let mut start = t + rng.below(3) as f64;
                let mut end = start + 1.0 + rng.below(4) as f64;
                if rng.below(6) == 0 {
                    start = time(&mut rng);
                }
                if rng.below(6) == 0 {
                    end = time(&mut rng);
                }
                t = end;
                list.push(Iv {
                    start,
                    end,
                    cause: 0,
                    occ: 0,
                });
            }
            let want = in_key_order_floats(&list, h);
            assert_eq!(in_key_order(&list, h), want, "case {case}: {list:?} at {h}");
            kept += usize::from(want && !list.is_empty());
            refused += usize::from(!want);
        }
        assert!(kept > 10_000 && refused > 10_000, "{kept} {refused}");
    }

    #[test]
    fn key_order_is_what_the_sort_would_keep() {
        let iv = |start: f64, end: f64| Iv {
            start,
            end,
            cause: 0,
            occ: 0,
        };
        let h = f64::INFINITY;
        assert!(in_key_order(&[iv(1.0, 2.0), iv(3.0, 4.0)], h));
        // An end and the next start at one time: the end sorts first.
        assert!(in_key_order(&[iv(1.0, 2.0), iv(2.0, 4.0)], h));
        // No length: its end would sort before its start.
        assert!(!in_key_order(&[iv(1.0, 1.0)], h));
        assert!(!in_key_order(&[iv(1.0, 3.0), iv(2.0, 4.0)], h));
        assert!(in_key_order(&[], h));
        // Past the horizon `h`: its end is cut to before its start.
        assert!(!in_key_order(&[iv(11.0, 12.0)], 10.0));
        // Times whose bits do not order as the sort does.
        assert!(!in_key_order(&[iv(-0.0, 1.0)], h));
        assert!(!in_key_order(&[iv(f64::NAN, 2.0)], h));
        // A NaN end, even where the cut would hide it (NaN.min(h) is h).
        assert!(!in_key_order(&[iv(1.0, f64::NAN)], h));
        assert!(!in_key_order(&[iv(1.0, -f64::NAN)], 10.0));
        // Past 8 members with intervals, the sort; empty ones do not count.
        let one = [iv(1.0, 2.0)];
        let none: [Iv; 0] = [];
        let mut refs: Vec<&[Iv]> = vec![&one[..]; SMALL];
        refs.push(&none);
        assert!(Members::new(&refs).is_some());
        refs.push(&one);
        assert!(Members::new(&refs).is_none());
        // Two members with intervals never make three down.
        let two = Members::new(&[&one, &none, &one]).unwrap();
        assert!(two.may_reach(2) && !two.may_reach(3));
    }
}
