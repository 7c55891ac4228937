//! The binary's side of the review-loop commands and the CI gates: parse
//! the options, call the library, map a gate's outcome to its exit code
//! (0 pass, 1 gate failed; errors stay 2 through `main`).

use std::io::Write;

use bcdr::review::gate;

use crate::cli::{self, FailOn, Format};
use crate::{sim_options, Progress};

/// `bcdr validate [--deny-warnings] [--format json]`.
pub fn validate(
    scenario: &std::path::Path,
    deny_warnings: bool,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    if format == Format::Json {
        let report = gate::validate_report(scenario)?;
        out.write_all(&report.to_json()?)?;
        return Ok(report.status(deny_warnings).code());
    }
    let model = bcdr::app::validate(scenario, out)?;
    if deny_warnings && !bcdr::scenario::planning_warnings(&model).is_empty() {
        eprintln!("error: --deny-warnings: the scenario has planning warnings (listed above)");
        return Ok(gate::Status::Fail.code());
    }
    Ok(0)
}

/// `bcdr run` (not sharded), with `--label` and `--fail-on appetite`.
pub fn run(run: cli::RunArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let bar = Progress::new(&run.sim, run.sim.trials);
    let tick = |done: u64| bar.tick(done);
    let outcome = bcdr::app::run_labelled(
        &run.scenario,
        run.label.as_deref(),
        &sim_options(&run.sim),
        Some(&tick),
        out,
    )?;
    bar.finish();
    if run.fail_on == Some(FailOn::Appetite) {
        let breaches = gate::appetite_breaches(&outcome.summary);
        if !breaches.is_empty() {
            for b in &breaches {
                eprintln!("error: {b}");
            }
            return Ok(gate::Status::Fail.code());
        }
    }
    Ok(0)
}

/// `bcdr trend`.
pub fn trend(a: cli::TrendArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    bcdr::review::cmd::trend(&a.runs, a.out.as_deref(), a.quiet, out)?;
    Ok(())
}

/// `bcdr explain`.
pub fn explain(a: cli::ExplainArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let sim = a.sim.with_trials(a.trials);
    bcdr::review::cmd::explain(&a.old, &a.new, &sim_options(&sim), None, out)?;
    Ok(())
}

/// `bcdr tornado`.
pub fn tornado(a: cli::TornadoArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let vary = bcdr::review::tornado::parse_vary(&a.vary)?;
    let sim = a.sim.with_trials(a.trials);
    bcdr::review::cmd::tornado(&a.scenario, vary, &sim_options(&sim), None, out)?;
    Ok(())
}

/// `bcdr importance`.
pub fn importance(a: cli::ImportanceArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let sim = a.sim.with_trials(a.trials);
    bcdr::review::cmd::importance(&a.scenario, a.top, &sim_options(&sim), None, out)?;
    Ok(())
}
