//! The validated scenario: typed ids, checked values and the dependency graph.
//!
//! A [`Model`] is only ever built by the scenario validator
//! (`crate::scenario::validate`); every reference in it is resolved to an
//! index, every number is range checked and the dependency graph is
//! acyclic. The simulator compiles it into a flat plan
//! (`crate::sim::compile`) and never sees the raw file. This module
//! imports nothing from those stages: they build on it.

pub(crate) mod coupling;
pub mod dist;
pub(crate) mod graph;
mod spread;
#[cfg(test)]
pub(crate) mod testutil;
pub(crate) mod units;

pub use coupling::{CommonFactor, Coupling, Trigger};
pub use dist::Dist;
pub use graph::{DependencyGraph, Edge, EdgeKind, NodeRef};
pub use units::{Hours, Money, Probability, HOURS_PER_YEAR};

/// A service's layer, from the ground up: a label for reports, charts and
/// `Tier(..)` targets that changes no behaviour. Written in scenario files
/// by name (`tier: Platform`).
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    Infrastructure,
    Platform,
    Application,
    Business,
}

/// The highest threat rate, in events per year (about two a minute), and
/// the most random failures a year a service may have on average: beyond
/// it a "threat" is a permanent state, and a typo such as `1e9` would make
/// every trial hang. Rate distributions are held to it by their
/// 1-in-a-billion value, and the engine caps every drawn rate at it.
pub const MAX_RATE_PER_YEAR: f64 = 1.0e6;

/// Index of a site in [`Model::sites`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteId(pub u32);

/// Index of a service in [`Model::services`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(pub u32);

/// Index of a k-of-n group in [`Model::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub u32);

/// Index of a threat in [`Model::threats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreatId(pub u32);

impl ServiceId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl GroupId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl SiteId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl ThreatId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl Tier {
    /// The label used in reports and charts.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Infrastructure => "Infrastructure",
            Tier::Platform => "Platform",
            Tier::Application => "Application",
            Tier::Business => "Business",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub name: Option<String>,
}

/// Random failures: an alternating renewal process of lifetimes and repairs.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureModel {
    /// Time to failure, measured while the service is itself up
    /// (`Exponential(mtbf)` when the file gives `mtbf`).
    pub ttf: Dist,
    /// Repair duration; each repair needs a crew for its whole length.
    pub repair: Dist,
}

/// How a destroyed or encrypted service comes back.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupModel {
    /// Time between backups; `None` for a service with nothing to back up
    /// (rebuilt from code or images).
    pub interval: Option<Hours>,
    /// Restore from the last good backup (needs a crew).
    pub restore: Option<Dist>,
    /// Rebuild from scratch, used when there is no usable backup.
    pub rebuild: Option<Dist>,
    /// Immutable backups cannot be compromised by ransomware.
    pub immutable: bool,
    /// How far back backups are kept; `None` keeps every backup.
    pub retention: Option<Hours>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FailoverModel {
    pub site: SiteId,
    pub switchover: Dist,
    pub success: Probability,
    /// The standby's hard dependencies (`None`: the service's own
    /// `depends_on`): while failed over, what the service needs.
    pub depends_on: Option<Vec<NodeRef>>,
    /// DR invocation: fail over once the service has been non-functional
    /// this long, for any cause (`None`: only a `Disaster` triggers it).
    pub invoke_after: Option<Hours>,
    /// Asynchronous replication: the data lost at each switchover (`None`:
    /// synchronous, nothing lost).
    pub lag: Option<Dist>,
    /// What must be functional for the switchover to start.
    pub requires: Vec<NodeRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SoftDependency {
    pub target: NodeRef,
    /// Capacity kept (fraction in [0, 1]) while the soft dependency is down.
    pub capacity: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: String,
    pub name: Option<String>,
    pub tier: Tier,
    pub site: Option<SiteId>,
    /// Hard dependencies: not functional while any of them is not.
    pub depends_on: Vec<NodeRef>,
    /// Soft dependencies: capacity multiplied while one is down.
    pub degrades_on: Vec<SoftDependency>,
    pub failure: Option<FailureModel>,
    /// Restart after an Outage threat ends, before the service works again.
    pub restart: Option<Dist>,
    pub backup: Option<BackupModel>,
    pub failover: Option<FailoverModel>,
    pub rto: Option<Hours>,
    pub rpo: Option<Hours>,
    pub mtpd: Option<Hours>,
    /// Minimum business continuity objective: a capacity fraction.
    pub mbco: Option<f64>,
    pub revenue_per_hour: Money,
    pub cost_per_outage: Money,
    pub data_loss_cost_per_hour: Money,
    pub mtpd_penalty: Money,
    /// Segmented services are never entered by ransomware spread.
    pub segmented: bool,
    /// Per-service spread probability into this service (hardening).
    pub spread_probability: Option<Probability>,
    pub tags: Vec<String>,
}

/// k-of-n redundancy: functional while at least `need` members are.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub name: Option<String>,
    pub members: Vec<NodeRef>,
    pub need: u32,
}

/// How often a threat occurs: a Poisson rate per year, fixed or uncertain.
#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    Fixed(f64),
    /// Sampled once per trial (frequency uncertainty, as in FAIR).
    Uncertain(Dist),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    pub id: String,
    pub rate_per_year: Rate,
    pub kind: ThreatKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ThreatKind {
    Outage {
        /// Services hit, resolved from the file's targets, in id order.
        targets: Vec<ServiceId>,
        /// Sites hit directly (a `Site(..)` target), for failover checks.
        sites: Vec<SiteId>,
        duration: Dist,
        response_cost: Option<Dist>,
    },
    Disaster {
        targets: Vec<ServiceId>,
        sites: Vec<SiteId>,
        response_cost: Option<Dist>,
    },
    Ransomware(Box<Ransomware>),
    LossEvent {
        cost: Dist,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ransomware {
    pub entry: Vec<ServiceId>,
    /// Explicit directed attack paths; `None` spreads along dependency
    /// edges in both directions.
    pub attack_paths: Option<Vec<(ServiceId, ServiceId)>>,
    pub spread_probability: Probability,
    pub spread_time: Dist,
    pub dwell: Dist,
    pub detection: Dist,
    pub backup_compromise: Probability,
    pub response_cost: Option<Dist>,
    pub containment_outage: Option<Dist>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AppetitePoint {
    pub loss: Money,
    pub probability: Probability,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// `None`: unlimited crews.
    pub crews: Option<u32>,
    /// Services whose recovery goes first, in this order.
    pub priority: Vec<ServiceId>,
    pub restore_in_dependency_order: bool,
    pub annual_cost: Money,
    /// Teams with skills (DESIGN-2 B4); jobs that match none go to `crews`.
    pub teams: Vec<Team>,
}

/// A team of `crews` crews that recovers the services its skills match.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub crews: u32,
    /// The services its skills match, in id order.
    pub services: Vec<ServiceId>,
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: Option<String>,
    pub currency: String,
    pub horizon: Hours,
    pub sites: Vec<Site>,
    pub services: Vec<Service>,
    pub groups: Vec<Group>,
    pub threats: Vec<Threat>,
    pub risk_appetite: Vec<AppetitePoint>,
    pub plan: Plan,
    /// Triggers between threats and common factors over their rates.
    pub coupling: Coupling,
    /// Services and groups as nodes, edges from a dependent to what it
    /// depends on; acyclic.
    pub graph: DependencyGraph,
}

impl Model {
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }

    /// The id of a service by name, if there is one.
    pub fn service_id(&self, name: &str) -> Option<ServiceId> {
        self.services
            .iter()
            .position(|s| s.id == name)
            .map(|i| ServiceId(i as u32))
    }

    pub fn threat_id(&self, name: &str) -> Option<ThreatId> {
        self.threats
            .iter()
            .position(|t| t.id == name)
            .map(|i| ThreatId(i as u32))
    }

    /// The display id of a node.
    pub fn node_id(&self, node: NodeRef) -> &str {
        match node {
            NodeRef::Service(s) => &self.services[s.index()].id,
            NodeRef::Group(g) => &self.groups[g.index()].id,
        }
    }
}
