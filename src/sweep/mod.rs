//! Sensitivity sweeps: run one scenario at several values of one
//! parameter, with common random numbers.
//!
//! `--set PATH=VALUES` names the parameter and its values. Each value is
//! applied to a copy of the validated [`Model`], which is then compiled
//! and simulated with the same seed and trial indices as every other
//! value: since every draw is keyed by (seed, trial, entity, purpose), the
//! values differ only through the parameter, and the curve of a result
//! against the parameter is smooth rather than noisy.
//!
//! Values are a list (`1,2,4,8`), an inclusive range `START..END` (step 1)
//! or `START..END:STEP`, or one value. Durations take a unit in every
//! item (`2h,4h,8h`, `1h..8h:1h`).

mod fields;

pub use fields::{DurationField, ThreatDuration};

use crate::error::Error;
use crate::fmt::format_hours;
use crate::model::{Hours, Model, Money, Probability, Rate, Service, ThreatKind, MAX_MONEY};
use crate::scenario::duration::parse_hours;
use crate::scenario::suggest;
use crate::scenario::validate::MAX_RATE_PER_YEAR;
use crate::sim::{self, Mode, SimPlan};
use crate::stats::comparison::rto_attainment;
use crate::stats::sweep::wilson;
use crate::stats::Summary;

pub use crate::stats::sweep::{
    LossPoint, MeanSe, SweepPoint, SweepResult, SweepService, SWEEP_SCHEMA_VERSION,
};

/// The parameter paths a sweep can set, for error messages and help.
pub const SUPPORTED: &str = "plan.crews, plan.annual_cost, threats.<id>.rate_per_year, \
                             services.<id>.rto, services.<id>.failover.success, \
                             services.<id>.backup.interval, \
                             services.<id>.revenue_per_hour (or cost_per_outage, \
                             data_loss_cost_per_hour, mtpd_penalty), \
                             services.<id>.failure.ttf.scale (or failure.repair.scale, \
                             backup.restore.scale, failover.switchover.scale), \
                             threats.<id>.rate.scale, threats.<id>.duration.scale (or \
                             dwell.scale, detection.scale, spread.time.scale), \
                             threats.<id>.spread.probability, threats.<id>.backup_compromise, \
                             threats.<id>.detection, threats.<id>.dwell (medians), \
                             services.<id>.backup.restore, services.<id>.backup.rebuild, \
                             services.<id>.failover.switchover, services.<id>.failure.repair \
                             (medians), services.<id>.failure.mtbf, \
                             services.<id>.spread_probability";

/// Most values one sweep may run.
pub const MAX_VALUES: usize = 200;

/// A parameter a sweep can set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// `plan.crews`: recovery crews (an integer >= 1).
    Crews,
    /// `plan.annual_cost`: the plan's yearly cost (money >= 0).
    AnnualCost,
    /// `threats.<id>.rate_per_year`: a fixed Poisson rate (>= 0).
    ThreatRate(String),
    /// `services.<id>.rto`: a duration.
    Rto(String),
    /// `services.<id>.failover.success`: a probability.
    FailoverSuccess(String),
    /// `services.<id>.backup.interval`: a duration > 0.
    BackupInterval(String),
    /// `services.<id>.revenue_per_hour` and the other money fields of a
    /// service.
    ServiceMoney(String, ServiceMoney),
    /// `services.<id>.failure.ttf.scale` and the other durations of a
    /// service: a factor on the whole distribution (1 leaves it as it is).
    ServiceScale(String, ServiceDist),
    /// `threats.<id>.rate.scale`: a factor on the rate, fixed or uncertain.
    RateScale(String),
    /// `threats.<id>.duration.scale` and the other durations of a threat.
    ThreatScale(String, ThreatDist),
    /// `threats.<id>.spread.probability` or `threats.<id>.backup_compromise`
    /// of a Ransomware threat.
    ThreatProbability(String, ThreatProb),
    /// `services.<id>.backup.restore`, `.backup.rebuild`,
    /// `.failover.switchover`, `.failure.repair`: the median of that
    /// duration; the distribution is scaled, its shape kept.
    Median(String, DurationField),
    /// `services.<id>.failure.mtbf`: the mean time to failure (the
    /// lifetime distribution scaled, its shape kept).
    Mtbf(String),
    /// `services.<id>.spread_probability`: ransomware spread onto it.
    ServiceSpread(String),
    /// `threats.<id>.detection` and `.dwell` (a ransomware threat): the
    /// median, the distribution scaled.
    ThreatMedian(String, ThreatDuration),
}

/// A money field of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceMoney {
    /// `revenue_per_hour`.
    RevenuePerHour,
    /// `cost_per_outage`.
    CostPerOutage,
    /// `data_loss_cost_per_hour`.
    DataLossCostPerHour,
    /// `mtpd_penalty`.
    MtpdPenalty,
}

/// A duration distribution of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceDist {
    /// `failure.ttf`.
    Ttf,
    /// `failure.repair`.
    Repair,
    /// `backup.restore`.
    Restore,
    /// `failover.switchover`.
    Switchover,
}

/// A duration distribution of a threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreatDist {
    /// An Outage's `duration`.
    Duration,
    /// A Ransomware threat's `dwell`.
    Dwell,
    /// A Ransomware threat's `detection`.
    Detection,
    /// A Ransomware threat's `spread.time`.
    SpreadTime,
}

/// A probability of a Ransomware threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreatProb {
    /// `spread.probability`.
    Spread,
    /// `backup_compromise`.
    BackupCompromise,
}

/// The suffixes of the parameters added for `bcdr tornado`, longest
/// first within a family so that none shadows another.
const SERVICE_MONEY: [(&str, ServiceMoney); 4] = [
    (".revenue_per_hour", ServiceMoney::RevenuePerHour),
    (".cost_per_outage", ServiceMoney::CostPerOutage),
    (
        ".data_loss_cost_per_hour",
        ServiceMoney::DataLossCostPerHour,
    ),
    (".mtpd_penalty", ServiceMoney::MtpdPenalty),
];
const SERVICE_DIST: [(&str, ServiceDist); 4] = [
    (".failure.ttf.scale", ServiceDist::Ttf),
    (".failure.repair.scale", ServiceDist::Repair),
    (".backup.restore.scale", ServiceDist::Restore),
    (".failover.switchover.scale", ServiceDist::Switchover),
];
const THREAT_DIST: [(&str, ThreatDist); 4] = [
    (".duration.scale", ThreatDist::Duration),
    (".dwell.scale", ThreatDist::Dwell),
    (".detection.scale", ThreatDist::Detection),
    (".spread.time.scale", ThreatDist::SpreadTime),
];
const THREAT_PROB: [(&str, ThreatProb); 2] = [
    (".spread.probability", ThreatProb::Spread),
    (".backup_compromise", ThreatProb::BackupCompromise),
];

/// What kind of number a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Money,
    Rate,
    Duration,
    Probability,
    /// A factor on a distribution or a rate (>= 0).
    Factor,
}

impl Param {
    /// Parse a parameter path.
    ///
    /// # Errors
    /// A message naming the supported paths.
    pub fn parse(path: &str) -> Result<Param, String> {
        let unknown = || {
            let near = fields::nearest_path(path)
                .map_or(":".to_string(), |p| format!("; did you mean {p}?"));
            format!(
                "unknown parameter \"{path}\"{near} --set supports {SUPPORTED} (use the ids of \
                 the scenario)"
            )
        };
        let middle = |prefix: &str, suffix: &str| {
            path.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .filter(|id| !id.is_empty())
                .map(str::to_string)
        };
        Ok(match path {
            "plan.crews" => Param::Crews,
            "plan.annual_cost" => Param::AnnualCost,
            _ => {
                if let Some(p) = Param::parse_family(&middle) {
                    p
                } else if let Some(p) = fields::parse_median(&middle) {
                    p
                } else if let Some(id) = middle("threats.", ".rate_per_year") {
                    Param::ThreatRate(id)
                } else if let Some(id) = middle("services.", ".failover.success") {
                    Param::FailoverSuccess(id)
                } else if let Some(id) = middle("services.", ".backup.interval") {
                    Param::BackupInterval(id)
                } else if let Some(id) = middle("services.", ".rto") {
                    Param::Rto(id)
                } else {
                    return Err(unknown());
                }
            }
        })
    }

    /// The parameters added for `bcdr tornado`.
    fn parse_family(middle: &dyn Fn(&str, &str) -> Option<String>) -> Option<Param> {
        if let Some(id) = middle("threats.", ".rate.scale") {
            return Some(Param::RateScale(id));
        }
        for (suffix, f) in SERVICE_MONEY {
            if let Some(id) = middle("services.", suffix) {
                return Some(Param::ServiceMoney(id, f));
            }
        }
        for (suffix, f) in SERVICE_DIST {
            if let Some(id) = middle("services.", suffix) {
                return Some(Param::ServiceScale(id, f));
            }
        }
        for (suffix, f) in THREAT_DIST {
            if let Some(id) = middle("threats.", suffix) {
                return Some(Param::ThreatScale(id, f));
            }
        }
        for (suffix, f) in THREAT_PROB {
            if let Some(id) = middle("threats.", suffix) {
                return Some(Param::ThreatProbability(id, f));
            }
        }
        None
    }

    fn kind(&self) -> Kind {
        match self {
            Param::ServiceMoney(..) => Kind::Money,
            Param::ServiceScale(..) | Param::RateScale(_) | Param::ThreatScale(..) => Kind::Factor,
            Param::ThreatProbability(..) => Kind::Probability,
            Param::Crews => Kind::Count,
            Param::AnnualCost => Kind::Money,
            Param::ThreatRate(_) => Kind::Rate,
            Param::Rto(_)
            | Param::BackupInterval(_)
            | Param::Median(..)
            | Param::Mtbf(_)
            | Param::ThreatMedian(..) => Kind::Duration,
            Param::FailoverSuccess(_) | Param::ServiceSpread(_) => Kind::Probability,
        }
    }

    /// The unit of the parameter's values, for reports ("currency" stands
    /// for the scenario's currency, which the result names instead).
    pub fn unit(&self) -> &'static str {
        if let Param::ServiceMoney(_, f) = self {
            return match f {
                ServiceMoney::RevenuePerHour | ServiceMoney::DataLossCostPerHour => {
                    "currency per hour"
                }
                ServiceMoney::CostPerOutage => "currency per outage",
                ServiceMoney::MtpdPenalty => "currency per breach",
            };
        }
        match self.kind() {
            Kind::Count => "crews",
            Kind::Money => "currency per year",
            Kind::Rate => "per year",
            Kind::Duration => "hours",
            Kind::Probability => "probability",
            Kind::Factor => "factor",
        }
    }

    /// Check that the parameter exists in `model` (its service or threat,
    /// and the failover or backup it changes) and that every value fits it.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the path and the fix.
    pub fn check(&self, path: &str, model: &Model, values: &[f64]) -> Result<(), Error> {
        let service = |id: &str| service_named(model, path, id);
        let threat = |id: &str| {
            model
                .threat_id(id)
                .map(|t| &model.threats[t.index()])
                .ok_or_else(|| {
                    let known: Vec<&str> = model.threats.iter().map(|t| t.id.as_str()).collect();
                    Error::Usage(format!(
                        "--set {path}: {}",
                        suggest::unknown("threat", id, &known, "the scenario has no threats")
                    ))
                })
        };
        let lacks = |what: &str| {
            Err(Error::Usage(format!(
                "--set {path}: {what} to change; sweep another parameter"
            )))
        };
        match self {
            Param::Crews | Param::AnnualCost => {}
            Param::Median(..)
            | Param::Mtbf(_)
            | Param::ServiceSpread(_)
            | Param::ThreatMedian(..) => {
                fields::check(self, path, model, values)?;
            }
            Param::ServiceMoney(id, _) => {
                service(id)?;
            }
            Param::ServiceScale(id, f) => {
                let s = service(id)?;
                let has = match f {
                    ServiceDist::Ttf | ServiceDist::Repair => s.failure.is_some(),
                    ServiceDist::Restore => s.backup.as_ref().is_some_and(|b| b.restore.is_some()),
                    ServiceDist::Switchover => s.failover.is_some(),
                };
                if !has {
                    return lacks(&format!("service \"{id}\" has no such distribution"));
                }
            }
            Param::RateScale(id) => {
                threat(id)?;
            }
            Param::ThreatScale(id, f) => {
                let ok = match (&threat(id)?.kind, f) {
                    (ThreatKind::Outage { .. }, ThreatDist::Duration) => true,
                    (ThreatKind::Ransomware(_), d) => *d != ThreatDist::Duration,
                    _ => false,
                };
                if !ok {
                    return lacks(&format!("threat \"{id}\" has no such distribution"));
                }
            }
            Param::ThreatProbability(id, _) => {
                if !matches!(threat(id)?.kind, ThreatKind::Ransomware(_)) {
                    return lacks(&format!("threat \"{id}\" is not a Ransomware threat"));
                }
            }
            Param::ThreatRate(id) => {
                if model.threat_id(id).is_none() {
                    let known: Vec<&str> = model.threats.iter().map(|t| t.id.as_str()).collect();
                    return Err(Error::Usage(format!(
                        "--set {path}: {}",
                        suggest::unknown("threat", id, &known, "the scenario has no threats")
                    )));
                }
            }
            Param::Rto(id) => {
                service(id)?;
            }
            Param::FailoverSuccess(id) => {
                if service(id)?.failover.is_none() {
                    return Err(Error::Usage(format!(
                        "--set {path}: service \"{id}\" has no failover to change; add \
                         `failover: (site: ..., switchover: ..., success: ...)` to it in the \
                         scenario, or sweep another parameter"
                    )));
                }
            }
            Param::BackupInterval(id) => {
                let Some(backup) = service(id)?.backup.as_ref().filter(|b| b.restore.is_some())
                else {
                    return Err(Error::Usage(format!(
                        "--set {path}: service \"{id}\" has no backup with a restore to change; \
                         add `backup: (interval: ..., restore: ...)` to it in the scenario, or \
                         sweep another parameter"
                    )));
                };
                if let Some(&v) = values.iter().find(|&&v| v <= 0.0) {
                    return Err(Error::Usage(format!(
                        "--set {path}: a backup interval of {} is not > 0",
                        format_hours(v)
                    )));
                }
                if let Some(keep) = backup.retention {
                    if let Some(&v) = values.iter().find(|&&v| v > keep.get()) {
                        return Err(Error::Usage(format!(
                            "--set {path}: backups of \"{id}\" are kept for {keep}, so an \
                             interval of {} would leave times with no backup; sweep intervals \
                             up to the retention",
                            format_hours(v)
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// Set the parameter to `v` in `model` (already range checked by
    /// [`Setting::parse`] and existence checked by [`Param::check`]).
    pub fn apply(&self, model: &mut Model, v: f64) {
        fn svc<'m>(model: &'m mut Model, id: &str) -> Option<&'m mut crate::model::Service> {
            let i = model.service_id(id)?.index();
            model.services.get_mut(i)
        }
        match self {
            Param::Median(..)
            | Param::Mtbf(_)
            | Param::ServiceSpread(_)
            | Param::ThreatMedian(..) => {
                fields::apply(self, model, v);
            }
            Param::Crews => model.plan.crews = Some(v as u32),
            Param::AnnualCost => model.plan.annual_cost = Money::new(v).unwrap_or_default(),
            Param::ThreatRate(id) => {
                if let Some(t) = model.threat_id(id) {
                    model.threats[t.index()].rate_per_year = Rate::Fixed(v);
                }
            }
            Param::Rto(id) => {
                if let Some(s) = svc(model, id) {
                    s.rto = Hours::new(v);
                }
            }
            Param::FailoverSuccess(id) => {
                if let Some(f) = svc(model, id).and_then(|s| s.failover.as_mut()) {
                    f.success = Probability::new(v).unwrap_or(f.success);
                }
            }
            Param::BackupInterval(id) => {
                if let Some(b) = svc(model, id).and_then(|s| s.backup.as_mut()) {
                    b.interval = Hours::new(v);
                }
            }
            Param::ServiceMoney(id, f) => {
                if let Some(s) = svc(model, id) {
                    let m = Money::new(v).unwrap_or_default();
                    match f {
                        ServiceMoney::RevenuePerHour => s.revenue_per_hour = m,
                        ServiceMoney::CostPerOutage => s.cost_per_outage = m,
                        ServiceMoney::DataLossCostPerHour => s.data_loss_cost_per_hour = m,
                        ServiceMoney::MtpdPenalty => s.mtpd_penalty = m,
                    }
                }
            }
            Param::ServiceScale(id, f) => {
                if let Some(s) = svc(model, id) {
                    let d = match f {
                        ServiceDist::Ttf => s.failure.as_mut().map(|x| &mut x.ttf),
                        ServiceDist::Repair => s.failure.as_mut().map(|x| &mut x.repair),
                        ServiceDist::Restore => s.backup.as_mut().and_then(|b| b.restore.as_mut()),
                        ServiceDist::Switchover => s.failover.as_mut().map(|x| &mut x.switchover),
                    };
                    if let Some(d) = d {
                        *d = d.scaled(v);
                    }
                }
            }
            Param::RateScale(id) => {
                if let Some(t) = model.threat_id(id) {
                    let r = &mut model.threats[t.index()].rate_per_year;
                    *r = match r {
                        Rate::Fixed(x) => Rate::Fixed(*x * v),
                        Rate::Uncertain(d) => Rate::Uncertain(d.scaled(v)),
                    };
                }
            }
            Param::ThreatScale(id, f) => {
                if let Some(t) = model.threat_id(id) {
                    let d = match (&mut model.threats[t.index()].kind, f) {
                        (ThreatKind::Outage { duration, .. }, ThreatDist::Duration) => {
                            Some(duration)
                        }
                        (ThreatKind::Ransomware(r), ThreatDist::Dwell) => Some(&mut r.dwell),
                        (ThreatKind::Ransomware(r), ThreatDist::Detection) => {
                            Some(&mut r.detection)
                        }
                        (ThreatKind::Ransomware(r), ThreatDist::SpreadTime) => {
                            Some(&mut r.spread_time)
                        }
                        _ => None,
                    };
                    if let Some(d) = d {
                        *d = d.scaled(v);
                    }
                }
            }
            Param::ThreatProbability(id, f) => {
                if let Some(t) = model.threat_id(id) {
                    if let ThreatKind::Ransomware(r) = &mut model.threats[t.index()].kind {
                        let p = match f {
                            ThreatProb::Spread => &mut r.spread_probability,
                            ThreatProb::BackupCompromise => &mut r.backup_compromise,
                        };
                        *p = Probability::new(v).unwrap_or(*p);
                    }
                }
            }
        }
    }
}

/// A parsed `--set PATH=VALUES`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The parameter path as written, such as `plan.crews`.
    pub path: String,
    /// What the path sets.
    pub param: Param,
    /// The values, in the order given.
    pub values: Vec<f64>,
}

/// Round away the binary noise of `start + i·step` (0.30000000000000004).
fn tidy(x: f64) -> f64 {
    format!("{x:.10}").parse().unwrap_or(x)
}

impl Setting {
    /// Parse `PATH=VALUES` (syntax and ranges; ids are checked against the
    /// model by [`Param::check`]).
    ///
    /// # Errors
    /// [`Error::Usage`] saying what is wrong and how to write it.
    pub fn parse(text: &str) -> Result<Setting, Error> {
        let usage = |m: String| Error::Usage(format!("--set {text}: {m}"));
        let (path, values) = text.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--set {text}: write PATH=VALUES, such as plan.crews=1..6, plan.crews=1,2,4,8 \
                 or threats.<id>.rate_per_year=0.1..0.5:0.1; PATH is one of {SUPPORTED}"
            ))
        })?;
        let path = path.trim();
        let param = Param::parse(path).map_err(Error::Usage)?;
        let kind = param.kind();
        let values = parse_values(values.trim(), kind).map_err(usage)?;
        for &v in &values {
            check_value(kind, v).map_err(usage)?;
        }
        Ok(Setting {
            path: path.to_string(),
            param,
            values,
        })
    }

    /// The first value that puts `model` beyond what a scenario file may
    /// hold (`validate::limits`): the value, the field's path and what is
    /// wrong.
    pub(crate) fn beyond_limits(&self, model: &Model) -> Option<(f64, String, String)> {
        self.values.iter().find_map(|&v| {
            let mut m = model.clone();
            self.param.apply(&mut m, v);
            crate::scenario::validate::limits::beyond(&m).map(|(path, why)| (v, path, why))
        })
    }

    /// How a value reads in reports: `4h` for durations, the number
    /// otherwise.
    pub fn label(&self, v: f64) -> String {
        match self.param.kind() {
            Kind::Duration => format_hours(v),
            _ => v.to_string(),
        }
    }
}

fn parse_item(s: &str, kind: Kind) -> Result<f64, String> {
    let s = s.trim();
    if kind == Kind::Duration {
        return parse_hours(s).map_err(|e| e.to_string());
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("\"{s}\" is not a number"))
}

fn parse_values(s: &str, kind: Kind) -> Result<Vec<f64>, String> {
    if s.is_empty() {
        return Err("no values after '='".to_string());
    }
    let values = if let Some((start, rest)) = s.split_once("..") {
        let (end, step) = match rest.split_once(':') {
            Some((end, step)) => (end, Some(step)),
            None => (rest, None),
        };
        let (start, end) = (parse_item(start, kind)?, parse_item(end, kind)?);
        let step = match step {
            Some(step) => parse_item(step, kind)?,
            None if kind == Kind::Duration => {
                return Err(
                    "a range of durations needs a step with a unit, such as 1h..8h:1h".to_string(),
                )
            }
            None => 1.0,
        };
        if step.is_nan() || step <= 0.0 {
            return Err(format!("the step must be > 0, got {step}"));
        }
        if end < start {
            return Err(format!(
                "the range runs backwards ({start} > {end}): write START..END with START <= END"
            ));
        }
        let n = ((end - start) / step * (1.0 + 1e-12) + 1e-9).floor() + 1.0;
        if n > MAX_VALUES as f64 {
            return Err(format!(
                "the range gives {n} values; a sweep runs at most {MAX_VALUES}: use a larger step"
            ));
        }
        (0..n as usize)
            .map(|i| tidy(start + i as f64 * step))
            .collect()
    } else {
        s.split(',')
            .map(|item| parse_item(item, kind))
            .collect::<Result<Vec<f64>, String>>()?
    };
    if values.len() > MAX_VALUES {
        return Err(format!(
            "{} values; a sweep runs at most {MAX_VALUES}",
            values.len()
        ));
    }
    Ok(values)
}

fn check_value(kind: Kind, v: f64) -> Result<(), String> {
    let ok = match kind {
        Kind::Count => v >= 1.0 && v == v.trunc() && v <= f64::from(u32::MAX),
        Kind::Money => (0.0..=MAX_MONEY).contains(&v),
        Kind::Duration => v >= 0.0,
        // The scenario's own cap: a swept value may not be what the
        // scenario file could not hold (1e300 a year would never end).
        Kind::Rate => (0.0..=MAX_RATE_PER_YEAR).contains(&v),
        Kind::Probability => (0.0..=1.0).contains(&v),
        Kind::Factor => v >= 0.0,
    };
    if ok {
        Ok(())
    } else {
        let w = crate::fmt::as_written(v);
        Err(match kind {
            Kind::Count => format!("{w} is not a whole number of crews >= 1"),
            Kind::Money if v > MAX_MONEY => format!(
                "{w} is more than the {MAX_MONEY:.0e} one figure of money may hold (as in the \
                 scenario file)"
            ),
            Kind::Money => format!("{w} is negative: money must be >= 0"),
            Kind::Rate if v > MAX_RATE_PER_YEAR => format!(
                "{w} events a year is more than the {MAX_RATE_PER_YEAR} a threat may have (as \
                 in the scenario file): sweep rates up to {MAX_RATE_PER_YEAR}"
            ),
            Kind::Rate => format!("{w} is negative: a rate per year must be >= 0"),
            Kind::Duration => format!("{w} h is negative: durations must be >= 0"),
            Kind::Probability => format!("{w} is not a probability in [0, 1]"),
            Kind::Factor => format!("{w} is negative: a scale factor must be >= 0"),
        })
    }
}

/// Options of one sweep.
pub struct SweepRun<'a> {
    /// The parameter and its values.
    pub setting: &'a Setting,
    /// Drill this threat instead of the annual run.
    pub threat: Option<&'a str>,
    /// Report this service's RTO attainment instead of the mean.
    pub service: Option<&'a str>,
    /// The seed of every value's run.
    pub seed: u64,
    /// Trials per value.
    pub trials: u64,
    /// Worker threads (default one per core); results do not depend on it.
    pub threads: Option<usize>,
}

/// Run a sweep: every value with the same seed and trials.
///
/// `progress` receives the trials done over all values so far.
///
/// # Errors
/// [`Error::Usage`] for an unknown id (parameter, threat or service) or a
/// thread pool that cannot start; [`Error::Memory`] when the estate does not
/// fit in the memory available.
pub fn run(
    model: &Model,
    opts: &SweepRun<'_>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<SweepResult, Error> {
    let setting = opts.setting;
    setting.param.check(&setting.path, model, &setting.values)?;
    let mode = match opts.threat {
        None => Mode::Annual,
        Some(id) => Mode::Drill(
            model
                .threat_id(id)
                .ok_or_else(|| {
                    let known: Vec<&str> = model.threats.iter().map(|t| t.id.as_str()).collect();
                    Error::Usage(format!(
                        "--threat: {}",
                        suggest::unknown("threat", id, &known, "the scenario has no threats")
                    ))
                })?
                .0,
        ),
    };
    let selected = match opts.service {
        None => None,
        Some(id) => Some(model.service_id(id).map(|s| s.index()).ok_or_else(|| {
            let known: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
            Error::Usage(format!(
                "--service: {}",
                suggest::unknown("service", id, &known, "the scenario has no services")
            ))
        })?),
    };
    // Every value within what the scenario file could hold, before any
    // runs: a mean time to failure scaled to 0 would never let time move.
    if let Some((v, path, why)) = setting.beyond_limits(model) {
        return Err(Error::Usage(format!(
            "--set {}: at {}, {path}: {why}; sweep values within it",
            setting.path,
            setting.label(v)
        )));
    }
    let mut points = Vec::with_capacity(setting.values.len());
    for (k, &v) in setting.values.iter().enumerate() {
        let mut m = model.clone();
        setting.param.apply(&mut m, v);
        let plan = match mode {
            Mode::Annual => SimPlan::compile(&m),
            Mode::Drill(_) => SimPlan::compile_drill(&m),
        };
        let offset = k as u64 * opts.trials;
        let tick = |n: u64| {
            if let Some(p) = progress {
                p(offset + n);
            }
        };
        let acc = sim::simulate(
            &plan,
            mode,
            opts.seed,
            0..opts.trials,
            opts.threads,
            Some(&tick),
        )?;
        let summary = Summary::build(&m, opts.seed, &acc);
        // A year's loss is borne net of insurance; a drill's is the one
        // event's loss, before insurance (a premium is a year's).
        let al = match mode {
            Mode::Annual => summary.borne_loss(),
            Mode::Drill(_) => &summary.annual_loss,
        };
        let services: Vec<SweepService> = summary
            .services
            .iter()
            .zip(&acc.services)
            .map(|(s, a)| SweepService {
                id: s.id.clone(),
                availability: s.availability,
                downtime_hours: MeanSe {
                    mean: a.downtime.mean(),
                    std_error: a.downtime.std_error(),
                },
                outages: s.outages.mean,
                outage_duration_hours: MeanSe {
                    mean: a.outage_duration.mean(),
                    std_error: a.outage_duration.std_error(),
                },
                rto_hours: s.rto_hours,
                rto_met: s.rto_met,
                rto_met_ci95: s.rto_met.and_then(|_| wilson(a.rto_met, a.outages)),
                loss: s.loss.mean,
                data_loss_hours: Some(MeanSe {
                    mean: a.data_loss.mean(),
                    std_error: a.data_loss.std_error(),
                }),
                data_loss_p99: Some(s.data_loss_hours.p99),
                rpo_hours: s.rpo_hours,
                data_loss_above_rpo: s
                    .rpo_hours
                    .map(|_| a.data_loss_above_rpo as f64 / acc.trials as f64),
                rpo_breached: s.rpo_breached,
            })
            .collect();
        let rto = match selected {
            Some(i) => services[i].rto_met,
            None => rto_attainment(&summary),
        };
        points.push(SweepPoint {
            value: v,
            label: setting.label(v),
            loss: LossPoint {
                mean: al.mean,
                std_error: al.std_error,
                mean_ci95: al.mean_ci95,
                p95: al.p95,
                p99: al.p99,
            },
            rto_attainment: rto,
            services,
        });
    }
    Ok(SweepResult {
        schema_version: SWEEP_SCHEMA_VERSION,
        bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        parameter: setting.path.clone(),
        // Money in the scenario's currency: "EUR per year".
        unit: setting
            .param
            .unit()
            .replacen("currency", &model.currency, 1),
        mode: opts.threat.map_or("annual", |_| "drill").to_string(),
        threat: opts.threat.map(str::to_string),
        service: opts.service.map(str::to_string),
        seed: opts.seed,
        trials: opts.trials,
        horizon_hours: model.horizon.get(),
        points,
        net_of_insurance: opts.threat.is_none() && !model.insurance.is_empty(),
        gross_of_insurance: opts.threat.is_some() && !model.insurance.is_empty(),
    })
}

/// The service `id` of `--set PATH=...`, or a usage error naming the path
/// and the nearest id.
fn service_named<'m>(model: &'m Model, path: &str, id: &str) -> Result<&'m Service, Error> {
    model
        .service_id(id)
        .map(|s| model.service(s))
        .ok_or_else(|| {
            let known: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
            Error::Usage(format!(
                "--set {path}: {}",
                suggest::unknown("service", id, &known, "the scenario has no services")
            ))
        })
}

#[cfg(test)]
mod tests;
