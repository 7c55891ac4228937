//! `bcdr run --shard I/N` and `bcdr merge`: one run across machines
//! (see [`crate::shard`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{
    check_sim, command_line, default_out_dir, emit, io_err, run_files, OnProgress, RunOutcome,
    SimOptions,
};
use crate::error::Error;
use crate::report;
use crate::report::review::Provenance;
use crate::report::{OutDir, Pack, Wait};
use crate::scenario;
use crate::sim::{self, SimPlan};
use crate::stats::Summary;

/// `bcdr run SCENARIO --shard I/N`: run shard I (0-based) of N and write
/// `partial-I-of-N.json` into the output folder (see [`crate::shard`]).
///
/// # Errors
/// The scenario's errors, more shards than trials, [`Error::Memory`] when the
/// estate does not fit in the memory available (naming the file), or a failed
/// write.
pub fn run_shard(
    path: &Path,
    shard: crate::shard::Shard,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<PathBuf, Error> {
    use crate::shard::Partial;
    check_sim(opts)?;
    if shard.count > opts.trials {
        return Err(Error::Usage(format!(
            "--shard {shard}: {} shards for {} would leave shards without trials; use at most {}",
            shard.count,
            crate::fmt::plural(opts.trials as usize, "trial"),
            crate::fmt::plural(opts.trials as usize, "shard")
        )));
    }
    let bytes = crate::input::read_scenario(path)?;
    let model = scenario::parse_bytes(&bytes).map_err(|source| Error::Scenario {
        path: path.to_path_buf(),
        source,
    })?;
    // parse_bytes has checked the text is UTF-8.
    let text = String::from_utf8_lossy(&bytes);
    let dir = opts.out.clone().unwrap_or_else(|| default_out_dir(path));
    OutDir::check(&dir, Pack::Run)?;
    let plan = SimPlan::compile(&model);
    let range = shard.range(opts.trials);
    let acc = sim::simulate(
        &plan,
        sim::Mode::Annual,
        opts.seed,
        range.clone(),
        opts.threads,
        progress,
    )
    .map_err(|e| e.in_scenarios(&[path]))?;
    let partial = Partial::new(&model, path, &text, opts.seed, opts.trials, shard, acc);
    // Shards of one job share a folder: each adds its part, waiting its
    // turn, and keeps the others'.
    let file = OutDir::lock(&dir, Pack::Run, Wait::Yes)?
        .write_file(&shard.file_name(), &partial.to_json()?)?;
    if !opts.quiet {
        writeln!(
            out,
            "shard {shard}: trials {}..{} of {} (seed {}); wrote {}\nmerge every shard with: \
             bcdr merge {}",
            range.start,
            range.end,
            opts.trials,
            opts.seed,
            file.display(),
            dir.join(format!("partial-*-of-{}.json", shard.count))
                .display()
        )
        .map_err(io_err)?;
    }
    Ok(file)
}

/// `bcdr merge PARTS...`: check that the parts are every shard of one run
/// and write the files `bcdr run` writes, identical to a single run.
/// Nothing is written when a check fails.
///
/// `scenario`, when given, must be the scenario file the parts ran; the
/// output folder defaults to `outputs/<scenario file stem>/`, as for
/// `bcdr run`.
///
/// # Errors
/// Unreadable, foreign or damaged parts, parts of different runs, a
/// duplicate or missing shard, a different scenario, or a failed write.
pub fn merge(
    parts: &[PathBuf],
    scenario_file: Option<&Path>,
    dir: Option<&Path>,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<RunOutcome, Error> {
    use crate::shard::{self, Partial};
    let read: Vec<(PathBuf, Partial)> = parts
        .iter()
        .map(|p| Partial::read(p).map(|partial| (p.clone(), partial)))
        .collect::<Result<_, _>>()?;
    let scenario_bytes = scenario_file.map(crate::input::read_scenario).transpose()?;
    let merged = shard::merge(&read, scenario_file.zip(scenario_bytes.as_deref()))?;
    let dir = OutDir::lock(
        &dir.map_or_else(
            || default_out_dir(Path::new(&merged.scenario_file)),
            Path::to_path_buf,
        ),
        Pack::Run,
        Wait::No,
    )?;
    let summary = Summary::build(&merged.model, merged.seed, &merged.accumulator);
    // The same files as the single run would write, pack included; its
    // "reproduce" line is that single run.
    let single = SimOptions {
        trials: merged.accumulator.trials,
        seed: merged.seed,
        threads: None,
        out: None,
        quiet,
    };
    let prov = Provenance {
        command: command_line(
            "run",
            scenario_file.unwrap_or(Path::new(&merged.scenario_file)),
            None,
            &single,
        ),
    };
    let warnings = scenario::planning_warnings(&merged.model);
    let mut bytes = run_files(&summary, &merged.accumulator)?;
    bytes.extend(report::pack::run_pack(
        &merged.model,
        &summary,
        &merged.accumulator,
        &warnings,
        &prov,
    )?);
    let screen = (!quiet).then(|| report::text::screen(&summary));
    let done = format!(
        "merged {}; ",
        crate::fmt::plural(merged.shards as usize, "shard")
    );
    let files = emit(&dir, &bytes, screen.as_deref(), &done, out)?;
    Ok(RunOutcome {
        model: merged.model,
        summary,
        accumulator: merged.accumulator,
        files,
    })
}
