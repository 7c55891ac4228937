//! The review pack of an annual run as a [`Doc`]: headline numbers with
//! their confidence intervals, a plain-language reading, the charts, the
//! per-service and per-threat tables, the planning warnings and the command
//! that reproduces it. Every number is formatted (by [`crate::fmt`]) from a
//! value of the [`Summary`], the same one written to `summary.json`.

use crate::scenario::Warning;
use crate::stats::summary::{ServiceSummary, RANDOM_FAILURES};
use crate::stats::Summary;

use super::doc::{b, code, t, Align, Block, Doc, Spans};
use super::names::Names;
use crate::fmt::{availability, hours, money, or_dash, pct, rate};
use crate::stats::period::{cap, Period};

/// The charts of a run, in the order the report shows them, with their
/// captions.
pub(crate) const RUN_CHARTS: [(&str, &str); 7] = [
    (
        "loss_exceedance",
        "Loss exceedance curve: the probability that a year loses more than each amount (log axes), \
         with VaR 95 and VaR 99 and the risk appetite when the scenario gives one.",
    ),
    (
        "loss_histogram",
        "Annual loss distribution (log-width bins), with the mean, VaR 95 and VaR 99.",
    ),
    (
        "outage_vs_rto",
        "Outage duration per service against its RTO: median to p90 (bar), p90 to p99 (line), \
         the RTO (vermilion mark) and the share of outages that miss it; worst first.",
    ),
    (
        "loss_by_service",
        "Expected annual loss by service, largest first, with the cumulative share of the loss \
         attributed to services (threats' response costs and loss events belong to no service).",
    ),
    (
        "loss_by_threat",
        "Expected annual loss by threat (random failures included), largest first, with the \
         cumulative share.",
    ),
    (
        "loss_by_failing_service",
        "Random failures' expected annual loss by the service whose failure started the outage \
         (its own losses and its dependants'), largest first, with the cumulative share of \
         random failures' loss.",
    ),
    (
        "convergence",
        "Convergence: the running expected annual loss after each block of 1024 trials, with \
         its 95% confidence band.",
    ),
];

/// Provenance of a result: what to type to get it again.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The exact command line, e.g. `bcdr run scenarios/bank.ron --trials
    /// 100000 --seed 1`.
    pub command: String,
}

/// Services that had outages and have an RTO, worst miss rate first.
fn rto_misses(s: &Summary) -> Vec<(&ServiceSummary, f64, f64)> {
    let mut v: Vec<_> = s
        .services
        .iter()
        .filter(|x| x.outages.mean > 0.0)
        .filter_map(|x| Some((x, 1.0 - x.rto_met?, x.rto_hours?)))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    v
}

/// A 95% confidence interval of a run's figure in a sentence: "95%
/// confidence interval EUR 1 to EUR 2", or that one trial gives none.
fn interval(s: &Summary, ci: [f64; 2]) -> String {
    if s.trials < 2 {
        super::ONE_TRIAL_NO_CI.to_string()
    } else {
        let c = s.currency.as_str();
        format!(
            "95% confidence interval {} to {}",
            money(c, ci[0]),
            money(c, ci[1])
        )
    }
}

/// The plain-language reading.
fn reading(s: &Summary, names: &Names) -> Vec<Spans> {
    let c = s.currency.as_str();
    let a = &s.annual_loss;
    let p = Period::of(s.horizon_hours);
    let (y, ys) = (p.noun(), p.nouns());
    let each = p.each();
    let mut out: Vec<Spans> = Vec::new();
    if let Some(n) = &s.annual_loss_net {
        out.push(vec![
            t(format!(
                "The figures below are before insurance (gross). After insurance (net: gross − \
               recoveries + premiums), a typical {y} loses ",
            )),
            b(money(c, n.p50)),
            t(format!(" and a {y} loses ")),
            b(money(c, n.mean)),
            t(" on average; the risk appetite is judged on the net loss."),
        ]);
    }
    out.push(vec![
        t(format!("A typical (median) {y} loses ")),
        b(money(c, a.p50)),
        t(format!("; on average a {y} loses ")),
        b(money(c, a.mean)),
        t(format!(" ({}).", interval(s, a.mean_ci95))),
    ]);
    out.push(vec![
        t(format!("A 1-in-20 {y} loses at least ")),
        b(money(c, a.p95)),
        t(format!("; a 1-in-100 {y} loses at least ")),
        b(money(c, a.p99)),
        t(format!(
            " ({}). The worst simulated {y} lost {}.",
            interval(s, a.p99_ci95),
            money(c, a.max)
        )),
    ]);
    let judged = if s.annual_loss_net.is_some() {
        " (judged on the net loss, after insurance)"
    } else {
        ""
    };
    for ap in &s.risk_appetite {
        let chances = crate::fmt::pct_against(ap.accepted, &[ap.simulated]);
        out.push(vec![
            t(format!(
                "Risk appetite{judged}: the board accepts a {} chance per {} of losing more than {}; \
                 the simulated chance is {}: ",
                chances[0],
                p.unit(),
                money(c, ap.loss),
                chances[1]
            )),
            b(if ap.within {
                "within appetite"
            } else {
                "outside appetite"
            }),
            t("."),
        ]);
    }
    if a.mean > 0.0 {
        let top_service = s
            .services
            .iter()
            .filter(|x| x.loss.mean > 0.0)
            .max_by(|x, y| x.loss.mean.total_cmp(&y.loss.mean).then(y.id.cmp(&x.id)));
        let top_threat = s
            .threats
            .iter()
            .filter(|x| x.loss.mean > 0.0)
            .max_by(|x, y| x.loss.mean.total_cmp(&y.loss.mean).then(y.id.cmp(&x.id)));
        let mut spans = Vec::new();
        if let Some(x) = top_service {
            spans.push(t("Service "));
            spans.push(named(names, &x.id));
            spans.push(t(format!(
                " carries the largest expected loss: {} {each}, {} of the {}",
                money(c, x.loss.mean),
                pct(x.loss.mean / a.mean),
                p.expected_loss()
            )));
        }
        if let Some(x) = top_threat {
            spans.push(t(if spans.is_empty() { "" } else { "; " }));
            spans.push(if x.id == RANDOM_FAILURES {
                t("random failures")
            } else {
                code(&x.id)
            });
            let verb = if x.id == RANDOM_FAILURES {
                "cause"
            } else {
                "causes"
            };
            spans.push(t(format!(
                " {verb} the most: {} {each} ({}).",
                money(c, x.loss.mean),
                pct(x.loss.mean / a.mean)
            )));
        } else if !spans.is_empty() {
            spans.push(t("."));
        }
        if !spans.is_empty() {
            out.push(spans);
        }
    } else {
        out.push(vec![t(format!(
            "No simulated {y} lost anything in {} trial{}.",
            s.trials,
            if s.trials == 1 { "" } else { "s" }
        ))]);
    }
    let misses = rto_misses(s);
    let missing: Vec<_> = misses.iter().filter(|m| m.1 > 0.0).take(3).collect();
    if missing.is_empty() {
        if !misses.is_empty() {
            out.push(vec![t(
                "Every service with an RTO met it in every simulated outage.",
            )]);
        }
    } else {
        for (x, miss, rto) in missing {
            out.push(vec![
                named(names, &x.id),
                t(format!(" misses its {} RTO in ", hours(*rto))),
                b(pct(*miss)),
                t(format!(
                    " of outages ({} outages {each}; median outage {}, 1 in 100 longer than {}).",
                    rate(x.outages.mean),
                    hours(x.outage_duration_hours.p50),
                    hours(x.outage_duration_hours.p99)
                )),
            ]);
        }
    }
    // The services that most often breach a per-year objective: their
    // share of years and the objective.
    let mut breaches = |of: fn(&ServiceSummary) -> Option<(f64, f64)>,
                        what: &dyn Fn(f64) -> String| {
        let mut v: Vec<_> = s
            .services
            .iter()
            .filter_map(|x| Some((x, of(x)?)))
            .filter(|(_, (p, _))| *p > 0.0)
            .collect();
        v.sort_by(|(x, (p, _)), (y, (q, _))| q.total_cmp(p).then(x.id.cmp(&y.id)));
        for (x, (p, h)) in v.iter().take(3) {
            out.push(vec![
                named(names, &x.id),
                t(what(*h)),
                b(pct(*p)),
                t(format!(" of {ys}.")),
            ]);
        }
    };
    breaches(|x| Some((x.mtpd_breached?, x.mtpd_hours?)), &|h| {
        format!(" outlasts its {} MTPD in ", hours(h))
    });
    breaches(|x| Some((x.rpo_breached?, x.rpo_hours?)), &|h| {
        format!(
            " loses more data than its {} RPO in a restore or switchover in ",
            hours(h)
        )
    });
    if a.mean > 0.0 {
        // One trial has no standard error: not "known to ±0.0%".
        let known = if s.trials < 2 {
            format!(
                "one trial gives the {} no confidence interval",
                p.expected_loss()
            )
        } else {
            format!(
                "with {} trials the {} is known to ±{} (95%)",
                s.trials,
                p.expected_loss(),
                pct((a.mean_ci95[1] - a.mean) / a.mean)
            )
        };
        out.push(vec![t(format!(
            "Precision: {known}; quantiles are accurate to ±{} from the histogram.",
            pct(s.quantile_accuracy.annual_loss)
        ))]);
    }
    out
}

/// A service in a sentence: its display name, or its id as code.
pub(crate) fn named(names: &Names, id: &str) -> super::doc::Span {
    if names.has(id) {
        t(names.of(id))
    } else {
        code(id)
    }
}

/// The headline table.
pub(crate) fn headline(s: &Summary) -> Block {
    let c = s.currency.as_str();
    let a = &s.annual_loss;
    let p = Period::of(s.horizon_hours);
    let (y, ys) = (p.noun(), p.nouns());
    let row = |m: &str, v: String, ci: String| vec![m.to_string(), v, ci];
    let ci = |lo: f64, hi: f64| {
        if s.trials < 2 {
            super::ONE_TRIAL_NO_CI.to_string()
        } else {
            format!("{} to {}", money(c, lo), money(c, hi))
        }
    };
    Block::Table {
        head: vec![
            "measure".into(),
            "value".into(),
            "95% confidence interval".into(),
        ],
        align: Align::columns(1, 2),
        rows: vec![
            row(
                &format!("{} (mean)", cap(&p.expected_loss())),
                money(c, a.mean),
                ci(a.mean_ci95[0], a.mean_ci95[1]),
            ),
            row(&format!("Median {y} (p50)"), money(c, a.p50), String::new()),
            row(
                &format!("1-in-10 {y} (p90)"),
                money(c, a.p90),
                String::new(),
            ),
            row(
                &format!("1-in-20 {y} (VaR 95)"),
                money(c, a.p95),
                String::new(),
            ),
            row(
                &format!("1-in-100 {y} (VaR 99)"),
                money(c, a.p99),
                ci(a.p99_ci95[0], a.p99_ci95[1]),
            ),
            row(
                &format!("Mean of the worst 5% of {ys} (TVaR 95)"),
                money(c, a.tvar_95),
                String::new(),
            ),
            row(
                &format!("Mean of the worst 1% of {ys} (TVaR 99)"),
                money(c, a.tvar_99),
                String::new(),
            ),
            row(
                &format!("Worst simulated {y}"),
                money(c, a.max),
                String::new(),
            ),
            row(
                &format!("Probability that a {y} loses anything"),
                pct(a.probability_of_loss),
                String::new(),
            ),
        ],
    }
}

/// The per-service table.
pub(crate) fn services_table(s: &Summary, names: &Names) -> Block {
    let c = s.currency.as_str();
    let u = Period::of(s.horizon_hours).unit().to_string();
    let head = [
        "service".to_string(),
        "tier".into(),
        "availability".into(),
        format!("outages / {u}"),
        "outage p50".into(),
        "outage p90".into(),
        "outage p99".into(),
        "RTO".into(),
        "RTO met".into(),
        "MTPD".into(),
        format!("MTPD breached / {u}"),
        "RPO".into(),
        format!("data lost / {u}"),
        format!("expected loss / {u}"),
    ];
    let mut align = vec![Align::Left, Align::Left];
    align.extend([Align::Right; 12]);
    Block::Table {
        head: head.to_vec(),
        align,
        rows: s
            .services
            .iter()
            .map(|x| {
                vec![
                    names.of(&x.id),
                    x.tier.clone(),
                    availability(x.availability),
                    rate(x.outages.mean),
                    hours(x.outage_duration_hours.p50),
                    hours(x.outage_duration_hours.p90),
                    hours(x.outage_duration_hours.p99),
                    or_dash(x.rto_hours, hours),
                    or_dash(x.rto_met, pct),
                    or_dash(x.mtpd_hours, hours),
                    or_dash(x.mtpd_breached, pct),
                    or_dash(x.rpo_hours, hours),
                    hours(x.data_loss_hours.mean),
                    money(c, x.loss.mean),
                ]
            })
            .collect(),
    }
}

/// The per-threat table.
pub(crate) fn threats_table(s: &Summary) -> Block {
    let c = s.currency.as_str();
    let total = s.annual_loss.mean;
    let p = Period::of(s.horizon_hours);
    Block::Table {
        head: vec![
            "threat".into(),
            "kind".into(),
            format!("occurrences / {}", p.unit()),
            format!("expected loss / {}", p.unit()),
            format!("share of the {}", p.expected_loss()),
        ],
        align: Align::columns(2, 3),
        // Largest expected loss first (ties in file order): a reader looks
        // for the threats that matter, not for the file's order.
        rows: {
            let mut threats: Vec<_> = s.threats.iter().collect();
            threats.sort_by(|a, b| b.loss.mean.total_cmp(&a.loss.mean));
            threats
        }
        .into_iter()
        .map(|x| {
            vec![
                x.id.clone(),
                x.kind.clone(),
                rate(x.occurrences.mean),
                money(c, x.loss.mean),
                if total > 0.0 {
                    pct(x.loss.mean / total)
                } else {
                    "–".to_string()
                },
            ]
        })
        .collect(),
    }
}

/// The planning warnings, or a line saying there are none.
pub(crate) fn warnings_block(warnings: &[Warning]) -> Block {
    if warnings.is_empty() {
        Block::Para(vec![
            t("None: "),
            code("bcdr validate"),
            t(" found no planning gap in this scenario."),
        ])
    } else {
        Block::Bullets(
            warnings
                .iter()
                .map(|w| vec![code(&w.path), t(format!(": {}", w.message))])
                .collect(),
        )
    }
}

/// The whole report of an annual run.
pub(crate) fn run_doc(s: &Summary, warnings: &[Warning], prov: &Provenance, names: &Names) -> Doc {
    let p = Period::of(s.horizon_hours);
    let mut doc = Doc::new(if p.is_year() {
        format!("{}: annual risk review", s.scenario)
    } else {
        format!("{}: risk review per {}", s.scenario, p.span())
    });
    if let Some(d) = names.description_block() {
        doc.push(d);
    }
    let each = if p.is_year() {
        format!("simulated years of {} each", hours(s.horizon_hours))
    } else {
        format!(
            "simulated trials of {} each (every loss, count and share below is per trial, \
             not per year)",
            p.span()
        )
    };
    doc.para(vec![t(format!(
        "{} {each}, seed {}, bcdr {}. Money in {}; durations in minutes (m), \
         hours (h) or days (d).",
        s.trials,
        s.seed,
        s.bcdr_version,
        if s.currency.is_empty() {
            "the scenario's currency"
        } else {
            s.currency.as_str()
        }
    ))]);
    doc.h2("Headline");
    if s.annual_loss_net.is_some() {
        doc.para(vec![t(
            "Before insurance (gross). The loss after insurance (net), which the risk \
             appetite is judged on, is under Insurance below.",
        )]);
    }
    doc.push(headline(s));
    super::insurance::section(s, &mut doc);
    doc.h2("Reading");
    doc.push(Block::Bullets(reading(s, names)));
    let captions: Vec<(&str, String)> = RUN_CHARTS
        .iter()
        .map(|(stem, caption)| (*stem, p.reword(caption)))
        .collect();
    let captions: Vec<(&str, &str)> = captions.iter().map(|(a, b)| (*a, b.as_str())).collect();
    doc.charts(&captions);
    doc.h2("Services");
    doc.para(vec![t(format!(
        "Outage figures are per outage; RTO met is the share of outages that ended within the \
         RTO; MTPD breached is the share of {} with at least one outage longer than the MTPD.",
        p.nouns()
    ))]);
    doc.push(services_table(s, names));
    doc.h2("Threats");
    doc.para(vec![t("Largest expected loss first.")]);
    doc.push(threats_table(s));
    doc.h2("Dependency graph");
    doc.push(Block::Drawing {
        file: "graph.svg".to_string(),
        caption: "Services and k-of-n groups; arrows point from a service to what it depends on \
                  (also graph.dot for Graphviz)."
            .to_string(),
    });
    doc.h2("Planning warnings");
    doc.push(warnings_block(warnings));
    doc.h2("Reproduce");
    doc.para(vec![t(
        "The same scenario, seed and trial count give the same numbers on any machine and any \
         number of threads:",
    )]);
    doc.push(Block::CodeBlock(prov.command.clone()));
    doc
}
