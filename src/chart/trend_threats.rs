//! `trend_threats`: the expected annual loss of the threats that were
//! among the five that lose most in any run.

use crate::review::trend::Trend;

use super::series::Series;
use super::trend_services::tops_chart;

pub(crate) fn chart(t: &Trend) -> Series {
    tops_chart(
        t,
        (
            "trend_threats",
            "Threats",
            "No threat lost anything in any run.",
        ),
        |r| &r.top_threats,
    )
}
