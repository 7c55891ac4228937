//! `bcdr explain OLD.ron NEW.ron`: why the expected annual loss moved.
//!
//! The two files are compared entity by entity — the scenario settings,
//! each site, service, group and threat by id, the risk appetite and the
//! plan — and the changes are applied to OLD one at a time, in NEW's order
//! (settings, sites, services, groups, threats, appetite, plan; within a
//! section NEW's file order, then what NEW removed). Every intermediate
//! scenario runs the same trials with the same seed (common random
//! numbers), so a step's contribution is the mean of the per-trial
//! differences between consecutive scenarios, with a paired interval.
//!
//! The contributions telescope: each is a difference of exact fixed-point
//! sums (units of 2^-32, see [`super::fixed`]), so in those units they add
//! up to the total change exactly, and `explain.json` carries them
//! (`exact_units`) for anyone who wants to check. A change whose
//! intermediate scenario is not valid on its own (a service that depends on
//! a service added later) is merged with the next change; the step then
//! names both.
//!
//! Contributions depend on the order: a change applied after another sees
//! the scenario that one left (the usual caveat of a sequential
//! attribution); the order is NEW's so that it is stable and documented.

use std::collections::BTreeSet;
use std::fmt::Debug;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::Model;
use crate::scenario::duration::parse_hours;
use crate::scenario::raw;
use crate::scenario::validate;
use crate::sim::{self, SimPlan};
use crate::stats::period::Period;

use super::{exact_mean, fixed, losses, Delta, FIXED_SCALE};

/// Bumped whenever a field of `explain.json` changes meaning or disappears.
pub const EXPLAIN_SCHEMA_VERSION: u32 = 1;

/// What kind of entity changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// Name, description, currency or horizon.
    Settings,
    /// The same entries in another order (ties can break differently).
    Order,
    /// A site.
    Site,
    /// A service.
    Service,
    /// A k-of-n group.
    Group,
    /// A threat.
    Threat,
    /// The risk appetite.
    Appetite,
    /// The recovery plan.
    Plan,
}

/// One changed entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    /// What kind of entity.
    pub kind: EntityKind,
    /// The id (empty for the settings, order, appetite and plan).
    pub id: String,
    /// `added`, `removed` or `changed`.
    pub what: String,
    /// For a changed site, service, group or threat: its fields that
    /// changed, in the file's order, each with its old and new value when
    /// both are a plain number or string (`revenue_per_hour 900 → 1100`).
    /// For the settings: the name, description, currency and horizon that
    /// changed (`horizon 1y → 2y`), then each insurance policy and common
    /// factor added, removed or changed, by id (`insurance "cyber"
    /// added`). Absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl Change {
    /// `service "db" changed`, with the fields that changed when known:
    /// `service "db" changed (rto 4h → 2h)`.
    pub fn label(&self) -> String {
        let kind = format!("{:?}", self.kind).to_lowercase();
        let fields = if self.fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.fields.join(", "))
        };
        if self.id.is_empty() {
            format!("{kind} {}{fields}", self.what)
        } else {
            format!("{kind} \"{}\" {}{fields}", self.id, self.what)
        }
    }
}

/// One step of the waterfall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The changes applied at this step (several when merged).
    pub changes: Vec<Change>,
    /// What the step applies, such as `service "db" changed`.
    pub label: String,
    /// The step's contribution to the change of the expected annual loss,
    /// with its paired 95% interval.
    pub contribution: Delta,
    /// The contribution in fixed-point units summed over trials (a decimal
    /// integer): the steps' values add up to the total's exactly.
    pub exact_units: String,
    /// Expected annual loss after this step.
    pub expected_annual_loss: f64,
}

/// The result of `bcdr explain` (`explain.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    /// [`EXPLAIN_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// OLD's file as given.
    pub old_file: String,
    /// NEW's file as given.
    pub new_file: String,
    /// OLD's scenario name.
    pub old_scenario: String,
    /// NEW's scenario name.
    pub new_scenario: String,
    /// NEW's currency.
    pub currency: String,
    /// The seed of every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Expected annual loss of OLD and NEW (as `bcdr run` gives them with
    /// this seed and trial count).
    pub old_expected_annual_loss: f64,
    /// Expected annual loss of NEW.
    pub new_expected_annual_loss: f64,
    /// OLD's horizon (one trial), when it is not a year: its losses are
    /// per trial of it. Absent for a year.
    #[serde(
        default = "crate::stats::period::a_year",
        skip_serializing_if = "crate::stats::period::is_a_year"
    )]
    pub old_horizon_hours: f64,
    /// NEW's horizon, as OLD's.
    #[serde(
        default = "crate::stats::period::a_year",
        skip_serializing_if = "crate::stats::period::is_a_year"
    )]
    pub new_horizon_hours: f64,
    /// NEW − OLD with its paired 95% interval.
    pub total: Delta,
    /// The total in fixed-point units summed over trials (a decimal integer): what the steps add up to exactly.
    pub total_exact_units: String,
    /// The steps, in the order applied to OLD.
    pub steps: Vec<Step>,
    /// With insurance in OLD or NEW (DESIGN-2 B1): true, and every loss figure above is
    /// net of insurance (gross − recoveries + premiums), as the risk
    /// appetite is judged. Absent without insurance.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub net_of_insurance: bool,
}

/// An entry of a section with an id.
trait Keyed: Clone + Debug {
    fn key(&self) -> &str;
}
impl Keyed for raw::Site {
    fn key(&self) -> &str {
        &self.id
    }
}
impl Keyed for raw::Service {
    fn key(&self) -> &str {
        &self.id
    }
}
impl Keyed for raw::Group {
    fn key(&self) -> &str {
        &self.id
    }
}
impl Keyed for raw::Policy {
    fn key(&self) -> &str {
        &self.id
    }
}
impl Keyed for raw::RawCommonFactor {
    fn key(&self) -> &str {
        &self.id
    }
}
impl Keyed for raw::Threat {
    fn key(&self) -> &str {
        match self {
            raw::Threat::Outage { id, .. }
            | raw::Threat::Disaster { id, .. }
            | raw::Threat::Ransomware { id, .. }
            | raw::Threat::LossEvent { id, .. } => id,
        }
    }
}

fn same<T: Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// The top-level fields of an entry as its `Debug` form writes them
/// (`Service { id: "db", rto: Some("4h"), .. }`): name and value, split at
/// the commas outside brackets and strings.
fn debug_fields(text: &str) -> Vec<(String, String)> {
    let (Some(open), Some(close)) = (text.find('{'), text.rfind('}')) else {
        return Vec::new();
    };
    let body = text.get(open + 1..close).unwrap_or("");
    let (mut out, mut depth, mut quoted, mut escaped, mut from) =
        (Vec::new(), 0i32, false, false, 0);
    let mut push = |piece: &str| {
        if let Some((k, v)) = piece.split_once(": ") {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    };
    for (i, ch) in body.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                push(&body[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    push(&body[from..]);
    out
}

/// A field's value for a label: a plain number or string as written
/// (`Some(..)` unwrapped, `None` as "none"); anything larger is `None`.
fn plain(v: &str) -> Option<String> {
    let v = v
        .strip_prefix("Some(")
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(v);
    if v == "None" {
        return Some("none".to_string());
    }
    // One wrapper of a plain value (a rate's `Number(2.0)`, a `Fixed("4h")`
    // duration) reads as the value.
    let v = match v.split_once('(') {
        Some((tag, rest))
            if tag.chars().all(|c| c.is_ascii_alphanumeric())
                && rest.ends_with(')')
                && !rest[..rest.len() - 1].contains(['(', ')']) =>
        {
            &rest[..rest.len() - 1]
        }
        _ => v,
    };
    let quoted = v.len() >= 2
        && v.starts_with('"')
        && v.ends_with('"')
        && !v[1..v.len() - 1].contains(['"', '\\']);
    // A string with an escape (a quote or backslash in it) would show
    // Debug's escapes: named alone.
    let simple = v.len() <= 40 && (quoted || !v.contains(['(', '[', '{', ' ', '"', '\\']));
    // A whole number as the file writes it: 1500, not Debug's 1500.0.
    let v = match v.strip_suffix(".0") {
        Some(whole) if whole.parse::<f64>().is_ok() => whole,
        _ => v,
    };
    simple.then(|| v.trim_matches('"').to_string())
}

/// The fields of a scenario whose values are money, written as money in
/// the labels of changes (DESIGN-2 D: `EUR 1,500`, not `1500`).
const MONEY_FIELDS: [&str; 9] = [
    "revenue_per_hour",
    "cost_per_outage",
    "data_loss_cost_per_hour",
    "mtpd_penalty",
    "annual_cost",
    "premium",
    "deductible",
    "limit",
    "aggregate_limit",
];

/// A plain value of field `k` as a label shows it: money in `currency`
/// for the fields of [`MONEY_FIELDS`] ([`crate::fmt::money_exact`]:
/// `EUR 1,250.5`), otherwise as written.
fn shown_value(k: &str, v: String, currency: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && MONEY_FIELDS.contains(&k) => crate::fmt::money_exact(currency, x),
        _ => v,
    }
}

/// The fields of `new` that differ from `old` (and those `new` lacks),
/// with their values when both are plain (money in `currency`).
fn changed_fields<T: Debug>(old: &T, new: &T, currency: &str) -> Vec<String> {
    let (a, b) = (
        debug_fields(&format!("{old:?}")),
        debug_fields(&format!("{new:?}")),
    );
    let mut out = Vec::new();
    for (k, v) in &b {
        match a.iter().find(|(ka, _)| ka == k) {
            Some((_, va)) if va == v => {}
            Some((_, va)) => out.push(match (plain(va), plain(v)) {
                (Some(x), Some(y)) => format!(
                    "{k} {} → {}",
                    shown_value(k, x, currency),
                    shown_value(k, y, currency)
                ),
                _ => k.clone(),
            }),
            None => out.push(k.clone()),
        }
    }
    out
}

/// The changes of one section, in NEW's order, then removals in OLD's.
fn section_changes<T: Keyed>(
    kind: EntityKind,
    old: &[T],
    new: &[T],
    currency: &str,
    out: &mut Vec<Change>,
) {
    for n in new {
        let (what, fields) = match old.iter().find(|o| o.key() == n.key()) {
            None => ("added", Vec::new()),
            Some(o) if !same(o, n) => ("changed", changed_fields(o, n, currency)),
            Some(_) => continue,
        };
        out.push(Change {
            kind,
            id: n.key().to_string(),
            what: what.to_string(),
            fields,
        });
    }
    for o in old {
        if !new.iter().any(|n| n.key() == o.key()) {
            out.push(Change {
                kind,
                id: o.key().to_string(),
                what: "removed".to_string(),
                fields: Vec::new(),
            });
        }
    }
}

/// A section with the changes in `applied` made, entries in one merged
/// order: NEW's, with each entry NEW removes put back right after the entry
/// it follows in OLD (so that OLD, with nothing applied, keeps its own
/// order when NEW only adds and removes). Each entry is in its NEW form if
/// applied, its OLD form if not (left out if it is not in OLD), and a
/// removed entry stays until its removal is applied.
fn section<T: Keyed>(
    kind: EntityKind,
    old: &[T],
    new: &[T],
    applied: &BTreeSet<(EntityKind, String)>,
) -> Vec<T> {
    let done = |id: &str| applied.contains(&(kind, id.to_string()));
    let mut order: Vec<&str> = new.iter().map(Keyed::key).collect();
    for (k, o) in old.iter().enumerate() {
        if order.contains(&o.key()) {
            continue;
        }
        let after = old[..k]
            .iter()
            .rev()
            .find_map(|p| order.iter().position(|&id| id == p.key()));
        order.insert(after.map_or(0, |i| i + 1), o.key());
    }
    order
        .iter()
        .filter_map(|&id| {
            let n = new.iter().find(|n| n.key() == id);
            let o = old.iter().find(|o| o.key() == id);
            match (n, o) {
                (Some(n), _) if done(id) => Some(n.clone()),
                (_, Some(_)) if n.is_none() && done(id) => None,
                (_, Some(o)) => Some(o.clone()),
                _ => None,
            }
        })
        .collect()
}

fn settings(s: &raw::Scenario) -> String {
    format!(
        "{:?}{:?}{:?}{:?}",
        s.name, s.description, s.currency, s.horizon
    )
}

/// The settings that changed, named as a service's fields are: the name,
/// description, currency and horizon with their old and new values (an
/// unset currency or horizon as its default), then each insurance policy
/// and common factor by id, `added`, `removed` or `changed`.
fn settings_fields(old: &raw::Scenario, new: &raw::Scenario, currency: &str) -> Vec<String> {
    let mut out = Vec::new();
    let shown = |v: &Option<String>, default: &str| match v {
        None => Some(format!("{default} (default)")),
        Some(_) => plain(&format!("{v:?}")),
    };
    let mut scalar = |k: &str, a: Option<String>, b: Option<String>| {
        out.push(match (a, b) {
            (Some(x), Some(y)) => format!("{k} {x} → {y}"),
            _ => k.to_string(),
        });
    };
    if old.name != new.name {
        scalar(
            "name",
            plain(&format!("{:?}", old.name)),
            plain(&format!("{:?}", new.name)),
        );
    }
    if old.description != new.description {
        scalar(
            "description",
            plain(&format!("{:?}", old.description)),
            plain(&format!("{:?}", new.description)),
        );
    }
    if old.currency != new.currency {
        let c = validate::DEFAULT_CURRENCY;
        scalar("currency", shown(&old.currency, c), shown(&new.currency, c));
    }
    if old.horizon != new.horizon {
        let hours = |v: &Option<String>| {
            v.as_deref()
                .map_or(Ok(validate::DEFAULT_HORIZON_HOURS), parse_hours)
                .ok()
        };
        let mut field = match (shown(&old.horizon, "1y"), shown(&new.horizon, "1y")) {
            (Some(x), Some(y)) => format!("horizon {x} → {y}"),
            _ => "horizon".to_string(),
        };
        // The loss is counted over the horizon, not per year.
        let ratio = hours(&new.horizon)
            .zip(hours(&old.horizon))
            .map(|(n, o)| n / o)
            .filter(|r| r.is_finite() && *r > 0.0);
        field.push_str(&match ratio {
            Some(r) if (r - 2.0).abs() < 1e-9 => {
                " — the loss is per horizon: doubling the horizon roughly doubles it".to_string()
            }
            Some(r) => format!(
                " — the loss is per horizon: a horizon {}× as long gives roughly {}× the loss",
                times(r),
                times(r)
            ),
            None => " — the loss is per horizon".to_string(),
        });
        out.push(field);
    }
    for (what, changes) in [
        (
            "insurance",
            id_changes(&old.insurance, &new.insurance, currency),
        ),
        (
            "common factor",
            id_changes(&old.common_factors, &new.common_factors, currency),
        ),
    ] {
        out.extend(changes.into_iter().map(|c| format!("{what} {c}")));
    }
    out
}

/// A ratio as a label reads it: `2`, `0.5`, `1.33`.
fn times(r: f64) -> String {
    let s = format!("{r:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The entries of a list with ids that NEW adds, removes or changes:
/// `"cyber" added`, `"fire" changed (limit EUR 100,000 → EUR 200,000)`; `order` when
/// only the order differs.
fn id_changes<T: Keyed>(old: &[T], new: &[T], currency: &str) -> Vec<String> {
    let mut out = Vec::new();
    for n in new {
        match old.iter().find(|o| o.key() == n.key()) {
            None => out.push(format!("\"{}\" added", n.key())),
            Some(o) if !same(o, n) => {
                let fields = changed_fields(o, n, currency);
                out.push(if fields.is_empty() {
                    format!("\"{}\" changed", n.key())
                } else {
                    format!("\"{}\" changed ({})", n.key(), fields.join(", "))
                });
            }
            Some(_) => {}
        }
    }
    for o in old {
        if !new.iter().any(|n| n.key() == o.key()) {
            out.push(format!("\"{}\" removed", o.key()));
        }
    }
    if out.is_empty() && !same(&old, &new) {
        out.push("order".to_string());
    }
    out
}

/// Every change from `old` to `new`, in the order they are applied.
pub fn changes(old: &raw::Scenario, new: &raw::Scenario) -> Vec<Change> {
    let mut out = Vec::new();
    // explain refuses a change of currency: NEW's is both's.
    let currency = new
        .currency
        .as_deref()
        .unwrap_or(crate::scenario::validate::DEFAULT_CURRENCY);
    let whole = |kind, out: &mut Vec<Change>| {
        out.push(Change {
            kind,
            id: String::new(),
            what: "changed".to_string(),
            fields: Vec::new(),
        })
    };
    // Common factors (DESIGN-2 B2) and insurance (B1) change with the
    // settings.
    if settings(old) != settings(new)
        || !same(&old.common_factors, &new.common_factors)
        || !same(&old.insurance, &new.insurance)
    {
        out.push(Change {
            kind: EntityKind::Settings,
            id: String::new(),
            what: "changed".to_string(),
            fields: settings_fields(old, new, currency),
        });
    }
    section_changes(EntityKind::Site, &old.sites, &new.sites, currency, &mut out);
    section_changes(
        EntityKind::Service,
        &old.services,
        &new.services,
        currency,
        &mut out,
    );
    section_changes(
        EntityKind::Group,
        &old.groups,
        &new.groups,
        currency,
        &mut out,
    );
    section_changes(
        EntityKind::Threat,
        &old.threats,
        &new.threats,
        currency,
        &mut out,
    );
    if !same(&old.risk_appetite, &new.risk_appetite) {
        whole(EntityKind::Appetite, &mut out);
    }
    if !same(&old.plan, &new.plan) {
        // The plan's own fields, named as a service's are.
        let fields = match (&old.plan, &new.plan) {
            (Some(o), Some(n)) => changed_fields(o, n, currency),
            _ => Vec::new(),
        };
        out.push(Change {
            kind: EntityKind::Plan,
            id: String::new(),
            what: "changed".to_string(),
            fields,
        });
    }
    out
}

/// OLD with the changes in `applied` made (entries in NEW's order).
fn build(
    old: &raw::Scenario,
    new: &raw::Scenario,
    applied: &BTreeSet<(EntityKind, String)>,
) -> raw::Scenario {
    let has = |k: EntityKind| applied.contains(&(k, String::new()));
    let base = if has(EntityKind::Settings) { new } else { old };
    raw::Scenario {
        name: base.name.clone(),
        description: base.description.clone(),
        currency: base.currency.clone(),
        horizon: base.horizon.clone(),
        sites: section(EntityKind::Site, &old.sites, &new.sites, applied),
        services: section(EntityKind::Service, &old.services, &new.services, applied),
        groups: section(EntityKind::Group, &old.groups, &new.groups, applied),
        threats: section(EntityKind::Threat, &old.threats, &new.threats, applied),
        risk_appetite: if has(EntityKind::Appetite) { new } else { old }
            .risk_appetite
            .clone(),
        plan: if has(EntityKind::Plan) { new } else { old }.plan.clone(),
        common_factors: base.common_factors.clone(),
        insurance: base.insurance.clone(),
    }
}

/// The scenarios of the waterfall: OLD, then one per step (the last is
/// NEW), each with the changes it adds.
///
/// # Errors
/// [`Error::Usage`] when NEW itself does not validate (the caller has
/// already loaded both, so this does not happen in practice).
pub fn stages(
    old: &raw::Scenario,
    new: &raw::Scenario,
) -> Result<Vec<(Vec<Change>, Model)>, Error> {
    let invalid = |e: crate::error::ScenarioError| Error::Usage(format!("explain: {e}"));
    let mut out = vec![(Vec::new(), validate::validate(old).map_err(invalid)?)];
    let none = BTreeSet::new();
    let reordered = build(old, new, &none);
    if !same(&reordered, old) {
        if let Ok(m) = validate::validate(&reordered) {
            out.push((
                vec![Change {
                    kind: EntityKind::Order,
                    id: String::new(),
                    what: "changed".to_string(),
                    fields: Vec::new(),
                }],
                m,
            ));
        }
    }
    let all = changes(old, new);
    let mut applied = BTreeSet::new();
    let mut pending = Vec::new();
    for (i, ch) in all.iter().enumerate() {
        applied.insert((ch.kind, ch.id.clone()));
        pending.push(ch.clone());
        let last = i + 1 == all.len();
        let state = if last {
            new.clone()
        } else {
            build(old, new, &applied)
        };
        match validate::validate(&state) {
            Ok(m) => out.push((std::mem::take(&mut pending), m)),
            Err(e) if last => return Err(invalid(e)),
            Err(_) => {}
        }
    }
    Ok(out)
}

impl Explain {
    /// What the losses are for: the versions' horizon when they share one
    /// (a year, or a trial of another), else a trial.
    pub(crate) fn period(&self) -> Period {
        Period::common([self.old_horizon_hours, self.new_horizon_hours])
    }
}

/// Inputs of [`explain`].
pub struct ExplainRun<'a> {
    /// OLD's file name, for the report.
    pub old_file: &'a str,
    /// NEW's file name, for the report.
    pub new_file: &'a str,
    /// The seed of every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Worker threads (default one per core); results do not depend on it.
    pub threads: Option<usize>,
}

/// Run the waterfall of `old` → `new`.
///
/// # Errors
/// A scenario that does not validate, OLD and NEW in different currencies
/// ([`Error::Usage`]), a thread pool that cannot start,
/// [`Error::Memory`] when the largest stage's estate does not fit in the
/// memory available (checked before the first run), a trial that breaks
/// the event budget.
///
/// # Complexity
/// One annual simulation of `trials` trials per step (plus OLD); memory
/// one f64 per trial and step.
pub fn explain(
    old: &raw::Scenario,
    new: &raw::Scenario,
    opts: &ExplainRun<'_>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Explain, Error> {
    super::check_trials(opts.trials, "--trials")?;
    let stages = stages(old, new)?;
    let (co, cn) = (&stages[0].1.currency, &stages[stages.len() - 1].1.currency);
    if co != cn {
        return Err(Error::Usage(format!(
            "explain: {} is in {co} but {} is in {cn}: explain compares losses in one \
             currency; convert the amounts in one file first (and its currency with them)",
            opts.old_file, opts.new_file
        )));
    }
    // Every stage runs on its own: the largest must fit, checked before
    // the first runs.
    let largest = stages.iter().map(|(_, m)| m.services.len()).max();
    sim::check_memory(&[largest.unwrap_or(0)])?;
    let mut runs: Vec<Vec<f64>> = Vec::with_capacity(stages.len());
    for (k, (_, model)) in stages.iter().enumerate() {
        let plan = SimPlan::compile(model);
        runs.push(losses(&plan, opts.seed, 0..opts.trials, opts.threads)?);
        if let Some(p) = progress {
            p((k as u64 + 1) * opts.trials);
        }
    }
    let units: Vec<i128> = runs
        .iter()
        .map(|r| r.iter().map(|&x| fixed(x)).sum())
        .collect();
    let scale = FIXED_SCALE * opts.trials as f64;
    let mut steps = Vec::new();
    for k in 1..stages.len() {
        let exact = units[k] - units[k - 1];
        let paired = Delta::paired(&runs[k - 1], &runs[k]);
        let changes = stages[k].0.clone();
        steps.push(Step {
            label: changes
                .iter()
                .map(Change::label)
                .collect::<Vec<_>>()
                .join(" + "),
            changes,
            contribution: Delta::new(exact as f64 / scale, paired.std_error),
            exact_units: exact.to_string(),
            expected_annual_loss: exact_mean(&runs[k]),
        });
    }
    let last = runs.len() - 1;
    let total_units = units[last] - units[0];
    let paired = Delta::paired(&runs[0], &runs[last]);
    let (mo, mn) = (&stages[0].1, &stages[last].1);
    Ok(Explain {
        schema_version: EXPLAIN_SCHEMA_VERSION,
        bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
        old_file: opts.old_file.to_string(),
        new_file: opts.new_file.to_string(),
        old_scenario: mo.name.clone(),
        new_scenario: mn.name.clone(),
        currency: mn.currency.clone(),
        seed: opts.seed,
        trials: opts.trials,
        old_expected_annual_loss: exact_mean(&runs[0]),
        new_expected_annual_loss: exact_mean(&runs[last]),
        old_horizon_hours: mo.horizon.get(),
        new_horizon_hours: mn.horizon.get(),
        total: Delta::new(total_units as f64 / scale, paired.std_error),
        total_exact_units: total_units.to_string(),
        steps,
        net_of_insurance: stages.iter().any(|(_, m)| !m.insurance.is_empty()),
    })
}
