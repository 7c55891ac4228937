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
pub(crate) mod insurance;
mod spread;
#[cfg(test)]
pub(crate) mod testutil;
pub(crate) mod time;
pub(crate) mod units;

pub use coupling::{CommonFactor, Coupling, Trigger};
pub use dist::Dist;
pub use graph::{DependencyGraph, Edge, EdgeKind, NodeRef};
pub use insurance::{Covered, Policy, RANDOM_FAILURES};
pub use time::{ImpactStep, RevenueProfile, WeekTime};
pub use units::{Hours, Money, Probability, HOURS_PER_YEAR, MAX_MONEY};

/// A service's layer, from the ground up: a label for reports, charts and
/// `Tier(..)` targets that changes no behaviour. Written in scenario files
/// by name (`tier: Platform`).
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Data centres, networks, identity: what everything else runs on.
    Infrastructure,
    /// Databases, queues, clusters: shared services applications use.
    Platform,
    /// Applications.
    Application,
    /// Business functions: where revenue is lost and RTOs matter most.
    Business,
}

/// What a service is (DESIGN-2 A4): what ransomware can do to it and what
/// recovery it can have. Written in scenario files by name (`kind: Function`).
#[derive(Debug, Clone, Copy, Default, serde::Deserialize, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    /// A system with its own state (the default): it can fail, be
    /// destroyed, be entered, spread through and be encrypted.
    #[default]
    System,
    /// A business function or process: no own state. It is never entered,
    /// encrypted or a spread hop, and has no failure, backup or failover;
    /// it goes down through its dependencies or an `Outage` (staff
    /// unavailable, a pandemic).
    Function,
    /// A third party or SaaS: it has outages and random failures, it can be
    /// a ransomware entry and spread continues from it, but it is never
    /// encrypted (its data is not ours to restore).
    External,
}

impl ServiceKind {
    /// The label used in messages and documentation.
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::System => "System",
            ServiceKind::Function => "Function",
            ServiceKind::External => "External",
        }
    }
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
    /// The position in [`Model::services`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl GroupId {
    /// The position in [`Model::groups`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl SiteId {
    /// The position in [`Model::sites`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl ThreatId {
    /// The position in [`Model::threats`].
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

/// A place services run in (a data centre, a cloud region): `Disaster`
/// threats destroy what runs there and failover moves services between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The site's id, unique in the scenario.
    pub id: String,
    /// A display name, when the file gives one.
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
    /// Where the backups are kept (`None`: off site, out of every
    /// disaster's reach): a `Disaster` at that site destroys every backup
    /// taken until then.
    pub site: Option<SiteId>,
    /// What must be functional for a restore or rebuild to start.
    pub requires: Vec<NodeRef>,
}

/// Failover to a standby at another site.
#[derive(Debug, Clone, PartialEq)]
pub struct FailoverModel {
    /// The site the standby runs in.
    pub site: SiteId,
    /// How long the switchover takes.
    pub switchover: Dist,
    /// The chance that a switchover works; when it fails, the service is
    /// restored or rebuilt instead.
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

/// A soft dependency: the service keeps running at reduced capacity while it is down.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftDependency {
    /// The service or group depended on.
    pub target: NodeRef,
    /// Capacity kept (fraction in [0, 1]) while the soft dependency is down.
    pub capacity: f64,
}

/// One service of the estate, with its recovery and its costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The service's id, unique in the scenario.
    pub id: String,
    /// A display name, when the file gives one.
    pub name: Option<String>,
    /// Its layer, a label for reports.
    pub tier: Tier,
    /// System (default), Function or External (DESIGN-2 A4).
    pub kind: ServiceKind,
    /// The site it runs in, when it has one.
    pub site: Option<SiteId>,
    /// Hard dependencies: not functional while any of them is not.
    pub depends_on: Vec<NodeRef>,
    /// Soft dependencies: capacity multiplied while one is down.
    pub degrades_on: Vec<SoftDependency>,
    /// Random failures, when the service has them.
    pub failure: Option<FailureModel>,
    /// Restart after an Outage threat ends, before the service works again.
    pub restart: Option<Dist>,
    /// How it comes back when destroyed or encrypted, when it can.
    pub backup: Option<BackupModel>,
    /// Failover to a standby, when it has one.
    pub failover: Option<FailoverModel>,
    /// Recovery time objective: an outage of at most this long meets it.
    pub rto: Option<Hours>,
    /// Recovery point objective: the most data (in hours) it may lose.
    pub rpo: Option<Hours>,
    /// Maximum tolerable period of disruption: an outage longer than this pays `mtpd_penalty`.
    pub mtpd: Option<Hours>,
    /// Minimum business continuity objective: a capacity fraction.
    pub mbco: Option<f64>,
    /// Revenue lost per hour while not functional (scaled by lost capacity).
    pub revenue_per_hour: Money,
    /// Fixed cost of each outage (incident handling, communications, credits).
    pub cost_per_outage: Money,
    /// Cost of each hour of data lost in a restore or an asynchronous failover.
    pub data_loss_cost_per_hour: Money,
    /// Paid once for each outage that outlasts `mtpd`.
    pub mtpd_penalty: Money,
    /// How the lost revenue per hour varies over the week and the year
    /// (DESIGN-2 B3); `None`: the same at every hour.
    pub revenue_profile: Option<RevenueProfile>,
    /// Business-impact steps, in increasing order of `after`.
    pub impact: Vec<ImpactStep>,
    /// Segmented services are never entered by ransomware spread.
    pub segmented: bool,
    /// Per-service spread probability into this service (hardening).
    pub spread_probability: Option<Probability>,
    /// Free-form labels; `Tag(..)` targets select by them.
    pub tags: Vec<String>,
}

/// k-of-n redundancy: functional while at least `need` members are.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group's id, unique in the scenario.
    pub id: String,
    /// A display name, when the file gives one.
    pub name: Option<String>,
    /// The services and groups it is made of.
    pub members: Vec<NodeRef>,
    /// How many members must be functional (k of k-of-n).
    pub need: u32,
}

/// How often a threat occurs: a Poisson rate per year, fixed or uncertain.
#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    /// A fixed rate.
    Fixed(f64),
    /// Sampled once per trial (frequency uncertainty, as in FAIR).
    Uncertain(Dist),
}

/// One threat of the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    /// The threat's id, unique in the scenario.
    pub id: String,
    /// How often it occurs.
    pub rate_per_year: Rate,
    /// What it does.
    pub kind: ThreatKind,
}

/// What a threat does when it occurs.
#[derive(Debug, Clone, PartialEq)]
pub enum ThreatKind {
    /// Takes its targets down for `duration`; nothing is destroyed.
    Outage {
        /// Services hit, resolved from the file's targets, in id order.
        targets: Vec<ServiceId>,
        /// Sites hit directly (a `Site(..)` target), for failover checks.
        sites: Vec<SiteId>,
        /// How long the targets stay down.
        duration: Dist,
        /// Cost per occurrence, when given.
        response_cost: Option<Dist>,
    },
    /// Destroys its targets: each is restored, rebuilt or failed over.
    Disaster {
        /// Services destroyed, resolved from the file's targets, in id order.
        targets: Vec<ServiceId>,
        /// Sites hit directly (a `Site(..)` target), for failover checks.
        sites: Vec<SiteId>,
        /// Cost per occurrence, when given.
        response_cost: Option<Dist>,
        /// A logical disaster (corruption, a bad change) that the standby
        /// receives too: its targets are restored or rebuilt, never failed
        /// over, and it destroys no site and no backup.
        replicated: bool,
    },
    /// A ransomware attack: entry, spread, dwell against detection, encryption.
    Ransomware(Box<Ransomware>),
    /// A cost and no outage (a fine, a breach).
    LossEvent {
        /// The cost per occurrence.
        cost: Dist,
    },
}

/// A ransomware threat's attack.
#[derive(Debug, Clone, PartialEq)]
pub struct Ransomware {
    /// Initial access: one of these services, drawn uniformly per attack.
    pub entry: Vec<ServiceId>,
    /// Explicit directed attack paths; `None` spreads along dependency
    /// edges in both directions.
    pub attack_paths: Option<Vec<AttackPath>>,
    /// The chance that each spread step succeeds (a service's own
    /// `spread_probability` overrides it).
    pub spread_probability: Probability,
    /// How long each spread takes.
    pub spread_time: Dist,
    /// Time from initial access to encryption.
    pub dwell: Dist,
    /// Time from initial access to detection; detection first contains the attack.
    pub detection: Dist,
    /// The chance that the recent backups of an encrypted service are encrypted too (never for immutable backups).
    pub backup_compromise: Probability,
    /// Cost per attack (forensics, legal, notification), paid whether or not it is contained.
    pub response_cost: Option<Dist>,
    /// When contained: the compromised services are taken offline this long; `None` takes nothing offline.
    pub containment_outage: Option<Dist>,
}

/// One `attack_paths` entry: the attack can go from every service of
/// `from` to every service of `to` (a pair with itself excepted). A plain
/// id is a list of one; a target (`Tag("windows")`, `Site("dc-1")`) is
/// every service it matches, in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackPath {
    /// The services the attack can go from.
    pub from: Vec<ServiceId>,
    /// The services it can go to.
    pub to: Vec<ServiceId>,
}

/// One point of the risk appetite: the board accepts losing more than `loss` with at most `probability` a year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AppetitePoint {
    /// The annual loss.
    pub loss: Money,
    /// The accepted probability per year of losing more.
    pub probability: Probability,
}

/// The recovery plan: crews, priorities and what the plan costs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// `None`: unlimited crews.
    pub crews: Option<u32>,
    /// Services whose recovery goes first, in this order.
    pub priority: Vec<ServiceId>,
    /// A damaged service's restore or rebuild starts only once its hard dependencies are functional.
    pub restore_in_dependency_order: bool,
    /// What the plan costs a year, for comparing plans.
    pub annual_cost: Money,
    /// Teams with skills (DESIGN-2 B4); jobs that match none go to `crews`.
    pub teams: Vec<Team>,
}

/// A team of `crews` crews that recovers the services its skills match.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// The team's id, unique in the scenario.
    pub id: String,
    /// How many crews it has.
    pub crews: u32,
    /// The services its skills match, in id order.
    pub services: Vec<ServiceId>,
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// The scenario's name.
    pub name: String,
    /// What the scenario is about, when the file says.
    pub description: Option<String>,
    /// The currency of every amount (ISO 4217 code, such as `EUR`).
    pub currency: String,
    /// The length of one trial (default one year).
    pub horizon: Hours,
    /// The sites, in file order.
    pub sites: Vec<Site>,
    /// The services, in file order.
    pub services: Vec<Service>,
    /// The k-of-n groups, in file order.
    pub groups: Vec<Group>,
    /// The threats, in file order.
    pub threats: Vec<Threat>,
    /// The risk appetite, in file order.
    pub risk_appetite: Vec<AppetitePoint>,
    /// The recovery plan.
    pub plan: Plan,
    /// Triggers between threats and common factors over their rates.
    pub coupling: Coupling,
    /// Insurance policies, in file order; empty when there are none.
    pub insurance: Vec<Policy>,
    /// Services and groups as nodes, edges from a dependent to what it
    /// depends on; acyclic.
    pub graph: DependencyGraph,
}

impl Model {
    /// The service with id `id`.
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

    /// The id of a threat by name, if there is one.
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
