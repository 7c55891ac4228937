//! The `bcdr` binary: parse the command line, call the library, print the
//! error chain, set the exit code.

mod cli;
mod review_cmds;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

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
        } => return review_cmds::validate(&scenario, deny_warnings, format, &mut out),
        Command::Run(run) if run.shard.is_none() => return review_cmds::run(run, &mut out),
        Command::Trend(a) => review_cmds::trend(a, &mut out)?,
        Command::Explain(a) => review_cmds::explain(a, &mut out)?,
        Command::Tornado(a) => review_cmds::tornado(a, &mut out)?,
        Command::Importance(a) => review_cmds::importance(a, &mut out)?,
        Command::Graph { scenario, out: dir } => {
            bcdr::app::graph(&scenario, dir.as_deref(), &mut out)?
        }
        Command::Run(run) => run_shard(run, &mut out)?,
        Command::Compare(args) => compare(args, &mut out)?,
        Command::Merge(args) => bcdr::app::merge(
            &args.parts,
            args.scenario.as_deref(),
            args.out.as_deref(),
            args.quiet,
            &mut out,
        )
        .map(drop)?,
        Command::Sweep(args) => sweep(args, &mut out)?,
        Command::Drill(drill) => {
            let sim = drill.sim();
            let bar = progress_bar(&sim);
            let tick = forward(&bar);
            bcdr::app::drill(
                &drill.scenario,
                &drill.threat,
                &sim_options(&sim),
                Some(&tick),
                &mut out,
            )?;
            bar.finish_and_clear();
        }
        Command::Generate {
            services,
            seed,
            out: path,
        } => bcdr::app::generate(services, seed, &path, &mut out)?,
    }
    Ok(0)
}

fn run_shard(run: cli::RunArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let Some(shard) = run.shard else {
        return Ok(());
    };
    if run.label.is_some() || run.fail_on.is_some() {
        anyhow::bail!(
            "--label and --fail-on apply to a whole run: use them with bcdr run without --shard \
             (a merged run has no label)"
        );
    }
    let bar = progress_bar(&run.sim);
    let range = shard.range(run.sim.trials);
    bar.set_length(range.end - range.start);
    let tick = forward(&bar);
    bcdr::app::run_shard(
        &run.scenario,
        shard,
        &sim_options(&run.sim),
        Some(&tick),
        out,
    )?;
    bar.finish_and_clear();
    Ok(())
}

fn compare(args: cli::CompareArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let bar = progress_bar(&args.sim);
    let tick = forward(&bar);
    bcdr::app::compare(&args.a, &args.b, &sim_options(&args.sim), Some(&tick), out)?;
    bar.finish_and_clear();
    Ok(())
}

fn sweep(args: cli::SweepArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let setting = bcdr::sweep::Setting::parse(&args.set)?;
    let bar = progress_bar(&args.sim);
    bar.set_length(args.sim.trials.saturating_mul(setting.values.len() as u64));
    let tick = forward(&bar);
    bcdr::app::sweep(
        &args.scenario,
        &setting,
        args.threat.as_deref(),
        args.service.as_deref(),
        &sim_options(&args.sim),
        Some(&tick),
        out,
    )?;
    bar.finish_and_clear();
    Ok(())
}

/// A progress bar on stderr when it is a terminal and the run is not quiet;
/// otherwise a hidden one, so callers need not care.
pub(crate) fn progress_bar(sim: &cli::SimArgs) -> indicatif::ProgressBar {
    if sim.quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(sim.trials);
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {human_pos}/{human_len} trials [{bar:40}] {speed} eta {eta}",
    );
    if let Ok(style) = style {
        let speed = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&speed(state.per_sec()));
        };
        bar.set_style(style.with_key("speed", speed).progress_chars("=> "));
    }
    bar
}

/// Trials per second as a whole number: "46,535 trials/s" (indicatif's own
/// `{per_sec}` prints four decimals).
fn speed(per_sec: f64) -> String {
    format!("{} trials/s", bcdr::fmt::count(per_sec))
}

/// The progress callback of `bar`: workers report the trials done from
/// several threads, and a report can arrive after a later, larger one (a
/// thread that finished its chunk first may print last). The bar only
/// moves forward, so it ends at the full count, not at a straggler's.
pub(crate) fn forward(bar: &indicatif::ProgressBar) -> impl Fn(u64) + Sync + '_ {
    let shown = std::sync::Mutex::new(0u64);
    move |done: u64| {
        let mut shown = shown
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if done > *shown {
            *shown = done;
            bar.set_position(done);
        }
    }
}

pub(crate) fn sim_options(sim: &cli::SimArgs) -> bcdr::app::SimOptions {
    bcdr::app::SimOptions {
        trials: sim.trials,
        seed: sim.seed,
        threads: sim.threads,
        out: sim.out.clone(),
        quiet: sim.quiet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_is_a_whole_number_of_trials_per_second() {
        assert_eq!(speed(46535.4782), "46,535 trials/s");
        assert_eq!(speed(0.2), "0 trials/s");
    }

    /// The bar stopped at 299 488 of 300 000: the report of an earlier
    /// chunk arrived after the last one's.
    #[test]
    fn a_late_report_does_not_move_the_bar_back() {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(300_000);
        let tick = forward(&bar);
        tick(299_232);
        tick(300_000);
        tick(299_488);
        assert_eq!(bar.position(), 300_000);
    }
}
