//! `trend_threats`: the expected annual loss of the threats that were
//! among the five that lose most in any run.

use crate::review::trend::Trend;

use super::series::{Series, YFormat};
use super::trend_services::lines;

pub fn chart(t: &Trend) -> Series {
    Series {
        name: "trend_threats".to_string(),
        title: "Threats that lose most, per review".to_string(),
        y_desc: format!(
            "expected annual loss ({}); 0 outside the top five",
            t.currency
        ),
        y_format: YFormat::Money,
        labels: t.runs.iter().map(|r| r.label.clone()).collect(),
        lines: lines(t, |r| &r.top_threats),
    }
}
