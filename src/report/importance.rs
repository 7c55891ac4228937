//! The files of `bcdr importance`: `importance.json`,
//! `importance_services.csv`, `importance_controls.csv` and the report.

use std::fmt::Write;

use crate::chart::importance::ImportanceChart;
use crate::error::Error;
use crate::review::importance::Importance;
use crate::review::Delta;
use crate::stats::period::Period;

use super::doc::{t, Align, Block, Doc};
use super::loop_util::{cell, delta, json, opt};
use super::net_label;
use super::pack::{job, Files};
use crate::fmt::{money, plural};

fn m(d: Option<Delta>) -> (String, String, String) {
    (
        opt(d.map(|d| d.mean)),
        opt(d.map(|d| d.ci95[0])),
        opt(d.map(|d| d.ci95[1])),
    )
}

/// One row per service.
pub(crate) fn services_csv(im: &Importance) -> Vec<u8> {
    let mut out = String::from(
        "id,name,risk_reduction_worth,rrw_ci95_low,rrw_ci95_high,risk_achievement_worth,\
         raw_ci95_low,raw_ci95_high,rrw_score,raw_score\n",
    );
    for s in &im.services {
        let (a, b, c) = m(s.risk_reduction_worth);
        let (d, e, f) = m(s.risk_achievement_worth);
        let _ = writeln!(
            out,
            "{},{},{a},{b},{c},{d},{e},{f},{},{}",
            cell(&s.id),
            cell(s.name.as_deref().unwrap_or("")),
            s.rrw_score,
            s.raw_score
        );
    }
    out.into_bytes()
}

/// One row per control.
pub(crate) fn controls_csv(im: &Importance) -> Vec<u8> {
    let mut out = String::from("control,service,removed,loss_saved,ci95_low,ci95_high,score\n");
    for c in &im.controls {
        let (a, b, d) = m(c.loss_saved);
        let _ = writeln!(
            out,
            "{},{},{},{a},{b},{d},{}",
            cell(&c.control),
            cell(&c.service),
            cell(&c.removed),
            c.score
        );
    }
    out.into_bytes()
}

fn show(c: &str, d: Option<Delta>) -> String {
    d.map_or_else(|| "screened out".to_string(), |d| delta(c, &d))
}

/// The worth when measured, else the screening score it was ranked by.
fn or_score(c: &str, d: Option<Delta>, score: f64) -> String {
    d.map_or_else(
        || format!("screened out (score {})", money(c, score)),
        |d| delta(c, &d),
    )
}

/// The report; `description` is the scenario's, as every report opens
/// with it.
pub(crate) fn doc(im: &Importance, description: Option<&str>) -> Doc {
    let c = im.currency.as_str();
    let mut doc = Doc::new(format!(
        "{}: which services and controls matter most",
        im.scenario
    ));
    if let Some(d) = description {
        doc.para(vec![t(d)]);
    }
    let p = Period::of(im.horizon_hours);
    doc.para(vec![t(p.reword(&format!(
        "{} trials per variant with seed {} (common random numbers: every variant runs the base \
         run's trials, so each worth is paired), {} simulations, bcdr {}. Base expected annual \
         loss {}.",
        im.trials,
        im.seed,
        im.runs,
        im.bcdr_version,
        money(c, im.expected_annual_loss)
    )))]);
    if im.net_of_insurance {
        doc.para(vec![t(super::NET_OF_INSURANCE)]);
    }
    doc.h2("Services");
    // Which services were measured: every one when there are no more than
    // a ranking's top.
    let measured = if im.services.len() <= im.top {
        "Every service is measured.".to_string()
    } else {
        format!(
            "The {} of each screening ranking {} measured (see docs/review-loop.md); the \
             others show the screening score they were ranked by, in {c} a year, in place of a \
             worth.",
            plural(im.top, "highest-scoring service"),
            if im.top == 1 { "is" } else { "are" }
        )
    };
    doc.para(vec![t(p.reword(&format!(
        "Risk reduction worth: the expected annual loss saved if the service never failed, were \
         never hit by a threat and never damaged. Risk achievement worth (criticality): the loss \
         added if it were down for the whole horizon. Paired 95% intervals. {measured}"
    )))]);
    doc.push(Block::Figure {
        stem: "importance".to_string(),
        caption: "The services whose failures cost most: risk reduction worth with its paired \
                  95% interval."
            .to_string(),
    });
    doc.push(Block::Table {
        head: ["service", "risk reduction worth", "risk achievement worth"]
            .map(String::from)
            .to_vec(),
        align: Align::columns(1, 2),
        rows: im
            .services
            .iter()
            .map(|s| {
                vec![
                    s.name.clone().unwrap_or_else(|| s.id.clone()),
                    or_score(c, s.risk_reduction_worth, s.rrw_score),
                    or_score(c, s.risk_achievement_worth, s.raw_score),
                ]
            })
            .collect(),
    });
    doc.h2("Controls");
    let screened = if im.controls.iter().any(|x| x.loss_saved.is_none()) {
        " A control screened out shows the screening score of the service it protects."
    } else {
        ""
    };
    doc.para(vec![t(p.reword(&format!(
        "The loss each control saves: the expected annual loss with it removed, one at a time, \
         minus the base.{screened}"
    )))]);
    doc.push(Block::Table {
        head: ["control", "service", "removed as", "loss saved"]
            .map(String::from)
            .to_vec(),
        align: Align::columns(3, 1),
        rows: im
            .controls
            .iter()
            .map(|x| {
                vec![
                    x.control.clone(),
                    x.service.clone(),
                    x.removed.clone(),
                    or_score(c, x.loss_saved, x.score),
                ]
            })
            .collect(),
    });
    if im.controls.is_empty() {
        doc.para(vec![t(
            "The scenario has no failover, immutable backup, segmentation or second crew.",
        )]);
    }
    doc
}

/// Every file of an importance analysis.
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn files(im: &Importance, description: Option<&str>) -> Result<Files, Error> {
    super::loop_util::pack(
        vec![
            ("importance.json".to_string(), json("importance.json", im)?),
            ("importance_services.csv".to_string(), services_csv(im)),
            ("importance_controls.csv".to_string(), controls_csv(im)),
        ],
        &[job(ImportanceChart::new(im))],
        &doc(im, description),
    )
}

/// What `bcdr importance` prints: the ten most important services and
/// controls.
pub(crate) fn screen(im: &Importance) -> String {
    let c = im.currency.as_str();
    let mut s = format!(
        "base {}{} {}; {} simulations of {} trials\nservices (risk reduction worth | risk achievement worth):\n",
        Period::of(im.horizon_hours).expected_loss(),
        net_label(im.net_of_insurance),
        money(c, im.expected_annual_loss),
        im.runs,
        im.trials
    );
    for x in im.services.iter().take(10) {
        let _ = writeln!(
            s,
            "  {:<28} {:>32} | {}",
            x.id,
            show(c, x.risk_reduction_worth),
            show(c, x.risk_achievement_worth)
        );
    }
    s.push_str("controls (loss saved):\n");
    for x in im.controls.iter().take(10) {
        let _ = writeln!(
            s,
            "  {:<18} {:<24} {}",
            x.control,
            x.service,
            show(c, x.loss_saved)
        );
    }
    s
}
