//! `trend_rto`: RTO attainment (the mean over services with an RTO of the
//! share of outages that ended within it) per run.

use crate::review::trend::Trend;

use super::series::{Line, Series, YFormat};

pub(crate) fn chart(t: &Trend) -> Series {
    Series {
        empty: "No run has a service with an RTO\nand an outage to judge it on.",
        legend_for_one: false,
        name: "trend_rto".to_string(),
        title: "RTO attainment per review".to_string(),
        y_desc: "outages ending within the RTO (mean over services)".to_string(),
        y_format: YFormat::Fraction,
        labels: t.runs.iter().map(|r| r.label.clone()).collect(),
        lines: vec![Line {
            name: "RTO attainment".to_string(),
            points: t
                .runs
                .iter()
                .map(|r| r.rto_attainment.map(|x| (x, None)))
                .collect(),
            dashed: false,
        }],
    }
}
