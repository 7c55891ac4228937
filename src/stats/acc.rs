//! Per-run accumulators: exactly mergeable, memory independent of the
//! number of trials.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::exact::ExactSum;
use super::hist::LogHist;

/// Mantissa bits of the annual-loss histogram (±0.39% quantiles).
pub(crate) const LOSS_BITS: u32 = 7;
/// Mantissa bits of per-service histograms (±1.6% quantiles): 32 buckets
/// per octave keeps a thousand services' histograms small enough to stay
/// in cache, which the outage-heavy hot loop needs.
pub(crate) const SERVICE_BITS: u32 = 5;
// The engine buffers per-service values as 16-bit bucket keys.
const _: () = assert!(SERVICE_BITS <= super::hist::COMPACT_BITS);
/// Trials per convergence point.
pub(crate) const CONVERGENCE_CHUNK: u64 = 1024;

/// The most services for which per-service duration quantiles read atoms
/// exactly: each service's downtimes go into an exact histogram, and its
/// outage durations into one that keeps each bucket's extremes as its
/// batches give them ([`LogHist::sampled`]), so that outages of exactly
/// 4 h read 4 h, not the bucket's midpoint of 4.0625 h. Those ranges cost
/// 16 bytes a bucket, in memory and in a shard's partial result; on a
/// larger estate the quantiles are the buckets' midpoints, within ±1.6%
/// (2 × 10 000 services' ranges would pass the memory a large run is
/// held to).
pub(crate) const EXACT_SERVICES: usize = 500;

/// One service over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAcc {
    /// Hours not functional per trial.
    pub downtime: ExactSum,
    /// Histogram of the hours not functional per trial (its quantiles).
    pub downtime_hist: LogHist,
    /// Number of outages, summed over trials.
    pub outages: u64,
    /// Outage durations, one value per outage.
    pub outage_duration: ExactSum,
    /// Histogram of outage durations, one value per outage.
    pub outage_hist: LogHist,
    /// Outages that ended within the RTO.
    pub rto_met: u64,
    /// Trials with at least one outage longer than the MTPD.
    pub mtpd_breached: u64,
    /// Hours of data lost per trial.
    pub data_loss: ExactSum,
    /// Histogram of the hours of data lost per trial.
    pub data_loss_hist: LogHist,
    /// Loss attributed to the service per trial.
    pub loss: ExactSum,
    /// Trials with a restore or switchover that lost more data than the
    /// RPO (0 without an RPO).
    #[serde(default)]
    pub rpo_breached: u64,
    /// Trials whose data lost in all (every restore and switchover of the
    /// trial together) is more than the RPO (0 without an RPO): what
    /// `sweep` reports as `data_loss_above_rpo`, counted exactly.
    #[serde(default)]
    pub data_loss_above_rpo: u64,
    /// Per trial: the random-failure loss, anywhere in the estate, of the
    /// outages that this service's own random failures started (a split
    /// of `causes[0].loss`, not part of `loss`).
    #[serde(default)]
    pub failure_origin_loss: ExactSum,
}

impl ServiceAcc {
    /// With `exact` ([`EXACT_SERVICES`]), downtimes go into an exact
    /// histogram and outage durations into a sampled one.
    fn new(exact: bool) -> ServiceAcc {
        let (downtime_hist, outage_hist) = if exact {
            (LogHist::exact(SERVICE_BITS), LogHist::sampled(SERVICE_BITS))
        } else {
            (LogHist::new(SERVICE_BITS), LogHist::new(SERVICE_BITS))
        };
        ServiceAcc {
            downtime: ExactSum::default(),
            downtime_hist,
            outages: 0,
            outage_duration: ExactSum::default(),
            outage_hist,
            rto_met: 0,
            mtpd_breached: 0,
            data_loss: ExactSum::default(),
            data_loss_hist: LogHist::exact(SERVICE_BITS),
            loss: ExactSum::default(),
            rpo_breached: 0,
            data_loss_above_rpo: 0,
            failure_origin_loss: ExactSum::default(),
        }
    }

    fn merge(&mut self, o: &ServiceAcc) {
        self.downtime.merge(&o.downtime);
        self.downtime_hist.merge(&o.downtime_hist);
        self.outages += o.outages;
        self.outage_duration.merge(&o.outage_duration);
        self.outage_hist.merge(&o.outage_hist);
        self.rto_met += o.rto_met;
        self.mtpd_breached += o.mtpd_breached;
        self.data_loss.merge(&o.data_loss);
        self.data_loss_hist.merge(&o.data_loss_hist);
        self.loss.merge(&o.loss);
        self.rpo_breached += o.rpo_breached;
        self.data_loss_above_rpo += o.data_loss_above_rpo;
        self.failure_origin_loss.merge(&o.failure_origin_loss);
    }
}

/// One cause of loss (random failures, or one threat) over all trials.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CauseAcc {
    /// Occurrences per trial.
    pub occurrences: ExactSum,
    /// Loss attributed per trial.
    pub loss: ExactSum,
    /// Ransomware: attacks contained before encryption (summed).
    pub contained: u64,
    /// Ransomware: services encrypted (summed over attacks).
    pub encrypted: u64,
    /// Ransomware: services compromised (summed over attacks).
    pub compromised: u64,
}

impl CauseAcc {
    fn merge(&mut self, o: &CauseAcc) {
        self.occurrences.merge(&o.occurrences);
        self.loss.merge(&o.loss);
        self.contained += o.contained;
        self.encrypted += o.encrypted;
        self.compromised += o.compromised;
    }
}

/// Everything a run accumulates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accumulator {
    /// Trials accumulated.
    pub trials: u64,
    /// The annual loss (the loss of one trial), summed exactly.
    pub annual_loss: ExactSum,
    /// Histogram of the annual loss (its quantiles, VaR and TVaR).
    pub annual_hist: LogHist,
    /// Per service, in file order.
    pub services: Vec<ServiceAcc>,
    /// Index 0: random failures; index k + 1: threat k.
    pub causes: Vec<CauseAcc>,
    /// Annual loss per block of 1024 trials (`CONVERGENCE_CHUNK`), by block.
    pub convergence: BTreeMap<u64, ExactSum>,
    /// Per point of the risk appetite: its loss, and the trials whose
    /// annual loss was strictly greater (counted exactly, trial by trial).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appetite: Vec<Exceeded>,
    /// Set when a trial broke the event budget; the run has failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<Overflow>,
    /// With insurance (DESIGN-2 B1): the net annual loss and the policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<NetAcc>,
}

/// The net annual loss (gross − recoveries + premiums) with the same
/// figures as the gross one, and what each policy paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetAcc {
    pub annual_loss: ExactSum,
    pub annual_hist: LogHist,
    /// The risk appetite's points against the net loss.
    pub appetite: Vec<Exceeded>,
    pub policies: Vec<PolicyAcc>,
}

/// One policy over all trials.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyAcc {
    /// What it paid per trial.
    pub recovered: ExactSum,
    /// Trials in which its aggregate limit cut a payment.
    pub exhausted: u64,
}

impl NetAcc {
    fn merge(&mut self, o: &NetAcc) {
        self.annual_loss.merge(&o.annual_loss);
        self.annual_hist.merge(&o.annual_hist);
        for (a, b) in self.appetite.iter_mut().zip(&o.appetite) {
            a.trials += b.trials;
        }
        for (a, b) in self.policies.iter_mut().zip(&o.policies) {
            a.recovered.merge(&b.recovered);
            a.exhausted += b.exhausted;
        }
    }

    fn check(&self, trials: u64) -> Result<(), String> {
        self.annual_loss
            .check(true)
            .map_err(|e| format!("net.annual_loss: {e}"))?;
        self.annual_hist
            .check(LOSS_BITS, true)
            .map_err(|e| format!("net.annual_hist: {e}"))?;
        for (name, n) in [
            ("annual_loss", self.annual_loss.count()),
            ("annual_hist", self.annual_hist.count()),
        ] {
            if n != trials {
                return Err(format!(
                    "net.{name}: it counts {n} value(s), but {trials} trial(s) ran"
                ));
            }
        }
        for (i, p) in self.policies.iter().enumerate() {
            p.recovered
                .check(true)
                .map_err(|e| format!("net.policies[{i}].recovered: {e}"))?;
            if p.recovered.count() != trials || p.exhausted > trials {
                return Err(format!(
                    "net.policies[{i}]: it counts {} trial(s) and {} exhausted, but {trials} \
                     trial(s) ran",
                    p.recovered.count(),
                    p.exhausted
                ));
            }
        }
        if self.appetite.iter().any(|e| e.trials > trials) {
            return Err(format!(
                "net.appetite: more trials lost more than a point than the {trials} that ran"
            ));
        }
        Ok(())
    }
}

/// A trial stopped because it handled more events than a trial may: the
/// run fails with `message` (the earliest such trial of those run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overflow {
    pub trial: u64,
    pub message: String,
}

/// How many trials lost strictly more than `loss`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Exceeded {
    pub loss: f64,
    pub trials: u64,
}

impl Accumulator {
    /// The loss borne, summed exactly: the net annual loss with
    /// insurance, the annual loss without. What `compare`, `sweep` and
    /// the review commands weigh plans by.
    pub fn borne_loss(&self) -> &ExactSum {
        self.net
            .as_ref()
            .map_or(&self.annual_loss, |net| &net.annual_loss)
    }

    /// The histogram of the loss borne ([`Accumulator::borne_loss`]).
    pub fn borne_hist(&self) -> &LogHist {
        self.net
            .as_ref()
            .map_or(&self.annual_hist, |net| &net.annual_hist)
    }

    /// An empty accumulator for `services` services and `threats` threats.
    pub fn new(services: usize, threats: usize) -> Accumulator {
        Accumulator {
            trials: 0,
            annual_loss: ExactSum::default(),
            annual_hist: LogHist::exact(LOSS_BITS),
            services: (0..services)
                .map(|_| ServiceAcc::new(services <= EXACT_SERVICES))
                .collect(),
            causes: vec![CauseAcc::default(); threats + 1],
            convergence: BTreeMap::new(),
            appetite: Vec::new(),
            overflow: None,
            net: None,
        }
    }

    /// With `policies` insurance policies (none: no net loss is kept):
    /// the net annual loss, counted against the risk appetite (call it
    /// after [`Accumulator::with_appetite`]), and each policy's payments.
    pub fn with_insurance(mut self, policies: usize) -> Accumulator {
        self.net = (policies > 0).then(|| NetAcc {
            annual_loss: ExactSum::default(),
            annual_hist: LogHist::exact(LOSS_BITS),
            appetite: self.appetite.clone(),
            policies: vec![PolicyAcc::default(); policies],
        });
        self
    }

    /// Record the net annual loss of a trial, and what each policy
    /// recovered in it and whether its aggregate cut a payment.
    pub fn add_net_loss(&mut self, loss: f64, recovered: &[f64], exhausted: &[bool]) {
        let Some(net) = &mut self.net else {
            return;
        };
        net.annual_loss.add(loss);
        net.annual_hist.add(loss);
        for e in &mut net.appetite {
            e.trials += u64::from(super::more_than(loss, e.loss));
        }
        for ((p, &r), &x) in net.policies.iter_mut().zip(recovered).zip(exhausted) {
            p.recovered.add(r);
            p.exhausted += u64::from(x);
        }
    }

    /// Note that trial `trial` broke the event budget (the earliest one
    /// is kept).
    pub fn overflowed(&mut self, trial: u64, message: String) {
        if self.overflow.as_ref().is_none_or(|o| trial < o.trial) {
            self.overflow = Some(Overflow { trial, message });
        }
    }

    /// Count, trial by trial, the annual losses strictly above each of
    /// `losses` (the risk appetite's points), by more than
    /// `stats::money_slack` of the point.
    pub fn with_appetite(mut self, losses: &[f64]) -> Accumulator {
        self.appetite = losses
            .iter()
            .map(|&loss| Exceeded { loss, trials: 0 })
            .collect();
        self
    }

    /// The exact fraction of trials that lost strictly more than `loss`,
    /// when it is a counted appetite point.
    /// With insurance, of the net annual loss (the one the appetite is
    /// judged on).
    pub fn exceeded(&self, loss: f64) -> Option<f64> {
        let counted = self.net.as_ref().map_or(&self.appetite, |n| &n.appetite);
        let e = counted.iter().find(|e| e.loss == loss)?;
        (self.trials > 0).then(|| e.trials as f64 / self.trials as f64)
    }

    /// Record the annual loss of trial `trial`.
    pub fn add_annual_loss(&mut self, trial: u64, loss: f64) {
        self.trials += 1;
        self.annual_loss.add(loss);
        self.annual_hist.add(loss);
        for e in &mut self.appetite {
            e.trials += u64::from(super::more_than(loss, e.loss));
        }
        // Trials come in order within a chunk: the block is nearly always
        // the last one, found without a search.
        let block = trial / CONVERGENCE_CHUNK;
        match self.convergence.last_entry() {
            Some(mut last) if *last.key() == block => last.get_mut().add(loss),
            _ => self.convergence.entry(block).or_default().add(loss),
        }
    }

    /// Check an accumulator read from outside (a partial result of the
    /// trials `range`) against every invariant the engine keeps: the trial
    /// count everywhere, counts that add up, histograms of the right
    /// resolution with sane extremes, sums that fit their sums of
    /// squares, and convergence blocks inside the range. An accumulator
    /// that passes merges and summarises without panicking.
    ///
    /// # Errors
    /// The field (`services[3].outage_hist`) and what is wrong with it.
    pub fn check(&self, range: std::ops::Range<u64>) -> Result<(), String> {
        let trials = self.trials;
        let at = |field: String| move |e: String| format!("{field}: {e}");
        let count = |field: String, got: u64, want: u64, what: &str| {
            if got == want {
                Ok(())
            } else {
                Err(format!(
                    "{field}: it counts {got} value(s), but {want} {what}"
                ))
            }
        };
        let per_trial = "trial(s) ran";
        let exact_quantiles = self.services.len() <= EXACT_SERVICES;
        self.annual_loss
            .check(true)
            .map_err(at("annual_loss".into()))?;
        count(
            "annual_loss".into(),
            self.annual_loss.count(),
            trials,
            per_trial,
        )?;
        self.annual_hist
            .check(LOSS_BITS, true)
            .map_err(at("annual_hist".into()))?;
        count(
            "annual_hist".into(),
            self.annual_hist.count(),
            trials,
            per_trial,
        )?;
        for (i, s) in self.services.iter().enumerate() {
            let f = |name: &str| format!("services[{i}].{name}");
            for (name, sum) in [
                ("downtime", &s.downtime),
                ("data_loss", &s.data_loss),
                ("loss", &s.loss),
                ("failure_origin_loss", &s.failure_origin_loss),
            ] {
                sum.check(true).map_err(at(f(name)))?;
                count(f(name), sum.count(), trials, per_trial)?;
            }
            for (name, hist, exact) in [
                ("downtime_hist", &s.downtime_hist, exact_quantiles),
                ("data_loss_hist", &s.data_loss_hist, true),
            ] {
                hist.check(SERVICE_BITS, exact).map_err(at(f(name)))?;
                count(f(name), hist.count(), trials, per_trial)?;
            }
            s.outage_duration
                .check(true)
                .map_err(at(f("outage_duration")))?;
            if exact_quantiles {
                s.outage_hist.check_sampled(SERVICE_BITS)
            } else {
                s.outage_hist.check(SERVICE_BITS, false)
            }
            .map_err(at(f("outage_hist")))?;
            let outages = "outages it had (its outages field)";
            count(
                f("outage_duration"),
                s.outage_duration.count(),
                s.outages,
                outages,
            )?;
            count(f("outage_hist"), s.outage_hist.count(), s.outages, outages)?;
            if s.rto_met > s.outages {
                return Err(format!(
                    "{}: {} outages met the RTO, but it had {} outages",
                    f("rto_met"),
                    s.rto_met,
                    s.outages
                ));
            }
            if s.mtpd_breached > trials {
                return Err(format!(
                    "{}: {} trials breached the MTPD, but {trials} trials ran",
                    f("mtpd_breached"),
                    s.mtpd_breached
                ));
            }
            for (name, n) in [
                ("rpo_breached", s.rpo_breached),
                ("data_loss_above_rpo", s.data_loss_above_rpo),
            ] {
                if n > trials {
                    return Err(format!(
                        "{}: {n} trials lost more data than the RPO, but {trials} trials ran",
                        f(name)
                    ));
                }
            }
        }
        for (i, c) in self.causes.iter().enumerate() {
            let f = |name: &str| format!("causes[{i}].{name}");
            for (name, sum) in [("occurrences", &c.occurrences), ("loss", &c.loss)] {
                sum.check(true).map_err(at(f(name)))?;
                count(f(name), sum.count(), trials, per_trial)?;
            }
        }
        let (first, last) = (
            range.start / CONVERGENCE_CHUNK,
            range.end.saturating_sub(1) / CONVERGENCE_CHUNK,
        );
        let mut n = 0u64;
        for (&k, b) in &self.convergence {
            let field = format!("convergence[{k}]");
            if k < first || k > last {
                return Err(format!(
                    "{field}: a block of trials {}.. is outside the trials {}..{} of this part",
                    k.saturating_mul(CONVERGENCE_CHUNK),
                    range.start,
                    range.end
                ));
            }
            b.check(true).map_err(at(field.clone()))?;
            if b.count() == 0 || b.count() > CONVERGENCE_CHUNK {
                return Err(format!(
                    "{field}: it counts {} trials, but a block holds 1 to {CONVERGENCE_CHUNK}",
                    b.count()
                ));
            }
            n += b.count();
        }
        count("convergence".into(), n, trials, per_trial)?;
        for (i, e) in self.appetite.iter().enumerate() {
            if !(e.loss.is_finite() && e.loss >= 0.0) || e.trials > trials {
                return Err(format!(
                    "appetite[{i}]: {} of {trials} trials lost more than {}, which no run counts",
                    e.trials, e.loss
                ));
            }
        }
        if let Some(net) = &self.net {
            net.check(trials)?;
        }
        if let Some(o) = &self.overflow {
            return Err(format!(
                "overflow: trial {} broke the event budget, so the run failed and wrote no \
                 part: {}",
                o.trial, o.message
            ));
        }
        Ok(())
    }

    /// Merge another accumulator of the same plan. Associative and
    /// commutative: any order gives the same bytes.
    pub fn merge(&mut self, o: &Accumulator) {
        self.trials += o.trials;
        self.annual_loss.merge(&o.annual_loss);
        self.annual_hist.merge(&o.annual_hist);
        for (a, b) in self.services.iter_mut().zip(&o.services) {
            a.merge(b);
        }
        for (a, b) in self.causes.iter_mut().zip(&o.causes) {
            a.merge(b);
        }
        for (k, v) in &o.convergence {
            self.convergence.entry(*k).or_default().merge(v);
        }
        if let Some(x) = &o.overflow {
            self.overflowed(x.trial, x.message.clone());
        }
        if self.appetite.is_empty() {
            self.appetite.clone_from(&o.appetite);
        } else {
            debug_assert_eq!(self.appetite.len(), o.appetite.len());
            for (a, b) in self.appetite.iter_mut().zip(&o.appetite) {
                a.trials += b.trials;
            }
        }
        match (&mut self.net, &o.net) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.net = Some(b.clone()),
            _ => {}
        }
    }
}
