//! Integration tests: one binary, a module per behaviour.

mod common;
mod compare;
mod coupling;
mod docs;
mod drill;
mod drill_truth;
mod drplan;
mod edges;
mod engine;
mod fuzz;
mod graph;
mod limits;
mod messages;
mod outdir;
mod pack;
mod ransomware;
mod reports;
mod review;
mod run;
mod safety;
mod shards;
mod sweep;
mod tamper;
mod validate;
mod warnings;
mod xlsx;
