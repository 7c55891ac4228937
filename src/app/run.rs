//! `bcdr run`: the annual simulation of one scenario.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{check_sim, command_line, default_out_dir, emit, Gated, OnProgress, SimOptions};
use crate::error::Error;
use crate::model::Model;
use crate::report;
use crate::report::review::Provenance;
use crate::report::{OutDir, Pack, Wait};
use crate::review::gate;
use crate::scenario;
use crate::sim::{self, SimPlan};
use crate::stats::{Accumulator, Summary};

/// The result of `bcdr run`, also written to disk.
pub struct RunOutcome {
    /// The validated scenario.
    pub model: Model,
    /// `summary.json`.
    pub summary: Summary,
    /// The merged accumulator the summary was built from.
    pub accumulator: Accumulator,
    /// Every file written, in the output folder.
    pub files: Vec<PathBuf>,
}

/// The data files every run writes: summary, tables and the exceedance
/// curve (the charts and reports come from [`report::pack::run_pack`]).
pub fn run_files(summary: &Summary, acc: &Accumulator) -> Result<Vec<(String, Vec<u8>)>, Error> {
    Ok(vec![
        ("summary.json".to_string(), report::json::summary(summary)?),
        ("services.csv".to_string(), report::csv::services(summary)),
        (
            "threats.csv".to_string(),
            report::csv::threats(summary, acc),
        ),
        (
            "loss_exceedance.csv".to_string(),
            report::csv::loss_exceedance(&acc.annual_hist),
        ),
    ])
}

/// `bcdr run`: simulate, summarise, write the outputs, print the
/// one-screen summary unless quiet.
///
/// # Errors
/// The scenario's errors, a bad option, [`Error::Memory`] when the estate does
/// not fit in the memory available (naming the file), or a failed write.
pub fn run(
    path: &Path,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<RunOutcome, Error> {
    run_labelled(path, None, opts, progress, out)
}

/// `bcdr run [--label TEXT] [--fail-on appetite]`: [`run_labelled`],
/// failed (as a CI gate) by the breached points of the risk appetite when
/// `fail_on_appetite`.
///
/// # Errors
/// As [`run`].
pub fn run_gated(
    path: &Path,
    label: Option<&str>,
    fail_on_appetite: bool,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<Gated, Error> {
    let outcome = run_labelled(path, label, opts, progress, out)?;
    Ok(Gated::from_failures(if fail_on_appetite {
        gate::appetite_breaches(&outcome.summary)
    } else {
        Vec::new()
    }))
}

/// `bcdr run --label TEXT`: as [`run`], with the label and the scenario
/// file's SHA-256 in `summary.json` (for `bcdr trend`). Without a label
/// the summary is exactly [`run`]'s.
///
/// # Errors
/// As [`run`].
pub fn run_labelled(
    path: &Path,
    label: Option<&str>,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<RunOutcome, Error> {
    check_sim(opts)?;
    let bytes = crate::input::read_scenario(path)?;
    let model = scenario::parse_bytes(&bytes).map_err(|source| Error::Scenario {
        path: path.to_path_buf(),
        source,
    })?;
    let dir = OutDir::lock(
        &opts.out.clone().unwrap_or_else(|| default_out_dir(path)),
        Pack::Run,
        Wait::No,
    )?;
    let plan = SimPlan::compile(&model);
    // An estate too large for the memory stops here, before the graph is
    // drawn.
    sim::check_memory(&[plan.n_services]).map_err(|e| e.in_scenarios(&[path]))?;
    // The dependency graph needs only the model: drawn on a thread of its
    // own while the trials run, not after them.
    let (accumulator, graph) = std::thread::scope(|scope| {
        let graph = scope.spawn(|| report::pack::draw_graph(&model));
        let accumulator = sim::simulate(
            &plan,
            sim::Mode::Annual,
            opts.seed,
            0..opts.trials,
            opts.threads,
            progress,
        );
        let graph = graph
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (accumulator, graph)
    });
    let accumulator = accumulator.map_err(|e| e.in_scenarios(&[path]))?;
    let mut summary = Summary::build(&model, opts.seed, &accumulator);
    if let Some(label) = label {
        summary.label = Some(label.to_string());
        summary.scenario_hash = Some(crate::review::hash::scenario_hash(&bytes));
    }
    let warnings = scenario::planning_warnings(&model);
    let mut prov = Provenance {
        command: command_line("run", path, None, opts),
    };
    if let Some(label) = label {
        prov.command
            .push_str(&format!(" --label {}", crate::fmt::shell_quote(label)));
    }
    // Render everything before writing anything.
    let mut bytes = run_files(&summary, &accumulator)?;
    bytes.extend(report::pack::run_pack_drawn(
        &model,
        &summary,
        &accumulator,
        &warnings,
        &prov,
        graph?,
    )?);
    let screen = (!opts.quiet).then(|| report::text::screen(&summary));
    let files = emit(&dir, &bytes, screen.as_deref(), "", out)?;
    Ok(RunOutcome {
        model,
        summary,
        accumulator,
        files,
    })
}
