//! Raw scenario → typed [`Model`]: every reference resolved, every number
//! checked, the dependency graph acyclic. All problems are collected and
//! reported together, each with its field path.
//!
//! The validator walks the raw scenario in file order with a [`Ctx`] that
//! collects [`Issue`]s. Each builder computes every part of its value before
//! it combines them, so that one bad field never hides the problems of the
//! next; a builder returns `None` only after it has recorded why.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::NodeIndex;

use crate::error::{Issue, ScenarioError};
use crate::model::dist::DistError;
use crate::model::{
    AppetitePoint, BackupModel, DependencyGraph, Dist, Edge, EdgeKind, FailoverModel, FailureModel,
    Group, GroupId, Hours, Model, Money, NodeRef, Plan, Probability, Ransomware, Rate, Service,
    ServiceId, Site, SiteId, SoftDependency, Threat, ThreatKind, Tier,
};

use super::duration::{format_hours, parse_hours};
use super::raw;
use super::suggest;
use super::syntax;

pub use super::syntax::MAX_NESTING;

/// The currency when the scenario names none.
pub const DEFAULT_CURRENCY: &str = "USD";
/// The horizon when the scenario gives none: one year.
pub const DEFAULT_HORIZON_HOURS: f64 = 8760.0;
/// The longest horizon accepted: a thousand years. Anything longer is a typo
/// (`"1000000y"`), and would make every trial needlessly slow.
pub const MAX_HORIZON_HOURS: f64 = 1000.0 * 8760.0;
/// The highest fixed threat rate accepted, in events per year (about two a
/// minute): beyond it a "threat" is a permanent state, and a typo such as
/// `1e9` would make every trial hang.
pub const MAX_RATE_PER_YEAR: f64 = 1.0e6;

/// Parse RON text into the raw structs (optional fields may be written
/// without `Some(...)`).
///
/// # Errors
/// [`ScenarioError::Empty`] for empty or whitespace-only text, and
/// [`ScenarioError::Syntax`] with a 1-based line and column for RON syntax
/// errors, unknown or missing fields, values of the wrong type and nesting
/// deeper than [`MAX_NESTING`].
pub fn parse_raw(text: &str) -> Result<raw::Scenario, ScenarioError> {
    // Editors on Windows may save a byte-order mark; it is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ScenarioError::Empty);
    }
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
        .from_str(text)
        .map_err(|e| ScenarioError::Syntax {
            line: e.span.start.line.max(1),
            column: e.span.start.col.max(1),
            message: syntax::message(&e.code),
        })
}

/// Validate raw structs into a model.
///
/// Defaults: currency `"USD"`, horizon one year (8760 h), tier
/// `Application`, failover success 1, ransomware backup compromise 0, money
/// amounts 0, `segmented` false, and a plan with unlimited crews.
///
/// # Errors
/// [`ScenarioError::Invalid`] with every issue found, in file order.
pub fn validate(raw: &raw::Scenario) -> Result<Model, ScenarioError> {
    let mut cx = Ctx::default();
    let names = Names::index(&mut cx, raw);

    let (name, currency, horizon) = header(&mut cx, raw);
    let sites: Vec<Site> = raw
        .sites
        .iter()
        .map(|s| Site {
            id: s.id.clone(),
            name: s.name.clone(),
        })
        .collect();

    let mut links = Vec::new();
    let services: Vec<Option<Service>> = raw
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| service(&mut cx, &names, &mut links, i, s))
        .collect();
    let groups: Vec<Option<Group>> = raw
        .groups
        .iter()
        .enumerate()
        .map(|(k, g)| group(&mut cx, &names, &mut links, k, g))
        .collect();
    let graph = dependency_graph(&mut cx, raw, &links);

    let threats: Vec<Option<Threat>> = raw
        .threats
        .iter()
        .enumerate()
        .map(|(i, t)| threat(&mut cx, &names, raw, i, t))
        .collect();
    let risk_appetite = appetite(&mut cx, &raw.risk_appetite);
    let plan = plan(&mut cx, &names, raw.plan.as_ref());

    let model = (|| {
        Some(Model {
            name,
            description: raw.description.clone(),
            currency: currency?,
            horizon: horizon?,
            sites,
            services: services.into_iter().collect::<Option<_>>()?,
            groups: groups.into_iter().collect::<Option<_>>()?,
            threats: threats.into_iter().collect::<Option<_>>()?,
            risk_appetite: risk_appetite?,
            plan: plan?,
            graph,
        })
    })();
    match model {
        Some(model) if cx.issues.is_empty() => Ok(model),
        Some(_) => Err(ScenarioError::Invalid(cx.issues)),
        None if cx.issues.is_empty() => Err(ScenarioError::Invalid(vec![Issue {
            path: "scenario".to_string(),
            message: "could not be validated, but no problem was recorded: this is a bug in \
                      bcdr, please report it with the scenario"
                .to_string(),
        }])),
        None => Err(ScenarioError::Invalid(cx.issues)),
    }
}

/// The field path of a service, as issues and warnings name it.
pub fn service_path(index: usize, id: &str) -> String {
    format!("services[{index}] {id:?}")
}

/// The field path of a group.
pub fn group_path(index: usize, id: &str) -> String {
    format!("groups[{index}] {id:?}")
}

/// The field path of a threat.
pub fn threat_path(index: usize, id: &str) -> String {
    format!("threats[{index}] {id:?}")
}

/// `base.field`.
fn at(base: &str, field: &str) -> String {
    format!("{base}.{field}")
}

/// An optional field that was checked: `None` when it was not written,
/// `Some(None)` when it was written but is invalid. Turns that into
/// `Some(value)` (valid or absent) or `None` (invalid).
fn written<T>(field: Option<Option<T>>) -> Option<Option<T>> {
    match field {
        None => Some(None),
        Some(Some(value)) => Some(Some(value)),
        Some(None) => None,
    }
}

// ---------------------------------------------------------------------------
// The collector

/// Collects the issues and checks the values that recur everywhere.
#[derive(Default)]
struct Ctx {
    issues: Vec<Issue>,
}

impl Ctx {
    fn issue(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(Issue {
            path: path.into(),
            message: message.into(),
        });
    }

    /// A duration string in hours.
    fn hours(&mut self, path: &str, text: &str) -> Option<Hours> {
        match parse_hours(text) {
            Ok(h) => Hours::new(h).or_else(|| {
                self.issue(path, format!("{text:?} is too large to be a duration"));
                None
            }),
            Err(e) => {
                self.issue(path, e.to_string());
                None
            }
        }
    }

    /// A duration that must be longer than zero.
    fn positive_hours(&mut self, path: &str, text: &str, what: &str) -> Option<Hours> {
        let h = self.hours(path, text)?;
        if h.get() > 0.0 {
            Some(h)
        } else {
            self.issue(path, format!("{what} must be longer than 0, got {text:?}"));
            None
        }
    }

    fn opt_hours(&mut self, path: &str, text: Option<&str>) -> Option<Option<Hours>> {
        written(text.map(|t| self.hours(path, t)))
    }

    fn probability(&mut self, path: &str, p: f64) -> Option<Probability> {
        Probability::new(p).or_else(|| {
            self.issue(
                path,
                format!("{p} is not a probability: use a number from 0 to 1, such as 0.25 for 25%"),
            );
            None
        })
    }

    /// A capacity fraction in [0, 1].
    fn fraction(&mut self, path: &str, x: f64, what: &str) -> Option<f64> {
        if (0.0..=1.0).contains(&x) {
            Some(x)
        } else {
            self.issue(
                path,
                format!("{what} {x} is outside 0 to 1: write a fraction of full capacity, such as 0.5 for half"),
            );
            None
        }
    }

    /// An amount of money; absent means zero.
    fn money(&mut self, path: &str, amount: Option<f64>) -> Option<Money> {
        let m = amount.unwrap_or(0.0);
        Money::new(m).or_else(|| {
            self.issue(
                path,
                format!("{m} is not an amount of money: use a number >= 0, such as 20000"),
            );
            None
        })
    }

    /// A distribution of durations (in hours) or of numbers.
    fn dist<T: Param>(&mut self, path: &str, d: &raw::RawDist<T>) -> Option<Dist> {
        use raw::RawDist as R;
        let field = |name: &str| format!("{path}.{name}");
        let built = match d {
            R::Fixed(v) => Dist::fixed(v.value(self, path)?),
            R::Exponential { mean } => Dist::exponential(mean.value(self, &field("mean"))?),
            R::LogNormal {
                median: Some(median),
                p90: Some(p90),
                low: None,
                high: None,
            } => {
                let median = median.value(self, &field("median"));
                let p90 = p90.value(self, &field("p90"));
                Dist::lognormal_median_p90(median?, p90?)
            }
            R::LogNormal {
                median: None,
                p90: None,
                low: Some(low),
                high: Some(high),
            } => {
                let low = low.value(self, &field("low"));
                let high = high.value(self, &field("high"));
                Dist::lognormal_interval(low?, high?)
            }
            R::LogNormal { .. } => {
                self.issue(
                    path,
                    format!(
                        "{}: LogNormal takes either median and p90, or low and high (its 5th and \
                         95th percentiles), such as LogNormal(median: {}, p90: {})",
                        as_written(d),
                        T::example(1.0),
                        T::example(4.0)
                    ),
                );
                return None;
            }
            R::Triangular { min, mode, max } | R::Pert { min, mode, max } => {
                let min = min.value(self, &field("min"));
                let mode = mode.value(self, &field("mode"));
                let max = max.value(self, &field("max"));
                let (min, mode, max) = (min?, mode?, max?);
                if matches!(d, R::Pert { .. }) {
                    Dist::pert(min, mode, max)
                } else {
                    Dist::triangular(min, mode, max)
                }
            }
            R::Uniform { min, max } => {
                let min = min.value(self, &field("min"));
                let max = max.value(self, &field("max"));
                Dist::uniform(min?, max?)
            }
            R::Weibull { shape, scale } => {
                Dist::weibull(*shape, scale.value(self, &field("scale"))?)
            }
            R::Empirical(values) => {
                let values: Vec<Option<f64>> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.value(self, &format!("{path}[{i}]")))
                    .collect();
                Dist::empirical(values.into_iter().collect::<Option<_>>()?)
            }
        };
        built
            .map_err(|e| {
                let message = format!("{}: {}", as_written(d), explain::<T>(&e));
                self.issue(path, message);
            })
            .ok()
    }
}

/// A distribution parameter as written: a duration string or a number.
trait Param {
    /// The value in the model's unit (hours for durations), or `None`
    /// after recording why it is not one.
    fn value(&self, cx: &mut Ctx, path: &str) -> Option<f64>;
    /// As written in the file, for messages.
    fn shown(&self) -> String;
    /// An example value of this kind, for messages.
    fn example(x: f64) -> String;
}

impl Param for String {
    fn value(&self, cx: &mut Ctx, path: &str) -> Option<f64> {
        cx.hours(path, self).map(Hours::get)
    }
    fn shown(&self) -> String {
        format!("{self:?}")
    }
    fn example(x: f64) -> String {
        format!("{:?}", format_hours(x * 4.0))
    }
}

impl Param for f64 {
    fn value(&self, _: &mut Ctx, _: &str) -> Option<f64> {
        // Range checks are the distribution constructors' own.
        Some(*self)
    }
    fn shown(&self) -> String {
        format!("{self}")
    }
    fn example(x: f64) -> String {
        format!("{}", x * 10_000.0)
    }
}

/// A distribution as written, for messages (long lists are cut short).
fn as_written<T: Param>(d: &raw::RawDist<T>) -> String {
    use raw::RawDist as R;
    let fields = |pairs: &[(&str, &T)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.shown()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match d {
        R::Fixed(v) => format!("Fixed({})", v.shown()),
        R::Exponential { mean } => format!("Exponential({})", fields(&[("mean", mean)])),
        R::LogNormal {
            median,
            p90,
            low,
            high,
        } => {
            let given: Vec<(&str, &T)> = [
                ("median", median),
                ("p90", p90),
                ("low", low),
                ("high", high),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
            .collect();
            format!("LogNormal({})", fields(&given))
        }
        R::Triangular { min, mode, max } => format!(
            "Triangular({})",
            fields(&[("min", min), ("mode", mode), ("max", max)])
        ),
        R::Pert { min, mode, max } => format!(
            "Pert({})",
            fields(&[("min", min), ("mode", mode), ("max", max)])
        ),
        R::Uniform { min, max } => format!("Uniform({})", fields(&[("min", min), ("max", max)])),
        R::Weibull { shape, scale } => {
            format!("Weibull(shape: {shape}, scale: {})", scale.shown())
        }
        R::Empirical(values) => {
            const SHOWN: usize = 5;
            let mut list = values
                .iter()
                .take(SHOWN)
                .map(Param::shown)
                .collect::<Vec<_>>()
                .join(", ");
            if values.len() > SHOWN {
                list.push_str(", ...");
            }
            format!("Empirical([{list}])")
        }
    }
}

/// Why the parameters are rejected, and the fix; the written distribution
/// precedes it in the message, so the values are not repeated.
fn explain<T: Param>(e: &DistError) -> String {
    #[allow(unreachable_patterns)] // DistError may grow variants
    match e {
        DistError::Negative { name, .. } => format!("{name} must be a finite number >= 0"),
        DistError::NotPositive { name, .. } => format!("{name} must be greater than 0"),
        DistError::Unordered { .. } => "needs min <= mode <= max: put the values in order".into(),
        DistError::EmptyRange { .. } => format!(
            "needs min < max: widen the range, or use Fixed({}) for a value that never varies",
            T::example(1.0)
        ),
        DistError::LogNormalForm(what) => format!("LogNormal needs {what}"),
        DistError::EmptyEmpirical => format!(
            "needs at least one value, such as Empirical([{}, {}])",
            T::example(0.5),
            T::example(2.0)
        ),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Names

/// Every id of the scenario, indexed once; duplicates are reported here.
struct Names<'a> {
    sites: HashMap<&'a str, SiteId>,
    site_list: Vec<&'a str>,
    /// Services and groups share one namespace: both can be depended on.
    nodes: HashMap<&'a str, NodeRef>,
    node_list: Vec<&'a str>,
    service_list: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn index(cx: &mut Ctx, raw: &'a raw::Scenario) -> Self {
        let mut names = Names {
            sites: HashMap::new(),
            site_list: Vec::new(),
            nodes: HashMap::new(),
            node_list: Vec::new(),
            service_list: Vec::new(),
        };
        for (i, site) in raw.sites.iter().enumerate() {
            let path = format!("sites[{i}] {:?}", site.id);
            if check_id(cx, &path, &site.id) {
                match names.sites.entry(&site.id) {
                    Entry::Occupied(first) => cx.issue(
                        at(&path, "id"),
                        format!(
                            "duplicate site id {:?}: sites[{}] already has it; give every site its own id",
                            site.id,
                            first.get().index()
                        ),
                    ),
                    Entry::Vacant(slot) => {
                        slot.insert(SiteId(i as u32));
                        names.site_list.push(&site.id);
                    }
                }
            }
        }
        let services = raw.services.iter().enumerate().map(|(i, s)| {
            (
                service_path(i, &s.id),
                s.id.as_str(),
                NodeRef::Service(ServiceId(i as u32)),
            )
        });
        let groups = raw.groups.iter().enumerate().map(|(k, g)| {
            (
                group_path(k, &g.id),
                g.id.as_str(),
                NodeRef::Group(GroupId(k as u32)),
            )
        });
        for (path, id, node) in services.chain(groups) {
            if !check_id(cx, &path, id) {
                continue;
            }
            match names.nodes.entry(id) {
                Entry::Occupied(first) => {
                    let owner = match *first.get() {
                        NodeRef::Service(s) => service_path(s.index(), id),
                        NodeRef::Group(g) => group_path(g.index(), id),
                    };
                    cx.issue(
                        at(&path, "id"),
                        format!(
                            "duplicate id {id:?}: {owner} already has it; services and groups \
                             share one namespace (both can be depended on), so give each its own id"
                        ),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(node);
                    names.node_list.push(id);
                    if matches!(node, NodeRef::Service(_)) {
                        names.service_list.push(id);
                    }
                }
            }
        }
        let mut threats: HashMap<&str, usize> = HashMap::new();
        for (i, t) in raw.threats.iter().enumerate() {
            let id = threat_id(t);
            let path = threat_path(i, id);
            if !check_id(cx, &path, id) {
                continue;
            }
            if let Some(first) = threats.insert(id, i) {
                // Keep pointing at the first one for later duplicates.
                threats.insert(id, first);
                cx.issue(
                    at(&path, "id"),
                    format!(
                        "duplicate threat id {id:?}: threats[{first}] already has it; give every threat its own id"
                    ),
                );
            }
        }
        names
    }

    fn site(&self, cx: &mut Ctx, path: &str, name: &str) -> Option<SiteId> {
        let found = self.sites.get(name).copied();
        if found.is_none() {
            cx.issue(
                path,
                suggest::unknown(
                    "site",
                    name,
                    &self.site_list,
                    &format!("declare it under sites: [Site(id: {name:?})]"),
                ),
            );
        }
        found
    }

    /// A service or a group (anything that can be depended on).
    fn node(&self, cx: &mut Ctx, path: &str, name: &str) -> Option<NodeRef> {
        let found = self.nodes.get(name).copied();
        if found.is_none() {
            cx.issue(
                path,
                suggest::unknown(
                    "service or group",
                    name,
                    &self.node_list,
                    "the scenario declares no services",
                ),
            );
        }
        found
    }

    /// A service only; `why` says why a group does not fit here.
    fn service(&self, cx: &mut Ctx, path: &str, name: &str, why: &str) -> Option<ServiceId> {
        match self.nodes.get(name) {
            Some(NodeRef::Service(s)) => Some(*s),
            Some(NodeRef::Group(_)) => {
                cx.issue(path, format!("{name:?} is a group, not a service: {why}"));
                None
            }
            None => {
                cx.issue(
                    path,
                    suggest::unknown(
                        "service",
                        name,
                        &self.service_list,
                        "the scenario declares no services",
                    ),
                );
                None
            }
        }
    }
}

/// An id must say something; `false` after recording why not.
fn check_id(cx: &mut Ctx, path: &str, id: &str) -> bool {
    if id.trim().is_empty() {
        cx.issue(
            at(path, "id"),
            "the id is empty: give it a short name, such as \"core-db\"",
        );
        false
    } else {
        true
    }
}

fn threat_id(t: &raw::Threat) -> &str {
    match t {
        raw::Threat::Outage { id, .. }
        | raw::Threat::Disaster { id, .. }
        | raw::Threat::Ransomware { id, .. }
        | raw::Threat::LossEvent { id, .. } => id,
    }
}

// ---------------------------------------------------------------------------
// Scenario header

fn header(cx: &mut Ctx, raw: &raw::Scenario) -> (String, Option<String>, Option<Hours>) {
    if raw.name.trim().is_empty() {
        cx.issue(
            "name",
            "the scenario has no name: write one, such as name: \"Regional bank\"",
        );
    }
    let currency = match raw.currency.as_deref() {
        None => Some(DEFAULT_CURRENCY.to_string()),
        Some(c) if c.trim().is_empty() => {
            cx.issue(
                "currency",
                "the currency is empty: write a code such as \"EUR\", or leave it out for USD",
            );
            None
        }
        Some(c) => Some(c.trim().to_string()),
    };
    let horizon = match raw.horizon.as_deref() {
        None => Hours::new(DEFAULT_HORIZON_HOURS),
        Some(text) => cx
            .positive_hours("horizon", text, "the horizon")
            .and_then(|h| {
                if h.get() <= MAX_HORIZON_HOURS {
                    Some(h)
                } else {
                    cx.issue(
                        "horizon",
                        format!("{text:?} is longer than the 1000 years a trial may cover: use \"1y\" for an annual risk run"),
                    );
                    None
                }
            }),
    };
    if raw.services.is_empty() {
        cx.issue(
            "services",
            "the scenario has no services: add at least one, such as Service(id: \"core-db\")",
        );
    }
    (raw.name.clone(), currency, horizon)
}

// ---------------------------------------------------------------------------
// Services and groups

/// A dependency or membership as declared, with where it was declared.
struct Link {
    from: NodeRef,
    to: NodeRef,
    edge: Edge,
    path: String,
}

fn service(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    i: usize,
    s: &raw::Service,
) -> Option<Service> {
    let p = service_path(i, &s.id);
    let me = NodeRef::Service(ServiceId(i as u32));

    let site = written(
        s.site
            .as_deref()
            .map(|name| names.site(cx, &at(&p, "site"), name)),
    );
    let depends_on = hard_dependencies(cx, names, links, &p, me, s);
    let degrades_on = soft_dependencies(cx, names, links, &p, me, s);
    let failure = written(
        s.failure
            .as_ref()
            .map(|f| failure(cx, &at(&p, "failure"), f)),
    );
    let restart = written(s.restart.as_ref().map(|d| cx.dist(&at(&p, "restart"), d)));
    let backup = written(s.backup.as_ref().map(|b| backup(cx, &at(&p, "backup"), b)));
    let failover = written(
        s.failover
            .as_ref()
            .map(|f| failover(cx, names, &at(&p, "failover"), f, s.site.as_deref())),
    );
    let rto = cx.opt_hours(&at(&p, "rto"), s.rto.as_deref());
    let rpo = cx.opt_hours(&at(&p, "rpo"), s.rpo.as_deref());
    let mtpd = written(
        s.mtpd
            .as_deref()
            .map(|t| cx.positive_hours(&at(&p, "mtpd"), t, "the MTPD")),
    );
    let mbco = written(s.mbco.map(|x| cx.fraction(&at(&p, "mbco"), x, "the MBCO")));
    let revenue_per_hour = cx.money(&at(&p, "revenue_per_hour"), s.revenue_per_hour);
    let cost_per_outage = cx.money(&at(&p, "cost_per_outage"), s.cost_per_outage);
    let data_loss_cost_per_hour = cx.money(
        &at(&p, "data_loss_cost_per_hour"),
        s.data_loss_cost_per_hour,
    );
    let mtpd_penalty = cx.money(&at(&p, "mtpd_penalty"), s.mtpd_penalty);
    if s.mtpd.is_none() && s.mtpd_penalty.is_some_and(|x| x > 0.0) {
        cx.issue(
            at(&p, "mtpd_penalty"),
            "an MTPD penalty without an MTPD never applies: add mtpd: \"24h\" (the longest \
             tolerable outage), or remove the penalty",
        );
    }
    let spread_probability = written(
        s.spread_probability
            .map(|x| cx.probability(&at(&p, "spread_probability"), x)),
    );
    let mut tags_ok = true;
    for (j, tag) in s.tags.iter().enumerate() {
        if tag.trim().is_empty() {
            cx.issue(
                format!("{p}.tags[{j}]"),
                "the tag is empty: remove it or name it, such as \"pci\"",
            );
            tags_ok = false;
        }
    }

    Some(Service {
        id: s.id.clone(),
        name: s.name.clone(),
        tier: s.tier.unwrap_or(Tier::Application),
        site: site?,
        depends_on: depends_on?,
        degrades_on: degrades_on?,
        failure: failure?,
        restart: restart?,
        backup: backup?,
        failover: failover?,
        rto: rto?,
        rpo: rpo?,
        mtpd: mtpd?,
        mbco: mbco?,
        revenue_per_hour: revenue_per_hour?,
        cost_per_outage: cost_per_outage?,
        data_loss_cost_per_hour: data_loss_cost_per_hour?,
        mtpd_penalty: mtpd_penalty?,
        segmented: s.segmented.unwrap_or(false),
        spread_probability: spread_probability?,
        tags: tags_ok.then(|| s.tags.clone())?,
    })
}

fn hard_dependencies(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    p: &str,
    me: NodeRef,
    s: &raw::Service,
) -> Option<Vec<NodeRef>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (j, name) in s.depends_on.iter().enumerate() {
        let path = format!("{p}.depends_on[{j}]");
        if *name == s.id {
            cx.issue(
                path,
                format!("{name:?} depends on itself: remove this entry"),
            );
            ok = false;
            continue;
        }
        let Some(node) = names.node(cx, &path, name) else {
            ok = false;
            continue;
        };
        if out.contains(&node) {
            cx.issue(
                path,
                format!("{name:?} is listed twice in depends_on: remove one"),
            );
            ok = false;
            continue;
        }
        links.push(Link {
            from: me,
            to: node,
            edge: Edge {
                kind: EdgeKind::Hard,
                capacity: 0.0,
            },
            path,
        });
        out.push(node);
    }
    ok.then_some(out)
}

fn soft_dependencies(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    p: &str,
    me: NodeRef,
    s: &raw::Service,
) -> Option<Vec<SoftDependency>> {
    let mut out: Vec<SoftDependency> = Vec::new();
    let mut ok = true;
    for (j, dep) in s.degrades_on.iter().enumerate() {
        let base = format!("{p}.degrades_on[{j}]");
        let path = at(&base, "service");
        let capacity = cx.fraction(&at(&base, "capacity"), dep.capacity, "the capacity");
        let name = &dep.service;
        let target = if *name == s.id {
            cx.issue(
                &path,
                format!("{name:?} degrades on itself: remove this entry"),
            );
            None
        } else {
            names.node(cx, &path, name)
        };
        let (Some(target), Some(capacity)) = (target, capacity) else {
            ok = false;
            continue;
        };
        if s.depends_on.iter().any(|d| d == name) {
            cx.issue(
                path,
                format!(
                    "{name:?} is also in depends_on: a service either depends on another (down \
                     with it) or degrades on it (loses capacity), not both; remove one"
                ),
            );
            ok = false;
            continue;
        }
        if out.iter().any(|d| d.target == target) {
            cx.issue(
                path,
                format!("{name:?} is listed twice in degrades_on: remove one"),
            );
            ok = false;
            continue;
        }
        links.push(Link {
            from: me,
            to: target,
            edge: Edge {
                kind: EdgeKind::Soft,
                capacity,
            },
            path,
        });
        out.push(SoftDependency { target, capacity });
    }
    ok.then_some(out)
}

fn failure(cx: &mut Ctx, p: &str, f: &raw::Failure) -> Option<FailureModel> {
    let ttf = match (&f.mtbf, &f.ttf) {
        (Some(mtbf), None) => {
            let path = at(p, "mtbf");
            cx.positive_hours(&path, mtbf, "the MTBF")
                .and_then(|h| Dist::exponential(h.get()).ok())
        }
        (None, Some(ttf)) => cx.dist(&at(p, "ttf"), ttf),
        (None, None) => {
            cx.issue(
                p,
                "says how long repairs take but not how often failures happen: add mtbf: \
                 \"2000h\" (mean time between failures) or ttf: Weibull(shape: 1.5, scale: \"300d\")",
            );
            None
        }
        (Some(_), Some(_)) => {
            cx.issue(
                p,
                "gives both mtbf and ttf: keep one (mtbf for a constant failure rate, ttf for \
                 any other lifetime distribution)",
            );
            None
        }
    };
    let repair = cx.dist(&at(p, "repair"), &f.repair);
    Some(FailureModel {
        ttf: ttf?,
        repair: repair?,
    })
}

fn backup(cx: &mut Ctx, p: &str, b: &raw::Backup) -> Option<BackupModel> {
    let interval = written(
        b.interval
            .as_deref()
            .map(|t| cx.positive_hours(&at(p, "interval"), t, "the backup interval")),
    );
    let restore = written(b.restore.as_ref().map(|d| cx.dist(&at(p, "restore"), d)));
    let rebuild = written(b.rebuild.as_ref().map(|d| cx.dist(&at(p, "rebuild"), d)));
    let retention = written(
        b.retention
            .as_deref()
            .map(|t| cx.positive_hours(&at(p, "retention"), t, "the retention")),
    );
    let mut ok = true;
    match (&b.interval, &b.restore, &b.rebuild) {
        (Some(every), None, _) => {
            cx.issue(
                p,
                format!(
                    "backups run every {every:?} but nothing says how long a restore takes: add \
                     restore: Pert(min: \"2h\", mode: \"4h\", max: \"16h\")"
                ),
            );
            ok = false;
        }
        (None, Some(_), _) => {
            cx.issue(
                p,
                "a restore without a backup interval: add interval: \"24h\" (how often backups \
                 run), which sets the data lost by a restore",
            );
            ok = false;
        }
        (None, None, None) => {
            cx.issue(
                p,
                "gives no way back: add interval and restore (restore from backup) or rebuild \
                 (rebuild from scratch), or remove the backup",
            );
            ok = false;
        }
        _ => {}
    }
    if let (Some(Some(keep)), Some(Some(every))) = (retention, interval) {
        if keep < every {
            cx.issue(
                at(p, "retention"),
                format!(
                    "backups are kept for {keep} but run only every {every}: some of the time no \
                     backup exists; keep them at least as long as the interval"
                ),
            );
            ok = false;
        }
    }
    if b.retention.is_some() && b.interval.is_none() {
        cx.issue(
            at(p, "retention"),
            "a retention without a backup interval: add interval, or remove the retention",
        );
        ok = false;
    }
    let model = BackupModel {
        interval: interval?,
        restore: restore?,
        rebuild: rebuild?,
        immutable: b.immutable.unwrap_or(false),
        retention: retention?,
    };
    ok.then_some(model)
}

fn failover(
    cx: &mut Ctx,
    names: &Names,
    p: &str,
    f: &raw::Failover,
    home: Option<&str>,
) -> Option<FailoverModel> {
    let site_path = at(p, "site");
    let site = if home == Some(f.site.as_str()) {
        cx.issue(
            &site_path,
            format!(
                "fails over to its own site {:?}: a failover must go to another site",
                f.site
            ),
        );
        None
    } else {
        names.site(cx, &site_path, &f.site)
    };
    let switchover = cx.dist(&at(p, "switchover"), &f.switchover);
    let success = match f.success {
        None => Some(Probability::ONE),
        Some(x) => cx.probability(&at(p, "success"), x),
    };
    Some(FailoverModel {
        site: site?,
        switchover: switchover?,
        success: success?,
    })
}

fn group(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    k: usize,
    g: &raw::Group,
) -> Option<Group> {
    let p = group_path(k, &g.id);
    let me = NodeRef::Group(GroupId(k as u32));
    let mut members = Vec::new();
    let mut ok = true;
    for (j, name) in g.members.iter().enumerate() {
        let path = format!("{p}.members[{j}]");
        if *name == g.id {
            cx.issue(path, "a group cannot be its own member: remove this entry");
            ok = false;
            continue;
        }
        let Some(node) = names.node(cx, &path, name) else {
            ok = false;
            continue;
        };
        if members.contains(&node) {
            cx.issue(
                path,
                format!("{name:?} is listed twice in members: remove one"),
            );
            ok = false;
            continue;
        }
        links.push(Link {
            from: me,
            to: node,
            edge: Edge {
                kind: EdgeKind::Member,
                capacity: 0.0,
            },
            path,
        });
        members.push(node);
    }
    let n = g.members.len();
    if n == 0 {
        cx.issue(
            at(&p, "members"),
            "the group has no members: list the services it is made of, such as [\"api-1\", \"api-2\"]",
        );
        ok = false;
    } else if g.need == 0 {
        cx.issue(
            at(&p, "need"),
            format!("need is 0: write how many of the {n} members must work for the group to work, from 1 to {n}"),
        );
        ok = false;
    } else if g.need as usize > n {
        cx.issue(
            at(&p, "need"),
            format!(
                "need {} is more than the group's {n} member(s), so it could never work: use a \
                 number from 1 to {n}, or add members",
                g.need
            ),
        );
        ok = false;
    }
    ok.then(|| Group {
        id: g.id.clone(),
        name: g.name.clone(),
        members,
        need: g.need,
    })
}

/// The graph of every resolved link; each cycle is an issue naming its nodes.
fn dependency_graph(cx: &mut Ctx, raw: &raw::Scenario, links: &[Link]) -> DependencyGraph {
    let mut graph = DependencyGraph::new(raw.services.len(), raw.groups.len());
    for link in links {
        graph.add_edge(link.from, link.to, link.edge);
    }
    let id = |node: NodeRef| match node {
        NodeRef::Service(s) => raw.services[s.index()].id.as_str(),
        NodeRef::Group(g) => raw.groups[g.index()].id.as_str(),
    };
    for cycle in cycles(&graph) {
        let (Some(&first), Some(&second)) = (cycle.first(), cycle.get(1).or(cycle.first())) else {
            continue;
        };
        let path = links
            .iter()
            .find(|l| l.from == first && l.to == second)
            .map_or_else(|| "services".to_string(), |l| l.path.clone());
        let ring = cycle
            .iter()
            .chain([&first])
            .map(|&n| id(n))
            .collect::<Vec<_>>()
            .join(" -> ");
        cx.issue(
            path,
            format!(
                "dependency cycle {ring}: a service cannot depend on itself, even through \
                 others; remove one of these dependencies"
            ),
        );
    }
    graph
}

/// One cycle per strongly connected component with more than one node,
/// each the shortest cycle through the component's first node, in a
/// deterministic order. Iterative throughout (Kosaraju, BFS), so a long
/// dependency chain cannot overflow the stack.
fn cycles(graph: &DependencyGraph) -> Vec<Vec<NodeRef>> {
    let g = &graph.graph;
    let mut components: Vec<Vec<NodeIndex>> = kosaraju_scc(g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|mut c| {
            c.sort();
            c
        })
        .collect();
    components.sort();
    let mut out = Vec::new();
    for component in components {
        let start = component[0];
        let inside: HashSet<NodeIndex> = component.iter().copied().collect();
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(n) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = g.neighbors(n).filter(|m| inside.contains(m)).collect();
            next.sort();
            for m in next {
                if m == start {
                    last = Some(n);
                    break 'search;
                }
                if let Entry::Vacant(slot) = parent.entry(m) {
                    slot.insert(n);
                    queue.push_back(m);
                }
            }
        }
        let mut ring = Vec::new();
        let mut at = last;
        while let Some(n) = at {
            ring.push(g[n]);
            at = if n == start {
                None
            } else {
                parent.get(&n).copied()
            };
        }
        ring.reverse();
        if !ring.is_empty() {
            out.push(ring);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Threats

fn threat(
    cx: &mut Ctx,
    names: &Names,
    raw: &raw::Scenario,
    i: usize,
    t: &raw::Threat,
) -> Option<Threat> {
    let id = threat_id(t);
    let p = threat_path(i, id);
    let rate_per_year = match t {
        raw::Threat::Outage { rate_per_year, .. }
        | raw::Threat::Disaster { rate_per_year, .. }
        | raw::Threat::Ransomware { rate_per_year, .. }
        | raw::Threat::LossEvent { rate_per_year, .. } => {
            rate(cx, &at(&p, "rate_per_year"), rate_per_year)
        }
    };
    let kind = match t {
        raw::Threat::Outage {
            targets,
            duration,
            response_cost,
            ..
        } => {
            let hit = resolve_targets(cx, names, raw, &p, targets);
            let duration = cx.dist(&at(&p, "duration"), duration);
            let response_cost = written(
                response_cost
                    .as_ref()
                    .map(|d| cx.dist(&at(&p, "response_cost"), d)),
            );
            let (targets, sites) = hit?;
            Some(ThreatKind::Outage {
                targets,
                sites,
                duration: duration?,
                response_cost: response_cost?,
            })
        }
        raw::Threat::Disaster {
            targets,
            response_cost,
            ..
        } => {
            let hit = resolve_targets(cx, names, raw, &p, targets);
            let response_cost = written(
                response_cost
                    .as_ref()
                    .map(|d| cx.dist(&at(&p, "response_cost"), d)),
            );
            let (targets, sites) = hit?;
            Some(ThreatKind::Disaster {
                targets,
                sites,
                response_cost: response_cost?,
            })
        }
        raw::Threat::Ransomware { .. } => {
            ransomware(cx, names, &p, t).map(|r| ThreatKind::Ransomware(Box::new(r)))
        }
        raw::Threat::LossEvent { cost, .. } => cx
            .dist(&at(&p, "cost"), cost)
            .map(|cost| ThreatKind::LossEvent { cost }),
    };
    Some(Threat {
        id: id.to_string(),
        rate_per_year: rate_per_year?,
        kind: kind?,
    })
}

fn rate(cx: &mut Ctx, path: &str, r: &raw::RawRate) -> Option<Rate> {
    match *r {
        raw::RawRate::Number(x) if (0.0..=MAX_RATE_PER_YEAR).contains(&x) => Some(Rate::Fixed(x)),
        raw::RawRate::Number(x) if x > MAX_RATE_PER_YEAR && x.is_finite() => {
            cx.issue(
                path,
                format!(
                    "{x} events a year is more than the {MAX_RATE_PER_YEAR} a threat may have: \
                     write the number of events per year, such as 0.5 for once every two years"
                ),
            );
            None
        }
        raw::RawRate::Number(x) => {
            cx.issue(
                path,
                format!(
                    "{x} is not a rate: write the number of events per year (>= 0), such as 0.5 \
                     for once every two years"
                ),
            );
            None
        }
        raw::RawRate::Dist(ref d) => cx.dist(path, d).map(Rate::Uncertain),
    }
}

/// The services a threat hits (sorted, without repeats) and the sites it
/// targets directly.
fn resolve_targets(
    cx: &mut Ctx,
    names: &Names,
    raw: &raw::Scenario,
    p: &str,
    targets: &[raw::Target],
) -> Option<(Vec<ServiceId>, Vec<SiteId>)> {
    let base = at(p, "targets");
    if targets.is_empty() {
        cx.issue(
            base,
            "the threat hits nothing: add a target such as Site(\"dc-east\"), \
             Service(\"core-db\"), Tier(Application) or Tag(\"pci\")",
        );
        return None;
    }
    let with = |keep: &dyn Fn(&raw::Service) -> bool| -> Vec<ServiceId> {
        raw.services
            .iter()
            .enumerate()
            .filter(|(_, s)| keep(s))
            .map(|(k, _)| ServiceId(k as u32))
            .collect()
    };
    let mut services = BTreeSet::new();
    let mut sites = BTreeSet::new();
    let mut ok = true;
    for (j, target) in targets.iter().enumerate() {
        let path = format!("{base}[{j}]");
        match target {
            raw::Target::Site(name) => match names.site(cx, &path, name) {
                Some(site) => {
                    sites.insert(site);
                    services.extend(with(&|s| s.site.as_deref() == Some(name.as_str())));
                }
                None => ok = false,
            },
            raw::Target::Service(name) => {
                let why = "threats hit services: target its members with Service(..) each, or \
                           give them a tag and use Tag(..)";
                match names.service(cx, &path, name, why) {
                    Some(s) => {
                        services.insert(s);
                    }
                    None => ok = false,
                }
            }
            raw::Target::Tier(tier) => {
                let hit = with(&|s| s.tier.unwrap_or(Tier::Application) == *tier);
                if hit.is_empty() {
                    cx.issue(
                        path,
                        format!(
                            "no service has the tier {}: target another tier, or set tier: {} on \
                             the services it should hit",
                            tier.label(),
                            tier.label()
                        ),
                    );
                    ok = false;
                }
                services.extend(hit);
            }
            raw::Target::Tag(tag) => {
                let hit = with(&|s| s.tags.contains(tag));
                if hit.is_empty() {
                    let mut known: Vec<&str> = Vec::new();
                    for t in raw.services.iter().flat_map(|s| &s.tags) {
                        if !known.contains(&t.as_str()) {
                            known.push(t);
                        }
                    }
                    let message = match suggest::nearest(tag, known.iter().copied()) {
                        Some(near) => {
                            format!("no service has the tag {tag:?}; did you mean {near:?}?")
                        }
                        None => format!(
                            "no service has the tag {tag:?}: add tags: [{tag:?}] to the services \
                             it should hit"
                        ),
                    };
                    cx.issue(path, message);
                    ok = false;
                }
                services.extend(hit);
            }
        }
    }
    ok.then(|| (services.into_iter().collect(), sites.into_iter().collect()))
}

fn ransomware(cx: &mut Ctx, names: &Names, p: &str, t: &raw::Threat) -> Option<Ransomware> {
    let raw::Threat::Ransomware {
        entry,
        attack_paths,
        spread,
        dwell,
        detection,
        backup_compromise,
        response_cost,
        containment_outage,
        ..
    } = t
    else {
        return None;
    };
    let why = "ransomware enters and spreads through services; list the group's members";
    let mut entries = Vec::new();
    let mut ok = true;
    if entry.is_empty() {
        cx.issue(
            at(p, "entry"),
            "no way in: list the services an attacker can enter through, such as [\"email\", \"vpn\"]",
        );
        ok = false;
    }
    for (j, name) in entry.iter().enumerate() {
        let path = format!("{p}.entry[{j}]");
        match names.service(cx, &path, name, why) {
            Some(s) if entries.contains(&s) => {
                cx.issue(
                    path,
                    format!("{name:?} is listed twice in entry: remove one (each entry is equally likely)"),
                );
                ok = false;
            }
            Some(s) => entries.push(s),
            None => ok = false,
        }
    }
    let attack_paths = written(attack_paths.as_ref().map(|paths| {
        let mut out = Vec::new();
        let mut paths_ok = true;
        for (j, ap) in paths.iter().enumerate() {
            let base = format!("{p}.attack_paths[{j}]");
            let from = names.service(cx, &at(&base, "from"), &ap.from, why);
            let to = names.service(cx, &at(&base, "to"), &ap.to, why);
            match (from, to) {
                (Some(a), Some(b)) if a == b => {
                    cx.issue(
                        base,
                        format!("the path goes from {:?} to itself: remove it", ap.from),
                    );
                    paths_ok = false;
                }
                (Some(a), Some(b)) => out.push((a, b)),
                _ => paths_ok = false,
            }
        }
        paths_ok.then_some(out)
    }));
    let spread_probability = cx.probability(&at(p, "spread.probability"), spread.probability);
    let spread_time = cx.dist(&at(p, "spread.time"), &spread.time);
    let dwell = cx.dist(&at(p, "dwell"), dwell);
    let detection = cx.dist(&at(p, "detection"), detection);
    let backup_compromise = match backup_compromise {
        None => Some(Probability::ZERO),
        Some(x) => cx.probability(&at(p, "backup_compromise"), *x),
    };
    let response_cost = written(
        response_cost
            .as_ref()
            .map(|d| cx.dist(&at(p, "response_cost"), d)),
    );
    let containment_outage = written(
        containment_outage
            .as_ref()
            .map(|d| cx.dist(&at(p, "containment_outage"), d)),
    );
    let model = Ransomware {
        entry: entries,
        attack_paths: attack_paths?,
        spread_probability: spread_probability?,
        spread_time: spread_time?,
        dwell: dwell?,
        detection: detection?,
        backup_compromise: backup_compromise?,
        response_cost: response_cost?,
        containment_outage: containment_outage?,
    };
    ok.then_some(model)
}

// ---------------------------------------------------------------------------
// Risk appetite and plan

fn appetite(cx: &mut Ctx, points: &[raw::AppetitePoint]) -> Option<Vec<AppetitePoint>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (j, point) in points.iter().enumerate() {
        let path = format!("risk_appetite[{j}]");
        let loss = cx.money(&at(&path, "loss"), Some(point.loss));
        let q = point.probability;
        let probability = if q > 0.0 && q <= 1.0 {
            Probability::new(q)
        } else {
            cx.issue(
                at(&path, "probability"),
                format!(
                    "{q} is not an exceedance probability: use a number above 0 and at most 1, \
                     such as 0.01 for a 1-in-100 year loss"
                ),
            );
            None
        };
        match (loss, probability) {
            (Some(loss), Some(probability)) => out.push(AppetitePoint { loss, probability }),
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // An exceedance curve never rises with the loss.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| {
        out[a]
            .loss
            .get()
            .total_cmp(&out[b].loss.get())
            .then(a.cmp(&b))
    });
    for pair in order.windows(2) {
        let (a, b) = (&out[pair[0]], &out[pair[1]]);
        let path = format!("risk_appetite[{}]", pair[1]);
        if a.loss == b.loss {
            cx.issue(
                at(&path, "loss"),
                format!(
                    "the loss {} appears twice (also in risk_appetite[{}]): keep one",
                    b.loss.get(),
                    pair[0]
                ),
            );
            ok = false;
        } else if b.probability > a.probability {
            cx.issue(
                at(&path, "probability"),
                format!(
                    "accepts a loss of {} with probability {}, more than the {} accepted for the \
                     smaller loss {} (risk_appetite[{}]): the chance of exceeding a loss falls as \
                     the loss grows; lower this probability",
                    b.loss.get(),
                    b.probability.get(),
                    a.probability.get(),
                    a.loss.get(),
                    pair[0]
                ),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

fn plan(cx: &mut Ctx, names: &Names, plan: Option<&raw::Plan>) -> Option<Plan> {
    let Some(plan) = plan else {
        return Some(Plan::default());
    };
    let mut ok = true;
    if plan.crews == Some(0) {
        cx.issue(
            "plan.crews",
            "crews is 0, so nothing could ever be repaired: use 1 or more, or leave crews out \
             for unlimited crews",
        );
        ok = false;
    }
    let mut priority = Vec::new();
    for (j, name) in plan.priority.iter().enumerate() {
        let path = format!("plan.priority[{j}]");
        let why = "crews recover services; list the group's members";
        match names.service(cx, &path, name, why) {
            Some(s) if priority.contains(&s) => {
                cx.issue(
                    path,
                    format!("{name:?} is listed twice in priority: keep the first"),
                );
                ok = false;
            }
            Some(s) => priority.push(s),
            None => ok = false,
        }
    }
    let annual_cost = cx.money("plan.annual_cost", plan.annual_cost);
    let model = Plan {
        crews: plan.crews,
        priority,
        restore_in_dependency_order: plan.restore_in_dependency_order.unwrap_or(false),
        annual_cost: annual_cost?,
    };
    ok.then_some(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(text: &str) -> Vec<Issue> {
        let raw = parse_raw(text).expect("parses");
        match validate(&raw) {
            Err(ScenarioError::Invalid(issues)) => issues,
            other => panic!("expected issues, got {other:?}"),
        }
    }

    #[test]
    fn collects_every_issue_in_file_order() {
        let found = issues(
            r#"Scenario(name: "x", services: [
                Service(id: "a", depends_on: ["netwrk"], rto: "-1h"),
                Service(id: "network", mbco: 1.5),
            ])"#,
        );
        let paths: Vec<&str> = found.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "services[0] \"a\".depends_on[0]",
                "services[0] \"a\".rto",
                "services[1] \"network\".mbco"
            ]
        );
        assert!(found[0].message.contains("did you mean \"network\"?"));
    }

    #[test]
    fn finds_the_whole_cycle() {
        let found = issues(
            r#"Scenario(name: "x", services: [
                Service(id: "a", depends_on: ["b"]),
                Service(id: "b", depends_on: ["c"]),
                Service(id: "c", depends_on: ["a"]),
                Service(id: "d", depends_on: ["a"]),
            ])"#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "services[0] \"a\".depends_on[0]");
        assert!(
            found[0].message.contains("a -> b -> c -> a"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn cycles_through_groups_are_found() {
        let found = issues(
            r#"Scenario(name: "x", services: [
                Service(id: "a", depends_on: ["g"]),
                Service(id: "b", degrades_on: [(service: "a", capacity: 0.5)]),
            ], groups: [Group(id: "g", members: ["b"], need: 1)])"#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("a -> g -> b -> a"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let mut text = String::from("Scenario(name: \"chain\", services: [");
        for i in 0..20_000 {
            text.push_str(&format!(
                "Service(id: \"s{i}\", depends_on: [\"s{}\"]),",
                i + 1
            ));
        }
        text.push_str("Service(id: \"s20000\", depends_on: [\"s0\"])])");
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || issues(&text))
            .expect("spawns");
        let found = handle.join().expect("no stack overflow");
        assert_eq!(found.len(), 1);
        assert!(found[0]
            .message
            .starts_with("dependency cycle s0 -> s1 -> s2"));
    }

    #[test]
    fn distribution_errors_show_what_was_written() {
        let found = issues(
            r#"Scenario(name: "x", services: [
                Service(id: "a", restart: Pert(min: "4h", mode: "1h", max: "24h")),
                Service(id: "b", restart: LogNormal(median: "4h")),
                Service(id: "c", restart: Empirical(["1h", "2x"])),
            ])"#,
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "services[0] \"a\".restart: Pert(min: \"4h\", mode: \"1h\", max: \"24h\"): needs min \
             <= mode <= max: put the values in order"
        );
        assert!(found[1].message.contains("either median and p90"));
        assert_eq!(found[2].path, "services[2] \"c\".restart[1]");
    }
}
