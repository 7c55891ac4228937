//! The sweep parameters that set a duration's median (or a lifetime's
//! mean) with the distribution's shape kept, and a service's ransomware
//! spread probability: parsing, checking and applying them, and what the
//! reports ask of every parameter (its service, whether it scales).

use crate::error::Error;
use crate::fmt::format_hours;
use crate::model::{Dist, Model, Probability, Ransomware, Service, ThreatKind};
use crate::scenario::suggest;

use super::Param;

/// Every parameter `--set` takes, `<id>` standing for a service's or a
/// threat's id (a test checks that each one parses).
pub(super) const TEMPLATES: [&str; 26] = [
    "plan.crews",
    "plan.annual_cost",
    "threats.<id>.rate_per_year",
    "threats.<id>.rate.scale",
    "threats.<id>.duration.scale",
    "threats.<id>.dwell.scale",
    "threats.<id>.detection.scale",
    "threats.<id>.spread.time.scale",
    "threats.<id>.spread.probability",
    "threats.<id>.backup_compromise",
    "threats.<id>.detection",
    "threats.<id>.dwell",
    "services.<id>.rto",
    "services.<id>.failover.success",
    "services.<id>.backup.interval",
    "services.<id>.revenue_per_hour",
    "services.<id>.cost_per_outage",
    "services.<id>.data_loss_cost_per_hour",
    "services.<id>.mtpd_penalty",
    "services.<id>.failure.ttf.scale",
    "services.<id>.failure.repair.scale",
    "services.<id>.backup.restore.scale",
    "services.<id>.failover.switchover.scale",
    "services.<id>.backup.restore",
    "services.<id>.backup.rebuild",
    "services.<id>.failover.switchover",
];

/// The supported parameter nearest to a misspelt `path`
/// (`services.db.failover.sucess`: `services.db.failover.success`), the
/// id kept as written. The id may hold dots, so every split of the path
/// after its first part is tried as the id.
pub(super) fn nearest_path(path: &str) -> Option<String> {
    let after_first = path.find('.').map_or(path.len(), |i| i + 1);
    let mut ids: Vec<&str> = path
        .match_indices('.')
        .map(|(k, _)| k)
        .filter(|&k| k > after_first)
        .map(|k| &path[after_first..k])
        .collect();
    ids.push(&path[after_first.min(path.len())..]);
    let candidates: Vec<String> = TEMPLATES
        .iter()
        .chain(&EXTRA_TEMPLATES)
        .flat_map(|t| {
            ids.iter()
                .map(move |id| t.replace("<id>", id))
                .filter(|c| c != path)
        })
        .collect();
    suggest::nearest(path, candidates.iter().map(String::as_str)).map(str::to_string)
}

/// The rest of [`TEMPLATES`] (two lists to keep each one short).
pub(super) const EXTRA_TEMPLATES: [&str; 3] = [
    "services.<id>.failure.repair",
    "services.<id>.failure.mtbf",
    "services.<id>.spread_probability",
];

/// The duration of a service whose median a sweep sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationField {
    /// `backup.restore`.
    Restore,
    /// `backup.rebuild`.
    Rebuild,
    /// `failover.switchover`.
    Switchover,
    /// `failure.repair`.
    Repair,
}

/// The duration of a ransomware threat whose median a sweep sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreatDuration {
    /// `detection`.
    Detection,
    /// `dwell`.
    Dwell,
}

impl DurationField {
    fn label(self) -> &'static str {
        match self {
            DurationField::Restore => "backup.restore",
            DurationField::Rebuild => "backup.rebuild",
            DurationField::Switchover => "failover.switchover",
            DurationField::Repair => "failure.repair",
        }
    }

    fn get(self, s: &Service) -> Option<&Dist> {
        match self {
            DurationField::Restore => s.backup.as_ref()?.restore.as_ref(),
            DurationField::Rebuild => s.backup.as_ref()?.rebuild.as_ref(),
            DurationField::Switchover => Some(&s.failover.as_ref()?.switchover),
            DurationField::Repair => Some(&s.failure.as_ref()?.repair),
        }
    }

    fn get_mut(self, s: &mut Service) -> Option<&mut Dist> {
        match self {
            DurationField::Restore => s.backup.as_mut()?.restore.as_mut(),
            DurationField::Rebuild => s.backup.as_mut()?.rebuild.as_mut(),
            DurationField::Switchover => Some(&mut s.failover.as_mut()?.switchover),
            DurationField::Repair => Some(&mut s.failure.as_mut()?.repair),
        }
    }
}

/// The paths of this module's parameters (after the `.scale` families,
/// which end differently).
pub(super) fn parse_median(middle: &dyn Fn(&str, &str) -> Option<String>) -> Option<Param> {
    const SERVICE: [(&str, DurationField); 4] = [
        (".backup.restore", DurationField::Restore),
        (".backup.rebuild", DurationField::Rebuild),
        (".failover.switchover", DurationField::Switchover),
        (".failure.repair", DurationField::Repair),
    ];
    if let Some(id) = middle("threats.", ".detection") {
        return Some(Param::ThreatMedian(id, ThreatDuration::Detection));
    }
    if let Some(id) = middle("threats.", ".dwell") {
        return Some(Param::ThreatMedian(id, ThreatDuration::Dwell));
    }
    for (suffix, f) in SERVICE {
        if let Some(id) = middle("services.", suffix) {
            return Some(Param::Median(id, f));
        }
    }
    if let Some(id) = middle("services.", ".failure.mtbf") {
        return Some(Param::Mtbf(id));
    }
    middle("services.", ".spread_probability").map(Param::ServiceSpread)
}

fn ransomware_mut<'m>(model: &'m mut Model, id: &str) -> Option<&'m mut Ransomware> {
    let t = model.threat_id(id)?.index();
    match &mut model.threats.get_mut(t)?.kind {
        ThreatKind::Ransomware(r) => Some(r),
        _ => None,
    }
}

/// `dist` scaled so that its median is `v` (its shape kept).
fn with_median(dist: &Dist, v: f64) -> Dist {
    let m = dist.quantile(0.5);
    if m > 0.0 && m.is_finite() {
        dist.scaled(v / m)
    } else {
        Dist::Fixed(v)
    }
}

/// [`Param::check`] for this module's parameters.
pub(super) fn check(param: &Param, path: &str, model: &Model, values: &[f64]) -> Result<(), Error> {
    let service = |id: &str| super::service_named(model, path, id);
    match param {
        Param::ServiceSpread(id) => {
            service(id)?;
        }
        Param::Median(id, field) if field.get(service(id)?).is_none() => {
            return Err(Error::Usage(format!(
                "--set {path}: service \"{id}\" has no {} to change; give it one in the \
                 scenario, or sweep another parameter",
                field.label()
            )));
        }
        Param::Mtbf(id) => {
            if service(id)?.failure.is_none() {
                return Err(Error::Usage(format!(
                    "--set {path}: service \"{id}\" has no random failures to change; add \
                     `failure: (mtbf: ..., repair: ...)` to it in the scenario, or sweep \
                     another parameter"
                )));
            }
            if let Some(&v) = values.iter().find(|&&v| v <= 0.0) {
                return Err(Error::Usage(format!(
                    "--set {path}: an MTBF of {} is not > 0",
                    format_hours(v)
                )));
            }
        }
        Param::ThreatMedian(id, _) => {
            if model.threat_id(id).is_none() {
                let known: Vec<&str> = model.threats.iter().map(|t| t.id.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--set {path}: {}",
                    suggest::unknown("threat", id, &known, "the scenario has no threats")
                )));
            }
            let t = model.threat_id(id).map(|t| &model.threats[t.index()].kind);
            if !matches!(t, Some(ThreatKind::Ransomware(_))) {
                let known: Vec<&str> = model
                    .threats
                    .iter()
                    .filter(|t| matches!(t.kind, ThreatKind::Ransomware(_)))
                    .map(|t| t.id.as_str())
                    .collect();
                return Err(Error::Usage(format!(
                    "--set {path}: threat \"{id}\" is not a Ransomware threat; this parameter \
                     belongs to ransomware ({})",
                    if known.is_empty() {
                        "the scenario has none".to_string()
                    } else {
                        format!("the scenario's: {}", known.join(", "))
                    }
                )));
            }
        }
        _ => {}
    }
    Ok(())
}

/// [`Param::apply`] for this module's parameters.
pub(super) fn apply(param: &Param, model: &mut Model, v: f64) {
    let svc = |model: &mut Model, id: &str| -> Option<usize> {
        let i = model.service_id(id)?.index();
        Some(i)
    };
    match param {
        Param::Median(id, field) => {
            if let Some(i) = svc(model, id) {
                if let Some(d) = field.get_mut(&mut model.services[i]) {
                    *d = with_median(d, v);
                }
            }
        }
        Param::Mtbf(id) => {
            if let Some(i) = svc(model, id) {
                if let Some(f) = model.services[i].failure.as_mut() {
                    let mean = f.ttf.mean();
                    f.ttf = if mean > 0.0 && mean.is_finite() {
                        f.ttf.scaled(v / mean)
                    } else {
                        Dist::Exponential { mean: v }
                    };
                }
            }
        }
        Param::ServiceSpread(id) => {
            if let Some(i) = svc(model, id) {
                model.services[i].spread_probability = Probability::new(v);
            }
        }
        Param::ThreatMedian(id, which) => {
            if let Some(r) = ransomware_mut(model, id) {
                let d = match which {
                    ThreatDuration::Detection => &mut r.detection,
                    ThreatDuration::Dwell => &mut r.dwell,
                };
                *d = with_median(d, v);
            }
        }
        _ => {}
    }
}

impl Param {
    /// The service the parameter belongs to, if it is a service's.
    pub fn service(&self) -> Option<&str> {
        match self {
            Param::Rto(id)
            | Param::FailoverSuccess(id)
            | Param::BackupInterval(id)
            | Param::ServiceMoney(id, _)
            | Param::ServiceScale(id, _)
            | Param::Median(id, _)
            | Param::Mtbf(id)
            | Param::ServiceSpread(id) => Some(id),
            _ => None,
        }
    }

    /// Whether the values are a median or mean that scales a
    /// distribution (said in reports).
    pub fn scales(&self) -> Option<&'static str> {
        match self {
            Param::Median(..) | Param::ThreatMedian(..) => Some("median"),
            Param::Mtbf(_) => Some("mean"),
            _ => None,
        }
    }
}
