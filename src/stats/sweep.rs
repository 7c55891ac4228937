//! The result of `bcdr sweep` (`sweep.json`): the loss, RTO attainment
//! and per-service figures at every value of the swept parameter. The
//! driver that fills it is `crate::sweep`.

use serde::{Deserialize, Serialize};

use super::Z975;

/// Bumped whenever a field of `sweep.json` changes meaning or disappears.
pub const SWEEP_SCHEMA_VERSION: u32 = 1;

/// The annual loss (or loss per drill) at one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossPoint {
    /// The mean.
    pub mean: f64,
    /// Its standard error: s / √N.
    pub std_error: f64,
    /// 95% confidence interval of the mean.
    pub mean_ci95: [f64; 2],
    /// VaR 95: the 1-in-20 trial.
    pub p95: f64,
    /// VaR 99: the 1-in-100 trial.
    pub p99: f64,
}

/// A mean with its standard error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanSe {
    /// The mean.
    pub mean: f64,
    /// Its standard error.
    pub std_error: f64,
}

/// One service at one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepService {
    /// The service's id.
    pub id: String,
    /// 1 − mean downtime / horizon.
    pub availability: f64,
    /// Hours not functional per trial.
    pub downtime_hours: MeanSe,
    /// Outages per trial.
    pub outages: f64,
    /// Over outages (not trials).
    pub outage_duration_hours: MeanSe,
    /// The service's RTO at this value; null without one.
    pub rto_hours: Option<f64>,
    /// Share of outages that ended within the RTO; null without an RTO or without outages.
    pub rto_met: Option<f64>,
    /// Wilson 95% interval of `rto_met` over the outages.
    pub rto_met_ci95: Option<[f64; 2]>,
    /// The loss attributed to the service, per trial.
    pub loss: f64,
    /// Hours of data lost per trial (a year, or a drill).
    #[serde(default)]
    pub data_loss_hours: Option<MeanSe>,
    /// The 99th percentile of the data lost per trial.
    #[serde(default)]
    pub data_loss_p99: Option<f64>,
    /// The service's RPO at this value; null without one.
    #[serde(default)]
    pub rpo_hours: Option<f64>,
    /// Share of trials losing more data in total than the RPO; null
    /// without an RPO.
    #[serde(default)]
    pub data_loss_above_rpo: Option<f64>,
    /// Share of trials with a restore or switchover that lost more data
    /// than the RPO, as `run` reports it (`rpo_breached`); null without an
    /// RPO.
    #[serde(default)]
    pub rpo_breached: Option<f64>,
}

/// Everything at one value of the parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The parameter's value.
    pub value: f64,
    /// The value as written in reports (with its unit).
    pub label: String,
    /// The loss per trial.
    pub loss: LossPoint,
    /// The selected service's `rto_met`, or the mean over services with an
    /// RTO and at least one outage; null when there is none.
    pub rto_attainment: Option<f64>,
    /// Per service, in file order.
    pub services: Vec<SweepService>,
}

/// The result of `bcdr sweep` (`sweep.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    /// [`SWEEP_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's currency.
    pub currency: String,
    /// The parameter path, such as `plan.crews`.
    pub parameter: String,
    /// The unit of the values, such as `hours` or `crews`.
    pub unit: String,
    /// `annual`, or `drill` of `threat`.
    pub mode: String,
    /// The threat drilled, in `drill` mode; null in `annual` mode.
    pub threat: Option<String>,
    /// The service whose RTO attainment is reported, if one was chosen.
    pub service: Option<String>,
    /// The seed of every value's run.
    pub seed: u64,
    /// Trials per value.
    pub trials: u64,
    /// The scenario's horizon (one trial), when it is not a year: the
    /// losses and counts are per trial of it. Absent for a year.
    #[serde(
        default = "super::period::a_year",
        skip_serializing_if = "super::period::is_a_year"
    )]
    pub horizon_hours: f64,
    /// One point per value, in the order given.
    pub points: Vec<SweepPoint>,
    /// With insurance (DESIGN-2 B1): true, and every point's loss is net
    /// of insurance (gross − recoveries + premiums), as the risk appetite
    /// is judged. Absent without insurance.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub net_of_insurance: bool,
    /// With insurance and `--threat`: true, and every point's loss is the
    /// drill's loss before insurance (a premium is a year's, not an
    /// event's). Absent otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gross_of_insurance: bool,
}

/// Wilson score interval (95%) of k successes in n; `None` when n = 0.
pub(crate) fn wilson(k: u64, n: u64) -> Option<[f64; 2]> {
    if n == 0 {
        return None;
    }
    let all = k >= n;
    let (n, p, z) = (n as f64, k as f64 / n as f64, Z975);
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / den;
    // At k = 0 and k = n the bound is 0 or 1 exactly; the formula gives
    // it to rounding (5.6e-17, 0.9999999999999998).
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if all { 1.0 } else { (centre + half).min(1.0) };
    Some([lo, hi])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_stays_in_unit_range() {
        let [lo, hi] = wilson(10, 10).expect("n > 0");
        assert!(lo > 0.6 && hi == 1.0, "{lo} {hi}");
        let [lo, hi] = wilson(0, 3).expect("n > 0");
        assert!(lo == 0.0 && (hi - 0.5615).abs() < 1e-3, "{lo} {hi}");
        let [lo, hi] = wilson(50, 100).expect("n > 0");
        assert!((lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3);
        assert_eq!(wilson(0, 0), None);
    }
}
