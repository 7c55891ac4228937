//! Revenue lost to degradation: a service that is up but has soft
//! dependencies down earns at the capacity they leave it. Everything
//! micro-optimised about it lives here.
//!
//! # Contract
//!
//! [`degrade`] walks the service's capacity events (each down interval's
//! start and end, its own and each soft dependency's, ends cut at the
//! horizon) in the order of a **stable** sort by time, ends before starts
//! at one time ([`key_cmp`]), of the events pushed list by list (its own
//! first, then the soft dependencies in the plan's order), each list
//! interval by interval, start then end ([`cap_events_sorted`], the
//! reference). That order fixes the floating-point sums and the cause a
//! loss is charged to, so it must not move.
//!
//! [`Merged`] gives that order without sorting or writing the events out:
//! the lists are unions (sorted, disjoint, each interval of positive
//! length), so each list's events are already in key order, and taking
//! the least of the lists' next events, the earliest list's on equal keys,
//! gives exactly what the stable sort gives. Times then compare as
//! integers. The merge is `intervals::Ends`, shared with the k-of-n
//! sweep of groups. Each list is checked first (`intervals::in_key_order`);
//! if one is not in key order (a zero-length interval, one past the
//! horizon, overlapping intervals, a time that is negative or NaN) or
//! there are more than [`SMALL`] soft dependencies, the events are sorted
//! as before.
//!
//! Without records (every trial but a traced one), [`walk_keyed`] merges
//! and walks in one loop, with the same sums in the same order: the lists
//! with intervals are merged as [`Ends`] merges them (the least key, the
//! earliest list's on equal keys; the service's own list is the earliest,
//! so its events at or before the soft lists' least go first, and a soft
//! list that is done keeps its place with a key above every key); which
//! soft dependencies are down is a mask (each list in key order is down 0
//! or 1 times, and each of its events flips it), the capacity while up
//! the product of the capacities in the mask in the plan's order, looked
//! up in a table the plan holds (`compile::soft_caps`, the same products
//! as the walk's, bit for bit); and once every soft list is done, the
//! capacity while up stays 1, so the walk stops. Lists not in key order
//! (nothing booked yet) go to the sort.
//!
//! The walk ([`walk`]) books the same sums as before, with shortcuts that
//! change no bit: a service whose soft dependencies were never down (and
//! that records nothing) is not walked, as its capacity while up stays 1;
//! the capacity while up (the product of the capacities of the soft
//! dependencies down, in the plan's order) is worked out again only when
//! the set of those down changes; and the revenue hours of a stretch are
//! not worked out when its capacity is 1 (its loss,
//! `revenue · (1 − 1) · hours`, is 0 and not booked either way).
//!
//! What pins it: `keyed_walk_books_what_the_sorted_walk_books` (the keyed
//! walk against the walk of the sorted events, bit for bit, on random
//! lists as below with up to [`SMALL`] soft dependencies and capacities
//! of 0 and 1 among them, every count of soft lists with intervals
//! booking), `the_table_of_capacities_is_the_product_in_order` (the
//! plan's table against the product in the plan's order, bit for bit),
//! `merged_events_match_the_stable_sort` (the merge against
//! the sort on random lists with equal times across and within lists,
//! touching intervals, zero-length ones and horizon cuts),
//! `key_order_is_what_the_sort_would_keep`, the trial tests on services
//! with soft dependencies, and the byte-identical outputs of the bundled
//! scenarios.
//!
//! Why: the stable sort of every capacity event was 6 – 16% of the time of
//! the bundled scenarios with soft dependencies (`docs/performance-log.md`).

use std::cmp::Ordering;

use super::super::compile::SOFT_MOST;
use super::super::intervals::{in_key_order, key, Ends, Iv, ENDS_CAP};
use super::book::One;
use super::outage::{revenue_hours, Ledger, Timed, Totals};
use super::{Mark, Record};

/// A capacity event: time, +1 (a stretch starts) or −1 (it ends), whose
/// list ([`OWN`] or the soft dependency's place), cause and occurrence.
type CapEvent = (f64, i32, u32, u32, u32);

/// The source of an event from the service's own list.
const OWN: u32 = u32::MAX;

/// The order of the stable sort: time, then −1 before +1.
#[inline]
fn key_cmp(a: &CapEvent, b: &CapEvent) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// The two events of interval `iv` of source `kind`, its end cut at `h`.
#[inline]
fn events_of(iv: &Iv, kind: u32, h: f64) -> [CapEvent; 2] {
    [
        (iv.start, 1, kind, iv.cause, iv.occ),
        (iv.end.min(h), -1, kind, iv.cause, iv.occ),
    ]
}

/// Most soft dependencies of one service that [`Merged`] takes; beyond,
/// the events are sorted.
const SMALL: usize = SOFT_MOST;

/// The capacity events of a service's own list and its soft dependencies'
/// lists in the order of the contract: their endpoints merged by
/// [`Ends`], each with whose it is ([`OWN`] or the soft dependency's
/// place).
struct Merged<'a>(Ends<'a>);

impl<'a> Merged<'a> {
    /// The merge of `down`'s events and `soft`'s, if every list is in key
    /// order and there are at most [`SMALL`] soft lists.
    #[inline]
    fn new(down: &'a [Iv], soft: &[&'a [Iv]], h: f64) -> Option<Merged<'a>> {
        if soft.len() > SMALL {
            return None;
        }
        let lists = std::iter::once(down).chain(soft.iter().copied());
        Ends::new(lists, h, ENDS_CAP).map(Merged)
    }
}

impl Iterator for Merged<'_> {
    type Item = CapEvent;

    #[inline]
    fn next(&mut self) -> Option<CapEvent> {
        let (t, delta, place, iv) = self.0.next()?;
        // Place 0 is the service's own list, place k + 1 soft dependency k.
        let kind = place.checked_sub(1).unwrap_or(OWN);
        Some((t, delta, kind, iv.cause, iv.occ))
    }
}

/// The reference order: every list's events pushed in turn (`down` first,
/// then `soft` in order), then stably sorted by [`key_cmp`].
fn cap_events_sorted(down: &[Iv], soft: &[&[Iv]], h: f64, events: &mut Vec<CapEvent>) {
    events.clear();
    for iv in down {
        events.extend(events_of(iv, OWN, h));
    }
    for (k, list) in soft.iter().enumerate() {
        for iv in *list {
            events.extend(events_of(iv, k as u32, h));
        }
    }
    events.sort_by(key_cmp);
}

/// Revenue capacity over the trial: 0 while down, else the product of
/// the capacities kept by the soft dependencies that are down (their
/// lists in `lists`). Books the revenue lost while up and degraded
/// (attributed to the cause of the latest degradation, at the service's
/// revenue profile if it has one), and records capacity changes.
pub(super) fn degrade(
    one: One<'_>,
    ledger: &mut Ledger,
    totals: &mut Totals,
    records: Option<&mut Vec<Record>>,
) {
    let One {
        plan,
        svc,
        down,
        lists,
    } = one;
    let soft = plan.soft_deps.row(svc);
    if records.is_none()
        && soft
            .iter()
            .all(|&(node, _)| lists[node as usize].is_empty())
    {
        // Only its own events: the capacity while up stays 1, so nothing
        // is lost, and nothing is recorded.
        return;
    }
    let timed = Timed::of(plan, svc, ledger.origin);
    let events = &mut ledger.cap_events;
    // Stretches open at the horizon end past it: cut them there.
    let h = plan.horizon;
    let mut small_lists: [&[Iv]; SMALL] = [&[]; SMALL];
    let big_lists: Vec<&[Iv]>;
    let soft_lists: &[&[Iv]] = if soft.len() <= SMALL {
        for (l, &(node, _)) in small_lists.iter_mut().zip(soft) {
            *l = &lists[node as usize];
        }
        &small_lists[..soft.len()]
    } else {
        big_lists = soft
            .iter()
            .map(|&(node, _)| &lists[node as usize][..])
            .collect();
        &big_lists
    };
    let who = Who::of(one);
    if records.is_none() && soft.len() <= SMALL && walk_keyed(who, down, soft_lists, timed, totals)
    {
        return;
    }
    match Merged::new(down, soft_lists, h) {
        Some(merged) => walk(who, merged, timed, totals, records),
        None => {
            cap_events_sorted(down, soft_lists, h, events);
            walk(who, events.iter().copied(), timed, totals, records);
        }
    }
}

/// What the walk reads of the service being booked.
#[derive(Clone, Copy)]
struct Who<'a> {
    svc: usize,
    revenue: f64,
    /// Its soft dependencies and the capacity each keeps, in the plan's
    /// order.
    soft: &'a [(u32, f64)],
    /// With at most [`SMALL`] soft dependencies: per set of them down
    /// (bit k: soft dependency k), the capacity while up, the product of
    /// their capacities in the plan's order, from 1, as [`walk`]'s
    /// `factor` takes it (`compile::soft_caps`).
    caps: &'a [f64],
    h: f64,
}

impl<'a> Who<'a> {
    fn of(one: One<'a>) -> Who<'a> {
        let (plan, svc) = (one.plan, one.svc);
        Who {
            svc,
            revenue: plan.hot[svc].revenue_per_hour,
            soft: plan.soft_deps.row(svc),
            caps: plan.soft_caps.row(svc),
            h: plan.horizon,
        }
    }
}

/// [`walk`] without records, merging the lists' events as it goes (the
/// order of the contract): the same sums, in the same order. `false`,
/// with nothing booked, if a list is not in key order
/// ([`in_key_order`]); at most [`SMALL`] soft lists.
///
/// With every list in key order, each list is down (0 or 1) and each of
/// its events flips it, so which soft dependencies are down is a mask and
/// the capacity while up a function of it ([`Who::caps`]). What it
/// leaves out changes no sum: a stretch is booked only while the service
/// is up with a capacity other than 1 (`cap_prev` in [`walk`] is the
/// capacity while up then), and once every soft list is done (each ends
/// with an end) the capacity while up is 1 for good, so the service's
/// own events after that are not walked.
///
/// The merge: the soft lists with intervals, in their order, each with
/// its next event's key (`u64::MAX` once done, above every key, so it
/// never is the least and the others keep their order), the least taken,
/// the earliest list's on equal keys; before it, the service's own events
/// at or before that key (its list is the earliest of all). The number of
/// soft lists is a constant of each [`merge`], whose scan for the least
/// is unrolled; an event's successor in its list is worked out without
/// a branch on whether it is a start or an end.
#[inline(never)]
fn walk_keyed(
    who: Who<'_>,
    down: &[Iv],
    soft_lists: &[&[Iv]],
    timed: Option<Timed<'_>>,
    totals: &mut Totals,
) -> bool {
    debug_assert!(soft_lists.len() <= SMALL);
    debug_assert_eq!(who.caps.len(), 1 << who.soft.len());
    let h = who.h;
    if !in_key_order(down, h) {
        return false;
    }
    let mut soft = Soft {
        keys: [u64::MAX; SMALL],
        lists: [&[]; SMALL],
        bits: [0; SMALL],
    };
    let mut n = 0;
    for (k, &list) in soft_lists.iter().enumerate() {
        let Some(first) = list.first() else {
            continue;
        };
        if !in_key_order(list, h) {
            return false;
        }
        soft.keys[n] = key(first.start, true);
        soft.lists[n] = list;
        soft.bits[n] = 1 << k;
        n += 1;
    }
    let walk = Walk { who, timed };
    match n {
        0 => {}
        1 => merge::<1>(walk, down, &soft, totals),
        2 => merge::<2>(walk, down, &soft, totals),
        3 => merge::<3>(walk, down, &soft, totals),
        4 => merge::<4>(walk, down, &soft, totals),
        5 => merge::<5>(walk, down, &soft, totals),
        6 => merge::<6>(walk, down, &soft, totals),
        7 => merge::<7>(walk, down, &soft, totals),
        _ => merge::<SMALL>(walk, down, &soft, totals),
    }
    true
}

/// The soft lists with intervals of a [`walk_keyed`], in their order:
/// each one's first event's key, its intervals and its bit in the mask of
/// those down (soft dependency k's is `1 << k`).
struct Soft<'a> {
    keys: [u64; SMALL],
    lists: [&'a [Iv]; SMALL],
    bits: [usize; SMALL],
}

/// What [`merge`] books with.
#[derive(Clone, Copy)]
struct Walk<'a> {
    who: Who<'a>,
    timed: Option<Timed<'a>>,
}

impl Walk<'_> {
    /// Book the stretch from `t_prev` to `t`, up at capacity `cap` (not
    /// 1), charged to occurrence `occ` of `cause`: [`walk`]'s booking.
    #[inline(always)]
    fn book(self, totals: &mut Totals, t_prev: f64, t: f64, cap: f64, cause: u32, occ: u32) {
        let who = self.who;
        let lost = who.revenue * (1.0 - cap) * revenue_hours(self.timed.as_ref(), t_prev, t, who.h);
        if lost > 0.0 {
            totals.tally[who.svc].loss += lost;
            totals.cause_loss[cause as usize] += lost;
            totals.charges().charge(cause, occ, lost);
        }
    }
}

/// `end` cut at the horizon `h`: `end.min(h)` for an end that is not NaN
/// (each of a list in key order), in fewer steps.
#[inline(always)]
fn cut(end: f64, h: f64) -> f64 {
    if h < end {
        h
    } else {
        end
    }
}

/// The key of the event after one of interval `iv` (a start if `start`):
/// its end (cut at `h`) after its start, the next interval's start
/// (`next`) after its end.
#[inline(always)]
fn key_after(iv: &Iv, next: &Iv, start: bool, h: f64) -> u64 {
    let t = if start { cut(iv.end, h) } else { next.start };
    key(t, !start)
}

/// [`walk_keyed`]'s merge and walk of `own` and the first `N` soft lists
/// of `soft` (each with intervals). Each list's next event is of its
/// interval `at`, a start if its key says so; what follows it is worked
/// out without a branch on which it is (the one interval to read being
/// the current one after a start, the next after an end).
#[inline(always)]
fn merge<const N: usize>(walk: Walk<'_>, own: &[Iv], soft: &Soft<'_>, totals: &mut Totals) {
    let h = walk.who.h;
    let caps = walk.who.caps;
    let mut keys: [u64; N] = std::array::from_fn(|k| soft.keys[k]);
    let lists: [&[Iv]; N] = std::array::from_fn(|k| soft.lists[k]);
    let bits: [usize; N] = std::array::from_fn(|k| soft.bits[k]);
    let mut at = [0usize; N];
    let mut soft_left = N;
    let mut own_at = 0;
    let mut own_key = own.first().map_or(u64::MAX, |iv| key(iv.start, true));
    let (mut own_down, mut mask, mut up_cap) = (false, 0usize, 1.0);
    let (mut t_prev, mut cause, mut occ) = (0.0, 0u32, 0u32);
    loop {
        let (mut b, mut least) = (0, keys[0]);
        for (k, &x) in keys.iter().enumerate().skip(1) {
            if x < least {
                least = x;
                b = k;
            }
        }
        // The service's own events first: its list is the earliest.
        while own_key <= least {
            // The key holds the time's bits and whether it is a start.
            let t = f64::from_bits(own_key >> 1);
            if !own_down & (t > t_prev) & (up_cap != 1.0) {
                walk.book(totals, t_prev, t, up_cap, cause, occ);
            }
            t_prev = t;
            own_down = own_key & 1 == 1;
            let next = own_at + usize::from(!own_down);
            own_key = match own.get(next) {
                Some(nx) => key_after(&own[own_at], nx, own_down, h),
                None => u64::MAX,
            };
            own_at = next;
        }
        let t = f64::from_bits(least >> 1);
        if !own_down & (t > t_prev) & (up_cap != 1.0) {
            walk.book(totals, t_prev, t, up_cap, cause, occ);
        }
        t_prev = t;
        let list = lists[b];
        let i = at[b];
        let iv = &list[i];
        mask ^= bits[b];
        up_cap = caps[mask];
        let start = least & 1 == 1;
        // A start's cause is the latest.
        cause = if start { iv.cause } else { cause };
        occ = if start { iv.occ } else { occ };
        let next = i + usize::from(!start);
        at[b] = next;
        if let Some(nx) = list.get(next) {
            keys[b] = key_after(iv, nx, start, h);
            continue;
        }
        // Done: above every key from now on.
        keys[b] = u64::MAX;
        soft_left -= 1;
        if soft_left == 0 {
            return;
        }
    }
}

/// Book the revenue lost while up and degraded over `events` (in the
/// order of the contract), and record capacity changes.
#[inline(always)]
fn walk(
    who: Who<'_>,
    events: impl Iterator<Item = CapEvent>,
    timed: Option<Timed<'_>>,
    totals: &mut Totals,
    mut records: Option<&mut Vec<Record>>,
) {
    let Who {
        svc,
        revenue,
        soft,
        h,
        ..
    } = who;
    let mut small_active = [0u32; SMALL];
    let mut big_active: Vec<u32>;
    let active: &mut [u32] = if soft.len() <= SMALL {
        &mut small_active[..soft.len()]
    } else {
        big_active = vec![0; soft.len()];
        &mut big_active
    };
    let mut own_down = 0u32;
    let (mut t_prev, mut cap_prev, mut cause, mut occ) = (0.0, 1.0, 0u32, 0u32);
    // The capacity while up: the product of the capacities kept by the
    // soft dependencies that are down (none yet).
    let mut up_cap = 1.0;
    let factor = |active: &[u32]| -> f64 {
        soft.iter()
            .zip(active)
            .filter(|(_, &a)| a > 0)
            .map(|((_, c), _)| c)
            .product()
    };
    for (t, delta, kind, c, o) in events {
        // Up since the last event: `cap_prev` is the capacity then (the
        // product of the factors of the soft dependencies down).
        if own_down == 0 && t > t_prev && cap_prev != 1.0 {
            let lost = revenue * (1.0 - cap_prev) * revenue_hours(timed.as_ref(), t_prev, t, h);
            if lost > 0.0 {
                totals.tally[svc].loss += lost;
                totals.cause_loss[cause as usize] += lost;
                totals.charges().charge(cause, occ, lost);
            }
        }
        if kind == OWN {
            own_down = own_down.wrapping_add_signed(delta);
        } else {
            let a = &mut active[kind as usize];
            let was_down = *a > 0;
            *a = a.wrapping_add_signed(delta);
            if (*a > 0) != was_down {
                // The factor is a function of which are down: worked out
                // again only when that changes.
                up_cap = factor(active);
            }
            if delta > 0 {
                cause = c;
                occ = o;
            }
        }
        let cap = if own_down > 0 { 0.0 } else { up_cap };
        if let (true, Some(records)) = (cap != cap_prev, records.as_deref_mut()) {
            records.push(Record {
                t,
                svc: svc as u32,
                mark: Mark::Capacity(cap),
            });
        }
        cap_prev = cap;
        t_prev = t;
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::intervals::Xs;
    use super::super::outage::Tally;
    use super::*;
    use crate::sim::compile::soft_caps;

    /// A list on a coarse grid of times (so that times meet across lists):
    /// a union's (sorted, disjoint, not touching) most of the time; with
    /// `odd`, now and then an interval of no length, one touching or
    /// overlapping the previous, or one starting past the horizon.
    fn list(rng: &mut Xs, h: f64, odd: bool) -> Vec<Iv> {
        let mut out = Vec::new();
        let mut t = rng.below(4) as f64;
        for _ in 0..rng.below(7) {
            if t >= h {
                break;
            }
            let len = 1 + rng.below(5);
            let mut start = t;
            let mut end = t + len as f64;
            if odd {
                match rng.below(8) {
                    0 => end = start,
                    1 if !out.is_empty() => start -= 1.0,
                    2 => start = h + 1.0,
                    _ => {}
                }
            }
            let open = rng.below(6) == 0;
            if open {
                // Still open at the horizon: the last of its list.
                end = f64::from_bits(h.to_bits() + 1).max(end);
            }
            out.push(Iv {
                start,
                end,
                cause: rng.below(5) as u32,
                occ: rng.below(50) as u32,
            });
            if open {
                break;
            }
            t = end + 1.0 + rng.below(3) as f64;
        }
        out
    }

    #[test]
    fn merged_events_match_the_stable_sort() {
        let mut rng = Xs(0x9E37_79B9_7F4A_7C15);
        let mut sorted = Vec::new();
        let (mut merged, mut fell_back) = (0, 0);
        let bits = |v: &[CapEvent]| -> Vec<(u64, i32, u32, u32, u32)> {
            v.iter()
                .map(|&(t, d, k, c, o)| (t.to_bits(), d, k, c, o))
                .collect()
        };
        for case in 0..20_000 {
            let h = 10.0 + rng.below(20) as f64;
            let odd = case % 4 == 0;
            let down = list(&mut rng, h, odd);
            let soft: Vec<Vec<Iv>> = (0..rng.below(6)).map(|_| list(&mut rng, h, odd)).collect();
            let soft: Vec<&[Iv]> = soft.iter().map(|l| &l[..]).collect();
            cap_events_sorted(&down, &soft, h, &mut sorted);
            // The fallback is the sort itself.
            let Some(walk) = Merged::new(&down, &soft, h) else {
                fell_back += 1;
                continue;
            };
            let walk: Vec<CapEvent> = walk.collect();
            assert_eq!(bits(&walk), bits(&sorted), "case {case}");
            merged += 1;
        }
        // Both paths are taken: most cases merge, the odd lists fall back.
        assert!(
            fell_back > 500 && merged > 10_000,
            "{merged} merged, {fell_back} sorted"
        );
    }

    /// The trial's totals of one service over `causes` causes, random
    /// failures' occurrences going to a few services or the spare slot.
    fn totals(causes: usize) -> Totals {
        Totals {
            tally: vec![Tally::default()],
            cause_loss: vec![0.0; causes],
            cause_occ: vec![0; causes],
            origin: vec![0.0; 4],
            failed: (0..30).map(|i| i % 3).collect(),
            occ: None,
        }
    }

    /// What a walk booked, bit for bit.
    fn booked(t: &Totals) -> (u64, Vec<u64>, Vec<u64>) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect();
        (
            t.tally[0].loss.to_bits(),
            bits(&t.cause_loss),
            bits(&t.origin),
        )
    }

    #[test]
    fn keyed_walk_books_what_the_sorted_walk_books() {
        let mut rng = Xs(0xD1B5_4A32_D192_ED03);
        let mut sorted = Vec::new();
        let (mut keyed, mut lost, mut fell_back) = (0, 0, 0);
        // Per count of soft lists with intervals (each its own merge):
        // keyed walks that book a loss.
        let mut by_count = [0; SMALL + 1];
        const CAPS: [f64; 9] = [0.5, 0.7, 0.9, 1.0, 0.25, 0.0, 0.85, 0.3, 0.1];
        for case in 0..20_000 {
            let h = 10.0 + rng.below(20) as f64;
            let odd = case % 5 == 0;
            let down = list(&mut rng, h, odd);
            let soft: Vec<Vec<Iv>> = (0..1 + rng.below(SMALL as u64))
                .map(|_| list(&mut rng, h, odd))
                .collect();
            let soft: Vec<&[Iv]> = soft.iter().map(|l| &l[..]).collect();
            let caps: Vec<(u32, f64)> = (0u32..)
                .zip(&soft)
                .map(|(k, _)| (k, CAPS[rng.below(CAPS.len() as u64) as usize]))
                .collect();
            let table = soft_caps(&caps);
            let who = Who {
                svc: 0,
                revenue: 1.0 + rng.below(1000) as f64 / 7.0,
                soft: &caps,
                caps: &table,
                h,
            };
            // The reference: the sorted events, walked.
            let (mut want, mut got) = (totals(5), totals(5));
            cap_events_sorted(&down, &soft, h, &mut sorted);
            walk(who, sorted.iter().copied(), None, &mut want, None);
            if !walk_keyed(who, &down, &soft, None, &mut got) {
                // Nothing booked: the caller sorts.
                assert_eq!(booked(&got), booked(&totals(5)), "case {case}");
                fell_back += 1;
                continue;
            }
            assert_eq!(booked(&got), booked(&want), "case {case}");
            keyed += 1;
            let loss = usize::from(want.tally[0].loss > 0.0);
            lost += loss;
            by_count[soft.iter().filter(|l| !l.is_empty()).count()] += loss;
        }
        // Both paths are taken, and most keyed walks book a loss; so do
        // the merges of every count of soft lists.
        assert!(
            fell_back > 1_000 && keyed > 10_000 && lost > 5_000,
            "{keyed} keyed ({lost} with a loss), {fell_back} sorted"
        );
        assert!(by_count[1..].iter().all(|&n| n > 50), "{by_count:?}");
    }

    #[test]
    fn the_table_of_capacities_is_the_product_in_order() {
        let mut rng = Xs(0x2545_F491_4F6C_DD1D);
        for _ in 0..2_000 {
            let soft: Vec<(u32, f64)> = (0..rng.below(SMALL as u64 + 1))
                .map(|k| (k as u32, rng.below(1_000) as f64 / 997.0))
                .collect();
            let table = soft_caps(&soft);
            assert_eq!(table.len(), 1 << soft.len());
            for (mask, &cap) in table.iter().enumerate() {
                // As the walk multiplies them: in the plan's order, from 1.
                let want: f64 = soft
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| mask >> k & 1 == 1)
                    .map(|(_, &(_, c))| c)
                    .product();
                assert_eq!(cap.to_bits(), want.to_bits(), "{soft:?} {mask:b}");
            }
        }
        // Past the most, no table (the events are sorted).
        assert!(soft_caps(&[(0, 0.5); SMALL + 1]).is_empty());
    }

    #[test]
    fn key_order_is_what_the_sort_would_keep() {
        let iv = |start: f64, end: f64| Iv {
            start,
            end,
            cause: 0,
            occ: 0,
        };
        assert!(in_key_order(&[iv(1.0, 2.0), iv(3.0, 4.0)], 10.0));
        // An end and the next start at one time: the end sorts first.
        assert!(in_key_order(&[iv(1.0, 2.0), iv(2.0, 4.0)], 10.0));
        // No length: its end would sort before its start.
        assert!(!in_key_order(&[iv(1.0, 1.0)], 10.0));
        // Past the horizon: its end is cut to before its start.
        assert!(!in_key_order(&[iv(11.0, 12.0)], 10.0));
        assert!(!in_key_order(&[iv(1.0, 3.0), iv(2.0, 4.0)], 10.0));
        assert!(in_key_order(&[], 10.0));
        // Times whose bits do not order as the sort does.
        assert!(!in_key_order(&[iv(-0.0, 1.0)], 10.0));
        assert!(!in_key_order(&[iv(f64::NAN, 2.0)], 10.0));
        // Past 8 soft lists, the sort.
        let one = [iv(1.0, 2.0)];
        assert!(Merged::new(&one, &[&one[..]; SMALL], 10.0).is_some());
        assert!(Merged::new(&one, &[&one[..]; SMALL + 1], 10.0).is_none());
    }
}
