//! `bcdr drill`: one threat at time zero, many times.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{
    check_sim, command_line, default_folder, default_out_dir, emit, run_files, OnProgress,
    SimOptions,
};
use crate::error::Error;
use crate::model::{Model, ThreatKind, WeekTime};
use crate::report;
use crate::report::review::Provenance;
use crate::report::{OutDir, Pack, Wait};
use crate::scenario;
use crate::sim::drill::{DrillPlan, Outcome};
use crate::sim::{self, SimPlan};
use crate::stats::drill::{AttackContext, DrillAcc, DrillContext, DrillSummary};
use crate::stats::summary::kind_label;
use crate::stats::{Accumulator, Summary};

/// The result of `bcdr drill`, also written to disk.
pub struct DrillRun {
    /// The validated scenario.
    pub model: Model,
    /// The summary of the drill trials (`summary.json`).
    pub summary: Summary,
    /// `drill.json`.
    pub drill: DrillSummary,
    /// The merged accumulator of the drill trials.
    pub accumulator: Accumulator,
    /// The drill's own accumulator (per-service timelines, the recovery curve).
    pub drill_accumulator: DrillAcc,
    /// Every file written, in the output folder.
    pub files: Vec<PathBuf>,
}

/// The default output folder of a drill: `outputs/<file stem>-drill-<threat>/`,
/// so that it never overwrites the annual run's pack.
pub fn default_drill_dir(scenario: &Path, threat: &str) -> PathBuf {
    let base = default_out_dir(scenario);
    let stem = base
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let threat: String = threat
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    default_folder(&format!("{stem}-drill-{threat}"))
}

/// The index of the threat a drill runs, or a usage error that lists the
/// scenario's threats.
///
/// # Errors
/// [`Error::Usage`] for an unknown id, or a `LossEvent` (it takes nothing
/// down, so there is no recovery to drill).
pub fn drill_threat(model: &Model, id: &str) -> Result<u32, Error> {
    let drillable: Vec<&str> = model
        .threats
        .iter()
        .filter(|t| !matches!(t.kind, ThreatKind::LossEvent { .. }))
        .map(|t| t.id.as_str())
        .collect();
    let choices = if drillable.is_empty() {
        "the scenario has no Outage, Disaster or Ransomware threat to drill".to_string()
    } else {
        format!("the threats you can drill are: {}", drillable.join(", "))
    };
    match model.threat_id(id) {
        None => {
            let near = scenario::suggest::nearest(id, drillable.iter().copied())
                .map(|n| format!(" did you mean {n:?}?"))
                .unwrap_or_default();
            Err(Error::Usage(format!(
                "--threat {id:?}: no threat with this id;{near} {choices}"
            )))
        }
        Some(t) if matches!(model.threats[t.index()].kind, ThreatKind::LossEvent { .. }) => {
            Err(Error::Usage(format!(
                "--threat {id:?} is a LossEvent: it takes nothing down, so there is no recovery \
                 to drill; {choices}"
            )))
        }
        Some(t) => Ok(t.0),
    }
}

/// Which attacks a drill of threat `threat` runs: for a `Ransomware`
/// threat, `asked` or by default the attacks that succeed (DESIGN-2 A5);
/// for another threat, `None`.
///
/// # Errors
/// [`Error::Usage`] for `--outcome` on a threat that is not ransomware, and
/// for an outcome that (almost) never happens: fewer than one attack in
/// 1 000 (`MIN_OUTCOME_CHANCE`) has it, judged from the
/// threat's dwell and detection.
pub fn drill_outcome(
    model: &Model,
    threat: u32,
    asked: Option<Outcome>,
) -> Result<Option<Outcome>, Error> {
    let t = &model.threats[threat as usize];
    let ThreatKind::Ransomware(r) = &t.kind else {
        return match asked {
            None => Ok(None),
            Some(o) => Err(Error::Usage(format!(
                "--outcome {}: {:?} is {} threat, not Ransomware; --outcome chooses which \
                 ransomware attacks a drill runs: leave it out",
                outcome_label(o),
                t.id,
                kind_article(&t.kind)
            ))),
        };
    };
    let outcome = asked.unwrap_or(Outcome::Succeeding);
    let encrypts = r.encrypt_chance();
    let chance = match outcome {
        Outcome::All => 1.0,
        Outcome::Succeeding => encrypts,
        Outcome::Contained => 1.0 - encrypts,
    };
    if chance < sim::trial::MIN_OUTCOME_CHANCE {
        let (what, fix) = match outcome {
            Outcome::Contained => (
                "is never contained: its detection always comes after its dwell ends",
                "drill it with --outcome succeeding, or shorten its detection",
            ),
            _ => (
                "is always contained: its detection always comes before its dwell ends, so no \
                 attack encrypts",
                "drill it with --outcome contained or --outcome all, or lengthen its dwell or \
                 its detection (it may be right: the attack then never succeeds)",
            ),
        };
        return Err(Error::Usage(format!(
            "--threat {:?}: the ransomware {what} (in fewer than 1 attack in {:.0}, by its dwell \
             and detection); {fix}",
            t.id,
            1.0 / sim::trial::MIN_OUTCOME_CHANCE
        )));
    }
    Ok(Some(outcome))
}

/// `succeeding`, `all` or `contained`: the outcome as `--outcome` and
/// `drill.json` write it.
pub fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Succeeding => "succeeding",
        Outcome::All => "all",
        Outcome::Contained => "contained",
    }
}

/// "an Outage", "a Disaster", ...
fn kind_article(kind: &ThreatKind) -> &'static str {
    match kind {
        ThreatKind::Outage { .. } => "an Outage",
        ThreatKind::Disaster { .. } => "a Disaster",
        ThreatKind::Ransomware(_) => "a Ransomware",
        ThreatKind::LossEvent { .. } => "a LossEvent",
    }
}

/// What a drill computes, before anything is rendered.
pub struct DrillResults {
    /// The merged accumulator of the drill trials.
    pub accumulator: Accumulator,
    /// The drill's own accumulator (per-service timelines, the recovery curve).
    pub drill_accumulator: DrillAcc,
    /// The summary of the drill trials (`summary.json`).
    pub summary: Summary,
    /// `drill.json`.
    pub drill: DrillSummary,
}

/// Run drills `trials` of threat `threat` (an index from [`drill_threat`])
/// and summarise them: the library core of `bcdr drill`. `outcome` picks
/// the ransomware attacks drilled ([`drill_outcome`]).
///
/// # Errors
/// [`Error::Usage`] for an outcome [`drill_outcome`] refuses, or when the
/// thread pool cannot be built; [`Error::Memory`] when the estate does not fit
/// in the memory available.
// The drill's own choices (`outcome`, `at`) beside the run's: the library
// core of one command, called with the command's options one to one.
#[allow(clippy::too_many_arguments)]
pub fn drill_results(
    model: &Model,
    threat: u32,
    outcome: Option<Outcome>,
    at: Option<WeekTime>,
    seed: u64,
    trials: std::ops::Range<u64>,
    threads: Option<usize>,
    progress: OnProgress<'_>,
) -> Result<DrillResults, Error> {
    let outcome = drill_outcome(model, threat, outcome)?;
    let plan = SimPlan::compile_drill(model);
    let mut dplan = DrillPlan::new(model, threat).with_outcome(outcome);
    dplan.start = at.map(WeekTime::hours);
    let (accumulator, drill_accumulator) =
        sim::drill::drill(&plan, &dplan, seed, trials, threads, progress)?;
    let mut summary = Summary::build(model, seed, &accumulator);
    // The risk appetite is a chance per year; a drill is one occurrence,
    // so judging it there would read as a verdict it is not.
    summary.risk_appetite.clear();
    let threat_model = &model.threats[threat as usize];
    let cx = DrillContext {
        scenario: &model.name,
        currency: &model.currency,
        threat: &threat_model.id,
        threat_kind: kind_label(&threat_model.kind),
        seed,
        horizon: model.horizon.get(),
        services: model
            .services
            .iter()
            .map(|s| {
                (
                    s.id.as_str(),
                    s.tier.label(),
                    s.rto.map(|h| h.get()),
                    s.rpo.map(|h| h.get()),
                )
            })
            .collect(),
        has_business: dplan.has_business,
        business: &dplan.business,
        business_functions: dplan.business_functions,
        weighting: dplan.weighting,
        attack: match (&threat_model.kind, outcome) {
            (ThreatKind::Ransomware(r), Some(o)) => Some(AttackContext {
                outcome: outcome_label(o),
                encrypt_chance: r.encrypt_chance(),
            }),
            _ => None,
        },
        start: (!plan.profiles.is_empty())
            .then(|| at.map_or_else(|| "random".to_string(), |w| w.to_string())),
        backups_destroyed: backups_destroyed(model, &threat_model.kind),
    };
    let drill = DrillSummary::build(&cx, &drill_accumulator);
    Ok(DrillResults {
        accumulator,
        drill_accumulator,
        summary,
        drill,
    })
}

/// `bcdr drill`: run one threat at time zero `opts.trials` times, write the
/// drill pack, print the one-screen summary unless quiet.
///
/// # Errors
/// The scenario's errors, an unknown threat or a bad option, [`Error::Memory`]
/// when the estate does not fit in the memory available (naming the file), or a
/// failed write.
pub fn drill(
    path: &Path,
    threat: &str,
    outcome: Option<Outcome>,
    at: Option<WeekTime>,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<DrillRun, Error> {
    check_sim(opts)?;
    let model = scenario::load(path)?;
    let index = drill_threat(&model, threat)?;
    drill_outcome(&model, index, outcome)?;
    let dir = OutDir::lock(
        &opts
            .out
            .clone()
            .unwrap_or_else(|| default_drill_dir(path, threat)),
        Pack::Drill,
        Wait::No,
    )?;
    let DrillResults {
        accumulator,
        drill_accumulator,
        summary,
        drill,
    } = drill_results(
        &model,
        index,
        outcome,
        at,
        opts.seed,
        0..opts.trials,
        opts.threads,
        progress,
    )
    .map_err(|e| e.in_scenarios(&[path]))?;
    let mut warnings = scenario::planning_warnings(&model);
    // `--at` sets where drills start on the revenue profiles' clock:
    // without a profile it has no effect, which the user should know.
    let at_unused = at
        .filter(|_| drill.start.is_none())
        .map(|at| scenario::Warning {
            path: format!("--at {at}"),
            message: "has no effect, as no service has a revenue_profile and the start \
                      time only matters on revenue profiles; drop --at, or give a service \
                      a revenue_profile"
                .to_string(),
        });
    warnings.extend(at_unused.clone());
    let mut command = command_line("drill", path, Some(threat), opts);
    if let Some(o) = outcome {
        command.push_str(&format!(" --outcome {}", outcome_label(o)));
    }
    if let Some(at) = at {
        command.push_str(&format!(
            " --at {}",
            crate::fmt::shell_quote(&at.to_string())
        ));
    }
    let prov = Provenance { command };
    // Render everything before writing anything.
    let mut bytes = run_files(&summary, &accumulator)?;
    bytes.extend(report::drill::drill_pack(
        &model, &drill, &summary, &warnings, &prov,
    )?);
    let screen = (!opts.quiet).then(|| {
        let mut screen = report::drill::screen(&drill, &summary, !model.insurance.is_empty());
        if let Some(w) = &at_unused {
            screen.push_str(&format!("\n  note: {} {}\n", w.path, w.message));
        }
        screen
    });
    let files = emit(&dir, &bytes, screen.as_deref(), "", out)?;
    Ok(DrillRun {
        model,
        summary,
        drill,
        accumulator,
        drill_accumulator,
        files,
    })
}

/// The services whose backups a physical `Disaster` of `kind` destroys:
/// those kept (`backup.site`) at a site it hits, in file order.
fn backups_destroyed<'a>(model: &'a Model, kind: &ThreatKind) -> Vec<&'a str> {
    let ThreatKind::Disaster {
        sites,
        replicated: false,
        ..
    } = kind
    else {
        return Vec::new();
    };
    model
        .services
        .iter()
        .filter(|s| {
            s.backup
                .as_ref()
                .and_then(|b| b.site)
                .is_some_and(|site| sites.contains(&site))
        })
        .map(|s| s.id.as_str())
        .collect()
}
