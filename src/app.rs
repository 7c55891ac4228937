//! One function per command: load → validate → lock the output folder →
//! simulate → summarise → export. The binary calls these; they write
//! human-readable text to the writer they are given and files through
//! [`emit`] (a pack into an output folder, see [`crate::report::OutDir`])
//! or [`crate::report::write_atomic`] (the one file of `generate`).

use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Options of every simulating command.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Trials to run (`--trials`).
    pub trials: u64,
    /// The random seed (`--seed`): the same seed gives the same bytes.
    pub seed: u64,
    /// Worker threads (`--threads`; default one per core); results do not depend on it.
    pub threads: Option<usize>,
    /// The output folder (`--out`); the command's default folder when `None`.
    pub out: Option<PathBuf>,
    /// No progress bar and no screen summary (`--quiet`).
    pub quiet: bool,
}

fn io_err(e: std::io::Error) -> Error {
    Error::Write {
        path: PathBuf::from("<stdout>"),
        source: e,
    }
}

/// The default output folder of a scenario: `outputs/<file stem>/`.
pub fn default_out_dir(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string());
    Path::new("outputs").join(stem)
}

/// The one way a command emits its files: the pack goes into the locked
/// output folder as one unit (whole or not at all); then, when `screen` is
/// given (the command is not quiet), the one-screen summary and where the
/// files went, after `done` ("merged 4 shards; ").
///
/// # Errors
/// A failed write (the folder is then as it was), or a failed print.
pub fn emit(
    dir: &OutDir,
    files: &[(String, Vec<u8>)],
    screen: Option<&str>,
    done: &str,
    out: &mut dyn Write,
) -> Result<Vec<PathBuf>, Error> {
    let written = dir.write_pack(files)?;
    if let Some(screen) = screen {
        write!(out, "{screen}").map_err(io_err)?;
        writeln!(
            out,
            "\n{done}wrote {} files to {}",
            written.len(),
            dir.path().display()
        )
        .map_err(io_err)?;
    }
    Ok(written)
}

/// `bcdr validate`: errors fail; planning warnings are listed.
///
/// # Errors
/// The scenario's errors, or a failed write to `out`.
pub fn validate(path: &Path, out: &mut dyn Write) -> Result<Model, Error> {
    let model = scenario::load(path)?;
    let warnings = scenario::planning_warnings(&model);
    writeln!(
        out,
        "{}: valid: \"{}\", {}, {}, {}, {}, horizon {}",
        path.display(),
        model.name,
        crate::fmt::plural(model.sites.len(), "site"),
        crate::fmt::plural(model.services.len(), "service"),
        crate::fmt::plural(model.groups.len(), "group"),
        crate::fmt::plural(model.threats.len(), "threat"),
        model.horizon
    )
    .map_err(io_err)?;
    if warnings.is_empty() {
        writeln!(out, "no planning warnings").map_err(io_err)?;
    } else {
        writeln!(
            out,
            "{}:",
            crate::fmt::plural(warnings.len(), "planning warning")
        )
        .map_err(io_err)?;
        for w in &warnings {
            writeln!(out, "  warning: {w}").map_err(io_err)?;
        }
    }
    Ok(model)
}

/// `bcdr graph`: `graph.dot` and `graph.svg` in the output folder.
///
/// # Errors
/// The scenario's errors, or a failed write.
pub fn graph(path: &Path, dir: Option<&Path>, out: &mut dyn Write) -> Result<(), Error> {
    let model = scenario::load(path)?;
    let dir = dir.map_or_else(|| default_out_dir(path), Path::to_path_buf);
    let dir = OutDir::lock(&dir, Wait::No)?;
    let files = vec![
        (
            "graph.dot".to_string(),
            report::graph::dot(&model).into_bytes(),
        ),
        (
            "graph.svg".to_string(),
            report::graph::svg(&model).into_bytes(),
        ),
    ];
    for p in emit(&dir, &files, None, "", out)? {
        writeln!(out, "wrote {}", p.display()).map_err(io_err)?;
    }
    Ok(())
}

/// Progress callback of a simulating command: trials done so far.
pub type OnProgress<'a> = Option<&'a (dyn Fn(u64) + Sync)>;

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
        ("threats.csv".to_string(), report::csv::threats(summary)),
        (
            "loss_exceedance.csv".to_string(),
            report::csv::loss_exceedance(&acc.annual_hist),
        ),
    ])
}

/// The command line that reproduces a result: the command, the scenario
/// as given, the threat of a drill, the trial count and the seed (the
/// thread count and the output folder do not change the numbers).
pub fn command_line(command: &str, path: &Path, threat: Option<&str>, opts: &SimOptions) -> String {
    let mut s = format!(
        "bcdr {command} {}",
        crate::fmt::shell_quote(&path.display().to_string())
    );
    if let Some(threat) = threat {
        s.push_str(&format!(" --threat {}", crate::fmt::shell_quote(threat)));
    }
    s.push_str(&format!(" --trials {} --seed {}", opts.trials, opts.seed));
    s
}

/// The most trials one run may have (10^9). Memory grows with the trial
/// count in one place, the convergence record (a point per
/// 1024 trials, `CONVERGENCE_CHUNK`, kept exactly so that
/// shards merge into a single run's bytes): about 100 MB at this limit.
/// A billion trials also take hours on a large estate; the 1-in-100 year
/// loss is within a few percent at 10^5.
pub const MAX_TRIALS: u64 = 1_000_000_000;

/// Check the trial count of a simulating command.
///
/// # Errors
/// [`Error::Usage`] for 0 trials or more than [`MAX_TRIALS`].
pub fn check_trials(trials: u64) -> Result<(), Error> {
    if trials == 0 {
        return Err(Error::Usage(
            "--trials must be at least 1 (100000 gives a 1-in-100 year loss within a few percent)"
                .to_string(),
        ));
    }
    if trials > MAX_TRIALS {
        let points = trials / crate::stats::acc::CONVERGENCE_CHUNK;
        return Err(Error::Usage(format!(
            "--trials {trials} is more than the {MAX_TRIALS} (1e9) a run may have: the run \
             would keep {points} convergence points (about {} MB) and take far longer than \
             its precision is worth; the 1-in-100 year loss is within a few percent at 100000 \
             trials. Pass at most --trials {MAX_TRIALS}",
            points.saturating_mul(100) / 1_000_000
        )));
    }
    Ok(())
}

fn check_sim(opts: &SimOptions) -> Result<(), Error> {
    check_trials(opts.trials)
}

/// `bcdr run`: simulate, summarise, write the outputs, print the
/// one-screen summary unless quiet.
///
/// # Errors
/// The scenario's errors, a bad option, or a failed write.
pub fn run(
    path: &Path,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<RunOutcome, Error> {
    run_labelled(path, None, opts, progress, out)
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
    let bytes = crate::input::read_limited(path, crate::input::MAX_SCENARIO_BYTES, "a scenario")?;
    let model = scenario::parse_bytes(&bytes).map_err(|source| Error::Scenario {
        path: path.to_path_buf(),
        source,
    })?;
    let dir = OutDir::lock(
        &opts.out.clone().unwrap_or_else(|| default_out_dir(path)),
        Wait::No,
    )?;
    let plan = SimPlan::compile(&model);
    let accumulator = sim::simulate(
        &plan,
        sim::Mode::Annual,
        opts.seed,
        0..opts.trials,
        opts.threads,
        progress,
    )?;
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
    bytes.extend(report::pack::run_pack(
        &model,
        &summary,
        &accumulator,
        &warnings,
        &prov,
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

/// `bcdr generate`: write a layered scenario of `services` services.
///
/// # Errors
/// A bad size, or a failed write.
pub fn generate(services: usize, seed: u64, path: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let text = sim::generate::layered(services, seed)?;
    report::write_atomic(path, text.as_bytes())?;
    writeln!(out, "wrote {} ({services} services)", path.display()).map_err(io_err)?;
    Ok(())
}

fn file_stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "scenario".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// The default output folder of `bcdr compare A B`:
/// `outputs/compare-<A stem>-vs-<B stem>/`.
pub fn default_compare_dir(a: &Path, b: &Path) -> PathBuf {
    Path::new("outputs").join(format!("compare-{}-vs-{}", file_stem(a), file_stem(b)))
}

/// `bcdr compare A B`: both plans on the same trials with the same seed
/// (common random numbers); writes `compare.json`, `compare.md`, the CSV
/// tables and charts, and each side's own results under `a/` and `b/`.
///
/// # Errors
/// Either scenario's errors, plans that cannot be compared (different
/// horizon or currency), a bad option, or a failed write.
pub fn compare(
    a: &Path,
    b: &Path,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<crate::stats::comparison::Comparison, Error> {
    use crate::stats::comparison::Comparison;
    check_sim(opts)?;
    let (ma, mb) = (scenario::load(a)?, scenario::load(b)?);
    if ma.horizon != mb.horizon {
        return Err(Error::Usage(format!(
            "{} has a horizon of {} and {} of {}: compare needs the same horizon on both sides, \
             or the annual losses are not comparable",
            a.display(),
            ma.horizon,
            b.display(),
            mb.horizon
        )));
    }
    if ma.currency != mb.currency {
        return Err(Error::Usage(format!(
            "{} counts in {} and {} in {}: compare needs one currency",
            a.display(),
            ma.currency,
            b.display(),
            mb.currency
        )));
    }
    let dir = OutDir::lock(
        &opts
            .out
            .clone()
            .unwrap_or_else(|| default_compare_dir(a, b)),
        Wait::No,
    )?;
    let (pa, pb) = (SimPlan::compile(&ma), SimPlan::compile(&mb));
    let pair = sim::compare::simulate_pair(
        &pa,
        &pb,
        sim::Mode::Annual,
        [opts.seed, opts.seed],
        0..opts.trials,
        opts.threads,
        progress,
    )?;
    let names = [a.display().to_string(), b.display().to_string()];
    let cmp = Comparison::build([&ma, &mb], [&names[0], &names[1]], opts.seed, &pair);
    let mut files = report::compare::files(&cmp, &pair)?;
    let command = format!(
        "bcdr compare {} {} --trials {} --seed {}",
        crate::fmt::shell_quote(&a.display().to_string()),
        crate::fmt::shell_quote(&b.display().to_string()),
        opts.trials,
        opts.seed
    );
    let reports =
        report::compare_doc::report_files(&cmp, [&ma, &mb], [&pair.a, &pair.b], &command, &files)?;
    files.extend(reports);
    for (side, model, acc) in [("a", &ma, &pair.a), ("b", &mb, &pair.b)] {
        let summary = Summary::build(model, opts.seed, acc);
        for (name, bytes) in run_files(&summary, acc)? {
            files.push((format!("{side}/{name}"), bytes));
        }
    }
    let screen = (!opts.quiet).then(|| report::compare::screen(&cmp));
    emit(&dir, &files, screen.as_deref(), "", out)?;
    Ok(cmp)
}

/// `bcdr run SCENARIO --shard I/N`: run shard I (0-based) of N and write
/// `partial-I-of-N.json` into the output folder (see [`crate::shard`]).
///
/// # Errors
/// The scenario's errors, more shards than trials, or a failed write.
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
            "--shard {shard}: {} shards for {} trials would leave shards without trials; use at \
             most {} shards",
            shard.count, opts.trials, opts.trials
        )));
    }
    let bytes = crate::input::read_limited(path, crate::input::MAX_SCENARIO_BYTES, "a scenario")?;
    let model = scenario::parse_bytes(&bytes).map_err(|source| Error::Scenario {
        path: path.to_path_buf(),
        source,
    })?;
    // parse_bytes has checked the text is UTF-8.
    let text = String::from_utf8_lossy(&bytes);
    let plan = SimPlan::compile(&model);
    let range = shard.range(opts.trials);
    let acc = sim::simulate(
        &plan,
        sim::Mode::Annual,
        opts.seed,
        range.clone(),
        opts.threads,
        progress,
    )?;
    let partial = Partial::new(&model, path, &text, opts.seed, opts.trials, shard, acc);
    let dir = opts.out.clone().unwrap_or_else(|| default_out_dir(path));
    // Shards of one job share a folder: each adds its part, waiting its
    // turn, and keeps the others'.
    let file =
        OutDir::lock(&dir, Wait::Yes)?.write_file(&shard.file_name(), &partial.to_json()?)?;
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
    let scenario_bytes = scenario_file
        .map(|p| crate::input::read_limited(p, crate::input::MAX_SCENARIO_BYTES, "a scenario"))
        .transpose()?;
    let merged = shard::merge(&read, scenario_file.zip(scenario_bytes.as_deref()))?;
    let dir = OutDir::lock(
        &dir.map_or_else(
            || default_out_dir(Path::new(&merged.scenario_file)),
            Path::to_path_buf,
        ),
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

/// The default output folder of a sweep:
/// `outputs/sweep-<scenario stem>-<parameter path>/`.
pub fn default_sweep_dir(path: &Path, parameter: &str) -> PathBuf {
    let param: String = parameter
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Path::new("outputs").join(format!("sweep-{}-{param}", file_stem(path)))
}

/// `bcdr sweep SCENARIO --set PATH=VALUES`: run every value with the same
/// seed and write `sweep.json`, `sweep.csv`, `sweep_services.csv` and the
/// charts. With `threat`, every value runs drills of that threat instead
/// of the annual simulation; with `service`, RTO attainment is that
/// service's.
///
/// # Errors
/// The scenario's errors, an unknown id, a bad option, or a failed write.
pub fn sweep(
    path: &Path,
    setting: &crate::sweep::Setting,
    threat: Option<&str>,
    service: Option<&str>,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<crate::sweep::SweepResult, Error> {
    check_sim(opts)?;
    let model = scenario::load(path)?;
    setting
        .param
        .check(&setting.path, &model, &setting.values)?;
    let dir = OutDir::lock(
        &opts
            .out
            .clone()
            .unwrap_or_else(|| default_sweep_dir(path, &setting.path)),
        Wait::No,
    )?;
    let result = crate::sweep::run(
        &model,
        &crate::sweep::SweepRun {
            setting,
            threat,
            service,
            seed: opts.seed,
            trials: opts.trials,
            threads: opts.threads,
        },
        progress,
    )?;
    let mut bytes = report::sweep::files(&result)?;
    let mut command = format!(
        "bcdr sweep {} --set {}",
        crate::fmt::shell_quote(&path.display().to_string()),
        crate::fmt::shell_quote(&format!(
            "{}={}",
            setting.path,
            setting
                .values
                .iter()
                .map(|v| setting.label(*v))
                .collect::<Vec<_>>()
                .join(",")
        ))
    );
    for (flag, v) in [("--threat", threat), ("--service", service)] {
        if let Some(v) = v {
            command.push_str(&format!(" {flag} {}", crate::fmt::shell_quote(v)));
        }
    }
    command.push_str(&format!(" --trials {} --seed {}", opts.trials, opts.seed));
    let reports =
        report::sweep_doc::report_files(&result, &setting.param, &model, &command, &bytes)?;
    bytes.extend(reports);
    let screen = (!opts.quiet).then(|| report::sweep::screen(&result));
    emit(&dir, &bytes, screen.as_deref(), "", out)?;
    Ok(result)
}
