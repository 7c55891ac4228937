//! Planning warnings about the DR plan (DESIGN-2 A1–A3): a standby that
//! would go down with its home site, a DR invocation later than the RTO,
//! backups kept at the service's own site with no rebuild, and a replicated
//! disaster that hits a service with nothing to restore from and no
//! rebuild. Each names the fix in the scenario's own ids.

use crate::model::{Model, ServiceId, ThreatKind};

use super::validate::{service_path, threat_path};
use super::warnings::Warning;
use crate::fmt::format_hours;

/// The DR plan's warnings, in file order: the failovers', then the
/// backups', then the replicated disasters'.
pub(crate) fn dr_warnings(model: &Model, out: &mut Vec<Warning>) {
    failover_warnings(model, out);
    backups_at_home(model, out);
    replicated_without_backups(model, out);
    super::warnings_wait::requires_wait_for_ever(model, out);
}

/// Backups kept at the site where the service runs, with no rebuild: a
/// disaster there destroys both, and nothing brings the service back.
fn backups_at_home(model: &Model, out: &mut Vec<Warning>) {
    for (i, svc) in model.services.iter().enumerate() {
        let Some(b) = &svc.backup else { continue };
        let (Some(site), Some(home)) = (b.site, svc.site) else {
            continue;
        };
        if site != home || b.rebuild.is_some() {
            continue;
        }
        let here = &model.sites[home.index()].id;
        // Another site to keep them at: the failover site first.
        let other = svc
            .failover
            .as_ref()
            .map(|f| f.site)
            .or_else(|| {
                (0..model.sites.len())
                    .map(|k| crate::model::SiteId(k as u32))
                    .find(|&k| k != home)
            })
            .map(|k| &model.sites[k.index()].id);
        let elsewhere = match other {
            Some(other) => format!("keep them at another site (site: {other:?}) or off site"),
            None => "keep them off site".to_string(),
        };
        out.push(Warning {
            path: format!("{}.backup.site", service_path(i, &svc.id)),
            message: format!(
                "the backups are kept at {here:?}, where {:?} runs: a disaster at {here:?} \
                 destroys it and its backups together, and with no rebuild it stays down to the \
                 end of the trial; {elsewhere} (remove site), or add rebuild: Pert(min: \"1d\", \
                 mode: \"3d\", max: \"10d\")",
                svc.id
            ),
        });
    }
}

/// A replicated disaster's targets that have no backup to restore from
/// and no rebuild: the standby receives the disaster too, so they stay
/// down to the end of the trial.
fn replicated_without_backups(model: &Model, out: &mut Vec<Warning>) {
    for (k, threat) in model.threats.iter().enumerate() {
        let ThreatKind::Disaster {
            targets,
            replicated: true,
            ..
        } = &threat.kind
        else {
            continue;
        };
        let stranded: Vec<String> = targets
            .iter()
            .map(|&t| model.service(t))
            .filter(|s| {
                s.backup.as_ref().is_none_or(|b| {
                    b.rebuild.is_none() && (b.interval.is_none() || b.restore.is_none())
                })
            })
            .map(|s| format!("{:?}", s.id))
            .collect();
        if stranded.is_empty() {
            continue;
        }
        let (they, them, have, stay) = if stranded.len() == 1 {
            ("it", "it", "has", "stays")
        } else {
            ("they", "them", "have", "stay")
        };
        out.push(Warning {
            path: format!("{}.replicated", threat_path(k, &threat.id)),
            message: format!(
                "a replicated disaster reaches the standby too, so its targets must be restored \
                 or rebuilt, but {} {have} no backup to restore from and no rebuild: {they} \
                 {stay} down to the end of the trial; give {them} backup: (interval: \"24h\", restore: \
                 Pert(min: \"2h\", mode: \"4h\", max: \"16h\")) or a rebuild, or remove \
                 replicated: true if the standby is not affected",
                stranded.join(", ")
            ),
        });
    }
}

/// A failover whose standby depends on the home site, and a DR invocation
/// later than the RTO.
fn failover_warnings(model: &Model, out: &mut Vec<Warning>) {
    for (i, svc) in model.services.iter().enumerate() {
        let Some(fo) = &svc.failover else { continue };
        let p = service_path(i, &svc.id);
        if let Some(home) = svc.site {
            let (deps, field) = match &fo.depends_on {
                Some(d) => (d.as_slice(), "failover.depends_on"),
                None => (svc.depends_on.as_slice(), "depends_on"),
            };
            let mut at_home = Vec::new();
            for &d in deps {
                let ls = model.member_services(d);
                // At home, and not failing over to the same site itself (a
                // group: every member).
                let stays = |s: ServiceId| {
                    let x = model.service(s);
                    x.site == Some(home) && x.failover.as_ref().is_none_or(|f| f.site != fo.site)
                };
                if ls.iter().all(|&s| stays(s)) {
                    at_home.push(model.node_id(d).to_string());
                }
            }
            if !at_home.is_empty() {
                let home_id = &model.sites[home.index()].id;
                let fo_site = &model.sites[fo.site.index()].id;
                let there: Vec<String> = model
                    .services
                    .iter()
                    .filter(|s| s.site == Some(fo.site))
                    .map(|s| format!("{:?}", s.id))
                    .collect();
                let fix = if there.is_empty() {
                    format!(
                        "give the failover depends_on: [..] with what the standby runs on at \
                         {fo_site:?}"
                    )
                } else {
                    format!(
                        "give the failover depends_on: [..] from what runs at {fo_site:?} ({})",
                        there.join(", ")
                    )
                };
                out.push(Warning {
                    path: format!("{p}.failover"),
                    message: format!(
                        "after failing over to {fo_site:?} it still depends on {} ({field}), \
                         at the home site {home_id:?} with no failover there: a disaster at \
                         {home_id:?} takes the standby down with it; {fix}",
                        at_home
                            .iter()
                            .map(|s| format!("{s:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
        if let (Some(after), Some(rto)) = (fo.invoke_after, svc.rto) {
            if after.get() > rto.get() {
                out.push(Warning {
                    path: format!("{p}.failover.invoke_after"),
                    message: format!(
                        "DR is invoked after {}, later than the RTO of {}: every outage long \
                         enough to invoke DR misses the RTO; invoke_after: \"{}\" or less, \
                         minus the switchover",
                        format_hours(after.get()),
                        format_hours(rto.get()),
                        format_hours(rto.get())
                    ),
                });
            }
        }
    }
}
