//! Small hand-built models for unit tests: [`ModelBuilder`] assembles a
//! [`Model`] service by service without a scenario file, and [`bank`] and
//! [`generated`] are two ready-made ones (the graph exporters' tests use
//! them).

use crate::model::{
    DependencyGraph, Edge, EdgeKind, Group, GroupId, Hours, Model, Money, NodeRef, Plan, Service,
    ServiceId, ServiceKind, SoftDependency, Tier, HOURS_PER_YEAR,
};

/// A service with every optional field empty and every cost zero.
pub(crate) fn service(id: &str, tier: Tier) -> Service {
    Service {
        id: id.to_string(),
        name: None,
        tier,
        kind: ServiceKind::System,
        site: None,
        depends_on: Vec::new(),
        degrades_on: Vec::new(),
        failure: None,
        restart: None,
        backup: None,
        failover: None,
        rto: None,
        rpo: None,
        mtpd: None,
        mbco: None,
        revenue_per_hour: Money::ZERO,
        cost_per_outage: Money::ZERO,
        data_loss_cost_per_hour: Money::ZERO,
        mtpd_penalty: Money::ZERO,
        revenue_profile: None,
        impact: Vec::new(),
        segmented: false,
        spread_probability: None,
        tags: Vec::new(),
    }
}

/// Builds a [`Model`] by name, filling the services' dependency lists, the
/// groups' members and the graph consistently, as validation would.
pub(crate) struct ModelBuilder {
    name: String,
    services: Vec<Service>,
    groups: Vec<Group>,
    edges: Vec<(String, String, EdgeKind, f64)>,
}

impl ModelBuilder {
    pub(crate) fn new(name: &str) -> Self {
        ModelBuilder {
            name: name.to_string(),
            services: Vec::new(),
            groups: Vec::new(),
            edges: Vec::new(),
        }
    }

    pub(crate) fn service(mut self, id: &str, tier: Tier) -> Self {
        self.services.push(service(id, tier));
        self
    }

    pub(crate) fn group(mut self, id: &str, members: &[&str], need: u32) -> Self {
        self.groups.push(Group {
            id: id.to_string(),
            name: None,
            members: Vec::new(),
            need,
        });
        for m in members {
            self.edges
                .push((id.to_string(), m.to_string(), EdgeKind::Member, 0.0));
        }
        self
    }

    pub(crate) fn hard(mut self, from: &str, to: &str) -> Self {
        self.edges
            .push((from.to_string(), to.to_string(), EdgeKind::Hard, 0.0));
        self
    }

    pub(crate) fn soft(mut self, from: &str, to: &str, capacity: f64) -> Self {
        self.edges
            .push((from.to_string(), to.to_string(), EdgeKind::Soft, capacity));
        self
    }

    fn node(&self, id: &str) -> NodeRef {
        if let Some(i) = self.services.iter().position(|s| s.id == id) {
            NodeRef::Service(ServiceId(i as u32))
        } else if let Some(i) = self.groups.iter().position(|g| g.id == id) {
            NodeRef::Group(GroupId(i as u32))
        } else {
            panic!("test model: unknown node {id}")
        }
    }

    pub(crate) fn build(mut self) -> Model {
        let mut graph = DependencyGraph::new(self.services.len(), self.groups.len());
        let edges = std::mem::take(&mut self.edges);
        for (from, to, kind, capacity) in &edges {
            let (a, b) = (self.node(from), self.node(to));
            graph.add_edge(
                a,
                b,
                Edge {
                    kind: *kind,
                    capacity: *capacity,
                },
            );
            match (a, kind) {
                (NodeRef::Service(s), EdgeKind::Hard) => {
                    self.services[s.index()].depends_on.push(b);
                }
                (NodeRef::Service(s), EdgeKind::Soft) => {
                    self.services[s.index()].degrades_on.push(SoftDependency {
                        target: b,
                        capacity: *capacity,
                    });
                }
                (NodeRef::Group(g), _) => self.groups[g.index()].members.push(b),
                (NodeRef::Service(_), EdgeKind::Member) => {
                    panic!("test model: a service cannot have members")
                }
            }
        }
        Model {
            name: self.name,
            description: None,
            currency: "EUR".to_string(),
            horizon: Hours::new(HOURS_PER_YEAR).unwrap_or(Hours::ZERO),
            sites: Vec::new(),
            services: self.services,
            groups: self.groups,
            threats: Vec::new(),
            risk_appetite: Vec::new(),
            plan: Plan::default(),
            coupling: Default::default(),
            insurance: Vec::new(),
            graph,
        }
    }
}

/// The example of DESIGN.md, shrunk: a bank with a k-of-n API cluster and a
/// soft dependency.
pub(crate) fn bank() -> Model {
    ModelBuilder::new("Regional bank")
        .service("network", Tier::Infrastructure)
        .service("identity", Tier::Platform)
        .service("core-db", Tier::Application)
        .service("api-1", Tier::Platform)
        .service("api-2", Tier::Platform)
        .service("api-3", Tier::Platform)
        .service("fraud-scoring", Tier::Application)
        .service("payments", Tier::Business)
        .group("api-cluster", &["api-1", "api-2", "api-3"], 2)
        .hard("identity", "network")
        .hard("core-db", "network")
        .hard("api-1", "network")
        .hard("api-2", "network")
        .hard("api-3", "network")
        .hard("fraud-scoring", "core-db")
        .hard("payments", "core-db")
        .hard("payments", "api-cluster")
        .hard("payments", "identity")
        .soft("payments", "fraud-scoring", 0.8)
        .build()
}

/// A layered random-looking (but fixed) model of `n` services, as
/// `bcdr generate` would make: a few infrastructure services at the bottom,
/// each service depending on one to three services of lower tiers.
pub(crate) fn generated(n: usize) -> Model {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        // SplitMix64: a fixed sequence, enough to vary the shape.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % bound.max(1) as u64) as usize
    };
    let tier = |i: usize| match i * 100 / n.max(1) {
        0 => Tier::Infrastructure,
        1..=9 => Tier::Platform,
        10..=49 => Tier::Application,
        _ => Tier::Business,
    };
    let mut b = ModelBuilder::new("Generated");
    for i in 0..n {
        b = b.service(&format!("svc-{i:04}-{}", tier(i).label()), tier(i));
    }
    let names: Vec<String> = (0..n)
        .map(|i| format!("svc-{i:04}-{}", tier(i).label()))
        .collect();
    for i in 1..n {
        let lower = (0..i).filter(|&j| tier(j) < tier(i)).count();
        let pool = if lower == 0 { i } else { lower };
        let deps = 1 + next(3);
        let mut seen = Vec::new();
        for _ in 0..deps {
            let j = next(pool);
            if seen.contains(&j) {
                continue;
            }
            seen.push(j);
            b = if next(4) == 0 {
                b.soft(&names[i], &names[j], 0.5)
            } else {
                b.hard(&names[i], &names[j])
            };
        }
    }
    b.build()
}
