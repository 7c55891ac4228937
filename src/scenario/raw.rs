//! The serde mirror of a scenario file, exactly as written.
//!
//! Nothing here is checked beyond its shape: durations are still strings,
//! references are still names, and numbers may be out of range. The
//! validator (`super::validate`) turns these into the typed [`crate::model`].
//! Every struct denies unknown fields, so a misspelt field is an error that
//! names it rather than a silently ignored line.

use serde::Deserialize;

/// A duration as written: a number followed by a unit (`"15m"`, `"4h"`).
pub(crate) type RawDuration = String;

/// A distribution as written in the file, over durations (`T = String`)
/// or money and plain numbers (`T = f64`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename = "Distribution")]
pub enum RawDist<T> {
    Fixed(T),
    Exponential {
        mean: T,
    },
    LogNormal {
        #[serde(default)]
        median: Option<T>,
        #[serde(default)]
        p90: Option<T>,
        #[serde(default)]
        low: Option<T>,
        #[serde(default)]
        high: Option<T>,
    },
    Triangular {
        min: T,
        mode: T,
        max: T,
    },
    Pert {
        min: T,
        mode: T,
        max: T,
    },
    Uniform {
        min: T,
        max: T,
    },
    Weibull {
        shape: f64,
        scale: T,
    },
    Empirical(Vec<T>),
}

/// A distribution of durations.
pub(crate) type RawDurationDist = RawDist<RawDuration>;
/// A distribution of money or of a plain number (a rate).
pub(crate) type RawNumberDist = RawDist<f64>;

/// `rate_per_year`: a plain number, or a distribution sampled once per trial.
///
/// Untagged, so serde cannot say which form was meant when neither fits;
/// `expecting` gives the planner both forms instead of serde's "data did not
/// match any variant".
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    untagged,
    expecting = "rate_per_year must be a number of events per year, such as 0.5, or a \
                 distribution of numbers with all its fields, such as \
                 Pert(min: 0.05, mode: 0.1, max: 0.4)"
)]
pub enum RawRate {
    Number(f64),
    /// Tried before [`RawRate::Dist`]: the untagged form would read these
    /// in the order the fields are declared, which the language does not
    /// promise (is `LogNormal(0.05, 0.3)` a median and a p90, or a 90%
    /// interval?). The validator refuses them, naming the fields.
    Unnamed(RawUnnamedDist),
    Dist(RawNumberDist),
}

/// A distribution of rates written with its parameters but without their
/// names, `Pert(0.05, 0.1, 0.3)`: never valid (a distribution anywhere
/// else is refused so by the parser), kept only to be refused by name.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename = "Distribution")]
pub enum RawUnnamedDist {
    Exponential(f64),
    LogNormal(f64, f64),
    Triangular(f64, f64, f64),
    Pert(f64, f64, f64),
    Uniform(f64, f64),
    Weibull(f64, f64),
}

impl RawUnnamedDist {
    /// The form's name and the values as written, in order.
    pub(crate) fn parts(&self) -> (&'static str, Vec<f64>) {
        match *self {
            RawUnnamedDist::Exponential(a) => ("Exponential", vec![a]),
            RawUnnamedDist::LogNormal(a, b) => ("LogNormal", vec![a, b]),
            RawUnnamedDist::Triangular(a, b, c) => ("Triangular", vec![a, b, c]),
            RawUnnamedDist::Pert(a, b, c) => ("Pert", vec![a, b, c]),
            RawUnnamedDist::Uniform(a, b) => ("Uniform", vec![a, b]),
            RawUnnamedDist::Weibull(a, b) => ("Weibull", vec![a, b]),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub horizon: Option<RawDuration>,
    #[serde(default)]
    pub sites: Vec<Site>,
    pub services: Vec<Service>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub threats: Vec<Threat>,
    #[serde(default)]
    pub risk_appetite: Vec<AppetitePoint>,
    #[serde(default)]
    pub plan: Option<Plan>,
    #[serde(default)]
    pub common_factors: Vec<RawCommonFactor>,
    #[serde(default)]
    pub insurance: Vec<Policy>,
}

/// `Policy(id, covers, deductible, limit, aggregate_limit, premium)` in
/// the scenario's `insurance`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    #[serde(default)]
    pub covers: Option<Vec<String>>,
    #[serde(default)]
    pub deductible: Option<f64>,
    #[serde(default)]
    pub limit: Option<f64>,
    #[serde(default)]
    pub aggregate_limit: Option<f64>,
    #[serde(default)]
    pub premium: Option<f64>,
}

/// `(threat: id, probability: p, delay: duration distribution)` in a
/// threat's `triggers`.
#[derive(Debug, Clone, Deserialize)]
// Named as messages name it ("Trigger(...) is missing the field ..."),
// not by its Rust name.
#[serde(deny_unknown_fields, rename = "Trigger")]
pub struct RawTrigger {
    pub threat: String,
    pub probability: f64,
    #[serde(default)]
    pub delay: Option<RawDurationDist>,
}

/// `(id, threats: [ids], multiplier: number distribution)` in the
/// scenario's `common_factors`.
#[derive(Debug, Clone, Deserialize)]
// Named as messages name it ("CommonFactor(...) is missing the field ..."),
// not by its Rust name.
#[serde(deny_unknown_fields, rename = "CommonFactor")]
pub struct RawCommonFactor {
    pub id: String,
    pub threats: Vec<String>,
    pub multiplier: RawNumberDist,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

pub(crate) use crate::model::{ServiceKind, Tier};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tier: Option<Tier>,
    /// `System` (default), `Function` or `External` (DESIGN-2 A4).
    #[serde(default)]
    pub kind: Option<ServiceKind>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub degrades_on: Vec<SoftDependency>,
    #[serde(default)]
    pub failure: Option<Failure>,
    #[serde(default)]
    pub restart: Option<RawDurationDist>,
    #[serde(default)]
    pub backup: Option<Backup>,
    #[serde(default)]
    pub failover: Option<Failover>,
    #[serde(default)]
    pub rto: Option<RawDuration>,
    #[serde(default)]
    pub rpo: Option<RawDuration>,
    #[serde(default)]
    pub mtpd: Option<RawDuration>,
    #[serde(default)]
    pub mbco: Option<f64>,
    #[serde(default)]
    pub revenue_per_hour: Option<f64>,
    #[serde(default)]
    pub cost_per_outage: Option<f64>,
    #[serde(default)]
    pub data_loss_cost_per_hour: Option<f64>,
    #[serde(default)]
    pub mtpd_penalty: Option<f64>,
    #[serde(default)]
    pub revenue_profile: Option<RevenueProfile>,
    #[serde(default)]
    pub impact: Vec<ImpactStep>,
    #[serde(default)]
    pub segmented: Option<bool>,
    /// Per-service override of every ransomware threat's spread probability
    /// into this service (hardening).
    #[serde(default)]
    pub spread_probability: Option<f64>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `(hours: [24 factors], weekend: [24 factors], months: [12 factors])`
/// in a service's `revenue_profile`, each part optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevenueProfile {
    #[serde(default)]
    pub hours: Option<Vec<f64>>,
    #[serde(default)]
    pub weekend: Option<Vec<f64>>,
    #[serde(default)]
    pub months: Option<Vec<f64>>,
}

/// `(after: duration, cost: money)` in a service's `impact`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactStep {
    pub after: RawDuration,
    pub cost: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftDependency {
    pub service: String,
    pub capacity: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    #[serde(default)]
    pub mtbf: Option<RawDuration>,
    #[serde(default)]
    pub ttf: Option<RawDurationDist>,
    pub repair: RawDurationDist,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    #[serde(default)]
    pub interval: Option<RawDuration>,
    #[serde(default)]
    pub restore: Option<RawDurationDist>,
    #[serde(default)]
    pub rebuild: Option<RawDurationDist>,
    #[serde(default)]
    pub immutable: Option<bool>,
    #[serde(default)]
    pub retention: Option<RawDuration>,
    /// Where the backups are kept (a site id; default: off site).
    #[serde(default)]
    pub site: Option<String>,
    /// What must be functional for a restore or rebuild to start.
    #[serde(default)]
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failover {
    pub site: String,
    pub switchover: RawDurationDist,
    #[serde(default)]
    pub success: Option<f64>,
    /// The standby's hard dependencies (default: the service's own).
    #[serde(default)]
    pub depends_on: Option<Vec<String>>,
    /// DR invocation: fail over once non-functional this long.
    #[serde(default)]
    pub invoke_after: Option<RawDuration>,
    #[serde(default)]
    pub replication: Option<Replication>,
    /// What must be functional for the switchover to start.
    #[serde(default)]
    pub requires: Vec<String>,
}

/// How the standby is kept up to date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Replication {
    Synchronous,
    Asynchronous { lag: RawDurationDist },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub members: Vec<String>,
    pub need: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub enum Target {
    Site(String),
    Service(String),
    Tier(Tier),
    Tag(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub probability: f64,
    pub time: RawDurationDist,
}

/// An end of an attack path: a service id, or a target standing for
/// every service it matches (`Tag("windows")`, `Site("dc-1")`).
///
/// Untagged, so `expecting` gives the planner both forms instead of
/// serde's "data did not match any variant".
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(
    untagged,
    expecting = "an attack path end must be a service id, such as \"ad\", or a target, such \
                 as Tag(\"windows\"), Tier(Infrastructure), Site(\"dc-1\") or \
                 Service(\"ad\")"
)]
pub enum Endpoint {
    Id(String),
    Target(Target),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackPath {
    pub from: Endpoint,
    pub to: Endpoint,
}

// The variants differ in size, but a scenario holds a handful of threats
// and they are read once: boxing the large one would only cost clarity.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Threat {
    Outage {
        id: String,
        rate_per_year: RawRate,
        /// Threats this one sets off (DESIGN-2 B2).
        #[serde(default)]
        triggers: Vec<RawTrigger>,
        targets: Vec<Target>,
        duration: RawDurationDist,
        #[serde(default)]
        response_cost: Option<RawNumberDist>,
    },
    Disaster {
        id: String,
        rate_per_year: RawRate,
        /// Threats this one sets off (DESIGN-2 B2).
        #[serde(default)]
        triggers: Vec<RawTrigger>,
        targets: Vec<Target>,
        #[serde(default)]
        response_cost: Option<RawNumberDist>,
        /// A logical disaster the standby receives too (DESIGN-2 A2).
        #[serde(default)]
        replicated: Option<bool>,
    },
    Ransomware {
        id: String,
        rate_per_year: RawRate,
        /// Threats this one sets off (DESIGN-2 B2).
        #[serde(default)]
        triggers: Vec<RawTrigger>,
        entry: Vec<String>,
        #[serde(default)]
        attack_paths: Option<Vec<AttackPath>>,
        spread: Spread,
        dwell: RawDurationDist,
        detection: RawDurationDist,
        #[serde(default)]
        backup_compromise: Option<f64>,
        #[serde(default)]
        response_cost: Option<RawNumberDist>,
        /// When the attack is contained, the compromised services are taken
        /// offline for this long (isolation and clean-up).
        #[serde(default)]
        containment_outage: Option<RawDurationDist>,
    },
    LossEvent {
        id: String,
        rate_per_year: RawRate,
        /// Threats this one sets off (DESIGN-2 B2).
        #[serde(default)]
        triggers: Vec<RawTrigger>,
        cost: RawNumberDist,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppetitePoint {
    pub loss: f64,
    pub probability: f64,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    #[serde(default)]
    pub crews: Option<u32>,
    #[serde(default)]
    pub priority: Vec<String>,
    #[serde(default)]
    pub restore_in_dependency_order: Option<bool>,
    #[serde(default)]
    pub annual_cost: Option<f64>,
    #[serde(default)]
    pub teams: Vec<RawTeam>,
}

/// `(id, crews: n, skills: [targets])` in `Plan.teams`: the crews that
/// recover the services its skills match.
#[derive(Debug, Clone, Deserialize)]
// Named as messages name it ("Team(...) is missing the field ..."),
// not by its Rust name.
#[serde(deny_unknown_fields, rename = "Team")]
pub struct RawTeam {
    pub id: String,
    pub crews: u32,
    pub skills: Vec<Target>,
}
