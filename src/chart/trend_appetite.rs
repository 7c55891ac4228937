//! `trend_appetite`: each point of the risk appetite per run, as the
//! simulated probability of losing more over the probability accepted;
//! above the line at 1 the point is breached.

use crate::fmt::money;
use crate::review::trend::Trend;

use super::series::{Line, Series, YFormat};

pub(crate) fn chart(t: &Trend) -> Series {
    // The points of every run, by loss (a point may come and go); a point
    // is its loss in its run's currency (the ratio itself has none).
    let mut losses: Vec<(f64, &str)> = t
        .runs
        .iter()
        .flat_map(|r| r.appetite.iter().map(|a| (a.loss, r.currency.as_str())))
        .collect();
    losses.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
    losses.dedup();
    let lines = losses
        .iter()
        .map(|&(loss, currency)| Line {
            // Short enough for the legend (28 characters) up to EUR 999,999,999,999:
            // "losing more than EUR 1,000,…" named no point at all.
            name: format!("more than {}", money(currency, loss)),
            points: t
                .runs
                .iter()
                .map(|r| {
                    // A chance per trial of another horizon is not on
                    // the same footing (a quarter's is smaller than a
                    // year's): drawn only for the latest run's horizon.
                    if r.currency != currency || r.horizon_hours != t.latest_horizon() {
                        return None;
                    }
                    let a = r.appetite.iter().find(|a| a.loss == loss)?;
                    (a.accepted > 0.0).then(|| (a.simulated / a.accepted, None))
                })
                .collect(),
            dashed: false,
        })
        .collect();
    Series {
        name: "trend_appetite".to_string(),
        title: "Risk appetite per review (above 1: breached)".to_string(),
        y_desc: "simulated ÷ accepted probability".to_string(),
        y_format: YFormat::Ratio,
        labels: t.runs.iter().map(|r| r.label.clone()).collect(),
        lines,
        empty: "No run has a risk appetite to follow:\ngive the scenario a risk_appetite.",
        legend_for_one: true,
    }
}
