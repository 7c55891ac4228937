//! The files of `bcdr sweep`: `sweep.json`, `sweep.csv` (one row per
//! value), `sweep_services.csv` (one row per value and service) and the
//! two charts.

use std::fmt::Write;

use crate::chart::{self, sweep::SweepChart};
use crate::error::Error;
use crate::stats::period::Period;
use crate::stats::sweep::SweepResult;

use crate::fmt::{money, plural};

use super::csv::{field, opt};

/// One row per value: loss (annual, or per drill) and RTO attainment.
pub(crate) fn csv(r: &SweepResult) -> Vec<u8> {
    let mut out = String::from(
        "value,label,loss_mean,loss_std_error,loss_ci95_low,loss_ci95_high,loss_p95,loss_p99,\
         rto_attainment\n",
    );
    for p in &r.points {
        let l = &p.loss;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            p.value,
            field(&p.label),
            l.mean,
            l.std_error,
            l.mean_ci95[0],
            l.mean_ci95[1],
            l.p95,
            l.p99,
            opt(p.rto_attainment)
        );
    }
    out.into_bytes()
}

/// One row per value and service.
pub(crate) fn services_csv(r: &SweepResult) -> Vec<u8> {
    let mut out = String::from(
        "value,label,id,availability,downtime_mean_h,downtime_std_error_h,outages_mean,\
         outage_mean_h,outage_std_error_h,rto_h,rto_met,rto_met_ci95_low,rto_met_ci95_high,\
         loss_mean\n",
    );
    for p in &r.points {
        for s in &p.services {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                p.value,
                field(&p.label),
                field(&s.id),
                s.availability,
                s.downtime_hours.mean,
                s.downtime_hours.std_error,
                s.outages,
                s.outage_duration_hours.mean,
                s.outage_duration_hours.std_error,
                opt(s.rto_hours),
                opt(s.rto_met),
                opt(s.rto_met_ci95.map(|c| c[0])),
                opt(s.rto_met_ci95.map(|c| c[1])),
                s.loss
            );
        }
    }
    out.into_bytes()
}

/// Every file of a sweep.
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn files(r: &SweepResult) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let json = super::json::pretty(r, "sweep.json")?;
    let mut out = vec![
        ("sweep.json".to_string(), json),
        ("sweep.csv".to_string(), csv(r)),
        ("sweep_services.csv".to_string(), services_csv(r)),
    ];
    out.extend(chart::render(&SweepChart::loss(r))?.files());
    out.extend(chart::render(&SweepChart::rto(r))?.files());
    Ok(out)
}

/// The table printed by `bcdr sweep`.
pub(crate) fn screen(r: &SweepResult) -> String {
    let what = match &r.threat {
        Some(t) if r.gross_of_insurance => format!("loss per drill of {t}, before insurance"),
        Some(t) => format!("loss per drill of {t}"),
        None => format!(
            "{}{}",
            Period::of(r.horizon_hours).expected_loss(),
            super::net_label(r.net_of_insurance)
        ),
    };
    let mut s = format!(
        "sweep {} over {} of {}, {} trials each, seed {} (common random numbers)\n",
        r.scenario,
        plural(r.points.len(), "value"),
        r.parameter,
        r.trials,
        r.seed
    );
    let c = &r.currency;
    let w = what.chars().count().max(20);
    let _ = writeln!(
        s,
        "  {:>12}  {what:>w$}  {:>34}  {:>14}",
        "value", "95% CI", "RTO attainment"
    );
    for p in &r.points {
        let l = &p.loss;
        let _ = writeln!(
            s,
            "  {:>12}  {:>w$}  {:>34}  {:>14}",
            p.label,
            money(c, l.mean),
            format!(
                "{} to {}",
                money(c, l.mean_ci95[0]),
                money(c, l.mean_ci95[1])
            ),
            p.rto_attainment
                .map_or_else(|| "-".to_string(), |x| format!("{:.1}%", 100.0 * x))
        );
    }
    s
}
