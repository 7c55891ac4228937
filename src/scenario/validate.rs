//! Raw scenario → typed [`Model`]: every reference resolved, every number
//! checked, the dependency graph acyclic. All problems are collected and
//! reported together, each with its field path.
//!
//! The validator walks the raw scenario in file order with a `Ctx` that
//! collects [`Issue`]s. Each builder computes every part of its value before
//! it combines them, so that one bad field never hides the problems of the
//! next; a builder returns `None` only after it has recorded why.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::NodeIndex;

use crate::error::{Issue, ScenarioError};
use crate::model::{
    AppetitePoint, BackupModel, DependencyGraph, Dist, Edge, EdgeKind, FailoverModel, FailureModel,
    Group, GroupId, Hours, Model, Money, NodeRef, Plan, Probability, Ransomware, Rate, Service,
    ServiceId, Site, SiteId, SoftDependency, Threat, ThreatKind, Tier, MAX_MONEY,
};

use super::duration::parse_hours;
use super::raw;
use super::syntax;
use crate::fmt::as_written;
use crate::model::HOURS_PER_YEAR;

mod coupling;
mod dists;
mod impact;
mod insurance;
pub(crate) mod limits;
mod names;
mod plan;
mod services;
mod targets;
mod teams;
mod threats;

use names::{threat_id, Names};
use plan::*;
use services::*;
use threats::*;

pub(crate) use super::syntax::MAX_NESTING;

/// The currency when the scenario names none.
pub(crate) const DEFAULT_CURRENCY: &str = "USD";
/// The horizon when the scenario gives none: one year.
pub(crate) const DEFAULT_HORIZON_HOURS: f64 = HOURS_PER_YEAR;
/// The longest horizon accepted: a thousand years. Anything longer is a typo
/// (`"1000000y"`), and would make every trial needlessly slow.
pub(crate) const MAX_HORIZON_HOURS: f64 = 1000.0 * HOURS_PER_YEAR;
pub(crate) use crate::model::MAX_RATE_PER_YEAR;

/// Parse RON text into the raw structs (optional fields may be written
/// without `Some(...)`).
///
/// # Errors
/// [`ScenarioError::Empty`] for empty or whitespace-only text, and
/// [`ScenarioError::Syntax`] with a 1-based line and column for RON syntax
/// errors, unknown or missing fields, values of the wrong type and nesting
/// deeper than 64 levels (`MAX_NESTING`).
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
pub(crate) fn validate(raw: &raw::Scenario) -> Result<Model, ScenarioError> {
    let mut cx = Ctx::default();
    let names = Names::index(raw);

    let (name, currency, horizon) = header(&mut cx, raw);
    let sites: Vec<Site> = raw
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = format!("sites[{i}] {:?}", s.id);
            names.report_id(&mut cx, &p);
            if let Some(name) = &s.name {
                cx.plain_text(&at(&p, "name"), name, "the name", false);
            }
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
    dr_plan_cycles(&mut cx, raw, &services, &graph);

    let threats: Vec<Option<Threat>> = raw
        .threats
        .iter()
        .enumerate()
        .map(|(i, t)| threat(&mut cx, &names, raw, i, t))
        .collect();
    let risk_appetite = appetite(&mut cx, &raw.risk_appetite);
    let plan = plan(&mut cx, &names, raw.plan.as_ref(), &raw.services);
    let coupling = coupling::coupling(&mut cx, raw);
    let insurance = insurance::insurance(&mut cx, raw);

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
            insurance: insurance?,
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
pub(crate) fn service_path(index: usize, id: &str) -> String {
    format!("services[{index}] {id:?}")
}

/// The field path of a group.
pub(crate) fn group_path(index: usize, id: &str) -> String {
    format!("groups[{index}] {id:?}")
}

/// The field path of a threat.
pub(crate) fn threat_path(index: usize, id: &str) -> String {
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
    /// Refuse control characters (and bidirectional overrides) in an id
    /// or a name: they reach terminals (ESC sequences retitle or clear
    /// them), reports and chart SVGs (NUL makes them invalid XML). `lines`
    /// allows line breaks and tabs (a description). False when refused.
    fn plain_text(&mut self, path: &str, text: &str, what: &str, lines: bool) -> bool {
        match bad_char(text, lines) {
            None => true,
            Some((i, c)) => {
                self.issue(
                    path,
                    format!(
                        "{what} contains the control character {} at character {}: ids and \
                         names appear in terminals, reports and charts, where it would garble \
                         or hide text; remove it (write plain text)",
                        char_name(c),
                        i + 1
                    ),
                );
                false
            }
        }
    }

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
                self.issue(
                    path,
                    format!(
                        "{text:?} is too large to be a duration: check the number and its unit"
                    ),
                );
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
            self.issue(
                path,
                format!(
                    "{what} must be longer than 0, got {text:?}: write a duration such as \"4h\""
                ),
            );
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
                format!(
                    "{} is not a probability: use a number from 0 to 1, such as 0.25 for 25%",
                    as_written(p)
                ),
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
                    "{what} {} is outside 0 to 1: write a fraction of full capacity, such as \
                     0.5 for half",
                    as_written(x)
                ),
            );
            None
        }
    }

    /// An amount of money; absent means zero.
    fn money(&mut self, path: &str, amount: Option<f64>) -> Option<Money> {
        let m = amount.unwrap_or(0.0);
        match Money::new(m) {
            Some(money) if m <= MAX_MONEY => Some(money),
            _ if m == f64::INFINITY => {
                self.issue(path, too_much_money(m, "is"));
                None
            }
            Some(_) => {
                self.issue(path, too_much_money(m, "is"));
                None
            }
            None => {
                self.issue(
                    path,
                    format!(
                        "{} is not an amount of money: use a number >= 0, such as 20000",
                        as_written(m)
                    ),
                );
                None
            }
        }
    }
}

/// A distribution's top value in a message: "1.728e19 events a year"
/// (`unit` after the number), or, for a tail too heavy to compute (a
/// quantile that overflows to infinity or NaN), words instead of "NaN".
fn too_large(top: f64, unit: &str) -> String {
    match (top.is_finite(), unit.is_empty()) {
        (true, true) => format!("{top:.3e}"),
        (true, false) => format!("{top:.3e} {unit}"),
        (false, true) => "values too large to compute".to_string(),
        (false, false) => format!("a number of {unit} too large to compute"),
    }
}

/// The message for an amount above [`MAX_MONEY`].
fn too_much_money(m: f64, verb: &str) -> String {
    let what = match verb {
        // An amount written past what a number holds (`1e400`).
        "is" if !m.is_finite() => "a number too large to compute".to_string(),
        _ => too_large(m, ""),
    };
    format!(
        "{verb} {what}, more than the {MAX_MONEY:.0e} one figure may hold (annual losses beyond \
         about 1e23 cannot be summed exactly): write the scenario in a larger unit, such as \
         currency: \"EUR million\" with amounts in millions"
    )
}

/// The first character of `text` that an id or a name may not hold: a
/// control character (line breaks and tabs allowed when `lines`), or a
/// bidirectional override that makes text display differently from what
/// it is.
pub(crate) fn bad_char(text: &str, lines: bool) -> Option<(usize, char)> {
    text.chars().enumerate().find(|&(_, c)| {
        (c.is_control() && !(lines && matches!(c, '\n' | '\t' | '\r')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// `U+001B (ESC)`.
fn char_name(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\t' => " (tab)",
        '\n' => " (line break)",
        '\r' => " (carriage return)",
        '\u{1b}' => " (ESC)",
        '\u{7f}' => " (DEL)",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => " (a bidirectional override)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
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
    cx.plain_text("name", &raw.name, "the name", false);
    if let Some(d) = &raw.description {
        cx.plain_text("description", d, "the description", true);
    }
    if let Some(c) = &raw.currency {
        cx.plain_text("currency", c, "the currency", false);
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
