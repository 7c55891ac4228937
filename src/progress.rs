//! The progress of a simulating command on stderr: the bar (when stderr is
//! a terminal and the command is not quiet) and the estimate of a long
//! run's duration (always).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::cli;

/// Run `command` with a progress bar of `total` trials: the command gets
/// its options and the callback that moves the bar.
pub(crate) fn with_bar<T>(
    sim: &cli::SimArgs,
    total: u64,
    command: impl FnOnce(&bcdr::app::SimOptions, bcdr::app::OnProgress<'_>) -> bcdr::Result<T>,
) -> bcdr::Result<T> {
    let bar = Progress::new(sim, total);
    let tick = |done: u64| bar.tick(done);
    let result = command(&sim_options(sim), Some(&tick))?;
    bar.finish();
    Ok(result)
}

/// Run a review command whose amount of work is known only inside it
/// (`explain`'s stages, `tornado`'s parameters, `importance`'s
/// simulations): `command` reports how many `unit`s it has done. A
/// terminal shows a spinner with the count and the time so far; and
/// once [`ANNOUNCE_LONGER_THAN`] has passed, the next report says on
/// stderr, even when quiet, that `name` is still running and how far it
/// is, so that a long review is not taken for a hang.
pub(crate) fn with_ticker<T>(
    sim: &cli::SimArgs,
    name: &str,
    unit: &str,
    command: impl FnOnce(&bcdr::app::SimOptions, bcdr::app::OnProgress<'_>) -> bcdr::Result<T>,
) -> bcdr::Result<T> {
    let bar = if sim.common.quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {name}: {{pos}} {unit} done, {{elapsed}}"
        )) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    };
    let still = Still::new(name, unit, ANNOUNCE_LONGER_THAN);
    let tick = |done: u64| {
        bar.set_position(done);
        if let Some(notice) = still.tick(done) {
            bar.suspend(|| eprintln!("{notice}"));
        }
    };
    let result = command(&sim_options(sim), Some(&tick));
    bar.finish_and_clear();
    result
}

/// The notice of [`with_ticker`]: once, at the first report after
/// `after`, that the command is still running and how far it is.
struct Still<'a> {
    name: &'a str,
    unit: &'a str,
    after: Duration,
    start: Instant,
    told: AtomicBool,
}

impl<'a> Still<'a> {
    fn new(name: &'a str, unit: &'a str, after: Duration) -> Still<'a> {
        Still {
            name,
            unit,
            after,
            start: Instant::now(),
            told: AtomicBool::new(false),
        }
    }

    /// `done` units are done: the notice, the first time after `after`.
    fn tick(&self, done: u64) -> Option<String> {
        let elapsed = self.start.elapsed();
        if elapsed < self.after || self.told.swap(true, Ordering::Relaxed) {
            return None;
        }
        Some(format!(
            "bcdr: {} is still running after {} ({done} {} done); Ctrl-C stops, fewer --trials \
             go faster",
            self.name,
            human(elapsed),
            self.unit
        ))
    }
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
                 Ctrl-C stops, fewer --trials go faster (`bcdr run --shard` splits a run \
                 across machines)",
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
    if sim.common.quiet || !std::io::stderr().is_terminal() {
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

/// The library's options of a simulating command.
pub(crate) fn sim_options(sim: &cli::SimArgs) -> bcdr::app::SimOptions {
    bcdr::app::SimOptions {
        trials: sim.trials,
        seed: sim.common.seed,
        threads: sim.common.threads,
        out: sim.common.out.clone(),
        quiet: sim.common.quiet,
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

    /// A review command that runs long says so once, with how far it is,
    /// so that it is not taken for a hang; a short one says nothing.
    #[test]
    fn a_long_review_says_it_is_still_running_once() {
        let still = Still::new("importance", "simulations", Duration::ZERO);
        let notice = still.tick(7).expect("a notice");
        assert!(
            notice.starts_with("bcdr: importance is still running after 0 s (7 simulations done)"),
            "{notice}"
        );
        assert_eq!(still.tick(8), None);
        let quick = Still::new("tornado", "parameters", ANNOUNCE_LONGER_THAN);
        assert_eq!(quick.tick(3), None);
    }

    /// The bar stopped at 299 488 of 300 000: the report of an earlier
    /// chunk arrived after the last one's.
    #[test]
    fn a_late_report_does_not_move_the_bar_back() {
        let sim = cli::SimArgs {
            trials: 300_000,
            common: cli::Common {
                seed: 1,
                threads: None,
                out: None,
                quiet: true,
            },
        };
        let progress = Progress::new(&sim, 300_000);
        progress.tick(299_232);
        progress.tick(300_000);
        progress.tick(299_488);
        assert_eq!(progress.bar.position(), 300_000);
    }
}
