//! The summary of a run: every number of `summary.json`, as DESIGN.md
//! defines it. Built from an [`Accumulator`] only, so a merged set of
//! shards gives the same summary as one run.

use serde::{Deserialize, Serialize};

use crate::model::{Model, ThreatKind};

use super::acc::{Accumulator, LOSS_BITS, SERVICE_BITS};
use super::exact::ExactSum;
use super::hist::LogHist;
use super::Z975;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// Every number of `summary.json` (`docs/outputs.md`): the versioned result
/// every other file of a run's pack is written from. Durations in hours,
/// money in the scenario's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's currency (ISO 4217 code).
    pub currency: String,
    /// The run's seed.
    pub seed: u64,
    /// Trials run (N).
    pub trials: u64,
    /// The length of one trial, in hours.
    pub horizon_hours: f64,
    /// Relative accuracy of every reported quantile (histogram buckets).
    pub quantile_accuracy: QuantileAccuracy,
    /// The distribution of the annual loss (the loss of one trial).
    pub annual_loss: AnnualLoss,
    /// Per service, in file order.
    pub services: Vec<ServiceSummary>,
    /// Random failures first (id `random-failures`), then the threats in
    /// file order.
    pub threats: Vec<ThreatSummary>,
    /// The scenario's risk appetite against the simulated curve, in the
    /// scenario's order; empty when it gives none.
    #[serde(default)]
    pub risk_appetite: Vec<AppetiteCheck>,
    /// `bcdr run --label`: the run's name in a review (such as `2026-Q3`);
    /// absent without `--label`, so unlabelled runs keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// With `--label`: `sha256:` and the SHA-256 of the scenario file's
    /// bytes, so that `bcdr trend` can tell when the scenario changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_hash: Option<String>,
    /// With insurance (DESIGN-2 B1): the net annual loss (gross −
    /// recoveries + premiums), with the same figures as `annual_loss`;
    /// the risk appetite is then judged on it. Absent without insurance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_loss_net: Option<AnnualLoss>,
    /// Per policy, in file order: what it recovered and how often its
    /// aggregate limit ran out. Absent without insurance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insurance: Vec<PolicySummary>,
}

/// One insurance policy over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub id: String,
    /// What it paid per year.
    pub recovered: Mean,
    /// The probability that its aggregate limit cut a payment in a year.
    pub aggregate_exhausted: f64,
    /// Whether it has an aggregate limit (for the report, which shows no
    /// share for a policy without one; not written).
    #[serde(skip)]
    pub has_aggregate: bool,
}

/// One point of the risk appetite against the simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppetiteCheck {
    /// The annual loss of the appetite point.
    pub loss: f64,
    /// The probability per year of losing more that the board accepts.
    pub accepted: f64,
    /// The simulated probability of losing strictly more: the fraction of
    /// trials whose annual loss exceeded `loss`, counted exactly.
    pub simulated: f64,
    /// `simulated <= accepted`.
    pub within: bool,
}

/// The relative accuracy of every reported quantile (the histograms' bucket width).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantileAccuracy {
    /// Of the annual-loss quantiles.
    pub annual_loss: f64,
    /// Of the services' duration quantiles.
    pub services: f64,
}

/// The annual loss: its mean, quantiles and tail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualLoss {
    /// The expected annual loss.
    pub mean: f64,
    /// Standard error of the mean: s / √N.
    pub std_error: f64,
    /// 95% confidence interval of the mean (normal approximation).
    pub mean_ci95: [f64; 2],
    /// The median year.
    pub p50: f64,
    /// The 1-in-10 year.
    pub p90: f64,
    /// VaR 95: the 1-in-20 year.
    pub p95: f64,
    /// VaR 99: the 1-in-100 year.
    pub p99: f64,
    /// Distribution-free 95% confidence interval of p99 (order statistics).
    pub p99_ci95: [f64; 2],
    /// Expected shortfall at 95%: the mean of the worst 5% of years
    /// (Acerbi–Tasche: the atom at VaR counted for the part of it that
    /// falls in the worst 5%).
    pub tvar_95: f64,
    /// Expected shortfall at 99%: the mean of the worst 1% of years.
    pub tvar_99: f64,
    /// The worst year simulated.
    pub max: f64,
    /// Probability that a year loses anything at all.
    pub probability_of_loss: f64,
}

/// A mean with the median, p90 and p99.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    /// The mean.
    pub mean: f64,
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
}

/// A mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// The mean.
    pub mean: f64,
}

/// A mean and the 99th percentile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanP99 {
    /// The mean.
    pub mean: f64,
    /// The 99th percentile.
    pub p99: f64,
}

/// One service over all trials (`summary.json` `services[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSummary {
    /// The service's id.
    pub id: String,
    /// Its tier's label (`Infrastructure`, `Platform`, `Application`, `Business`).
    pub tier: String,
    /// Fraction of the horizon the service is functional, on average.
    pub availability: f64,
    /// Hours not functional per trial.
    pub downtime_hours: Quantiles,
    /// Outages per trial.
    pub outages: Mean,
    /// Over outages (not trials).
    pub outage_duration_hours: Quantiles,
    /// The service's RTO; null without one.
    pub rto_hours: Option<f64>,
    /// Probability that an outage ends within the RTO; null without an RTO
    /// or without outages.
    pub rto_met: Option<f64>,
    /// The service's MTPD; null without one.
    pub mtpd_hours: Option<f64>,
    /// Probability per trial of at least one outage longer than the MTPD;
    /// null without an MTPD.
    pub mtpd_breached: Option<f64>,
    /// The service's RPO; null without one.
    pub rpo_hours: Option<f64>,
    /// Probability per trial of a restore or switchover that loses more
    /// data than the RPO; null without an RPO (DESIGN-2 A6).
    #[serde(default)]
    pub rpo_breached: Option<f64>,
    /// Hours of data lost per trial.
    pub data_loss_hours: MeanP99,
    /// The loss attributed to the service, per trial.
    pub loss: Mean,
}

/// One threat (or random failures) over all trials (`summary.json` `threats[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatSummary {
    /// The threat's id ([`RANDOM_FAILURES`] for random failures).
    pub id: String,
    /// Its kind: `Outage`, `Disaster`, `Ransomware`, `LossEvent`, or `Failures` for random failures.
    pub kind: String,
    /// Occurrences per trial (random failures: failures per trial).
    pub occurrences: Mean,
    /// Everything the threat caused per trial: lost revenue, outage costs, data loss, penalties, its response costs.
    pub loss: Mean,
    /// Ransomware only: the rest are null.
    pub contained_fraction: Option<f64>,
    /// Services compromised (entered) per attack, encrypted or not.
    pub services_compromised_per_attack: Option<f64>,
    /// Services encrypted per attack.
    pub services_encrypted_per_attack: Option<f64>,
}

pub use crate::model::RANDOM_FAILURES;

/// The mean with the median, p90 and p99 of a histogram (0 when empty).
pub(crate) fn quantiles(mean: f64, h: &LogHist) -> Quantiles {
    Quantiles {
        mean,
        p50: h.quantile(0.5).unwrap_or(0.0),
        p90: h.quantile(0.9).unwrap_or(0.0),
        p99: h.quantile(0.99).unwrap_or(0.0),
    }
}

/// `num / den`, or `None` when there is nothing to divide by.
pub(crate) fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

impl AnnualLoss {
    /// The figures of an annual loss from its exact sum and histogram.
    pub fn of(sum: &ExactSum, h: &LogHist) -> AnnualLoss {
        let mean = sum.mean();
        let se = sum.std_error();
        let q = |p: f64| h.quantile(p).unwrap_or(0.0);
        let p99_ci = h.quantile_ci(0.99).unwrap_or((0.0, 0.0));
        AnnualLoss {
            mean,
            std_error: se,
            mean_ci95: [mean - Z975 * se, mean + Z975 * se],
            p50: q(0.5),
            p90: q(0.9),
            p95: q(0.95),
            p99: q(0.99),
            p99_ci95: [p99_ci.0, p99_ci.1],
            tvar_95: h.tail_mean(0.95).unwrap_or(0.0),
            tvar_99: h.tail_mean(0.99).unwrap_or(0.0),
            max: h.max().unwrap_or(0.0),
            probability_of_loss: h.exceedance_of(0.0),
        }
    }
}

impl Summary {
    /// The loss borne: `annual_loss_net` with insurance (what the risk
    /// appetite is judged on), `annual_loss` without. What `compare`,
    /// `sweep` and the review commands weigh plans by.
    pub fn borne_loss(&self) -> &AnnualLoss {
        self.annual_loss_net.as_ref().unwrap_or(&self.annual_loss)
    }

    /// Summarise an accumulator of `model`'s plan.
    pub fn build(model: &Model, seed: u64, acc: &Accumulator) -> Summary {
        let n = acc.trials;
        let annual_loss = AnnualLoss::of(&acc.annual_loss, &acc.annual_hist);
        // With insurance the appetite is judged on the net loss.
        let judged = acc
            .net
            .as_ref()
            .map_or(&acc.annual_hist, |n| &n.annual_hist);
        let horizon = model.horizon.get();
        let services = model
            .services
            .iter()
            .zip(&acc.services)
            .map(|(svc, a)| ServiceSummary {
                id: svc.id.clone(),
                tier: svc.tier.label().to_string(),
                availability: if horizon > 0.0 {
                    1.0 - a.downtime.mean() / horizon
                } else {
                    1.0
                },
                downtime_hours: quantiles(a.downtime.mean(), &a.downtime_hist),
                outages: Mean {
                    mean: ratio(a.outages, n).unwrap_or(0.0),
                },
                outage_duration_hours: quantiles(a.outage_duration.mean(), &a.outage_hist),
                rto_hours: svc.rto.map(|h| h.get()),
                rto_met: svc.rto.and_then(|_| ratio(a.rto_met, a.outages)),
                mtpd_hours: svc.mtpd.map(|h| h.get()),
                mtpd_breached: svc.mtpd.and_then(|_| ratio(a.mtpd_breached, n)),
                rpo_hours: svc.rpo.map(|h| h.get()),
                rpo_breached: svc.rpo.and_then(|_| ratio(a.rpo_breached, n)),
                data_loss_hours: MeanP99 {
                    mean: a.data_loss.mean(),
                    p99: a.data_loss_hist.quantile(0.99).unwrap_or(0.0),
                },
                loss: Mean {
                    mean: a.loss.mean(),
                },
            })
            .collect();
        let failures = &acc.causes[0];
        let mut threats = vec![ThreatSummary {
            id: RANDOM_FAILURES.to_string(),
            kind: "Failures".to_string(),
            occurrences: Mean {
                mean: failures.occurrences.mean(),
            },
            loss: Mean {
                mean: failures.loss.mean(),
            },
            contained_fraction: None,
            services_compromised_per_attack: None,
            services_encrypted_per_attack: None,
        }];
        for (t, a) in model.threats.iter().zip(&acc.causes[1..]) {
            let attacks = a.occurrences.sum().round() as u64;
            let ransomware = matches!(t.kind, ThreatKind::Ransomware(_));
            let per_attack = |x: u64| if ransomware { ratio(x, attacks) } else { None };
            threats.push(ThreatSummary {
                id: t.id.clone(),
                kind: kind_label(&t.kind).to_string(),
                occurrences: Mean {
                    mean: a.occurrences.mean(),
                },
                loss: Mean {
                    mean: a.loss.mean(),
                },
                contained_fraction: per_attack(a.contained),
                services_compromised_per_attack: per_attack(a.compromised),
                services_encrypted_per_attack: per_attack(a.encrypted),
            });
        }
        Summary {
            schema_version: SCHEMA_VERSION,
            bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: model.name.clone(),
            currency: model.currency.clone(),
            seed,
            trials: n,
            horizon_hours: horizon,
            quantile_accuracy: QuantileAccuracy {
                annual_loss: 0.5f64.powi(LOSS_BITS as i32 + 1),
                services: 0.5f64.powi(SERVICE_BITS as i32 + 1),
            },
            annual_loss,
            services,
            threats,
            risk_appetite: model
                .risk_appetite
                .iter()
                .map(|a| {
                    let simulated = acc
                        .exceeded(a.loss.get())
                        .unwrap_or_else(|| judged.exceedance_of(a.loss.get()));
                    AppetiteCheck {
                        loss: a.loss.get(),
                        accepted: a.probability.get(),
                        simulated,
                        within: simulated <= a.probability.get(),
                    }
                })
                .collect(),
            label: None,
            scenario_hash: None,
            annual_loss_net: acc
                .net
                .as_ref()
                .map(|net| AnnualLoss::of(&net.annual_loss, &net.annual_hist)),
            insurance: acc
                .net
                .iter()
                .flat_map(|net| model.insurance.iter().zip(&net.policies))
                .map(|(p, a)| PolicySummary {
                    id: p.id.clone(),
                    recovered: Mean {
                        mean: a.recovered.mean(),
                    },
                    aggregate_exhausted: ratio(a.exhausted, n).unwrap_or(0.0),
                    has_aggregate: p.aggregate_limit.is_some(),
                })
                .collect(),
        }
    }
}

/// Random failures' mean annual loss split by the service whose own
/// random failure started the outage (or, for lost revenue, the run of
/// random failures) that lost it: `(service id, mean loss)` for every
/// service with a non-zero share, largest first (ties in file order).
/// The shares add up to the `random-failures` mean loss up to the
/// rounding of each trial's per-service sums (a relative 1e-9 or so).
pub(crate) fn failures_by_service(summary: &Summary, acc: &Accumulator) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = summary
        .services
        .iter()
        .zip(&acc.services)
        .map(|(s, a)| (s.id.clone(), a.failure_origin_loss.mean()))
        .filter(|&(_, loss)| loss != 0.0)
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// The scenario keyword of a threat kind.
pub(crate) fn kind_label(kind: &ThreatKind) -> &'static str {
    match kind {
        ThreatKind::Outage { .. } => "Outage",
        ThreatKind::Disaster { .. } => "Disaster",
        ThreatKind::Ransomware(_) => "Ransomware",
        ThreatKind::LossEvent { .. } => "LossEvent",
    }
}
