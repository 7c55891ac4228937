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
        (
            "trend_services",
            "Services",
            "No service lost anything in any run.",
        ),
        |r| &r.top_services,
    )
}

/// The chart of the ids in any run's top list (`tops`), as `(name, what
/// the ids are, what the chart says when none lost anything)`.
///
/// The gap where an id is outside a review's top five is said in the
/// title: on the y axis ("…; a gap where outside that review's top five")
/// it ran the height of the chart, and a longer currency or horizon
/// ("expected loss per 2y (EUR only)") pushed it past the edges.
pub(crate) fn tops_chart(
    t: &Trend,
    (name, what, empty): (&str, &str, &'static str),
    tops: fn(&TrendRun) -> &[Top],
) -> Series {
    Series {
        empty,
        name: name.to_string(),
        title: format!("{what} that lose most, per review (a gap: not in its top five)"),
        // A service's or a threat's loss is before insurance, even in a
        // run whose headline is net of it.
        y_desc: format!(
            "{} ({}{})",
            t.period().expected_loss(),
            t.axis_currency(),
            if t.runs.iter().any(|r| t.drawn(r) && r.net_of_insurance) {
                ", before insurance"
            } else {
                ""
            }
        ),
        y_format: YFormat::Money,
        labels: t.runs.iter().map(|r| r.label.clone()).collect(),
        lines: lines(t, tops),
        legend_for_one: true,
    }
}

#[cfg(test)]
mod tests {
    use crate::review::trend::Trend;

    fn no_runs() -> Trend {
        Trend {
            schema_version: 2,
            bcdr_version: "test".to_string(),
            currency: "EUR".to_string(),
            runs: vec![],
            steps: vec![],
        }
    }

    /// The threats' chart with nothing to draw said "No service lost
    /// anything in any run" (the services' words); each says its own.
    #[test]
    fn an_empty_tops_chart_names_what_it_is_about() {
        let t = no_runs();
        for (series, says) in [
            (super::chart(&t), "No service lost anything in any run."),
            (
                super::super::trend_threats::chart(&t),
                "No threat lost anything in any run.",
            ),
        ] {
            let svg = super::super::render(&series).expect("renders").svg;
            assert!(svg.contains(says), "{}: {svg}", series.name);
        }
    }
}
