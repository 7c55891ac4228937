//! Integration tests: one binary, a module per behaviour.

mod common;
mod compare;
mod engine;
mod graph;
mod ransomware;
mod run;
mod shards;
mod sweep;
mod validate;
