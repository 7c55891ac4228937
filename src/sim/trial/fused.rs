//! The trial's rows (which segments stop each service) and the fast
//! booking of a service straight from its row. Everything micro-optimised
//! about building rows and booking lives here, and nowhere else.
//!
//! # Contract
//!
//! [`Rows`] holds, per service, the distinct segments that stop it (its
//! own and its hard dependencies', transitively through services), read
//! ([`Rows::read`]) as their places among the trial's distinct segments in
//! increasing order. Two forms ([`Form`]) hold the same sets: a row of
//! bits over all of the trial's segments (its own bits OR its
//! dependencies' rows), kept while a row is at most [`BITS_MAX_WORDS`]
//! words, and a sorted list of places (its own merged with its
//! dependencies' lists) on larger trials, whose cost grows with the
//! outages rather than with services × segments.
//!
//! [`book_row`] books service `svc` from its row exactly as
//! [`super::book`] books the list that
//! [`union_picked`](super::super::intervals::union_picked) makes of that
//! row, with [`super::outage`]'s rule: the same tally, cause losses,
//! duration keys, shortest and longest, random failures' split by the
//! service that failed (`Totals::origin`, [`charge_failures`]), **bit for
//! bit** (the same floating-point operations in the same order). It
//! serves a service with no group below it (its list is its row's union)
//! while recording is off: one whose list is not kept, booked as the
//! union goes; one whose list is kept (a soft dependency or group member
//! of another node), its list written for those that read it and its
//! outages booked from the row; and one booked late (its revenue
//! degraded by soft dependencies), its outages booked from the row and
//! then its degradation from its list, in the same order as the list
//! booking. [`super::Trial::close`] decides. With insurance it also charges each
//! segment's loss to its occurrence ([`super::insure`]) as the list
//! booking does. Both forms give the same places, so everything after
//! [`Rows::read`] is shared.
//!
//! Three cases:
//!
//! - A service with impact that depends on time (a revenue profile or
//!   impact steps, DESIGN-2 B3) goes to the rule ([`Outages`]) as in the
//!   last case: its figures are not the segments' own.
//! - Most rows need no merging: on a large estate a service's segments
//!   rarely overlap or touch, so each segment is one run and one outage.
//!   [`sum_apart`] books such a row in one pass (no branch on the data
//!   but its end, for a row not apart after all) over figures
//!   worked out once per trial per segment ([`SegInfo`], made with the
//!   rule's own [`hours`], [`ended`] and [`breaches`]); random failures'
//!   share comes from the sums, the other causes' segment by segment.
//! - Any other row is merged into runs as it is read (the `Runs` rule of
//!   [`super::super::intervals`], inline) and each run goes to the rule
//!   ([`Outages`]), as the list booking does.
//!
//! Where the CPU has AVX-512, a row of bits is built eight words at a
//! time ([`wide`]): the same bits.
//!
//! What pins it: `fused_booking_matches_booking_the_list` (this path
//! against the list path, on a reference estate, one with lost revenue on
//! touching segments of two causes, one with revenue profiles and impact
//! steps, one with kept lists and a service booked late without groups
//! below them, an insured one and a generated estate, each with either form
//! of rows), `both_forms_of_rows_are_equal` (the two forms against each
//! other and against a plain closure, row by row, on random estates, and
//! whole accumulators), `outages_match_the_definition_on_a_reference_estate`,
//! `wide_rows_are_the_rows_ored_one_by_one` (the AVX-512 building of
//! rows against ORing them in one by one), `settling_apart_is_settling_the_shares`
//! (the costs of a row booked apart, [`apart::settle`], against the
//! shares and [`settle`](super::outage::settle)), and the byte-identical
//! outputs of the bundled scenarios.
//!
//! Why it is written this way: generated estates spend much of their
//! time here. The notes at each step say what each choice
//! (a layout, a select instead of a branch, a write in place) avoids.

use crate::stats::acc::SERVICE_BITS;
use crate::stats::hist;

use super::super::compile::{Hot, SimPlan};
#[cfg(target_arch = "x86_64")]
use super::super::intervals::has_wide;
use super::super::intervals::{decode_bits, Iv};
use super::outage::{breaches, ended, hours, Ledger, Outages, Timed, Totals};
use super::own::Seg;
use super::{FAILURES, NONE};

mod apart;
#[cfg(target_arch = "x86_64")]
mod wide;

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
    /// Another cause than random failures caused it.
    other: bool,
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
            other: !failure,
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
/// at the start of `others`. `None` (with no key appended) as soon as
/// two segments overlap or touch.
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
    // The keys are written into the spare room, not zeroed first (a call
    // to memset, for a dozen keys, cost as much as the loop's first few
    // segments).
    let (from, n) = (keys.len(), picked.len());
    keys.reserve(n);
    let spare = &mut keys.spare_capacity_mut()[..n];
    if others.len() < n {
        others.resize(n, 0);
    }
    let others = &mut others[..n];
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
    // No branch on the data but the end of a row not apart (taken once,
    // by one row in fourteen): the checks and the per-cause split are
    // selects and sums of per-segment figures (a segment of another cause
    // adds +0 to the failure hours), so that the loop runs without
    // mispredictions.
    for (&k, key) in picked.iter().zip(spare.iter_mut()) {
        // Borrowed, not copied: only the fields read are loaded.
        let seg = &segs[k as usize];
        key.write(seg.key);
        // Not apart: the rule books the row (a row in fourteen; what the
        // loop would add is thrown away, and the keys' room is left
        // unwritten). (As a test that passes, so that NaN fails it.)
        let apart = seg.start > last_end;
        if !apart {
            return None;
        }
        last_end = seg.end;
        let [d, d2] = seg.hours;
        a.downtime += d;
        a.downtime_sq += d2;
        // `rto_hours` is NaN for an outage still open at the horizon.
        a.rto_met += u32::from(seg.rto_hours <= rto);
        a.breaches += u32::from(breaches(d, mtpd));
        a.shortest = if d < a.shortest { d } else { a.shortest };
        a.longest = if d > a.longest { d } else { a.longest };
        a.failure_hours += seg.failure_hours;
        // Every segment is written, only other causes' are kept.
        // SAFETY: `a.others` counts some of the segments before this one,
        // so it is below `n`, the length of `others`.
        unsafe { *others.get_unchecked_mut(a.others) = k };
        a.others += usize::from(seg.other);
    }
    // The rest are random failures'.
    a.failures = (n - a.others) as u32;
    // SAFETY: the loop wrote each of the `n` slots past the length (`zip`
    // stops at the shorter, and both are `n` long).
    unsafe { keys.set_len(from + n) };
    Some(a)
}

/// How a trial keeps its rows ([`Rows`]): the same sets either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// A row of bits over all of the trial's distinct segments per service:
    /// building a service's row is a few words ORed per dependency, so on
    /// a small estate (a few words a row) it is the cheapest; but its
    /// cost and memory grow as nodes × segments.
    Bits,
    /// A sorted list of segment places per service, its own merged with
    /// its dependencies' lists: building and reading it costs what it
    /// holds (the trial's outages), not nodes × segments.
    Sparse,
}

/// The most words a bit row may have ([`Form::Bits`]); a trial with more
/// distinct segments than `64 × BITS_MAX_WORDS` keeps sparse rows. Where
/// the two cost the same, measured on generated estates
/// (docs/performance.md): bit rows cost nodes × words, and sparse rows
/// what the trial's outages hold.
pub(super) const BITS_MAX_WORDS: usize = 48;

/// The trial's rows and what the fast booking reads, reused from trial
/// to trial.
///
/// A service's row is the set of the trial's distinct segments that stop
/// it (its own and every hard dependency's, transitively through
/// services), read in increasing order of their place among the distinct
/// segments ([`Rows::read`]). It is kept in one of two forms ([`Form`]),
/// chosen per trial by its size ([`Rows::fill`]); both give the same
/// places in the same order, so every figure booked from them is the
/// same.
#[derive(Default)]
pub(super) struct Rows {
    /// This trial's form.
    form: Option<Form>,
    /// Tests: keep every trial's rows in this form.
    pub(super) force: Option<Form>,
    /// [`Form::Bits`]: per service, `w` words of bits: which distinct
    /// segments stop it.
    bits: Vec<u64>,
    w: usize,
    /// [`Form::Sparse`]: every row's places, first the services' own rows
    /// (by service), then each merged row in the order it was built.
    idx: Vec<u32>,
    /// [`Form::Sparse`], per service: where its row is in `idx` (written
    /// in dependency order, each before it is read).
    row: Vec<(u32, u32)>,
    /// [`Form::Sparse`], per service: where its own row is in `idx`.
    own: Vec<(u32, u32)>,
    /// [`Form::Sparse`]: the sources of the row being built.
    sources: Vec<(u32, u32)>,
    /// [`Form::Sparse`]: the union of more than two sources.
    scatter: Scatter,
    /// Per distinct segment: what booking a row reads of it.
    info: Vec<SegInfo>,
    /// [`Form::Bits`]: the set bits of the row being read.
    picked: Vec<u32>,
    /// The segments of a row booked apart that random failures did not
    /// cause ([`sum_apart`]; past the count, garbage).
    others: Vec<u32>,
}

impl Rows {
    /// Set up the trial's rows: per distinct segment its figures, the
    /// form (bits while a row is at most [`BITS_MAX_WORDS`] words, unless
    /// a test forces one), and per service its own segments (`segs`,
    /// each at its place `canon` among the `distinct` ones, `NONE` for
    /// empty ones); the trial's random failures from `totals`. `s` is
    /// the number of services (groups have no rows: their intervals are
    /// lists).
    pub(super) fn fill(
        &mut self,
        distinct: &[Iv],
        totals: &Totals,
        segs: &[Seg],
        canon: &[u32],
        s: usize,
        h: f64,
    ) {
        // Random failures' services, and the spare slot for the rest.
        let (failed, spare) = (&totals.failed, totals.origin.len() as u32 - 1);
        self.info.clear();
        self.info
            .extend(distinct.iter().map(|iv| SegInfo::new(iv, failed, spare, h)));
        let w = distinct.len().div_ceil(64);
        let form = self.force.unwrap_or(if w <= BITS_MAX_WORDS {
            Form::Bits
        } else {
            Form::Sparse
        });
        self.form = Some(form);
        match form {
            Form::Bits => {
                self.w = w;
                self.bits.clear();
                self.bits.resize(s * w, 0);
                for (seg, &c) in segs.iter().zip(canon) {
                    if c != NONE {
                        self.bits[seg.svc as usize * w + c as usize / 64] |= 1 << (c % 64);
                    }
                }
            }
            Form::Sparse => self.fill_sparse(segs, canon, s, distinct.len()),
        }
    }

    /// The own rows of [`Form::Sparse`], by counting: how many segments
    /// each service has, where its row starts, then each segment at its
    /// service's next place. A service's non-empty segments start one
    /// after the other (a new one opens only after the last one closed,
    /// and one that opens and closes at one instant is empty), and `segs`
    /// are in order of start, so taken in that order they are in
    /// increasing order of their place among the distinct ones.
    fn fill_sparse(&mut self, segs: &[Seg], canon: &[u32], s: usize, distinct: usize) {
        self.scatter.fit(distinct);
        self.own.clear();
        self.own.resize(s, (0, 0));
        for (seg, &c) in segs.iter().zip(canon) {
            if c != NONE {
                self.own[seg.svc as usize].1 += 1;
            }
        }
        let mut at = 0;
        for own in &mut self.own {
            let n = own.1;
            *own = (at, at);
            at += n;
        }
        self.idx.clear();
        self.idx.resize(at as usize, 0);
        for (seg, &c) in segs.iter().zip(canon) {
            if c != NONE {
                let own = &mut self.own[seg.svc as usize];
                self.idx[own.1 as usize] = c;
                own.1 += 1;
            }
        }
        debug_assert!(self
            .own
            .iter()
            .all(|&(a, b)| self.idx[a as usize..b as usize]
                .windows(2)
                .all(|w| w[0] < w[1])));
        self.row.clear();
        self.row.resize(s, (0, 0));
    }

    /// Build service `i`'s row from its own segments and the rows of the
    /// services among `deps` (built before it, in dependency order; other
    /// nodes are skipped). A row of bits is its own bits OR the
    /// dependencies' rows; a sparse row its own merged with theirs
    /// without repeats.
    ///
    /// # Complexity
    /// Bits: O(k·w) for k dependencies and w words. Sparse: O(m + u) for
    /// m places in the non-empty sources and u in the union, plus the
    /// [`Scatter`]'s summary words (one per 4 096 segments) when there
    /// are three or more; none when one source is non-empty (the row is
    /// shared, not copied).
    pub(super) fn build(&mut self, i: usize, deps: &[u32], s: usize) {
        let services = deps.iter().map(|&d| d as usize).filter(|&d| d < s);
        match self.form {
            Some(Form::Bits) => {
                #[cfg(target_arch = "x86_64")]
                if has_wide() {
                    // SAFETY: the CPU has AVX-512 F.
                    unsafe { wide::or_rows(&mut self.bits, self.w, i, deps, s) };
                    return;
                }
                for d in services {
                    self.or_row(i, d);
                }
            }
            Some(Form::Sparse) => {
                self.sources.clear();
                let own = self.own[i];
                if own.0 < own.1 {
                    self.sources.push(own);
                }
                for d in services {
                    let r = self.row[d];
                    if r.0 < r.1 {
                        self.sources.push(r);
                    }
                }
                self.row[i] = self.merge_sources();
            }
            None => unreachable!("rows are filled before they are built"),
        }
    }

    /// Service `i`'s row with only its own segments (a service moved by
    /// the DR plan: its dependencies come as lists).
    pub(super) fn build_own(&mut self, i: usize) {
        if self.form == Some(Form::Sparse) {
            self.row[i] = self.own[i];
        }
    }

    /// The union of `sources` without repeats, appended to `idx` (or
    /// shared, when there is one source); where it is. Two sources are
    /// merged ([`merge2`]), three or more marked and read back in order
    /// ([`Scatter`]).
    fn merge_sources(&mut self) -> (u32, u32) {
        match *self.sources.as_slice() {
            [] => (0, 0),
            [one] => one,
            [a, b] => {
                let from = self.idx.len();
                let total = (a.1 - a.0 + b.1 - b.0) as usize;
                self.idx.resize(from + total, 0);
                let (src, dst) = self.idx.split_at_mut(from);
                let n = merge2(
                    &src[a.0 as usize..a.1 as usize],
                    &src[b.0 as usize..b.1 as usize],
                    dst,
                );
                self.idx.truncate(from + n);
                (from as u32, (from + n) as u32)
            }
            _ => {
                // Three or more: each place marked in a bitmap of the
                // trial's segments, then read back in order
                // ([`Scatter`]): each step of a merge waits on the loads
                // of the step before, the marks do not wait on each other.
                let from = self.idx.len();
                let Rows {
                    sources,
                    idx,
                    scatter,
                    ..
                } = self;
                let mut total = 0;
                for &(a, b) in sources.iter() {
                    scatter.mark(&idx[a as usize..b as usize]);
                    total += (b - a) as usize;
                }
                idx.reserve(total);
                scatter.drain_into(idx);
                (from as u32, self.idx.len() as u32)
            }
        }
    }

    /// Row `into` |= row `from` (`into` ≠ `from`), in place: at a few
    /// words a row, a copy would be mostly the cost of calling memcpy.
    #[inline]
    fn or_row(&mut self, into: usize, from: usize) {
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

    /// Service `i`'s row: the places of the distinct segments that stop
    /// it, in increasing order (a row of bits is decoded into scratch).
    pub(super) fn read(&mut self, i: usize) -> &[u32] {
        self.read_with(i).0
    }

    /// [`Rows::read`], with what the fast booking reads besides.
    #[inline(always)]
    fn read_with(&mut self, i: usize) -> (&[u32], &[SegInfo], &mut Vec<u32>) {
        let picked = match self.form {
            Some(Form::Bits) => {
                let w = self.w;
                let count = decode_bits(&self.bits[i * w..(i + 1) * w], &mut self.picked);
                &self.picked[..count]
            }
            Some(Form::Sparse) => {
                let (a, b) = self.row[i];
                &self.idx[a as usize..b as usize]
            }
            None => unreachable!("rows are filled before they are read"),
        };
        (picked, &self.info, &mut self.others)
    }

    /// This trial's form (tests).
    #[cfg(test)]
    pub(super) fn form(&self) -> Option<Form> {
        self.form
    }
}

/// The union of several rows (each strictly increasing) without repeats,
/// in increasing order, by marks: each place sets its bit in a bitmap of
/// the trial's segments and its word's bit in a summary; reading the
/// summary's bits, then each marked word's, in increasing order gives the
/// places in order, once each, and clears both for the next union.
///
/// It costs a mark per place of the rows, a read per marked word and per
/// place of the union, and the summary's words (one per 4 096 segments),
/// however many rows there are: a chain of pairwise merges would copy the
/// union so far at every step, and each step of a merge waits on the
/// loads of the one before, where the marks do not wait on each other.
#[derive(Default)]
struct Scatter {
    /// A bit per segment; all clear between unions.
    bits: Vec<u64>,
    /// A bit per word of `bits`, set while that word has a bit set; all
    /// clear between unions.
    summary: Vec<u64>,
}

impl Scatter {
    /// Room for a trial of `distinct` segments.
    fn fit(&mut self, distinct: usize) {
        let w = distinct.div_ceil(64);
        if self.bits.len() < w {
            self.bits.resize(w, 0);
            self.summary.resize(w.div_ceil(64), 0);
        }
    }

    /// Mark every place of `row`.
    #[inline]
    fn mark(&mut self, row: &[u32]) {
        for &p in row {
            let w = (p >> 6) as usize;
            self.bits[w] |= 1 << (p & 63);
            self.summary[w >> 6] |= 1 << (w & 63);
        }
    }

    /// Append the marked places to `out` in increasing order, and clear
    /// the marks.
    fn drain_into(&mut self, out: &mut Vec<u32>) {
        for (s, summary) in self.summary.iter_mut().enumerate() {
            let mut words = std::mem::take(summary);
            while words != 0 {
                let w = s * 64 + words.trailing_zeros() as usize;
                words &= words - 1;
                let mut x = std::mem::take(&mut self.bits[w]);
                let base = (w * 64) as u32;
                while x != 0 {
                    out.push(base + x.trailing_zeros());
                    x &= x - 1;
                }
            }
        }
    }
}

/// The union of two rows `a` and `b` (each strictly increasing), without
/// repeats, at the start of `out` (which has room for both); returns its
/// length.
///
/// No branch on the data in the loop: each step writes the lesser head
/// and moves past it in either row or both (a repeat), so that sources
/// that interleave at random cost no mispredictions. (Merging a short
/// row into a long one by binary search and copies instead was tried:
/// no fewer instructions on the 10 000-service estate.)
#[inline]
fn merge2(a: &[u32], b: &[u32], out: &mut [u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out[n] = x.min(y);
        n += 1;
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let rest = if i < a.len() { &a[i..] } else { &b[j..] };
    out[n..n + rest.len()].copy_from_slice(rest);
    n + rest.len()
}

/// Book service `svc` from its row (see the module's contract): into its
/// tally and the causes' losses in `totals`, its duration keys into
/// `ledger`. `ivs` are the trial's distinct segments.
pub(super) fn book_row(
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
    let (picked, info, others) = rows.read_with(svc);
    let timed = Timed::of(plan, svc, ledger.origin);
    let apart = match timed {
        None => sum_apart(picked, info, &p, keys, others),
        Some(_) => None,
    };
    if let Some(a) = apart {
        shortest = a.shortest;
        longest = a.longest;
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
        let cause_loss = &mut totals.cause_loss;
        apart::settle(
            &p,
            &a,
            &others[..a.others],
            (info, ivs),
            &mut ledger.shares,
            tally,
            cause_loss,
        );
        // Random failures' share, segment by segment, to the services
        // that failed (each segment is one outage): only when it costs.
        let costs = p.cost_per_outage != 0.0 || p.mtpd_penalty != 0.0 || p.revenue_per_hour != 0.0;
        if a.failures > 0 && costs {
            charge_failures(&p, picked, info, &mut totals.origin);
        }
        // With insurance, every segment to its occurrence, likewise.
        if let (Some(occ), true) = (totals.occ.as_mut(), costs) {
            for &k in picked {
                let (seg, iv) = (&info[k as usize], &ivs[k as usize]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Merging two rows gives their sorted union without repeats,
        /// either way round.
        #[test]
        fn merged_rows_are_the_union(a in proptest::collection::btree_set(0u32..200, 0..40),
                                     b in proptest::collection::btree_set(0u32..200, 0..40)) {
            let (a, b): (Vec<u32>, Vec<u32>) = (a.into_iter().collect(), b.into_iter().collect());
            let mut union: Vec<u32> = a.iter().chain(&b).copied().collect();
            union.sort_unstable();
            union.dedup();
            let mut out = vec![u32::MAX; a.len() + b.len()];
            let n = merge2(&a, &b, &mut out);
            prop_assert_eq!(&out[..n], &union[..]);
            let n = merge2(&b, &a, &mut out);
            prop_assert_eq!(&out[..n], &union[..]);
        }

        /// Marking rows and draining gives their sorted union without
        /// repeats, appended to what `out` held, and leaves every mark
        /// clear: the next union, in the same scatter, is exact too. Each
        /// union is fitted to its own trial size, which grows and shrinks
        /// across summary words' edges (up to 9 000 segments), with its
        /// last place among the rows; some are dense (many places a word).
        #[test]
        fn scattered_rows_are_the_union(
            unions in proptest::collection::vec(
                (
                    prop_oneof![Just(1u32), Just(64), Just(65), Just(4_096), Just(4_097), 1u32..9_000],
                    proptest::collection::vec(proptest::collection::btree_set(any::<u32>(), 0..60), 0..6),
                    any::<bool>(),
                ),
                1..5,
            ),
        ) {
            let mut scatter = Scatter::default();
            for (distinct, rows, dense) in unions {
                scatter.fit(distinct as usize);
                let span = if dense { distinct.min(200) } else { distinct };
                let mut rows: Vec<Vec<u32>> = rows
                    .into_iter()
                    .map(|r| {
                        let mut r: Vec<u32> = r.into_iter().map(|p| p % span).collect();
                        r.sort_unstable();
                        r.dedup();
                        r
                    })
                    .collect();
                rows.push(vec![distinct - 1]);
                let mut union: Vec<u32> = rows.iter().flatten().copied().collect();
                union.sort_unstable();
                union.dedup();
                for row in &rows {
                    scatter.mark(row);
                }
                let mut out = vec![u32::MAX];
                scatter.drain_into(&mut out);
                prop_assert_eq!(out[0], u32::MAX);
                prop_assert_eq!(&out[1..], &union[..]);
                prop_assert!(scatter.bits.iter().chain(&scatter.summary).all(|&w| w == 0));
            }
        }
    }
}
