//! The report of `bcdr compare` (`report.md`, `report.html`) in the run's
//! report style, led by the question a committee asks: does plan B bring
//! us within the risk appetite? Then the difference in loss, the return on
//! the plan, the charts, and the services and threats with their display
//! names.

use crate::error::Error;
use crate::model::Model;
use crate::stats::comparison::{Comparison, Presence};
use crate::stats::period::{cap, Period};
use crate::stats::Accumulator;

use super::doc::{b, code, t, Align, Block, Doc, Spans};
use super::names::Names;
use super::pack::Files;
use crate::fmt::{money, or_dash, pct};

/// One risk appetite point judged on both plans.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AppetiteVerdict {
    pub loss: f64,
    pub accepted: f64,
    /// Simulated chance per year of losing more than `loss`, A then B.
    pub simulated: [f64; 2],
    pub within: [bool; 2],
}

/// Every appetite point of either scenario, (loss, probability accepted),
/// A's first, each once.
pub(crate) fn appetite_points(models: [&Model; 2]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for m in models {
        for p in &m.risk_appetite {
            let pt = (p.loss.get(), p.probability.get());
            if !points.contains(&pt) {
                points.push(pt);
            }
        }
    }
    points
}

/// Every appetite point of either scenario (A's first, each once), judged
/// on both plans' simulated annual losses (net of insurance on a side
/// with insurance, as `run` judges it).
pub(crate) fn appetite(models: [&Model; 2], accs: [&Accumulator; 2]) -> Vec<AppetiteVerdict> {
    appetite_points(models)
        .into_iter()
        .map(|(loss, accepted)| {
            // Counted trial by trial, as `run` counts it (both sides count
            // every point of either scenario); the histogram only for an
            // accumulator that did not count the point.
            let simulated = [0, 1].map(|i| {
                accs[i]
                    .exceeded(loss)
                    .unwrap_or_else(|| accs[i].borne_hist().exceedance_of(loss))
            });
            AppetiteVerdict {
                loss,
                accepted,
                simulated,
                within: simulated.map(|s| s <= accepted),
            }
        })
        .collect()
}

/// The answer in one sentence.
pub(crate) fn verdict(v: &[AppetiteVerdict]) -> String {
    if v.is_empty() {
        return "Neither scenario states a risk appetite, so the plans cannot be judged against \
                one: add risk_appetite: [(loss: ..., probability: ...)] to the scenario."
            .to_string();
    }
    let all = |i: usize| v.iter().all(|x| x.within[i]);
    match (all(0), all(1)) {
        (false, true) => "Yes: plan B brings the estate within the risk appetite; plan A is \
                          outside it."
            .to_string(),
        (true, true) => "Both plans are within the risk appetite.".to_string(),
        (true, false) => "No: plan B takes the estate outside the risk appetite that plan A \
                          meets."
            .to_string(),
        (false, false) => {
            let better = v
                .iter()
                .filter(|x| !x.within[1])
                .all(|x| x.simulated[1] < x.simulated[0]);
            if better {
                "No: plan B lowers the chance of the losses the board limits, but it is still \
                 outside the risk appetite."
                    .to_string()
            } else {
                "No: plan B is outside the risk appetite, as plan A is.".to_string()
            }
        }
    }
}

fn side_word(within: bool) -> &'static str {
    if within {
        "within"
    } else {
        "outside"
    }
}

/// The whole report of a comparison.
pub(crate) fn compare_doc(
    c: &Comparison,
    verdicts: &[AppetiteVerdict],
    names: [&Names; 2],
    command: &str,
) -> Doc {
    let cur = c.currency.as_str();
    let d = &c.difference;
    let r = &c.return_on_plan;
    let p = Period::of(c.horizon_hours);
    let (y, each) = (p.noun(), p.each());
    let all = Names::merged(names[0], names[1]);
    let mut doc = Doc::new(format!(
        "Compare: {} (A) vs {} (B)",
        c.a.scenario, c.b.scenario
    ));
    for (side, n, file) in [("A", names[0], &c.a.file), ("B", names[1], &c.b.file)] {
        let mut spans: Spans = vec![b(format!("Plan {side}")), t(" ("), code(file), t(")")];
        if let Some(desc) = &n.description {
            spans.push(t(format!(": {desc}")));
        }
        doc.para(spans);
    }
    doc.para(vec![t(format!(
        "{} paired trials of {} each, seed {}, bcdr {}. Both plans ran on the same trial \
         indices with the same seed (common random numbers): a service or threat present in \
         both saw the same failures and attacks, so the difference is what the plans change, \
         not sampling noise. Money in {}.",
        c.trials,
        // A year as before ("365d"); another horizon as the run says it.
        if p.is_year() {
            crate::fmt::hours(c.horizon_hours)
        } else {
            p.span().to_string()
        },
        c.seed,
        c.bcdr_version,
        if cur.is_empty() {
            "the scenario's currency"
        } else {
            cur
        }
    ))]);

    doc.h2("Risk appetite: does plan B bring us within it?");
    doc.para(vec![b(verdict(verdicts))]);
    if !verdicts.is_empty() {
        doc.push(Block::Table {
            head: vec![
                "the board accepts".into(),
                "A: simulated chance".into(),
                "A".into(),
                "B: simulated chance".into(),
                "B".into(),
            ],
            align: vec![
                Align::Left,
                Align::Right,
                Align::Left,
                Align::Right,
                Align::Left,
            ],
            rows: verdicts
                .iter()
                .map(|v| {
                    let chances = crate::fmt::pct_against(v.accepted, &v.simulated);
                    vec![
                        format!(
                            "a {} chance {each} of losing more than {}",
                            chances[0],
                            money(cur, v.loss)
                        ),
                        chances[1].clone(),
                        side_word(v.within[0]).to_string(),
                        chances[2].clone(),
                        side_word(v.within[1]).to_string(),
                    ]
                })
                .collect(),
        });
    }

    doc.h2("Reading");
    let direction = super::compare::direction(d);
    let mut bullets: Vec<Spans> = vec![vec![
        t(format!("{}: A ", cap(&p.expected_loss()))),
        b(money(cur, c.a.expected_annual_loss)),
        t(", B "),
        b(money(cur, c.b.expected_annual_loss)),
        t(format!(
            ". The difference A − B is {} {each} (95% CI {} to {}): {direction}.",
            money(cur, d.mean),
            money(cur, d.mean_ci95[0]),
            money(cur, d.mean_ci95[1])
        )),
    ]];
    if let Some(note) = super::compare::insurance_sentence(c) {
        bullets.push(vec![t(note)]);
    }
    bullets.push(vec![t(format!(
        "In {} of {} B loses less, in {} it loses more, and in {} both lose the same.",
        pct(d.probability_b_loses_less),
        p.nouns(),
        pct(d.probability_a_loses_less),
        pct(d.probability_equal)
    ))]);
    bullets.push(match (r.rosi, r.rosi_ci95) {
        (Some(rosi), Some(ci)) => vec![t(super::compare::rosi_sentence(cur, r, rosi, ci, &p))],
        _ => vec![t(format!(
            "Net benefit of B (the reduction in expected annual loss minus its extra cost of \
             {}): {} {} (95% CI {} to {}). {}.",
            money(cur, r.delta_cost),
            money(cur, r.net_benefit),
            p.each(),
            money(cur, r.net_benefit_ci95[0]),
            money(cur, r.net_benefit_ci95[1]),
            r.note.as_deref().unwrap_or("ROSI is undefined")
        ))],
    });
    doc.push(Block::Bullets(bullets));

    doc.h2(cap(&p.loss()));
    let row = |m: &str, a: String, b: String, diff: String| vec![m.to_string(), a, b, diff];
    doc.push(Block::Table {
        head: vec!["measure".into(), "A".into(), "B".into(), "A − B".into()],
        align: Align::columns(1, 3),
        rows: vec![
            row(
                &cap(&p.expected_loss()),
                money(cur, c.a.expected_annual_loss),
                money(cur, c.b.expected_annual_loss),
                money(cur, d.mean),
            ),
            row(
                "95% CI of the mean",
                format!(
                    "{} to {}",
                    money(cur, c.a.mean_ci95[0]),
                    money(cur, c.a.mean_ci95[1])
                ),
                format!(
                    "{} to {}",
                    money(cur, c.b.mean_ci95[0]),
                    money(cur, c.b.mean_ci95[1])
                ),
                format!(
                    "{} to {}",
                    money(cur, d.mean_ci95[0]),
                    money(cur, d.mean_ci95[1])
                ),
            ),
            row(
                &format!("1-in-20 {y} (VaR 95)"),
                money(cur, c.a.p95),
                money(cur, c.b.p95),
                String::new(),
            ),
            row(
                &format!("1-in-100 {y} (VaR 99)"),
                money(cur, c.a.p99),
                money(cur, c.b.p99),
                String::new(),
            ),
            row(
                "Plan cost a year",
                money(cur, c.a.annual_cost),
                money(cur, c.b.annual_cost),
                format!("{} (B − A)", money(cur, c.b.annual_cost - c.a.annual_cost)),
            ),
            row(
                "RTO attainment (mean over services with an RTO)",
                or_dash(c.a.rto_attainment, pct),
                or_dash(c.b.rto_attainment, pct),
                String::new(),
            ),
        ],
    });
    doc.h2("Charts");
    doc.push(Block::Figure {
        stem: "compare_loss_exceedance".into(),
        caption: format!(
            "Loss exceedance curves of A and B: the chance that a {y} loses more than \
             each amount."
        ),
    });
    doc.push(Block::Figure {
        stem: "compare_difference".into(),
        caption: format!("The {y}-by-{y} difference A − B over the paired trials."),
    });

    // With insurance the headline is net; what is charged to a service or
    // a threat is its own loss, before the policies pay.
    let insured =
        c.a.expected_annual_loss_gross.is_some() || c.b.expected_annual_loss_gross.is_some();
    let gross = if insured {
        " Losses here are before insurance (gross): the policies pay per occurrence and \
         charge premiums per year, not per service or threat, so they are in the headline's \
         net difference only."
    } else {
        ""
    };
    doc.h2("Services");
    doc.para(vec![t(format!(
        "Changes are B − A: a negative downtime or loss change is an improvement.{gross}"
    ))]);
    let dash = || "–".to_string();
    let hours2 = |x: f64| format!("{x:.2}");
    doc.push(Block::Table {
        head: side_by_side(
            &p,
            &[
                "service",
                "in",
                "downtime h/yr A",
                "downtime h/yr B",
                "downtime change",
                "RTO met A",
                "RTO met B",
            ],
        ),
        align: Align::columns(2, 8),
        rows: c
            .services
            .iter()
            .map(|sv| {
                let (a, bb, ch) = (sv.a.as_ref(), sv.b.as_ref(), sv.change.as_ref());
                vec![
                    all.of(&sv.id),
                    presence(sv.present_in),
                    a.map_or_else(dash, |x| hours2(x.downtime_hours)),
                    bb.map_or_else(dash, |x| hours2(x.downtime_hours)),
                    ch.map_or_else(dash, |x| crate::fmt::signed(x.downtime_hours, hours2)),
                    or_dash(a.and_then(|x| x.rto_met), pct),
                    or_dash(bb.and_then(|x| x.rto_met), pct),
                    a.map_or_else(dash, |x| money(cur, x.loss)),
                    bb.map_or_else(dash, |x| money(cur, x.loss)),
                    ch.map_or_else(dash, |x| crate::fmt::money_change(cur, x.loss)),
                ]
            })
            .collect(),
    });
    doc.h2("Threats");
    if insured {
        doc.para(vec![t(
            "Losses here are before insurance (gross), as in the services' table.",
        )]);
    }
    doc.push(Block::Table {
        head: side_by_side(
            &p,
            &[
                "threat",
                "kind",
                "in",
                "occurrences/yr A",
                "occurrences/yr B",
            ],
        ),
        align: Align::columns(3, 5),
        rows: c
            .threats
            .iter()
            .map(|x| {
                let (a, bb, ch) = (x.a.as_ref(), x.b.as_ref(), x.change.as_ref());
                vec![
                    x.id.clone(),
                    x.kind.clone(),
                    presence(x.present_in),
                    a.map_or_else(dash, |v| format!("{:.3}", v.occurrences)),
                    bb.map_or_else(dash, |v| format!("{:.3}", v.occurrences)),
                    a.map_or_else(dash, |v| money(cur, v.loss)),
                    bb.map_or_else(dash, |v| money(cur, v.loss)),
                    ch.map_or_else(dash, |v| crate::fmt::money_change(cur, v.loss)),
                ]
            })
            .collect(),
    });
    doc.para(vec![
        t("Each side's own results (summary.json and the CSV tables) are in "),
        code("a/"),
        t(" and "),
        code("b/"),
        t("; the numbers of this report are in "),
        code("compare.json"),
        t("."),
    ]);
    doc.h2("Reproduce");
    doc.push(Block::CodeBlock(command.to_string()));
    doc
}

fn presence(p: Presence) -> String {
    p.label().to_string()
}

/// `report.md` and `report.html` of a comparison, with the charts among
/// `files` (the comparison's other files) inlined.
///
/// # Errors
/// None today; kept fallible like the other packs.
pub(crate) fn report_files(
    c: &Comparison,
    models: [&Model; 2],
    accs: [&Accumulator; 2],
    command: &str,
    files: &Files,
) -> Result<Files, Error> {
    let verdicts = appetite(models, accs);
    let names = [Names::from_model(models[0]), Names::from_model(models[1])];
    let doc = compare_doc(c, &verdicts, [&names[0], &names[1]], command);
    Ok(super::sweep_doc::render(&doc, files))
}

/// The head of a table of A and B side by side: `first`, then the loss of
/// each plan and the change.
fn side_by_side(p: &Period, first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(&["loss/yr A", "loss/yr B", "loss change"])
        .map(|s| super::compare::per_yr(p, s))
        .collect()
}
