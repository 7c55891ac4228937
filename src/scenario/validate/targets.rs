//! Targets (`Site(..)`, `Service(..)`, `Tier(..)`, `Tag(..)`) resolved to
//! the services they match: the one home of that expansion, for threats'
//! targets, teams' skills and attack-path ends.

use std::collections::BTreeSet;

use crate::model::{ServiceId, ServiceKind, SiteId, Tier};
use crate::scenario::{raw, suggest};

use super::names::Names;
use super::Ctx;

/// What one target matches.
pub(super) struct Matched {
    /// The services, in id order.
    pub(super) services: Vec<ServiceId>,
    /// The site of a `Site(..)` target.
    pub(super) site: Option<SiteId>,
}

/// The services `target` matches. `why` says why a group does not fit a
/// `Service(..)`; with `must_hit`, a `Tier(..)` or `Tag(..)` that matches
/// no service is an issue (a typo, most likely). `None` after reporting.
pub(super) fn target(
    cx: &mut Ctx,
    names: &Names,
    services: &[raw::Service],
    path: &str,
    target: &raw::Target,
    why: &str,
    must_hit: bool,
) -> Option<Matched> {
    let with = |keep: &dyn Fn(&raw::Service) -> bool| -> Vec<ServiceId> {
        services
            .iter()
            .enumerate()
            .filter(|(_, s)| keep(s))
            .map(|(k, _)| ServiceId(k as u32))
            .collect()
    };
    let (hit, site) = match target {
        raw::Target::Site(name) => {
            let site = names.site(cx, path, name)?;
            (
                with(&|s| s.site.as_deref() == Some(name.as_str())),
                Some(site),
            )
        }
        raw::Target::Service(name) => (vec![names.service(cx, path, name, why)?], None),
        raw::Target::Tier(tier) => {
            let hit = with(&|s| s.tier.unwrap_or(Tier::Application) == *tier);
            if must_hit && hit.is_empty() {
                cx.issue(
                    path,
                    format!(
                        "no service has the tier {}: target another tier, or set tier: {} on \
                         the services it should hit",
                        tier.label(),
                        tier.label()
                    ),
                );
                return None;
            }
            (hit, None)
        }
        raw::Target::Tag(tag) => {
            let hit = with(&|s| s.tags.contains(tag));
            if must_hit && hit.is_empty() {
                let mut known: Vec<&str> = Vec::new();
                for t in services.iter().flat_map(|s| &s.tags) {
                    if !known.contains(&t.as_str()) {
                        known.push(t);
                    }
                }
                let message = match suggest::nearest(tag, known.iter().copied()) {
                    Some(near) => format!("no service has the tag {tag:?}; did you mean {near:?}?"),
                    None => format!(
                        "no service has the tag {tag:?}: add tags: [{tag:?}] to the services it \
                         should hit"
                    ),
                };
                cx.issue(path, message);
                return None;
            }
            (hit, None)
        }
    };
    Some(Matched {
        services: hit,
        site,
    })
}

/// Every service `targets` match together, in id order, and the sites
/// they name; `None` after reporting every bad target.
pub(super) fn targets(
    cx: &mut Ctx,
    names: &Names,
    services: &[raw::Service],
    base: &str,
    targets: &[raw::Target],
    why: &str,
    must_hit: bool,
) -> Option<(Vec<ServiceId>, Vec<SiteId>)> {
    let mut hit = BTreeSet::new();
    let mut sites = BTreeSet::new();
    let mut ok = true;
    for (j, t) in targets.iter().enumerate() {
        match target(
            cx,
            names,
            services,
            &format!("{base}[{j}]"),
            t,
            why,
            must_hit,
        ) {
            Some(m) => {
                hit.extend(m.services);
                sites.extend(m.site);
            }
            None => ok = false,
        }
    }
    ok.then(|| (hit.into_iter().collect(), sites.into_iter().collect()))
}

/// A service's kind as written (`System` when not).
pub(super) fn kind_of(services: &[raw::Service], s: ServiceId) -> ServiceKind {
    services[s.index()].kind.unwrap_or_default()
}
