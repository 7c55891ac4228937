//! The drill pack: `drill.json`, the drill's charts and its report, and the
//! one-screen summary printed at the end of `bcdr drill`. Every number of
//! the report is formatted from the [`DrillSummary`] (written as
//! `drill.json`) or the [`Summary`] of the drill trials (`summary.json`).

use std::fmt::Write as _;

use crate::chart::against_target::{AgainstTarget, Row};
use crate::chart::critical_path::CriticalPath;
use crate::chart::gantt::{Gantt, Task};
use crate::chart::recovery_curve::RecoveryCurve;
use crate::error::Error;
use crate::model::{Model, Tier};
use crate::scenario::Warning;
use crate::stats::drill::{AttackDrill, DrillSummary, ServiceDrill};
use crate::stats::Summary;

use super::doc::{b, code, t, Align, Block, Doc, Spans};
use super::names::Names;
use super::pack::{doc_files, graph_files, job, render_all, Files, Job};
use super::review::{self, named, Provenance};
use crate::fmt::{hours, money, or_dash, pct, plural};

/// The charts of a drill, in the order the report shows them.
pub(crate) const DRILL_CHARTS: [(&str, &str); 5] = [
    (
        "recovery_curve",
        "Recovery curve: the share of capacity restored over the hours after the threat, median \
         drill and 10–90% band, with the median MBCO and full-recovery times of the business \
         functions.",
    ),
    (
        "gantt",
        "Median recovery order: per service, the median time it went down, waited for its \
         dependencies and for a crew, its crew's job (restore, repair or rebuild) and its \
         return, with the RTO counted from when it went down. For a service a crew works on in \
         some of the drills that hit it, the medians are over those drills, and the share is in \
         brackets after its return time; a service still down at the horizon is drawn as not \
         recovered.",
    ),
    (
        "drill_recovery_vs_rto",
        "Outage per service in the drill (from going down to functional again) against its RTO: \
         median to p90 (bar), p90 to p99 (line), and the share of drills that miss it.",
    ),
    (
        "drill_data_loss_vs_rpo",
        "Data lost per service (over the drills that lost some) against its RPO, and the share \
         of all drills that lose more than the RPO.",
    ),
    (
        "critical_path",
        "Critical path: how often each service's recovery gates the last business function, and \
         how often its own recovery is the last step (the bottleneck).",
    ),
];

/// `drill.json`: pretty JSON with a trailing newline.
///
/// # Errors
/// Serialisation cannot fail for these types; an error is still mapped.
pub fn json(d: &DrillSummary) -> Result<Vec<u8>, Error> {
    super::json::pretty(d, "drill.json")
}

fn affected(d: &DrillSummary) -> impl Iterator<Item = &ServiceDrill> {
    d.services
        .iter()
        .filter(|s| s.hit > 0.0 || s.data_lost > 0.0)
}

/// The Gantt's rows: each service with a timeline; one back at the
/// horizon (or not back in most drills) is drawn as not recovered.
pub(crate) fn gantt_tasks(d: &DrillSummary, names: &Names) -> Vec<Task> {
    d.services
        .iter()
        .filter_map(|s| {
            let t = s.timeline.as_ref()?;
            Some(Task {
                label: names.of(&s.id),
                down: t.down,
                deps_back: t.deps_back,
                held: t.job_held_until,
                job: t.job_start.zip(t.job_done),
                crew_share: s.crew_job,
                recovered: t.back,
                back_in_most: s
                    .crew_job
                    .filter(|&c| c < 0.5)
                    .and(s.recovery_hours.as_ref())
                    .map(|q| q.p50),
                not_recovered: t.back >= d.horizon_hours * 0.99
                    || s.not_recovered.is_some_and(|x| x >= 0.5),
                rto: s.rto_hours,
            })
        })
        .collect()
}

/// The charts of a drill, in [`DRILL_CHARTS`] order; services by their
/// display names, as the report's tables have them.
pub(crate) fn drill_charts(d: &DrillSummary, names: &Names) -> Vec<Job<'static>> {
    let head = format!("{} — {}", d.threat, d.scenario);
    let curve = RecoveryCurve {
        title: format!("Recovery after {head}"),
        weighting: d.recovery_curve.weighting.clone(),
        hours: d.recovery_curve.hours.clone(),
        p10: d.recovery_curve.p10.clone(),
        p50: d.recovery_curve.p50.clone(),
        p90: d.recovery_curve.p90.clone(),
        mbco_p50: d
            .mbco
            .as_ref()
            .filter(|m| m.reached >= 0.5)
            .and_then(|m| m.hours.as_ref())
            .map(|h| h.p50),
        business_p50: d
            .business
            .as_ref()
            .filter(|x| x.hit > 0.0 && x.recovery_hours.p50 < d.horizon_hours * 0.99)
            .map(|x| x.recovery_hours.p50),
        business_not_recovered: d
            .business
            .as_ref()
            .is_some_and(|x| x.hit > 0.0 && x.recovery_hours.p50 >= d.horizon_hours * 0.99),
    };
    let gantt = Gantt {
        title: format!("Median recovery order after {head}"),
        tasks: gantt_tasks(d, names),
    };
    let with_rto = d.services.iter().filter(|s| s.rto_hours.is_some()).count();
    let rto = AgainstTarget::new(
        (
            "drill_recovery_vs_rto",
            format!("Outage against RTO after {head}"),
        ),
        "outage (log scale)",
        "RTO",
        with_rto,
        format!(
            "No service with an RTO went down in {}.",
            plural(d.trials as usize, "drill")
        ),
        d.services
            .iter()
            .filter(|s| s.hit > 0.0)
            .filter_map(|s| {
                let o = s.outage_hours.as_ref()?;
                Some(Row {
                    label: names.of(&s.id),
                    p50: o.p50,
                    p90: o.p90,
                    p99: o.p99,
                    target: Some(s.rto_hours?),
                    miss: s.rto_met.map(|m| 1.0 - m),
                })
            })
            .collect(),
    );
    let with_rpo = d.services.iter().filter(|s| s.rpo_hours.is_some()).count();
    let rpo = AgainstTarget::new(
        (
            "drill_data_loss_vs_rpo",
            format!("Data lost against RPO after {head}"),
        ),
        // The ticks are in m, h and d, and the bars are over the drills
        // that lost some data (the share that miss is over all drills).
        "data lost, as time of writes (log scale; over the drills that lost some)",
        "RPO",
        with_rpo,
        format!(
            "No service with an RPO lost data in {}.",
            plural(d.trials as usize, "drill")
        ),
        d.services
            .iter()
            .filter_map(|s| {
                let l = s.data_loss_hours.as_ref()?;
                Some(Row {
                    label: names.of(&s.id),
                    p50: l.p50,
                    p90: l.p90,
                    p99: l.p99,
                    target: Some(s.rpo_hours?),
                    miss: s.rpo_breached,
                })
            })
            .collect(),
    );
    let path = CriticalPath {
        title: format!("Critical path after {head}"),
        entries: d
            .critical_path
            .iter()
            .map(|e| (names.of(&e.id), e.on_path, e.bottleneck))
            .collect(),
    };
    vec![job(curve), job(gantt), job(rto), job(rpo), job(path)]
}

/// "a to b" of a 95% interval, or that one drill gives none (its
/// standard error would read 0).
fn interval(trials: u64, ci: [f64; 2], f: impl Fn(f64) -> String) -> String {
    if trials < 2 {
        super::ONE_TRIAL_NO_CI.to_string()
    } else {
        format!("{} to {}", f(ci[0]), f(ci[1]))
    }
}

/// (median, p90, p99, mean with its 95% interval) of a time.
fn time_row(label: &str, s: &crate::stats::drill::Stats, trials: u64) -> Vec<String> {
    vec![
        label.to_string(),
        hours(s.p50),
        hours(s.p90),
        hours(s.p99),
        hours(s.mean),
        interval(trials, s.mean_ci95, hours),
    ]
}

fn headline(d: &DrillSummary, s: &Summary, insured: bool) -> Block {
    let mut rows = Vec::new();
    if let Some(x) = &d.business {
        rows.push(time_row(
            "Last business function back, hours after the threat (0 when none stops)",
            &x.recovery_hours,
            d.trials,
        ));
    }
    if let Some(m) = &d.mbco {
        let label =
            "Every business function at its MBCO (drills where reached; 0 when none falls below it)";
        match &m.hours {
            Some(h) => rows.push(time_row(label, h, d.trials)),
            None => rows.push(vec![
                label.to_string(),
                "not reached in any drill".to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]),
        }
    }
    let c = s.currency.as_str();
    let a = &s.annual_loss;
    rows.push(vec![
        if insured {
            "Loss per drill, before insurance".to_string()
        } else {
            "Loss per drill".to_string()
        },
        money(c, a.p50),
        money(c, a.p90),
        money(c, a.p99),
        money(c, a.mean),
        interval(d.trials, a.mean_ci95, |x| money(c, x)),
    ]);
    Block::Table {
        head: [
            "measure",
            "median",
            "p90",
            "p99",
            "mean",
            "95% CI of the mean",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        align: Align::columns(1, 5),
        rows,
    }
}

fn reading(d: &DrillSummary, s: &Summary, names: &Names, insured: bool) -> Vec<Spans> {
    let mut out: Vec<Spans> = Vec::new();
    match &d.business {
        None => out.push(vec![t(
            "The scenario has no service, so there is no business recovery time.",
        )]),
        Some(x) if x.hit == 0.0 => out.push(vec![t(if d.trials == 1 {
            "No business function stopped in the one drill.".to_string()
        } else {
            format!(
                "No business function stopped in any of the {} drills.",
                d.trials
            )
        })]),
        Some(x) => {
            let r = &x.recovery_hours;
            out.push(vec![
                t(if x.hit < 1.0 {
                    format!(
                        "A business function stops in {} of the drills. Counting 0 for the {} in \
                         which none stops, the last one is back within ",
                        pct(x.hit),
                        pct(1.0 - x.hit)
                    )
                } else {
                    "A business function stops in every drill. The last one is back within "
                        .to_string()
                }),
                b(hours(r.p50)),
                t(" in half of the drills and within "),
                b(hours(r.p90)),
                t(format!(
                    " in 9 of 10 (mean {}, {}).",
                    hours(r.mean),
                    if d.trials < 2 {
                        super::ONE_TRIAL_NO_CI.to_string()
                    } else {
                        format!(
                            "95% confidence interval {}",
                            interval(d.trials, r.mean_ci95, hours)
                        )
                    }
                )),
            ]);
            if x.not_recovered > 0.0 {
                out.push(vec![
                    t("In "),
                    b(pct(x.not_recovered)),
                    t(format!(
                        " of the drills a business function is still down at the end of the {} \
                         horizon.",
                        hours(d.horizon_hours)
                    )),
                ]);
            }
        }
    }
    if let Some(m) = &d.mbco {
        if let Some(h) = &m.hours {
            out.push(vec![
                t(if m.below < 1.0 {
                    format!(
                        "A business function falls below its MBCO (its minimum capacity; full \
                         capacity where none is set) in {} of the drills. Counting 0 for the {} \
                         in which none does, every business function is back at its MBCO after ",
                        pct(m.below),
                        pct(1.0 - m.below)
                    )
                } else {
                    "Every business function is back at its MBCO (its minimum capacity; full \
                     capacity where none is set) after "
                        .to_string()
                }),
                b(hours(h.p50)),
                t(format!(
                    " in half of the drills where that happens ({} of the drills), and after {} \
                     in 9 of 10.",
                    pct(m.reached),
                    hours(h.p90)
                )),
            ]);
        } else {
            out.push(vec![t(
                "The business functions never all get back to their MBCO within the horizon.",
            )]);
        }
    }
    let mut misses: Vec<&ServiceDrill> = d
        .services
        .iter()
        .filter(|x| x.rto_met.is_some_and(|m| m < 1.0))
        .collect();
    // The worst first; among equals (every drill a miss, as after a site
    // is lost), business functions (the drill's: the Business tier, or
    // without one the services with revenue) before what they run on, then
    // the higher tier, then the longer outage: ties were broken by id
    // alone, which could leave the business function that loses the money
    // out of the three named.
    let tier_rank = |x: &ServiceDrill| {
        let tier = [Tier::Business, Tier::Application, Tier::Platform]
            .iter()
            .position(|t| t.label() == x.tier)
            .unwrap_or(3);
        (!x.business, tier)
    };
    let median_outage = |x: &ServiceDrill| x.outage_hours.as_ref().map_or(0.0, |o| o.p50);
    misses.sort_by(|a, b| {
        a.rto_met
            .unwrap_or(1.0)
            .total_cmp(&b.rto_met.unwrap_or(1.0))
            .then(tier_rank(a).cmp(&tier_rank(b)))
            .then(median_outage(b).total_cmp(&median_outage(a)))
            .then(a.id.cmp(&b.id))
    });
    for x in misses.iter().take(3) {
        let (Some(met), Some(rto)) = (x.rto_met, x.rto_hours) else {
            continue;
        };
        out.push(vec![
            named(names, &x.id),
            t(format!(" misses its {} RTO in ", hours(rto))),
            b(pct(1.0 - met)),
            t(format!(
                " of the drills in which it goes down (median outage {}).",
                or_dash(x.outage_hours.as_ref().map(|o| o.p50), hours)
            )),
        ]);
    }
    if misses.len() > 3 {
        let more = misses.len() - 3;
        out.push(vec![t(format!(
            "{more} more {} their RTO in some drills (the services table lists them all).",
            if more == 1 {
                "service misses"
            } else {
                "services miss"
            }
        ))]);
    }
    if misses.is_empty() && d.services.iter().any(|x| x.rto_met.is_some()) {
        out.push(vec![t(
            "Every service with an RTO that goes down meets it in every drill.",
        )]);
    }
    if !d.critical_path.is_empty() {
        let mut spans = vec![t("The critical path runs most often through ")];
        for (i, e) in d.critical_path.iter().take(3).enumerate() {
            if i > 0 {
                spans.push(t(", "));
            }
            spans.push(named(names, &e.id));
            spans.push(t(format!(" ({})", pct(e.on_path))));
        }
        spans.push(t(". "));
        // Every service that is the bottleneck as often as the most
        // frequent one (services back at the same instant tie).
        let top = d
            .critical_path
            .iter()
            .map(|e| e.bottleneck)
            .fold(0.0, f64::max);
        let tied: Vec<&str> = d
            .critical_path
            .iter()
            .filter(|e| e.bottleneck == top)
            .map(|e| e.id.as_str())
            .collect();
        if top > 0.0 {
            spans.push(t(
                "The bottleneck, the recovery that ends last, is most often ",
            ));
            for (i, id) in tied.iter().enumerate() {
                if i > 0 {
                    spans.push(t(if i + 1 == tied.len() { " and " } else { ", " }));
                }
                spans.push(named(names, id));
            }
            spans.push(t(format!(
                " ({} of the drills{}).",
                pct(top),
                if tied.len() > 1 { " each" } else { "" }
            )));
        }
        out.push(spans);
    }
    let mut rpo: Vec<&ServiceDrill> = d
        .services
        .iter()
        .filter(|x| x.rpo_breached.is_some_and(|p| p > 0.0))
        .collect();
    rpo.sort_by(|a, b| {
        b.rpo_breached
            .unwrap_or(0.0)
            .total_cmp(&a.rpo_breached.unwrap_or(0.0))
            .then(a.id.cmp(&b.id))
    });
    for x in rpo.iter().take(3) {
        let (Some(p), Some(h)) = (x.rpo_breached, x.rpo_hours) else {
            continue;
        };
        out.push(vec![
            named(names, &x.id),
            t(format!(" loses more data than its {} RPO in ", hours(h))),
            b(pct(p)),
            t(" of the drills."),
        ]);
    }
    let c = s.currency.as_str();
    out.push(vec![
        t("One occurrence costs on average "),
        b(money(c, s.annual_loss.mean)),
        t(format!(
            "{} (median {}, 1 in 100 above {}).",
            if insured { " before insurance" } else { "" },
            money(c, s.annual_loss.p50),
            money(c, s.annual_loss.p99)
        )),
    ]);
    out
}

fn services_table(d: &DrillSummary, names: &Names) -> Block {
    let head = [
        "service",
        "tier",
        "goes down",
        "down at (p50)",
        "back at p50",
        "back at p90",
        "back at p99",
        "outage p50",
        "outage p99",
        "RTO",
        "RTO met",
        "not recovered",
        "data lost p50",
        "RPO",
        "RPO breached",
        "critical path",
        "bottleneck",
    ];
    let mut align = vec![Align::Left, Align::Left];
    align.extend([Align::Right; 15]);
    Block::Table {
        head: head.iter().map(|h| h.to_string()).collect(),
        align,
        rows: affected(d)
            .map(|x| {
                let rec = x.recovery_hours.as_ref();
                let out = x.outage_hours.as_ref();
                vec![
                    names.of(&x.id),
                    x.tier.clone(),
                    pct(x.hit),
                    or_dash(x.down_at_hours_p50, hours),
                    or_dash(rec.map(|r| r.p50), hours),
                    or_dash(rec.map(|r| r.p90), hours),
                    or_dash(rec.map(|r| r.p99), hours),
                    or_dash(out.map(|r| r.p50), hours),
                    or_dash(out.map(|r| r.p99), hours),
                    or_dash(x.rto_hours, hours),
                    or_dash(x.rto_met, pct),
                    or_dash(x.not_recovered, pct),
                    or_dash(x.data_loss_hours.as_ref().map(|l| l.p50), hours),
                    or_dash(x.rpo_hours, hours),
                    or_dash(x.rpo_breached, pct),
                    pct(x.critical_path),
                    pct(x.bottleneck),
                ]
            })
            .collect(),
    }
}

/// The whole report of a drill.
pub(crate) fn drill_doc(
    d: &DrillSummary,
    s: &Summary,
    warnings: &[Warning],
    prov: &Provenance,
    names: &Names,
    insured: bool,
) -> Doc {
    let mut doc = Doc::new(format!("{}: drill of {}", d.scenario, d.threat));
    if let Some(x) = names.description_block() {
        doc.push(x);
    }
    doc.para(vec![
        t(format!(
            "{} of the {} threat ",
            plural(d.trials as usize, "drill"),
            d.threat_kind
        )),
        code(&d.threat),
        t(format!(
            ": it happens at time zero and nothing else does (no random failures, no other \
             threat). Each drill runs for up to {}. Seed {}, bcdr {}. Times are hours after the \
             threat, in minutes (m), hours (h) or days (d).",
            hours(d.horizon_hours),
            d.seed,
            d.bcdr_version
        )),
    ]);
    if let Some(a) = &d.attack {
        doc.para(vec![t(attack_words(a))]);
    }
    if !d.backups_destroyed.is_empty() {
        doc.para(vec![t(backups_words(&d.backups_destroyed, names))]);
    }
    doc.h2("Headline");
    doc.para(vec![t(format!(
        "Business functions: {}.",
        d.business_functions
    ))]);
    if let Some(start) = &d.start {
        doc.para(vec![t(start_sentence(start))]);
    }
    if insured {
        doc.para(vec![t(GROSS_OF_INSURANCE)]);
    }
    doc.push(headline(d, s, insured));
    doc.h2("Reading");
    doc.push(Block::Bullets(reading(d, s, names, insured)));
    doc.charts(&DRILL_CHARTS);
    doc.h2("Services");
    let quiet = d.services.len() - affected(d).count();
    doc.para(vec![t(format!(
        "Services that go down or lose data in at least one drill ({} never do). \"Goes down\" is \
         the share of drills in which it stops being functional; the times after it are over \
         those drills. \"Back at\" counts from the threat, \"outage\" from when the service went \
         down (what the RTO is judged on). Data lost is over the drills that lost some; RPO \
         breached, critical path and bottleneck are shares of all drills.",
        quiet
    ))]);
    doc.push(services_table(d, names));
    doc.h2("Critical path");
    if d.critical_path.is_empty() {
        doc.para(vec![t(
            "No business function went down in any drill: there is no critical path.",
        )]);
    } else {
        doc.para(vec![t(
            "From the business function that is back last, the path follows each hard \
             dependency that came back when the service did; when none did, what held the \
             service's restore back and came back when it started (what the restore requires, \
             backup.requires, and with restore_in_dependency_order its hard dependencies). At \
             an exact tie it follows every tied service. Where it stops is a bottleneck.",
        )]);
        doc.push(Block::Table {
            head: vec![
                "service".into(),
                "on the critical path".into(),
                "bottleneck".into(),
            ],
            align: Align::columns(1, 2),
            rows: d
                .critical_path
                .iter()
                .map(|e| vec![names.of(&e.id), pct(e.on_path), pct(e.bottleneck)])
                .collect(),
        });
    }
    doc.h2("Dependency graph");
    doc.push(Block::Drawing {
        file: "graph.svg".to_string(),
        caption: "Services and k-of-n groups; arrows point from a service to what it depends on."
            .to_string(),
    });
    doc.h2("Planning warnings");
    doc.push(review::warnings_block(warnings));
    doc.h2("Reproduce");
    doc.push(Block::CodeBlock(prov.command.clone()));
    doc
}

/// Every file of a drill's pack beyond `summary.json` and the CSV tables:
/// `drill.json`, the charts, the dependency graph and the reports.
///
/// # Errors
/// [`Error::Chart`] naming a chart that failed to draw.
pub(crate) fn drill_pack(
    model: &Model,
    d: &DrillSummary,
    s: &Summary,
    warnings: &[Warning],
    prov: &Provenance,
) -> Result<Files, Error> {
    let names = Names::from_model(model);
    let charts = render_all(&drill_charts(d, &names))?;
    let mut files = vec![("drill.json".to_string(), json(d)?)];
    let (graph, drawings) = graph_files(model)?;
    files.extend(graph);
    let doc = drill_doc(d, s, warnings, prov, &names, !model.insurance.is_empty());
    files.extend(doc_files(&doc, charts, &drawings));
    Ok(files)
}

/// What the loss of a drill of an insured scenario is: the occurrence's
/// loss before insurance, as `sweep --threat` says too.
const GROSS_OF_INSURANCE: &str = "Losses are each drill's loss before insurance (gross): a \
    premium and an aggregate limit are a policy period's (the scenario's horizon), not an \
    event's, so bcdr run weighs insurance, net of recoveries and premiums.";

/// Where the drills started on the revenue profiles' clock, in words
/// ([`DrillSummary::start`]).
fn start_sentence(start: &str) -> String {
    if start == "random" {
        "Revenue profiles: each drill starts at a random time of the week (uniform, drawn per \
         drill; months do not apply); fix it with --at \"Fri 17:00\"."
            .to_string()
    } else {
        format!("Revenue profiles: every drill starts on {start} (--at; months do not apply).")
    }
}

/// What a drill of a disaster that destroys backups does not count, in
/// words ([`DrillSummary::backups_destroyed`]).
fn backups_words(ids: &[String], names: &Names) -> String {
    let list: Vec<String> = ids.iter().map(|id| names.of(id)).collect();
    format!(
        "Backups destroyed: this disaster destroys the backups kept at the sites it hits, those \
         of {}. A service it also damages is rebuilt, not restored (without a rebuild it stays \
         down), and loses the data written \
         before the drill. A drill starts at the disaster, so its data lost and RPO below count \
         only what is lost from then on; bcdr run counts the whole loss (back to the start of \
         the simulated period).",
        list.join(", ")
    )
}

/// Which ransomware attacks a drill ran, in words: the outcome, what time
/// zero is, and the dwell before it when it is the encryption.
pub(crate) fn attack_words(a: &AttackDrill) -> String {
    let chance = pct(a.encrypt_chance);
    match a.outcome.as_str() {
        "succeeding" => {
            let dwell = a.dwell_hours.as_ref().map_or(String::new(), |q| {
                format!(
                    " The attack got in before that: its dwell (initial access to encryption) \
                     was {} at the median, {} at p90 (not drawn on the timeline); backups taken \
                     since then may be compromised.",
                    hours(q.p50),
                    hours(q.p90)
                )
            });
            format!(
                "Attacks drilled: the attacks that succeed (--outcome succeeding, the default). \
                 Every drill is an attack that is not contained and encrypts, and time zero is \
                 the encryption.{dwell} About {chance} of this threat's attacks succeed, by its \
                 dwell and detection; --outcome all drills the mixture."
            )
        }
        "contained" => format!(
            "Attacks drilled: the attacks that are contained (--outcome contained): each is \
             detected before it deploys and encrypts nothing; the services it compromised are \
             isolated for the containment outage, if the threat has one. Time zero is initial \
             access. About {} of this threat's attacks are contained.",
            pct(1.0 - a.encrypt_chance)
        ),
        _ => format!(
            "Attacks drilled: every attack as drawn (--outcome all): {} of the drills encrypt \
             (about {chance} expected, by its dwell and detection), the rest are contained. Time \
             zero is initial access.",
            pct(a.encrypted)
        ),
    }
}

pub(crate) fn screen(d: &DrillSummary, s: &Summary, insured: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — drill of {} ({}), {}, seed {}",
        d.scenario,
        d.threat,
        d.threat_kind,
        plural(d.trials as usize, "drill"),
        d.seed
    );
    if let Some(a) = &d.attack {
        let time_zero = match a.outcome.as_str() {
            "succeeding" => format!(
                "time zero at the encryption{}",
                a.dwell_hours.as_ref().map_or(String::new(), |q| format!(
                    ", median dwell before it {}",
                    hours(q.p50)
                ))
            ),
            _ => "time zero at initial access".to_string(),
        };
        let _ = writeln!(
            out,
            "  attacks drilled               {} ({time_zero})",
            a.outcome
        );
    }
    if let Some(x) = &d.business {
        let r = &x.recovery_hours;
        let _ = writeln!(
            out,
            "  last business function back  median {}, p90 {}, p99 {} (mean {}, {})",
            hours(r.p50),
            hours(r.p90),
            hours(r.p99),
            hours(r.mean),
            if d.trials < 2 {
                super::ONE_TRIAL_NO_CI.to_string()
            } else {
                format!("95% CI {}", interval(d.trials, r.mean_ci95, hours))
            }
        );
        if x.hit < 1.0 {
            let _ = writeln!(
                out,
                "    (0 in the {} of drills in which no business function stops)",
                pct(1.0 - x.hit)
            );
        }
        if x.not_recovered > 0.0 {
            let _ = writeln!(
                out,
                "  not recovered by the horizon  {} of drills",
                pct(x.not_recovered)
            );
        }
    }
    if let Some(m) = &d.mbco {
        let _ = match &m.hours {
            Some(h) => {
                let _ = writeln!(
                    out,
                    "  business at MBCO              median {}, p90 {} (reached in {} of drills)",
                    hours(h.p50),
                    hours(h.p90),
                    pct(m.reached)
                );
                if m.below < 1.0 {
                    writeln!(
                        out,
                        "    (0 in the {} of drills in which no business function falls below its MBCO)",
                        pct(1.0 - m.below)
                    )
                } else {
                    Ok(())
                }
            }
            None => writeln!(
                out,
                "  business at MBCO              not reached in any drill"
            ),
        };
    }
    if let Some(start) = &d.start {
        let when = if start == "random" {
            "a random time of the week, per drill (fix it with --at \"Fri 17:00\")".to_string()
        } else {
            format!("{start} (--at; months do not apply)")
        };
        let _ = writeln!(out, "  {:<30}{when}", "drills start");
    }
    let c = s.currency.as_str();
    let _ = writeln!(
        out,
        "  loss per drill                mean {}, p99 {}{}",
        money(c, s.annual_loss.mean),
        money(c, s.annual_loss.p99),
        if insured { " (before insurance)" } else { "" }
    );
    if !d.backups_destroyed.is_empty() {
        let (shown, rest) = d
            .backups_destroyed
            .split_at(d.backups_destroyed.len().min(4));
        let more = if rest.is_empty() {
            String::new()
        } else {
            format!(" and {} more", rest.len())
        };
        let _ = writeln!(
            out,
            "  backups destroyed             {}{more}: a service also hit is rebuilt (without a \
             rebuild it stays down), and the data \
             written before the drill is lost (not counted here; bcdr run counts it)",
            shown.join(", ")
        );
    }
    let mut hit: Vec<&ServiceDrill> = d.services.iter().filter(|x| x.hit > 0.0).collect();
    hit.sort_by(|a, b| {
        let key = |x: &ServiceDrill| x.recovery_hours.as_ref().map_or(0.0, |r| r.p50);
        key(b).total_cmp(&key(a)).then(a.id.cmp(&b.id))
    });
    if !hit.is_empty() {
        let _ = writeln!(out, "\n  services back last (median, RTO met)");
        for x in hit.iter().take(8) {
            let _ = writeln!(
                out,
                "    {:<28} {:>8}  {}",
                x.id,
                or_dash(x.recovery_hours.as_ref().map(|r| r.p50), hours),
                match (x.rto_met, x.rto_hours) {
                    (Some(m), Some(h)) => format!("{} within {}", pct(m), hours(h)),
                    _ => "no RTO".to_string(),
                }
            );
        }
    }
    if !d.critical_path.is_empty() {
        let _ = writeln!(
            out,
            "\n  critical path (share of drills on it / bottleneck)"
        );
        for e in d.critical_path.iter().take(5) {
            let _ = writeln!(
                out,
                "    {:<28} {:>6} / {}",
                e.id,
                pct(e.on_path),
                pct(e.bottleneck)
            );
        }
    }
    out
}
