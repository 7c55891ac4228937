//! The review pack: every chart (PNG and SVG), the dependency graph and
//! the two reports of a run, rendered to bytes. Nothing is written here:
//! the caller passes the files to [`crate::app::emit`] once all of them
//! rendered, so a chart that fails to draw leaves the previous pack intact.
//!
//! Charts are rendered in parallel (they are independent); the bytes do not
//! depend on the order.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::chart::against_target::{AgainstTarget, Row};
use crate::chart::convergence::{self, Convergence};
use crate::chart::loss_exceedance::LossExceedance;
use crate::chart::loss_histogram::LossHistogram;
use crate::chart::pareto::Pareto;
use crate::chart::{self, Rendered};
use crate::error::Error;
use crate::model::Model;
use crate::scenario::Warning;
use crate::stats::period::Period;
use crate::stats::summary::failures_by_service;
use crate::stats::{Accumulator, Summary};

use super::doc::Doc;
use super::review::{self, Provenance};

/// Files by name, as [`crate::app::emit`] takes them.
pub(crate) type Files = Vec<(String, Vec<u8>)>;

/// A chart to render, boxed so different chart types share one list.
pub(crate) type Job<'a> = Box<dyn Fn() -> Result<Rendered, Error> + Send + Sync + 'a>;

/// Wrap a chart value into a render job.
pub(crate) fn job<'a, C: chart::Chart + Send + Sync + 'a>(c: C) -> Job<'a> {
    Box::new(move || chart::render(&c))
}

/// Render every job (in parallel), in the list's order.
///
/// # Errors
/// The first chart that fails, in list order.
pub(crate) fn render_all(jobs: &[Job<'_>]) -> Result<Vec<Rendered>, Error> {
    jobs.par_iter().map(|j| j()).collect()
}

/// The charts of an annual run, in [`review::RUN_CHARTS`] order.
pub(crate) fn run_charts<'a>(
    model: &'a Model,
    s: &'a Summary,
    acc: &'a Accumulator,
) -> Vec<Job<'a>> {
    let a = &s.annual_loss;
    let period = Period::of(s.horizon_hours);
    let exceedance = LossExceedance {
        scenario: s.scenario.clone(),
        currency: s.currency.clone(),
        trials: s.trials,
        curve: acc.annual_hist.exceedance(),
        probability_of_loss: a.probability_of_loss,
        net: acc
            .net
            .as_ref()
            .map(|n| (n.annual_hist.exceedance(), n.annual_hist.exceedance_of(0.0))),
        var95: a.p95,
        var99: a.p99,
        appetite: model
            .risk_appetite
            .iter()
            .map(|p| (p.loss.get(), p.probability.get()))
            .collect(),
        period: period.clone(),
    };
    let histogram = LossHistogram {
        scenario: s.scenario.clone(),
        currency: s.currency.clone(),
        trials: s.trials,
        buckets: acc.annual_hist.buckets(),
        mean: a.mean,
        var95: a.p95,
        var99: a.p99,
        period: period.clone(),
        gross: acc.net.is_some(),
    };
    // Services by their display names, as the report's tables have them.
    let names = super::names::Names::from_model(model);
    let with_rto = s.services.iter().filter(|x| x.rto_hours.is_some()).count();
    let rows = s
        .services
        .iter()
        .filter(|x| x.outages.mean > 0.0)
        .filter_map(|x| {
            Some(Row {
                label: names.of(&x.id),
                p50: x.outage_duration_hours.p50,
                p90: x.outage_duration_hours.p90,
                p99: x.outage_duration_hours.p99,
                target: Some(x.rto_hours?),
                miss: x.rto_met.map(|m| 1.0 - m),
            })
        })
        .collect();
    let outage = AgainstTarget::new(
        (
            "outage_vs_rto",
            format!("Outage duration against RTO — {}", s.scenario),
        ),
        "outage duration (log scale)",
        "RTO",
        with_rto,
        format!(
            "None of the {with_rto} services with an RTO had an outage in {} trials.",
            s.trials
        ),
        rows,
    );
    // With insurance these bars are before it (a loss is attributed to a
    // service or a threat before the policies pay), as the histogram and
    // the convergence chart say.
    let gross = if acc.net.is_some() {
        " before insurance"
    } else {
        ""
    };
    let pareto = |item: &str, items: Vec<(String, f64)>| Pareto {
        name: format!("loss_by_{item}"),
        title: format!(
            "{}{gross} — {}",
            period.reword(&format!("Expected annual loss by {item}")),
            s.scenario
        ),
        currency: s.currency.clone(),
        item: item.into(),
        items,
        period: period.clone(),
    };
    let by_service = pareto(
        "service",
        s.services
            .iter()
            .map(|x| (names.of(&x.id), x.loss.mean))
            .collect(),
    );
    let by_threat = pareto(
        "threat",
        s.threats
            .iter()
            .map(|x| (x.id.clone(), x.loss.mean))
            .collect(),
    );
    let by_failing_service = Pareto {
        name: "loss_by_failing_service".into(),
        title: format!(
            "{}{gross} — {}",
            period.reword("Random failures' expected annual loss by failing service"),
            s.scenario
        ),
        currency: s.currency.clone(),
        item: "failing service".into(),
        items: failures_by_service(s, acc)
            .into_iter()
            .map(|(id, loss)| (names.of(&id), loss))
            .collect(),
        period: period.clone(),
    };
    let convergence = Convergence {
        scenario: s.scenario.clone(),
        currency: s.currency.clone(),
        points: convergence::running(&acc.convergence),
        period,
        gross: acc.net.is_some(),
    };
    vec![
        job(exceedance),
        job(histogram),
        job(outage),
        job(by_service),
        job(by_threat),
        job(by_failing_service),
        job(convergence),
    ]
}

/// The report files and chart files of a doc: `report.md`, `report.html`
/// and each chart's PNG and SVG.
pub(crate) fn doc_files(
    doc: &Doc,
    charts: Vec<Rendered>,
    drawings: &BTreeMap<String, String>,
) -> Files {
    let pngs: BTreeMap<String, Vec<u8>> = charts
        .iter()
        .map(|r| (r.name.clone(), r.png.clone()))
        .collect();
    let html = doc.html(&pngs, drawings);
    let mut files = vec![
        ("report.md".to_string(), doc.markdown().into_bytes()),
        ("report.html".to_string(), html.into_bytes()),
    ];
    for c in charts {
        files.extend(c.files());
    }
    files
}

/// The dependency graph, as files (`graph.dot`, `graph.svg`, `graph.png`)
/// and as the drawing the HTML inlines.
///
/// # Errors
/// [`Error::Chart`] if the PNG cannot be drawn.
pub(crate) fn graph_files(model: &Model) -> Result<(Files, BTreeMap<String, String>), Error> {
    let svg = super::graph::svg(model);
    let png = super::graph::png(model, &svg)?;
    let files = vec![
        (
            "graph.dot".to_string(),
            super::graph::dot(model).into_bytes(),
        ),
        ("graph.svg".to_string(), svg.clone().into_bytes()),
        ("graph.png".to_string(), png),
    ];
    let mut drawings = BTreeMap::new();
    drawings.insert("graph.svg".to_string(), svg);
    Ok((files, drawings))
}

/// The dependency graph of a run's pack, drawn ahead of the rest: it needs
/// only the model, so `bcdr run` draws it while the trials run
/// ([`draw_graph`], [`run_pack_drawn`]).
pub(crate) struct Graph {
    files: Files,
    drawings: BTreeMap<String, String>,
}

/// Draw the dependency graph of `model` for [`run_pack_drawn`].
///
/// # Errors
/// As [`graph_files`].
pub(crate) fn draw_graph(model: &Model) -> Result<Graph, Error> {
    let (files, drawings) = graph_files(model)?;
    Ok(Graph { files, drawings })
}

/// Every file of the review pack of an annual run, beyond those of
/// `app::run_files`: the workbook, the charts, the dependency graph and
/// the reports.
///
/// # Errors
/// [`Error::Chart`] naming a chart that failed to draw.
pub fn run_pack(
    model: &Model,
    summary: &Summary,
    acc: &Accumulator,
    warnings: &[Warning],
    prov: &Provenance,
) -> Result<Files, Error> {
    // The dependency graph needs only the model: drawn while the charts
    // render.
    let (charts, graph) = rayon::join(
        || render_all(&run_charts(model, summary, acc)),
        || draw_graph(model),
    );
    finish_pack(model, summary, warnings, prov, charts?, graph?)
}

/// [`run_pack`] with the dependency graph drawn already ([`draw_graph`] of
/// the same model): the same files.
///
/// # Errors
/// As [`run_pack`].
pub(crate) fn run_pack_drawn(
    model: &Model,
    summary: &Summary,
    acc: &Accumulator,
    warnings: &[Warning],
    prov: &Provenance,
    graph: Graph,
) -> Result<Files, Error> {
    let charts = render_all(&run_charts(model, summary, acc))?;
    finish_pack(model, summary, warnings, prov, charts, graph)
}

/// The pack's files from its charts and graph: the graph's, the reports',
/// the charts' and the workbook (written while the reports are).
fn finish_pack(
    model: &Model,
    summary: &Summary,
    warnings: &[Warning],
    prov: &Provenance,
    charts: Vec<Rendered>,
    graph: Graph,
) -> Result<Files, Error> {
    let Graph {
        mut files,
        drawings,
    } = graph;
    let (docs, workbook) = rayon::join(
        || {
            let names = super::names::Names::from_model(model);
            let doc = review::run_doc(summary, warnings, prov, &names);
            doc_files(&doc, charts, &drawings)
        },
        || super::xlsx::workbook(model, summary),
    );
    files.extend(docs);
    files.push((super::xlsx::FILE.to_string(), workbook?));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{self, Mode, SimPlan};

    #[test]
    fn a_graph_drawn_ahead_gives_the_same_pack() {
        let model = crate::scenario::parse_str(include_str!("../../scenarios/tutorial.ron"))
            .expect("the tutorial parses");
        let plan = SimPlan::compile(&model);
        let acc =
            sim::simulate(&plan, Mode::Annual, 7, 0..300, Some(1), None).expect("it simulates");
        let summary = Summary::build(&model, 7, &acc);
        let warnings = crate::scenario::planning_warnings(&model);
        let prov = Provenance {
            command: "bcdr run tutorial.ron".to_string(),
        };
        let joined = run_pack(&model, &summary, &acc, &warnings, &prov).expect("it renders");
        let ahead = run_pack_drawn(
            &model,
            &summary,
            &acc,
            &warnings,
            &prov,
            draw_graph(&model).expect("drawn"),
        )
        .expect("it renders");
        let names = |files: &Files| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&joined), names(&ahead));
        assert!(names(&ahead).contains(&"graph.svg".to_string()));
        for ((name, a), (_, b)) in joined.iter().zip(&ahead) {
            assert!(a == b, "{name} differs with the graph drawn ahead");
        }
    }
}
