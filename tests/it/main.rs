//! Integration tests: one binary, a module per behaviour.

mod common;
mod compare;
mod coupling;
mod docs;
mod drill;
mod edges;
mod engine;
mod graph;
mod messages;
mod pack;
mod ransomware;
mod review;
mod run;
mod shards;
mod sweep;
mod validate;
mod warnings;
mod xlsx;
