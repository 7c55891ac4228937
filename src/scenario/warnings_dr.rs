//! Planning warnings about the DR plan (DESIGN-2 A1): a standby that
//! would go down with its home site, and a DR invocation later than the
//! RTO. Each names the fix in the scenario's own ids.

use crate::model::{Model, ServiceId};

use super::validate::service_path;
use super::warnings::Warning;
use crate::fmt::format_hours;

/// The DR plan's warnings, in file order.
pub fn dr_warnings(model: &Model, out: &mut Vec<Warning>) {
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
