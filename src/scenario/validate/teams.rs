//! `Plan.teams` (DESIGN-2 B4): each team's crews and the services its
//! skills match.

use std::collections::HashMap;

use crate::model::Team;
use crate::scenario::raw;

use super::names::Names;
use super::targets::{self, Purpose};
use super::{at, Ctx};

/// Validate the plan's teams. `None` when any is invalid.
pub(super) fn teams(
    cx: &mut Ctx,
    names: &Names,
    plan: &raw::Plan,
    services: &[raw::Service],
) -> Option<Vec<Team>> {
    let mut ok = true;
    let mut out = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (k, team) in plan.teams.iter().enumerate() {
        let p = format!("plan.teams[{k}] {:?}", team.id);
        if team.id.trim().is_empty() {
            cx.issue(&p, "a team needs an id, such as \"dba\"");
            ok = false;
        } else if let Some(first) = seen.insert(&team.id, k) {
            cx.issue(
                &p,
                format!(
                    "duplicate team id {:?}: plan.teams[{first}] already has it; give every team \
                     its own id",
                    team.id
                ),
            );
            ok = false;
        }
        if team.crews == 0 {
            cx.issue(
                at(&p, "crews"),
                "a team of 0 crews could never recover what its skills match: use 1 or more",
            );
            ok = false;
        }
        if team.skills.is_empty() {
            cx.issue(
                at(&p, "skills"),
                "the team has no skills, so no job would go to it: add a skill such as \
                 Tag(\"database\"), Tier(Platform), Site(\"dc-east\") or Service(\"core-db\")",
            );
            ok = false;
        }
        let why = "teams recover services: list the group's members with Service(..) each, or \
                   give them a tag and use Tag(..)";
        let base = format!("{p}.skills");
        let matched = match targets::targets(
            cx,
            names,
            services,
            &base,
            &team.skills,
            why,
            Purpose::Recover,
        ) {
            Some((matched, _)) => matched,
            None => {
                ok = false;
                Vec::new()
            }
        };
        out.push(Team {
            id: team.id.clone(),
            crews: team.crews,
            services: matched,
        });
    }
    ok.then_some(out)
}
