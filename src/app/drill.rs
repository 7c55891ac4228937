//! `bcdr drill`: one threat at time zero, many times.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{check_sim, command_line, default_out_dir, emit, run_files, OnProgress, SimOptions};
use crate::error::Error;
use crate::model::{Model, ThreatKind};
use crate::report;
use crate::report::review::Provenance;
use crate::report::{OutDir, Wait};
use crate::scenario;
use crate::sim::drill::DrillPlan;
use crate::sim::{self, SimPlan};
use crate::stats::drill::{DrillAcc, DrillContext, DrillSummary};
use crate::stats::summary::kind_label;
use crate::stats::{Accumulator, Summary};

/// The result of `bcdr drill`, also written to disk.
pub struct DrillRun {
    pub model: Model,
    /// The summary of the drill trials (`summary.json`).
    pub summary: Summary,
    pub drill: DrillSummary,
    pub accumulator: Accumulator,
    pub drill_accumulator: DrillAcc,
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
    base.with_file_name(format!("{stem}-drill-{threat}"))
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

/// What a drill computes, before anything is rendered.
pub struct DrillResults {
    pub accumulator: Accumulator,
    pub drill_accumulator: DrillAcc,
    /// The summary of the drill trials (`summary.json`).
    pub summary: Summary,
    /// `drill.json`.
    pub drill: DrillSummary,
}

/// Run drills `trials` of threat `threat` (an index from [`drill_threat`])
/// and summarise them: the library core of `bcdr drill`.
///
/// # Errors
/// [`Error::Usage`] when the thread pool cannot be built.
pub fn drill_results(
    model: &Model,
    threat: u32,
    seed: u64,
    trials: std::ops::Range<u64>,
    threads: Option<usize>,
    progress: OnProgress<'_>,
) -> Result<DrillResults, Error> {
    let plan = SimPlan::compile(model);
    let dplan = DrillPlan::new(model, threat);
    let (accumulator, drill_accumulator) =
        sim::drill::drill(&plan, &dplan, seed, trials, threads, progress)?;
    let summary = Summary::build(model, seed, &accumulator);
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
        business_functions: dplan.business_functions,
        weighting: dplan.weighting,
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
/// The scenario's errors, an unknown threat or a bad option, or a failed
/// write.
pub fn drill(
    path: &Path,
    threat: &str,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<DrillRun, Error> {
    check_sim(opts)?;
    let model = scenario::load(path)?;
    let index = drill_threat(&model, threat)?;
    let dir = OutDir::lock(
        &opts
            .out
            .clone()
            .unwrap_or_else(|| default_drill_dir(path, threat)),
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
        opts.seed,
        0..opts.trials,
        opts.threads,
        progress,
    )?;
    let warnings = scenario::planning_warnings(&model);
    let prov = Provenance {
        command: command_line("drill", path, Some(threat), opts),
    };
    // Render everything before writing anything.
    let mut bytes = run_files(&summary, &accumulator)?;
    bytes.extend(report::drill::drill_pack(
        &model, &drill, &summary, &warnings, &prov,
    )?);
    let screen = (!opts.quiet).then(|| report::drill::screen(&drill, &summary));
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
