//! The fast booking of a service straight from its bit row. Everything
//! micro-optimised about booking lives here, and nowhere else.
//!
//! # Contract
//!
//! [`book_bits`] books service `svc` from row `svc` of [`Rows::bits`] (the
//! distinct segments that stop it: its own OR its hard dependencies'
//! rows) exactly as [`super::book`] books the list that
//! [`union_bits`](super::super::intervals::union_bits) makes of that row,
//! with [`super::outage`]'s rule: the same tally, cause losses, duration
//! keys, shortest and longest, random failures' split by the service that
//! failed (`Totals::origin`, [`charge_failures`]), **bit for bit** (the
//! same floating-point operations in the same order). It serves a service
//! booked in its turn whose list is not kept, with no group below it and
//! recording off (no records, no degradation); [`super::Trial::close`]
//! decides. With insurance it also charges each segment's loss to its
//! occurrence ([`super::insure`]) as the list booking does.
//!
//! Three cases:
//!
//! - A service with impact that depends on time (a revenue profile or
//!   impact steps, DESIGN-2 B3) goes to the rule ([`Outages`]) as in the
//!   last case: its figures are not the segments' own.
//! - Most rows need no merging: on a large estate a service's segments
//!   rarely overlap or touch, so each segment is one run and one outage.
//!   [`sum_apart`] books such a row in one branch-free pass over figures
//!   worked out once per trial per segment ([`SegInfo`], made with the
//!   rule's own [`hours`], [`ended`] and [`breaches`]); random failures'
//!   share comes from the sums, the other causes' segment by segment.
//! - Any other row is merged into runs as it is read (the `Runs` rule of
//!   [`super::super::intervals`], inline) and each run goes to the rule
//!   ([`Outages`]), as the list booking does.
//!
//! What pins it: `fused_booking_matches_booking_the_list` (this path
//! against the list path, on a reference estate, one with lost revenue on
//! touching segments of two causes, one with revenue profiles and impact
//! steps, and a generated estate),
//! `outages_match_the_definition_on_a_reference_estate`, and the
//! byte-identical outputs of the bundled scenarios.
//!
//! Why it is written this way: the generated 1000-service estate spends
//! much of its time here. The notes at each step say what each choice
//! (a layout, a select instead of a branch, a write in place) avoids.

use std::ops::Range;

use crate::stats::acc::SERVICE_BITS;
use crate::stats::hist;

use super::super::compile::{Hot, SimPlan};
use super::super::intervals::{decode_bits, Iv};
use super::outage::{breaches, ended, hours, settle, Ledger, Outages, Share, Timed, Totals};
use super::own::Seg;
use super::{FAILURES, NONE};

/// A distinct segment of a trial as the booking of a row reads it, worked
/// out once per trial so that each of its outages costs few operations:
/// its span, its duration and the duration's bucket key, and whether
/// random failures caused it.
#[derive(Debug, Clone, Copy, Default)]
struct SegInfo {
    start: f64,
    end: f64,
    /// Its duration d and d², side by side, added as a pair.
    hours: [f64; 2],
    /// d if random failures caused it, else 0 (which adds nothing).
    failure_hours: f64,
    /// d, or NaN if it is still open at the horizon (an open outage has
    /// not ended within the RTO, and NaN compares false).
    rto_hours: f64,
    key: u16,
    failure: bool,
    /// For a random failure's segment: the service that failed; for
    /// another cause's, the spare slot of `Totals::origin`.
    origin: u32,
}

impl SegInfo {
    /// The figures of segment `iv` as one outage (the rule, worked out
    /// ahead); `failed` is the service of each random failure, `spare`
    /// the spare slot.
    fn new(iv: &Iv, failed: &[u32], spare: u32, h: f64) -> SegInfo {
        let d = hours(iv.start, iv.end, h);
        let failure = iv.cause == FAILURES;
        SegInfo {
            start: iv.start,
            end: iv.end,
            hours: [d, d * d],
            failure_hours: if failure { d } else { 0.0 },
            // `rto_hours <= rto` iff `outage::rto_met`.
            rto_hours: if ended(iv.end, h) { d } else { f64::NAN },
            key: hist::compact(SERVICE_BITS, d),
            failure,
            origin: if failure {
                failed.get(iv.occ as usize).copied().unwrap_or(spare)
            } else {
                spare
            },
        }
    }
}

/// What [`sum_apart`] sums over a row's segments.
///
/// In C layout, with fields that the caller adds into neighbouring tally
/// fields (shortest and longest, outages and RTO met) apart: written one
/// by one, as a pair they would be read back as one wider load, which
/// waits for the stores to drain instead of taking them forwarded.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Apart {
    shortest: f64,
    downtime: f64,
    downtime_sq: f64,
    /// Segments that random failures caused, and their hours.
    failure_hours: f64,
    longest: f64,
    /// How many segments other causes caused (listed by `sum_apart`).
    others: usize,
    outages: u32,
    breaches: u32,
    rto_met: u32,
    failures: u32,
}

/// The outages of a row (`picked`, its segments' indices into `segs`, in
/// order), if its segments are apart (each starts after the one before it
/// ends, so each is one outage): downtime, RTO and MTPD counts, random
/// failures' share, the shortest and the longest; each duration's bucket
/// key is appended to `keys`, and the segments of other causes are listed
/// at the start of `others`. `None` (with the keys appended all the same)
/// if two segments overlap or touch.
///
/// One pass with per-segment figures worked out once per trial, in a
/// function of its own with few live values, so that every sum stays in a
/// register.
#[inline(never)]
fn sum_apart(
    picked: &[u32],
    segs: &[SegInfo],
    p: &Hot,
    keys: &mut Vec<u16>,
    others: &mut Vec<u32>,
) -> Option<Apart> {
    let from = keys.len();
    keys.resize(from + picked.len(), 0);
    let keys = &mut keys[from..];
    if others.len() < picked.len() {
        others.resize(picked.len(), 0);
    }
    let (rto, mtpd) = (p.rto, p.mtpd);
    let mut a = Apart {
        downtime: 0.0,
        downtime_sq: 0.0,
        outages: picked.len() as u32,
        rto_met: 0,
        breaches: 0,
        failures: 0,
        failure_hours: 0.0,
        others: 0,
        shortest: f64::INFINITY,
        longest: 0.0,
    };
    let mut last_end = f64::NEG_INFINITY;
    let mut apart = true;
    // No branch on the data: the checks and the per-cause split are
    // selects and sums of per-segment figures (a segment of another cause
    // adds +0 to the failure hours), so that the loop runs without
    // mispredictions.
    for (&k, key) in picked.iter().zip(keys) {
        let seg = segs[k as usize];
        *key = seg.key;
        apart &= seg.start > last_end;
        last_end = seg.end;
        let [d, d2] = seg.hours;
        a.downtime += d;
        a.downtime_sq += d2;
        // `rto_hours` is NaN for an outage still open at the horizon.
        a.rto_met += u32::from(seg.rto_hours <= rto);
        a.breaches += u32::from(breaches(d, mtpd));
        a.shortest = if d < a.shortest { d } else { a.shortest };
        a.longest = if d > a.longest { d } else { a.longest };
        a.failures += u32::from(seg.failure);
        a.failure_hours += seg.failure_hours;
        // Every segment is written, only other causes' are kept.
        others[a.others] = k;
        a.others += usize::from(!seg.failure);
    }
    apart.then_some(a)
}

/// The trial's bit rows and what the fast booking reads, reused from
/// trial to trial.
#[derive(Default)]
pub(super) struct Rows {
    /// Per node, `w` words of bits: which distinct segments stop it (its
    /// own and, for a service, every hard dependency's).
    bits: Vec<u64>,
    w: usize,
    /// Per distinct segment: what booking a row reads of it.
    info: Vec<SegInfo>,
    /// The set bits of the row being booked.
    picked: Vec<u32>,
    /// The segments of a row booked apart that random failures did not
    /// cause ([`sum_apart`]; past the count, garbage).
    others: Vec<u32>,
}

impl Rows {
    /// Set up the trial's rows: per distinct segment its figures, and
    /// per node the bits of its own segments (`segs`, each at its place
    /// `canon` among the `distinct` ones, `NONE` for empty ones); the
    /// trial's random failures from `totals`.
    pub(super) fn fill(
        &mut self,
        distinct: &[Iv],
        totals: &Totals,
        segs: &[Seg],
        canon: &[u32],
        nodes: usize,
        h: f64,
    ) {
        // Random failures' services, and the spare slot for the rest.
        let (failed, spare) = (&totals.failed, totals.origin.len() as u32 - 1);
        self.info.clear();
        self.info
            .extend(distinct.iter().map(|iv| SegInfo::new(iv, failed, spare, h)));
        let w = distinct.len().div_ceil(64);
        self.w = w;
        self.bits.clear();
        self.bits.resize(nodes * w, 0);
        for (seg, &c) in segs.iter().zip(canon) {
            if c != NONE {
                self.bits[seg.svc as usize * w + c as usize / 64] |= 1 << (c % 64);
            }
        }
    }

    /// Node `i`'s row.
    #[inline]
    pub(super) fn row(&self, i: usize) -> &[u64] {
        &self.bits[self.span(i)]
    }

    #[inline]
    fn span(&self, i: usize) -> Range<usize> {
        i * self.w..(i + 1) * self.w
    }

    /// Row `into` |= row `from` (`into` ≠ `from`), in place: at a few
    /// words a row, a copy would be mostly the cost of calling memcpy.
    #[inline]
    pub(super) fn or_row(&mut self, into: usize, from: usize) {
        debug_assert_ne!(into, from);
        let (bits, w) = (&mut self.bits, self.w);
        let (to, by) = if into < from {
            let (lo, hi) = bits.split_at_mut(from * w);
            (&mut lo[into * w..(into + 1) * w], &hi[..w])
        } else {
            let (lo, hi) = bits.split_at_mut(into * w);
            (&mut hi[..w], &lo[from * w..(from + 1) * w])
        };
        for (a, b) in to.iter_mut().zip(by.iter()) {
            *a |= b;
        }
    }
}

/// Book service `svc` from its row (see the module's contract): into its
/// tally and the causes' losses in `totals`, its duration keys into
/// `ledger`. `ivs` are the trial's distinct segments.
pub(super) fn book_bits(
    plan: &SimPlan,
    svc: usize,
    rows: &mut Rows,
    ivs: &[Iv],
    totals: &mut Totals,
    ledger: &mut Ledger,
) {
    let p = plan.hot[svc];
    let keys = &mut ledger.keys;
    let from = keys.len();
    let (shortest, longest);
    let span = rows.span(svc);
    let count = decode_bits(&rows.bits[span], &mut rows.picked);
    let picked = &rows.picked[..count];
    let timed = Timed::of(plan, svc, ledger.origin);
    let apart = match timed {
        None => sum_apart(picked, &rows.info, &p, keys, &mut rows.others),
        Some(_) => None,
    };
    if let Some(a) = apart {
        shortest = a.shortest;
        longest = a.longest;
        let shares = &mut ledger.shares;
        let mut touched = 0;
        // The first booking of the trial: the sums start at zero. The
        // tally is written in place: a copy read back whole after
        // narrow writes would wait on store forwarding.
        let tally = &mut totals.tally[svc];
        debug_assert_eq!(tally.outages, 0);
        tally.downtime += a.downtime;
        tally.downtime_sq += a.downtime_sq;
        tally.outages += a.outages;
        tally.rto_met += a.rto_met;
        tally.breached |= a.breaches > 0;
        // Threats' shares segment by segment (few), random failures'
        // from the sums: their breaches are what the others leave.
        let mut failure_breaches = a.breaches;
        for &k in &rows.others[..a.others] {
            let k = k as usize;
            let seg = &rows.info[k];
            let d = seg.hours[0];
            let breached = u32::from(breaches(d, p.mtpd));
            failure_breaches -= breached;
            let cause = ivs[k].cause as usize;
            let share = &mut shares[cause];
            share.outages += 1;
            share.breaches += breached;
            share.hours += d;
            touched = touched.max(cause + 1);
        }
        if a.failures > 0 {
            shares[FAILURES as usize] = Share {
                outages: a.failures,
                breaches: failure_breaches,
                hours: a.failure_hours,
                impact: 0.0,
            };
            touched = touched.max(FAILURES as usize + 1);
        }
        settle(
            &p,
            shares,
            touched,
            &mut totals.tally[svc],
            &mut totals.cause_loss,
        );
        // Random failures' share, segment by segment, to the services
        // that failed (each segment is one outage): only when it costs.
        let costs = p.cost_per_outage != 0.0 || p.mtpd_penalty != 0.0 || p.revenue_per_hour != 0.0;
        if a.failures > 0 && costs {
            charge_failures(&p, picked, &rows.info, &mut totals.origin);
        }
        // With insurance, every segment to its occurrence, likewise.
        if let (Some(occ), true) = (totals.occ.as_mut(), costs) {
            for &k in picked {
                let (seg, iv) = (&rows.info[k as usize], &ivs[k as usize]);
                let d = seg.hours[0];
                let fixed = p.cost_per_outage
                    + if breaches(d, p.mtpd) {
                        p.mtpd_penalty
                    } else {
                        0.0
                    };
                occ.charge(iv.cause, iv.occ, p.revenue_per_hour * d + fixed);
            }
        }
    } else {
        keys.truncate(from);
        let mut outages = Outages::of(plan, svc, timed, &mut ledger.shares, keys, totals);
        // The run of the union being merged (the `Runs` rule).
        let mut run = Iv {
            start: 0.0,
            end: 0.0,
            cause: 0,
            occ: 0,
        };
        let mut in_run = false;
        for &k in picked {
            let iv = ivs[k as usize];
            if in_run {
                if iv.start < run.end || (iv.start == run.end && iv.cause == run.cause) {
                    if iv.end > run.end {
                        run.end = iv.end;
                    }
                    continue;
                }
                outages.run(run);
            }
            run = iv;
            in_run = true;
        }
        if in_run {
            outages.run(run);
        }
        outages.last();
        (shortest, longest) = (outages.shortest, outages.longest);
        outages.settle();
    }
    ledger.note(svc, from, shortest, longest);
}

/// Charge the random-failure segments among `picked` (a row booked apart:
/// each segment one outage), with the service's costs `p`, to the
/// services that failed, as the rule's [`super::outage::Charges`] would: the run's lost
/// revenue and the outage's fixed cost as one piece. The other causes'
/// segments go to the spare slot, so the loop has no branch.
#[inline(never)]
fn charge_failures(p: &Hot, picked: &[u32], segs: &[SegInfo], origin: &mut [f64]) {
    let (revenue, cost, mtpd, penalty) = (
        p.revenue_per_hour,
        p.cost_per_outage,
        p.mtpd,
        p.mtpd_penalty,
    );
    for &k in picked {
        let seg = &segs[k as usize];
        let d = seg.hours[0];
        // A select, not a branch; the same sum as `Outages` charges.
        let fixed = cost + if breaches(d, mtpd) { penalty } else { 0.0 };
        origin[seg.origin as usize] += revenue * d + fixed;
    }
}
