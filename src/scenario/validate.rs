//! Raw scenario → typed [`Model`]: every reference resolved, every number
//! checked, the dependency graph acyclic. All problems are collected and
//! reported together, each with its field path.
//!
//! The validator walks the raw scenario in file order with a `Ctx` that
//! collects [`Issue`]s. Each builder computes every part of its value before
//! it combines them, so that one bad field never hides the problems of the
//! next; a builder returns `None` only after it has recorded why.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::NodeIndex;

use crate::error::{Issue, ScenarioError};
use crate::model::{
    AppetitePoint, BackupModel, DependencyGraph, Dist, Edge, EdgeKind, FailoverModel, FailureModel,
    Group, GroupId, Hours, Model, Money, NodeRef, Plan, Probability, Ransomware, Rate, Service,
    ServiceId, Site, SiteId, SoftDependency, Threat, ThreatKind, Tier,
};

use super::duration::parse_hours;
use super::raw;
use super::suggest;
use super::syntax;

mod coupling;
mod dists;
mod teams;
mod names;

use names::{threat_id, Names};

pub use super::syntax::MAX_NESTING;

/// The currency when the scenario names none.
pub const DEFAULT_CURRENCY: &str = "USD";
/// The horizon when the scenario gives none: one year.
pub const DEFAULT_HORIZON_HOURS: f64 = 8760.0;
/// The longest horizon accepted: a thousand years. Anything longer is a typo
/// (`"1000000y"`), and would make every trial needlessly slow.
pub const MAX_HORIZON_HOURS: f64 = 1000.0 * 8760.0;
pub use crate::model::MAX_RATE_PER_YEAR;

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
    if only_comments(text) {
        return Err(ScenarioError::Empty);
    }
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
        .from_str(text)
        .map_err(|e| {
            let (line, column) = visible_start(text, &e.span);
            let at = syntax::place(text, byte_offset(text, line, column));
            ScenarioError::Syntax {
                line,
                column,
                message: syntax::message_at(&e.code, &at),
                path: if syntax::has_path(&e.code) {
                    at.path
                } else {
                    String::new()
                },
                excerpt: syntax::excerpt(text, line, column),
            }
        })
}

/// The 1-based line and column of an error: the start of ron's span, moved
/// past blanks that the span covers (ron reports some errors, such as a
/// number where a string belongs, at the blank before the value).
fn visible_start(text: &str, span: &ron::error::Span) -> (usize, usize) {
    let start = (span.start.line, span.start.col);
    let end = (span.end.line, span.end.col);
    let (mut line, mut col) = (1, 1);
    let mut chars = text.chars().peekable();
    while (line, col) < start {
        match chars.next() {
            Some('\n') => (line, col) = (line + 1, 1),
            Some(_) => col += 1,
            None => break,
        }
    }
    while (line, col) < end {
        match chars.next() {
            Some('\n') => (line, col) = (line + 1, 1),
            Some(c) if c.is_whitespace() => col += 1,
            _ => break,
        }
    }
    (line.max(1), col.max(1))
}

/// The byte offset of a 1-based line and column (in characters).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let (mut l, mut c) = (1, 1);
    for (i, ch) in text.char_indices() {
        if (l, c) >= (line, column) {
            return i;
        }
        if ch == '\n' {
            (l, c) = (l + 1, 1);
        } else {
            c += 1;
        }
    }
    text.len()
}

/// Whether the text holds nothing but whitespace and comments (`//` to the
/// end of the line, `/* ... */` possibly nested, as RON has them).
fn only_comments(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return true;
        }
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, next)| next);
        } else if rest.starts_with("/*") {
            let mut depth = 0usize;
            let mut chars = rest.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                let next = chars.peek().map(|&(_, n)| n);
                match (c, next) {
                    ('/', Some('*')) => {
                        depth += 1;
                        chars.next();
                    }
                    ('*', Some('/')) => {
                        depth = depth.saturating_sub(1);
                        chars.next();
                        if depth == 0 {
                            end = Some(i + 2);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            match end {
                Some(end) => rest = &rest[end..],
                // An unclosed comment: let the parser say so.
                None => return false,
            }
        } else {
            return false;
        }
    }
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
    let names = Names::index(raw);

    let (name, currency, horizon) = header(&mut cx, raw);
    let sites: Vec<Site> = raw
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            names.report_id(&mut cx, &format!("sites[{i}] {:?}", s.id));
            Site {
                id: s.id.clone(),
                name: s.name.clone(),
            }
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
    let plan = plan(&mut cx, &names, raw.plan.as_ref(), &raw.services);
    let coupling = coupling::coupling(&mut cx, raw);

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
            coupling: coupling?,
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
                format!(
                    "{what} {x} is outside 0 to 1: write a fraction of full capacity, such as \
                     0.5 for half"
                ),
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
                        format!(
                            "{text:?} is longer than the 1000 years a trial may cover: use \
                             \"1y\" for an annual risk run"
                        ),
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
    names.report_id(cx, &p);

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
    let list = NodeList {
        field: "depends_on",
        kind: EdgeKind::Hard,
        itself: |name| format!("{name:?} depends on itself: remove this entry"),
    };
    list.resolve(cx, names, links, p, me, &s.depends_on)
}

/// A list of node names that links its owner to each of them
/// (`depends_on`, a group's `members`): each name must exist, differ from
/// the owner and appear once.
struct NodeList<F: Fn(&str) -> String> {
    field: &'static str,
    kind: EdgeKind,
    /// The issue when the owner names itself.
    itself: F,
}

impl<F: Fn(&str) -> String> NodeList<F> {
    /// The nodes, in order, with one link each; `None` after reporting
    /// every bad entry.
    fn resolve(
        &self,
        cx: &mut Ctx,
        names: &Names,
        links: &mut Vec<Link>,
        p: &str,
        me: NodeRef,
        list: &[String],
    ) -> Option<Vec<NodeRef>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (j, name) in list.iter().enumerate() {
            let path = format!("{p}.{}[{j}]", self.field);
            let Some(node) = names.node(cx, &path, name) else {
                ok = false;
                continue;
            };
            if node == me {
                cx.issue(path, (self.itself)(name));
                ok = false;
                continue;
            }
            if out.contains(&node) {
                cx.issue(
                    path,
                    format!("{name:?} is listed twice in {}: remove one", self.field),
                );
                ok = false;
                continue;
            }
            links.push(Link {
                from: me,
                to: node,
                edge: Edge {
                    kind: self.kind,
                    capacity: 0.0,
                },
                path,
            });
            out.push(node);
        }
        ok.then_some(out)
    }
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
        let target = names.node(cx, &path, name).filter(|&t| {
            if t == me {
                cx.issue(
                    &path,
                    format!("{name:?} degrades on itself: remove this entry"),
                );
            }
            t != me
        });
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
                 \"2000h\" (mean time between failures) or ttf: Weibull(shape: 1.5, \
                 scale: \"300d\")",
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
    // A mean time to failure below a year over the cap fails more often
    // than anything may happen (`ttf: Fixed("0h")` would never let time
    // move on).
    let min_ttf = crate::model::HOURS_PER_YEAR / MAX_RATE_PER_YEAR;
    if let Some(d) = ttf
        .as_ref()
        .filter(|d| d.mean().is_nan() || d.mean() < min_ttf)
    {
        let field = if f.mtbf.is_some() { "mtbf" } else { "ttf" };
        cx.issue(
            at(p, field),
            format!(
                "a mean time to failure of {:.3} seconds is a failure more than \
                 {MAX_RATE_PER_YEAR} times a year, more than a simulation can follow: write the \
                 time between failures, such as mtbf: \"2000h\" (at least {:.1} seconds)",
                d.mean() * 3600.0,
                min_ttf * 3600.0
            ),
        );
        return None;
    }
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
    names.report_id(cx, &p);
    let list = NodeList {
        field: "members",
        kind: EdgeKind::Member,
        itself: |_| "a group cannot be its own member: remove this entry".to_string(),
    };
    let members = list.resolve(cx, names, links, &p, me, &g.members);
    let mut ok = members.is_some();
    let n = g.members.len();
    if n == 0 {
        cx.issue(
            at(&p, "members"),
            "the group has no members: list the services it is made of, such as \
             [\"api-1\", \"api-2\"]",
        );
        ok = false;
    } else if g.need == 0 {
        cx.issue(
            at(&p, "need"),
            format!(
                "need is 0: write how many of the {n} members must work for the group to \
                 work, from 1 to {n}"
            ),
        );
        ok = false;
    } else if g.need as usize > n {
        let (has, fix) = match n {
            1 => ("its only member".to_string(), "use need: 1".to_string()),
            _ => (
                format!("its {n} members"),
                format!("use a number from 1 to {n}"),
            ),
        };
        cx.issue(
            at(&p, "need"),
            format!(
                "need {} is more than {has}, so the group could never work: {fix}, or add members",
                g.need
            ),
        );
        ok = false;
    }
    let members = members.filter(|_| ok)?;
    Some(Group {
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
    names.report_id(cx, &p);
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
        raw::RawRate::Dist(ref d) => {
            let dist = cx.dist(path, d)?;
            // Held to the cap by its 1-in-a-billion value: a distribution
            // that can draw more would hang the trials that draw it.
            let top = dist.quantile(1.0 - 1e-9);
            if top > MAX_RATE_PER_YEAR || !top.is_finite() {
                cx.issue(
                    path,
                    format!(
                        "this distribution can draw {top:.3e} events a year (its 1-in-a-billion \
                         value), more than the {MAX_RATE_PER_YEAR} a threat may have: give it a \
                         range of rates a year, such as Pert(min: 0.1, mode: 0.5, max: 2)"
                    ),
                );
                return None;
            }
            Some(Rate::Uncertain(dist))
        }
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
            "no way in: list the services an attacker can enter through, such as \
             [\"email\", \"vpn\"]",
        );
        ok = false;
    }
    for (j, name) in entry.iter().enumerate() {
        let path = format!("{p}.entry[{j}]");
        match names.service(cx, &path, name, why) {
            Some(s) if entries.contains(&s) => {
                cx.issue(
                    path,
                    format!(
                        "{name:?} is listed twice in entry: remove one (each entry is equally \
                         likely)"
                    ),
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

fn plan(
    cx: &mut Ctx,
    names: &Names,
    plan: Option<&raw::Plan>,
    services: &[raw::Service],
) -> Option<Plan> {
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
    let teams = teams::teams(cx, names, plan, services);
    let model = Plan {
        crews: plan.crews,
        priority,
        restore_in_dependency_order: plan.restore_in_dependency_order.unwrap_or(false),
        annual_cost: annual_cost?,
        teams: teams?,
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

    /// Run `f` on a thread with the 2 MiB stack that test threads (and
    /// most spawned threads) get, and return its result; a stack overflow
    /// aborts the whole test binary, so passing proves there was none.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(f)
            .expect("spawns")
            .join()
            .expect("does not panic")
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let prefixes = [
            "",
            "Scenario(name: \"x\", services: ",
            "Scenario(name: \"x\", services: [Service(id: \"a\", tags: ",
            "Scenario(name: \"x\", services: [Service(id: \"a\", restart: ",
            "Scenario(name: \"x\", services: [Service(id: \"a\", restart: Empirical(",
            "Scenario(name: \"x\", services: [], threats: [LossEvent(id: \"a\", \
             cost: Fixed(1.0), rate_per_year: ",
        ];
        let openers = ["[", "(", "{", "Some(", "Fixed(", "Pert(min: ", "/*"];
        for prefix in prefixes {
            for opener in openers {
                let text = format!("{prefix}{}", opener.repeat(100_000));
                let result = on_small_stack(move || crate::scenario::parse_str(&text));
                assert!(result.is_err(), "{prefix}{opener}...");
            }
        }
    }

    #[test]
    fn syntax_errors_point_at_the_value_not_the_blank_before_it() {
        let text = "Scenario(name: \"x\",\n services: [Service(id: \"a\", rto:   4)])";
        match parse_raw(text) {
            Err(ScenarioError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 37)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comments_only_is_empty() {
        assert_eq!(
            parse_raw("// a comment\n/* and /* nested */ another */\n").unwrap_err(),
            ScenarioError::Empty
        );
        assert_eq!(parse_raw(" \n\t").unwrap_err(), ScenarioError::Empty);
        assert!(matches!(
            parse_raw("/* unclosed"),
            Err(ScenarioError::Syntax { .. })
        ));
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
        let found = on_small_stack(move || issues(&text));
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
