//! The result of `bcdr compare`: every number of `compare.json`, built from
//! a [`PairAccumulator`] and the two models only.
//!
//! Conventions, stated once so that every table reads the same way:
//! - ΔL = L_A − L_B per trial, and ΔEAL = EAL_A − EAL_B: positive when
//!   plan B loses less (the saving B buys).
//! - Δcost = cost_B − cost_A from each plan's `plan.annual_cost`.
//! - ROSI = (ΔEAL − Δcost) / Δcost (ENISA), defined only when B costs
//!   more than A; `net_benefit` = ΔEAL − Δcost is always given.
//! - Per-service and per-threat `change` fields are B − A (a negative
//!   loss change is a saving), matched by id.

use serde::{Deserialize, Serialize};

use crate::model::Model;

use super::acc::Accumulator;
use super::diff::DiffAcc;
use super::summary::{ServiceSummary, Summary, ThreatSummary};
use super::Z975;

/// Bumped whenever a field of `compare.json` changes meaning or disappears.
pub(crate) const COMPARE_SCHEMA_VERSION: u32 = 1;

/// What a paired run accumulates: each side as a plain run would, and the
/// per-trial difference ΔL = L_A − L_B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairAccumulator {
    pub a: Accumulator,
    pub b: Accumulator,
    /// ΔL = L_A − L_B per trial: positive when B loses less.
    pub diff: DiffAcc,
}

impl PairAccumulator {
    /// Two empty sides (each sized for its plan) and no difference yet.
    pub fn new(a: Accumulator, b: Accumulator) -> PairAccumulator {
        PairAccumulator {
            a,
            b,
            diff: DiffAcc::new(),
        }
    }

    /// Merge another paired accumulator of the same two plans.
    pub fn merge(&mut self, o: &PairAccumulator) {
        self.a.merge(&o.a);
        self.b.merge(&o.b);
        self.diff.merge(&o.diff);
    }
}

/// The result of comparing plan A with plan B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub schema_version: u32,
    pub bcdr_version: String,
    pub seed: u64,
    pub trials: u64,
    pub horizon_hours: f64,
    pub currency: String,
    pub a: Side,
    pub b: Side,
    pub difference: Difference,
    pub return_on_plan: ReturnOnPlan,
    /// A's services in file order, then those only in B.
    pub services: Vec<ServiceChange>,
    /// Random failures first, then A's threats, then those only in B.
    pub threats: Vec<ThreatChange>,
}

/// One plan's headline figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// The scenario's `name`.
    pub scenario: String,
    /// The scenario file as given on the command line.
    pub file: String,
    /// `plan.annual_cost`.
    pub annual_cost: f64,
    /// Expected annual loss (mean of the simulated annual loss). With
    /// insurance on this side, this and every loss figure of the side,
    /// the difference and the return on plan are net of insurance
    /// (gross − recoveries + premiums, as the risk appetite is judged).
    pub expected_annual_loss: f64,
    pub std_error: f64,
    pub mean_ci95: [f64; 2],
    pub p95: f64,
    pub p99: f64,
    /// Mean over services with an RTO (and at least one outage) of the
    /// fraction of outages that end within the RTO; null when none.
    pub rto_attainment: Option<f64>,
    /// With insurance on this side only: its expected annual loss before
    /// insurance (`annual_loss` of its summary). Absent without, so the
    /// file of plans without insurance keeps its bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_annual_loss_gross: Option<f64>,
}

/// The distribution of ΔL = L_A − L_B over the paired trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Always "loss_a - loss_b": positive when B loses less.
    pub definition: String,
    pub mean: f64,
    /// Standard error of the mean difference, from the paired trials.
    pub std_error: f64,
    pub mean_ci95: [f64; 2],
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub min: f64,
    pub max: f64,
    /// Fraction of trials in which B loses strictly less than A.
    pub probability_b_loses_less: f64,
    /// Fraction of trials in which B loses strictly more than A.
    pub probability_a_loses_less: f64,
    /// Fraction of trials with the same loss (within a billionth:
    /// a tie, not a difference of rounding).
    pub probability_equal: f64,
    /// Correlation of the two plans' annual losses over the paired
    /// trials; null when either side has no variance.
    pub correlation: Option<f64>,
    /// (Var A + Var B) / Var(A − B): how many times smaller the variance
    /// of the difference is than with independent streams (so the trials
    /// an independent comparison would need for the same precision); null
    /// when the difference has no variance.
    pub variance_reduction_vs_independent: Option<f64>,
}

/// The return on plan B's extra `annual_cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnOnPlan {
    /// ΔEAL = EAL_A − EAL_B (the mean of ΔL).
    pub delta_eal: f64,
    pub delta_eal_ci95: [f64; 2],
    /// Δcost = cost_B − cost_A over one trial: a year's `annual_cost`
    /// times the horizon in years.
    pub delta_cost: f64,
    /// ΔEAL − Δcost: what B saves a trial (a year) net of its extra cost.
    pub net_benefit: f64,
    pub net_benefit_ci95: [f64; 2],
    /// (ΔEAL − Δcost) / Δcost; null unless Δcost > 0 (see `note`).
    pub rosi: Option<f64>,
    pub rosi_ci95: Option<[f64; 2]>,
    /// Why `rosi` is null, when it is.
    pub note: Option<String>,
}

/// Where an id appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Both,
    OnlyA,
    OnlyB,
}

impl Presence {
    pub fn label(self) -> &'static str {
        match self {
            Presence::Both => "both",
            Presence::OnlyA => "only in A",
            Presence::OnlyB => "only in B",
        }
    }
}

/// One service's figures on one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSide {
    pub availability: f64,
    pub downtime_hours: f64,
    pub outages: f64,
    pub outage_duration_hours: f64,
    pub rto_hours: Option<f64>,
    pub rto_met: Option<f64>,
    pub mtpd_breached: Option<f64>,
    pub data_loss_hours: f64,
    pub loss: f64,
}

/// B − A for one service present in both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDelta {
    pub availability: f64,
    pub downtime_hours: f64,
    pub outages: f64,
    pub outage_duration_hours: f64,
    /// Null unless both sides report it.
    pub rto_met: Option<f64>,
    pub mtpd_breached: Option<f64>,
    pub data_loss_hours: f64,
    pub loss: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceChange {
    pub id: String,
    pub present_in: Presence,
    pub a: Option<ServiceSide>,
    pub b: Option<ServiceSide>,
    /// B − A; null unless the service is in both.
    pub change: Option<ServiceDelta>,
}

/// One threat (or random failures) on one side, per trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatSide {
    pub occurrences: f64,
    pub loss: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatChange {
    pub id: String,
    pub kind: String,
    pub present_in: Presence,
    pub a: Option<ThreatSide>,
    pub b: Option<ThreatSide>,
    /// B − A; null unless the threat is in both.
    pub change: Option<ThreatSide>,
}

/// The mean over services with an RTO (and at least one outage) of the
/// fraction of outages that ended within the RTO; `None` when there are
/// no such services.
pub(crate) fn rto_attainment(summary: &Summary) -> Option<f64> {
    let met: Vec<f64> = summary.services.iter().filter_map(|s| s.rto_met).collect();
    (!met.is_empty()).then(|| met.iter().sum::<f64>() / met.len() as f64)
}

fn side(summary: &Summary, model: &Model, file: &str) -> Side {
    let al = summary.borne_loss();
    Side {
        scenario: summary.scenario.clone(),
        file: file.to_string(),
        annual_cost: model.plan.annual_cost.get(),
        expected_annual_loss: al.mean,
        std_error: al.std_error,
        mean_ci95: al.mean_ci95,
        p95: al.p95,
        p99: al.p99,
        rto_attainment: rto_attainment(summary),
        expected_annual_loss_gross: summary
            .annual_loss_net
            .is_some()
            .then_some(summary.annual_loss.mean),
    }
}

fn service_side(s: &ServiceSummary) -> ServiceSide {
    ServiceSide {
        availability: s.availability,
        downtime_hours: s.downtime_hours.mean,
        outages: s.outages.mean,
        outage_duration_hours: s.outage_duration_hours.mean,
        rto_hours: s.rto_hours,
        rto_met: s.rto_met,
        mtpd_breached: s.mtpd_breached,
        data_loss_hours: s.data_loss_hours.mean,
        loss: s.loss.mean,
    }
}

fn both(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

fn service_delta(a: &ServiceSide, b: &ServiceSide) -> ServiceDelta {
    ServiceDelta {
        availability: b.availability - a.availability,
        downtime_hours: b.downtime_hours - a.downtime_hours,
        outages: b.outages - a.outages,
        outage_duration_hours: b.outage_duration_hours - a.outage_duration_hours,
        rto_met: both(a.rto_met, b.rto_met),
        mtpd_breached: both(a.mtpd_breached, b.mtpd_breached),
        data_loss_hours: b.data_loss_hours - a.data_loss_hours,
        loss: b.loss - a.loss,
    }
}

fn threat_side(t: &ThreatSummary) -> ThreatSide {
    ThreatSide {
        occurrences: t.occurrences.mean,
        loss: t.loss.mean,
    }
}

/// Pair two lists by id: A's order first, then B's extras.
fn pair_by_id<'a, T>(
    a: &'a [T],
    b: &'a [T],
    id: impl Fn(&T) -> &str,
) -> Vec<(&'a str, Option<&'a T>, Option<&'a T>)> {
    let mut out: Vec<(&str, Option<&T>, Option<&T>)> = a
        .iter()
        .map(|x| (id(x), Some(x), b.iter().find(|y| id(y) == id(x))))
        .collect();
    out.extend(
        b.iter()
            .filter(|y| !a.iter().any(|x| id(x) == id(y)))
            .map(|y| (id(y), None, Some(y))),
    );
    out
}

fn presence<A, B>(a: &Option<A>, b: &Option<B>) -> Presence {
    match (a.is_some(), b.is_some()) {
        (true, false) => Presence::OnlyA,
        (false, true) => Presence::OnlyB,
        _ => Presence::Both,
    }
}

/// A confidence interval mapped through an affine function (which may
/// reverse it).
fn map_ci(ci: [f64; 2], f: impl Fn(f64) -> f64) -> [f64; 2] {
    let (x, y) = (f(ci[0]), f(ci[1]));
    [x.min(y), x.max(y)]
}

/// With the plans' costs over one trial (`cost_a`, `cost_b`: a year's
/// `annual_cost` times the horizon in years), worded for the period `p`.
fn return_on_plan(
    delta_eal: f64,
    ci: [f64; 2],
    cost_a: f64,
    cost_b: f64,
    p: &super::period::Period,
    currency: &str,
) -> ReturnOnPlan {
    let money = |x: f64| crate::fmt::money(currency, x);
    let delta_cost = cost_b - cost_a;
    let net = |x: f64| x - delta_cost;
    let (rosi, rosi_ci95, note) = if delta_cost > 0.0 {
        let r = |x: f64| (x - delta_cost) / delta_cost;
        (Some(r(delta_eal)), Some(map_ci(ci, r)), None)
    } else if delta_cost == 0.0 {
        (
            None,
            None,
            Some(p.reword(&format!(
                "ROSI is undefined: both plans have the same plan.annual_cost ({}), so \
                 there is no extra cost to return on; net_benefit is the reduction in expected \
                 annual loss",
                money(cost_a)
            ))),
        )
    } else {
        (
            None,
            None,
            Some(p.reword(&format!(
                "ROSI is undefined: plan B costs {} {} less than plan A, and ROSI measures \
                 the return on extra spending; net_benefit (the reduction in expected annual \
                 loss plus the saving) is the figure to read",
                money(-delta_cost),
                p.each()
            ))),
        )
    };
    ReturnOnPlan {
        delta_eal,
        delta_eal_ci95: ci,
        delta_cost,
        net_benefit: net(delta_eal),
        net_benefit_ci95: map_ci(ci, net),
        rosi,
        rosi_ci95,
        note,
    }
}

impl Comparison {
    /// Build the comparison of a paired run. `files` are the two scenario
    /// files as the user named them (for the report only).
    pub fn build(
        models: [&Model; 2],
        files: [&str; 2],
        seed: u64,
        pair: &PairAccumulator,
    ) -> Comparison {
        let sa = Summary::build(models[0], seed, &pair.a);
        let sb = Summary::build(models[1], seed, &pair.b);
        let d = &pair.diff;
        let n = d.count();
        let frac = |k: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        let mean = d.sum.mean();
        let se = d.sum.std_error();
        let ci = [mean - Z975 * se, mean + Z975 * se];
        let (va, vb, vd) = (
            pair.a.borne_loss().variance(),
            pair.b.borne_loss().variance(),
            d.sum.variance(),
        );
        let correlation = (va > 0.0 && vb > 0.0)
            .then(|| ((va + vb - vd) / (2.0 * (va * vb).sqrt())).clamp(-1.0, 1.0));
        let q = |p: f64| d.quantile(p).unwrap_or(0.0);
        let difference = Difference {
            definition: "loss_a - loss_b".to_string(),
            mean,
            std_error: se,
            mean_ci95: ci,
            p5: q(0.05),
            p50: q(0.5),
            p95: q(0.95),
            min: d.min().unwrap_or(0.0),
            max: d.max().unwrap_or(0.0),
            probability_b_loses_less: frac(d.positive()),
            probability_a_loses_less: frac(d.negative()),
            probability_equal: frac(d.ties),
            correlation,
            variance_reduction_vs_independent: (vd > 0.0).then(|| (va + vb) / vd),
        };
        let (a, b) = (
            side(&sa, models[0], files[0]),
            side(&sb, models[1], files[1]),
        );
        // Losses are per trial (one horizon); the plans' costs are a
        // year's: over a horizon of two years they cost twice as much.
        let years = sa.horizon_hours / crate::model::HOURS_PER_YEAR;
        let return_on_plan = return_on_plan(
            mean,
            ci,
            a.annual_cost * years,
            b.annual_cost * years,
            &super::period::Period::of(sa.horizon_hours),
            &sa.currency,
        );

        let services = pair_by_id(&sa.services, &sb.services, |s| &s.id)
            .into_iter()
            .map(|(id, x, y)| {
                let (x, y) = (x.map(service_side), y.map(service_side));
                ServiceChange {
                    id: id.to_string(),
                    present_in: presence(&x, &y),
                    change: x.as_ref().zip(y.as_ref()).map(|(x, y)| service_delta(x, y)),
                    a: x,
                    b: y,
                }
            })
            .collect();
        let threats = pair_by_id(&sa.threats, &sb.threats, |t| &t.id)
            .into_iter()
            .map(|(id, x, y)| {
                let kind = x.or(y).map(|t| t.kind.clone()).unwrap_or_default();
                let (x, y) = (x.map(threat_side), y.map(threat_side));
                ThreatChange {
                    id: id.to_string(),
                    kind,
                    present_in: presence(&x, &y),
                    change: x.as_ref().zip(y.as_ref()).map(|(x, y)| ThreatSide {
                        occurrences: y.occurrences - x.occurrences,
                        loss: y.loss - x.loss,
                    }),
                    a: x,
                    b: y,
                }
            })
            .collect();

        Comparison {
            schema_version: COMPARE_SCHEMA_VERSION,
            bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
            seed,
            trials: n,
            horizon_hours: sa.horizon_hours,
            currency: sa.currency.clone(),
            a,
            b,
            difference,
            return_on_plan,
            services,
            threats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year() -> super::super::period::Period {
        super::super::period::Period::of(crate::model::HOURS_PER_YEAR)
    }

    #[test]
    fn rosi_needs_extra_cost() {
        let r = return_on_plan(300.0, [200.0, 400.0], 100.0, 200.0, &year(), "EUR");
        assert_eq!(r.delta_cost, 100.0);
        assert_eq!(r.net_benefit, 200.0);
        assert_eq!(r.rosi, Some(2.0));
        assert_eq!(r.rosi_ci95, Some([1.0, 3.0]));
        assert!(r.note.is_none());

        let same = return_on_plan(300.0, [200.0, 400.0], 100.0, 100.0, &year(), "EUR");
        assert_eq!(same.rosi, None);
        assert!(same.note.as_deref().is_some_and(|n| n.contains("same")));
        // Money reads one way in every output: EUR 1,234,567.
        let big = return_on_plan(0.0, [0.0, 0.0], 250_000.0, 250_000.0, &year(), "EUR");
        assert!(big
            .note
            .as_deref()
            .is_some_and(|n| n.contains("(EUR 250,000)")));
        let less = return_on_plan(0.0, [0.0, 0.0], 250_000.0, 10_000.0, &year(), "EUR");
        assert!(
            less.note
                .as_deref()
                .is_some_and(|n| n.contains("costs EUR 240,000 a year less")),
            "{:?}",
            less.note
        );
        assert_eq!(same.net_benefit, 300.0);

        let cheaper = return_on_plan(300.0, [200.0, 400.0], 100.0, 50.0, &year(), "EUR");
        assert_eq!(cheaper.rosi, None);
        assert_eq!(cheaper.net_benefit, 350.0);
        assert_eq!(cheaper.net_benefit_ci95, [250.0, 450.0]);
    }

    #[test]
    fn pairs_by_id_keeping_a_order() {
        let a = ["x", "y", "z"];
        let b = ["z", "w", "x"];
        let got: Vec<_> = pair_by_id(&a, &b, |s| s)
            .into_iter()
            .map(|(id, x, y)| (id, x.is_some(), y.is_some()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("x", true, true),
                ("y", true, false),
                ("z", true, true),
                ("w", false, true)
            ]
        );
    }
}
