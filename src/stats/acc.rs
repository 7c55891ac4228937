//! Per-run accumulators: exactly mergeable, memory independent of the
//! number of trials.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::exact::ExactSum;
use super::hist::LogHist;

/// Mantissa bits of the annual-loss histogram (±0.39% quantiles).
pub const LOSS_BITS: u32 = 7;
/// Mantissa bits of per-service histograms (±1.6% quantiles): 32 buckets
/// per octave keeps a thousand services' histograms small enough to stay
/// in cache, which the outage-heavy hot loop needs.
pub const SERVICE_BITS: u32 = 5;
// The engine buffers per-service values as 16-bit bucket keys.
const _: () = assert!(SERVICE_BITS <= super::hist::COMPACT_BITS);
/// Trials per convergence point.
pub const CONVERGENCE_CHUNK: u64 = 1024;

/// One service over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAcc {
    /// Hours not functional per trial.
    pub downtime: ExactSum,
    pub downtime_hist: LogHist,
    /// Number of outages, summed over trials.
    pub outages: u64,
    /// Outage durations, one value per outage.
    pub outage_duration: ExactSum,
    pub outage_hist: LogHist,
    /// Outages that ended within the RTO.
    pub rto_met: u64,
    /// Trials with at least one outage longer than the MTPD.
    pub mtpd_breached: u64,
    /// Hours of data lost per trial.
    pub data_loss: ExactSum,
    pub data_loss_hist: LogHist,
    /// Loss attributed to the service per trial.
    pub loss: ExactSum,
}

impl ServiceAcc {
    fn new() -> ServiceAcc {
        ServiceAcc {
            downtime: ExactSum::default(),
            downtime_hist: LogHist::new(SERVICE_BITS),
            outages: 0,
            outage_duration: ExactSum::default(),
            outage_hist: LogHist::new(SERVICE_BITS),
            rto_met: 0,
            mtpd_breached: 0,
            data_loss: ExactSum::default(),
            data_loss_hist: LogHist::exact(SERVICE_BITS),
            loss: ExactSum::default(),
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
    pub trials: u64,
    pub annual_loss: ExactSum,
    pub annual_hist: LogHist,
    pub services: Vec<ServiceAcc>,
    /// Index 0: random failures; index k + 1: threat k.
    pub causes: Vec<CauseAcc>,
    /// Annual loss per block of [`CONVERGENCE_CHUNK`] trials, by block.
    pub convergence: BTreeMap<u64, ExactSum>,
    /// Per point of the risk appetite: its loss, and the trials whose
    /// annual loss was strictly greater (counted exactly, trial by trial).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appetite: Vec<Exceeded>,
    /// Set when a trial broke the event budget; the run has failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<Overflow>,
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
    pub fn new(services: usize, threats: usize) -> Accumulator {
        Accumulator {
            trials: 0,
            annual_loss: ExactSum::default(),
            annual_hist: LogHist::exact(LOSS_BITS),
            services: (0..services).map(|_| ServiceAcc::new()).collect(),
            causes: vec![CauseAcc::default(); threats + 1],
            convergence: BTreeMap::new(),
            appetite: Vec::new(),
            overflow: None,
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
    /// `losses` (the risk appetite's points).
    pub fn with_appetite(mut self, losses: &[f64]) -> Accumulator {
        self.appetite = losses
            .iter()
            .map(|&loss| Exceeded { loss, trials: 0 })
            .collect();
        self
    }

    /// The exact fraction of trials that lost strictly more than `loss`,
    /// when it is a counted appetite point.
    pub fn exceeded(&self, loss: f64) -> Option<f64> {
        let e = self.appetite.iter().find(|e| e.loss == loss)?;
        (self.trials > 0).then(|| e.trials as f64 / self.trials as f64)
    }

    /// Record the annual loss of trial `trial`.
    pub fn add_annual_loss(&mut self, trial: u64, loss: f64) {
        self.trials += 1;
        self.annual_loss.add(loss);
        self.annual_hist.add(loss);
        for e in &mut self.appetite {
            e.trials += u64::from(loss > e.loss);
        }
        self.convergence
            .entry(trial / CONVERGENCE_CHUNK)
            .or_default()
            .add(loss);
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
    }
}
