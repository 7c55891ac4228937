//! `bcdr validate`: every class of bad input exits 2 with the file, the
//! place (line and column, or the field path) and the fix, never a panic;
//! planning warnings; the model a valid scenario builds.

use std::path::Path;

use bcdr::error::ScenarioError;
use bcdr::model::{
    Dist, Edge, EdgeKind, Model, NodeRef, Probability, Rate, ServiceId, SiteId, ThreatKind, Tier,
};
use bcdr::scenario::{parse_bytes, parse_str, planning_warnings};
use proptest::prelude::*;

use crate::common;

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let out = common::bcdr()
        .args(["validate", "no/such/scenario.ron"])
        .output()
        .expect("bcdr runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("cannot read no/such/scenario.ron"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn errors_are_printed_once() {
    let out = common::bcdr()
        .current_dir(common::root())
        .args(["validate", "scenarios/invalid/cycle.ron"])
        .output()
        .expect("bcdr runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("dependency cycle").count(), 1, "{stderr}");
}

// ---------------------------------------------------------------------------
// Bundled scenarios

/// Every bundled example scenario is valid (and there are at least four).
#[test]
fn every_bundled_scenario_validates() {
    let dir = common::root().join("scenarios");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/ exists") {
        let path = entry.expect("readable").path();
        if path.extension().is_some_and(|e| e == "ron") {
            let out = common::bcdr()
                .arg("validate")
                .arg(&path)
                .output()
                .expect("bcdr runs");
            assert!(
                out.status.success(),
                "{}:\n{}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            count += 1;
        }
    }
    assert!(
        count >= 4,
        "expected at least 4 bundled scenarios, found {count}"
    );
}

// ---------------------------------------------------------------------------
// The model a valid scenario builds

/// A complete scenario using every feature; valid, with some planning gaps.
pub(crate) const BANK: &str = r#"
#![enable(implicit_some)]
// The design document's regional bank, completed.
Scenario(
    name: "Regional bank",
    currency: "EUR",
    horizon: "1y",
    sites: [Site(id: "dc-east"), Site(id: "dc-west", name: "West data centre")],
    services: [
        Service(id: "network", site: "dc-east", tier: Infrastructure,
            failure: (mtbf: "2000h", repair: LogNormal(median: "1h", p90: "4h")),
            backup: (rebuild: Fixed("8h"))),
        Service(id: "identity", site: "dc-east", tier: Platform, rto: "1h",
            backup: (interval: "4h", restore: Fixed("2h"), immutable: true, retention: "30d")),
        Service(id: "email", site: "dc-west", tags: ["internet-facing"]),
        Service(id: "vpn", site: "dc-east", depends_on: ["identity"], tags: ["internet-facing"]),
        Service(id: "fraud-scoring", site: "dc-west", segmented: true),
        Service(id: "api-1", site: "dc-east", depends_on: ["network"]),
        Service(id: "api-2", site: "dc-west", depends_on: ["network"]),
        Service(id: "api-3", site: "dc-west", depends_on: ["network"]),
        Service(id: "core-db", site: "dc-east", tier: Application,
            depends_on: ["network", "identity"],
            failure: (ttf: Weibull(shape: 1.5, scale: "300d"), repair: Uniform(min: "1h", max: "3h")),
            restart: Fixed("15m"),
            backup: (interval: "15m", restore: Pert(min: "2h", mode: "4h", max: "16h")),
            failover: (site: "dc-west", switchover: Fixed("15m"), success: 0.9, depends_on: []),
            rto: "4h", rpo: "15m", mtpd: "24h",
            data_loss_cost_per_hour: 20000, spread_probability: 0.1),
        Service(id: "payments", tier: Business,
            depends_on: ["core-db", "api-cluster"],
            degrades_on: [(service: "fraud-scoring", capacity: 0.8)],
            revenue_per_hour: 50000, cost_per_outage: 10000, mtpd_penalty: 100000,
            rto: "6h", mtpd: "8h", mbco: 0.5),
    ],
    groups: [Group(id: "api-cluster", members: ["api-1", "api-2", "api-3"], need: 2)],
    threats: [
        Outage(id: "east-power", rate_per_year: 0.5, targets: [Site("dc-east"), Service("api-1")],
               duration: LogNormal(low: "1h", high: "10h")),
        Disaster(id: "east-dc-fire", rate_per_year: 0.01, targets: [Site("dc-east")],
                 response_cost: Triangular(min: 1000, mode: 5000, max: 20000)),
        Outage(id: "internet-ddos", rate_per_year: 2, targets: [Tag("internet-facing"), Tier(Platform)],
               duration: Empirical(["30m", "2h", "26h"])),
        Ransomware(id: "ransomware", rate_per_year: 0.3, entry: ["email", "vpn"],
            spread: (probability: 0.4, time: Exponential(mean: "12h")),
            dwell: LogNormal(median: "5d", p90: "30d"), detection: Exponential(mean: "10d"),
            response_cost: Pert(min: 50000, mode: 200000, max: 2000000),
            containment_outage: Fixed("1d")),
        LossEvent(id: "card-data-breach", rate_per_year: Pert(min: 0.05, mode: 0.1, max: 0.4),
                  cost: LogNormal(low: 100000, high: 5000000)),
    ],
    risk_appetite: [(loss: 10000000, probability: 0.01), (loss: 1000000, probability: 0.10)],
    plan: Plan(crews: 3, priority: ["network", "identity", "core-db"],
               restore_in_dependency_order: true, annual_cost: 250000),
)
"#;

pub(crate) fn model(text: &str) -> Model {
    match parse_str(text) {
        Ok(model) => model,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

fn sid(model: &Model, name: &str) -> ServiceId {
    model.service_id(name).expect("service exists")
}

#[test]
fn a_complete_scenario_builds_the_expected_model() {
    let m = model(BANK);
    assert_eq!(m.name, "Regional bank");
    assert_eq!(m.currency, "EUR");
    assert_eq!(m.horizon.get(), 8760.0);
    assert_eq!(m.sites.len(), 2);
    assert_eq!(m.sites[1].name.as_deref(), Some("West data centre"));
    let ids: Vec<&str> = m.services.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "network",
            "identity",
            "email",
            "vpn",
            "fraud-scoring",
            "api-1",
            "api-2",
            "api-3",
            "core-db",
            "payments"
        ],
        "services in file order"
    );

    let db = m.service(sid(&m, "core-db"));
    assert_eq!(db.tier, Tier::Application);
    assert_eq!(db.site, Some(SiteId(0)));
    assert_eq!(
        db.depends_on,
        [
            NodeRef::Service(sid(&m, "network")),
            NodeRef::Service(sid(&m, "identity"))
        ]
    );
    let failure = db.failure.as_ref().expect("failure model");
    assert_eq!(failure.ttf, Dist::weibull(1.5, 7200.0).unwrap());
    assert_eq!(failure.repair, Dist::uniform(1.0, 3.0).unwrap());
    assert_eq!(db.restart, Some(Dist::Fixed(0.25)));
    let backup = db.backup.as_ref().expect("backup");
    assert_eq!(backup.interval.map(|h| h.get()), Some(0.25));
    assert_eq!(backup.restore, Some(Dist::pert(2.0, 4.0, 16.0).unwrap()));
    assert_eq!(backup.rebuild, None);
    assert!(!backup.immutable);
    let failover = db.failover.as_ref().expect("failover");
    assert_eq!(failover.site, SiteId(1));
    assert_eq!(failover.success.get(), 0.9);
    assert_eq!(db.rto.map(|h| h.get()), Some(4.0));
    assert_eq!(db.rpo.map(|h| h.get()), Some(0.25));
    assert_eq!(db.mtpd.map(|h| h.get()), Some(24.0));
    assert_eq!(db.data_loss_cost_per_hour.get(), 20000.0);
    assert_eq!(db.spread_probability.map(Probability::get), Some(0.1));

    let network = m.service(sid(&m, "network"));
    assert_eq!(
        network.failure.as_ref().map(|f| &f.ttf),
        Some(&Dist::exponential(2000.0).unwrap())
    );
    let identity = m
        .service(sid(&m, "identity"))
        .backup
        .as_ref()
        .expect("backup");
    assert!(identity.immutable);
    assert_eq!(identity.retention.map(|h| h.get()), Some(720.0));

    let payments = m.service(sid(&m, "payments"));
    assert_eq!(payments.tier, Tier::Business);
    assert_eq!(payments.site, None);
    assert_eq!(
        payments.depends_on[1],
        NodeRef::Group(bcdr::model::GroupId(0))
    );
    assert_eq!(payments.degrades_on[0].capacity, 0.8);
    assert_eq!(payments.revenue_per_hour.get(), 50000.0);
    assert_eq!(payments.mbco, Some(0.5));
    assert!(m.service(sid(&m, "fraud-scoring")).segmented);

    assert_eq!(m.groups[0].need, 2);
    assert_eq!(m.groups[0].members.len(), 3);

    // Targets: sorted, without repeats, sites kept for failover checks.
    let east: Vec<ServiceId> = ["network", "identity", "vpn", "api-1", "core-db"]
        .iter()
        .map(|n| sid(&m, n))
        .collect();
    match &m.threats[0].kind {
        ThreatKind::Outage {
            targets,
            sites,
            duration,
            ..
        } => {
            assert_eq!(targets, &east, "api-1 is both at dc-east and named");
            assert_eq!(sites, &[SiteId(0)]);
            assert_eq!(duration, &Dist::lognormal_interval(1.0, 10.0).unwrap());
        }
        other => panic!("{other:?}"),
    }
    match &m.threats[1].kind {
        ThreatKind::Disaster {
            targets,
            response_cost,
            ..
        } => {
            assert_eq!(targets, &east);
            assert_eq!(
                response_cost,
                &Some(Dist::triangular(1000.0, 5000.0, 20000.0).unwrap())
            );
        }
        other => panic!("{other:?}"),
    }
    match &m.threats[2].kind {
        ThreatKind::Outage { targets, sites, .. } => {
            let expected: Vec<ServiceId> = ["identity", "email", "vpn"]
                .iter()
                .map(|n| sid(&m, n))
                .collect();
            assert_eq!(targets, &expected, "tag and tier targets");
            assert!(sites.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.threats[2].rate_per_year, Rate::Fixed(2.0));
    match &m.threats[3].kind {
        ThreatKind::Ransomware(r) => {
            assert_eq!(r.entry, [sid(&m, "email"), sid(&m, "vpn")]);
            assert_eq!(r.attack_paths, None);
            assert_eq!(r.spread_probability.get(), 0.4);
            assert_eq!(r.backup_compromise, Probability::ZERO, "default");
            assert_eq!(r.containment_outage, Some(Dist::Fixed(24.0)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        m.threats[4].rate_per_year,
        Rate::Uncertain(Dist::pert(0.05, 0.1, 0.4).unwrap())
    );

    assert_eq!(m.risk_appetite.len(), 2);
    assert_eq!(
        m.risk_appetite[0].loss.get(),
        10_000_000.0,
        "file order kept"
    );
    assert_eq!(m.plan.crews, Some(3));
    assert_eq!(
        m.plan.priority,
        [sid(&m, "network"), sid(&m, "identity"), sid(&m, "core-db")]
    );
    assert!(m.plan.restore_in_dependency_order);
    assert_eq!(m.plan.annual_cost.get(), 250_000.0);
}

#[test]
fn the_graph_has_hard_soft_and_member_edges() {
    let m = model(BANK);
    let g = &m.graph;
    let edge = |from: NodeRef, to: NodeRef| -> Option<Edge> {
        g.graph
            .find_edge(g.index(from), g.index(to))
            .map(|e| g.graph[e])
    };
    let s = |n: &str| NodeRef::Service(sid(&m, n));
    let cluster = NodeRef::Group(bcdr::model::GroupId(0));
    assert_eq!(
        edge(s("payments"), s("core-db")).map(|e| e.kind),
        Some(EdgeKind::Hard)
    );
    assert_eq!(
        edge(s("payments"), cluster).map(|e| e.kind),
        Some(EdgeKind::Hard)
    );
    assert_eq!(
        edge(s("payments"), s("fraud-scoring")),
        Some(Edge {
            kind: EdgeKind::Soft,
            capacity: 0.8
        })
    );
    assert_eq!(
        edge(cluster, s("api-2")).map(|e| e.kind),
        Some(EdgeKind::Member)
    );
    assert_eq!(
        edge(s("core-db"), s("payments")),
        None,
        "edges point at dependencies"
    );
    // vpn 1, api-1..3 3, core-db 2, payments 3 (2 hard, 1 soft), members 3
    assert_eq!(g.graph.edge_count(), 12);
    let order = g.dependencies_first().expect("acyclic");
    let pos = |n: NodeRef| order.iter().position(|&x| x == n).expect("in order");
    assert!(pos(s("network")) < pos(s("core-db")));
    assert!(pos(cluster) < pos(s("payments")));
}

#[test]
fn a_minimal_scenario_gets_the_defaults() {
    let m = model(r#"Scenario(name: "tiny", services: [Service(id: "app")])"#);
    assert_eq!(m.currency, "USD");
    assert_eq!(m.horizon.get(), 8760.0);
    let app = &m.services[0];
    assert_eq!(app.tier, Tier::Application);
    assert_eq!(app.site, None);
    assert!(app.depends_on.is_empty() && app.degrades_on.is_empty());
    assert!(app.failure.is_none() && app.backup.is_none() && app.failover.is_none());
    assert_eq!(app.revenue_per_hour.get(), 0.0);
    assert!(!app.segmented);
    assert!(m.threats.is_empty() && m.groups.is_empty() && m.sites.is_empty());
    assert_eq!(m.plan.crews, None, "unlimited crews");
    assert!(m.plan.priority.is_empty());
    assert!(!m.plan.restore_in_dependency_order);
    assert_eq!(m.plan.annual_cost.get(), 0.0);
    assert_eq!(m.graph.graph.node_count(), 1);
}

#[test]
fn failover_success_defaults_to_one() {
    let m = model(
        r#"Scenario(name: "x", sites: [Site(id: "a"), Site(id: "b")],
            services: [Service(id: "db", site: "a", failover: (site: "b", switchover: Fixed("5m")))])"#,
    );
    let failover = m.services[0].failover.as_ref().expect("failover");
    assert_eq!(failover.success, Probability::ONE);
}

#[test]
fn optional_fields_may_be_written_with_or_without_some() {
    let bare = r#"Scenario(name: "x", currency: "EUR", services: [Service(id: "a", rto: "4h")])"#;
    let wrapped = r#"Scenario(name: "x", currency: Some("EUR"), services: [Service(id: "a", rto: Some("4h"))])"#;
    let attribute = format!("#![enable(implicit_some)]\n{bare}");
    for text in [bare, wrapped, attribute.as_str()] {
        let m = model(text);
        assert_eq!(m.currency, "EUR");
        assert_eq!(m.services[0].rto.map(|h| h.get()), Some(4.0));
    }
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let text = "\u{feff}Scenario(name: \"x\", services: [Service(id: \"a\")])";
    assert!(parse_bytes(text.as_bytes()).is_ok());
}

#[test]
fn every_issue_is_reported_at_once() {
    let err = parse_str(
        r#"Scenario(name: "", currency: " ", horizon: "2000y", services: [
            Service(id: "a", depends_on: ["b", "b"], backup: (interval: "0h", restore: Fixed("1h"))),
            Service(id: "b", failover: (site: "nowhere", switchover: Exponential(mean: "0h"))),
        ], threats: [
            LossEvent(id: "x", rate_per_year: 1e9, cost: Fixed(-1)),
            LossEvent(id: "x", rate_per_year: 1, cost: Fixed(1)),
        ])"#,
    )
    .unwrap_err();
    let ScenarioError::Invalid(issues) = err else {
        panic!("{err:?}")
    };
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "name",
            "currency",
            "horizon",
            r#"services[0] "a".depends_on[1]"#,
            r#"services[0] "a".backup.interval"#,
            r#"services[1] "b".failover.site"#,
            r#"services[1] "b".failover.switchover"#,
            r#"threats[0] "x".rate_per_year"#,
            r#"threats[0] "x".cost"#,
            r#"threats[1] "x".id"#,
        ],
        "{issues:#?}"
    );
    assert!(issues[6].message.contains("mean must be greater than 0"));
}

// ---------------------------------------------------------------------------
// Never a panic

/// Pieces that make mutations interesting: brackets, quotes, separators,
/// numbers and names the grammar knows.
const TOKENS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "\"", ",", ":", "-", "0", "1e999", "NaN", "inf", "Some(", "None",
    "/*", "//", "\n", "Fixed(", "Pert(", "\"-1h\"", "\"\"", "\u{feff}", "\u{e9}", "r#\"",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, u8),
    Token(usize, usize),
}

fn apply(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *edit {
            Edit::Delete(i, n) => {
                let start = at(i, bytes.len()).min(bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert(i, b) => {
                let pos = at(i, bytes.len());
                bytes.insert(pos, b);
            }
            Edit::Token(i, t) => {
                let pos = at(i, bytes.len());
                let token = TOKENS[t % TOKENS.len()].as_bytes();
                bytes.splice(pos..pos, token.iter().copied());
            }
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1..20usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, t)| Edit::Token(i, t)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_str_never_panics_on_arbitrary_text(text in "\\PC*") {
        let _ = parse_str(&text);
    }

    #[test]
    fn parse_bytes_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_bytes(&bytes);
    }

    #[test]
    fn parse_never_panics_on_mutated_scenarios(edits in proptest::collection::vec(edit(), 1..8)) {
        let bytes = apply(BANK, &edits);
        if let Ok(model) = parse_bytes(&bytes) {
            // A mutation that is still valid must give warnings without panicking too.
            let _ = planning_warnings(&model);
        }
    }
}

/// The commonest syntax mistakes said "check for a stray character or a
/// doubled comma", or leaked RON's "try the raw identifier `r#2000000`".
#[test]
fn common_syntax_mistakes_do_not_give_ron_advice() {
    for fixture in [
        "bare-duration.ron",
        "quoted-enum.ron",
        "unnamed-appetite.ron",
        "percent.ron",
        "digit-name.ron",
    ] {
        let out = common::bcdr()
            .current_dir(common::root())
            .arg("validate")
            .arg(Path::new("scenarios").join("invalid").join(fixture))
            .output()
            .expect("bcdr runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for bad in ["stray character", "raw identifier", "r#", "std identifier"] {
            assert!(!stderr.contains(bad), "{fixture}: {bad:?} in\n{stderr}");
        }
    }
}

/// The fix is written in the user's own text: the value they typed.
#[test]
fn common_syntax_mistakes_quote_the_users_value() {
    let base = r#"Scenario(name: "x", sites: [Site(id: "a"), Site(id: "b")],
    services: [Service(id: "db", site: "a", tier: Platform,
        failure: (mtbf: "900h", repair: Exponential(mean: "3h")),
        failover: (site: "b", switchover: Fixed("5m"), success: 0.9))],
    threats: [Outage(id: "cut", rate_per_year: 1.0, targets: [Site("a")], duration: Fixed("2h"))],
    risk_appetite: [(loss: 100, probability: 0.5)])"#;
    assert!(parse_str(base).is_ok());
    let cases = [
        (
            r#"repair: Exponential(mean: "3h")"#,
            r#"repair: "45m""#,
            r#"`repair: Fixed("45m")`"#,
        ),
        (
            r#"duration: Fixed("2h")"#,
            r#"duration: "2.5h""#,
            r#"`duration: Fixed("2.5h")`"#,
        ),
        ("tier: Platform", r#"tier: "platform""#, "`tier: Platform`"),
        ("success: 0.9", "success: 12.5%", "`success: 0.125`"),
        (
            "(loss: 100, probability: 0.5)",
            "(250000, 0.05)",
            "`(loss: 250000, probability: 0.05)`",
        ),
        (r#"[Site("a")]"#, r#"["a"]"#, r#"write `Site("a")`"#),
        // European habits and missing quotes.
        ("success: 0.9", "success: 0,9", "`success: 0.9`"),
        ("(loss: 100,", "(loss: 2,500,", "`loss: 2500`"),
        (r#"mtbf: "900h""#, "mtbf: 900h", r#"`mtbf: "900h"`"#),
        (r#"mtbf: "900h""#, "mtbf: 900", r#"`mtbf: "900h"`"#),
        (
            r#"duration: Fixed("2h")"#,
            "duration: 2h",
            r#"`duration: Fixed("2h")`"#,
        ),
        (
            "(loss: 100, probability: 0.5)",
            r#"(loss: "100", probability: 0.5)"#,
            "`loss: 100`",
        ),
    ];
    for (good, bad, fix) in cases {
        let text = base.replace(good, bad);
        let err = parse_str(&text).expect_err(bad).to_string();
        assert!(err.contains(fix), "{bad}: {err}");
        assert!(err.contains(bad), "{bad}: the line is shown: {err}");
    }
}

/// A bare number where a number distribution belongs (`cost: 5000`) was
/// told "a number where a field name belongs" with the risk appetite's
/// `(loss: ..., probability: ...)`; the fix is `Fixed(5000)`.
#[test]
fn a_bare_number_in_a_distribution_names_fixed() {
    let base = r#"Scenario(name: "x", services: [Service(id: "db")],
    threats: [
        Outage(id: "cut", rate_per_year: 1, targets: [Service("db")], duration: Fixed("2h"), response_cost: Fixed(10000)),
        LossEvent(id: "l", rate_per_year: 1, cost: Fixed(5000)),
    ],
    common_factors: [(id: "f", threats: ["l"], multiplier: Fixed(2))])"#;
    assert!(parse_str(base).is_ok());
    let cases = [
        (
            "cost: Fixed(5000)",
            "cost: 5000",
            r#"(at threats[1] "l".cost)"#,
            "write `cost: Fixed(5000)` for exactly 5000",
        ),
        (
            "response_cost: Fixed(10000)",
            "response_cost: 10000",
            r#"(at threats[0] "cut".response_cost)"#,
            "write `response_cost: Fixed(10000)` for exactly 10000",
        ),
        (
            "multiplier: Fixed(2)",
            "multiplier: 2",
            r#"(at common_factors[0] "f".multiplier)"#,
            "write `multiplier: Fixed(2)` for exactly 2",
        ),
        (
            r#"duration: Fixed("2h")"#,
            "duration: 2",
            r#"(at threats[0] "cut".duration)"#,
            r#"write `duration: Fixed("2h")` for exactly 2 hours"#,
        ),
    ];
    for (good, bad, path, fix) in cases {
        let text = base.replace(good, bad);
        let err = parse_str(&text).expect_err(bad).to_string();
        assert!(err.contains(path), "{bad}: {err}");
        assert!(err.contains("takes a distribution"), "{bad}: {err}");
        assert!(err.contains(fix), "{bad}: {err}");
        assert!(!err.contains("field name belongs"), "{bad}: {err}");
        assert!(!err.contains("probability:"), "{bad}: {err}");
    }
}
