//! Command-line arguments (clap derive types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use bcdr::model::WeekTime;

#[derive(Debug, Parser)]
#[command(
    name = "bcdr",
    version,
    about = "Business-continuity and disaster-recovery plan simulator",
    long_about = "Simulates outages, disasters and cyberattacks against a scenario's services and \
                  recovery plan, and reports recovery time against RTO, data lost against RPO and \
                  the annual loss distribution."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a scenario: errors (exit 2) and planning warnings.
    Validate {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// Exit 1 when there are planning warnings (a CI gate).
        #[arg(long)]
        deny_warnings: bool,
        /// `text`, or `json`: every error and warning with its field path,
        /// message and fix.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the dependency graph as DOT, SVG and PNG.
    Graph {
        /// The scenario file (RON).
        scenario: PathBuf,
        /// Output folder (default: outputs/<scenario file stem>/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The annual risk run: every threat and failure over the horizon.
    Run(RunArgs),
    /// Compare two plans with common random numbers.
    ///
    /// Runs both scenarios on the same trials with the same seed and reports
    /// the difference in annual loss with a confidence interval, the change
    /// per service and per threat, and the return on plan B's extra
    /// annual_cost.
    Compare(CompareArgs),
    /// Merge the shards of `bcdr run --shard I/N` into one run's results.
    ///
    /// The merged files are identical to those of a single run with the
    /// same seed and trial count, whatever the order of the parts.
    Merge(MergeArgs),
    /// Run one scenario at several values of one parameter (sensitivity).
    ///
    /// Every value runs with the same seed and trials (common random
    /// numbers), so the curve shows the parameter's effect, not noise.
    Sweep(SweepArgs),
    /// One threat at time zero, nothing else: the recovery timeline, recovery
    /// time against RTO, data lost against RPO, time to MBCO, the critical
    /// path.
    Drill(DrillArgs),
    /// Trends across review runs: the runs of `bcdr run --label` in order,
    /// what changed between them and whether the expected loss moved
    /// significantly.
    Trend(TrendArgs),
    /// Why the expected loss moved between two versions of a scenario: the
    /// changes one at a time on common random numbers, as a waterfall.
    Explain(ExplainArgs),
    /// Every numeric parameter moved down and up: which assumptions move
    /// the expected loss most.
    Tornado(TornadoArgs),
    /// Which services and controls matter most: risk reduction and risk
    /// achievement worth per service, the loss each control saves.
    Importance(ImportanceArgs),
    /// Write a generated layered scenario (for benchmarks and scale tests).
    Generate {
        /// Number of services (split 1% infrastructure, 9% platform, 40%
        /// application, 50% business); at least 4, and no more than fit in
        /// the 64 MiB a scenario file may be (about 287 000).
        #[arg(long, default_value_t = 1000, allow_negative_numbers = true, value_parser = parse_services)]
        services: usize,
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Where to write the scenario (a new file; see --force).
        #[arg(long)]
        out: PathBuf,
        /// Replace the file at --out if there is one (never a read-only one).
        #[arg(long)]
        force: bool,
    },
}

/// Options shared by every command that simulates.
#[derive(Debug, Args, Clone)]
pub(crate) struct SimArgs {
    /// Number of Monte Carlo trials (at most 1e9; 1e6 and 2.5e5 are read
    /// as numbers too).
    #[arg(long, default_value_t = 100_000, allow_negative_numbers = true, value_parser = parse_count)]
    pub trials: u64,
    #[command(flatten)]
    pub common: Common,
}

/// Seed, threads, output folder and quiet: the options every simulating
/// command shares, apart from its trial count.
#[derive(Debug, Args, Clone)]
pub(crate) struct Common {
    /// Seed of every random stream: the same seed gives the same results.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
    pub seed: u64,
    /// Worker threads (default, and at most: one per core). Results do not
    /// depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Output folder (default: outputs/<scenario file stem>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

impl Common {
    /// With a command's own trial count.
    pub(crate) fn with_trials(&self, trials: u64) -> SimArgs {
        SimArgs {
            trials,
            common: self.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The scenario file (RON) to simulate.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Run only shard I of N (numbered from 0, like SLURM_ARRAY_TASK_ID and
    /// JOB_COMPLETION_INDEX) and write partial-I-of-N.json; combine the parts
    /// with `bcdr merge`.
    #[arg(long, value_name = "I/N", allow_hyphen_values = true)]
    pub shard: Option<bcdr::shard::Shard>,
    /// Name the run in a review (such as 2026-Q3): stores the label and the
    /// scenario file's SHA-256 in summary.json for `bcdr trend`.
    #[arg(long, value_name = "TEXT", value_parser = parse_label)]
    pub label: Option<String>,
    /// Exit 1 when a point of the risk appetite is breached (a CI gate; 2
    /// stays for errors).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
}

/// Output format of `bcdr validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Which ransomware attacks `drill --outcome` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DrillOutcome {
    /// The attacks that are not contained: every drill encrypts, and time
    /// zero is the encryption.
    Succeeding,
    /// Every attack as drawn (contained or not), time zero at initial
    /// access.
    All,
    /// The attacks detected before they deploy, time zero at initial
    /// access.
    Contained,
}

impl From<DrillOutcome> for bcdr::sim::Outcome {
    fn from(o: DrillOutcome) -> Self {
        match o {
            DrillOutcome::Succeeding => Self::Succeeding,
            DrillOutcome::All => Self::All,
            DrillOutcome::Contained => Self::Contained,
        }
    }
}

/// What `run --fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    /// A point of the scenario's risk appetite is breached.
    Appetite,
}

#[derive(Debug, Args)]
pub(crate) struct TrendArgs {
    /// Output folders of `bcdr run`, oldest first.
    #[arg(required = true, value_name = "RUN_DIR")]
    pub runs: Vec<PathBuf>,
    /// Output folder (default: outputs/trend/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output folder (default: outputs/explain-<old stem>-vs-<new stem>/)")))]
pub(crate) struct ExplainArgs {
    /// The earlier version of the scenario.
    pub old: PathBuf,
    /// The later version.
    pub new: PathBuf,
    /// Trials per step (every step runs the same trials).
    #[arg(long, default_value_t = 20_000, allow_negative_numbers = true, value_parser = parse_count)]
    pub trials: u64,
    #[command(flatten)]
    pub sim: Common,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output folder (default: outputs/tornado-<scenario stem>/)")))]
pub(crate) struct TornadoArgs {
    /// The scenario file (RON) whose parameters to move.
    pub scenario: PathBuf,
    /// How far each parameter moves down and up: 25% (or 0.25).
    #[arg(long, default_value = "25%", allow_hyphen_values = true)]
    pub vary: String,
    /// Trials per end of every bar.
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true, value_parser = parse_count)]
    pub trials: u64,
    #[command(flatten)]
    pub sim: Common,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output folder (default: outputs/importance-<scenario stem>/)")))]
pub(crate) struct ImportanceArgs {
    /// The scenario file (RON) whose services and controls to measure.
    pub scenario: PathBuf,
    /// Trials per variant.
    #[arg(long, default_value_t = 4_000, allow_negative_numbers = true, value_parser = parse_count)]
    pub trials: u64,
    /// Services (and controls) of each screening ranking to measure.
    #[arg(long, default_value_t = 25, allow_negative_numbers = true, value_parser = parse_top)]
    pub top: usize,
    #[command(flatten)]
    pub sim: Common,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output folder (default: outputs/compare-<A stem>-vs-<B stem>/)")))]
pub(crate) struct CompareArgs {
    /// Plan A: the baseline scenario.
    pub a: PathBuf,
    /// Plan B: the same estate under the plan to evaluate.
    pub b: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The partial-I-of-N.json files of every shard, in any order.
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathBuf>,
    /// Output folder (default: outputs/<scenario file stem>/, as `bcdr run`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Check that the parts ran this scenario file (the parts carry a copy
    /// of it, so it is not needed otherwise).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// No summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output folder (default: outputs/sweep-<scenario stem>-<parameter>/)")))]
pub(crate) struct SweepArgs {
    /// The scenario file (RON) whose parameter to sweep.
    pub scenario: PathBuf,
    /// PATH=VALUES: plan.crews, plan.annual_cost, threats.<id>.rate_per_year,
    /// services.<id>.rto, services.<id>.failover.success,
    /// services.<id>.backup.interval, or a path of `bcdr tornado` (money,
    /// `.scale` factors, probabilities: docs/review-loop.md), set to a list
    /// (1,2,4,8), a range (1..6) or a range with a step (0.1..0.5:0.1;
    /// durations take units: 1h..8h:1h).
    #[arg(long, value_name = "PATH=VALUES")]
    pub set: String,
    /// Run drills of this threat at every value instead of the annual run.
    #[arg(long)]
    pub threat: Option<String>,
    /// Report this service's RTO attainment (default: the mean over
    /// services with an RTO).
    #[arg(long)]
    pub service: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output folder (default: outputs/<scenario file stem>-drill-<threat>/)")))]
pub(crate) struct DrillArgs {
    /// The scenario file (RON) that defines the threat.
    pub scenario: PathBuf,
    /// The id of the threat to drill (an Outage, Disaster or Ransomware).
    #[arg(long)]
    pub threat: String,
    /// Ransomware only: which attacks to drill (default: succeeding, the
    /// attacks that are not contained, with time zero at the encryption).
    #[arg(long, value_enum, value_name = "WHICH")]
    pub outcome: Option<DrillOutcome>,
    /// Number of drills (at most 1e9).
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true, value_parser = parse_count)]
    pub trials: u64,
    #[command(flatten)]
    pub sim: Common,
    /// When the threat strikes on the revenue profiles' clock, such as
    /// "Fri 17:00" (default: a random time of the week, drawn per drill).
    #[arg(long, value_parser = WeekTime::parse)]
    pub at: Option<WeekTime>,
}

/// A count such as `100000`, `100_000`, `1e6` or `2.5e5` (an exact whole
/// number); the limits are checked by the command, with the numbers.
fn parse_count(s: &str) -> Result<u64, String> {
    let t = s.trim().replace('_', "");
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    let bad = || format!("\"{s}\" is not a whole number of trials, such as 100000 or 1e6");
    let x: f64 = t
        .contains(['e', 'E'])
        .then(|| t.parse().ok())
        .flatten()
        .ok_or_else(bad)?;
    if !(x.is_finite() && x >= 0.0 && x.fract() == 0.0) {
        return Err(bad());
    }
    // Beyond u64, the command's limit message says what to pass.
    Ok(if x >= 18_446_744_073_709_551_615.0 {
        u64::MAX
    } else {
        x as u64
    })
}

/// `--seed`: any whole number from 0 to 2^64 - 1.
fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim().replace('_', "").parse().map_err(|_| {
        format!(
            "\"{s}\" is not a seed: give a whole number from 0 to {}, such as 1 (the same seed \
             gives the same results)",
            u64::MAX
        )
    })
}

/// `--threads`: a whole number (0, like leaving it out, is one per core).
fn parse_threads(s: &str) -> Result<usize, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "\"{s}\" is not a number of threads: give a whole number, such as 4, or leave \
             --threads out for one per core"
        )
    })
}

/// `generate --services`: a whole number (the command checks its range).
fn parse_services(s: &str) -> Result<usize, String> {
    s.trim().replace('_', "").parse().map_err(|_| {
        format!("\"{s}\" is not a number of services: give a whole number, such as 1000")
    })
}

/// A review label: one line of text, not blank (it heads a column of
/// `trend`'s tables and a tick of its charts).
fn parse_label(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("a label names the run in a review; give one, such as 2026-Q3".into());
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!(
            "a label is one line of text, without control characters ({c:?} here); \
             such as 2026-Q3"
        ));
    }
    Ok(s.to_string())
}

/// `importance --top`: at least one service of each ranking.
fn parse_top(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "\"{s}\" is not a number of services to measure: give a whole number of at least 1, \
             such as 25"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_count, parse_label, parse_top};

    #[test]
    fn labels_are_one_line_of_text_and_top_at_least_one() {
        assert_eq!(parse_label("2026-Q3"), Ok("2026-Q3".to_string()));
        assert_eq!(
            parse_label("Q3 review, après"),
            Ok("Q3 review, après".to_string())
        );
        for bad in ["", "  ", "2026\nQ3", "a\tb", "\u{1b}[31mred"] {
            assert!(parse_label(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_top("1"), Ok(1));
        assert_eq!(parse_top("25"), Ok(25));
        for bad in ["0", "-1", "x", ""] {
            assert!(parse_top(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn counts_in_scientific_notation() {
        assert_eq!(parse_count("100000"), Ok(100_000));
        assert_eq!(parse_count("100_000"), Ok(100_000));
        assert_eq!(parse_count("1e6"), Ok(1_000_000));
        assert_eq!(parse_count("2.5e5"), Ok(250_000));
        assert_eq!(parse_count("1e12"), Ok(1_000_000_000_000));
        assert_eq!(parse_count("1e300"), Ok(u64::MAX));
        for bad in ["1.5", "-1", "abc", "1e-3", "inf", ""] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }
}
