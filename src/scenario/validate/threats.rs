//! Threats: their rates, targets and, for ransomware, entries, attack
//! paths and timings.

use super::*;
use crate::model::{AttackPath, ServiceKind};
use crate::scenario::syntax::groups::name_the_parameters;

pub(super) fn threat(
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
                    .map(|d| cx.money_dist(&at(&p, "response_cost"), d)),
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
            replicated,
            ..
        } => {
            let hit = resolve_targets(cx, names, raw, &p, targets).and_then(|(hit, sites)| {
                Some((disaster_targets(cx, raw, &p, targets, hit)?, sites))
            });
            let response_cost = written(
                response_cost
                    .as_ref()
                    .map(|d| cx.money_dist(&at(&p, "response_cost"), d)),
            );
            let (targets, sites) = hit?;
            Some(ThreatKind::Disaster {
                targets,
                sites,
                response_cost: response_cost?,
                replicated: replicated.unwrap_or(false),
            })
        }
        raw::Threat::Ransomware { .. } => {
            ransomware(cx, names, raw, &p, t).map(|r| ThreatKind::Ransomware(Box::new(r)))
        }
        raw::Threat::LossEvent { cost, .. } => cx
            .money_dist(&at(&p, "cost"), cost)
            .map(|cost| ThreatKind::LossEvent { cost }),
    };
    Some(Threat {
        id: id.to_string(),
        rate_per_year: rate_per_year?,
        kind: kind?,
    })
}

pub(super) fn rate(cx: &mut Ctx, path: &str, r: &raw::RawRate) -> Option<Rate> {
    match *r {
        raw::RawRate::Number(x) if (0.0..=MAX_RATE_PER_YEAR).contains(&x) => Some(Rate::Fixed(x)),
        raw::RawRate::Number(x) if x > MAX_RATE_PER_YEAR && x.is_finite() => {
            cx.issue(
                path,
                format!(
                    "{} events a year is more than the {MAX_RATE_PER_YEAR} a threat may have: \
                     write the number of events per year, such as 0.5 for once every two years",
                    as_written(x)
                ),
            );
            None
        }
        raw::RawRate::Number(x) => {
            cx.issue(
                path,
                format!(
                    "{} is not a rate: write the number of events per year (>= 0), such as 0.5 \
                     for once every two years",
                    as_written(x)
                ),
            );
            None
        }
        raw::RawRate::Unnamed(ref d) => {
            let (form, values) = d.parts();
            let written: Vec<String> = values.into_iter().map(as_written).collect();
            let written: Vec<Option<&str>> = written.iter().map(|v| Some(v.as_str())).collect();
            let fix = name_the_parameters(form, &written).unwrap_or_else(|| {
                format!("write the parameters of `{form}(...)` with their names")
            });
            cx.issue(path, fix);
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
                        "this distribution can draw {} (its 1-in-a-billion \
                         value), more than the {MAX_RATE_PER_YEAR} a threat may have: give it a \
                         range of rates a year, such as Pert(min: 0.1, mode: 0.5, max: 2)",
                        too_large(top, "events a year")
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
pub(super) fn resolve_targets(
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
    let why = "threats hit services: target its members with Service(..) each, or give them a \
               tag and use Tag(..)";
    targets::targets(
        cx,
        names,
        &raw.services,
        &base,
        targets,
        why,
        targets::Purpose::Hit,
    )
}

/// A Disaster's targets without the `Function`s it matches (a business
/// function has no state to destroy: it goes down through what it depends
/// on). Naming a `Function` with `Service(..)` is an issue.
fn disaster_targets(
    cx: &mut Ctx,
    raw: &raw::Scenario,
    p: &str,
    targets: &[raw::Target],
    hit: Vec<ServiceId>,
) -> Option<Vec<ServiceId>> {
    let mut ok = true;
    for (j, t) in targets.iter().enumerate() {
        if let raw::Target::Service(name) = t {
            let function = raw
                .services
                .iter()
                .any(|s| &s.id == name && s.kind == Some(ServiceKind::Function));
            if function {
                cx.issue(
                    format!("{p}.targets[{j}]"),
                    format!(
                        "{name:?} is a Function: a business function has no state of its own \
                         for a Disaster to destroy; target what it depends on, or hit it with an \
                         Outage (staff unavailable, a pandemic)"
                    ),
                );
                ok = false;
            }
        }
    }
    let kept = hit
        .into_iter()
        .filter(|&s| targets::kind_of(&raw.services, s) != ServiceKind::Function)
        .collect();
    ok.then_some(kept)
}

pub(super) fn ransomware(
    cx: &mut Ctx,
    names: &Names,
    raw: &raw::Scenario,
    p: &str,
    t: &raw::Threat,
) -> Option<Ransomware> {
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
            Some(s) if targets::kind_of(&raw.services, s) == ServiceKind::Function => {
                cx.issue(path, not_a_hop(name, "an entry"));
                ok = false;
            }
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
    let attack_paths = written(
        attack_paths
            .as_ref()
            .map(|paths| attack_path_list(cx, names, raw, p, paths)),
    );
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
            .map(|d| cx.money_dist(&at(p, "response_cost"), d)),
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

/// The issue of a `Function` named where ransomware enters or spreads.
fn not_a_hop(name: &str, role: &str) -> String {
    format!(
        "{name:?} is a Function: a business function is never entered, encrypted or a spread \
         hop, so it cannot be {role}; name the systems it runs on instead"
    )
}

/// A ransomware threat's `attack_paths`: each end a service id or a
/// target. A path whose two ends are one and the same service is an
/// issue; so is a `Function` named by its id.
fn attack_path_list(
    cx: &mut Ctx,
    names: &Names,
    raw: &raw::Scenario,
    p: &str,
    paths: &[raw::AttackPath],
) -> Option<Vec<AttackPath>> {
    let why = "ransomware enters and spreads through services; list the group's members";
    let mut out = Vec::new();
    let mut ok = true;
    for (j, ap) in paths.iter().enumerate() {
        let base = format!("{p}.attack_paths[{j}]");
        let mut end = |field: &str, e: &raw::Endpoint| -> Option<Vec<ServiceId>> {
            let path = at(&base, field);
            let (named, matched) = match e {
                raw::Endpoint::Id(name) | raw::Endpoint::Target(raw::Target::Service(name)) => {
                    (Some(name), vec![names.service(cx, &path, name, why)?])
                }
                raw::Endpoint::Target(t) => (
                    None,
                    targets::target(
                        cx,
                        names,
                        &raw.services,
                        &path,
                        t,
                        why,
                        targets::Purpose::Hit,
                    )?
                    .services,
                ),
            };
            if let Some(name) = named {
                if targets::kind_of(&raw.services, matched[0]) == ServiceKind::Function {
                    cx.issue(path, not_a_hop(name, "on an attack path"));
                    return None;
                }
            }
            Some(matched)
        };
        let from = end("from", &ap.from);
        let to = end("to", &ap.to);
        match (from, to) {
            (Some(a), Some(b)) if a.len() == 1 && a == b => {
                cx.issue(
                    base,
                    format!(
                        "the path goes from {:?} to itself: remove it",
                        raw.services[a[0].index()].id
                    ),
                );
                ok = false;
            }
            (Some(from), Some(to)) => out.push(AttackPath { from, to }),
            _ => ok = false,
        }
    }
    // Each path stands for every pair of its ends' services, and the
    // pairs are built: `(from: Tag("windows"), to: Tag("windows"))` over
    // 30 000 services is 9·10⁸ of them (validate took 10 GB, a run was
    // killed for want of memory).
    let pairs = |a: &AttackPath| a.from.len() as u64 * a.to.len() as u64;
    let total: u64 = out.iter().map(pairs).sum();
    let largest = out.iter().enumerate().max_by_key(|(_, a)| pairs(a));
    if let Some((j, big)) = largest.filter(|_| total > MAX_ATTACK_PAIRS) {
        cx.issue(
            at(p, "attack_paths"),
            format!(
                "the paths stand for {total} pairs of services (attack_paths[{j}] alone for \
                 {} × {}), more than the {MAX_ATTACK_PAIRS} a simulation holds: narrow their \
                 ends to the services that really reach each other (a tag of their own), or \
                 leave attack_paths out to spread along the dependencies",
                big.from.len(),
                big.to.len()
            ),
        );
        ok = false;
    }
    ok.then_some(out)
}

/// The most (from, to) pairs of services a ransomware threat's
/// `attack_paths` may stand for: 2·10⁷ pairs hold about 160 MB.
const MAX_ATTACK_PAIRS: u64 = 20_000_000;
