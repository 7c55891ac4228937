//! The dependency graph of services and k-of-n groups (petgraph).

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{GroupId, ServiceId};

/// A node of the dependency graph: a service or a k-of-n group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRef {
    /// A service.
    Service(ServiceId),
    /// A k-of-n group.
    Group(GroupId),
}

/// What an edge of the dependency graph means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `depends_on`: the dependent is not functional while the target is not.
    Hard,
    /// `degrades_on`: the dependent loses capacity while the target is down.
    Soft,
    /// A group's member.
    Member,
}

/// An edge of the dependency graph, from a dependent (or a group) to what it needs (or its member).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// What the edge means.
    pub kind: EdgeKind,
    /// Capacity kept while the target is down (soft edges only; 0 otherwise).
    pub capacity: f64,
}

/// Services and groups, with an edge from each dependent (or group) to what
/// it depends on (or to its member). Node weights are the [`NodeRef`]s;
/// services come first, in file order, then groups.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    /// The petgraph graph; use [`DependencyGraph::index`] to find a node.
    pub graph: DiGraph<NodeRef, Edge>,
    services: usize,
}

impl DependencyGraph {
    /// A graph with one node per service and per group and no edges.
    pub fn new(services: usize, groups: usize) -> Self {
        let mut graph = DiGraph::with_capacity(services + groups, 0);
        for i in 0..services {
            graph.add_node(NodeRef::Service(ServiceId(i as u32)));
        }
        for i in 0..groups {
            graph.add_node(NodeRef::Group(GroupId(i as u32)));
        }
        DependencyGraph { graph, services }
    }

    /// The graph's node of a service or group.
    pub fn index(&self, node: NodeRef) -> NodeIndex {
        match node {
            NodeRef::Service(s) => NodeIndex::new(s.index()),
            NodeRef::Group(g) => NodeIndex::new(self.services + g.index()),
        }
    }

    /// Add an edge from `from` (the dependent or the group) to `to`.
    pub fn add_edge(&mut self, from: NodeRef, to: NodeRef, edge: Edge) {
        let (a, b) = (self.index(from), self.index(to));
        self.graph.add_edge(a, b, edge);
    }

    /// Nodes so that every node comes after everything it depends on.
    ///
    /// # Errors
    /// The node on a cycle that petgraph reports.
    pub fn dependencies_first(&self) -> Result<Vec<NodeRef>, NodeRef> {
        match toposort(&self.graph, None) {
            // toposort puts sources (dependents) first; reverse it.
            Ok(order) => Ok(order.into_iter().rev().map(|i| self.graph[i]).collect()),
            Err(cycle) => Err(self.graph[cycle.node_id()]),
        }
    }
}
