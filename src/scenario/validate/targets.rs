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

/// What a target is for, which its messages say. Either way a `Tier(..)`
/// or `Tag(..)` that matches no service is an issue (a typo, most likely).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// A threat's target or an attack path's end: the services it hits. A
    /// `Site(..)` with no service still counts (its failovers and backups).
    Hit,
    /// A team's skill: the services the team recovers. A `Site(..)` with
    /// no service is an issue too: no job would go to the team by it.
    Recover,
}

impl Purpose {
    /// The services meant, as the end of a fix: "add tags: [..] to {}".
    fn services(self) -> &'static str {
        match self {
            Purpose::Hit => "the services it should hit",
            Purpose::Recover => "the services the team should recover",
        }
    }
}

/// The services `target` matches. `why` says why a group does not fit a
/// `Service(..)`; `purpose` what the target is for. `None` after reporting.
pub(super) fn target(
    cx: &mut Ctx,
    names: &Names,
    services: &[raw::Service],
    path: &str,
    target: &raw::Target,
    why: &str,
    purpose: Purpose,
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
            let hit = with(&|s| s.site.as_deref() == Some(name.as_str()));
            if purpose == Purpose::Recover && hit.is_empty() {
                cx.issue(
                    path,
                    format!(
                        "no service is at the site {name:?}: name another site, or set \
                         site: {name:?} on {}",
                        purpose.services()
                    ),
                );
                return None;
            }
            (hit, Some(site))
        }
        raw::Target::Service(name) => (vec![names.service(cx, path, name, why)?], None),
        raw::Target::Tier(tier) => {
            let hit = with(&|s| s.tier.unwrap_or(Tier::Application) == *tier);
            if hit.is_empty() {
                cx.issue(
                    path,
                    format!(
                        "no service has the tier {}: name another tier, or set tier: {} on {}",
                        tier.label(),
                        tier.label(),
                        purpose.services()
                    ),
                );
                return None;
            }
            (hit, None)
        }
        raw::Target::Tag(tag) => {
            let hit = with(&|s| s.tags.contains(tag));
            if hit.is_empty() {
                let mut known: Vec<&str> = Vec::new();
                for t in services.iter().flat_map(|s| &s.tags) {
                    if !known.contains(&t.as_str()) {
                        known.push(t);
                    }
                }
                let message = match suggest::nearest(tag, known.iter().copied()) {
                    Some(near) => format!("no service has the tag {tag:?}; did you mean {near:?}?"),
                    None if known.is_empty() => format!(
                        "no service has the tag {tag:?}: add tags: [{tag:?}] to {}",
                        purpose.services()
                    ),
                    None => format!(
                        "no service has the tag {tag:?}: add tags: [{tag:?}] to {}, or use a \
                         known tag: {}",
                        purpose.services(),
                        suggest::list(&known)
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
    purpose: Purpose,
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
            purpose,
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
