//! `trend_loss`: the expected annual loss of each run with its 95%
//! confidence interval (the runs in the latest run's currency; a gap for
//! a run in another).

use crate::review::trend::Trend;

use super::series::{Line, Series, YFormat};

pub(crate) fn chart(t: &Trend) -> Series {
    let p = t.period();
    Series {
        empty: "No run has a loss to draw.",
        legend_for_one: false,
        name: "trend_loss".to_string(),
        title: p.reword("Expected annual loss per review"),
        y_desc: format!(
            "{} ({}{}), 95% CI",
            p.expected_loss(),
            t.axis_currency(),
            t.loss_basis()
        ),
        y_format: YFormat::Money,
        labels: t.loss_labels(),
        lines: vec![Line {
            name: p.expected_loss(),
            points: t
                .runs
                .iter()
                .map(|r| {
                    t.drawn(r).then_some((
                        r.expected_annual_loss,
                        Some((r.mean_ci95[0], r.mean_ci95[1])),
                    ))
                })
                .collect(),
            dashed: false,
        }],
    }
}
