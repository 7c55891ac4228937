//! Mergeable accumulators and the summary built from them.

pub mod acc;
pub mod comparison;
pub mod diff;
pub mod drill;
pub mod exact;
pub mod hist;
pub mod summary;
pub mod sweep;

pub use acc::Accumulator;
pub use exact::ExactSum;
pub use hist::LogHist;
pub use summary::Summary;

/// z₀.₉₇₅ ≈ 1.96: the two-sided 95% normal quantile, for every 95%
/// confidence interval of a mean (and the Wilson interval of a share).
pub const Z975: f64 = 1.959_963_984_540_054;
