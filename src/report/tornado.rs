//! The files of `bcdr tornado`: `tornado.json`, `tornado.csv` (one row per
//! parameter, largest swing first), the chart and the report.

use std::fmt::Write;

use crate::chart::tornado::TornadoChart;
use crate::error::Error;
use crate::review::tornado::Tornado;
use crate::review::Delta;
use crate::stats::period::Period;

use super::doc::{t, Align, Block, Doc};
use super::loop_util::{cell, delta, json, opt};
use super::net_label;
use super::pack::{job, Files};
use crate::fmt::{money, pct};

/// One row per parameter.
pub(crate) fn csv(tr: &Tornado) -> Vec<u8> {
    let mut out = String::from(
        "path,unit,base,low,high,loss_low,loss_high,delta_low,delta_low_ci95_low,\
         delta_low_ci95_high,delta_high,delta_high_ci95_low,delta_high_ci95_high,\
         rto_attainment_low,rto_attainment_high,rto_delta_low,rto_delta_high\n",
    );
    for x in &tr.bars {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            cell(&x.path),
            cell(&x.unit),
            x.base,
            x.low,
            x.high,
            x.loss_low,
            x.loss_high,
            x.delta_low.mean,
            x.delta_low.ci95[0],
            x.delta_low.ci95[1],
            x.delta_high.mean,
            x.delta_high.ci95[0],
            x.delta_high.ci95[1],
            opt(x.rto_attainment_low),
            opt(x.rto_attainment_high),
            opt(x.rto_delta_low.map(|d| d.mean)),
            opt(x.rto_delta_high.map(|d| d.mean)),
        );
    }
    out.into_bytes()
}

fn rto(d: Option<Delta>) -> String {
    d.map_or_else(
        || "-".to_string(),
        |d| {
            let points = crate::fmt::signed(d.mean * 100.0, |m| format!("{m:.1}"));
            format!("{points} pp")
        },
    )
}

/// The report; `description` is the scenario's, as every report opens
/// with it.
pub(crate) fn doc(tr: &Tornado, description: Option<&str>) -> Doc {
    let c = tr.currency.as_str();
    let p = Period::of(tr.horizon_hours);
    let mut doc = Doc::new(format!(
        "{}: what moves the {}",
        tr.scenario,
        p.expected_loss()
    ));
    if let Some(d) = description {
        doc.para(vec![t(d)]);
    }
    doc.para(vec![t(p.reword(&format!(
        "Each rate, duration, probability, cost and crew count (docs/review-loop.md lists \
         them) moved down and up by {:.0}% one at a time, {} trials each with seed {} \
         (common random numbers: each end is paired with the base run, trial by trial), \
         bcdr {}. Base expected annual loss {}; RTO attainment {}.",
        tr.vary * 100.0,
        tr.trials,
        tr.seed,
        tr.bcdr_version,
        money(c, tr.base_expected_annual_loss),
        tr.base_rto_attainment.map_or_else(|| "-".to_string(), pct)
    )))]);
    if tr.net_of_insurance {
        doc.para(vec![t(super::NET_OF_INSURANCE)]);
    }
    doc.push(Block::Figure {
        stem: "tornado".to_string(),
        caption: p.reword(
            "Change of the expected annual loss with each parameter down (orange) and up \
             (blue); on top, the parameter whose larger change (at either end) is largest.",
        ),
    });
    doc.h2("Parameters, largest change first");
    doc.para(vec![t(
        "Each end equals bcdr sweep --set PATH=LOW,HIGH with the same seed and trials. Loss \
         changes carry paired 95% intervals; RTO attainment changes are in percentage points \
         (their intervals in tornado.json treat the two sides as independent, which is \
         conservative).",
    )]);
    doc.push(Block::Table {
        head: [
            "parameter",
            "low → high",
            "loss change at low",
            "loss change at high",
            "RTO at low",
            "RTO at high",
        ]
        .map(String::from)
        .to_vec(),
        align: Align::columns(1, 5),
        rows: tr
            .bars
            .iter()
            .map(|x| {
                vec![
                    x.path.clone(),
                    format!("{} → {}", x.low_label, x.high_label),
                    delta(c, &x.delta_low),
                    delta(c, &x.delta_high),
                    rto(x.rto_delta_low),
                    rto(x.rto_delta_high),
                ]
            })
            .collect(),
    });
    doc
}

/// Every file of a tornado.
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn files(tr: &Tornado, description: Option<&str>) -> Result<Files, Error> {
    super::loop_util::pack(
        vec![
            ("tornado.json".to_string(), json("tornado.json", tr)?),
            ("tornado.csv".to_string(), csv(tr)),
        ],
        &[job(TornadoChart::new(tr))],
        &doc(tr, description),
    )
}

/// What `bcdr tornado` prints: the ten largest swings.
pub(crate) fn screen(tr: &Tornado) -> String {
    let c = tr.currency.as_str();
    let mut s = format!(
        "base {}{} {}; {} parameters moved ±{:.0}%, largest change (at either end) first:\n",
        Period::of(tr.horizon_hours).expected_loss(),
        net_label(tr.net_of_insurance),
        money(c, tr.base_expected_annual_loss),
        tr.bars.len(),
        tr.vary * 100.0
    );
    for x in tr.bars.iter().take(10) {
        let _ = writeln!(
            s,
            "  {:<44} low {:>28}  high {:>28}",
            x.path,
            delta(c, &x.delta_low),
            delta(c, &x.delta_high)
        );
    }
    s
}
