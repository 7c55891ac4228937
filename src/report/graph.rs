//! The dependency graph as DOT and as SVG (a pure-Rust layered layout).

use crate::model::Model;

/// Graphviz DOT text: services coloured by tier, groups as clusters.
pub fn dot(model: &Model) -> String {
    todo!("{}", model.name)
}

/// A standalone SVG drawing of the dependency graph.
pub fn svg(model: &Model) -> String {
    todo!("{}", model.name)
}
