//! The files of `bcdr explain`: `explain.json`, `explain.csv` (one row per
//! step), the waterfall chart and the report.

use std::fmt::Write;

use crate::chart::waterfall::Waterfall;
use crate::error::Error;
use crate::review::explain::Explain;

use super::doc::{b, code, t, Align, Block, Doc};
use super::loop_util::{cell, delta, json, significant};
use super::net_label;
use super::pack::{job, Files};
use crate::fmt::money;

/// One row per step.
pub(crate) fn csv(e: &Explain) -> Vec<u8> {
    let mut out = String::from(
        "step,change,contribution,std_error,ci95_low,ci95_high,significant,\
         expected_annual_loss_after,exact_units\n",
    );
    for (k, s) in e.steps.iter().enumerate() {
        let c = &s.contribution;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            k + 1,
            cell(&s.label),
            c.mean,
            c.std_error,
            c.ci95[0],
            c.ci95[1],
            significant(c),
            s.expected_annual_loss,
            s.exact_units
        );
    }
    out.into_bytes()
}

/// The report; `descriptions` are OLD's and NEW's, as every report opens
/// with the scenario's.
pub(crate) fn doc(e: &Explain, descriptions: [Option<&str>; 2]) -> Doc {
    let c = e.currency.as_str();
    let p = e.period();
    let mut doc = Doc::new(format!(
        "Why the {} moved: {} → {}",
        p.expected_loss(),
        e.old_file,
        e.new_file
    ));
    match descriptions {
        [Some(o), Some(n)] if o != n => {
            doc.para(vec![b("Old"), t(format!(" ({}): {o}", e.old_file))]);
            doc.para(vec![b("New"), t(format!(" ({}): {n}", e.new_file))]);
        }
        [_, Some(n)] => {
            doc.para(vec![t(n)]);
        }
        [Some(o), None] => {
            doc.para(vec![b("Old"), t(format!(" ({}): {o}", e.old_file))]);
        }
        [None, None] => {}
    }
    doc.para(vec![t(format!(
        "{} trials of each version with seed {} (common random numbers: the same trials, so \
         every difference is paired), bcdr {}.",
        e.trials, e.seed, e.bcdr_version
    ))]);
    if e.net_of_insurance {
        doc.para(vec![t(super::NET_OF_INSURANCE)]);
    }
    doc.h2("Headline");
    doc.push(Block::Bullets(vec![
        vec![
            t("Old: "),
            b(money(c, e.old_expected_annual_loss)),
            t(format!(" ({})", e.old_file)),
        ],
        vec![
            t("New: "),
            b(money(c, e.new_expected_annual_loss)),
            t(format!(" ({})", e.new_file)),
        ],
        vec![
            t("Change: "),
            b(delta(c, &e.total)),
            t(format!(
                " (paired 95% interval; significant: {})",
                significant(&e.total)
            )),
        ],
    ]));
    doc.h2("The changes, one at a time");
    doc.para(vec![
        t(
            "Each change is applied to the scenario the previous ones left, in NEW's order \
           (settings, sites, services, groups, threats, appetite, plan). The contributions add \
           up to the total change exactly (they are differences of exact fixed-point sums, ",
        ),
        code("exact_units"),
        t(" in explain.json). A change that cannot stand alone is merged with the next one."),
    ]);
    doc.push(Block::Table {
        head: [
            "step",
            "change",
            "contribution [95% CI]",
            "significant",
            &*format!("{} after", p.expected_loss()),
        ]
        .map(String::from)
        .to_vec(),
        align: vec![
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Left,
            Align::Right,
        ],
        rows: e
            .steps
            .iter()
            .enumerate()
            .map(|(k, s)| {
                vec![
                    (k + 1).to_string(),
                    s.label.clone(),
                    delta(c, &s.contribution),
                    significant(&s.contribution).to_string(),
                    money(c, s.expected_annual_loss),
                ]
            })
            .collect(),
    });
    if e.steps.is_empty() {
        doc.para(vec![t(
            "The two files describe the same scenario: nothing changed.",
        )]);
    }
    doc.h2("Waterfall");
    doc.push(Block::Figure {
        stem: "waterfall".to_string(),
        caption: p.reword(
            "From OLD's expected annual loss to NEW's, one bar per change (up: vermilion, \
             down: green), the paired 95% interval as a whisker.",
        ),
    });
    doc.h2("Reproduce");
    doc.push(Block::CodeBlock(format!(
        "bcdr explain {} {} --trials {} --seed {}",
        crate::fmt::shell_quote(&e.old_file),
        crate::fmt::shell_quote(&e.new_file),
        e.trials,
        e.seed
    )));
    doc
}

/// Every file of an explanation.
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn files(e: &Explain, descriptions: [Option<&str>; 2]) -> Result<Files, Error> {
    super::loop_util::pack(
        vec![
            ("explain.json".to_string(), json("explain.json", e)?),
            ("explain.csv".to_string(), csv(e)),
        ],
        &[job(Waterfall::new(e))],
        &doc(e, descriptions),
    )
}

/// What `bcdr explain` prints.
pub(crate) fn screen(e: &Explain) -> String {
    let c = e.currency.as_str();
    let mut s = format!(
        "{}{} {} → {}: {} (paired 95% CI, {} trials, seed {})\n",
        e.period().expected_loss(),
        net_label(e.net_of_insurance),
        money(c, e.old_expected_annual_loss),
        money(c, e.new_expected_annual_loss),
        delta(c, &e.total),
        e.trials,
        e.seed
    );
    for (k, st) in e.steps.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {:>2}. {:<40} {}",
            k + 1,
            st.label,
            delta(c, &st.contribution)
        );
    }
    s
}
