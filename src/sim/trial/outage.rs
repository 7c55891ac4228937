//! The one rule that books a service's outages, and what it books into.
//!
//! A service's functional down intervals come as *runs* (the union of its
//! segments, [`super::super::intervals`]: sorted, disjoint, each charged
//! to the cause that started it). The rule:
//!
//! - An outage is a chain of touching runs (one starts where the one
//!   before ends): a disaster that ends a random failure's segment and
//!   starts its own at the same instant is one outage, two causes.
//! - Its duration runs from its start to its end, or to the horizon when
//!   it is still open there ([`hours`]).
//! - It met the RTO iff its duration is at most the RTO *and* it ended
//!   by the horizon ([`rto_met`]); it breached the MTPD iff its duration
//!   exceeds the MTPD ([`breaches`]).
//! - Its fixed cost (and MTPD penalty, and the impact steps its duration
//!   reaches) goes to the cause of its first run; each run's revenue hours
//!   (the lost revenue: [`revenue_hours`], its hours, or the integral of
//!   the service's revenue profile over it) to the run's own cause. Costs
//!   are summed per cause and settled in cause order ([`settle`]).
//!
//! Beside the causes, each piece is also charged to its occurrence
//! ([`Iv::occ`]): random failures' to the service whose failure it was
//! (`Totals::origin`, issue 16), and with insurance every cause's to its
//! occurrence ([`super::insure`]).
//!
//! [`Outages`] applies it to runs given one by one; both the booking of a
//! list ([`super::book`]) and the general case of the booking of a row
//! ([`super::fused::book_row`]) feed it. The fast case of the latter
//! (rows whose runs are apart) is the same rule with each run its own
//! outage, written out in [`super::fused`] from these same functions.

use crate::stats::acc::SERVICE_BITS;
use crate::stats::hist;

use super::super::compile::{Hot, SimPlan};
use super::super::intervals::Iv;
use super::super::profile::{Profile, Steps};
use super::insure::Occurrences;
use super::FAILURES;

/// What a trial books for one service, kept together so that booking an
/// outage touches one cache line.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    pub(super) downtime: f64,
    /// Σ duration² over the trial's outages (Σ duration is the downtime).
    pub(super) downtime_sq: f64,
    pub(super) data_loss: f64,
    pub(super) loss: f64,
    pub(super) outages: u32,
    pub(super) rto_met: u32,
    pub(super) breached: bool,
    /// A restore or switchover lost more data than the RPO.
    pub(super) rpo_breached: bool,
}

/// One cause's part in one service's outages of a trial: the outages it
/// started (each carries the fixed cost, the MTPD penalty if it breached,
/// and the impact steps it reached) and the revenue hours of the segments
/// it caused (they carry the lost revenue).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Share {
    pub(super) outages: u32,
    pub(super) breaches: u32,
    /// Revenue hours ([`revenue_hours`]).
    pub(super) hours: f64,
    /// The impact steps' costs of the outages it started.
    pub(super) impact: f64,
}

/// What the booking of one service reads of its impact that depends on
/// time (DESIGN-2 B3): its revenue profile, where the trial starts on the
/// profile's clock, and its impact steps.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timed<'a> {
    profile: Option<&'a Profile>,
    /// The profile clock's time at the trial's t = 0 (hours after Monday
    /// 1 January 00:00).
    origin: f64,
    steps: &'a Steps,
}

impl<'a> Timed<'a> {
    /// Service `svc`'s, if it has a profile or impact steps; `origin` is
    /// the trial's start on the profile's clock.
    #[inline]
    pub(super) fn of(plan: &'a SimPlan, svc: usize, origin: f64) -> Option<Timed<'a>> {
        if !plan.is_timed(svc) {
            return None;
        }
        let t = &plan.timed[svc];
        Some(Timed {
            profile: t.profile.map(|k| &plan.profiles[k as usize]),
            origin,
            steps: &t.steps,
        })
    }
}

/// The revenue hours of a stretch from `start` to `end`, cut at the
/// horizon `h`: what `revenue_per_hour` multiplies. Without a revenue
/// profile, its [`hours`] (the arithmetic of a service without one stays
/// exactly what it was); with one, the profile's integral over it on the
/// profile's clock. The one place where lost revenue meets the time of
/// day.
#[inline(always)]
pub(super) fn revenue_hours(timed: Option<&Timed>, start: f64, end: f64, h: f64) -> f64 {
    match timed {
        Some(&Timed {
            profile: Some(profile),
            origin,
            ..
        }) => profile.integral(origin + start, origin + end.min(h)),
        _ => hours(start, end, h),
    }
}

/// The trial's results: per service its tally, per cause its losses and
/// occurrences, per occurrence what it is charged.
pub(super) struct Totals {
    pub(super) tally: Vec<Tally>,
    pub(super) cause_loss: Vec<f64>,
    pub(super) cause_occ: Vec<u32>,
    /// Per service: the random-failure loss, anywhere in the estate, of
    /// its own random failures (a split of `cause_loss[FAILURES]`); and
    /// last a spare slot that takes what no service's failure is behind
    /// (other causes' pieces in the fast booking, which adds them without
    /// a branch; no random-failure piece lacks its failure).
    pub(super) origin: Vec<f64>,
    /// Per random failure of the trial, by number: the service that
    /// failed (what a failure segment's `occ` leads to).
    pub(super) failed: Vec<u32>,
    /// With insurance: each occurrence's loss.
    pub(super) occ: Option<Occurrences>,
}

impl Totals {
    pub(super) fn new(plan: &SimPlan) -> Totals {
        let (services, causes) = (plan.n_services, plan.threats.len() + 1);
        Totals {
            tally: vec![Tally::default(); services],
            cause_loss: vec![0.0; causes],
            cause_occ: vec![0; causes],
            origin: vec![0.0; services + 1],
            failed: Vec::new(),
            occ: plan
                .insurance
                .as_ref()
                .map(|i| Occurrences::new(causes, i.policies.len())),
        }
    }

    pub(super) fn reset(&mut self) {
        self.tally.fill(Tally::default());
        self.cause_loss.fill(0.0);
        self.cause_occ.fill(0);
        self.origin.fill(0.0);
        self.failed.clear();
        if let Some(occ) = &mut self.occ {
            occ.reset();
        }
    }

    /// `hours` of `svc`'s data lost to occurrence `occ` of `cause`, and
    /// their cost.
    pub(super) fn lose_data(&mut self, plan: &SimPlan, svc: u32, hours: f64, cause: u32, occ: u32) {
        let i = svc as usize;
        self.tally[i].data_loss += hours;
        self.tally[i].rpo_breached |= hours > plan.services[i].rpo;
        let cost = hours * plan.services[i].data_loss_cost_per_hour;
        self.tally[i].loss += cost;
        self.cause_loss[cause as usize] += cost;
        self.charges().charge(cause, occ, cost);
    }

    /// What charges pieces of loss to their occurrences.
    #[inline(always)]
    pub(super) fn charges(&mut self) -> Charges<'_> {
        Charges {
            origin: &mut self.origin,
            failed: &self.failed,
            occ: self.occ.as_mut(),
        }
    }
}

/// Charges pieces of loss to their occurrences: random failures' to the
/// service that failed (`Totals::origin`), and with insurance every piece
/// to its occurrence.
pub(super) struct Charges<'a> {
    pub(super) origin: &'a mut [f64],
    pub(super) failed: &'a [u32],
    pub(super) occ: Option<&'a mut Occurrences>,
}

impl Charges<'_> {
    /// Occurrence `occ` of `cause` lost `x`.
    #[inline(always)]
    pub(super) fn charge(&mut self, cause: u32, occ: u32, x: f64) {
        if cause == FAILURES {
            let spare = self.origin.len() - 1;
            let o = self.failed.get(occ as usize).map_or(spare, |&o| o as usize);
            self.origin[o] += x;
        }
        if let Some(occs) = &mut self.occ {
            occs.charge(cause, occ, x);
        }
    }
}

/// One service's outage durations in [`Ledger::keys`].
#[derive(Debug, Clone, Default)]
pub(super) struct Booked {
    pub(super) keys: std::ops::Range<u32>,
    pub(super) lo: f64,
    pub(super) hi: f64,
}

/// The booking's scratch: the shares of the service being booked, the
/// duration keys of the trial's outages, and the capacity events of a
/// degradation.
pub(super) struct Ledger {
    /// Per cause: its share in the outages of the service being booked
    /// ([`settle`]); empty between services.
    pub(super) shares: Vec<Share>,
    /// The bucket keys ([`hist::compact`]) of the trial's outages, service
    /// by service in booking order; counted into the batches once every
    /// service is booked.
    pub(super) keys: Vec<u16>,
    /// Per service: where its keys are, and their min and max.
    pub(super) booked: Vec<Booked>,
    /// Scratch of `book::degrade`.
    pub(super) cap_events: Vec<(f64, i32, u32, u32, u32)>,
    /// Where the trial starts on the revenue profiles' clock ([`Timed`]):
    /// 0 in an annual trial, the drill's start in a drill.
    pub(super) origin: f64,
}

impl Ledger {
    pub(super) fn new(services: usize, causes: usize) -> Ledger {
        Ledger {
            shares: vec![Share::default(); causes],
            keys: Vec::new(),
            booked: vec![Booked::default(); services],
            cap_events: Vec::new(),
            origin: 0.0,
        }
    }

    /// Note that `svc`'s outage durations of this trial are the keys from
    /// `from` on, with this min and max.
    #[inline]
    pub(super) fn note(&mut self, svc: usize, from: usize, lo: f64, hi: f64) {
        self.booked[svc] = Booked {
            keys: from as u32..self.keys.len() as u32,
            lo,
            hi,
        };
    }
}

/// The hours of a stretch from `start` to `end`, cut at the horizon `h`
/// (a stretch still open at the horizon ends past it, see
/// `clock::open_end`).
#[inline(always)]
pub(super) fn hours(start: f64, end: f64, h: f64) -> f64 {
    end.min(h) - start
}

/// Whether an outage of `d` hours ending at `end` met the RTO. One still
/// open at the horizon has not ended, so it has not ended within the RTO;
/// one that ends exactly at the horizon has.
#[inline(always)]
pub(super) fn rto_met(d: f64, end: f64, rto: f64, h: f64) -> bool {
    d <= rto && ended(end, h)
}

/// Whether a stretch ending at `end` ended by the horizon `h`.
#[inline(always)]
pub(super) fn ended(end: f64, h: f64) -> bool {
    end <= h
}

/// Whether an outage of `d` hours breached the MTPD.
#[inline(always)]
pub(super) fn breaches(d: f64, mtpd: f64) -> bool {
    d > mtpd
}

/// Books one outage of `d` hours ending at `end` into `tally`, all but
/// its costs ([`settle`] books those); returns whether it breached the
/// MTPD.
#[inline(always)]
fn count_outage(p: &Hot, h: f64, d: f64, end: f64, tally: &mut Tally) -> bool {
    tally.downtime += d;
    tally.downtime_sq += d * d;
    tally.outages += 1;
    tally.rto_met += u32::from(rto_met(d, end, p.rto, h));
    let breached = breaches(d, p.mtpd);
    tally.breached |= breached;
    breached
}

/// Books a service's outage costs and lost revenue, cause by cause in
/// cause order, into its tally and the causes' losses, and empties
/// `shares`. Only `shares[..touched]` may be non-empty.
///
/// Summing per cause first keeps the booking of each outage free of
/// floating-point chains through memory; the order is fixed, so the
/// result is as deterministic as booking outage by outage.
pub(super) fn settle(
    p: &Hot,
    shares: &mut [Share],
    touched: usize,
    tally: &mut Tally,
    cause_loss: &mut [f64],
) {
    for (c, share) in shares[..touched].iter_mut().enumerate() {
        if share.outages > 0 || share.hours > 0.0 {
            book_share(p, share, c, tally, cause_loss);
        }
        *share = Share::default();
    }
}

/// Book the loss of cause `c`'s `share` in a service's outages (with the
/// service's costs `p`) into its `tally` and the cause's loss: what
/// [`settle`] books for each cause, the one expression for it.
#[inline(always)]
pub(super) fn book_share(
    p: &Hot,
    share: &Share,
    c: usize,
    tally: &mut Tally,
    cause_loss: &mut [f64],
) {
    let loss = f64::from(share.outages) * p.cost_per_outage
        + f64::from(share.breaches) * p.mtpd_penalty
        + p.revenue_per_hour * share.hours
        + share.impact;
    tally.loss += loss;
    cause_loss[c] += loss;
}

/// The span of a booked outage: its start and its end (past the horizon
/// when still open there).
pub(super) type Span = (f64, f64);

/// The rule applied to one service's runs, given in order with
/// [`Outages::run`]: chains them into outages and books each.
///
/// Random failures' share is kept apart (most runs are theirs, and it
/// stays in registers), and joins the others' at [`Outages::settle`];
/// every cause's hours are summed run by run in the order the runs come,
/// so the sums do not depend on where a chain ends.
pub(super) struct Outages<'a> {
    p: Hot,
    h: f64,
    timed: Option<Timed<'a>>,
    /// A local copy: the compiler cannot tell the tally from the cause
    /// sums, and would otherwise store and reload it at every outage.
    tally: Tally,
    shares: &'a mut [Share],
    failures: Share,
    /// `shares[..touched]` may be non-empty.
    touched: usize,
    /// The bucket key ([`hist::compact`]) of each outage's duration.
    keys: &'a mut Vec<u16>,
    /// The shortest and longest outage.
    pub(super) shortest: f64,
    pub(super) longest: f64,
    /// The outage being chained: its start, cause and occurrence (its
    /// first run's) and its end so far, if one is.
    start: f64,
    cause: u32,
    occ: u32,
    end: f64,
    open: bool,
    /// The lost revenue of the outage's first run: charged to its
    /// occurrence with the outage's fixed cost, as one piece (as the fast
    /// booking charges a segment).
    first: f64,
    /// The trial's totals: each piece goes to its occurrence
    /// ([`Totals::charges`]) as it is booked, the rest at [`Self::settle`].
    totals: &'a mut Totals,
    svc: usize,
}

impl<'a> Outages<'a> {
    /// Start booking service `svc` of `plan` (its impact that depends on
    /// time `timed`, if any) into `totals`, with the empty `shares` and the
    /// duration keys going to `keys`.
    #[inline(always)]
    pub(super) fn of(
        plan: &SimPlan,
        svc: usize,
        timed: Option<Timed<'a>>,
        shares: &'a mut [Share],
        keys: &'a mut Vec<u16>,
        totals: &'a mut Totals,
    ) -> Self {
        Self::new(
            plan.hot[svc],
            plan.horizon,
            timed,
            svc,
            shares,
            keys,
            totals,
        )
    }

    /// Start booking service `svc` (its tally so far is `totals`'), with
    /// the empty `shares` and the duration keys going to `keys`; `timed` is
    /// its impact that depends on time, if any.
    #[inline(always)]
    pub(super) fn new(
        p: Hot,
        h: f64,
        timed: Option<Timed<'a>>,
        svc: usize,
        shares: &'a mut [Share],
        keys: &'a mut Vec<u16>,
        totals: &'a mut Totals,
    ) -> Self {
        Outages {
            tally: totals.tally[svc],
            totals,
            svc,
            occ: 0,
            first: 0.0,
            p,
            h,
            timed,
            shares,
            failures: Share::default(),
            touched: 0,
            keys,
            shortest: f64::INFINITY,
            longest: 0.0,
            start: 0.0,
            cause: 0,
            end: 0.0,
            open: false,
        }
    }

    /// The next run (after every run given so far, disjoint from them): it
    /// continues the outage being chained if it touches it, else starts a
    /// new one. Returns the span of the outage it closed, if any.
    #[inline(always)]
    pub(super) fn run(&mut self, run: Iv) -> Option<Span> {
        let mut closed = None;
        let hours = revenue_hours(self.timed.as_ref(), run.start, run.end, self.h);
        let revenue = self.p.revenue_per_hour * hours;
        if !(self.open && run.start == self.end) {
            if self.open {
                closed = Some(self.close());
            }
            self.start = run.start;
            self.cause = run.cause;
            self.occ = run.occ;
            self.open = true;
            self.first = revenue;
        } else {
            self.totals.charges().charge(run.cause, run.occ, revenue);
        }
        self.end = run.end;
        if run.cause == FAILURES {
            self.failures.hours += hours;
        } else {
            self.shares[run.cause as usize].hours += hours;
            self.touched = self.touched.max(run.cause as usize + 1);
        }
        closed
    }

    /// Book the outage being chained.
    #[inline(always)]
    fn close(&mut self) -> Span {
        let (start, end) = (self.start, self.end);
        let d = hours(start, end, self.h);
        let breached = count_outage(&self.p, self.h, d, end, &mut self.tally);
        let share = if self.cause == FAILURES {
            &mut self.failures
        } else {
            &mut self.shares[self.cause as usize]
        };
        share.outages += 1;
        share.breaches += u32::from(breached);
        let mut impact = 0.0;
        if let Some(timed) = &self.timed {
            impact = timed.steps.cost(d);
            share.impact += impact;
        }
        let penalty = if breached { self.p.mtpd_penalty } else { 0.0 };
        let fixed = self.p.cost_per_outage + penalty + impact;
        self.totals
            .charges()
            .charge(self.cause, self.occ, self.first + fixed);
        self.keys.push(hist::compact(SERVICE_BITS, d));
        self.shortest = if d < self.shortest { d } else { self.shortest };
        self.longest = if d > self.longest { d } else { self.longest };
        (start, end)
    }

    /// Book the last outage; returns its span, if there was one.
    #[inline(always)]
    pub(super) fn last(&mut self) -> Option<Span> {
        let closed = self.open.then(|| self.close());
        self.open = false;
        closed
    }

    /// Book the costs and lost revenue ([`settle`]) into the service's
    /// tally and the causes' losses in the totals, and empty the shares.
    #[inline(always)]
    pub(super) fn settle(mut self) {
        let failures = self.failures;
        if failures.outages > 0 || failures.hours > 0.0 {
            self.shares[FAILURES as usize] = failures;
            self.touched = self.touched.max(FAILURES as usize + 1);
        }
        settle(
            &self.p,
            self.shares,
            self.touched,
            &mut self.tally,
            &mut self.totals.cause_loss,
        );
        self.totals.tally[self.svc] = self.tally;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(start: f64, end: f64, cause: u32) -> Iv {
        Iv {
            start,
            end,
            cause,
            occ: 0,
        }
    }

    /// Touching runs of two causes are one outage: its fixed cost to the
    /// cause that started it, each run's hours to its own cause; an
    /// outage still open at the horizon is cut there and misses the RTO.
    #[test]
    fn the_rule_chains_touching_runs_and_splits_costs_by_cause() {
        let p = Hot {
            rto: 4.0,
            mtpd: 10.0,
            revenue_per_hour: 100.0,
            cost_per_outage: 1000.0,
            mtpd_penalty: 50_000.0,
        };
        let h = 100.0;
        let mut shares = vec![Share::default(); 3];
        let mut keys = Vec::new();
        let mut totals = Totals {
            tally: vec![Tally::default()],
            cause_loss: vec![0.0; 3],
            cause_occ: vec![0; 3],
            origin: vec![0.0; 3],
            failed: vec![1, 0],
            occ: None,
        };
        let mut outages = Outages::new(p, h, None, 0, &mut shares, &mut keys, &mut totals);
        let mut spans = Vec::new();
        // A failure handed over to threat 1 at t = 12: one outage of 5 h.
        spans.extend(outages.run(run(10.0, 12.0, FAILURES)));
        spans.extend(outages.run(run(12.0, 15.0, 2)));
        // Apart: threat 1 alone, 3 h, within the RTO.
        spans.extend(outages.run(run(20.0, 23.0, 2)));
        // Open at the horizon (ends past it): 12 h, breaches the MTPD.
        spans.extend(outages.run(run(88.0, f64::INFINITY, FAILURES)));
        spans.extend(outages.last());
        assert_eq!(
            spans,
            vec![(10.0, 15.0), (20.0, 23.0), (88.0, f64::INFINITY)]
        );
        assert_eq!((outages.shortest, outages.longest), (3.0, 12.0));
        outages.settle();
        let (tally, cause_loss) = (totals.tally[0], &totals.cause_loss);
        assert_eq!(keys.len(), 3);
        assert_eq!(tally.outages, 3);
        assert_eq!(tally.downtime, 5.0 + 3.0 + 12.0);
        assert_eq!(tally.downtime_sq, 25.0 + 9.0 + 144.0);
        // 5 h > 4 h misses; 3 h meets; the open one misses.
        assert_eq!(tally.rto_met, 1);
        assert!(tally.breached);
        // Failures: two outages started, one breach, 2 + 12 hours.
        assert_eq!(cause_loss[0], 2.0 * 1000.0 + 50_000.0 + 14.0 * 100.0);
        // Threat 1: one outage started, 3 + 3 hours.
        assert_eq!(cause_loss[2], 1000.0 + 6.0 * 100.0);
        assert_eq!(tally.loss, cause_loss[0] + cause_loss[2]);
        assert!(shares.iter().all(|s| s.outages == 0 && s.hours == 0.0));
        // Random failures' share, all of failure 0's, goes to the service
        // that failed: service 1.
        assert_eq!(totals.origin, vec![0.0, cause_loss[0], 0.0]);
    }
}
