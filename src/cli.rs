//! Command-line arguments (clap derive types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "bcdr",
    version,
    about = "Business-continuity and disaster-recovery plan simulator",
    long_about = "Simulates outages, disasters and cyberattacks against a scenario's services and \
                  recovery plan, and reports recovery time against RTO, data lost against RPO and \
                  the annual loss distribution."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a scenario: errors (non-zero exit) and planning warnings.
    Validate {
        /// The scenario file (RON).
        scenario: PathBuf,
    },
    /// Write the dependency graph as DOT and SVG.
    Graph {
        scenario: PathBuf,
        /// Output folder (default: outputs/<scenario file stem>/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The annual risk run: every threat and failure over the horizon.
    Run(RunArgs),
    /// One threat at time zero, nothing else: the recovery timeline, recovery
    /// time against RTO, data lost against RPO, time to MBCO, the critical
    /// path.
    Drill(DrillArgs),
    /// Write a generated layered scenario (for benchmarks and scale tests).
    Generate {
        /// Number of services (split 1% infrastructure, 9% platform, 40%
        /// application, 50% business).
        #[arg(long, default_value_t = 1000)]
        services: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the scenario.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Options shared by every command that simulates.
#[derive(Debug, Args, Clone)]
pub struct SimArgs {
    /// Number of Monte Carlo trials.
    #[arg(long, default_value_t = 100_000)]
    pub trials: u64,
    /// Seed of every random stream: the same seed gives the same results.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: outputs/<scenario file stem>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct DrillArgs {
    pub scenario: PathBuf,
    /// The id of the threat to drill (an Outage, Disaster or Ransomware).
    #[arg(long)]
    pub threat: String,
    /// Number of drills.
    #[arg(long, default_value_t = 10_000)]
    pub trials: u64,
    /// Seed of every random stream: the same seed gives the same results.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: outputs/<scenario file stem>-drill-<threat>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

impl DrillArgs {
    /// The options every simulating command shares.
    pub fn sim(&self) -> SimArgs {
        SimArgs {
            trials: self.trials,
            seed: self.seed,
            threads: self.threads,
            out: self.out.clone(),
            quiet: self.quiet,
        }
    }
}
