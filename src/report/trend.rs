//! The files of `bcdr trend`: `trend.json`, `trend.csv` (one row per
//! run), the charts and the report.

use std::fmt::Write;

use crate::chart;
use crate::error::Error;
use crate::review::trend::Trend;

use super::doc::{b, t, Align, Block, Doc};
use super::loop_util::{cell, delta, json, opt, signed, significant};
use super::pack::{job, Files};
use crate::fmt::{money, pct, plural};

/// The charts, with their captions, in report order.
pub(crate) const TREND_CHARTS: [(&str, &str); 6] = [
    (
        "trend_loss",
        "Expected annual loss per review, with its 95% confidence interval.",
    ),
    (
        "trend_var",
        "Value at risk: the 1-in-20 (95%) and 1-in-100 (99%) year losses.",
    ),
    (
        "trend_appetite",
        "Each point of the risk appetite: the simulated probability of losing more over the \
         accepted one; above 1 the point is breached.",
    ),
    (
        "trend_services",
        "The services that lose most (the top five of any review).",
    ),
    (
        "trend_threats",
        "The threats that lose most (the top five of any review).",
    ),
    (
        "trend_rto",
        "RTO attainment: outages ending within the RTO, mean over services.",
    ),
];

/// The charts' captions: with runs in more than one currency, a money
/// chart draws only the runs in the latest run's currency, and says which
/// it leaves out.
fn captions(tr: &Trend) -> Vec<(&'static str, String)> {
    let left_out: Vec<String> = tr
        .runs
        .iter()
        .filter(|r| r.currency != tr.currency)
        .map(|r| format!("{} ({})", r.label, r.currency))
        .collect();
    // Runs in the latest currency but of another horizon: their losses
    // are per another span.
    let other_horizon: Vec<String> = tr
        .runs
        .iter()
        .filter(|r| r.currency == tr.currency && !tr.drawn(r))
        .map(|r| {
            format!(
                "{} (per {})",
                r.label,
                crate::model::units::horizon_span(r.horizon_hours)
            )
        })
        .collect();
    TREND_CHARTS
        .iter()
        .map(|&(stem, caption)| {
            let money = !matches!(stem, "trend_appetite" | "trend_rto");
            // The appetite's chances are per trial: runs of another horizon
            // are left out as from the money charts.
            let per_trial = money || stem == "trend_appetite";
            let mut text = caption.to_string();
            if money && !left_out.is_empty() {
                text = format!(
                    "{text} Only the runs in {}, the latest run's currency, are drawn; \
                     left out: {} (amounts in different currencies are not comparable on \
                     one axis).",
                    tr.currency,
                    left_out.join(", "),
                );
            }
            if per_trial && !other_horizon.is_empty() {
                text = format!(
                    "{text} Only the runs per {}, the latest run's horizon, are drawn; left \
                     out: {} (losses per different horizons are not comparable on one axis).",
                    crate::model::units::horizon_span(tr.latest_horizon()),
                    other_horizon.join(", "),
                );
            }
            (stem, text)
        })
        .collect()
}

/// The currencies of the runs, each once, in run order.
fn currencies(tr: &Trend) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in &tr.runs {
        if !out.contains(&r.currency.as_str()) {
            out.push(&r.currency);
        }
    }
    out
}

/// A step's change of the expected loss as the report writes it, in the
/// runs' currency; without one, why not ([`no_delta`]).
fn change(c: &str, st: &crate::review::trend::Step) -> String {
    match &st.delta {
        Some(d) => format!("{} (significant: {})", delta(c, d), significant(d)),
        None => no_delta(st).to_string(),
    }
}

/// A run's 95% interval of the expected loss, `A to B`; a run of one
/// trial has none (its zero-width interval read as certainty).
fn interval(c: &str, r: &crate::review::trend::TrendRun) -> String {
    if r.trials < 2 {
        super::ONE_TRIAL_NO_CI.to_string()
    } else {
        format!(
            "{} to {}",
            money(c, r.mean_ci95[0]),
            money(c, r.mean_ci95[1])
        )
    }
}

/// Why a step has no change of the expected loss: losses not comparable
/// (another currency or horizon), or a run of one trial (no standard
/// error, so no interval or verdict).
fn no_delta(st: &crate::review::trend::Step) -> &'static str {
    if st.changed.iter().any(|c| c == "one_trial")
        && !st.changed.iter().any(|c| c == "currency" || c == "horizon")
    {
        "not judged (a run of one trial has no standard error)"
    } else {
        "not comparable (currency or horizon changed)"
    }
}

/// A note as a sentence: its first letter capitalised, except the tool's
/// name, which stays `bcdr`.
fn sentence(note: &str) -> String {
    if note.starts_with("bcdr") {
        return format!(" {note}.");
    }
    let mut c = note.chars();
    let first = c.next().map(|f| f.to_uppercase().collect::<String>());
    format!(" {}{}.", first.unwrap_or_default(), c.as_str())
}

/// One row per run.
pub(crate) fn csv(tr: &Trend) -> Vec<u8> {
    let mut out = String::from(
        "label,dir,scenario,scenario_hash,seed,trials,bcdr_version,expected_annual_loss,\
         std_error,ci95_low,ci95_high,var_95,var_99,appetite_points,appetite_breached,\
         rto_attainment,change_from_previous,change_ci95_low,change_ci95_high,significant,\
         what_changed,currency\n",
    );
    for (k, r) in tr.runs.iter().enumerate() {
        let step = k.checked_sub(1).and_then(|i| tr.steps.get(i));
        let d = step.and_then(|s| s.delta.as_ref());
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            cell(&r.label),
            cell(&r.dir),
            cell(&r.scenario),
            cell(r.scenario_hash.as_deref().unwrap_or("")),
            r.seed,
            r.trials,
            cell(&r.bcdr_version),
            r.expected_annual_loss,
            r.std_error,
            r.mean_ci95[0],
            r.mean_ci95[1],
            r.var_95,
            r.var_99,
            r.appetite.len(),
            r.appetite_breached,
            opt(r.rto_attainment),
            opt(d.map(|d| d.mean)),
            opt(d.map(|d| d.ci95[0])),
            opt(d.map(|d| d.ci95[1])),
            d.map_or("", significant),
            cell(&step.map(|s| s.changed.join(";")).unwrap_or_default()),
            cell(&r.currency),
        );
    }
    out.into_bytes()
}

/// The report.
pub(crate) fn doc(tr: &Trend) -> Doc {
    let c = tr.currency.as_str();
    let p = tr.period();
    let mut doc = Doc::new("Quarterly review: trend across runs");
    doc.para(vec![t(format!(
        "{} runs in the order given, bcdr {}. {}",
        tr.runs.len(),
        tr.bcdr_version,
        if tr.mixed_currencies() {
            format!(
                "Money in each run's own currency ({}): the losses of runs in different \
                 currencies are not compared.",
                currencies(tr).join(", ")
            )
        } else if c.is_empty() {
            "Money in the scenario's currency.".to_string()
        } else {
            format!("Money in {c}.")
        }
    ))]);
    doc.h2("Runs");
    // Runs of different horizons: each loss is per its own run's.
    let mixed = tr
        .runs
        .iter()
        .any(|r| r.horizon_hours != tr.latest_horizon());
    if mixed {
        doc.para(vec![t(
            "The runs have different horizons: each run's losses (expected, VaR) are per its \
             own horizon, marked after its expected loss, and are not comparable across \
             horizons.",
        )]);
    }
    if tr.runs.iter().any(|r| r.net_of_insurance) {
        doc.para(vec![t(
            "Runs marked (net) have insurance: their losses are net of insurance (gross loss − \
             recoveries + premiums), the loss their risk appetite is judged on.",
        )]);
    }
    doc.push(Block::Table {
        head: [
            "run",
            "scenario",
            &*p.expected_loss(),
            "95% CI",
            "VaR 95",
            "VaR 99",
            "appetite",
            "RTO attainment",
            "seed / trials",
        ]
        .map(String::from)
        .to_vec(),
        align: vec![
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Right,
        ],
        rows: tr
            .runs
            .iter()
            .map(|r| {
                let c = r.currency.as_str();
                vec![
                    r.label.clone(),
                    r.scenario.clone(),
                    format!(
                        "{}{}{}",
                        money(c, r.expected_annual_loss),
                        if mixed {
                            format!(
                                " per {}",
                                crate::model::units::horizon_span(r.horizon_hours)
                            )
                        } else {
                            String::new()
                        },
                        if r.net_of_insurance { " (net)" } else { "" }
                    ),
                    interval(c, r),
                    money(c, r.var_95),
                    money(c, r.var_99),
                    if r.appetite.is_empty() {
                        "none set".to_string()
                    } else if r.appetite_breached == 0 {
                        format!("{} within", plural(r.appetite.len(), "point"))
                    } else {
                        format!(
                            "{} of {} breached",
                            r.appetite_breached,
                            plural(r.appetite.len(), "point")
                        )
                    },
                    r.rto_attainment.map_or_else(|| "-".to_string(), pct),
                    format!("{} / {}", r.seed, r.trials),
                ]
            })
            .collect(),
    });
    doc.h2("What changed between runs");
    doc.para(vec![t(
        "A change of the expected loss is significant when its 95% interval excludes 0. The \
         runs are separate simulations, so the standard errors add in quadrature: \
         se = √(se₁² + se₂²). Runs that share a seed are positively correlated, which makes \
         this interval conservative; bcdr explain OLD.ron NEW.ron gives the paired interval \
         and the change behind the move.",
    )]);
    let mut items = Vec::new();
    for (k, s) in tr.steps.iter().enumerate() {
        let c = tr.runs.get(k + 1).map_or(c, |r| r.currency.as_str());
        let mut spans = vec![
            b(format!("{} → {}", s.from, s.to)),
            t(format!(": {} {}.", p.expected_loss(), change(c, s))),
        ];
        if s.notes.is_empty() {
            spans.push(t(
                " Same scenario, seed, trials and bcdr version.".to_string()
            ));
        }
        for n in &s.notes {
            spans.push(t(sentence(n)));
        }
        items.push(spans);
    }
    if items.is_empty() {
        items.push(vec![t("One run: nothing to compare yet.")]);
    }
    doc.push(Block::Bullets(items));
    let captions: Vec<(&str, String)> = captions(tr)
        .into_iter()
        .map(|(stem, caption)| {
            let c = p.reword(&caption);
            (
                stem,
                if p.is_year() {
                    c
                } else {
                    c.replace(" year losses", " trial losses")
                },
            )
        })
        .collect();
    let captions: Vec<(&str, &str)> = captions.iter().map(|(a, b)| (*a, b.as_str())).collect();
    doc.charts(&captions);
    doc.h2("Top services and threats");
    doc.push(Block::Table {
        head: ["run", "services that lose most", "threats that lose most"]
            .map(String::from)
            .to_vec(),
        align: Align::columns(3, 0),
        rows: tr
            .runs
            .iter()
            .map(|r| {
                let list = |v: &[crate::review::trend::Top]| {
                    v.iter()
                        .map(|x| format!("{} ({})", x.id, money(&r.currency, x.loss)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                vec![r.label.clone(), list(&r.top_services), list(&r.top_threats)]
            })
            .collect(),
    });
    doc
}

/// Every file of a trend.
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn files(tr: &Trend) -> Result<Files, Error> {
    super::loop_util::pack(
        vec![
            ("trend.json".to_string(), json("trend.json", tr)?),
            ("trend.csv".to_string(), csv(tr)),
        ],
        &[
            job(chart::trend_loss::chart(tr)),
            job(chart::trend_var::chart(tr)),
            job(chart::trend_appetite::chart(tr)),
            job(chart::trend_services::chart(tr)),
            job(chart::trend_threats::chart(tr)),
            job(chart::trend_rto::chart(tr)),
        ],
        &doc(tr),
    )
}

/// What `bcdr trend` prints: each run, and under it what changed from
/// the run before and whether the loss moved significantly.
pub(crate) fn screen(tr: &Trend) -> String {
    let p = tr.period();
    let width = tr
        .runs
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for (k, r) in tr.runs.iter().enumerate() {
        let c = r.currency.as_str();
        if let Some(st) = k.checked_sub(1).and_then(|i| tr.steps.get(i)) {
            let _ = match &st.delta {
                // The interval is named: "[EUR +4,629, EUR +5,459]" alone
                // read as a range of outcomes, not the 95% CI of the mean.
                Some(d) => writeln!(
                    s,
                    "{:width$}  change {}, 95% CI [{}, {}]: {}",
                    "",
                    signed(c, d.mean),
                    signed(c, d.ci95[0]),
                    signed(c, d.ci95[1]),
                    if d.significant {
                        "significant"
                    } else {
                        "not significant (the interval includes 0)"
                    }
                ),
                None => writeln!(s, "{:width$}  change {}", "", no_delta(st)),
            };
            for n in &st.notes {
                let _ = writeln!(s, "{:width$}  {n}", "");
            }
        }
        let ci = interval(c, r);
        let ci = if r.trials < 2 {
            ci
        } else {
            format!("95% CI {ci}")
        };
        let _ = writeln!(
            s,
            "{:width$}  {}{} {} ({ci})",
            r.label,
            p.expected_loss(),
            super::net_label(r.net_of_insurance),
            money(c, r.expected_annual_loss),
        );
    }
    s
}
