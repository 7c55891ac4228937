//! # bcdr — business-continuity and disaster-recovery plan simulator
//!
//! A scenario file describes services, their dependencies, sites, threats and
//! the recovery plan. bcdr validates it into a [`model::Model`], compiles it
//! into a flat simulation plan, runs Monte Carlo trials in parallel and
//! summarises recovery times against RTO, data lost against RPO and the
//! annual loss distribution.
//!
//! # The public API
//!
//! The binary, the integration tests and the benches use the library only
//! through this surface (`docs/library.md` has the same map with
//! examples); everything else is crate-private.
//!
//! - [`app`]: one function per command ([`app::validate`], [`app::run`],
//!   [`app::drill`], [`app::compare`], [`app::sweep`], [`app::run_shard`],
//!   [`app::merge`], [`app::graph`], [`app::generate`]) with
//!   [`app::SimOptions`] and what each returns.
//! - [`scenario`]: [`scenario::load`], [`scenario::parse_str`],
//!   [`scenario::parse_bytes`] (text → validated [`model::Model`]),
//!   [`scenario::planning_warnings`], [`scenario::parse_hours`] and
//!   [`scenario::parse_raw`] (the file as written, for `review::explain`).
//! - [`model`]: the validated scenario: typed ids, units, distributions
//!   ([`model::Dist`]) and the dependency graph.
//! - [`sim`]: [`sim::SimPlan::compile`], [`sim::simulate`] (the parallel
//!   driver, deterministic at any thread count), [`sim::Mode`],
//!   [`sim::compare::simulate_pair`] and [`sim::generate::layered`].
//! - [`stats`]: the [`stats::Accumulator`] trials fold into and the results
//!   built from it: [`stats::Summary`] (`summary.json`) and
//!   [`stats::DrillSummary`] (`drill.json`).
//! - [`shard`]: sharded runs: [`shard::Partial`] and [`shard::merge`].
//! - [`sweep`]: sensitivity sweeps of one parameter ([`sweep::Setting`],
//!   [`sweep::run`]).
//! - [`review`]: the quarterly review loop (trend, explain, tornado,
//!   importance) and the CI gates.
//! - [`report`]: output folders ([`report::OutDir`]), atomic files
//!   ([`report::write_atomic`]), the run pack ([`report::run_pack`]), the
//!   dependency graph ([`report::graph`]) and `drill.json`
//!   ([`report::drill_json`]).
//! - [`fmt`] (how numbers are written) and [`error`] (typed errors,
//!   [`Error`]).
//!
//! Crate-private: the charts (`chart`), reading input files with a size
//! limit (`input`), the raw scenario structs, the validator and the
//! warnings' rules, the compiled plan's parts and the trial engine, the
//! accumulators' internals and every exporter the pack calls. Some of
//! their types are reachable without being nameable (the raw scenario
//! [`scenario::parse_raw`] returns, the parts of a [`sim::SimPlan`]): treat
//! them as opaque.
//!
//! # Layers
//!
//! Imports run one way, each layer using only the layers below it:
//! `fmt` and `error`; then `model`; then `scenario` (which builds a model)
//! and `stats` (which accumulates over one); then `sim` (which runs a
//! model's compiled plan into `stats` accumulators); then `chart`, then
//! `report`; then the commands: `shard`, `sweep`, `review` and, last, `app`.
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
