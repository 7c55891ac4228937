//! Mergeable accumulators and the summary built from them.

pub mod acc;
pub mod comparison;
pub mod diff;
pub mod drill;
pub mod exact;
pub mod hist;
pub mod summary;

pub use acc::Accumulator;
pub use exact::ExactSum;
pub use hist::LogHist;
pub use summary::Summary;
