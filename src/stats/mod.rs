//! Mergeable accumulators and the summary built from them.

pub(crate) mod acc;
pub(crate) mod comparison;
pub(crate) mod diff;
pub(crate) mod drill;
pub(crate) mod exact;
pub(crate) mod hist;
pub(crate) mod summary;
pub(crate) mod sweep;

pub use acc::Accumulator;
pub use acc::{CauseAcc, ServiceAcc};
pub use drill::{
    BusinessRecovery, DrillSummary, MbcoRecovery, PathEntry, RecoveryCurve, ServiceDrill, Stats,
    Timeline, DRILL_SCHEMA_VERSION,
};
pub use exact::ExactSum;
pub use hist::LogHist;
pub use summary::{
    AnnualLoss, AppetiteCheck, Mean, MeanP99, QuantileAccuracy, Quantiles, ServiceSummary, Summary,
    ThreatSummary, RANDOM_FAILURES, SCHEMA_VERSION,
};

/// z₀.₉₇₅ ≈ 1.96: the two-sided 95% normal quantile, for every 95%
/// confidence interval of a mean (and the Wilson interval of a share).
pub const Z975: f64 = 1.959_963_984_540_054;
