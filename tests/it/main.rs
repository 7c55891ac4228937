//! Integration tests: one binary, a module per behaviour.

mod common;
mod drill;
mod engine;
mod graph;
mod pack;
