//! The `bcdr` binary: parse the command line, call the command in
//! [`bcdr::app`], print the error chain, set the exit code (0 pass, 1 a CI
//! gate failed, 2 an error).

mod cli;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use bcdr::app::{self, Gated};
use progress::{with_bar, with_ticker};

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match dispatch(args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`bcdr ... | head`) is not an error worth a message.
            let broken_pipe = err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// Run the command; `Ok` carries the exit code of a gate (0 or 1).
fn dispatch(args: cli::Cli) -> anyhow::Result<u8> {
    use cli::Command;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.command {
        Command::Validate {
            scenario,
            deny_warnings,
            format,
        } => {
            let json = format == cli::Format::Json;
            return Ok(gate(app::validate_gate(
                &scenario,
                deny_warnings,
                json,
                &mut out,
            )?));
        }
        Command::Run(run) => {
            if let Some(shard) = run.shard {
                if run.label.is_some() || run.fail_on.is_some() {
                    anyhow::bail!(
                        "--label and --fail-on apply to a whole run: use them with bcdr run \
                         without --shard (a merged run has no label)"
                    );
                }
                let range = shard.range(run.sim.trials);
                with_bar(&run.sim, range.end - range.start, |opts, tick| {
                    app::run_shard(&run.scenario, shard, opts, tick, &mut out)
                })?;
            } else {
                let fail_on_appetite = run.fail_on == Some(cli::FailOn::Appetite);
                let gated = with_bar(&run.sim, run.sim.trials, |opts, tick| {
                    let label = run.label.as_deref();
                    app::run_gated(&run.scenario, label, fail_on_appetite, opts, tick, &mut out)
                })?;
                return Ok(gate(gated));
            }
        }
        Command::Trend(a) => {
            app::review::trend(&a.runs, a.out.as_deref(), a.quiet, &mut out)?;
        }
        Command::Explain(a) => {
            with_ticker(
                &a.sim.with_trials(a.trials),
                "explain",
                "trials",
                |opts, tick| app::review::explain(&a.old, &a.new, opts, tick, &mut out),
            )?;
        }
        Command::Tornado(a) => {
            let vary = bcdr::review::tornado::parse_vary(&a.vary)?;
            with_ticker(
                &a.sim.with_trials(a.trials),
                "tornado",
                "parameters",
                |opts, tick| app::review::tornado(&a.scenario, vary, opts, tick, &mut out),
            )?;
        }
        Command::Importance(a) => {
            let sim = a.sim.with_trials(a.trials);
            with_ticker(&sim, "importance", "simulations", |opts, tick| {
                app::review::importance(&a.scenario, a.top, opts, tick, &mut out)
            })?;
        }
        Command::Graph { scenario, out: dir } => app::graph(&scenario, dir.as_deref(), &mut out)?,
        // Two plans a trial: twice the work of a run.
        Command::Compare(a) => {
            with_bar(&a.sim, a.sim.trials, |opts, tick| {
                app::compare(&a.a, &a.b, opts, tick, &mut out)
            })?;
        }
        Command::Merge(a) => {
            let scenario = a.scenario.as_deref();
            app::merge(&a.parts, scenario, a.out.as_deref(), a.quiet, &mut out)?;
        }
        Command::Sweep(a) => {
            let setting = bcdr::sweep::Setting::parse(&a.set)?;
            let total = a.sim.trials.saturating_mul(setting.values.len() as u64);
            with_bar(&a.sim, total, |opts, tick| {
                let (threat, service) = (a.threat.as_deref(), a.service.as_deref());
                app::sweep(&a.scenario, &setting, threat, service, opts, tick, &mut out)
            })?;
        }
        Command::Drill(drill) => {
            let sim = drill.sim.with_trials(drill.trials);
            with_bar(&sim, sim.trials, |opts, tick| {
                app::drill(
                    &drill.scenario,
                    &drill.threat,
                    drill.outcome.map(Into::into),
                    drill.at,
                    opts,
                    tick,
                    &mut out,
                )
            })?;
        }
        Command::Generate {
            services,
            seed,
            out: path,
            force,
        } => app::generate(services, seed, &path, force, &mut out)?,
    }
    Ok(0)
}

/// A gate's exit code, after its failures on stderr.
fn gate(gated: Gated) -> u8 {
    for failure in &gated.failures {
        eprintln!("error: {failure}");
    }
    gated.status.code()
}
