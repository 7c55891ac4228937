//! Mergeable accumulators and the summary.
