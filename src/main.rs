//! The `bcdr` binary: parse the command line, call the library, print the
//! error chain, set the exit code.

mod cli;
mod review_cmds;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

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
            let bar = Progress::new(&sim, sim.trials);
            let tick = |done: u64| bar.tick(done);
            bcdr::app::drill(
                &drill.scenario,
                &drill.threat,
                drill.at,
                &sim_options(&sim),
                Some(&tick),
                &mut out,
            )?;
            bar.finish();
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
    let range = shard.range(run.sim.trials);
    let bar = Progress::new(&run.sim, range.end - range.start);
    let tick = |done: u64| bar.tick(done);
    bcdr::app::run_shard(
        &run.scenario,
        shard,
        &sim_options(&run.sim),
        Some(&tick),
        out,
    )?;
    bar.finish();
    Ok(())
}

fn compare(args: cli::CompareArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    // Two plans a trial: twice the work of a run.
    let bar = Progress::new(&args.sim, args.sim.trials);
    let tick = |done: u64| bar.tick(done);
    bcdr::app::compare(&args.a, &args.b, &sim_options(&args.sim), Some(&tick), out)?;
    bar.finish();
    Ok(())
}

fn sweep(args: cli::SweepArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let setting = bcdr::sweep::Setting::parse(&args.set)?;
    let bar = Progress::new(
        &args.sim,
        args.sim.trials.saturating_mul(setting.values.len() as u64),
    );
    let tick = |done: u64| bar.tick(done);
    bcdr::app::sweep(
        &args.scenario,
        &setting,
        args.threat.as_deref(),
        args.service.as_deref(),
        &sim_options(&args.sim),
        Some(&tick),
        out,
    )?;
    bar.finish();
    Ok(())
}

/// A run that will take at least this long says so on stderr, with its
/// estimated duration, even when quiet.
const ANNOUNCE_LONGER_THAN: Duration = Duration::from_secs(30);

/// Measure at least this long before estimating (the first chunks run
/// while the other workers start).
const MEASURE_FOR: Duration = Duration::from_secs(2);

/// Progress of a simulating command: the bar (when shown), and the
/// estimate of a long run's duration (always).
pub(crate) struct Progress {
    bar: indicatif::ProgressBar,
    /// The count shown: workers report the trials done from several
    /// threads, and a report can arrive after a later, larger one (a
    /// thread that finished its chunk first may print last). The bar only
    /// moves forward, so it ends at the full count, not at a straggler's.
    shown: Mutex<u64>,
    start: Instant,
    total: u64,
    told: AtomicBool,
}

impl Progress {
    pub(crate) fn new(sim: &cli::SimArgs, total: u64) -> Progress {
        Progress {
            bar: progress_bar(sim, total),
            shown: Mutex::new(0),
            start: Instant::now(),
            total,
            told: AtomicBool::new(false),
        }
    }

    /// `done` trials of `total` are done (from worker threads).
    pub(crate) fn tick(&self, done: u64) {
        {
            let mut shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
            if done > *shown {
                *shown = done;
                self.bar.set_position(done);
            }
        }
        if self.told.load(Ordering::Relaxed) || done == 0 {
            return;
        }
        let elapsed = self.start.elapsed();
        if elapsed < MEASURE_FOR {
            return;
        }
        let estimate = elapsed.mul_f64(self.total as f64 / done as f64);
        if estimate < ANNOUNCE_LONGER_THAN || self.told.swap(true, Ordering::Relaxed) {
            return;
        }
        self.bar.suspend(|| {
            eprintln!(
                "bcdr: {} trials will take about {} in all at this pace ({done} done in {}); \
                 Ctrl-C stops, fewer --trials or --shard across machines go faster",
                self.total,
                human(estimate),
                human(elapsed)
            );
        });
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `3 h 20 min`, `12 min`, `45 s`.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} days", s / 86_400),
    }
}

/// A progress bar on stderr when it is a terminal and the run is not quiet;
/// otherwise a hidden one, so callers need not care.
fn progress_bar(sim: &cli::SimArgs, total: u64) -> indicatif::ProgressBar {
    if sim.quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
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
        let sim = cli::SimArgs {
            trials: 300_000,
            seed: 1,
            threads: None,
            out: None,
            quiet: true,
        };
        let progress = Progress::new(&sim, 300_000);
        progress.tick(299_232);
        progress.tick(300_000);
        progress.tick(299_488);
        assert_eq!(progress.bar.position(), 300_000);
    }
}
