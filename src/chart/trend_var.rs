//! `trend_var`: value at risk at 95% and 99% (the 1-in-20 and 1-in-100
//! year losses) of each run (in the latest run's currency; a gap for a run
//! in another).

use crate::review::trend::Trend;

use super::series::{Line, Series, YFormat};

pub(crate) fn chart(t: &Trend) -> Series {
    let line = |name: &str, f: fn(&crate::review::trend::TrendRun) -> f64| Line {
        name: name.to_string(),
        points: t
            .runs
            .iter()
            .map(|r| t.drawn(r).then_some((f(r), None)))
            .collect(),
        dashed: false,
    };
    let p = t.period();
    let y = p.noun();
    Series {
        empty: "No run has a loss to draw.",
        legend_for_one: false,
        name: "trend_var".to_string(),
        title: "Value at risk per review".to_string(),
        y_desc: format!("{} ({}{})", p.loss(), t.axis_currency(), t.loss_basis()),
        y_format: YFormat::Money,
        labels: t.loss_labels(),
        lines: vec![
            line(&format!("VaR 95% (1 {y} in 20)"), |r| r.var_95),
            line(&format!("VaR 99% (1 {y} in 100)"), |r| r.var_99),
        ],
    }
}
