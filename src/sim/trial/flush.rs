//! A booked trial's figures into the accumulator: threat figures and the
//! annual loss at once; per-service figures through a buffer of
//! [`PENDING`] trials (fewer on a large estate: [`buffered_trials`]);
//! outage durations and downtimes through 8-bit
//! batches ([`hist::Batch`]).
//!
//! Buffering is for speed: a large estate's per-service accumulators do
//! not fit in cache, so each is visited once per [`PENDING`] trials, and
//! each outage-duration and downtime histogram once per batch, instead of
//! once per trial or per outage.

use crate::stats::acc::SERVICE_BITS;
use crate::stats::exact::{point, Fold};
use crate::stats::{hist, Accumulator};

use super::super::compile::SimPlan;
use super::outage::{Ledger, Tally};
use super::{Trial, PENDING};

/// The most bytes of buffered tallies per worker: what a level-2 cache
/// holds, about.
const BUFFER_BYTES: usize = 2 << 20;

/// How many trials' per-service figures a worker buffers for an estate of
/// `s` services: [`PENDING`], or fewer on a large estate, so that the
/// buffer stays about [`BUFFER_BYTES`] (moving it visits each service's
/// trials at a stride of the whole estate), at least 4. Results do not
/// depend on it: the figures are exact sums, counts and extremes, added
/// in any grouping (as chunks of trials already group them).
fn buffered_trials(s: usize) -> usize {
    let per_trial = s.max(1) * (std::mem::size_of::<Tally>() + std::mem::size_of::<f64>());
    (BUFFER_BYTES / per_trial).clamp(4, PENDING)
}

/// Trials booked but not yet moved into the accumulator, and the batches.
pub(super) struct Pending {
    /// How many trials are buffered.
    count: usize,
    /// How many trials the buffer holds ([`buffered_trials`]).
    cap: usize,
    /// Whether outage durations are staged ([`STAGED`]): on an estate
    /// whose buffer is cut short, whose batches do not fit the cache
    /// either.
    stage: bool,
    /// Their tallies, trial-major (a trial's are copied in one go).
    pend: Vec<Tally>,
    /// Their random-failure losses by the service that failed
    /// (`Totals::origin`), laid out as `pend`.
    pend_origin: Vec<f64>,
    /// Per service: the durations of its outages since the end of the last
    /// batch of trials, counted by histogram bucket in 8 bits (see
    /// [`hist::Batch`]).
    outage_batch: Vec<hist::Batch>,
    /// Per service: its downtimes of the trials moved since the end of
    /// the last batch, counted in the same way.
    downtime_batch: Vec<hist::Batch>,
    /// The outage-duration keys of the last few trials ([`STAGED`]), not
    /// yet counted into the batches.
    staged: Staged,
}

/// How many trials' outage-duration keys wait, on a large estate, before
/// they are counted into the batches: each service's batch is then
/// visited once for them all, its cache lines missed once instead of once
/// a trial. Counts are exact integers: the histograms do not depend on
/// it.
const STAGED: usize = 4;

/// Outage-duration keys staged for counting ([`STAGED`]).
#[derive(Default)]
struct Staged {
    /// The trials' keys, one after the other.
    keys: Vec<u16>,
    /// Per trial, by service: each booked service, where its keys are
    /// in `keys`, and their min and max.
    entries: Vec<(u32, std::ops::Range<u32>, f64, f64)>,
    /// Where each staged trial's entries end.
    ends: Vec<usize>,
    /// Scratch: each staged trial's next entry.
    at: Vec<usize>,
}

impl Pending {
    pub(super) fn new(s: usize) -> Pending {
        let cap = buffered_trials(s);
        Pending {
            count: 0,
            cap,
            stage: cap < PENDING,
            pend: vec![Tally::default(); s * cap],
            pend_origin: vec![0.0; s * cap],
            outage_batch: vec![hist::Batch::default(); s],
            downtime_batch: vec![hist::Batch::default(); s],
            staged: Staged::default(),
        }
    }

    /// Count every booked service's outage durations of the trial into its
    /// batch (a count that wraps carries into its histogram): at once, in
    /// one loop over the services after booking, so that the cache misses
    /// of many batches overlap; on a large estate, staged until [`STAGED`]
    /// trials are ([`Pending::count_staged`]).
    pub(super) fn count_durations(&mut self, ledger: &mut Ledger, acc: &mut Accumulator) {
        if !self.stage {
            for (svc, b) in ledger.booked.iter_mut().enumerate() {
                if !b.keys.is_empty() {
                    let keys = &ledger.keys[b.keys.start as usize..b.keys.end as usize];
                    acc.services[svc].outage_hist.add_via(
                        &mut self.outage_batch[svc],
                        keys,
                        b.lo,
                        b.hi,
                    );
                    b.keys = 0..0;
                }
            }
            ledger.keys.clear();
            return;
        }
        if self.staged.keys.len() + ledger.keys.len() > u32::MAX as usize {
            // Places in `keys` are 32-bit: count what waits first.
            self.count_staged(acc);
        }
        let staged = &mut self.staged;
        let base = staged.keys.len() as u32;
        staged.keys.extend_from_slice(&ledger.keys);
        for (svc, b) in ledger.booked.iter_mut().enumerate() {
            if !b.keys.is_empty() {
                let keys = base + b.keys.start..base + b.keys.end;
                staged.entries.push((svc as u32, keys, b.lo, b.hi));
                b.keys = 0..0;
            }
        }
        staged.ends.push(staged.entries.len());
        ledger.keys.clear();
        if staged.ends.len() == STAGED {
            self.count_staged(acc);
        }
    }

    /// Count the staged trials' keys into the batches (a count that wraps
    /// carries into its histogram): one pass over the services in order,
    /// each taking its keys of every staged trial in turn, so that a
    /// batch's lines are missed once for them all.
    fn count_staged(&mut self, acc: &mut Accumulator) {
        let staged = &mut self.staged;
        staged.at.clear();
        let mut from = 0;
        for &end in &staged.ends {
            staged.at.push(from);
            from = end;
        }
        loop {
            // The least service among the trials' next entries.
            let mut svc = u32::MAX;
            for (&at, &end) in staged.at.iter().zip(&staged.ends) {
                if at < end {
                    svc = svc.min(staged.entries[at].0);
                }
            }
            if svc == u32::MAX {
                break;
            }
            let (batch, hist) = (
                &mut self.outage_batch[svc as usize],
                &mut acc.services[svc as usize].outage_hist,
            );
            for (at, &end) in staged.at.iter_mut().zip(&staged.ends) {
                if *at < end && staged.entries[*at].0 == svc {
                    let (_, keys, lo, hi) = staged.entries[*at].clone();
                    hist.add_via(
                        batch,
                        &staged.keys[keys.start as usize..keys.end as usize],
                        lo,
                        hi,
                    );
                    *at += 1;
                }
            }
        }
        staged.keys.clear();
        staged.entries.clear();
        staged.ends.clear();
    }

    /// Move the pending trials' per-service figures into `acc`; `flush`
    /// calls it whenever the buffer is full.
    fn move_pending(&mut self, plan: &SimPlan, acc: &mut Accumulator) {
        let s = plan.n_services;
        for i in 0..s {
            let a = &mut acc.services[i];
            let exact = a.downtime_hist.keeps_ranges();
            let (mut outages, mut rto_met, mut breached) = (0u64, 0u64, 0u64);
            let (mut rpo_breached, mut above_rpo) = (0u64, 0u64);
            let rpo = plan.services[i].rpo;
            // Most trials lose no data: their zeros go in at once.
            let mut no_data_lost = 0u64;
            // Nonzero downtimes' keys, then counted into an 8-bit batch, as
            // outage durations are: the histograms would miss the cache a
            // count. Trials without downtime are counted.
            let mut downtimes = [0u16; PENDING];
            let (mut keys, mut no_downtime) = (0, 0u64);
            let (mut shortest, mut longest) = (f64::INFINITY, 0.0_f64);
            // Exact sums gathered over the buffered trials and added once
            // (`exact::Fold`: the same bits as adding trial by trial).
            let (mut down, mut dur, mut lost) = (Fold::default(), Fold::default(), Fold::default());
            let (mut loss, mut origin) = (Fold::default(), Fold::default());
            for k in 0..self.count {
                let t = &self.pend[k * s + i];
                // A trial without downtime adds nothing to the sums, and
                // a zero to the histogram, counted at the end.
                if t.downtime == 0.0 {
                    no_downtime += 1;
                } else {
                    // The downtime's fixed point serves its sum and, as
                    // the sum of the trial's outage durations, theirs:
                    // outage durations enter the mean and standard error
                    // per trial, as sums (identical in any order, one
                    // exact addition per trial instead of one per outage).
                    let dt = point(t.downtime);
                    down.add_point(0, dt, t.downtime * t.downtime, &mut a.downtime);
                    if t.downtime > 0.0 {
                        dur.add_point(0, dt, t.downtime_sq, &mut a.outage_duration);
                    }
                    if exact {
                        // An exact histogram takes values, visited for the
                        // buffered trials in a row.
                        a.downtime_hist.add(t.downtime);
                    } else {
                        downtimes[keys] = hist::compact(SERVICE_BITS, t.downtime);
                        keys += 1;
                        // Plain comparisons: a NaN is skipped, as `min`
                        // and `max` skip it.
                        if t.downtime < shortest {
                            shortest = t.downtime;
                        }
                        if t.downtime > longest {
                            longest = t.downtime;
                        }
                    }
                }
                if t.data_loss == 0.0 {
                    no_data_lost += 1;
                } else {
                    lost.add(t.data_loss, &mut a.data_loss);
                    a.data_loss_hist.add(t.data_loss);
                    above_rpo += u64::from(t.data_loss > rpo);
                }
                // Trials without downtime mostly lose nothing.
                if t.loss != 0.0 {
                    loss.add_point(0, point(t.loss), t.loss * t.loss, &mut a.loss);
                }
                // Most services start no costly random failure in a trial.
                let x = self.pend_origin[k * s + i];
                if x != 0.0 {
                    origin.add_point(0, point(x), x * x, &mut a.failure_origin_loss);
                }
                outages += u64::from(t.outages);
                rto_met += u64::from(t.rto_met);
                breached += u64::from(t.breached);
                rpo_breached += u64::from(t.rpo_breached);
            }
            if exact {
                a.downtime_hist.add_n(0.0, no_downtime);
            } else {
                if no_downtime > 0 && 0.0 < shortest {
                    shortest = 0.0;
                }
                let batch = &mut self.downtime_batch[i];
                a.downtime_hist
                    .add_via(batch, &downtimes[..keys], shortest, longest);
                a.downtime_hist.add_zeros_via(batch, no_downtime);
            }
            down.add_zeros(self.count as u64);
            loss.add_zeros(self.count as u64);
            lost.add_zeros(no_data_lost);
            a.data_loss_hist.add_n(0.0, no_data_lost);
            dur.add_zeros(outages);
            origin.add_zeros(self.count as u64);
            down.finish(&mut a.downtime);
            dur.finish(&mut a.outage_duration);
            lost.finish(&mut a.data_loss);
            loss.finish(&mut a.loss);
            origin.finish(&mut a.failure_origin_loss);
            a.outages += outages;
            a.rto_met += rto_met;
            a.mtpd_breached += breached;
            a.rpo_breached += rpo_breached;
            a.data_loss_above_rpo += above_rpo;
        }
        self.count = 0;
    }
}

impl Trial {
    /// Book the trial: its per-service figures wait in a buffer of up to
    /// [`PENDING`] trials (see [`Trial::finish`]); threat figures and the
    /// annual loss go straight to `acc`. Returns the loss borne: the
    /// annual loss, net of insurance when the plan has insurance.
    pub(super) fn flush(&mut self, plan: &SimPlan, trial: u64, acc: &mut Accumulator) -> f64 {
        let s = plan.n_services;
        let pending = &mut self.pending;
        let k = pending.count;
        pending.pend[k * s..(k + 1) * s].copy_from_slice(&self.totals.tally);
        pending.pend_origin[k * s..(k + 1) * s].copy_from_slice(&self.totals.origin[..s]);
        pending.count += 1;
        let mut total = 0.0;
        let totals = &self.totals;
        for (c, a) in acc.causes.iter_mut().enumerate() {
            a.occurrences.add(f64::from(totals.cause_occ[c]));
            a.loss.add(totals.cause_loss[c]);
            total += totals.cause_loss[c];
        }
        for attack in &self.threats.attacks {
            let a = &mut acc.causes[attack.threat as usize + 1];
            a.compromised += attack.compromised.len() as u64;
            a.encrypted += attack.encrypted as u64;
            a.contained += u64::from(attack.contained);
        }
        acc.add_annual_loss(trial, total);
        let borne = match (&plan.insurance, &mut self.totals.occ) {
            (Some(insurance), Some(occ)) => occ.settle(insurance, total, acc),
            _ => total,
        };
        if pending.count == pending.cap {
            pending.move_pending(plan, acc);
        }
        borne
    }

    /// Move everything buffered into `acc`: the pending trials' figures
    /// and the outage durations' and downtimes' batches. Call it after the
    /// last trial of a batch (a chunk).
    pub fn finish(&mut self, plan: &SimPlan, acc: &mut Accumulator) {
        let pending = &mut self.pending;
        pending.count_staged(acc);
        pending.move_pending(plan, acc);
        for (batch, a) in pending.outage_batch.iter_mut().zip(&mut acc.services) {
            a.outage_hist.absorb(batch);
        }
        for (batch, a) in pending.downtime_batch.iter_mut().zip(&mut acc.services) {
            a.downtime_hist.absorb(batch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_estates_buffer_fewer_trials() {
        assert_eq!(buffered_trials(0), PENDING);
        assert_eq!(buffered_trials(1_000), PENDING);
        assert_eq!(buffered_trials(10_000), 4);
        assert_eq!(buffered_trials(1_000_000), 4);
        assert!(!Pending::new(1_000).stage && Pending::new(10_000).stage);
        let bytes = 5_000 * (std::mem::size_of::<Tally>() + 8) * buffered_trials(5_000);
        assert!(bytes <= BUFFER_BYTES, "{bytes}");
    }

    /// The accumulator does not depend on how many trials are buffered,
    /// nor on whether outage durations are staged: a buffer of 1, 4, 5 or
    /// 32 trials, each with and without staging, gives equal accumulators
    /// on a generated estate and on bundled ones with groups, DR and
    /// insurance (150 trials: the last stage is left part full).
    #[test]
    fn the_buffer_size_changes_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let texts = [
            crate::sim::generate::layered(200, 3).expect("valid"),
            std::fs::read_to_string(root.join("scenarios/insurer-dr-site.ron")).expect("bundled"),
            std::fs::read_to_string(root.join("scenarios/saas-multi-region.ron")).expect("bundled"),
        ];
        for text in texts {
            let model = crate::scenario::parse_str(&text).expect("valid");
            let plan = SimPlan::compile(&model);
            let run = |cap: usize, stage: bool| {
                super::super::annual_trials(&plan, 9, 150, |trial| {
                    trial.pending = Pending::new(plan.n_services);
                    trial.pending.cap = cap;
                    trial.pending.stage = stage;
                })
            };
            let full = run(PENDING, false);
            assert!(full.annual_loss.sum() > 0.0, "{}", model.name);
            for (cap, stage) in [
                (1, false),
                (4, false),
                (5, false),
                (PENDING, true),
                (4, true),
                (5, true),
            ] {
                let name = &model.name;
                assert!(
                    run(cap, stage) == full,
                    "{name}: a buffer of {cap}, staged {stage}"
                );
            }
        }
    }
}
