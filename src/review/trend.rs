//! `bcdr trend RUN_DIR...`: the runs of successive reviews side by side,
//! what changed between consecutive runs and whether the expected loss
//! moved significantly.
//!
//! Each folder is a `bcdr run` output; its `summary.json` is all trend
//! reads. A run made with `--label` carries the label and the scenario
//! file's SHA-256; without them the folder name stands for the label and
//! the scenario is "unknown".
//!
//! Significance: the change of the expected annual loss between two runs
//! has the standard error √(se₁² + se₂²) (the runs are separate
//! simulations, so their standard errors add in quadrature), and the change
//! is significant when its 95% interval excludes 0. Two runs that share a
//! seed share random numbers and are positively correlated, so this
//! interval is then conservative; `bcdr explain OLD NEW` gives the paired
//! one and says which change moved the loss.
//!
//! Each run keeps its own currency. Across a change of currency the losses
//! are not comparable: the step has no change of the loss and no verdict
//! (`delta` null), and the money charts draw only the runs in the latest
//! run's currency.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::stats::comparison::rto_attainment;
use crate::stats::period::Period;
use crate::stats::Summary;

use super::Delta;

/// Bumped whenever a field of `trend.json` changes meaning or disappears.
pub const TREND_SCHEMA_VERSION: u32 = 2;

/// How many services and threats each run lists.
pub const TOP: usize = 5;

/// An id and its expected annual loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Top {
    /// The service's or threat's id.
    pub id: String,
    /// Its expected annual loss.
    pub loss: f64,
}

/// One point of the risk appetite in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The annual loss of the appetite point.
    pub loss: f64,
    /// The probability per year of losing more than `loss` that the board accepts.
    pub accepted: f64,
    /// The simulated probability of losing strictly more.
    pub simulated: f64,
    /// `simulated <= accepted`.
    pub within: bool,
}

/// One run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendRun {
    /// `--label`, or the folder name.
    pub label: String,
    /// The run's output folder.
    pub dir: String,
    /// The scenario's name.
    pub scenario: String,
    /// `sha256:` and the SHA-256 of the scenario file (runs with `--label`); null otherwise.
    pub scenario_hash: Option<String>,
    /// The run's seed.
    pub seed: u64,
    /// Trials run.
    pub trials: u64,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// The run's currency: every amount of the run is in it.
    pub currency: String,
    /// The run's horizon (one trial), when it is not a year: its losses
    /// are per trial of it. Absent for a year.
    #[serde(
        default = "crate::stats::period::a_year",
        skip_serializing_if = "crate::stats::period::is_a_year"
    )]
    pub horizon_hours: f64,
    /// The expected annual loss.
    pub expected_annual_loss: f64,
    /// Its standard error.
    pub std_error: f64,
    /// 95% confidence interval of the expected annual loss.
    pub mean_ci95: [f64; 2],
    /// VaR 95: the 1-in-20 year.
    pub var_95: f64,
    /// VaR 99: the 1-in-100 year.
    pub var_99: f64,
    /// The risk appetite against the run, point by point.
    pub appetite: Vec<Verdict>,
    /// How many appetite points the run breaches.
    pub appetite_breached: usize,
    /// The mean RTO attainment over services with an RTO and outages; null when none.
    pub rto_attainment: Option<f64>,
    /// The services with the largest expected annual loss, largest first.
    pub top_services: Vec<Top>,
    /// The threats with the largest expected annual loss, largest first.
    pub top_threats: Vec<Top>,
    /// With insurance (the summary has `annual_loss_net`): true, and the
    /// expected annual loss, its interval and the VaRs are net of
    /// insurance, as the appetite's verdicts are. Absent without.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub net_of_insurance: bool,
}

/// What changed from the run before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The earlier run's label.
    pub from: String,
    /// The later run's label.
    pub to: String,
    /// `scenario`, `seed`, `trials`, `bcdr_version` (a method change),
    /// `insurance`, `currency`, `horizon`; `scenario_unknown` when a run has no hash
    /// (and the scenario's name is the same); `one_trial` when a run has
    /// a single trial (no standard error).
    pub changed: Vec<String>,
    /// Plain-language lines, one per change.
    pub notes: Vec<String>,
    /// Change of the expected annual loss (independent runs: the standard
    /// errors add in quadrature); null when the currency or the horizon
    /// changed, as such losses are not comparable (schema version 2; it
    /// was never null in version 1), and when a run has one trial, which
    /// has no standard error.
    pub delta: Option<Delta>,
    /// Change of RTO attainment; null when either run has none.
    pub rto_attainment_delta: Option<f64>,
}

/// The result of `bcdr trend` (`trend.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// [`TREND_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran the trend.
    pub bcdr_version: String,
    /// The latest run's currency (each run has its own, `runs[].currency`).
    pub currency: String,
    /// The runs, in the order given.
    pub runs: Vec<TrendRun>,
    /// One step per pair of consecutive runs.
    pub steps: Vec<Step>,
}

impl Trend {
    /// What the runs' losses are for: their horizon when they share one
    /// (a year, or a trial of another), else a trial.
    pub(crate) fn period(&self) -> Period {
        Period::common(self.runs.iter().map(|r| r.horizon_hours))
    }
}

fn top<T>(items: &[T], id: impl Fn(&T) -> &str, loss: impl Fn(&T) -> f64) -> Vec<Top> {
    let mut v: Vec<Top> = items
        .iter()
        .map(|x| Top {
            id: id(x).to_string(),
            loss: loss(x),
        })
        .filter(|t| t.loss > 0.0)
        .collect();
    v.sort_by(|a, b| b.loss.total_cmp(&a.loss).then(a.id.cmp(&b.id)));
    v.truncate(TOP);
    v
}

/// One run from its summary.
pub fn trend_run(dir: &Path, s: &Summary) -> TrendRun {
    let folder = dir
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let a = s.borne_loss();
    let appetite: Vec<Verdict> = s
        .risk_appetite
        .iter()
        .map(|x| Verdict {
            loss: x.loss,
            accepted: x.accepted,
            simulated: x.simulated,
            within: x.within,
        })
        .collect();
    TrendRun {
        label: s.label.clone().unwrap_or(folder),
        dir: dir.display().to_string(),
        scenario: s.scenario.clone(),
        scenario_hash: s.scenario_hash.clone(),
        seed: s.seed,
        trials: s.trials,
        bcdr_version: s.bcdr_version.clone(),
        currency: s.currency.clone(),
        horizon_hours: s.horizon_hours,
        expected_annual_loss: a.mean,
        std_error: a.std_error,
        mean_ci95: a.mean_ci95,
        var_95: a.p95,
        var_99: a.p99,
        appetite_breached: appetite.iter().filter(|v| !v.within).count(),
        appetite,
        rto_attainment: rto_attainment(s),
        top_services: top(&s.services, |x| &x.id, |x| x.loss.mean),
        top_threats: top(&s.threats, |x| &x.id, |x| x.loss.mean),
        net_of_insurance: s.annual_loss_net.is_some(),
    }
}

/// What changed from `a` to `b`.
pub fn step(a: &TrendRun, b: &TrendRun) -> Step {
    let mut changed = Vec::new();
    let mut notes = Vec::new();
    let currency_changed = a.currency != b.currency;
    let horizon_changed = a.horizon_hours != b.horizon_hours;
    match (&a.scenario_hash, &b.scenario_hash) {
        // Another name: another scenario, whether or not the hashes are known.
        _ if a.scenario != b.scenario => {
            changed.push("scenario".to_string());
            let file = match (&a.scenario_hash, &b.scenario_hash) {
                (Some(x), Some(y)) if x != y => format!(" (file {} → {})", short(x), short(y)),
                _ => String::new(),
            };
            notes.push(format!(
                "a different scenario: {} → {}{file}",
                a.scenario, b.scenario
            ));
        }
        (Some(x), Some(y)) if x != y => {
            changed.push("scenario".to_string());
            notes.push(format!(
                "the scenario file changed ({} → {})",
                short(x),
                short(y)
            ));
        }
        (Some(_), Some(_)) => {}
        _ => {
            changed.push("scenario_unknown".to_string());
            notes.push(
                "the scenario may have changed: run with --label to record its hash".to_string(),
            );
        }
    }
    if a.seed != b.seed {
        changed.push("seed".to_string());
        notes.push(format!(
            "seed {} → {} (other random numbers)",
            a.seed, b.seed
        ));
    }
    if a.trials != b.trials {
        changed.push("trials".to_string());
        notes.push(format!(
            "trials {} → {} (other precision)",
            a.trials, b.trials
        ));
    }
    if a.bcdr_version != b.bcdr_version {
        changed.push("bcdr_version".to_string());
        notes.push(format!(
            "bcdr {} → {}: a method change, part of the move may be the engine's",
            a.bcdr_version, b.bcdr_version
        ));
    }
    if a.net_of_insurance != b.net_of_insurance {
        changed.push("insurance".to_string());
        notes.push(
            if b.net_of_insurance {
                "insurance came in: the loss is now net of it (gross − recoveries + premiums)"
            } else {
                "insurance went: the loss is now gross"
            }
            .to_string(),
        );
    }
    if currency_changed {
        changed.push("currency".to_string());
        notes.push(format!(
            "the currency changed ({} → {}): the losses are not comparable, so there is no \
             difference and no verdict of significance",
            a.currency, b.currency
        ));
    }
    let one_trial = a.trials < 2 || b.trials < 2;
    if one_trial {
        changed.push("one_trial".to_string());
        notes.push("a run has a single trial".to_string());
    }
    if horizon_changed {
        changed.push("horizon".to_string());
        notes.push(format!(
            "the horizon changed ({} → {}): a loss is per trial of the horizon, so the losses \
             are not comparable, and there is no difference and no verdict of significance",
            crate::model::units::horizon_span(a.horizon_hours),
            crate::model::units::horizon_span(b.horizon_hours)
        ));
    }
    Step {
        from: a.label.clone(),
        to: b.label.clone(),
        changed,
        notes,
        delta: (!currency_changed && !horizon_changed && !one_trial).then(|| {
            Delta::independent(
                a.expected_annual_loss,
                a.std_error,
                b.expected_annual_loss,
                b.std_error,
            )
        }),
        rto_attainment_delta: a.rto_attainment.zip(b.rto_attainment).map(|(x, y)| y - x),
    }
}

/// `sha256:ba7816bf…` → `ba7816bf`.
fn short(hash: &str) -> String {
    let h = hash.strip_prefix("sha256:").unwrap_or(hash);
    h.chars().take(8).collect()
}

/// Read the runs and build the trend.
///
/// # Errors
/// Fewer than one folder, a folder that does not exist or is given twice,
/// or a folder without a readable `summary.json`.
pub fn trend(dirs: &[PathBuf]) -> Result<Trend, Error> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "trend needs at least one run folder (the output of bcdr run), oldest first"
                .to_string(),
        ));
    }
    let mut summaries = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for d in dirs {
        if !d.is_dir() {
            return Err(Error::Usage(format!(
                "{}: {}: give trend the folders that bcdr run --out wrote, oldest first",
                d.display(),
                if d.exists() {
                    "not a folder"
                } else {
                    "no such folder"
                }
            )));
        }
        // The same folder under another spelling (`q1`, `./q1/`) is the same run.
        let real = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
        if seen.contains(&real) {
            return Err(Error::Usage(format!(
                "{}: the same run folder is given twice: give each run once, oldest first",
                d.display()
            )));
        }
        seen.push(real);
        // A drill's pack holds a summary.json too, of its loss per drill:
        // read as a run, it made a "significant" change of annual loss.
        if let Some((other, file)) = crate::report::outdir::held(d)
            .filter(|(p, _)| !matches!(p, crate::report::Pack::Run | crate::report::Pack::Graph))
        {
            return Err(Error::Usage(format!(
                "{}: holds the results of {} ({file}), not of bcdr run: trend compares annual \
                 runs; give it the folders that bcdr run --out wrote, oldest first",
                d.display(),
                other.command()
            )));
        }
        let path = d.join("summary.json");
        // Read with a limit (a `summary.json` that is a FIFO or a device
        // would hang or fill memory), as every input of bcdr is.
        let bytes = crate::input::read_limited(
            &path,
            crate::input::MAX_PARTIAL_BYTES,
            "a run's summary.json",
        )
        .map_err(|e| match e {
            Error::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Error::Usage(format!(
                    "{}: not the output folder of bcdr run (it has no summary.json): give trend \
                     the folders that bcdr run --out wrote, oldest first",
                    d.display()
                ))
            }
            e => e,
        })?;
        let s: Summary = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Usage(format!(
                "{}: not a bcdr run summary ({e}); give trend the output folders of bcdr run",
                path.display()
            ))
        })?;
        summaries.push((d.clone(), s));
    }
    let runs: Vec<TrendRun> = summaries.iter().map(|(d, s)| trend_run(d, s)).collect();
    let steps = (1..runs.len())
        .map(|k| step(&runs[k - 1], &runs[k]))
        .collect();
    Ok(Trend {
        schema_version: TREND_SCHEMA_VERSION,
        bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
        currency: summaries
            .last()
            .map(|(_, s)| s.currency.clone())
            .unwrap_or_default(),
        runs,
        steps,
    })
}

impl Trend {
    /// Whether the runs are in more than one currency.
    pub fn mixed_currencies(&self) -> bool {
        self.runs.iter().any(|r| r.currency != self.currency)
    }

    /// Whether a chart of money draws `r`: only the runs in the latest
    /// run's currency and of its horizon share an axis (amounts in two
    /// currencies are not comparable, nor losses per 1y and per 2y: a line
    /// from one to the other read as the loss doubling).
    pub fn drawn(&self, r: &TrendRun) -> bool {
        r.currency == self.currency && r.horizon_hours == self.latest_horizon()
    }

    /// The latest run's horizon in hours (a year without runs).
    pub fn latest_horizon(&self) -> f64 {
        self.runs
            .last()
            .map_or(crate::model::HOURS_PER_YEAR, |r| r.horizon_hours)
    }

    /// The currency of a money chart's axis: `EUR`, or `EUR only` when
    /// runs in other currencies are left out.
    pub fn axis_currency(&self) -> String {
        if self.mixed_currencies() {
            format!("{} only", self.currency)
        } else {
            self.currency.clone()
        }
    }

    /// Whether the drawn runs mix losses net of insurance with gross ones
    /// (a run with insurance gives its loss net of it).
    fn mixed_basis(&self) -> bool {
        let mut drawn = self.runs.iter().filter(|r| self.drawn(r));
        drawn.clone().any(|r| r.net_of_insurance) && drawn.any(|r| !r.net_of_insurance)
    }

    /// The runs' labels on the axis of a chart of their losses: each run
    /// net of insurance marked `(net)` when the drawn runs mix net and
    /// gross losses, as they are.
    pub fn loss_labels(&self) -> Vec<String> {
        let mixed = self.mixed_basis();
        self.runs
            .iter()
            .map(|r| {
                if mixed && r.net_of_insurance {
                    format!("{} (net)", r.label)
                } else {
                    r.label.clone()
                }
            })
            .collect()
    }

    /// What to add to the description of a loss axis: nothing when no
    /// drawn run has insurance; `, net of insurance` when every one has;
    /// `, net of insurance where marked` when they mix.
    pub fn loss_basis(&self) -> &'static str {
        if self.mixed_basis() {
            ", net of insurance where marked"
        } else if self
            .runs
            .iter()
            .any(|r| self.drawn(r) && r.net_of_insurance)
        {
            ", net of insurance"
        } else {
            ""
        }
    }
}
