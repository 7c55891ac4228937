//! # bcdr — business-continuity and disaster-recovery plan simulator
//!
//! A scenario file describes services, their dependencies, sites, threats and
//! the recovery plan. bcdr validates it into a [`model::Model`], compiles it
//! into a flat simulation plan, runs Monte Carlo trials in parallel and
//! summarises recovery times against RTO, data lost against RPO and the
//! annual loss distribution.
//!
//! Stages, one module each:
//! - [`scenario`]: RON text → raw structs → validated [`model::Model`]
//! - [`model`]: typed ids, units, distributions and the dependency graph
//! - [`sim`]: the compiled plan, per-trial simulation and the parallel driver
//! - [`stats`]: mergeable accumulators, the summary and the other results
//!   (drill, comparison, sweep)
//! - [`chart`]: one file per chart, drawn from results
//! - [`report`]: exporters (JSON, CSV, Markdown, HTML, DOT/SVG) that return
//!   bytes
//! - [`shard`]: sharded runs: the partial-result format and the merge
//! - [`sweep`]: sensitivity sweeps of one parameter
//! - [`input`]: reading input files with a size limit
//! - [`app`]: one function per command, used by the thin binary
//!
//! Beside them, [`fmt`] (how numbers are written) and [`error`].
//!
//! Imports run one way, each layer using only the layers below it:
//! `fmt` and `error`; then `model`; then `scenario` (which builds a model)
//! and `stats` (which accumulates over one); then `sim` (which runs a
//! model's compiled plan into `stats` accumulators); then `chart`, then
//! `report`; then the commands: `shard`, `sweep` and `app`.
//!
//! The library never prints or exits; progress reaches the caller through a
//! callback.

pub mod app;
mod chart;
pub mod error;
pub mod fmt;
mod input;
pub mod model;
pub mod report;
pub mod review;
pub mod scenario;
pub mod shard;
pub mod sim;
pub mod stats;
pub mod sweep;

pub use error::{Error, Result};
