//! The drill accumulator and the drill summary (`drill.json`).
//!
//! A drill runs one threat at time zero many times. Each trial is reduced
//! by the driver (`crate::sim::drill`) to a [`DrillOutcome`]; outcomes are
//! folded into a [`DrillAcc`] made only of integer counts, exact sums
//! ([`ExactSum`]) and log histograms ([`LogHist`]), plus a histogram of the
//! restored share at each point of a fixed time grid. Every merge is integer
//! arithmetic, so a drill gives the same bytes on any number of threads.

use serde::{Deserialize, Serialize};

use super::acc::SERVICE_BITS;
use super::exact::ExactSum;
use super::hist::LogHist;
use super::summary::ratio;
pub(crate) use super::summary::Quantiles;
use super::Z975;

/// Intervals of the recovery-curve time grid (the grid has one more point).
pub(crate) const GRID: usize = 120;
/// Resolution of the restored share: 1/1000 (0.1%).
pub(crate) const SHARE_BINS: usize = 1000;
/// Bumped whenever a field of `drill.json` changes meaning or disappears.
pub const DRILL_SCHEMA_VERSION: u32 = 1;

/// What one drill trial did to one service.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ServiceOutcome {
    /// Hours after the threat when it first stopped being functional;
    /// `None` when it never did (then nothing else is recorded for it).
    pub down_at: Option<f64>,
    /// Hours after the threat when it was functional again for good;
    /// `None` when it was still down at the end of the horizon.
    pub recovered_at: Option<f64>,
    /// First crew job on it: start, and end of its last job.
    pub job_start: Option<f64>,
    pub job_done: Option<f64>,
    /// When its last hard dependency (and, when its first job is a restore
    /// or rebuild, the last of what `backup.requires` lists) was back for
    /// good (the threat's time, 0, when none went down); only for services
    /// hit.
    pub deps_back: Option<f64>,
    /// With a crew job: when what held it back was back (what a restore
    /// requires, and with restores in dependency order its hard
    /// dependencies; 0 when nothing held it), at most its start.
    pub held: Option<f64>,
    /// Hours of data lost.
    pub data_loss: f64,
    /// On the critical path of this trial, and its last step.
    pub on_path: bool,
    pub bottleneck: bool,
}

/// One drill trial, reduced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrillOutcome {
    pub services: Vec<ServiceOutcome>,
    /// When the last business function that stopped was functional
    /// again for good (the horizon when one never was); `None` when no
    /// business function stopped.
    pub business_recovered_at: Option<f64>,
    /// A business function that stopped was still down at the end of the
    /// horizon (one back exactly at the horizon is back).
    pub business_not_recovered: bool,
    /// When every business function was back at its MBCO for good
    /// (0 when none fell below it); `None` when one never was, or when the
    /// scenario has no business function.
    pub mbco_at: Option<f64>,
    /// A business function fell below its MBCO (when none did, `mbco_at`
    /// is 0).
    pub mbco_below: bool,
    /// The restored share (0..=1) at each point of the time grid.
    pub curve: Vec<f64>,
    /// Ransomware: the dwell of the attack when it encrypted (hours from
    /// initial access to the encryption); `None` otherwise.
    pub dwell: Option<f64>,
}

/// One service over all drills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDrillAcc {
    /// Drills in which it stopped being functional.
    pub hit: u64,
    /// Drills in which it was still down at the end of the horizon.
    pub not_recovered: u64,
    pub down_at: LogHist,
    /// Hours from the threat until functional for good (hits only; the
    /// horizon when never).
    pub recovery: ExactSum,
    pub recovery_hist: LogHist,
    /// Hours from its first stop until functional for good (hits only).
    pub outage: ExactSum,
    pub outage_hist: LogHist,
    /// Hits whose outage ended within the RTO.
    pub rto_met: u64,
    /// Drills with a crew job on it, and over those drills: when it went
    /// down, when the first job started, when the last ended, when it was
    /// back (medians of steps of the same drills keep their order).
    pub jobs: u64,
    pub job_down: LogHist,
    pub job_start: LogHist,
    pub job_done: LogHist,
    pub job_back: LogHist,
    /// When its hard dependencies were back: over the drills with a crew
    /// job, and over every hit.
    #[serde(default = "empty_hist")]
    pub job_deps: LogHist,
    #[serde(default = "empty_hist")]
    pub deps_back: LogHist,
    /// Over the drills with a crew job: when what held the job back was
    /// back.
    #[serde(default = "empty_hist")]
    pub job_held: LogHist,
    /// Drills in which it lost data, and how much (those drills only).
    pub data_lost: u64,
    pub data_loss: ExactSum,
    pub data_loss_hist: LogHist,
    /// Drills in which it lost more data than its RPO.
    pub rpo_breached: u64,
    pub on_path: u64,
    pub bottleneck: u64,
}

fn empty_hist() -> LogHist {
    LogHist::exact(SERVICE_BITS)
}

impl ServiceDrillAcc {
    fn new() -> ServiceDrillAcc {
        let h = empty_hist;
        ServiceDrillAcc {
            hit: 0,
            not_recovered: 0,
            down_at: h(),
            recovery: ExactSum::default(),
            recovery_hist: h(),
            outage: ExactSum::default(),
            outage_hist: h(),
            rto_met: 0,
            jobs: 0,
            job_down: h(),
            job_start: h(),
            job_done: h(),
            job_back: h(),
            job_deps: h(),
            deps_back: h(),
            job_held: h(),
            data_lost: 0,
            data_loss: ExactSum::default(),
            data_loss_hist: h(),
            rpo_breached: 0,
            on_path: 0,
            bottleneck: 0,
        }
    }

    fn merge(&mut self, o: &ServiceDrillAcc) {
        self.hit += o.hit;
        self.not_recovered += o.not_recovered;
        self.down_at.merge(&o.down_at);
        self.recovery.merge(&o.recovery);
        self.recovery_hist.merge(&o.recovery_hist);
        self.outage.merge(&o.outage);
        self.outage_hist.merge(&o.outage_hist);
        self.rto_met += o.rto_met;
        self.jobs += o.jobs;
        self.job_down.merge(&o.job_down);
        self.job_start.merge(&o.job_start);
        self.job_done.merge(&o.job_done);
        self.job_back.merge(&o.job_back);
        self.job_deps.merge(&o.job_deps);
        self.deps_back.merge(&o.deps_back);
        self.job_held.merge(&o.job_held);
        self.data_lost += o.data_lost;
        self.data_loss.merge(&o.data_loss);
        self.data_loss_hist.merge(&o.data_loss_hist);
        self.rpo_breached += o.rpo_breached;
        self.on_path += o.on_path;
        self.bottleneck += o.bottleneck;
    }
}

/// Everything a drill accumulates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillAcc {
    pub trials: u64,
    pub services: Vec<ServiceDrillAcc>,
    /// Drills in which a business function stopped.
    pub business_hit: u64,
    /// Drills in which one was still down at the horizon.
    pub business_not_recovered: u64,
    /// Hours until the last business function was back (0 when none
    /// stopped), over all drills.
    pub business: ExactSum,
    pub business_hist: LogHist,
    /// Drills in which every business function got back to its MBCO.
    pub mbco_reached: u64,
    /// Drills in which a business function fell below its MBCO (in the
    /// others the MBCO time is 0).
    #[serde(default)]
    pub mbco_below: u64,
    pub mbco: ExactSum,
    pub mbco_hist: LogHist,
    /// The time grid ends here (hours); points at `end · k / GRID`.
    pub curve_end: f64,
    /// Counts per grid point and share bin: `curve[k · (SHARE_BINS + 1) + b]`.
    pub curve: Vec<u64>,
    /// Ransomware: the dwell of each drill whose attack encrypted.
    #[serde(default)]
    pub dwell: ExactSum,
    #[serde(default = "empty_hist")]
    pub dwell_hist: LogHist,
}

impl DrillAcc {
    pub fn new(services: usize, curve_end: f64) -> DrillAcc {
        DrillAcc {
            trials: 0,
            services: (0..services).map(|_| ServiceDrillAcc::new()).collect(),
            business_hit: 0,
            business_not_recovered: 0,
            business: ExactSum::default(),
            business_hist: LogHist::exact(SERVICE_BITS),
            mbco_reached: 0,
            mbco_below: 0,
            mbco: ExactSum::default(),
            mbco_hist: LogHist::exact(SERVICE_BITS),
            curve_end,
            curve: vec![0; (GRID + 1) * (SHARE_BINS + 1)],
            dwell: ExactSum::default(),
            dwell_hist: empty_hist(),
        }
    }

    /// The time of grid point `k`.
    pub fn grid_time(&self, k: usize) -> f64 {
        self.curve_end * k as f64 / GRID as f64
    }

    /// Fold in one trial. `horizon` stands in for a recovery that never
    /// came; `rto` and `rpo` are per service (`f64::INFINITY` for none).
    pub fn add(&mut self, o: &DrillOutcome, horizon: f64, rto: &[f64], rpo: &[f64]) {
        self.trials += 1;
        for (i, (a, s)) in self.services.iter_mut().zip(&o.services).enumerate() {
            if s.data_loss > 0.0 {
                a.data_lost += 1;
                a.data_loss.add(s.data_loss);
                a.data_loss_hist.add(s.data_loss);
                if s.data_loss > rpo[i] {
                    a.rpo_breached += 1;
                }
            }
            a.on_path += u64::from(s.on_path);
            a.bottleneck += u64::from(s.bottleneck);
            let Some(down) = s.down_at else { continue };
            a.hit += 1;
            a.down_at.add(down);
            let back = s.recovered_at.unwrap_or_else(|| {
                a.not_recovered += 1;
                horizon
            });
            a.recovery.add(back);
            a.recovery_hist.add(back);
            let outage = back - down;
            a.outage.add(outage);
            a.outage_hist.add(outage);
            if s.recovered_at.is_some() && outage <= rto[i] {
                a.rto_met += 1;
            }
            let deps = s.deps_back.unwrap_or(0.0);
            a.deps_back.add(deps);
            if let Some(start) = s.job_start {
                a.job_deps.add(deps);
                a.job_held.add(s.held.unwrap_or(0.0).max(down).min(start));
                a.jobs += 1;
                a.job_down.add(down);
                a.job_start.add(start);
                // A job still running at the horizon ends with it.
                a.job_done.add(s.job_done.unwrap_or(back));
                a.job_back.add(back);
            }
        }
        match o.business_recovered_at {
            Some(t) => {
                self.business_hit += 1;
                if o.business_not_recovered {
                    self.business_not_recovered += 1;
                }
                self.business.add(t);
                self.business_hist.add(t);
            }
            None => {
                self.business.add(0.0);
                self.business_hist.add(0.0);
            }
        }
        if let Some(d) = o.dwell {
            self.dwell.add(d);
            self.dwell_hist.add(d);
        }
        self.mbco_below += u64::from(o.mbco_below);
        if let Some(t) = o.mbco_at {
            self.mbco_reached += 1;
            self.mbco.add(t);
            self.mbco_hist.add(t);
        }
        for (k, share) in o.curve.iter().enumerate().take(GRID + 1) {
            let b = (share.clamp(0.0, 1.0) * SHARE_BINS as f64).round() as usize;
            self.curve[k * (SHARE_BINS + 1) + b] += 1;
        }
    }

    /// Merge another accumulator of the same drill (same grid).
    /// Associative and commutative.
    pub fn merge(&mut self, o: &DrillAcc) {
        debug_assert_eq!(self.curve_end, o.curve_end);
        self.trials += o.trials;
        for (a, b) in self.services.iter_mut().zip(&o.services) {
            a.merge(b);
        }
        self.business_hit += o.business_hit;
        self.business_not_recovered += o.business_not_recovered;
        self.business.merge(&o.business);
        self.business_hist.merge(&o.business_hist);
        self.mbco_reached += o.mbco_reached;
        self.mbco_below += o.mbco_below;
        self.mbco.merge(&o.mbco);
        self.mbco_hist.merge(&o.mbco_hist);
        for (a, b) in self.curve.iter_mut().zip(&o.curve) {
            *a += b;
        }
        self.dwell.merge(&o.dwell);
        self.dwell_hist.merge(&o.dwell_hist);
    }

    /// The p-quantile of the restored share at grid point `k` (lower
    /// empirical quantile, to 1/[`SHARE_BINS`]); 0 without trials.
    pub fn curve_quantile(&self, k: usize, p: f64) -> f64 {
        let row = &self.curve[k * (SHARE_BINS + 1)..(k + 1) * (SHARE_BINS + 1)];
        let n: u64 = row.iter().sum();
        if n == 0 {
            return 0.0;
        }
        let rank = ((p.clamp(0.0, 1.0) * n as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, &c) in row.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return b as f64 / SHARE_BINS as f64;
            }
        }
        1.0
    }
}

// ---- drill.json ------------------------------------------------------------

/// Mean with its standard error and 95% interval, and quantiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// The mean.
    pub mean: f64,
    /// Its standard error: s / √N.
    pub std_error: f64,
    /// 95% confidence interval of the mean.
    pub mean_ci95: [f64; 2],
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The largest value.
    pub max: f64,
}

fn stats(sum: &ExactSum, hist: &LogHist) -> Stats {
    let (mean, se) = (sum.mean(), sum.std_error());
    Stats {
        mean,
        std_error: se,
        mean_ci95: [mean - Z975 * se, mean + Z975 * se],
        p50: hist.quantile(0.5).unwrap_or(0.0),
        p90: hist.quantile(0.9).unwrap_or(0.0),
        p99: hist.quantile(0.99).unwrap_or(0.0),
        max: hist.max().unwrap_or(0.0),
    }
}

fn quantiles(sum: &ExactSum, hist: &LogHist) -> Quantiles {
    super::summary::quantiles(sum.mean(), hist)
}

/// The last business function back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessRecovery {
    /// Fraction of drills in which a business function stopped.
    pub hit: f64,
    /// Fraction of drills in which one was still down at the horizon.
    pub not_recovered: f64,
    /// Hours until the last one was functional again (0 in drills where
    /// none stopped; the horizon where one never recovered).
    pub recovery_hours: Stats,
}

/// Every business function back at its MBCO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MbcoRecovery {
    /// Fraction of drills in which it happened by the end of the horizon.
    pub reached: f64,
    /// Fraction of drills in which a business function fell below its
    /// MBCO; the others reached it at once and count 0 in `hours`.
    pub below: f64,
    /// Hours, over the drills in which it happened (0 for those in which
    /// no business function fell below its MBCO); null when it happened
    /// in none (no time to report).
    pub hours: Option<Stats>,
}

/// One service over the drills (`drill.json` `services[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDrill {
    /// The service's id.
    pub id: String,
    /// Its tier's label.
    pub tier: String,
    /// Whether it is a business function of the drill (the Business tier;
    /// without one, a service with revenue): for the report's reading,
    /// not written to `drill.json`.
    #[serde(skip)]
    pub business: bool,
    /// Fraction of drills in which it stopped being functional; the
    /// figures below are over those drills.
    pub hit: f64,
    /// Fraction of hits still down at the end of the horizon.
    pub not_recovered: Option<f64>,
    /// Median hours from the threat until it stopped being functional, over its hits.
    pub down_at_hours_p50: Option<f64>,
    /// Hours from the threat until functional again for good.
    pub recovery_hours: Option<Quantiles>,
    /// Hours from its own first stop until functional again: what the RTO
    /// is judged on.
    pub outage_hours: Option<Quantiles>,
    /// The service's RTO; null without one.
    pub rto_hours: Option<f64>,
    /// Fraction of hits whose outage ended within the RTO.
    pub rto_met: Option<f64>,
    /// Fraction of hits in which a crew worked on it (a restore, repair
    /// or rebuild; not a failover, and not a service that only waited for
    /// a dependency).
    pub crew_job: Option<f64>,
    /// The median timeline drawn in the Gantt chart; null when never hit.
    pub timeline: Option<Timeline>,
    /// The service's RPO; null without one.
    pub rpo_hours: Option<f64>,
    /// Fraction of drills in which it lost data.
    pub data_lost: f64,
    /// Hours of data lost, over the drills in which some was lost.
    pub data_loss_hours: Option<Quantiles>,
    /// Fraction of drills losing more data than the RPO; null without RPO.
    pub rpo_breached: Option<f64>,
    /// Fraction of drills in which it is on the critical path.
    pub critical_path: f64,
    /// Fraction of drills in which its recovery ends the critical path.
    pub bottleneck: f64,
}

/// Median hours after the threat of each step of a service's recovery.
///
/// When a crew worked on the service in any drill that hit it, the
/// medians are over the drills in which it did (`basis`: "crew job"; how
/// often is `crew_job` of the service), and since each drill's steps are in
/// order, so are the medians; otherwise they are over every drill that hit
/// it ("all hits") and there is no job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// `crew job` or `all hits`: the drills the medians are over.
    pub basis: String,
    /// When it stopped being functional.
    pub down: f64,
    /// When its hard dependencies were all back (median over the same
    /// drills; 0 when none went down).
    #[serde(default)]
    pub deps_back: f64,
    /// When what held the crew's job back was back: what a restore
    /// requires (`backup.requires`) and, with
    /// `restore_in_dependency_order`, its hard dependencies; the down time
    /// when nothing held it. Between this and `job_start` it waited for a
    /// crew. Null without a job.
    #[serde(default)]
    pub job_held_until: Option<f64>,
    /// When a crew started its job; null without a job.
    pub job_start: Option<f64>,
    /// When the crew finished; null without a job.
    pub job_done: Option<f64>,
    /// When it was functional again for good.
    pub back: f64,
}

fn timeline(a: &ServiceDrillAcc) -> Option<Timeline> {
    let p50 = |h: &LogHist| h.quantile(0.5).unwrap_or(0.0);
    if a.hit == 0 {
        None
    } else if a.jobs > 0 {
        Some(Timeline {
            basis: "crew job".to_string(),
            down: p50(&a.job_down),
            deps_back: p50(&a.job_deps),
            job_held_until: Some(p50(&a.job_held)),
            job_start: a.job_start.quantile(0.5),
            job_done: a.job_done.quantile(0.5),
            back: p50(&a.job_back),
        })
    } else {
        Some(Timeline {
            basis: "all hits".to_string(),
            down: p50(&a.down_at),
            deps_back: p50(&a.deps_back),
            job_held_until: None,
            job_start: None,
            job_done: None,
            back: p50(&a.recovery_hist),
        })
    }
}

/// A service on the critical path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathEntry {
    /// The service's id.
    pub id: String,
    /// Fraction of drills in which it is on the critical path.
    pub on_path: f64,
    /// Fraction of drills in which its recovery ends the critical path.
    pub bottleneck: f64,
}

/// The share of capacity back, hour by hour after the threat: the 10th, 50th and 90th percentiles over drills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryCurve {
    /// What the share weighs: "revenue", "business services" or "services".
    pub weighting: String,
    /// The hours after the threat, the curve's grid.
    pub hours: Vec<f64>,
    /// The 10th percentile of the share back at each hour.
    pub p10: Vec<f64>,
    /// The median share back at each hour.
    pub p50: Vec<f64>,
    /// The 90th percentile of the share back at each hour.
    pub p90: Vec<f64>,
}

/// `drill.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillSummary {
    /// [`DRILL_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's currency.
    pub currency: String,
    /// The threat drilled.
    pub threat: String,
    /// Its kind (`Outage`, `Disaster`, `Ransomware`, `LossEvent`).
    pub threat_kind: String,
    /// The run's seed.
    pub seed: u64,
    /// Drills run.
    pub trials: u64,
    /// The length of one drill, in hours.
    pub horizon_hours: f64,
    /// Relative accuracy of every reported quantile.
    pub quantile_accuracy: f64,
    /// Which services count as business functions: the Business tier, or
    /// without one the services with revenue, or without those every
    /// service.
    pub business_functions: String,
    /// Where each drill started on the revenue profiles' clock: a time of
    /// the week such as `"Fri 17:00"` (`bcdr drill --at`), or `"random"`
    /// (uniform over the week, drawn per drill). Absent when no service
    /// has a revenue profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Null when there is no business function (a scenario without
    /// services).
    pub business: Option<BusinessRecovery>,
    /// Every business function back at its MBCO; null when there is no
    /// business function.
    pub mbco: Option<MbcoRecovery>,
    /// Per service, in file order.
    pub services: Vec<ServiceDrill>,
    /// Services on the critical path, most often first.
    pub critical_path: Vec<PathEntry>,
    /// The share of capacity back over time.
    pub recovery_curve: RecoveryCurve,
    /// Ransomware only: which attacks were drilled (DESIGN-2 A5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<AttackDrill>,
    /// A physical `Disaster` only: the services whose backups it destroys
    /// (kept at a site it hits, `backup.site`), in file order. Those it
    /// also damages are rebuilt and lose the data written before the
    /// drill, which a drill, starting at the disaster, does not count:
    /// their data lost reads from the disaster on (the annual run counts
    /// it). Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backups_destroyed: Vec<String>,
}

/// Which ransomware attacks a drill ran, and their dwell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttackDrill {
    /// `succeeding` (the default: attacks that are not contained, every
    /// one encrypts), `all` (today's mixture) or `contained`.
    pub outcome: String,
    /// What time zero of the drill is: `encryption` (succeeding) or
    /// `initial access` (all, contained).
    pub time_zero: String,
    /// The chance that an attack of this threat is not contained, from its
    /// dwell and detection: how often the drilled attack happens.
    pub encrypt_chance: f64,
    /// Fraction of drills whose attack encrypted.
    pub encrypted: f64,
    /// Hours from initial access to the encryption, over the drills whose
    /// attack encrypted; null when none did. With time zero at the
    /// encryption, the attack began this long before it.
    pub dwell_hours: Option<Quantiles>,
}

/// What a ransomware drill ran: its outcome's label and the chance that
/// an attack encrypts ([`AttackDrill`]).
#[derive(Debug, Clone, Copy)]
pub struct AttackContext<'a> {
    pub outcome: &'a str,
    pub encrypt_chance: f64,
}

/// What the summary needs to know about the scenario beyond the
/// accumulator.
#[derive(Debug, Clone)]
pub struct DrillContext<'a> {
    pub scenario: &'a str,
    pub currency: &'a str,
    pub threat: &'a str,
    pub threat_kind: &'a str,
    pub seed: u64,
    pub horizon: f64,
    /// Per service: id, tier label, RTO, RPO.
    pub services: Vec<(&'a str, &'a str, Option<f64>, Option<f64>)>,
    pub has_business: bool,
    /// Per service: whether it is a business function.
    pub business: &'a [bool],
    /// Which services are the business functions, in words.
    pub business_functions: &'a str,
    pub weighting: &'a str,
    /// Ransomware only: which attacks were drilled.
    pub attack: Option<AttackContext<'a>>,
    /// [`DrillSummary::start`].
    pub start: Option<String>,
    /// [`DrillSummary::backups_destroyed`].
    pub backups_destroyed: Vec<&'a str>,
}

impl DrillSummary {
    /// Summarise `acc`, the drills of the threat `cx` describes.
    pub fn build(cx: &DrillContext<'_>, acc: &DrillAcc) -> DrillSummary {
        let n = acc.trials;
        let frac = |x: u64| ratio(x, n).unwrap_or(0.0);
        let services: Vec<ServiceDrill> = cx
            .services
            .iter()
            .zip(&acc.services)
            .enumerate()
            .map(|(i, (&(id, tier, rto, rpo), a))| {
                let hit = a.hit > 0;
                let p50 = |h: &LogHist| h.quantile(0.5);
                ServiceDrill {
                    id: id.to_string(),
                    tier: tier.to_string(),
                    business: cx.business.get(i).copied().unwrap_or(false),
                    hit: frac(a.hit),
                    not_recovered: ratio(a.not_recovered, a.hit),
                    down_at_hours_p50: p50(&a.down_at),
                    recovery_hours: hit.then(|| quantiles(&a.recovery, &a.recovery_hist)),
                    outage_hours: hit.then(|| quantiles(&a.outage, &a.outage_hist)),
                    rto_hours: rto,
                    rto_met: rto.and_then(|_| ratio(a.rto_met, a.hit)),
                    crew_job: ratio(a.jobs, a.hit),
                    timeline: timeline(a),
                    rpo_hours: rpo,
                    data_lost: frac(a.data_lost),
                    data_loss_hours: (a.data_lost > 0)
                        .then(|| quantiles(&a.data_loss, &a.data_loss_hist)),
                    rpo_breached: rpo.map(|_| frac(a.rpo_breached)),
                    critical_path: frac(a.on_path),
                    bottleneck: frac(a.bottleneck),
                }
            })
            .collect();
        let mut critical_path: Vec<PathEntry> = services
            .iter()
            .filter(|s| s.critical_path > 0.0)
            .map(|s| PathEntry {
                id: s.id.clone(),
                on_path: s.critical_path,
                bottleneck: s.bottleneck,
            })
            .collect();
        critical_path.sort_by(|a, b| {
            b.on_path
                .total_cmp(&a.on_path)
                .then(b.bottleneck.total_cmp(&a.bottleneck))
                .then(a.id.cmp(&b.id))
        });
        let hours: Vec<f64> = (0..=GRID).map(|k| acc.grid_time(k)).collect();
        let curve = |p: f64| (0..=GRID).map(|k| acc.curve_quantile(k, p)).collect();
        DrillSummary {
            schema_version: DRILL_SCHEMA_VERSION,
            bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: cx.scenario.to_string(),
            currency: cx.currency.to_string(),
            threat: cx.threat.to_string(),
            threat_kind: cx.threat_kind.to_string(),
            seed: cx.seed,
            trials: n,
            horizon_hours: cx.horizon,
            quantile_accuracy: 0.5f64.powi(SERVICE_BITS as i32 + 1),
            business_functions: cx.business_functions.to_string(),
            start: cx.start.clone(),
            business: cx.has_business.then(|| BusinessRecovery {
                hit: frac(acc.business_hit),
                not_recovered: frac(acc.business_not_recovered),
                recovery_hours: stats(&acc.business, &acc.business_hist),
            }),
            mbco: cx.has_business.then(|| MbcoRecovery {
                reached: frac(acc.mbco_reached),
                below: frac(acc.mbco_below),
                hours: (acc.mbco_reached > 0).then(|| stats(&acc.mbco, &acc.mbco_hist)),
            }),
            services,
            critical_path,
            recovery_curve: RecoveryCurve {
                weighting: cx.weighting.to_string(),
                hours,
                p10: curve(0.1),
                p50: curve(0.5),
                p90: curve(0.9),
            },
            attack: cx.attack.map(|a| AttackDrill {
                outcome: a.outcome.to_string(),
                time_zero: match a.outcome {
                    "succeeding" => "encryption",
                    _ => "initial access",
                }
                .to_string(),
                encrypt_chance: a.encrypt_chance,
                encrypted: frac(acc.dwell.count()),
                dwell_hours: (acc.dwell.count() > 0)
                    .then(|| quantiles(&acc.dwell, &acc.dwell_hist)),
            }),
            backups_destroyed: cx
                .backups_destroyed
                .iter()
                .map(|id| id.to_string())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(share: f64, business: Option<f64>) -> DrillOutcome {
        DrillOutcome {
            services: vec![ServiceOutcome {
                down_at: Some(0.0),
                recovered_at: business,
                job_start: Some(0.0),
                job_done: business,
                deps_back: None,
                held: None,
                data_loss: 0.5,
                on_path: true,
                bottleneck: true,
            }],
            business_recovered_at: business.or(Some(100.0)),
            business_not_recovered: business.is_none(),
            mbco_at: business,
            mbco_below: true,
            curve: vec![share; GRID + 1],
            dwell: None,
        }
    }

    #[test]
    fn merge_equals_sequential_and_curve_quantiles() {
        let outcomes: Vec<DrillOutcome> = (0..10)
            .map(|i| outcome(i as f64 / 10.0, (i % 3 != 0).then_some(i as f64)))
            .collect();
        let (rto, rpo) = ([5.0], [1.0]);
        let mut all = DrillAcc::new(1, 10.0);
        outcomes.iter().for_each(|o| all.add(o, 100.0, &rto, &rpo));
        let mut a = DrillAcc::new(1, 10.0);
        let mut b = DrillAcc::new(1, 10.0);
        outcomes[..4]
            .iter()
            .for_each(|o| a.add(o, 100.0, &rto, &rpo));
        outcomes[4..]
            .iter()
            .for_each(|o| b.add(o, 100.0, &rto, &rpo));
        b.merge(&a);
        assert_eq!(b, all);
        assert_eq!(all.curve_quantile(0, 0.5), 0.4);
        assert_eq!(all.curve_quantile(GRID, 0.1), 0.0);
        assert_eq!(all.curve_quantile(GRID, 0.9), 0.8);
        assert_eq!(all.services[0].hit, 10);
        assert_eq!(all.services[0].not_recovered, 4);
        assert_eq!(all.business_not_recovered, 4);
        assert_eq!(all.mbco_reached, 6);
    }
}
