//! `bcdr importance SCENARIO`: which services and which controls matter
//! most, in loss terms (after Fussell–Vesely and RAW/RRW of fault-tree
//! practice; REFERENCE.md, "Release 2").
//!
//! Per service:
//! - risk reduction worth = EAL − EAL(the service never fails, is never
//!   hit by a threat and never damaged): its random failures removed, it
//!   left out of every Outage and Disaster target list, every ransomware
//!   entry and attack path, and its spread probability set to 0;
//! - risk achievement worth (criticality) = EAL(the service down for the
//!   whole horizon) − EAL: it fails at time 0 and nothing (repair,
//!   restart, failover, restore, rebuild) brings it back; no crew is held.
//!
//! Per control, the loss it saves = EAL(the control removed) − EAL: each
//! failover (removed), each immutable backup (made mutable), each
//! segmented service (segmentation removed) and the crews (one crew fewer,
//! when there are at least two).
//!
//! Every variant runs the base scenario's trials with its seed (common
//! random numbers), so each worth is a mean of per-trial differences with
//! a paired 95% interval.
//!
//! Scale: a variant costs one simulation. A 1 000-service estate cannot
//! afford 2 000 of them, so services are screened first, on the base run
//! alone: the risk-reduction candidates by the loss their own outages
//! cause anywhere in the estate (the random-failure loss of the outages
//! their random failures started, plus a share of the loss of each threat
//! that hits them; `origin_loss`), the achievement candidates by the
//! revenue the rest of the horizon puts at risk (hours functional × the
//! revenue of the service and of everything that hard-depends on it). The `top` services of each
//! ranking are measured; the rest are listed with their screening score
//! and no measurement. Controls are screened the same way by the score of
//! the service they protect. A service that is never down in the base run
//! has a risk reduction worth of exactly 0 and needs no run.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{Dist, Model, NodeRef, ThreatKind};
use crate::model::{Probability, Rate};
use crate::sim::compile::ThreatPlanKind;
use crate::sim::SimPlan;
use crate::stats::Accumulator;

use super::{losses, Delta};

/// Bumped whenever a field of `importance.json` changes meaning or
/// disappears.
pub const IMPORTANCE_SCHEMA_VERSION: u32 = 1;

/// One service's worths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceImportance {
    /// The service's id.
    pub id: String,
    /// Its display name, when it has one.
    pub name: Option<String>,
    /// Screening score for risk reduction (money per year).
    pub rrw_score: f64,
    /// Screening score for risk achievement (money per year).
    pub raw_score: f64,
    /// Risk reduction worth; null when screened out.
    pub risk_reduction_worth: Option<Delta>,
    /// Risk achievement worth (criticality); null when screened out.
    pub risk_achievement_worth: Option<Delta>,
}

/// One control's worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlImportance {
    /// `failover`, `immutable_backup`, `segmentation` or `crews`.
    pub control: String,
    /// The service it protects (empty for the crews).
    pub service: String,
    /// What removing it means here.
    pub removed: String,
    /// Screening score (money per year).
    pub score: f64,
    /// EAL(without it) − EAL; null when screened out.
    pub loss_saved: Option<Delta>,
}

/// The result of `bcdr importance` (`importance.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    /// [`IMPORTANCE_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's currency.
    pub currency: String,
    /// The seed of every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// How many services (and controls) of each ranking were measured.
    pub top: usize,
    /// The scenario's horizon (one trial), when it is not a year: the
    /// losses are per trial of it. Absent for a year.
    #[serde(
        default = "crate::stats::period::a_year",
        skip_serializing_if = "crate::stats::period::is_a_year"
    )]
    pub horizon_hours: f64,
    /// The scenario's expected annual loss.
    pub expected_annual_loss: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Simulations run (base included).
    pub runs: usize,
    /// Largest risk reduction worth first, then screened-out services by
    /// score.
    pub services: Vec<ServiceImportance>,
    /// Largest loss saved first.
    pub controls: Vec<ControlImportance>,
    /// With insurance (DESIGN-2 B1): true, and every loss figure above is
    /// net of insurance (gross − recoveries + premiums), as the risk
    /// appetite is judged. Absent without insurance.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub net_of_insurance: bool,
}

/// Per service, the revenue per hour its outage puts at risk, for
/// screening: its own and its hard dependants' (`revenue_at_risk`), plus,
/// for each service that degrades on it directly, the share of that
/// service's revenue at risk it takes away (1 − the capacity kept). A
/// service only soft dependants need would otherwise score 0 and never be
/// measured.
fn revenue_exposed(model: &Model, plan: &SimPlan) -> Vec<f64> {
    let mut exposed: Vec<f64> = plan.services.iter().map(|p| p.revenue_at_risk).collect();
    for (j, svc) in model.services.iter().enumerate() {
        for soft in &svc.degrades_on {
            if let NodeRef::Service(id) = soft.target {
                exposed[id.index()] += (1.0 - soft.capacity) * plan.services[j].revenue_at_risk;
            }
        }
    }
    exposed
}

/// The services threat `kind` can hit directly: an outage's or a
/// disaster's targets; a ransomware attack's entries and every service its
/// attack edges reach from them; none for a loss event.
fn hit(kind: &ThreatPlanKind, n: usize) -> Vec<usize> {
    match kind {
        ThreatPlanKind::Outage { targets, .. } | ThreatPlanKind::Disaster { targets, .. } => {
            targets.iter().map(|&s| s as usize).collect()
        }
        ThreatPlanKind::Ransomware(r) => {
            let mut seen = vec![false; n];
            let mut stack: Vec<usize> = r.entry.iter().map(|&s| s as usize).collect();
            let mut out = Vec::new();
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                out.push(i);
                stack.extend(
                    r.edges
                        .row(i)
                        .iter()
                        .filter(|&&(_, p)| p > 0.0)
                        .map(|&(to, _)| to as usize),
                );
            }
            out.sort_unstable();
            out
        }
        ThreatPlanKind::LossEvent { .. } => Vec::new(),
    }
}

/// Per service, the risk-reduction screening score: the loss its own
/// outages cause anywhere in the estate, each piece of loss counted once.
/// The random-failure loss of the outages its own random failures started
/// (`failure_origin_loss`, exact), plus each threat's loss shared among the
/// services the threat hits directly, in proportion to the revenue their
/// outage puts at risk (`exposed`; equally when none puts any at risk). A
/// dependency thus carries the loss its outages cause its dependants, and
/// a dependant none of the loss its dependency caused.
fn origin_loss(plan: &SimPlan, acc: &Accumulator, exposed: &[f64]) -> Vec<f64> {
    let n = plan.n_services;
    let mut score: Vec<f64> = acc.services[..n]
        .iter()
        .map(|s| s.failure_origin_loss.mean())
        .collect();
    for (k, threat) in plan.threats.iter().enumerate() {
        let loss = acc.causes[k + 1].loss.mean();
        let hit = hit(&threat.kind, n);
        if loss == 0.0 || hit.is_empty() {
            continue;
        }
        let total: f64 = hit.iter().map(|&i| exposed[i]).sum();
        for &i in &hit {
            score[i] += if total > 0.0 {
                loss * exposed[i] / total
            } else {
                loss / hit.len() as f64
            };
        }
    }
    score
}

/// `model` with service `i` never failing, never hit, never damaged.
pub fn immune(model: &Model, i: usize) -> Model {
    let mut m = model.clone();
    let sid = crate::model::ServiceId(i as u32);
    m.services[i].failure = None;
    m.services[i].spread_probability = Some(Probability::ZERO);
    for t in &mut m.threats {
        match &mut t.kind {
            ThreatKind::Outage { targets, .. } | ThreatKind::Disaster { targets, .. } => {
                targets.retain(|&s| s != sid)
            }
            ThreatKind::Ransomware(r) => {
                r.entry.retain(|&s| s != sid);
                if let Some(paths) = &mut r.attack_paths {
                    for path in paths.iter_mut() {
                        path.from.retain(|&s| s != sid);
                        path.to.retain(|&s| s != sid);
                    }
                }
                if r.entry.is_empty() {
                    // No way in: the attack never starts.
                    t.rate_per_year = Rate::Fixed(0.0);
                }
            }
            ThreatKind::LossEvent { .. } => {}
        }
    }
    m
}

/// `plan` with service `i` down from time 0 to the horizon: it fails at 0
/// and has no repair, restart, failover, restore or rebuild (a job without
/// a duration never starts, so it holds no crew).
pub fn knocked_out(plan: &SimPlan, i: usize) -> SimPlan {
    let mut p = plan.clone();
    let s = &mut p.services[i];
    s.ttf = Some(Dist::Fixed(0.0));
    s.ttf_past_horizon = f64::INFINITY;
    s.repair = None;
    s.restart = None;
    s.failover = None;
    s.restore = None;
    s.rebuild = None;
    p
}

/// Options of [`importance`].
pub struct ImportanceRun {
    /// The seed of every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Worker threads (default one per core); results do not depend on it.
    pub threads: Option<usize>,
    /// Services (and controls) of each ranking to measure.
    pub top: usize,
}

/// A control taken away, for its variant of the scenario.
#[derive(Debug, Clone, Copy)]
enum Removal {
    /// Service i without its failover.
    Failover(usize),
    /// Service i's backups not immutable.
    Immutable(usize),
    /// Service i not segmented.
    Segmentation(usize),
    /// The plan with this many crews (one fewer).
    Crew(u32),
}

impl Removal {
    /// `model` without the control.
    fn apply(self, model: &Model) -> Model {
        let mut m = model.clone();
        match self {
            Removal::Failover(i) => m.services[i].failover = None,
            Removal::Immutable(i) => {
                if let Some(b) = m.services[i].backup.as_mut() {
                    b.immutable = false;
                }
            }
            Removal::Segmentation(i) => m.services[i].segmented = false,
            Removal::Crew(c) => m.plan.crews = Some(c),
        }
        m
    }
}

/// Measure the importance of every service and control of `model`.
///
/// # Errors
/// Zero trials, a thread pool that cannot start, [`Error::Memory`] when the
/// estate does not fit in the memory available, a trial that breaks the event
/// budget.
///
/// # Complexity
/// One simulation of `trials` for the base run and one per measured
/// variant: at most 1 + 2·top + (controls measured).
pub fn importance(
    model: &Model,
    opts: &ImportanceRun,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Importance, Error> {
    super::check_trials(opts.trials, "--trials")?;
    let (plan, acc, summary) = super::base_run(model, opts.seed, opts.trials, opts.threads)?;
    let base = losses(&plan, opts.seed, 0..opts.trials, opts.threads)?;
    let horizon = model.horizon.get();
    let mut runs = 1usize;
    let tick = |runs: usize| {
        if let Some(p) = progress {
            p(runs as u64);
        }
    };
    // Screening scores from the base run.
    let n = model.services.len();
    let exposed = revenue_exposed(model, &plan);
    let rrw_score = origin_loss(&plan, &acc, &exposed);
    let raw_score: Vec<f64> = (0..n)
        .map(|i| (horizon - acc.services[i].downtime.mean()).max(0.0) * exposed[i])
        .collect();
    let ranked = |score: &[f64]| {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
        idx.truncate(opts.top);
        idx
    };
    let mut rrw: Vec<Option<Delta>> = vec![None; n];
    let mut raw: Vec<Option<Delta>> = vec![None; n];
    for i in ranked(&rrw_score) {
        if acc.services[i].downtime.mean() == 0.0 && acc.services[i].outages == 0 {
            rrw[i] = Some(Delta::new(0.0, 0.0));
            continue;
        }
        let v = losses(
            &SimPlan::compile(&immune(model, i)),
            opts.seed,
            0..opts.trials,
            opts.threads,
        )?;
        rrw[i] = Some(Delta::paired(&v, &base));
        runs += 1;
        tick(runs);
    }
    for i in ranked(&raw_score) {
        let v = losses(
            &knocked_out(&plan, i),
            opts.seed,
            0..opts.trials,
            opts.threads,
        )?;
        raw[i] = Some(Delta::paired(&base, &v));
        runs += 1;
        tick(runs);
    }
    let mut services: Vec<ServiceImportance> = (0..n)
        .map(|i| ServiceImportance {
            id: model.services[i].id.clone(),
            name: model.services[i].name.clone(),
            rrw_score: rrw_score[i],
            raw_score: raw_score[i],
            risk_reduction_worth: rrw[i],
            risk_achievement_worth: raw[i],
        })
        .collect();
    let key = |s: &ServiceImportance| {
        (
            s.risk_reduction_worth.map_or(f64::NEG_INFINITY, |d| d.mean),
            s.risk_achievement_worth
                .map_or(f64::NEG_INFINITY, |d| d.mean),
            s.rrw_score,
        )
    };
    services.sort_by(|a, b| {
        let (x, y) = (key(a), key(b));
        y.0.total_cmp(&x.0)
            .then(y.1.total_cmp(&x.1))
            .then(y.2.total_cmp(&x.2))
            .then(a.id.cmp(&b.id))
    });

    // Controls, screened by the score of the service they protect. Each
    // is kept as the change it makes; the scenario without it is built
    // only for the controls measured (a copy of the estate per control
    // would hold n estates at once: 14 GB for 3 000 services with a
    // failover each).
    let mut controls: Vec<(ControlImportance, Removal)> = Vec::new();
    for (i, s) in model.services.iter().enumerate() {
        let mut push = |control: &str, removed: &str, r: Removal| {
            controls.push((
                ControlImportance {
                    control: control.to_string(),
                    service: s.id.clone(),
                    removed: removed.to_string(),
                    score: rrw_score[i],
                    loss_saved: None,
                },
                r,
            ))
        };
        if s.failover.is_some() {
            push("failover", "no failover", Removal::Failover(i));
        }
        if s.backup.as_ref().is_some_and(|b| b.immutable) {
            push("immutable_backup", "backups mutable", Removal::Immutable(i));
        }
        if s.segmented {
            push("segmentation", "not segmented", Removal::Segmentation(i));
        }
    }
    controls.sort_by(|a, b| {
        b.0.score
            .total_cmp(&a.0.score)
            .then(a.0.service.cmp(&b.0.service))
    });
    if let Some(c) = model.plan.crews.filter(|&c| c >= 2) {
        controls.push((
            ControlImportance {
                control: "crews".to_string(),
                service: String::new(),
                removed: format!(
                    "{} instead of {c}",
                    crate::fmt::plural((c - 1) as usize, "crew")
                ),
                score: f64::INFINITY,
                loss_saved: None,
            },
            Removal::Crew(c - 1),
        ));
    }
    for (k, (c, r)) in controls.iter_mut().enumerate() {
        if k >= opts.top && c.control != "crews" {
            continue;
        }
        let v = losses(
            &SimPlan::compile(&r.apply(model)),
            opts.seed,
            0..opts.trials,
            opts.threads,
        )?;
        c.loss_saved = Some(Delta::paired(&base, &v));
        runs += 1;
        tick(runs);
    }
    let mut controls: Vec<ControlImportance> = controls.into_iter().map(|(c, _)| c).collect();
    for c in &mut controls {
        if c.score.is_infinite() {
            c.score = 0.0;
        }
    }
    controls.sort_by(|a, b| {
        let m = |c: &ControlImportance| c.loss_saved.map_or(f64::NEG_INFINITY, |d| d.mean);
        m(b).total_cmp(&m(a))
            .then(a.service.cmp(&b.service))
            .then(a.control.cmp(&b.control))
    });
    Ok(Importance {
        schema_version: IMPORTANCE_SCHEMA_VERSION,
        bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        horizon_hours: model.horizon.get(),
        seed: opts.seed,
        trials: opts.trials,
        top: opts.top,
        expected_annual_loss: summary.borne_loss().mean,
        std_error: summary.borne_loss().std_error,
        runs,
        services,
        controls,
        net_of_insurance: !model.insurance.is_empty(),
    })
}
