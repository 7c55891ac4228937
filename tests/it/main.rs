//! Integration tests: one binary, a module per behaviour.

mod common;
mod compare;
mod drill;
mod drill_truth;
mod engine;
mod graph;
mod pack;
mod ransomware;
mod reports;
mod run;
mod shards;
mod sweep;
mod validate;
