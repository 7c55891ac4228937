//! `trend_services`: the expected annual loss of the services that were
//! among the five that lose most in any run (in the latest run's currency;
//! a gap for a run in another).

use crate::review::trend::{Top, Trend, TrendRun};

use super::series::{Line, Series, YFormat};

/// Lines for the ids that are in any run's top list.
fn lines(t: &Trend, tops: fn(&TrendRun) -> &[Top]) -> Vec<Line> {
    let mut ids: Vec<&str> = Vec::new();
    for r in t.runs.iter().filter(|r| t.drawn(r)) {
        for x in tops(r) {
            if !ids.contains(&x.id.as_str()) {
                ids.push(&x.id);
            }
        }
    }
    ids.iter()
        .map(|id| Line {
            name: id.to_string(),
            points: t
                .runs
                .iter()
                .map(|r| {
                    // Outside a review's top five its loss is not kept:
                    // a gap, not a drop to 0.
                    let x = tops(r).iter().find(|x| x.id == *id)?;
                    t.drawn(r).then_some((x.loss, None))
                })
                .collect(),
            dashed: false,
        })
        .collect()
}

pub(crate) fn chart(t: &Trend) -> Series {
    tops_chart(
        t,
        ("trend_services", "Services that lose most, per review"),
        |r| &r.top_services,
    )
}

/// The chart of the ids in any run's top list (`tops`), as `(name, title)`.
pub(crate) fn tops_chart(
    t: &Trend,
    (name, title): (&str, &str),
    tops: fn(&TrendRun) -> &[Top],
) -> Series {
    Series {
        empty: "No service lost anything in any run.",
        name: name.to_string(),
        title: title.to_string(),
        y_desc: format!(
            "{} ({}); a gap where outside that review's top five",
            t.period().expected_loss(),
            t.axis_currency()
        ),
        y_format: YFormat::Money,
        labels: t.runs.iter().map(|r| r.label.clone()).collect(),
        lines: lines(t, tops),
    }
}
