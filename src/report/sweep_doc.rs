//! The report of `bcdr sweep` (`report.md`, `report.html`) in the run's
//! report style: what was swept, the reading, the results per value, the
//! charts, the swept service's figures per value (data lost against the
//! RPO for a backup interval) and the command that reproduces it.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::Model;
use crate::stats::period::Period;
use crate::sweep::{Param, SweepPoint, SweepResult};

use super::doc::{b, code, t, Align, Block, Doc};
use super::names::Names;
use super::pack::Files;
use crate::fmt::{availability, hours, money, or_dash, pct, rate};

/// What a sweep of drills on an insured scenario weighs.
const GROSS_OF_INSURANCE: &str = "Losses are each drill's loss before insurance: a premium \
    is a year's, not an event's, so insurance is weighed by a sweep without --threat, net of \
    recoveries and premiums.";

/// The sweep's charts with their captions.
const CHARTS: [(&str, &str); 2] = [
    (
        "sweep_loss",
        "Expected loss at each value of the parameter, with its 95% confidence interval.",
    ),
    (
        "sweep_rto",
        "RTO attainment at each value: the share of outages that end within the RTO.",
    ),
];

fn loss_word(r: &SweepResult) -> String {
    match &r.threat {
        Some(t) => format!("loss per drill of {t}"),
        None => Period::of(r.horizon_hours).expected_loss(),
    }
}

/// What one run of a value is: a drill, a year, or a trial of another
/// horizon.
fn per(r: &SweepResult) -> &'static str {
    if r.threat.is_some() {
        "drill"
    } else {
        Period::of(r.horizon_hours).noun()
    }
}

/// The unit of a rate: `drill`, `year`, or the horizon (`2y`).
fn per_unit(r: &SweepResult) -> String {
    if r.threat.is_some() {
        "drill".to_string()
    } else {
        Period::of(r.horizon_hours).unit().to_string()
    }
}

/// The whole report of a sweep.
pub(crate) fn sweep_doc(r: &SweepResult, param: &Param, names: &Names, command: &str) -> Doc {
    let c = r.currency.as_str();
    let mut doc = Doc::new(format!("{}: sweep of {}", r.scenario, r.parameter));
    if let Some(d) = names.description_block() {
        doc.push(d);
    }
    let scales = param
        .scales()
        .map(|m| format!(" (the {m} of the distribution; its shape is kept)"))
        .unwrap_or_default();
    doc.para(vec![
        t(format!("{} values of ", r.points.len())),
        code(&r.parameter),
        t(format!(
            " in {}{scales}, {} {} each (seed {}, bcdr {}), on the same trials: every value sees \
             the same failures and attacks (common random numbers), so differences between \
             values are the parameter's, not sampling noise. Money in {}.",
            r.unit,
            r.trials,
            match &r.threat {
                Some(t) => format!("drills of {t}"),
                None => format!("simulated {}", Period::of(r.horizon_hours).nouns()),
            },
            r.seed,
            r.bcdr_version,
            if c.is_empty() {
                "the scenario's currency"
            } else {
                c
            }
        )),
    ]);
    if r.net_of_insurance {
        doc.para(vec![t(super::NET_OF_INSURANCE)]);
    }
    if r.gross_of_insurance {
        doc.para(vec![t(GROSS_OF_INSURANCE)]);
    }
    doc.h2("Reading");
    doc.push(Block::Bullets(reading(r, param, names)));
    doc.h2("Results");
    doc.push(results_table(r));
    doc.h2("Charts");
    for (stem, caption) in CHARTS {
        doc.push(Block::Figure {
            stem: stem.to_string(),
            caption: caption.to_string(),
        });
    }
    if let Some(id) = param.service() {
        if let Some(table) = service_table(r, id) {
            doc.h2(format!("Service {}", names.of(id)));
            doc.para(vec![t(format!(
                "The swept service at each value. Data lost is per {0}; \"RPO breached\" is the \
                 share of {0}s with a restore or switchover that loses more data than the RPO, \
                 as the run reports it.{1}",
                per(r),
                if r.net_of_insurance {
                    " Its loss is before insurance (gross): the policies pay per occurrence, \
                     not per service, so they are in the results' net loss only."
                } else {
                    ""
                }
            ))]);
            doc.push(table);
        }
    }
    doc.para(vec![
        t("Every service at every value: "),
        code("sweep_services.csv"),
        t("; the numbers of this report: "),
        code("sweep.json"),
        t("."),
    ]);
    doc.h2("Reproduce");
    doc.push(Block::CodeBlock(command.to_string()));
    doc
}

fn reading(r: &SweepResult, param: &Param, names: &Names) -> Vec<super::doc::Spans> {
    let c = r.currency.as_str();
    let mut out = Vec::new();
    let best = r
        .points
        .iter()
        .min_by(|a, b| a.loss.mean.total_cmp(&b.loss.mean));
    let worst = r
        .points
        .iter()
        .max_by(|a, b| a.loss.mean.total_cmp(&b.loss.mean));
    let flat = r.points.len() > 1
        && best
            .zip(worst)
            .is_some_and(|(lo, hi)| lo.loss.mean == hi.loss.mean);
    if let (Some(lo), true) = (best, flat) {
        // Not "lowest at the first value, highest at the last".
        out.push(vec![t(format!(
            "The {} is the same at every value: {}.",
            loss_word(r),
            money(c, lo.loss.mean)
        ))]);
    } else if let (Some(lo), Some(hi)) = (best, worst) {
        out.push(vec![
            t(format!("The {} is lowest at ", loss_word(r))),
            b(lo.label.clone()),
            t(format!(
                ": {} (95% CI {} to {}); highest at ",
                money(c, lo.loss.mean),
                money(c, lo.loss.mean_ci95[0]),
                money(c, lo.loss.mean_ci95[1])
            )),
            b(hi.label.clone()),
            t(format!(": {}.", money(c, hi.loss.mean))),
        ]);
    }
    if let (Some(first), Some(last)) = (r.points.first(), r.points.last()) {
        if let (Some(a), Some(z)) = (first.rto_attainment, last.rto_attainment) {
            out.push(vec![t(format!(
                "RTO attainment{} goes from {} at {} to {} at {}.",
                r.service
                    .as_deref()
                    .map(|s| format!(" of {}", names.of(s)))
                    .unwrap_or_else(|| " (mean over services with an RTO)".to_string()),
                pct(a),
                first.label,
                pct(z),
                last.label
            ))]);
        }
        if let Some(id) = param.service() {
            let svc = |p: &'_ SweepPoint| p.services.iter().find(|s| s.id == id).cloned();
            if let (Some(a), Some(z)) = (svc(first), svc(last)) {
                let lost = |s: &crate::sweep::SweepService| {
                    s.data_loss_hours.as_ref().map_or(0.0, |d| d.mean)
                };
                if lost(&a) > 0.0 || lost(&z) > 0.0 {
                    let mut spans = vec![t(format!(
                        "{} loses {} of data a {} on average at {} and {} at {}",
                        names.of(id),
                        hours(lost(&a)),
                        per(r),
                        first.label,
                        hours(lost(&z)),
                        last.label
                    ))];
                    match (a.rpo_hours, a.rpo_breached, z.rpo_breached) {
                        (Some(rpo), Some(pa), Some(pz)) => spans.push(t(format!(
                            "; a restore or switchover loses more than its {} RPO in {} of {}s \
                             at {} and {} at {}.",
                            hours(rpo),
                            pct(pa),
                            per(r),
                            first.label,
                            pct(pz),
                            last.label
                        ))),
                        _ => spans.push(t(" (it has no RPO to judge it against).")),
                    }
                    out.push(spans);
                }
            }
        }
    }
    out
}

fn results_table(r: &SweepResult) -> Block {
    let c = r.currency.as_str();
    Block::Table {
        head: vec![
            r.parameter.clone(),
            loss_word(r),
            "95% confidence interval".into(),
            format!("1-in-20 {} (p95)", per(r)),
            format!("1-in-100 {} (p99)", per(r)),
            "RTO attainment".into(),
        ],
        align: Align::columns(1, 5),
        rows: r
            .points
            .iter()
            .map(|p| {
                vec![
                    p.label.clone(),
                    money(c, p.loss.mean),
                    format!(
                        "{} to {}",
                        money(c, p.loss.mean_ci95[0]),
                        money(c, p.loss.mean_ci95[1])
                    ),
                    money(c, p.loss.p95),
                    money(c, p.loss.p99),
                    or_dash(p.rto_attainment, pct),
                ]
            })
            .collect(),
    }
}

fn service_table(r: &SweepResult, id: &str) -> Option<Block> {
    let c = r.currency.as_str();
    let rows: Vec<Vec<String>> = r
        .points
        .iter()
        .filter_map(|p| {
            let s = p.services.iter().find(|s| s.id == id)?;
            Some(vec![
                p.label.clone(),
                availability(s.availability),
                rate(s.outages),
                hours(s.outage_duration_hours.mean),
                or_dash(s.rto_hours, hours),
                or_dash(s.rto_met, pct),
                or_dash(s.data_loss_hours.as_ref().map(|d| d.mean), hours),
                or_dash(s.data_loss_p99, hours),
                or_dash(s.rpo_hours, hours),
                or_dash(s.rpo_breached, pct),
                money(c, s.loss),
            ])
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let per = per_unit(r);
    let align = Align::columns(1, 10);
    Some(Block::Table {
        head: vec![
            r.parameter.clone(),
            "availability".into(),
            format!("outages / {per}"),
            "mean outage".into(),
            "RTO".into(),
            "RTO met".into(),
            format!("data lost / {per}"),
            "data lost p99".into(),
            "RPO".into(),
            "RPO breached".into(),
            // A policy pays occurrences, not services: the service's loss
            // is gross beside the results' net loss, and says so.
            if r.net_of_insurance {
                format!("expected loss / {per}, before insurance")
            } else {
                format!("expected loss / {per}")
            },
        ],
        align,
        rows,
    })
}

/// `report.md` and `report.html` of a sweep, with the charts among
/// `files` (the sweep's other files) inlined.
///
/// # Errors
/// None today; kept fallible like the other packs.
pub(crate) fn report_files(
    r: &SweepResult,
    param: &Param,
    model: &Model,
    command: &str,
    files: &Files,
) -> Result<Files, Error> {
    let doc = sweep_doc(r, param, &Names::from_model(model), command);
    Ok(render(&doc, files))
}

/// The two reports of a doc whose charts' PNGs are among `files`.
pub(crate) fn render(doc: &Doc, files: &Files) -> Files {
    let pngs: BTreeMap<String, Vec<u8>> = files
        .iter()
        .filter_map(|(name, bytes)| Some((name.strip_suffix(".png")?.to_string(), bytes.clone())))
        .collect();
    vec![
        ("report.md".to_string(), doc.markdown().into_bytes()),
        (
            "report.html".to_string(),
            doc.html(&pngs, &BTreeMap::new()).into_bytes(),
        ),
    ]
}
